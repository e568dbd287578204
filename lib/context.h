/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_CONTEXT_H
#define KTP_CONTEXT_H

#include <stdbool.h>
#include <event-parse.h>

struct proctable;

/* The events that keep names and fills right (printed only when asked for). */
enum context_kind { CTX_FORK, CTX_EXEC, CTX_EXIT, CTX_RENAME, CTX_NEWTASK, CTX_COUNT };

extern const char *const context_events[CTX_COUNT][2];

struct context {
	struct tep_handle *tep;
	struct tep_event *ev[CTX_COUNT];	/* NULL: not in this stream */
	bool print[CTX_COUNT];			/* the user asked for it */
	struct proctable *procs;		/* what is learned goes there */
};

bool context_record(struct context *c, struct tep_record *rec, int pid);

#endif
