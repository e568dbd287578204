// SPDX-License-Identifier: GPL-2.0
/*
 * Copies of paths the kernel made at the C library's calls (ucapture.c):
 * each comes before its syscall's event, so it waits here, by thread,
 * until that event takes it. Two per thread: rename's and link's. A copy
 * is for the thread's next event or for none: one a probe made on a path
 * that did not reach the syscall is forgotten at the event after.
 */
#include <stdlib.h>
#include <string.h>

#include "early_copies.h"
#include "kcapture.h"
#include "utils.h"

#define THREADS		4096	/* a collision forgets the older thread's copies */
#define PER_THREAD	2
#define EARLY_MAX_NS	20000000ULL	/* older than this before its event: not its copy */

/* early_copies_init - no copies yet */
void early_copies_init(struct early_copies *e)
{
	e->v = xcalloc(THREADS * PER_THREAD, sizeof(*e->v));
	e->last = xcalloc(THREADS, sizeof(*e->last));
}

/*
 * early_copies_event - thread @tid has an event at @ts: the copies it made
 * before its previous event were for that one, or for none
 */
void early_copies_event(struct early_copies *e, int tid, unsigned long long ts)
{
	struct early_event *last;
	struct early_copy *t;

	if (!e->v)
		return;
	last = &e->last[(unsigned int)tid % THREADS];
	t = &e->v[(unsigned int)tid % THREADS * PER_THREAD];
	for (int i = 0; i < PER_THREAD; i++)
		if (t[i].tid == tid && last->tid == tid && t[i].ts < last->ts)
			t[i].tid = 0;
	*last = (struct early_event) { .tid = tid, .ts = ts };
}

/* early_copies_free - release the copies */
void early_copies_free(struct early_copies *e)
{
	if (!e->v)
		return;
	for (int i = 0; i < THREADS * PER_THREAD; i++)
		free(e->v[i].path);
	free(e->v);
	free(e->last);
	e->v = NULL;
	e->last = NULL;
}

/* Where copy @c goes in its thread's slots @t: over an older copy of the same
 * pointer, else a slot another thread left, else over the thread's older copy. */
static struct early_copy *slot_for(struct early_copy *t, const struct kcopy *c)
{
	struct early_copy *older = &t[0];

	for (int i = 0; i < PER_THREAD; i++)
		if (t[i].tid == c->tid && t[i].uptr == c->uptr)
			return &t[i];
	for (int i = 0; i < PER_THREAD; i++) {
		if (t[i].tid != c->tid)
			return &t[i];
		if (t[i].ts < older->ts)
			older = &t[i];
	}
	return older;
}

/* early_copies_put - keep copy @c for its thread's next event */
void early_copies_put(struct early_copies *e, const struct kcopy *c)
{
	struct early_copy *slot = slot_for(&e->v[(unsigned int)c->tid % THREADS * PER_THREAD], c);

	if (slot->cap < c->len + 1) {
		slot->cap = c->len + 1;
		slot->path = xrealloc(slot->path, slot->cap);
	}
	memcpy(slot->path, c->path, c->len);
	slot->path[c->len] = '\0';
	slot->len = c->len;
	slot->tid = c->tid;
	slot->uptr = c->uptr;
	slot->ts = c->ts;
}

/*
 * early_copies_take - the copy of thread @tid's path at @uptr for its event
 * at @ts, made shortly before it; NULL when there is none. It is taken:
 * valid until the next put.
 */
const struct early_copy *early_copies_take(struct early_copies *e, int tid,
					   unsigned long long uptr, unsigned long long ts)
{
	struct early_copy *t;

	if (!e->v)
		return NULL;
	t = &e->v[(unsigned int)tid % THREADS * PER_THREAD];
	for (int i = 0; i < PER_THREAD; i++)
		if (t[i].tid == tid && t[i].uptr == uptr && t[i].ts <= ts &&
		    ts - t[i].ts <= EARLY_MAX_NS) {
			t[i].tid = 0;
			return &t[i];
		}
	return NULL;
}
