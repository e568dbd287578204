// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe - trace kernel and user functions and tracepoints with ftrace
 * alone: probe specs in, ftrace-style event lines out.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "agg.h"
#include "agg_kernel.h"
#include "arch.h"
#include "binpath.h"
#include "binsym.h"
#include "cli.h"
#include "kcapture.h"
#include "kfeatures.h"
#include "keep.h"
#include "names.h"
#include "probe_spec.h"
#include "report.h"
#include "session.h"
#include "run.h"
#include "utils.h"

#define KTPROBE_VERSION "0.1"
/* what works without root, for the error that says tracing needs it */
#define WITHOUT_ROOT "-n and -l work without it"

struct cli {
	struct strv specs;		/* -e SPEC and the positional SPEC */
	struct strv filters;		/* per spec, "" = none */
	char *filter_all;		/* positional FILTER */
	const char *list_bin;
	const char *arch;
	const char *btf;		/* --btf FILE|DIR */
	const char *vars;		/* --vars 'FUNC [EXPR->]' */
	bool dry_run, cleanup, force, registers, keep, list_kept, remove_kept;
	struct agg_opts agg;		/* --count, --sum, --hist, --latency */
	const char *remove_group;
	struct run_opts run;
};

/* -e SPEC */
static int add_spec(void *settings, const char *spec)
{
	struct cli *c = settings;

	strv_push(&c->specs, xstrdup(spec));
	strv_push(&c->filters, xstrdup(""));
	return 0;
}

/* -f FILTER, for the -e SPEC before it */
static int add_filter(void *settings, const char *filter)
{
	struct cli *c = settings;

	if (!c->specs.n || *c->filters.v[c->filters.n - 1]) {
		err_msg("-f FILTER must follow an -e SPEC (one filter each)");
		return -1;
	}
	free(c->filters.v[c->filters.n - 1]);
	c->filters.v[c->filters.n - 1] = xstrdup(filter);
	return 0;
}

/* --remove-kept[=GROUP] */
static int remove_kept(void *settings, const char *group)
{
	struct cli *c = settings;

	c->remove_kept = true;
	c->remove_group = group;
	return 0;
}

/* --version */
static int print_version(void *settings, const char *arg)
{
	(void)settings;
	(void)arg;
	printf("ktprobe %s\n", KTPROBE_VERSION);
	return 1;
}

/* --count[=KEYS] */
static int count_keys(void *settings, const char *keys)
{
	return agg_parse_keys(&((struct cli *)settings)->agg, keys) ? -1 : 0;
}

/* --sum=FIELD */
static int sum_field(void *settings, const char *field)
{
	return agg_parse_field(&((struct cli *)settings)->agg.sum, "--sum", field) ? -1 : 0;
}

/* --hist=FIELD */
static int hist_field(void *settings, const char *field)
{
	return agg_parse_field(&((struct cli *)settings)->agg.hist, "--hist", field) ? -1 : 0;
}

/* --format=text|json */
static int output_format(void *settings, const char *format)
{
	return agg_parse_format(&((struct cli *)settings)->agg, format) ? -1 : 0;
}

/* --latency FUNC */
static int latency_of(void *settings, const char *func)
{
	struct cli *c = settings;

	if (c->agg.latency) {
		err_msg("--latency is given twice");
		return -1;
	}
	c->agg.latency = xstrdup(func);
	return 0;
}

#define FIELD(f) offsetof(struct cli, f)

/* ktprobe's options, in the order of the usage. */
static const struct cli_option options[] = {
	{ 'e', .arg = "SPEC", .kind = CLI_CALL, .call = add_spec,
	  .help = "trace SPEC too (repeatable: entry and return together)" },
	{ 'f', .arg = "FILTER", .kind = CLI_CALL, .call = add_filter,
	  .help = "filter for the preceding -e SPEC (kernel filter syntax)" },
	{ 'd', .alias = "duration", .arg = "SECS", .kind = CLI_SECONDS, .field = FIELD(run.duration),
	  .help = "trace for SECS seconds, then exit" },
	{ 'p', .alias = "pid", .arg = "PID", .kind = CLI_ID, .field = FIELD(run.pid),
	  .what = "a process id", .help = "only the threads of process PID (and threads it creates)" },
	{ 'L', .alias = "tid", .arg = "TID", .kind = CLI_ID, .field = FIELD(run.tid),
	  .what = "a thread id", .help = "only thread TID" },
	{ 'b', .arg = "KB", .kind = CLI_BUFFER_KB, .field = FIELD(run.buffer_kb),
	  .help = "ring buffer size per CPU, in KB (default 4096)" },
	{ 'o', .alias = "output", .arg = "FILE", .kind = CLI_TEXT, .field = FIELD(run.output),
	  .help = "also write the events and fills to FILE, a trace.dat" },
	{ 's', .kind = CLI_SET, .field = FIELD(run.stacks),
	  .help = "stack traces (kernel stacks; user stacks for uprobes)" },
	{ 'H', .kind = CLI_SET, .field = FIELD(run.headers), .help = "print column headers" },
	{ 'v', .kind = CLI_SET, .field = FIELD(run.show_format),
	  .help = "print the events' formats, then exit" },
	{ 'n', .alias = "dry-run", .kind = CLI_SET, .field = FIELD(dry_run),
	  .help = "dry run: print the definitions that would be written" },
	{ 'F', .kind = CLI_SET, .field = FIELD(force),
	  .help = "force: skip the check that a kernel function is traceable" },
	{ 'l', .alias = "list", .arg = "BINARY", .kind = CLI_TEXT, .field = FIELD(list_bin),
	  .help = "list the functions of BINARY that can be probed" },
	{ CLI_LONG_ONLY + 0, "arch", .arg = "ARCH", .kind = CLI_TEXT, .field = FIELD(arch),
	  .help = "write the probes for ARCH (with -n): x86_64 i386 arm64 arm\n"
		  "riscv64 powerpc64 s390x loongarch64 mips64" },
	{ CLI_LONG_ONLY + 10, "btf", .arg = "FILE", .kind = CLI_TEXT, .field = FIELD(btf),
	  .help = "read the kernel's types for names from FILE (with -n or --vars):\n"
		  "a vmlinux BTF (raw, or an ELF file with .BTF), or a directory\n"
		  "laid out as /sys/kernel/btf (vmlinux and modules)" },
	{ CLI_LONG_ONLY + 11, "vars", .arg = "'FUNC [EXPR->]'", .kind = CLI_TEXT, .field = FIELD(vars),
	  .help = "list FUNC's parameters and return type, or the members of the\n"
		  "struct EXPR points to (EXPR->) or is (EXPR.); FUNC may be BIN:FUNC" },
	{ CLI_LONG_ONLY + 1, "cleanup", .kind = CLI_SET, .field = FIELD(cleanup),
	  .help = "remove what dead ktprobe runs left in tracefs" },
	{ CLI_LONG_ONLY + 2, "keep", .kind = CLI_SET, .field = FIELD(keep),
	  .help = "define the probes and leave them (group: GRP of p:GRP/NAME, else\n"
		  "ktprobe) for trace-cmd record -e GROUP; no tracing here" },
	{ CLI_LONG_ONLY + 3, "list-kept", .kind = CLI_SET, .field = FIELD(list_kept),
	  .help = "the kept probes that still exist" },
	{ CLI_LONG_ONLY + 4, "remove-kept", .arg = "[=GROUP]", .kind = CLI_CALL, .call = remove_kept,
	  .help = "remove the kept probes (of GROUP)" },
	{ CLI_LONG_ONLY + 5, "registers", .kind = CLI_SET, .field = FIELD(registers),
	  .help = "list ARCH's registers, argument registers and return register" },
	{ CLI_LONG_ONLY + 6, "no-fill", .kind = CLI_SET, .field = FIELD(run.no_fill),
	  .help = "do not read user memory after events (the companion, ktfill)" },
	{ CLI_LONG_ONLY + 9, "no-kernel-copies", .kind = CLI_SET, .field = FIELD(run.no_kernel_copies),
	  .help = "make no kernel copies of syscall paths (probes on getname or at the\n"
		  "C library's calls): the companion reads every value" },
	{ CLI_LONG_ONLY + 7, "string-limit", .arg = "N", .kind = CLI_LENGTH,
	  .field = FIELD(run.string_limit),
	  .help = "read at most N bytes of strings that are not file names (32)" },
	{ CLI_LONG_ONLY + 12, "count", .arg = "[=KEYS]", .kind = CLI_CALL, .call = count_keys,
	  .help = "count the events per distinct KEYS (comma-separated: event fields,\n"
		  "comm, tid, pid, cpu, event, stack) instead of printing them; none: a total" },
	{ CLI_LONG_ONLY + 13, "sum", .arg = "FIELD", .kind = CLI_CALL, .call = sum_field,
	  .help = "also sum the numeric FIELD per key" },
	{ CLI_LONG_ONLY + 14, "hist", .arg = "FIELD", .kind = CLI_CALL, .call = hist_field,
	  .help = "a power-of-two histogram of the numeric FIELD (per key)" },
	{ CLI_LONG_ONLY + 15, "latency", .arg = "FUNC", .kind = CLI_CALL, .call = latency_of,
	  .help = "a histogram of FUNC's time from entry to return per thread, in us\n"
		  "(FUNC: a kernel function or BIN:SYM; instead of SPECs)" },
	{ CLI_LONG_ONLY + 16, "top", .arg = "N", .kind = CLI_LENGTH, .field = FIELD(agg.top),
	  .help = "print the N biggest counts only" },
	{ 'i', .alias = "interval", .arg = "SECS", .kind = CLI_SECONDS, .field = FIELD(agg.interval),
	  .help = "print the counts every SECS seconds, each for its interval" },
	{ CLI_LONG_ONLY + 17, "format", .arg = "FMT", .kind = CLI_CALL, .call = output_format,
	  .help = "the counts as text (default) or json (one object a line)" },
	{ CLI_LONG_ONLY + 18, "no-kernel-hist", .kind = CLI_SET, .field = FIELD(agg.no_kernel_hist),
	  .help = "count in ktprobe even where the kernel has hist triggers" },
	{ 'h', "help", .kind = CLI_HELP, .help = "this help" },
	{ CLI_LONG_ONLY + 8, "version", .kind = CLI_CALL, .call = print_version, .same_line = true,
	  .help = "print the version" },
};

static const struct cli_program program = {
	.synopsis =
"usage: ktprobe [-FhHsvn] [-d SECS] [-p PID] [-L TID] [-b KB] [-o FILE] [--arch ARCH]\n"
"               {SPEC [FILTER] | -e SPEC [-f FILTER] ...}\n"
"       ktprobe --count[=KEYS] [--sum FIELD|--hist FIELD] [--top N] [-i SECS] SPEC...\n"
"       ktprobe --latency FUNC [--count=KEYS] [-i SECS]\n"
"       ktprobe -l BINARY [-p PID]\n"
"       ktprobe --cleanup\n"
"       ktprobe report FILE.dat...\n"
"       ktprobe --keep SPEC...   |   ktprobe --list-kept   |   ktprobe --remove-kept[=GROUP]\n"
"       ktprobe [--arch ARCH] --registers\n"
"       ktprobe [--btf FILE] --vars 'FUNC [EXPR->]'\n"
"\n"
"SPEC (kernel):     p[:[GRP/]NAME] FUNC[+OFFS] [ARGS]    r[N][:[GRP/]NAME] FUNC [ARGS]\n"
"SPEC (user):       p:BIN:SYM[+OFFS] [ARGS]   r:BIN:SYM [ARGS]   p:BIN:0xOFFSET\n"
"                   p:[GRP/]NAME BIN:SYM [ARGS]  (BIN: path, program on PATH, or libc)\n"
"SPEC (tracepoint): t:SYSTEM:EVENT\n"
"ARGS:              names (filename, file->f_inode->i_ino, $params, $retval; BTF or\n"
"                   DWARF), or kernel fetchargs, named (file=+0(%si):string) or not\n"
"                   (arg1, ...); $argN and other architectures' registers are translated\n"
"\n",
	.epilogue =
"\n"
"examples:\n"
"  ktprobe 't:syscalls:sys_enter_openat'\n"
"  ktprobe 'p:bash:readline'    ktprobe 'r:bash:readline +0($retval):string'\n"
"  ktprobe 'p:libc:malloc size=$arg1:u64' 'size > 4096'\n"
"  ktprobe 'p:do_sys_openat2 filename:string dfd'    ktprobe --vars 'vfs_read file->'\n"
"  ktprobe 'p:do_sys_open file=+0(%si):string'\n"
"  ktprobe --count=comm 't:syscalls:sys_enter_openat'\n"
"  ktprobe --hist=size 'p:libc:malloc size=$arg1:u64'    ktprobe --latency vfs_read\n"
"see ktprobe(8)\n",
	.opts = options,
	.nopts = ARRAY_SIZE(options),
};

/* Whether a positional argument starts like a SPEC (p: r5: t: "p "), not a FILTER. */
static bool looks_like_spec(const char *arg)
{
	const char *p = arg;

	if (str_starts(arg, "t:"))
		return true;
	if (*p != 'p' && *p != 'r')
		return false;
	p++;
	if (*arg == 'r')
		while (*p >= '0' && *p <= '9')
			p++;
	return *p == ':' || *p == ' ' || *p == '\0';
}

/* The command line into @c: 0, 1 when done (-h, --version), -1 after an error. */
static int parse_cli(int argc, char **argv, struct cli *c)
{
	int ret;

	c->run.out = stdout;
	ret = cli_parse(&program, argc, argv, c);
	if (ret)
		return ret;
	/* perf-tools: SPEC [FILTER]; with -e, positional specs and one FILTER for all */
	for (bool had_e = c->specs.n > 0; optind < argc; optind++) {
		if (looks_like_spec(argv[optind]) || (!had_e && !c->specs.n)) {
			add_spec(c, argv[optind]);
		} else if (!c->filter_all) {
			c->filter_all = xstrdup(argv[optind]);
		} else {
			err_msg("unexpected argument '%s' (quote each SPEC and the FILTER)",
				argv[optind]);
			return -1;
		}
	}
	if (c->run.pid && c->run.tid) {
		err_msg("-p and -L cannot be used together");
		return -1;
	}
	return 0;
}

/* A tracepoint must exist; say so in one line, with close names when it does not. */
static int check_tracepoint(const struct probe_spec *ps)
{
	char **events;
	struct strv close = { 0 };
	char *list;

	if (tracefs_event_file_exists(NULL, ps->system, ps->event, "format"))
		return 0;
	events = tracefs_system_events(NULL, ps->system);
	for (int d = 0; d <= 3; d++)
		for (int i = 0; events && events[i] && close.n < 6; i++)
			if (edit_distance(ps->event, events[i], 3) == d)
				strv_push(&close, xstrdup(events[i]));
	list = strv_join(&close, ", ", 6);
	if (!events)
		err_msg("no tracepoint system '%s' (see %s/available_events)", ps->system,
			tracefs_tracing_dir());
	else if (close.n)
		err_msg("no tracepoint %s:%s; close: %s", ps->system, ps->event, list);
	else
		err_msg("no tracepoint %s:%s (see %s/available_events)", ps->system, ps->event,
			tracefs_tracing_dir());
	free(list);
	strv_free(&close);
	tracefs_list_free(events);
	return -1;
}

static int resolve_specs(struct cli *c, struct probe_spec *specs, const struct resolve_opts *ro)
{
	for (int i = 0; i < c->specs.n; i++) {
		const char *filter = *c->filters.v[i] ? c->filters.v[i] : c->filter_all;

		if (probe_spec_parse(c->specs.v[i], &specs[i]) ||
		    probe_spec_resolve(&specs[i], ro))
			return -1;
		if (filter) {
			if (cli_check_filter(filter))
				return -1;
			specs[i].filter = xstrdup(filter);
		}
		if (ro->kf->live && !probe_spec_is_dynamic(&specs[i]) && check_tracepoint(&specs[i]))
			return -1;
	}
	probe_specs_name(specs, c->specs.n);
	return 0;
}

/* -n: the probes at the C library's calls that copy the traced syscalls' paths. */
static void print_call_copies(const struct probe_spec *specs, int n, const char *group)
{
	struct strv lines = { 0 }, names = { 0 };

	ucapture_definitions(specs, n, group, &lines, &names);
	printf("# the kernel's copies of paths at the C library's calls (no kprobes, before 6.19):\n");
	for (int i = 0; i < lines.n; i++)
		printf("%s\n", lines.v[i]);
	if (!lines.n)
		printf("# (no call sites found: the companion reads the paths)\n");
	strv_free(&lines);
	strv_free(&names);
}

/*
 * -n, counting: the hist triggers a run writes where the kernel has them
 * (in its instance), or that ktprobe counts from the records.
 */
static void print_dry_counting(const struct probe_spec *specs, int n, const struct cli *c,
			       const char *group)
{
	if (c->run.pid || c->run.tid) {
		printf("# counted by ktprobe from the records (-p and -L): no trigger or synthetic "
		       "event is written\n");
		return;
	}
	if (c->agg.latency) {
		char *t = agg_dry_trigger(&c->agg, NULL, NULL);

		printf("# measured by a synthetic event where the kernel has hist triggers:\n"
		       "# synthetic_events: %s u64 lat\n"
		       "# events/%s/%s/trigger: hist:keys=common_pid:ktp_t0=common_timestamp.usecs\n"
		       "# events/%s/%s/trigger: hist:keys=common_pid:ktp_lat=common_timestamp.usecs-"
		       "$ktp_t0:onmatch(%s.%s).trace(%s,$ktp_lat)\n"
		       "# events/synthetic/%s/trigger: %s\n"
		       "# else measured by ktprobe from the records\n",
		       group, group, specs[0].event, group, specs[1].event, group, specs[0].event,
		       group, group, t);
		free(t);
		return;
	}
	printf("# counted by hist triggers in the run's instance where the kernel has them%s:\n",
	       c->agg.no_kernel_hist ? " (not with --no-kernel-hist)" : "");
	for (int i = 0; i < n; i++) {
		const char *retval = NULL;
		char *t;

		/* the field $retval became: its argument's name */
		for (int k = 0; k < specs[i].args.n && !retval; k++)
			if (strstr(specs[i].args.v[k], "=$retval"))
				retval = specs[i].args.v[k];
		t = agg_dry_trigger(&c->agg, NULL, specs[i].filter);
		if (retval) {
			char *name = xstrndup(retval, strcspn(retval, "="));

			free(t);
			t = agg_dry_trigger(&c->agg, name, specs[i].filter);
			free(name);
		}
		printf("# events/%s/%s/trigger: %s\n", specs[i].system ? specs[i].system : group,
		       specs[i].event, t);
		free(t);
	}
	printf("# else counted by ktprobe from the records\n");
}

/* -n: print what a real run would write, touching nothing. */
static void print_dry_run(struct probe_spec *specs, int n, const struct cli *c,
			  const struct resolve_opts *ro)
{
	enum kcapture_when route;
	char group[SESSION_NAME_MAX];

	session_make_name(group, sizeof(group), "ktprobe");
	for (int i = 0; i < n; i++) {
		char *line = probe_spec_definition(&specs[i], c->keep ? keep_group(&specs[i]) : group);

		if (line)
			printf("%s\n", line);
		else
			printf("# tracepoint %s:%s (exists; enabled in the run's instance)\n",
			       specs[i].system, specs[i].event);
		if (specs[i].filter)
			printf("# filter %s: %s\n", specs[i].event, specs[i].filter);
		free(line);
	}
	route = c->keep || c->run.no_fill || c->run.no_kernel_copies ? KCAPTURE_NONE :
		kcapture_route(specs, n, ro->kf);
	if (route == KCAPTURE_AFTER) {
		printf("# the kernel's copies of paths (before 6.19, with kprobes):\n");
		for (int i = 0; i < KCAPTURE_MAX; i++) {
			char *line = kcapture_definition(i, group, ro->arch);

			if (kcapture_alternative(i))
				printf("# or, where the kernel has no such function:\n");
			printf("%s\n", line);
			free(line);
		}
	}
	/* the call sites are this machine's libraries: not for another's (--arch) */
	if (route == KCAPTURE_BEFORE && ro->kf->live)
		print_call_copies(specs, n, group);
	if (c->run.agg)
		print_dry_counting(specs, n, c, group);
	if (c->run.pid)
		printf("# set_event_pid: the threads of %d (event-fork on)\n", (int)c->run.pid);
	if (c->run.tid)
		printf("# set_event_pid: %d\n", (int)c->run.tid);
}

static int list_functions(const struct cli *c)
{
	char *path = bin_resolve(c->list_bin, c->run.pid, arch_host());
	int ret;

	if (!path)
		return 1;
	ret = binsym_list_functions(path, stdout);
	free(path);
	return ret ? 1 : 0;
}

static int cleanup_leftovers(void)
{
	int n;

	if (cli_need_tracefs(WITHOUT_ROOT))
		return 1;
	n = session_cleanup_stale(true);
	if (n == 0)
		note_msg("no leftovers of dead ktprobe runs");
	return n < 0 ? 1 : 0;
}

/* ktprobe report FILE.dat...: print trace files in ktprobe's format. */
static int report_command(int argc, char **argv)
{
	if (argc < 3 || !strcmp(argv[2], "-h") || !strcmp(argv[2], "--help")) {
		fprintf(argc < 3 ? stderr : stdout, "usage: ktprobe report FILE.dat...\n");
		return argc < 3 ? 2 : 0;
	}
	return report_run(argv + 2, argc - 2, stdout);
}

/*
 * Counting goes with a live run or -n; the companion (and the kernel's
 * copies of paths) only for keys that are fields: a value the kernel did
 * not record is read from the process. --latency FUNC becomes FUNC's
 * entry and return. -1 after the error line.
 */
static int counting_options(struct cli *c)
{
	const char *f = c->agg.latency;
	bool field_keys = false;

	if (c->keep || c->run.output || c->run.stacks) {
		err_msg("--count, --sum, --hist and --latency print counts: not with %s",
			c->keep ? "--keep" : c->run.output ? "-o" : "-s");
		return -1;
	}
	for (int i = 0; i < c->agg.nkeys; i++) {
		field_keys |= c->agg.keys[i].kind == AGG_KEY_FIELD;
		/* counted in ktprobe, the stack is the record -s adds after the event */
		if (c->agg.keys[i].kind == AGG_KEY_STACK)
			c->run.stacks = true;
	}
	if (!field_keys)
		c->run.no_fill = c->run.no_kernel_copies = true;
	c->run.agg = &c->agg;
	if (!f)
		return 0;
	if (c->specs.n) {
		err_msg("--latency FUNC makes its own probes: give no SPEC with it");
		return -1;
	}
	if (str_starts(f, "p:"))
		f += 2;
	if (str_starts(f, "t:") || str_starts(f, "r:") || strchr(f, ' ') || strchr(f, '%')) {
		err_msg("--latency: '%.60s' has no return to measure: give a function "
			"(FUNC or BIN:SYM)", c->agg.latency);
		return -1;
	}
	for (int ret = 0; ret < 2; ret++) {
		char *spec = xasprintf("%c:%s", ret ? 'r' : 'p', f);

		add_spec(c, spec);
		free(spec);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct probe_spec *specs = NULL;
	struct resolve_opts ro = { 0 };
	struct kfeatures kf = { 0 };
	struct name_sources names = { 0 };
	int ret = 2;

	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_command(argc, argv);
	ret = parse_cli(argc, argv, &c);
	if (ret) {
		ret = ret > 0 ? 0 : 2;
		goto out;
	}
	ret = 2;
	if (c.list_bin) {
		ret = list_functions(&c);
		goto out;
	}
	if (c.cleanup) {
		ret = cleanup_leftovers();
		goto out;
	}
	if (c.list_kept || c.remove_kept) {
		ret = cli_need_tracefs(WITHOUT_ROOT) ? 1 :
		      c.list_kept ? (keep_list(stdout) ? 1 : 0) : (keep_remove(c.remove_group) ? 1 : 0);
		goto out;
	}
	if (c.keep && (c.filter_all || c.run.pid || c.run.tid || c.run.duration || c.run.output)) {
		err_msg("--keep only defines probes: filters, -p, -L, -d and -o belong to the "
			"recording (trace-cmd record -f, -P, ...)");
		ret = 1;
		goto out;
	}
	ret = 1;
	if (agg_check(&c.agg) || (agg_wanted(&c.agg) && counting_options(&c)))
		goto out;
	ro.arch = c.arch ? arch_find(c.arch) : arch_host();
	if (!ro.arch) {
		err_msg(c.arch ? "unknown architecture '%s'" : "unknown host architecture%s",
			c.arch ? c.arch : "");
		goto out;
	}
	if (c.registers) {
		arch_describe(ro.arch, stdout);
		ret = 0;
		goto out;
	}
	if (c.btf && !c.dry_run && !c.vars) {
		err_msg("--btf FILE describes another kernel: use it with -n or --vars");
		goto out;
	}
	names.btf_path = c.btf;
	ro.names = &names;
	if (c.vars)
		c.dry_run = true;	/* looks, writes nothing */
	if (!c.specs.n && !c.vars) {
		cli_usage(&program, stderr);
		ret = 2;
		goto out;
	}
	if (!c.dry_run && c.arch && ro.arch != arch_host()) {
		err_msg("--arch %s differs from this machine's; use it with -n", ro.arch->name);
		goto out;
	}
	if (!c.dry_run && cli_need_tracefs(WITHOUT_ROOT))
		goto out;
	/* a dry run looks at this kernel's tracefs only if it is there and no --arch */
	if (c.arch || (c.dry_run && session_tracefs_mounted(false) != 1) || kfeatures_read(&kf))
		kfeatures_assume(&kf, ro.arch);
	ro.kf = &kf;
	ro.pid = c.run.pid;
	ro.dry_run = c.dry_run;
	ro.force = c.force;
	ro.foreign = c.arch != NULL;
	ro.fills = !c.run.no_fill;	/* --arch: another machine, even of this kind */
	names.arch = ro.arch;
	if (c.btf && name_sources_check(&names))
		goto out;
	if (c.vars) {
		ret = names_list_vars(c.vars, &ro);
		goto out;
	}
	specs = xcalloc(c.specs.n, sizeof(*specs));
	if (resolve_specs(&c, specs, &ro))
		goto out;
	name_sources_free(&names);	/* the types are not needed past here: not for the run */
	if (c.dry_run) {
		print_dry_run(specs, c.specs.n, &c, &ro);
		ret = 0;
		goto out;
	}
	if (c.keep) {
		ret = keep_define(specs, c.specs.n, stdout) ? 1 : 0;
		goto out;
	}
	signals_install();
	session_cleanup_stale(false);
	ret = live_run(specs, c.specs.n, &c.run);
out:
	for (int i = 0; specs && i < c.specs.n; i++)
		probe_spec_free(&specs[i]);
	free(specs);
	strv_free(&c.specs);
	strv_free(&c.filters);
	free(c.filter_all);
	kfeatures_free(&kf);
	name_sources_free(&names);
	agg_opts_free(&c.agg);
	return ret;
}
