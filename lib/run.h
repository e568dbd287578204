/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_RUN_H
#define KTP_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "agg.h"
#include "probe_spec.h"

/* What a live run does with its specs. */
struct run_opts {
	double duration;		/* -d: seconds, 0 = until a signal */
	pid_t pid;			/* -p: threads of this process */
	pid_t tid;			/* -L: this thread only */
	size_t buffer_kb;		/* -b: per-CPU buffer, 0 = kernel default */
	bool stacks;			/* -s */
	bool headers;			/* -H */
	bool show_format;		/* -v: print formats, then exit */
	bool no_fill;			/* --no-fill: no companion reads */
	bool no_kernel_copies;		/* --no-kernel-copies: no capture probes */
	unsigned int string_limit;	/* --string-limit (not for file names) */
	const char *tool;		/* "ktprobe" or "ktfill": names the session */
	const char *output;		/* -o: also write a trace.dat there */
	const char *fills_into;		/* ktfill --into: fill records into this instance */
	bool quiet;			/* no event lines (ktfill --into -q) */
	const struct agg_opts *agg;	/* --count and its kin: rows, not lines */
	FILE *out;
};

int live_run(struct probe_spec *specs, int nspecs, const struct run_opts *o);

#endif
