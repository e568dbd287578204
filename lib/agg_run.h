/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_AGG_RUN_H
#define KTP_AGG_RUN_H

/*
 * A live run's counting, shared by agg_record.c (from the records, and
 * the run's rows) and agg_hist_run.c (by the kernel's hist triggers).
 */
#include <event-parse.h>
#include <tracefs.h>

#include "agg.h"
#include "agg_kernel.h"
#include "filler.h"
#include "line_head.h"

/* What one traced event gives: its keys' fields and the value's. */
struct agg_event {
	struct tep_event *ev;
	struct tep_format_field *keys[AGG_KEYS_MAX];
	struct tep_format_field *value;		/* --sum or --hist */
	struct tep_format_field *ip;		/* a kprobe's address (a stack key's trim) */
	/* counting in the kernel: the trigger, and where each key is in its rows */
	const char *system;
	struct agg_hist_layout layout;
	const char *name;		/* the event's name (a synthetic event has no ev) */
	char *trigger;
	int at[AGG_KEYS_MAX], value_at;
	bool armed;
	bool no_rows;			/* --latency's entry and return: no hist file read */
	bool user;			/* a uprobe's: its stack is the program's */
	const char *func;		/* a kprobe's function: the kernel's stacks trimmed to it */
};

/* An event counted by its stack: held until its stack record comes (per CPU). */
struct agg_pending {
	struct outbuf key;		/* the key, the stack's place empty */
	size_t at;			/* where the stack goes */
	unsigned long long v, ip;
	int pid;
	bool waiting;
};

/* An int -> number map (tid -> tgid, tid -> entry time), open addressing. */
struct tid_map {
	int *tid;
	unsigned long long *val;
	unsigned int cap, n;
};

struct agg_run {
	const struct agg_opts *a;
	struct tep_handle *tep;
	struct line_head head;		/* the comms, as event lines have them */
	struct agg_table table;
	struct agg_event *events;
	int nevents;
	int entry_id, return_id;
	struct tid_map tgids, starts;
	struct outbuf key;		/* the key being rendered */
	unsigned long long since;	/* the interval's start */
	struct tracefs_instance *inst;	/* counting in the kernel: the run's instance */
	struct agg_event *reading;	/* the event whose hist file is parsed */
	char *synth;			/* --latency in the kernel: the synthetic event */
	/* keys read by the companion (agg_fill.c): the record's fills, by key */
	struct filler *filler;
	uint32_t fill_ids[AGG_KEYS_MAX];
	char why[120];			/* why the counting is ktprobe's */
	/* a stack key: where it goes in g->key, the events waiting for theirs */
	int stack_key;			/* its index, -1 if none */
	size_t stack_at;
	struct agg_pending *pending;
	int npending;
	struct outbuf frames, stack_row;	/* a stack record's frames, its row's key */
};

int tgid_of(struct agg_run *g, int tid);
struct agg_event *agg_event_of(struct agg_run *g, struct tep_record *rec);
unsigned long long agg_field_number(struct tep_format_field *f, struct tep_record *rec);
void agg_put_key(struct agg_run *g, struct agg_event *e, struct tep_record *rec, int pid,
		 struct fill_spot *spots, unsigned int *nspots);
void agg_count(struct agg_run *g, const char *key, size_t len, unsigned long long v);
void agg_hold_for_stack(struct agg_run *g, struct agg_event *e, struct tep_record *rec, int pid,
			unsigned long long v);
void agg_stacks_missing(struct agg_run *g);
void agg_stacks_free(struct agg_run *g);
unsigned long long sign_extend(const struct tep_format_field *f, unsigned long long v);
void agg_read_kernel(struct agg_run *g, bool clear);
void agg_remove_synth(struct agg_run *g);

#endif
