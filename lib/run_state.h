/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_RUN_STATE_H
#define KTP_RUN_STATE_H

/*
 * A live run's state, shared by its three parts: run.c (the pipeline
 * from start to end), run_arm.c (spec to armed session), run_stream.c
 * (records to fills to text).
 */
#include "task_events.h"
#include "datfile.h"
#include "drain.h"
#include "filler.h"
#include "format.h"
#include "kcapture.h"
#include "outbuf.h"
#include "proctable.h"
#include "session.h"
#include "run.h"

struct run_state {
	const struct run_opts *o;
	struct probe_spec *specs;
	int n;
	struct session sess;
	struct tep_handle *tep;
	struct drain *drain;
	struct formatter *fmt;
	struct outbuf out;
	struct proctable *procs;	/* comms, threads followed (-p), execs and exits */
	struct task_events tasks;	/* forks, execs, renames, exits (and threads for -p) */
	struct filler *filler;		/* the companion reader, if any */
	struct kcapture kcap;		/* the kernel's copies of paths, if armed */
	struct datfile *dat;		/* -o */
	struct agg_run *agg;		/* counting instead of lines, if asked */
	bool agg_in_kernel;		/* by hist triggers: no event is recorded */
	int marker_fd;			/* where fill records go, or -1 */
	long round_records;		/* events with values in this read of the buffers */
	unsigned long long round_reads;	/* values read in it (not the kernel's copies) */
	long round_copies;		/* capture records in it (the kernel's copies) */
};

const char *run_spec_system(const struct run_state *r, const struct probe_spec *ps);
bool run_need_kallsyms(const struct run_state *r);
int run_define_probes(struct run_state *r);
int run_load_events(struct run_state *r);
void run_print_formats(struct run_state *r);
void run_start_formatting(struct run_state *r);
int run_arm(struct run_state *r);
int run_start_counting(struct run_state *r);
void run_stream(struct run_state *r);
int run_finish_outputs(struct run_state *r);

#endif
