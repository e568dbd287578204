/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_SESSION_H
#define KTP_SESSION_H

#include <stdbool.h>
#include <sys/types.h>
#include <tracefs.h>

#include "utils.h"

#define SESSION_NAME_MAX 64

/*
 * One run's footprint in tracefs: an instance and an event group, both
 * named TOOL_PID_STARTTIME_PIDNS so that a later run can tell whether the
 * owner is still alive.
 */
struct session {
	char name[SESSION_NAME_MAX];
	struct tracefs_instance *inst;
	bool have_group;		/* a definition was written to the group */
};

int session_tracefs_mounted(bool mount);
void session_make_name(char *buf, size_t len, const char *tool);
int session_create(struct session *s, const char *tool, size_t buffer_kb);
int session_define(struct session *s, const char *line, const char *event, bool user);
int session_try_define(struct session *s, const char *line, bool user);
int session_set_filter(struct session *s, struct tep_event *ev, const char *filter);
int session_trace_pids(struct session *s, const char *list);
int session_follow_forks(struct session *s);
void session_ignore_pid(struct session *s, pid_t pid);
int session_add_stack_trigger(struct session *s, const char *sys, const char *name);
int session_user_stacks(struct session *s);
int session_enable_event(struct session *s, const char *sys, const char *name);
int session_switch_event(struct session *s, const char *sys, const char *name, bool on);
void session_disable_events(struct session *s);
void session_wake_on_any_data(struct session *s);
int session_open_marker(struct session *s, const char *into);
int define_probe(const char *line, const char *group, const char *event, bool user);
void session_destroy(struct session *s);
int session_remove_group(const char *group);
int session_cleanup_stale(bool report_live);

#endif
