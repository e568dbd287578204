// SPDX-License-Identifier: GPL-2.0
/*
 * The processes a run has met, by pid, in one table: the comm to show
 * for each (from fork/exec/rename events, /proc/PID/comm, or the kernel's
 * saved_cmdlines), whether -p follows it, and when it last exec'd or
 * exited (a fill read after that is of another program, or of nothing).
 * task_events.c keeps it up to date as the stream goes by.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saved_cmdlines.h"
#include "proctable.h"

/* proctable_new - an empty table */
struct proctable *proctable_new(void)
{
	return xcalloc(1, sizeof(struct proctable));
}

/* proctable_free - release the table (NULL is fine) */
void proctable_free(struct proctable *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < t->cap; i++)
		free(t->v[i].exec_file);
	free(t->v);
	free(t);
}

static unsigned int hash_of(const struct proctable *t, int pid)
{
	return (unsigned int)pid * 2654435761u % t->cap;
}

/* proctable_get - what is known of @pid, or NULL */
const struct proc *proctable_get(const struct proctable *t, int pid)
{
	if (!t->cap)
		return NULL;
	for (unsigned int h = hash_of(t, pid); t->v[h].pid; h = (h + 1) % t->cap)
		if (t->v[h].pid == pid)
			return &t->v[h];
	return NULL;
}

/* Twice the room: every entry moves to its place in the bigger array. */
static void grow(struct proctable *t)
{
	struct proc *old = t->v;
	unsigned int oldcap = t->cap;

	t->cap = t->cap ? t->cap * 2 : 256;
	t->v = xcalloc(t->cap, sizeof(*t->v));
	for (unsigned int i = 0; i < oldcap; i++) {
		unsigned int h;

		if (!old[i].pid)
			continue;
		for (h = hash_of(t, old[i].pid); t->v[h].pid; h = (h + 1) % t->cap)
			;
		t->v[h] = old[i];
	}
	free(old);
}

/* The entry of @pid, made if new; NULL for pids that name no process (<= 0). */
static struct proc *entry(struct proctable *t, int pid)
{
	unsigned int h;

	if (pid <= 0)
		return NULL;
	if ((t->count + 1) * 2 > t->cap)
		grow(t);
	for (h = hash_of(t, pid); t->v[h].pid && t->v[h].pid != pid; h = (h + 1) % t->cap)
		;
	if (!t->v[h].pid) {
		t->v[h].pid = pid;
		t->count++;
	}
	return &t->v[h];
}

/* proctable_set_comm - @pid is called @comm from now on (truncated to 15 bytes) */
void proctable_set_comm(struct proctable *t, int pid, const char *comm)
{
	struct proc *p = entry(t, pid);

	if (!p)
		return;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->has_comm = true;
	t->comm_gen++;
}

/* proctable_forget_comms - events were lost: the comms learned may be stale */
void proctable_forget_comms(struct proctable *t)
{
	for (unsigned int i = 0; i < t->cap; i++)
		t->v[i].has_comm = false;
	t->comm_gen++;
}

static void set_saved_comm(void *arg, int pid, const char *comm)
{
	struct proc *p = entry(arg, pid);

	if (!p)
		return;
	snprintf(p->saved_comm, sizeof(p->saved_comm), "%s", comm);
	p->has_saved_comm = true;
}

/* proctable_load_saved_comms - the kernel's saved_cmdlines @text, in place of the last */
void proctable_load_saved_comms(struct proctable *t, const char *text)
{
	for (unsigned int i = 0; i < t->cap; i++)
		t->v[i].has_saved_comm = false;
	if (text)
		saved_cmdlines_walk(text, set_saved_comm, t);
	t->comm_gen++;
}

/* proctable_set_exec - @pid exec'd @file at @ts: reads after that are of another program */
void proctable_set_exec(struct proctable *t, int pid, unsigned long long ts, const char *file)
{
	struct proc *p = entry(t, pid);

	if (!p)
		return;
	p->exec_ts = ts;
	free(p->exec_file);
	p->exec_file = file ? xstrdup(file) : NULL;
}

/* proctable_set_exit - @pid exited at @ts */
void proctable_set_exit(struct proctable *t, int pid, unsigned long long ts)
{
	struct proc *p = entry(t, pid);

	if (p)
		p->exit_ts = ts;
}

/* proctable_follow - -p follows thread @tid from now on */
void proctable_follow(struct proctable *t, int tid)
{
	struct proc *p = entry(t, tid);

	if (p)
		p->followed = true;
}

/* proctable_followed - whether -p follows thread @tid */
bool proctable_followed(const struct proctable *t, int tid)
{
	const struct proc *p = proctable_get(t, tid);

	return p && p->followed;
}

/*
 * proctable_follow_process - follow every thread process @pid has now,
 * their ids appended to @tids; -1 if there is no such process
 */
int proctable_follow_process(struct proctable *t, int pid, struct strv *tids)
{
	char path[64];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		int tid = atoi(de->d_name);

		if (de->d_name[0] == '.' || proctable_followed(t, tid))
			continue;
		proctable_follow(t, tid);
		strv_push(tids, xasprintf("%d", tid));
	}
	closedir(dir);
	return 0;
}

/* proc_read_comm - /proc/@pid/comm now, up to its newline; false if it cannot be read */
bool proc_read_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return false;
	}
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return true;
}
