/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_LINE_HEAD_H
#define KTP_LINE_HEAD_H

#include <stdbool.h>
#include <event-parse.h>

#include "outbuf.h"
#include "proctable.h"

/* What the head of a line needs: names, flag rules, the last comm found. */
struct line_head {
	struct tep_handle *tep;
	struct proctable *procs;	/* the comms, among the rest */
	bool lazy_flags;
	bool live;			/* the events are from this machine, now */
	unsigned long long cmdlines_read;
	int last_pid;
	unsigned long long last_gen;	/* of procs' comms, when last_comm was found */
	char last_comm[64];
};

void line_head_init(struct line_head *h, struct tep_handle *tep, struct proctable *procs,
		    bool lazy_flags, bool live);
const char *line_head_comm(struct line_head *h, int pid);
void line_head_put(struct line_head *h, struct outbuf *o, struct tep_record *rec, int pid);
void format_column_header(struct outbuf *o);
bool kernel_has_lazy_flags(const char *release);

#endif
