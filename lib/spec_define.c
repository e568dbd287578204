// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a resolved spec out: the event names of probes the user did not
 * name, and the exact definition line tracefs's dynamic_events gets.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "probe_spec.h"

/* A C identifier made of @s: other bytes become '_'. */
static char *sanitize_name(const char *s)
{
	char *n = xstrdup(s);

	for (char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	if (isdigit((unsigned char)n[0])) {
		char *m = xasprintf("_%s", n);

		free(n);
		n = m;
	}
	return n;
}

/* The event name perf-tools would give: the function's, else the binary's or the address. */
static char *default_name(const struct probe_spec *ps)
{
	char *base, *name;

	if (ps->sym && ps->offset)
		base = xasprintf("%s_0x%llx", ps->sym, ps->offset);
	else if (ps->sym)
		base = xstrdup(ps->sym);
	else if (ps->module_or_bin) {
		const char *b = strrchr(ps->module_or_bin, '/');
		char *stem = xstrdup(b ? b + 1 : ps->module_or_bin);

		stem[strcspn(stem, ".")] = '\0';
		base = xasprintf("%s_0x%llx", stem, ps->offset);
		free(stem);
	} else {
		base = xasprintf("addr_0x%llx", ps->offset);
	}
	name = sanitize_name(base);
	free(base);
	return name;
}

/* Does a dynamic probe other than @self already have event name @name? */
static bool name_taken(struct probe_spec *specs, int n, int self, const char *name)
{
	for (int i = 0; i < n; i++)
		if (i != self && specs[i].event && probe_spec_is_dynamic(&specs[i]) &&
		    !strcmp(specs[i].event, name))
			return true;
	return false;
}

/*
 * probe_specs_name - give every dynamic probe without a name a unique one
 *
 * The name is the function's (as perf-tools does); when an entry and a
 * return probe of one function share a run, the return one becomes
 * FUNC__return, and further clashes get _2, _3, ...
 */
void probe_specs_name(struct probe_spec *specs, int n)
{
	for (int i = 0; i < n; i++) {
		struct probe_spec *ps = &specs[i];
		char *name;

		if (ps->event || !probe_spec_is_dynamic(ps))
			continue;
		name = default_name(ps);
		if (name_taken(specs, n, i, name) && probe_spec_is_return(ps)) {
			char *r = xasprintf("%s__return", name);

			free(name);
			name = r;
		}
		for (int k = 2; name_taken(specs, n, i, name); k++) {
			char *base = default_name(ps);

			free(name);
			name = xasprintf("%s%s_%d", base, probe_spec_is_return(ps) ? "__return" : "", k);
			free(base);
		}
		ps->event = name;
	}
}

/*
 * probe_spec_definition - the line written to dynamic_events for @ps in
 * @group (NULL for a tracepoint, which needs no definition)
 */
char *probe_spec_definition(const struct probe_spec *ps, const char *group)
{
	char *args, *head, *line;
	struct strv sv = ps->args;

	if (!probe_spec_is_dynamic(ps))
		return NULL;
	args = strv_join(&sv, " ", INT_MAX);
	if (ps->kind == PROBE_KRETPROBE && ps->maxactive)
		head = xasprintf("r%u:%s/%s", ps->maxactive, group, ps->event);
	else
		head = xasprintf("%c:%s/%s", probe_spec_is_return(ps) ? 'r' : 'p', group, ps->event);
	if (probe_spec_is_user(ps))
		line = xasprintf("%s %s:0x%llx%s%s", head, ps->path, ps->file_offset,
				 *args ? " " : "", args);
	else
		line = xasprintf("%s %s%s%s", head, ps->place, *args ? " " : "", args);
	free(head);
	free(args);
	return line;
}
