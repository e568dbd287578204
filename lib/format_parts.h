/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FORMAT_PARTS_H
#define KTP_FORMAT_PARTS_H

/*
 * The formatter's inside, shared by its parts: format.c (records to
 * lines) and syscall_line.c (syscall events). Not for other files: they
 * use format.h.
 */
#include "event_plan.h"
#include "format.h"

struct formatter {
	struct tep_handle *tep;
	struct outbuf *out;
	struct trace_seq seq;
	struct event_plan **plans;	/* by event id */
	int nplans;
	struct line_head head;		/* "comm-pid [cpu] flags timestamp: " */
	struct cpu_state *cpus;		/* the last event of each CPU, for its stacks */
	int ncpus;
	struct fill_hook fill;		/* the companion, if any */
	struct fill_spot *spots;	/* the last record's fills, where they go in out */
	unsigned int nspots, spots_cap;
};

void format_ask_fill(struct formatter *f, struct tep_record *rec, struct fill_ask *ask,
		     const struct tep_format_field *kcap);
void syscall_line(struct formatter *f, const struct event_plan *p, struct tep_record *rec);

#endif
