/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_AGG_H
#define KTP_AGG_H

/*
 * Counting instead of streaming (--count, --sum, --hist, --latency): the
 * contract between
 *   agg_opts.c   the options' text, checked (in the fuzz target);
 *   agg_table.c  the rows, keyed by the keys' text, with their values;
 *   agg_print.c  the rows as text (histograms drawn as bpftrace draws
 *                them) or as JSON lines;
 *   agg_record.c the rows filled in a live run: from the binary records
 *                (ktprobe's counting) or from the kernel's hist files
 *                (agg_kernel.c: the triggers, the files parsed).
 * A key's value is rendered as text once, when its row is found: numbers
 * in decimal (signed as the field is), strings escaped, parts joined by
 * AGG_KEY_SEP, which no rendered value contains; a stack's frames,
 * innermost first, each ended by AGG_FRAME_SEP.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"

#define AGG_KEYS_MAX	6
#define AGG_BUCKETS	66	/* negative, zero, then [2^k, 2^(k+1)) for k = 0..63 */
#define AGG_KEY_SEP	'\x1f'
#define AGG_FRAME_SEP	'\x1e'

enum agg_key_kind {
	AGG_KEY_FIELD,		/* an event field, by name */
	AGG_KEY_COMM,		/* the thread's comm at the event */
	AGG_KEY_TID,
	AGG_KEY_PID,		/* the thread group (the process) */
	AGG_KEY_CPU,
	AGG_KEY_EVENT,		/* the event's name */
	AGG_KEY_STACK,		/* the stack the event's stack record (-s) has */
};

struct agg_key {
	enum agg_key_kind kind;
	char *name;		/* as written: the column's title */
};

/* What the command line asked to count, and how to print it. */
struct agg_opts {
	struct agg_key keys[AGG_KEYS_MAX];
	int nkeys;
	bool count;		/* --count[=KEYS] */
	char *sum;		/* --sum=FIELD */
	char *hist;		/* --hist=FIELD */
	char *latency;		/* --latency SPEC: the function, as written */
	unsigned int top;	/* --top N; 0: every row */
	double interval;	/* -i SECS; 0: at the end only */
	bool json;		/* --format=json */
	bool no_kernel_hist;	/* --no-kernel-hist */
};

/* agg_opts.c */
int agg_parse_keys(struct agg_opts *a, const char *text);
int agg_parse_field(char **dst, const char *option, const char *text);
int agg_parse_format(struct agg_opts *a, const char *text);
bool agg_wanted(const struct agg_opts *a);
int agg_check(const struct agg_opts *a);
void agg_opts_free(struct agg_opts *a);

/* One distinct key and what was counted for it. */
struct agg_row {
	char *key;		/* NULL: a free slot */
	size_t klen;
	unsigned long long count;
	unsigned long long sum;		/* wraps; printed signed when the field is */
	unsigned long long *buckets;	/* AGG_BUCKETS, with --hist and --latency */
};

/* agg_table.c: the rows, by open addressing */
struct agg_table {
	struct agg_row *rows;
	unsigned int cap, n;
	bool hist;
	bool sum_signed;		/* the summed field is signed */
	unsigned long long events;	/* counted */
	long long lost;			/* events lost in the ring buffer; -1: unknown */
};

void agg_table_init(struct agg_table *t, bool hist, bool sum_signed);
struct agg_row *agg_table_row(struct agg_table *t, const char *key, size_t len);
unsigned int agg_bucket(unsigned long long v, bool is_signed);
void agg_table_clear(struct agg_table *t);
void agg_table_free(struct agg_table *t);

/* agg_print.c */
void agg_print(struct outbuf *o, struct agg_table *t, const struct agg_opts *a,
	       double elapsed);

/* agg_record.c: ktprobe's own counting in a live run */
struct tep_handle;
struct tep_event;
struct tep_record;
struct proctable;
struct agg_run;
struct tracefs_instance;
/* A traced event, as counting needs it. */
struct agg_traced {
	struct tep_event *ev;	/* NULL: not found */
	const char *system;
	bool user;		/* a uprobe's */
	const char *func;	/* a kprobe's function (a stack's frames start below it), or NULL */
};
struct agg_events {
	struct agg_traced *v;
	int n;
	int entry_id, return_id;	/* --latency: the pair, else -1 */
};
struct agg_run *agg_run_new(const struct agg_opts *a, struct tep_handle *tep,
			    struct proctable *procs, const struct agg_events *ev);
bool agg_run_kernel(struct agg_run *g, struct tracefs_instance *inst, char *const *filters,
		    const char **why);
int agg_run_arm(struct agg_run *g);
void agg_run_disarm(struct agg_run *g);
void agg_run_record(struct agg_run *g, struct tep_record *rec, int pid);
struct formatter;
void agg_run_stack(struct agg_run *g, struct formatter *fmt, struct tep_record *rec, int pid);
void agg_run_lost(struct agg_run *g, long long n);
void agg_run_print(struct agg_run *g, struct outbuf *o, bool final);
void agg_run_free(struct agg_run *g);

/* agg_fill.c: keys whose values the companion reads */
enum agg_fill {
	AGG_FILL_NONE,		/* every key's value is in the record */
	AGG_FILL_FAULTS,	/* a string the kernel reads; the companion, where it could not */
	AGG_FILL_ALWAYS,	/* the record has only the pointer */
};
struct filler;
struct fill_ask;
struct fill_spot;
enum agg_fill agg_run_fills(struct agg_run *g, const char **why);
void agg_run_use_filler(struct agg_run *g, struct filler *f);
uint32_t agg_run_fill_request(void *ctx, const struct fill_ask *ask);
unsigned int agg_run_key_line(struct agg_run *g, struct tep_record *rec, int pid, struct outbuf *o,
			      struct fill_spot *spots);
void agg_run_count_lines(struct agg_run *g, struct outbuf *o);

#endif
