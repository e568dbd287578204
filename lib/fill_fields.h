/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_FIELDS_H
#define KTP_FILL_FIELDS_H

/*
 * The hidden helper fields behind verified fills: the contract between the
 * spec that defines a probe (spec_resolve.c adds them), the formatter that
 * reads them back (format.c) and the run that decides whether the companion
 * is needed (run_arm.c).
 *
 * A probe's argument tells ktprobe only what the kernel fetched; for the
 * companion (ktfill) to read or check a user value it needs more, which the
 * probe carries as extra fetch arguments named by this scheme:
 *
 *   __kf<OFF>_<arg>  the pointer of string <arg> (fetched as +OFF(E)), so that
 *                    the companion can read what the kernel found (fault);
 *                    <OFF> is decimal, 'm' before it for a negative offset
 *   __kv_<arg>       for "<arg>:@str": the kernel's own copy of the string,
 *                    to verify the companion's later read against
 *   __kb<N>_<arg>    for "<arg>:@hexN": says N; for uprobes an array of the
 *                    first bytes the kernel copied (to verify), for kprobes
 *                    a placeholder (a faulting read leaves garbage there)
 *
 * Every name that starts with "__k" belongs to ktprobe (documented in
 * ktprobe(8)): such fields are hidden from the output unless -v, whether or
 * not they parse.
 */
#include <stdbool.h>

#define FILL_FIELD_PREFIX "__k"

enum fill_field_kind {
	FILL_FIELD_POINTER,	/* __kf<OFF>_<arg> */
	FILL_FIELD_STRING,	/* __kv_<arg> */
	FILL_FIELD_BYTES,	/* __kb<N>_<arg> */
};

/* A helper field's name, parsed. */
struct fill_field {
	enum fill_field_kind kind;
	const char *arg;	/* the argument it helps: points into the parsed name */
	long long offset;	/* FILL_FIELD_POINTER: OFF of +OFF(E) */
	unsigned int len;	/* FILL_FIELD_BYTES: N of @hexN */
};

char *fill_field_define(enum fill_field_kind kind, const char *arg, const char *fetch,
			unsigned int len);
int fill_field_parse(const char *name, struct fill_field *ff);
bool fill_field_is_helper(const char *name);

#endif
