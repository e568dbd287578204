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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tracefs.h>

#include "fill_worker.h"
#include "kfeatures.h"
#include "probe_spec.h"
#include "session.h"
#include "tracer.h"
#include "utils.h"

enum { OPT_SERVE = 256, OPT_STRING_LIMIT, OPT_HELP, OPT_INTO };

static void usage(FILE *f)
{
	fprintf(f,
"usage: ktfill [-q] [-d SECS] [-p PID | -L TID] [-b KB] [-f FILTER] [--string-limit N]\n"
"              [--into INSTANCE] SYSTEM:EVENT...\n"
"       ktfill --serve\n"
"\n"
"Traces existing events (tracepoints, or probes another tool defined)\n"
"in a tracefs instance of its own, and fills in the user\n"
"memory they point to: file names, argv, strings the kernel could not read.\n"
"\n"
"  -d SECS        trace for SECS seconds, then exit\n"
"  -p PID         only the threads of process PID\n"
"  -L TID         only thread TID\n"
"  -b KB          ring buffer size per CPU, in KB (default 4096)\n"
"  -f FILTER      the kernel filter for every event\n"
"  --string-limit N  read at most N bytes of strings that are not file names (32)\n"
"  --into INSTANCE   also write each fill as a record into that tracefs instance\n"
"                 (one trace-cmd records: -B INSTANCE; \"top\": the top level)\n"
"  -q             print no event lines (with --into)\n"
"  --serve        be ktprobe's reader: fill requests on stdin, answers on stdout\n"
"  -h, --help     this help\n"
"see ktfill(8)\n");
}

static int parse_pid(const char *s, pid_t *out)
{
	unsigned long long v;

	if (parse_u64(s, &v) || !v || v > 0x3fffffff)
		return -1;
	*out = (pid_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "serve", no_argument, NULL, OPT_SERVE },
		{ "string-limit", required_argument, NULL, OPT_STRING_LIMIT },
		{ "help", no_argument, NULL, 'h' },
		{ "into", required_argument, NULL, OPT_INTO },
		{ NULL, 0, NULL, 0 },
	};
	struct tracer_opts run = { .out = stdout, .tool = "ktfill" };
	struct probe_spec *specs = NULL;
	const char *filter = NULL;
	unsigned long long v;
	char *end;
	int opt, n = 0, ret = 2;

	ktp_prog = "ktfill";
	while ((opt = getopt_long(argc, argv, "hqd:p:L:b:f:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_SERVE:
			return fill_worker_run(0, 1) ? 1 : 0;
		case 'h':
			usage(stdout);
			return 0;
		case 'd':
			run.duration = strtod(optarg, &end);
			if (*end || run.duration <= 0) {
				err_msg("-d: '%s' is not a positive number of seconds", optarg);
				return 2;
			}
			break;
		case 'p':
		case 'L':
			if (parse_pid(optarg, opt == 'p' ? &run.pid : &run.tid)) {
				err_msg("-%c: '%s' is not a process id", opt, optarg);
				return 2;
			}
			break;
		case 'b':
			if (parse_u64(optarg, &v) || !v || v > (1ULL << 30)) {
				err_msg("-b: '%s' is not a buffer size in KB", optarg);
				return 2;
			}
			run.buffer_kb = v;
			break;
		case 'f':
			filter = optarg;
			break;
		case 'q':
			run.quiet = true;
			break;
		case OPT_INTO:
			if (str_has_control(optarg) || strchr(optarg, '/')) {
				err_msg("--into: '%s' is no instance name", optarg);
				return 2;
			}
			run.fills_into = optarg;
			break;
		case OPT_STRING_LIMIT:
			if (parse_u64(optarg, &v) || !v || v > 65536) {
				err_msg("--string-limit: '%s' is not a length from 1 to 65536", optarg);
				return 2;
			}
			run.string_limit = v;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc || (run.pid && run.tid)) {
		usage(stderr);
		return 2;
	}
	ret = 1;
	if (geteuid() != 0) {
		err_msg("tracing needs root (tracefs is root-only)");
		goto out;
	}
	if (session_tracefs_mounted(true) < 0 || !tracefs_tracing_dir()) {
		err_msg("tracefs is not mounted and mounting it failed");
		goto out;
	}
	specs = xcalloc(argc - optind, sizeof(*specs));
	for (; optind < argc; optind++, n++) {
		char *text = xasprintf("%s%s", str_starts(argv[optind], "t:") ? "" : "t:",
				       argv[optind]);
		int err = probe_spec_parse(text, &specs[n]);

		free(text);
		if (err)
			goto out;
		if (filter) {
			if (str_has_control(filter)) {
				err_msg("filter contains a control character: refused");
				goto out;
			}
			specs[n].filter = xstrdup(filter);
		}
		if (!tracefs_event_file_exists(NULL, specs[n].system, specs[n].event, "format")) {
			err_msg("no event %s:%s", specs[n].system, specs[n].event);
			n++;
			goto out;
		}
	}
	signals_install();
	session_cleanup_stale(false);
	ret = tracer_run(specs, n, &run);
out:
	for (int i = 0; specs && i < n; i++)
		probe_spec_free(&specs[i]);
	free(specs);
	return ret;
}
