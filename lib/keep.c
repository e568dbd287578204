// SPDX-License-Identifier: GPL-2.0
/*
 * Keep mode: probes defined and left in tracefs for another consumer
 * (trace-cmd record -e GROUP), listed and removed later. Which events are
 * ktprobe's is written down in a small registry in /run (a tmpfs, like
 * tracefs, so both are gone after a reboot): only those are ever removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <tracefs.h>

#include "keep.h"
#include "probe_spec.h"
#include "session.h"
#include "utils.h"

#define DEFAULT_GROUP "ktprobe"

/* /run/ktprobe/kept, or /tmp/ktprobe/kept on systems without /run */
static const char *const keep_dirs[] = { "/run/ktprobe", "/tmp/ktprobe" };

/* The registry, locked for the caller until registry_close(). */
static FILE *registry_open(struct strv *entries)
{
	char *line = NULL, path[64];
	size_t cap = 0;
	FILE *f = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keep_dirs) && !f; i++) {
		mkdir(keep_dirs[i], 0755);
		snprintf(path, sizeof(path), "%s/kept", keep_dirs[i]);
		f = fopen(path, "a+");
	}
	if (!f) {
		err_msg("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	flock(fileno(f), LOCK_EX);
	rewind(f);
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (*line && !strv_contains(entries, line))
			strv_push(entries, xstrdup(line));
	}
	free(line);
	return f;
}

/* Write @entries back and unlock. */
static int registry_close(FILE *f, const struct strv *entries)
{
	int ret = 0;

	if (ftruncate(fileno(f), 0))
		ret = -1;
	rewind(f);
	for (int i = 0; i < entries->n; i++)
		fprintf(f, "%s\n", entries->v[i]);
	if (fflush(f))
		ret = -1;
	flock(fileno(f), LOCK_UN);
	fclose(f);
	if (ret)
		err_msg("cannot write the list of kept probes");
	return ret;
}

/* The dynamic event @group/@event, whatever its type. */
static struct tracefs_dynevent *find_event(const char *group, const char *event)
{
	static const enum tracefs_dynevent_type types[] = {
		TRACEFS_DYNEVENT_KPROBE, TRACEFS_DYNEVENT_KRETPROBE,
		TRACEFS_DYNEVENT_UPROBE, TRACEFS_DYNEVENT_URETPROBE,
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct tracefs_dynevent *d = tracefs_dynevent_get(types[i], group, event);

		if (d)
			return d;
	}
	return NULL;
}

/* Remove "group/event" @entry; -1 (with a message) if it is still in use. */
static int remove_entry(const char *entry)
{
	char *group = xstrdup(entry), *event = strchr(group, '/');
	struct tracefs_dynevent *d;
	int ret = 0;

	if (!event) {
		free(group);
		return 0;
	}
	*event++ = '\0';
	d = find_event(group, event);
	if (d && tracefs_dynevent_destroy(d, false)) {
		err_msg("cannot remove %s: %s (is a recording still using it?)", entry,
			errno == EBUSY ? "it is enabled in an instance" : strerror(errno));
		ret = -1;
	}
	tracefs_dynevent_free(d);
	free(group);
	return ret;
}

/* keep_group - the group a kept probe goes into: its own GRP, else "ktprobe" */
const char *keep_group(const struct probe_spec *ps)
{
	return ps->user_group && *ps->user_group ? ps->user_group : DEFAULT_GROUP;
}

/*
 * keep_define - define @specs in their group (default "ktprobe") and leave
 * them; all or nothing: after an error, those just defined are removed
 */
int keep_define(struct probe_spec *specs, int n, FILE *out)
{
	struct strv entries = { 0 }, made = { 0 }, groups = { 0 };
	FILE *reg = registry_open(&entries);
	int ret = -1;

	if (!reg)
		return -1;
	for (int i = 0; i < n; i++) {
		struct probe_spec *ps = &specs[i];
		const char *group = keep_group(ps);
		char *line;
		int err;

		if (!probe_spec_is_dynamic(ps)) {
			note_msg("%s:%s is a tracepoint: nothing to keep; record it as it is",
				 ps->system, ps->event);
			continue;
		}
		if (!is_c_identifier(group)) {
			err_msg("'%s': the group '%s' is not a C identifier", ps->text, group);
			goto undo;
		}
		line = probe_spec_definition(ps, group);
		err = define_probe(line, group, ps->event, probe_spec_is_user(ps));
		if (!err)
			fprintf(out, "%s\n", line);
		free(line);
		if (err)
			goto undo;
		strv_push(&made, xasprintf("%s/%s", group, ps->event));
		if (!strv_contains(&groups, group))
			strv_push(&groups, xstrdup(group));
	}
	for (int i = 0; i < made.n; i++)
		strv_push(&entries, xstrdup(made.v[i]));
	if (groups.n) {
		char *list = strv_join(&groups, ",", groups.n);

		note_msg("kept; record with: trace-cmd record -e %s ...; remove with: "
			 "ktprobe --remove-kept", list);
		free(list);
	}
	ret = 0;
	goto out;
undo:
	for (int i = 0; i < made.n; i++)
		remove_entry(made.v[i]);
out:
	registry_close(reg, &entries);
	strv_free(&entries);
	strv_free(&made);
	strv_free(&groups);
	return ret;
}

/* keep_list - the kept events that still exist, as their definitions */
int keep_list(FILE *out)
{
	struct strv entries = { 0 }, alive = { 0 };
	char *defs = tracefs_instance_file_read(NULL, tracefs_file_exists(NULL, "dynamic_events") ?
						"dynamic_events" : "uprobe_events", NULL);
	FILE *reg = registry_open(&entries);
	int ret;

	if (!reg) {
		free(defs);
		return -1;
	}
	for (int i = 0; i < entries.n; i++) {
		char *needle = xasprintf(":%s ", entries.v[i]);
		char *hit = defs ? strstr(defs, needle) : NULL;

		if (hit) {
			char *start = hit;

			while (start > defs && start[-1] != '\n')
				start--;
			fprintf(out, "%.*s\n", (int)strcspn(start, "\n"), start);
			strv_push(&alive, xstrdup(entries.v[i]));
		}
		free(needle);
	}
	if (!alive.n)
		note_msg("no kept events");
	ret = registry_close(reg, &alive);	/* those removed by others are forgotten */
	strv_free(&entries);
	strv_free(&alive);
	free(defs);
	return ret;
}

/* keep_remove - remove the kept events (of @group, if not NULL) */
int keep_remove(const char *group)
{
	struct strv entries = { 0 }, rest = { 0 };
	FILE *reg = registry_open(&entries);
	int ret = 0, removed = 0;

	if (!reg)
		return -1;
	for (int i = 0; i < entries.n; i++) {
		size_t len = group ? strlen(group) : 0;

		if (group && (strncmp(entries.v[i], group, len) || entries.v[i][len] != '/')) {
			strv_push(&rest, xstrdup(entries.v[i]));
			continue;
		}
		if (remove_entry(entries.v[i])) {
			strv_push(&rest, xstrdup(entries.v[i]));
			ret = -1;
		} else {
			removed++;
		}
	}
	note_msg("%d kept event%s removed", removed, removed == 1 ? "" : "s");
	if (registry_close(reg, &rest))
		ret = -1;
	strv_free(&entries);
	strv_free(&rest);
	return ret;
}
