// SPDX-License-Identifier: GPL-2.0
/*
 * The hidden helper fields behind verified fills (see fill_fields.h for the
 * naming scheme): written into a probe's definition, parsed back from an
 * event's format.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fill.h"
#include "fill_fields.h"
#include "probe_spec.h"
#include "utils.h"

/* @hexN on a uprobe: how many of the N bytes the kernel copies, to verify against. */
#define BYTES_CAPTURED 16

/* "NAME=BODY", or NULL when the kernel would refuse NAME as too long; frees both. */
static char *join_definition(char *name, char *body)
{
	char *def = NULL;

	if (strlen(name) < KERNEL_ARG_NAME_MAX)
		def = xasprintf("%s=%s", name, body);
	free(name);
	free(body);
	return def;
}

/*
 * The pointer helper of string argument @arg fetched as "+OFF(E)" or
 * "-OFF(E)" (also +uOFF): "__kfOFF_arg=E:x64", or NULL for other fetches.
 */
static char *pointer_definition(const char *arg, const char *fetch)
{
	const char *p = fetch, *open;
	size_t len = strlen(fetch);
	bool minus = *p == '-';
	long long off;

	if ((*p != '+' && *p != '-') || fetch[len - 1] != ')')
		return NULL;
	p++;
	if (*p == 'u')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	off = strtoll(p, (char **)&open, 0);
	if (*open != '(')
		return NULL;
	return join_definition(xasprintf("__kf%s%lld_%s", minus ? "m" : "", off, arg),
			       xasprintf("%.*s:x64", (int)(len - (open - fetch) - 2), open + 1));
}

/*
 * fill_field_define - the "NAME=FETCH:TYPE" argument of @kind's helper for
 * argument @arg, or NULL when there is none
 *
 * FILL_FIELD_POINTER: @fetch is the string argument's own fetch; there is a
 * helper only when it is a dereference at an offset. FILL_FIELD_STRING:
 * @fetch is the user pointer. FILL_FIELD_BYTES: @fetch is the user pointer
 * whose first bytes the kernel copies, or NULL for a placeholder that only
 * carries @len. NULL too when the name would be too long for the kernel.
 */
char *fill_field_define(enum fill_field_kind kind, const char *arg, const char *fetch,
			unsigned int len)
{
	switch (kind) {
	case FILL_FIELD_POINTER:
		return pointer_definition(arg, fetch);
	case FILL_FIELD_STRING:
		return join_definition(xasprintf("__kv_%s", arg),
				       xasprintf("+0(%s):ustring", fetch));
	case FILL_FIELD_BYTES:
		return join_definition(xasprintf("__kb%u_%s", len, arg),
				       fetch ? xasprintf("+0(%s):x8[%u]", fetch,
							 len < BYTES_CAPTURED ? len : BYTES_CAPTURED)
					     : xstrdup("\\0:u8"));
	}
	return NULL;
}

/* Decimal digits at @s into @val; *@end gets the first byte after them. */
static int parse_decimal(const char *s, unsigned long long *val, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*val = strtoull(s, &e, 10);
	*end = e;
	return errno ? -1 : 0;
}

/*
 * fill_field_parse - read helper field name @name back into @ff
 *
 * Returns -1 for any name that does not follow the scheme exactly (a field
 * of ktprobe's that this version does not know, or one a user named so).
 */
int fill_field_parse(const char *name, struct fill_field *ff)
{
	const char *p = name + strlen(FILL_FIELD_PREFIX);
	unsigned long long n = 0;
	bool minus = false;

	if (!fill_field_is_helper(name))
		return -1;
	memset(ff, 0, sizeof(*ff));
	switch (*p++) {
	case 'f':
		ff->kind = FILL_FIELD_POINTER;
		minus = *p == 'm';
		if (parse_decimal(p + minus, &n, &p) || n > (unsigned long long)LLONG_MAX)
			return -1;
		ff->offset = minus ? -(long long)n : (long long)n;
		break;
	case 'v':
		ff->kind = FILL_FIELD_STRING;
		break;
	case 'b':
		ff->kind = FILL_FIELD_BYTES;
		if (parse_decimal(p, &n, &p) || n < 1 || n > FILL_MAX_PAYLOAD)
			return -1;
		ff->len = n;
		break;
	default:
		return -1;
	}
	if (*p != '_' || !p[1])
		return -1;
	ff->arg = p + 1;
	return 0;
}

/* fill_field_is_helper - is @name in ktprobe's own namespace of fields? */
bool fill_field_is_helper(const char *name)
{
	return str_starts(name, FILL_FIELD_PREFIX);
}
