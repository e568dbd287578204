// SPDX-License-Identifier: GPL-2.0
/*
 * Session names and the leftovers of dead runs: a run's instance and
 * group are named TOOL_PID_STARTTIME_PIDNS, so that a later run can tell
 * whether the owner is still alive, and remove what a run that died
 * (SIGKILL, a crash) left in tracefs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

static const char *const session_tools[] = { "ktprobe", "ktfill" };

/* Start time of @pid in clock ticks since boot (field 22 of /proc/PID/stat), 0 if gone. */
static unsigned long long process_start_time(int pid)
{
	unsigned long long start = 0;
	char path[64], buf[1024], *p;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');		/* comm may hold spaces and parentheses */
	if (!p)
		return 0;
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

/* Inode number of our pid namespace: names are only meaningful inside it. */
static unsigned long long pid_namespace(void)
{
	char link[64] = "";
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
	char *open;

	if (n <= 0)
		return 0;
	link[n] = '\0';
	open = strchr(link, '[');
	return open ? strtoull(open + 1, NULL, 10) : 0;
}

/* session_make_name - TOOL_PID_STARTTIME_PIDNS for this process */
void session_make_name(char *buf, size_t len, const char *tool)
{
	snprintf(buf, len, "%s_%d_%llu_%llu", tool, (int)getpid(),
		 process_start_time(getpid()), pid_namespace());
}

/*
 * Parse a session name. Returns 0 and fills @pid, @start and @ns when
 * @name is one of ours.
 */
static int session_parse_name(const char *name, int *pid, unsigned long long *start,
			      unsigned long long *ns)
{
	for (size_t i = 0; i < ARRAY_SIZE(session_tools); i++) {
		size_t len = strlen(session_tools[i]);
		char tail[8];

		if (strncmp(name, session_tools[i], len) || name[len] != '_')
			continue;
		if (sscanf(name + len + 1, "%d_%llu_%llu%7s", pid, start, ns, tail) == 3)
			return 0;
	}
	return -1;
}

/* Whether the run that owns @name is gone: not alive, or another process has its pid. */
static bool session_is_dead(const char *name, int *pid, bool *foreign_ns)
{
	unsigned long long start, ns;

	*foreign_ns = false;
	if (session_parse_name(name, pid, &start, &ns))
		return false;
	if (ns != pid_namespace()) {
		*foreign_ns = true;
		return false;
	}
	return process_start_time(*pid) != start;
}

/* The groups that hold dynamic events, from dynamic_events or the probe files. */
static void list_groups(struct strv *groups)
{
	static const char *const files[] = { "dynamic_events", "kprobe_events", "uprobe_events" };

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		char *text = tracefs_instance_file_read(NULL, files[f], NULL);

		for (char *line = text, *next; line && *line; line = next) {
			char *colon = strchr(line, ':'), *slash;

			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (!colon || colon > next)
				continue;
			slash = strchr(colon, '/');
			if (!slash || slash > next)
				continue;
			*slash = '\0';
			if (!strv_contains(groups, colon + 1))
				strv_push(groups, xstrdup(colon + 1));
		}
		free(text);
		if (f == 0 && text)
			break;
	}
}

/*
 * The synthetic events of dead runs (--latency in the kernel: named like
 * the run's group), removed after their instances: @removed counts them.
 */
static int remove_stale_synthetic(int *removed)
{
	char *text = tracefs_instance_file_read(NULL, "synthetic_events", NULL);
	int failed = 0, pid;
	bool foreign;

	for (char *line = text, *next; line && *line; line = next) {
		char *cmd;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		line[strcspn(line, " \t\n")] = '\0';
		if (!session_is_dead(line, &pid, &foreign))
			continue;
		note_msg("removing a synthetic event of a dead run (pid %d): %s", pid, line);
		cmd = xasprintf("!%s", line);
		if (tracefs_instance_file_append(NULL, "synthetic_events", cmd) < 0) {
			warn_msg("cannot remove synthetic event %s: %s", line, strerror(errno));
			failed++;
		} else {
			(*removed)++;
		}
		free(cmd);
	}
	free(text);
	return failed;
}

/*
 * session_cleanup_stale - remove instances and groups of dead ktprobe runs
 * @report_live: also say which ones belong to runs still alive
 *
 * Returns how many leftovers were removed, -1 if some could not be.
 */
int session_cleanup_stale(bool report_live)
{
	struct strv groups = { 0 }, seen = { 0 };
	char **instances = tracefs_instances(NULL);
	int removed = 0, failed = 0, pid;
	bool foreign;

	list_groups(&groups);
	for (int i = 0; instances && instances[i]; i++)
		strv_push(&seen, xstrdup(instances[i]));
	for (int i = 0; i < groups.n; i++)
		if (!strv_contains(&seen, groups.v[i]))
			strv_push(&seen, xstrdup(groups.v[i]));
	for (int i = 0; i < seen.n; i++) {
		const char *name = seen.v[i];

		if (!session_is_dead(name, &pid, &foreign)) {
			if (report_live && foreign)
				note_msg("%s belongs to a run in another pid namespace; left alone", name);
			else if (report_live && session_parse_name(name, &pid, &(unsigned long long){0},
								   &(unsigned long long){0}) == 0)
				note_msg("%s belongs to a live run (pid %d); left alone", name, pid);
			continue;
		}
		note_msg("removing leftovers of a dead run (pid %d): %s", pid, name);
		if (instances) {
			for (int k = 0; instances[k]; k++) {
				struct tracefs_instance *inst;

				if (strcmp(instances[k], name))
					continue;
				inst = tracefs_instance_alloc(NULL, name);
				if (!inst || tracefs_instance_destroy(inst)) {
					warn_msg("cannot remove instance %s: %s", name, strerror(errno));
					failed++;
				}
				tracefs_instance_free(inst);
			}
		}
		if (strv_contains(&groups, name) && session_remove_group(name))
			failed++;
		removed++;
	}
	failed += remove_stale_synthetic(&removed);
	tracefs_list_free(instances);
	strv_free(&groups);
	strv_free(&seen);
	return failed ? -1 : removed;
}
