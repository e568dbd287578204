/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_EVENT_PLAN_H
#define KTP_EVENT_PLAN_H

#include <stdbool.h>
#include <event-parse.h>

#include "filler.h"

enum arg_kind { ARG_UNSIGNED, ARG_SIGNED, ARG_HEX, ARG_STRING, ARG_SYMBOL, ARG_CHAR };

struct plan_arg {
	struct tep_format_field *field;
	enum arg_kind kind;
	int elem_size;
	int count;			/* 0: scalar, else array length */
	bool hidden;			/* ktprobe's own helper field (fill_fields.h) */
	/* a string the kernel may fail to read: its pointer, for the companion */
	struct tep_format_field *fill_ptr;
	long long fill_off;
	/* a user pointer marked for the companion (@str, @hexN) */
	int user_kind;			/* enum fill_kind, 0 if not */
	unsigned int user_len;
	struct tep_format_field *kcap;	/* what the kernel captured, to verify */
	enum fill_verify verify;
};

/* One flag of a syscall argument that the print fmt decodes (__print_flags). */
struct sys_flag {
	unsigned long long mask;
	const char *name;		/* the event's own string */
};

/* A syscall argument the companion reads (the kernel has only the pointer). */
struct sys_fill {
	struct tep_format_field *field;
	int kind;			/* enum fill_kind, 0: none */
	bool path;			/* up to PATH_MAX, else the string limit */
	struct tep_format_field *count;	/* FILL_BYTES: the length argument */
	bool exec;			/* an argument of execve/execveat */
	bool is_nr;			/* __syscall_nr: not shown */
	bool is_int;			/* an int in a long slot: 32 bits shown */
	/* 6.19+: the kernel's own copy of the string (__ARG_val), shown as the value */
	struct tep_format_field *copy;
	bool is_copy;			/* a __ARG_val field: shown with its argument */
	/* how the print fmt shows the value: decoded flags, or octal */
	struct sys_flag *flags;
	unsigned int nflags;
	const char *delim;
	bool open_mode;			/* open's flags: access mode 0 is "O_RDONLY" */
	bool octal;
	bool kernel_path;		/* before 6.19: a capture may copy it (kcapture.h) */
};

enum plan_kind {
	PLAN_TEP,			/* libtraceevent's print fmt */
	PLAN_PROBE,
	PLAN_SYSCALL_ENTER,
	PLAN_SYSCALL_EXIT,
	PLAN_KERNEL_STACK,
	PLAN_USER_STACK,
	PLAN_RAW_DATA,			/* trace_marker_raw: ktprobe's own are hidden */
	PLAN_HIDDEN,			/* ktprobe's own events (kcapture.h): never shown */
};

struct event_plan {
	enum plan_kind kind;
	struct tep_event *event;
	struct tep_format_field *ip, *func, *ret_ip;	/* probe location */
	struct plan_arg *args;
	int nargs;
	char *sys_name;					/* "sys_openat" */
	struct tep_format_field *size, *caller, *ret;
	struct sys_fill *sys_fills;			/* per field, syscall enter */
};

struct event_plan *event_plan_make(struct tep_event *ev);
struct event_plan *event_plan_generic(struct tep_event *ev);
void event_plan_free(struct event_plan *p);

#endif
