// SPDX-License-Identifier: GPL-2.0
/*
 * Can a kernel function be probed? It must be a text symbol (kallsyms),
 * traceable (available_filter_functions: not notrace, not inlined away)
 * and not on the kprobes blacklist. When it is not, say which, and name
 * the closest functions that are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <tracefs.h>

#include "kfuncs.h"
#include "utils.h"

/* Classic traps: a function whose callers moved to another one. */
static const struct {
	const char *func, *instead, *why;
} moved[] = {
	{ "do_sys_open", "do_sys_openat2",
	  "open() and openat() reach do_sys_openat2 on this kernel; do_sys_open is a thin "
	  "wrapper, usually inlined into them, so its probe may never fire" },
};

/* A whole (proc or debugfs) file as a string, or NULL. */
static char *read_whole(const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Each line's first word ("func" or "func [mod]" or "addr t func [mod]"). */
static bool list_has(const char *text, const char *func, const char *module, bool kallsyms)
{
	size_t flen = strlen(func);

	for (const char *p = text; p && *p; ) {
		const char *nl = strchr(p, '\n'), *name = p, *end;

		if (kallsyms) {	/* "ffffffff81000000 T name [mod]" */
			const char *type = strchr(p, ' ');

			if (!type || (type[1] != 't' && type[1] != 'T'))
				goto next;
			name = type + 3;
		}
		end = name + strcspn(name, " \t\n");
		if ((size_t)(end - name) == flen && !strncmp(name, func, flen)) {
			if (!module)
				return true;
			if (*end == ' ' || *end == '\t') {
				const char *m = strchr(end, '[');

				if (m && !strncmp(m + 1, module, strlen(module)) &&
				    m[1 + strlen(module)] == ']')
					return true;
			}
		}
next:
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Up to 6 traceable names close to @func: same stem, or a small edit distance. */
static char *close_names(const char *avail, const char *func)
{
	struct strv close = { 0 };
	int limit = strlen(func) / 4 + 1;
	char *list;

	for (int d = 0; d <= limit && close.n < 6; d++) {
		for (const char *p = avail; p && *p && close.n < 6; ) {
			const char *nl = strchr(p, '\n');
			size_t len = strcspn(p, " \t\n");
			char *name = xstrndup(p, len);
			int dist = edit_distance(func, name, limit);
			bool variant = str_starts(name, func) && name[strlen(func)] == '.';

			if ((dist == d || (d == 0 && variant)) && !strv_contains(&close, name))
				strv_push(&close, name);
			else
				free(name);
			p = nl ? nl + 1 : NULL;
		}
	}
	list = close.n ? strv_join(&close, ", ", 6) : NULL;
	strv_free(&close);
	return list;
}

/*
 * kfunc_check - whether kernel function @func (of @module, if set) can take
 * a kprobe; if not, one line on stderr says why, with close names.
 * Notes the classic traps (do_sys_open) without failing.
 */
int kfunc_check(const char *spec, const char *func, const char *module)
{
	char *avail = tracefs_instance_file_read(NULL, "available_filter_functions", NULL);
	char *close = NULL, *ksyms = NULL, *black = NULL;
	int ret = -1;

	if (!avail)
		return 0;	/* no function tracer: nothing to check against */
	for (size_t i = 0; i < ARRAY_SIZE(moved); i++)
		if (!strcmp(func, moved[i].func) && list_has(avail, moved[i].instead, NULL, false))
			note_msg("%s: %s; probe %s instead", func, moved[i].why, moved[i].instead);
	black = read_whole("/sys/kernel/debug/kprobes/blacklist");	/* if debugfs is there */
	if (black && strstr(black, func)) {
		/* lines: "0xstart-0xend\tname" */
		for (char *p = black; (p = strstr(p, func)); p++)
			if (p > black && p[-1] == '\t' && (p[strlen(func)] == '\n' || !p[strlen(func)])) {
				err_msg("'%s': %s is on the kernel's kprobe blacklist: it cannot be probed",
					spec, func);
				goto out;
			}
	}
	if (list_has(avail, func, module, false)) {
		ret = 0;
		goto out;
	}
	close = close_names(avail, func);
	ksyms = read_whole("/proc/kallsyms");
	if (ksyms && list_has(ksyms, func, module, true))
		err_msg("'%s': %s is not in available_filter_functions (notrace, or inlined "
			"where it is called): it cannot be traced%s%s; -F to try anyway",
			spec, func, close ? "; close: " : "", close ? close : "");
	else
		err_msg("'%s': no kernel function %s%s%s%s%s", spec, func,
			module ? " in module " : "", module ? module : "",
			close ? "; close: " : "", close ? close : "");
out:
	free(close);
	free(ksyms);
	free(black);
	free(avail);
	return ret;
}

/* kfunc_module_loaded - whether /sys/module/@name exists: "MOD:SYM" is then a module's symbol */
bool kfunc_module_loaded(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}
