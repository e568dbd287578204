/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_LIVE_RUN_H
#define KTP_LIVE_RUN_H

/*
 * A live run's state, shared by its three parts: tracer.c (the pipeline
 * from start to end), run_arm.c (spec to armed session), run_stream.c
 * (records to fills to text).
 */
#include "context.h"
#include "datfile.h"
#include "drain.h"
#include "filler.h"
#include "format.h"
#include "outbuf.h"
#include "proctable.h"
#include "session.h"
#include "tracer.h"

struct live_run {
	const struct tracer_opts *o;
	struct probe_spec *specs;
	int n;
	struct session sess;
	struct tep_handle *tep;
	struct drain *drain;
	struct formatter *fmt;
	struct outbuf out;
	struct proctable *procs;	/* comms, threads followed (-p), execs and exits */
	struct context ctx;		/* forks, execs, renames, exits (and threads for -p) */
	struct filler *filler;		/* the companion reader, if any */
	struct datfile *dat;		/* -o */
	int marker_fd;			/* where fill records go, or -1 */
};

const char *run_spec_system(const struct live_run *r, const struct probe_spec *ps);
bool run_need_kallsyms(const struct live_run *r);
int run_define_probes(struct live_run *r);
int run_load_events(struct live_run *r);
void run_print_formats(struct live_run *r);
void run_start_formatting(struct live_run *r);
int run_arm(struct live_run *r);
void run_stream(struct live_run *r);
int run_finish_outputs(struct live_run *r);

#endif
