// SPDX-License-Identifier: GPL-2.0
/*
 * The run's own tracefs instance and event group: creation, every
 * setting written to the instance (filters, pids, triggers, options,
 * enabling and disabling events, the marker file), probe definitions
 * with the kernel's error_log, and removal. Recognising what dead runs
 * left behind is session_stale.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

#define DEFAULT_BUFFER_KB	4096

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

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

#define SYSCALL_COPY_MAX "165"	/* the kernel's most for syscall_user_buf_size */

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
	/* 6.19+: syscall events copy user strings, by default only 63 bytes */
	if (tracefs_file_exists(s->inst, "syscall_user_buf_size"))
		tracefs_instance_file_write(s->inst, "syscall_user_buf_size", SYSCALL_COPY_MAX);
	return 0;
}

/*
 * session_error_for - the newest error_log entry of @inst (NULL: the
 * top-level log, where probe definitions report) whose command mentions
 * @needle; other users' entries are never shown as ours
 */
static char *session_error_for(struct tracefs_instance *inst, const char *needle)
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
static void session_print_kernel_error(const char *what, const char *entry)
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

/*
 * session_set_filter - apply @filter to @ev in the instance; on rejection
 * show the kernel's error_log entry (or errno's meaning) and return -1
 */
int session_set_filter(struct session *s, struct tep_event *ev, const char *filter)
{
	char *entry;

	if (tracefs_event_filter_apply(s->inst, ev, filter) >= 0)
		return 0;
	entry = tracefs_error_last(s->inst);
	if (entry && *entry) {
		char *what = xasprintf("bad filter for %s", ev->name);
		size_t n = strlen(entry);

		while (n && entry[n - 1] == '\n')
			entry[--n] = '\0';
		session_print_kernel_error(what, entry);
		free(what);
	} else {
		err_msg("bad filter for %s: '%s' (%s)", ev->name, filter, strerror(errno));
	}
	free(entry);
	return -1;
}

/* session_trace_pids - record events of the tasks in @list (space-separated pids) only */
int session_trace_pids(struct session *s, const char *list)
{
	if (tracefs_instance_file_write(s->inst, "set_event_pid", list) >= 0)
		return 0;
	err_msg("cannot write set_event_pid: %s", strerror(errno));
	return -1;
}

/* Set option @id of the instance; -1, saying it could not enable @what, if it cannot. */
static int enable_option(struct session *s, enum tracefs_option_id id, const char *what)
{
	if (!tracefs_option_enable(s->inst, id))
		return 0;
	err_msg("cannot enable %s: %s", what, strerror(errno));
	return -1;
}

/* session_follow_forks - children of the traced tasks are traced too (event-fork) */
int session_follow_forks(struct session *s)
{
	return enable_option(s, TRACEFS_OPTION_EVENT_FORK, "the event-fork option");
}

/* session_ignore_pid - never record events of @pid (the run's own process), where the kernel can */
void session_ignore_pid(struct session *s, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (tracefs_file_exists(s->inst, "set_event_notrace_pid"))
		tracefs_instance_file_write(s->inst, "set_event_notrace_pid", buf);
}

/* session_add_stack_trigger - a kernel stack after each @sys:@name event */
int session_add_stack_trigger(struct session *s, const char *sys, const char *name)
{
	if (tracefs_event_file_write(s->inst, sys, name, "trigger", "stacktrace") >= 0)
		return 0;
	err_msg("cannot add a stacktrace trigger to %s: %s", name, strerror(errno));
	return -1;
}

/* session_user_stacks - a user stack after each user-space event */
int session_user_stacks(struct session *s)
{
	return enable_option(s, TRACEFS_OPTION_USERSTACKTRACE, "user stack traces");
}

/* session_enable_event - enable @sys:@name in the instance (see session_switch_event) */
int session_enable_event(struct session *s, const char *sys, const char *name)
{
	return session_switch_event(s, sys, name, true);
}

/*
 * session_switch_event - enable or disable @sys:@name in the instance by
 * writing its enable file (libtracefs's tracefs_event_enable() lists every
 * event directory first: milliseconds each). -1 with errno set if it cannot be.
 */
int session_switch_event(struct session *s, const char *sys, const char *name, bool on)
{
	char *path;
	int ret;

	if (strchr(sys, '/') || strchr(name, '/') || !strcmp(sys, "..") || !strcmp(name, "..")) {
		errno = EINVAL;
		return -1;
	}
	path = xasprintf("events/%s/%s/enable", sys, name);
	ret = tracefs_instance_file_write(s->inst, path, on ? "1" : "0") == 1 ? 0 : -1;
	free(path);
	return ret;
}

/* session_disable_events - disarm: no more events are recorded in the instance */
void session_disable_events(struct session *s)
{
	if (s->inst)
		tracefs_event_disable(s->inst, NULL, NULL);
}

/* session_wake_on_any_data - readers of the buffer wake on any data (also the kernel's default) */
void session_wake_on_any_data(struct session *s)
{
	tracefs_instance_file_write(s->inst, "buffer_percent", "0");
}

/*
 * session_open_marker - trace_marker_raw for writing: of the run's own
 * instance, or (@into) of the instance of that name ("top": the top
 * level); -1 after an error message
 */
int session_open_marker(struct session *s, const char *into)
{
	struct tracefs_instance *inst = s->inst;
	int fd;

	if (into && strcmp(into, "top")) {
		inst = tracefs_instance_alloc(NULL, into);
		if (!inst || !tracefs_instance_exists(into)) {
			err_msg("--into: no tracefs instance '%s'", into);
			tracefs_instance_free(inst);
			return -1;
		}
	} else if (into) {
		inst = NULL;
	}
	fd = tracefs_instance_file_open(inst, "trace_marker_raw", O_WRONLY | O_CLOEXEC);
	if (inst != s->inst)
		tracefs_instance_free(inst);
	if (fd < 0)
		err_msg("cannot open trace_marker_raw: %s", strerror(errno));
	return fd;
}

/* The control file that takes probe definitions on this kernel. */
static const char *definitions_file(bool user)
{
	return tracefs_file_exists(NULL, "dynamic_events") ? "dynamic_events" :
	       user ? "uprobe_events" : "kprobe_events";
}

/* session_define - write one probe definition into the run's group */
int session_define(struct session *s, const char *line, const char *event, bool user)
{
	s->have_group = true;
	return define_probe(line, s->name, event, user);
}

/*
 * session_try_define - write probe definition @line (@user: a uprobe's) into
 * the run's group where a rejection is an answer, not an error (feature
 * detection): nothing is printed; -1 if the kernel refused it
 */
int session_try_define(struct session *s, const char *line, bool user)
{
	s->have_group = true;
	return tracefs_instance_file_append(NULL, definitions_file(user), line) < 0 ? -1 : 0;
}

/*
 * define_probe - write one definition of event @group/@event to tracefs
 *
 * On rejection prints the kernel's own error_log entry (message, command
 * and caret) when there is one for this event, else errno's meaning.
 */
int define_probe(const char *line, const char *group, const char *event, bool user)
{
	const char *file = definitions_file(user);
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
