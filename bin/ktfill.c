// SPDX-License-Identifier: GPL-2.0
/*
 * ktfill - the companion reader: reads, with process_vm_readv, the user
 * memory that trace events only point to (file names, argv, strings the
 * kernel could not fault in), right after the events.
 *
 *   ktfill --serve        answer ktprobe's fill requests (stdin -> stdout)
 *   ktfill [options] EVENT...
 *                         on its own: trace existing events (tracepoints, or
 *                         probes another tool defined) in an instance of its
 *                         own, with the values filled in
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "cli.h"
#include "fill_worker.h"
#include "probe_spec.h"
#include "session.h"
#include "run.h"
#include "utils.h"

/* What ktfill's command line sets. */
struct settings {
	struct run_opts run;
	const char *filter;		/* -f: for every event */
	bool serve;			/* --serve: be ktprobe's reader */
};

/* --into INSTANCE: a tracefs instance's name, one path component */
static int set_into(void *settings, const char *instance)
{
	struct settings *s = settings;

	if (str_has_control(instance) || strchr(instance, '/')) {
		err_msg("--into: '%s' is no instance name", instance);
		return -1;
	}
	s->run.fills_into = instance;
	return 0;
}

/* --serve: the rest of the command line does not matter */
static int set_serve(void *settings, const char *arg)
{
	(void)arg;
	((struct settings *)settings)->serve = true;
	return 1;
}

#define FIELD(f) offsetof(struct settings, f)

/* ktfill's options, in the order of the usage. */
static const struct cli_option options[] = {
	{ 'd', .arg = "SECS", .kind = CLI_SECONDS, .field = FIELD(run.duration),
	  .help = "trace for SECS seconds, then exit" },
	{ 'p', .arg = "PID", .kind = CLI_ID, .field = FIELD(run.pid), .what = "a process id",
	  .help = "only the threads of process PID" },
	{ 'L', .arg = "TID", .kind = CLI_ID, .field = FIELD(run.tid), .what = "a process id",
	  .help = "only thread TID" },
	{ 'b', .arg = "KB", .kind = CLI_BUFFER_KB, .field = FIELD(run.buffer_kb),
	  .help = "ring buffer size per CPU, in KB (default 4096)" },
	{ 'f', .arg = "FILTER", .kind = CLI_TEXT, .field = FIELD(filter),
	  .help = "the kernel filter for every event" },
	{ CLI_LONG_ONLY + 0, "string-limit", .arg = "N", .kind = CLI_LENGTH,
	  .field = FIELD(run.string_limit),
	  .help = "read at most N bytes of strings that are not file names (32)" },
	{ CLI_LONG_ONLY + 1, "into", .arg = "INSTANCE", .kind = CLI_CALL, .call = set_into,
	  .help = "also write each fill as a record into that tracefs instance\n"
		  "(one trace-cmd records: -B INSTANCE; \"top\": the top level)" },
	{ CLI_LONG_ONLY + 3, "no-kernel-copies", .kind = CLI_SET, .field = FIELD(run.no_kernel_copies),
	  .help = "make no kernel copies of syscall paths: read every value" },
	{ 'q', .kind = CLI_SET, .field = FIELD(run.quiet),
	  .help = "print no event lines (with --into)" },
	{ CLI_LONG_ONLY + 2, "serve", .kind = CLI_CALL, .call = set_serve,
	  .help = "be ktprobe's reader: fill requests on stdin, answers on stdout" },
	{ 'h', "help", .kind = CLI_HELP, .help = "this help" },
};

static const struct cli_program program = {
	.synopsis =
"usage: ktfill [-q] [-d SECS] [-p PID | -L TID] [-b KB] [-f FILTER] [--string-limit N]\n"
"              [--no-kernel-copies] [--into INSTANCE] SYSTEM:EVENT...\n"
"       ktfill --serve\n"
"\n"
"Traces existing events (tracepoints, or probes another tool defined)\n"
"in a tracefs instance of its own, and fills in the user\n"
"memory they point to: file names, argv, strings the kernel could not read.\n"
"\n",
	.epilogue = "see ktfill(8)\n",
	.opts = options,
	.nopts = ARRAY_SIZE(options),
};

int main(int argc, char **argv)
{
	struct settings s = { .run = { .out = stdout, .tool = "ktfill" } };
	struct probe_spec *specs = NULL;
	int n = 0, ret;

	ktp_prog = "ktfill";
	ret = cli_parse(&program, argc, argv, &s);
	if (s.serve)
		return fill_worker_run(0, 1) ? 1 : 0;
	if (ret)
		return ret > 0 ? 0 : 2;
	if (optind == argc || (s.run.pid && s.run.tid)) {
		cli_usage(&program, stderr);
		return 2;
	}
	ret = 1;
	if (cli_need_tracefs(NULL))
		goto out;
	specs = xcalloc(argc - optind, sizeof(*specs));
	for (; optind < argc; optind++) {
		struct probe_spec *ps = &specs[n++];	/* freed at out, even half-parsed */
		char *text = xasprintf("%s%s", str_starts(argv[optind], "t:") ? "" : "t:",
				       argv[optind]);
		int err = probe_spec_parse(text, ps);

		free(text);
		if (err)
			goto out;
		if (s.filter) {
			if (cli_check_filter(s.filter))
				goto out;
			ps->filter = xstrdup(s.filter);
		}
		if (!tracefs_event_file_exists(NULL, ps->system, ps->event, "format")) {
			err_msg("no event %s:%s", ps->system, ps->event);
			goto out;
		}
	}
	signals_install();
	session_cleanup_stale(false);
	ret = live_run(specs, n, &s.run);
out:
	for (int i = 0; specs && i < n; i++)
		probe_spec_free(&specs[i]);
	free(specs);
	return ret;
}
