/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FORMAT_H
#define KTP_FORMAT_H

#include <stdbool.h>
#include <event-parse.h>

#include "filler.h"
#include "line_head.h"
#include "outbuf.h"
#include "proctable.h"

/* Where the formatter sends the values it wants read from a process. */
struct fill_hook {
	uint32_t (*request)(void *ctx, const struct fill_ask *ask);
	void *ctx;
	unsigned int string_limit;	/* strings that are not file names */
	unsigned int max_items;		/* argv, envp */
	bool count_env;			/* envp as its number of variables, like strace */
};

struct formatter;

struct formatter *formatter_new(struct tep_handle *tep, struct outbuf *out, bool lazy_flags,
				 struct proctable *procs, bool live);
void formatter_free(struct formatter *f);
void formatter_record(struct formatter *f, struct tep_record *rec);
void formatter_skip(struct formatter *f, struct tep_record *rec);
bool formatter_is_stack(struct formatter *f, struct tep_record *rec);
int formatter_stack_frames(struct formatter *f, struct tep_record *rec, unsigned long long ip,
			   struct outbuf *o, char sep);
void formatter_set_fills(struct formatter *f, const struct fill_hook *hook);
unsigned int formatter_line_fills(const struct formatter *f, const struct fill_spot **spots);
bool formatter_is_marker(struct formatter *f, struct tep_record *rec, unsigned int *id,
			 const void **payload, unsigned int *len);

#endif
