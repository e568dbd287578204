// SPDX-License-Identifier: GPL-2.0
/*
 * The comm of each pid at the time of the event being printed: set from
 * fork/exec/rename events as they stream by, dropped when events were lost
 * (then what was learned may be stale).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "utils.h"

struct comm_entry {
	int pid;		/* 0: free */
	char comm[16];
};

static unsigned int slot_of(const struct comm_cache *cc, int pid)
{
	return (unsigned int)pid * 2654435761u % cc->cap;
}

static void comm_cache_grow(struct comm_cache *cc)
{
	struct comm_entry *old = cc->slots;
	int oldcap = cc->cap;

	cc->cap = cc->cap ? cc->cap * 2 : 256;
	cc->slots = xcalloc(cc->cap, sizeof(*cc->slots));
	cc->count = 0;
	for (int i = 0; i < oldcap; i++)
		if (old[i].pid)
			comm_cache_set(cc, old[i].pid, old[i].comm);
	free(old);
}

/* comm_cache_set - @pid is called @comm from now on (truncated to 15 bytes) */
void comm_cache_set(struct comm_cache *cc, int pid, const char *comm)
{
	unsigned int h;

	if (pid <= 0)
		return;
	if ((cc->count + 1) * 2 > cc->cap)
		comm_cache_grow(cc);
	for (h = slot_of(cc, pid); cc->slots[h].pid && cc->slots[h].pid != pid;
	     h = (h + 1) % cc->cap)
		;
	if (!cc->slots[h].pid)
		cc->count++;
	cc->slots[h].pid = pid;
	snprintf(cc->slots[h].comm, sizeof(cc->slots[h].comm), "%s", comm);
}

/* comm_cache_get - the comm of @pid, or NULL if unknown */
const char *comm_cache_get(const struct comm_cache *cc, int pid)
{
	if (!cc->cap)
		return NULL;
	for (unsigned int h = slot_of(cc, pid); cc->slots[h].pid; h = (h + 1) % cc->cap)
		if (cc->slots[h].pid == pid)
			return cc->slots[h].comm;
	return NULL;
}

/* comm_cache_clear - forget everything (after lost events) */
void comm_cache_clear(struct comm_cache *cc)
{
	if (cc->cap)
		memset(cc->slots, 0, cc->cap * sizeof(*cc->slots));
	cc->count = 0;
}

/* comm_cache_free - release the cache */
void comm_cache_free(struct comm_cache *cc)
{
	free(cc->slots);
	cc->slots = NULL;
	cc->cap = cc->count = 0;
}
