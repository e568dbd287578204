// SPDX-License-Identifier: GPL-2.0
/*
 * The threads ktprobe -p follows: the process's threads at start, plus
 * every thread it creates later (seen through task:task_newtask).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "tidset.h"
#include "utils.h"

static void tidset_grow(struct tidset *s)
{
	int *old = s->slots, oldcap = s->cap;

	s->cap = s->cap ? s->cap * 2 : 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	s->count = 0;
	for (int i = 0; i < oldcap; i++)
		if (old[i] > 0)
			tidset_add(s, old[i]);
	free(old);
}

/* tidset_add - add @tid (no-op if present) */
void tidset_add(struct tidset *s, int tid)
{
	unsigned int h;

	if (tid <= 0 || tidset_has(s, tid))
		return;
	if ((s->count + 1) * 2 > s->cap)
		tidset_grow(s);
	for (h = (unsigned int)tid * 2654435761u % s->cap; s->slots[h] > 0; h = (h + 1) % s->cap)
		;
	s->slots[h] = tid;
	s->count++;
}

/* tidset_has - whether @tid is in the set */
bool tidset_has(const struct tidset *s, int tid)
{
	if (!s->cap)
		return false;
	for (unsigned int h = (unsigned int)tid * 2654435761u % s->cap; s->slots[h]; h = (h + 1) % s->cap)
		if (s->slots[h] == tid)
			return true;
	return false;
}

/* tidset_free - release the set */
void tidset_free(struct tidset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->count = 0;
}

/* tidset_add_threads - add every thread of process @pid; -1 if it does not exist */
int tidset_add_threads(struct tidset *s, int pid)
{
	char path[64];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			tidset_add(s, atoi(de->d_name));
	closedir(dir);
	return 0;
}
