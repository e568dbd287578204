/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_CLI_H
#define KTP_CLI_H

/*
 * What ktprobe's and ktfill's command lines share: options read from one
 * table per program, which also writes the usage text, and the checks both
 * make before tracing. A new option is a row of the table (and a field).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Keys of long-only options start here (above any short option's letter). */
#define CLI_LONG_ONLY 256

/* What an option does with its argument: most store it in a settings field. */
enum cli_kind {
	CLI_HELP,		/* print the usage, stop */
	CLI_SET,		/* bool field = true */
	CLI_TEXT,		/* const char * field = the argument (NULL if optional, absent) */
	CLI_SECONDS,		/* double field: a positive number of seconds */
	CLI_ID,			/* pid_t field: a process or thread id (what: which) */
	CLI_BUFFER_KB,		/* size_t field: a ring buffer size, 1 KB .. 1 TB */
	CLI_LENGTH,		/* unsigned int field: a string length, 1 .. 65536 */
	CLI_CALL,		/* call(settings, arg) */
};

/* One option: how it is spelt, what the usage says, where its value goes. */
struct cli_option {
	int key;		/* the short option's letter, or CLI_LONG_ONLY + n */
	const char *name;	/* its long name, shown in the usage */
	const char *alias;	/* a long name that works but is not shown */
	const char *arg;	/* the argument's name in the usage; "[=X]": optional */
	const char *help;	/* the usage's text; '\n' continues on an indented line */
	bool same_line;		/* usage: on the line of the option before */
	enum cli_kind kind;
	size_t field;		/* offsetof() the value in the program's settings */
	const char *what;	/* CLI_ID: "process id" or "thread id", for errors */
	int (*call)(void *settings, const char *arg);	/* 0, 1 to stop, -1: error said */
};

/* A program's command line. */
struct cli_program {
	const char *synopsis;		/* the usage before the options */
	const char *epilogue;		/* and after them */
	const struct cli_option *opts;
	size_t nopts;
};

void cli_usage(const struct cli_program *prog, FILE *f);
int cli_parse(const struct cli_program *prog, int argc, char **argv, void *settings);
int cli_need_tracefs(const char *without_root);
int cli_check_filter(const char *filter);

#endif
