// SPDX-License-Identifier: GPL-2.0
/*
 * What ktprobe's and ktfill's command lines share: getopt_long driven by a
 * table of options (cli.h) that also writes the usage, the parsing of the
 * values both take (durations, ids, sizes), and the checks before tracing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <tracefs.h>

#include "cli.h"
#include "session.h"
#include "utils.h"

/* The usage's column for an option's text, and a second one for longer options. */
#define HELP_COLUMN	17
#define HELP_COLUMN_2	20

/* The option as the usage shows it: "-d SECS", "-h, --help", "--remove-kept[=GROUP]". */
static int option_words(const struct cli_option *o, char *buf, size_t size)
{
	const char *sep = o->arg && o->arg[0] != '[' ? " " : "", *arg = o->arg ? o->arg : "";

	if (o->key >= CLI_LONG_ONLY)
		return snprintf(buf, size, "--%s%s%s", o->name, sep, arg);
	return snprintf(buf, size, "-%c%s%s%s%s", o->key, o->name ? ", --" : "",
			o->name ? o->name : "", sep, arg);
}

/* Text with continuation lines indented to the help column. */
static void print_help_text(const char *text, FILE *f)
{
	for (const char *p = text; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", HELP_COLUMN, "");
	}
}

/* cli_usage - the program's usage: synopsis, one line per option, epilogue */
void cli_usage(const struct cli_program *prog, FILE *f)
{
	fputs(prog->synopsis, f);
	for (size_t i = 0; i < prog->nopts; i++) {
		const struct cli_option *o = &prog->opts[i];
		char words[64];
		int len = option_words(o, words, sizeof(words)) + 2;

		if (o->same_line) {
			fprintf(f, "      %s  ", words);
		} else {
			fprintf(f, "%s  %s%*s", i ? "\n" : "", words,
				len <= HELP_COLUMN - 2 ? HELP_COLUMN - len :
				len <= HELP_COLUMN_2 - 2 ? HELP_COLUMN_2 - len : 2, "");
		}
		print_help_text(o->help, f);
	}
	fprintf(f, "%s%s", prog->nopts ? "\n" : "", prog->epilogue);
}

/* Say that @arg is not @what, the value option @o takes. */
static int bad_value(const struct cli_option *o, const char *arg, const char *what)
{
	if (o->key < CLI_LONG_ONLY)
		err_msg("-%c: '%s' is not %s", o->key, arg, what);
	else
		err_msg("--%s: '%s' is not %s", o->name, arg, what);
	return -1;
}

/* A positive number of seconds. */
static int parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || *end || *out <= 0 ? -1 : 0;
}

/* A process or thread id: 1 .. the kernel's PID_MAX_LIMIT. */
static int parse_id(const char *s, pid_t *out)
{
	unsigned long long v;

	if (parse_u64(s, &v) || !v || v > 0x3fffffff)
		return -1;
	*out = (pid_t)v;
	return 0;
}

/* A number from 1 to @max. */
static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	return parse_u64(s, out) || !*out || *out > max ? -1 : 0;
}

/* Do what option @o says with its argument @arg: 0, 1 to stop, -1 after an error. */
static int apply_option(const struct cli_program *prog, const struct cli_option *o,
			const char *arg, void *settings)
{
	char *field = (char *)settings + o->field;
	unsigned long long n;

	switch (o->kind) {
	case CLI_HELP:
		cli_usage(prog, stdout);
		return 1;
	case CLI_SET:
		*(bool *)field = true;
		return 0;
	case CLI_TEXT:
		*(const char **)field = arg;
		return 0;
	case CLI_SECONDS:
		return parse_seconds(arg, (double *)field) ?
		       bad_value(o, arg, "a positive number of seconds") : 0;
	case CLI_ID:
		return parse_id(arg, (pid_t *)field) ? bad_value(o, arg, o->what) : 0;
	case CLI_BUFFER_KB:
		if (parse_count(arg, 1ULL << 30, &n))
			return bad_value(o, arg, "a buffer size in KB");
		*(size_t *)field = n;
		return 0;
	case CLI_LENGTH:
		if (parse_count(arg, 65536, &n))
			return bad_value(o, arg, "a length from 1 to 65536");
		*(unsigned int *)field = n;
		return 0;
	case CLI_CALL:
		return o->call(settings, arg);
	}
	return -1;
}

/* A long option for getopt_long, of option @o under @name. */
static void add_long(struct option *lo, int *n, const char *name, const struct cli_option *o)
{
	lo[*n].name = name;
	lo[*n].has_arg = !o->arg ? no_argument :
			 o->arg[0] == '[' ? optional_argument : required_argument;
	lo[*n].val = o->key;
	(*n)++;
}

/*
 * cli_parse - read @argv's options into @settings, by @prog's table
 *
 * Returns 0 with optind at the first operand, 1 when an option says to stop
 * there (-h, --version), -1 after an error (said, with the usage for an
 * unknown option).
 */
int cli_parse(const struct cli_program *prog, int argc, char **argv, void *settings)
{
	struct option *lo = xcalloc(2 * prog->nopts + 1, sizeof(*lo));
	char *shortopts = xcalloc(3 * prog->nopts + 1, 1), *s = shortopts;
	int key, n = 0, ret = 0;

	/* backwards: glibc lists an ambiguous abbreviation's candidates in this order */
	for (size_t i = prog->nopts; i-- > 0;) {
		const struct cli_option *o = &prog->opts[i];

		if (o->alias)
			add_long(lo, &n, o->alias, o);
		if (o->name)
			add_long(lo, &n, o->name, o);
	}
	for (size_t i = 0; i < prog->nopts; i++) {
		const struct cli_option *o = &prog->opts[i];

		if (o->key >= CLI_LONG_ONLY)
			continue;
		*s++ = o->key;
		if (o->arg)
			s = stpcpy(s, o->arg[0] == '[' ? "::" : ":");
	}
	while (!ret && (key = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const struct cli_option *o = NULL;

		for (size_t i = 0; i < prog->nopts && !o; i++)
			if (prog->opts[i].key == key)
				o = &prog->opts[i];
		if (!o) {
			cli_usage(prog, stderr);
			ret = -1;
		} else {
			ret = apply_option(prog, o, optarg, settings);
		}
	}
	free(shortopts);
	free(lo);
	return ret;
}

/*
 * cli_need_tracefs - root and a mounted tracefs (mounted here if need be),
 * for anything live; @without_root says what works without root, if anything
 */
int cli_need_tracefs(const char *without_root)
{
	if (geteuid() != 0) {
		err_msg("tracing needs root (tracefs is root-only)%s%s", without_root ? "; " : "",
			without_root ? without_root : "");
		return -1;
	}
	if (session_tracefs_mounted(true) < 0 || !tracefs_tracing_dir()) {
		err_msg("tracefs is not mounted and mounting it failed "
			"(mount -t tracefs nodev /sys/kernel/tracing): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* cli_check_filter - a kernel filter goes into a tracefs file: one line only */
int cli_check_filter(const char *filter)
{
	if (str_has_control(filter)) {
		err_msg("filter contains a control character (newline, tab, ...): refused");
		return -1;
	}
	return 0;
}
