// SPDX-License-Identifier: GPL-2.0
/*
 * Task events: forks, execs, renames and exits, learned into the process
 * table as they stream by, name each process right at the time of each
 * event (the comm), tell fills read after an exec from those read before,
 * and, with -p, tell new threads from new processes. The live run and the
 * report of a trace file both use them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_events.h"
#include "proctable.h"
#include "utils.h"

#define CLONE_THREAD_FLAG 0x00010000ULL

const char *const task_event_names[TASK_EVENTS][2] = {
	[TASK_FORK] = { "sched", "sched_process_fork" },
	[TASK_EXEC] = { "sched", "sched_process_exec" },
	[TASK_EXIT] = { "sched", "sched_process_exit" },
	[TASK_RENAME] = { "task", "task_rename" },
	[TASK_NEWTASK] = { "task", "task_newtask" },
};

static bool number(struct tep_event *ev, const char *field, struct tep_record *rec,
		   unsigned long long *val)
{
	return !tep_read_number_field(tep_find_field(ev, field), rec->data, val);
}

/* Record the comm in field @comm_field of the task in field @pid_field. */
static void note_comm(struct task_events *c, struct tep_event *ev, struct tep_record *rec,
		      const char *comm_field, const char *pid_field)
{
	unsigned long long pid;
	int len;
	const char *comm = tep_get_field_raw(NULL, ev, comm_field, rec, &len, 0);

	if (comm && number(ev, pid_field, rec, &pid)) {
		char name[17];

		snprintf(name, sizeof(name), "%.*s", len, comm);
		proctable_set_comm(c->procs, (int)pid, name);
	}
}

/* A new process has its parent's comm until it execs. */
static void note_fork(struct task_events *c, struct tep_record *rec)
{
	note_comm(c, c->ev[TASK_FORK], rec, "child_comm", "child_pid");
}

/* After exec the comm is the new program's base name (at most 15 bytes). */
static void note_exec(struct task_events *c, struct tep_record *rec, int pid)
{
	int len;
	const char *file = tep_get_field_raw(NULL, c->ev[TASK_EXEC], "filename", rec, &len, 0);
	const char *base;
	unsigned long long old;
	char name[16], *path;

	if (!file || len <= 0)
		return;
	path = xstrndup(file, len);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(name, sizeof(name), "%s", base);
	proctable_set_comm(c->procs, pid, name);
	proctable_set_exec(c->procs, pid, rec->ts, path);
	if (number(c->ev[TASK_EXEC], "old_pid", rec, &old))
		proctable_set_exec(c->procs, (int)old, rec->ts, path);
	free(path);
}

/* prctl(PR_SET_NAME) and writes to /proc/PID/comm rename a task. */
static void note_rename(struct task_events *c, struct tep_record *rec)
{
	note_comm(c, c->ev[TASK_RENAME], rec, "newcomm", "pid");
}

/* -p: learn the threads the process creates (task_newtask with CLONE_THREAD). */
static void note_newtask(struct task_events *c, struct tep_record *rec, int pid)
{
	unsigned long long flags, child;

	if (proctable_followed(c->procs, pid) &&
	    number(c->ev[TASK_NEWTASK], "clone_flags", rec, &flags) &&
	    (flags & CLONE_THREAD_FLAG) && number(c->ev[TASK_NEWTASK], "pid", rec, &child))
		proctable_follow(c->procs, (int)child);
}

/*
 * task_events_record - learn from @rec if it is a task event; returns true
 * when it is one that is not to be printed
 */
bool task_events_record(struct task_events *c, struct tep_record *rec, int pid)
{
	int type = tep_data_type(c->tep, rec);
	int k;

	for (k = 0; k < TASK_EVENTS; k++)
		if (c->ev[k] && c->ev[k]->id == type)
			break;
	switch (k) {
	case TASK_FORK:
		note_fork(c, rec);
		break;
	case TASK_EXEC:
		note_exec(c, rec, pid);
		break;
	case TASK_EXIT:
		proctable_set_exit(c->procs, pid, rec->ts);
		break;
	case TASK_RENAME:
		note_rename(c, rec);
		break;
	case TASK_NEWTASK:
		note_newtask(c, rec, pid);
		break;
	default:
		return false;
	}
	return !c->print[k];
}
