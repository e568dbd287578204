/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_SESSION_H
#define KTP_SESSION_H

#include <stdbool.h>
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
int define_probe(const char *line, const char *group, const char *event, bool user);
void session_destroy(struct session *s);
int session_remove_group(const char *group);
int session_cleanup_stale(bool report_live);
void session_print_kernel_error(const char *what, const char *entry);
char *session_error_for(struct tracefs_instance *inst, const char *needle);

#endif
