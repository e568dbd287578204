/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_TASK_EVENTS_H
#define KTP_TASK_EVENTS_H

#include <stdbool.h>
#include <event-parse.h>

struct proctable;

/* The events that keep names and fills right (printed only when asked for). */
enum task_event { TASK_FORK, TASK_EXEC, TASK_EXIT, TASK_RENAME, TASK_NEWTASK, TASK_EVENTS };

extern const char *const task_event_names[TASK_EVENTS][2];

struct task_events {
	struct tep_handle *tep;
	struct tep_event *ev[TASK_EVENTS];	/* NULL: not in this stream */
	bool print[TASK_EVENTS];		/* the user asked for it */
	struct proctable *procs;		/* what is learned goes there */
};

bool task_events_record(struct task_events *c, struct tep_record *rec, int pid);

#endif
