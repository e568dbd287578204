/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_AGG_KERNEL_H
#define KTP_AGG_KERNEL_H

/*
 * The kernel's hist trigger as agg_record.c uses it (agg_kernel.c): what
 * a row of the hist file holds, the trigger's text, the file parsed. In
 * the fuzz target.
 */
#include <stdbool.h>
#include <stddef.h>

#include "agg.h"

#define AGG_KERNEL_ROWS	65536	/* the trigger's size=: rows beyond are dropped, and said */

enum hist_key_kind {
	HK_EXECNAME,		/* common_pid.execname: a comm label and a thread */
	HK_NUMBER,
	HK_STRING,
	HK_STACK,		/* common_stacktrace (stacktrace before 6.5): last, lines of frames */
};

/* The keys of a hist trigger, in the kernel's order, and the summed field. */
struct agg_hist_layout {
	int nkeys;
	const char *name[AGG_KEYS_MAX + 1];
	enum hist_key_kind kind[AGG_KEYS_MAX + 1];
	const char *sum;		/* in vals=, or NULL */
};

/* One row: per key its text (strings, the comm label) and number. */
struct agg_hist_row {
	const char *text[AGG_KEYS_MAX + 1];
	size_t len[AGG_KEYS_MAX + 1];
	unsigned long long num[AGG_KEYS_MAX + 1];
	unsigned long long hitcount, sum;
};

char *agg_hist_trigger(const struct agg_hist_layout *l);
char *agg_dry_trigger(const struct agg_opts *a, const char *retval, const char *filter);
size_t agg_frames_tracing(const char *frames, size_t len);
void agg_hist_frames(struct outbuf *o, const char *text, size_t len, const char *func);
int agg_hist_parse(const char *text, const struct agg_hist_layout *l,
		   void (*fn)(void *ctx, const struct agg_hist_row *row), void *ctx,
		   unsigned long long *dropped);

#endif
