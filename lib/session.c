// SPDX-License-Identifier: GPL-2.0
/*
 * The run's own tracefs instance and event group: creation, probe
 * definitions with the kernel's error_log, removal, and recognising (and
 * removing) what dead runs left behind.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

#define DEFAULT_BUFFER_KB	4096

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

static const char *const session_tools[] = { "ktprobe", "ktfill" };

/*
 * session_tracefs_mounted - whether tracefs is mounted (after mounting it,
 * with @mount): 1 it was, 0 we mounted it, -1 it is not and could not be
 */
int session_tracefs_mounted(bool mount)
{
	const char *path = NULL;
	int ret = tracefs_tracing_dir_is_mounted(mount, &path);

#if defined(__SANITIZE_ADDRESS__)
	/* libtracefs 1.6.4 never frees this path (and says not to) */
	if (path)
		__lsan_ignore_object(path);
#endif
	return ret;
}

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

/* MemAvailable from /proc/meminfo, in KB; 0 if unknown. */
static unsigned long long mem_available_kb(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * The buffer size when none is asked for: DEFAULT_BUFFER_KB per CPU (as
 * perf-tools' kprobe/uprobe; the kernel's 1410 KB holds ~20 ms of a tight
 * syscall loop, too little when the reader is held up), but all CPUs
 * together at most 1/64 of the available memory; 0 (the kernel's default)
 * where that is less.
 */
static size_t default_buffer_kb(struct tracefs_instance *inst)
{
	unsigned long long avail = mem_available_kb(), kb = DEFAULT_BUFFER_KB;
	ssize_t kernel_kb = tracefs_instance_get_buffer_size(inst, 0);	/* per CPU, as all are */
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (ncpu < 1)
		ncpu = 1;
	if (avail && kb * ncpu > avail / 64)
		kb = avail / 64 / ncpu;
	return kernel_kb < 0 || kb > (unsigned long long)kernel_kb ? kb : 0;
}

/*
 * session_create - make this run's instance (new, never an existing one)
 * with a monotonic clock (so event times compare with CLOCK_MONOTONIC) and
 * a ring buffer of @buffer_kb per CPU (0: the default above; resizing
 * costs 10-20 ms of start-up)
 */
int session_create(struct session *s, const char *tool, size_t buffer_kb)
{
	memset(s, 0, sizeof(*s));
	session_make_name(s->name, sizeof(s->name), tool);
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst) {
		err_msg("cannot create tracefs instance %s: %s", s->name, strerror(errno));
		return -1;
	}
	if (!tracefs_instance_is_new(s->inst)) {
		err_msg("tracefs instance %s already exists; not touching it", s->name);
		tracefs_instance_free(s->inst);
		s->inst = NULL;
		return -1;
	}
	if (tracefs_instance_file_write(s->inst, "trace_clock", "mono") < 0)
		warn_msg("no 'mono' trace clock: fill ages will be unknown");
	if (!buffer_kb)
		buffer_kb = default_buffer_kb(s->inst);
	if (buffer_kb && tracefs_instance_set_buffer_size(s->inst, buffer_kb, -1) < 0) {
		err_msg("cannot set the buffer to %zu KB per CPU: %s", buffer_kb, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * session_error_for - the newest error_log entry of @inst (NULL: the
 * top-level log, where probe definitions report) whose command mentions
 * @needle; other users' entries are never shown as ours
 */
char *session_error_for(struct tracefs_instance *inst, const char *needle)
{
	char *all = tracefs_error_all(inst), *res = NULL, *p;

	if (!all)
		return NULL;
	/* entries start with "[" (a timestamp) at the start of a line */
	for (p = all; p; ) {
		char *next = strstr(p + 1, "\n[");
		size_t len = next ? (size_t)(next - p) : strlen(p);
		char *entry = xstrndup(p, len);

		if (strstr(entry, needle)) {
			free(res);
			res = entry;
		} else {
			free(entry);
		}
		p = next ? next + 1 : NULL;
	}
	free(all);
	if (res) {
		size_t n = strlen(res);

		while (n && res[n - 1] == '\n')
			res[--n] = '\0';
	}
	return res;
}

/*
 * session_print_kernel_error - "prog: WHAT: MESSAGE" and then the entry's
 * command and caret lines, from one error_log @entry
 */
void session_print_kernel_error(const char *what, const char *entry)
{
	const char *nl = strchr(entry, '\n'), *msg = entry, *p;
	size_t first = nl ? (size_t)(nl - entry) : strlen(entry);

	/* "[ts] trace_uprobe: error: MESSAGE": keep what follows the last "error: " */
	while ((p = memmem(msg, first - (msg - entry), "error: ", 7)))
		msg = p + 7;
	err_msg("%s: %.*s", what, (int)(first - (msg - entry)), msg);
	if (nl)
		fprintf(stderr, "%s\n", nl + 1);
}

/* session_define - write one probe definition into the run's group */
int session_define(struct session *s, const char *line, const char *event, bool user)
{
	s->have_group = true;
	return define_probe(line, s->name, event, user);
}

/*
 * define_probe - write one definition of event @group/@event to tracefs
 *
 * On rejection prints the kernel's own error_log entry (message, command
 * and caret) when there is one for this event, else errno's meaning.
 */
int define_probe(const char *line, const char *group, const char *event, bool user)
{
	const char *file = tracefs_file_exists(NULL, "dynamic_events") ? "dynamic_events" :
			   user ? "uprobe_events" : "kprobe_events";
	char *needle, *entry;
	int saved;

	if (tracefs_instance_file_append(NULL, file, line) >= 0)
		return 0;
	saved = errno;
	needle = xasprintf("%s/%s ", group, event);
	entry = session_error_for(NULL, needle);
	if (entry) {
		char *what = xasprintf("the kernel rejected probe '%s'", event);

		session_print_kernel_error(what, entry);
		free(what);
	} else {
		err_msg("the kernel rejected probe '%s' (%s) and logged no reason: %s",
			event, strerror(saved), line);
	}
	free(entry);
	free(needle);
	return -1;
}

/*
 * session_remove_group - delete every kprobe/uprobe event of @group
 * Returns -1 if some could not be removed (e.g. enabled in an instance
 * that is not ours).
 */
int session_remove_group(const char *group)
{
	struct tracefs_dynevent **all;
	struct strv done = { 0 };
	int ret = 0;

	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE |
				       TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE,
				       group);
	for (int i = 0; all && all[i]; i++) {
		char *ev = NULL;

		tracefs_dynevent_info(all[i], NULL, &ev, NULL, NULL, NULL);
		/* libtracefs 1.6.4 lists a uprobe twice when dynamic_events exists */
		if (ev && !strv_contains(&done, ev)) {
			if (tracefs_dynevent_destroy(all[i], false) && errno != ENOENT) {
				warn_msg("cannot remove event %s/%s: %s", group, ev, strerror(errno));
				ret = -1;
			}
			strv_push(&done, ev);
		} else {
			free(ev);
		}
	}
	tracefs_dynevent_list_free(all);
	strv_free(&done);
	return ret;
}

/*
 * session_destroy - remove everything the run created: the instance first
 * (which disables its events and frees its buffer), then the event group
 */
void session_destroy(struct session *s)
{
	if (s->inst) {
		if (tracefs_instance_destroy(s->inst))
			warn_msg("cannot remove tracefs instance %s: %s", s->name, strerror(errno));
		tracefs_instance_free(s->inst);
		s->inst = NULL;
	}
	if (s->have_group)
		session_remove_group(s->name);
	s->have_group = false;
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
	tracefs_list_free(instances);
	strv_free(&groups);
	strv_free(&seen);
	return failed ? -1 : removed;
}
