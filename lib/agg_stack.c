// SPDX-License-Identifier: GPL-2.0
/*
 * Counting by stack (--count=stack) in ktprobe: the run records a stack
 * after each event (as -s does), on the event's CPU; the event's key
 * waits, per CPU, for that record, and the stack's frames (as -s prints
 * them) go in its place. An event whose stack does not come counts as
 * "[no stack]".
 */
#include <stdlib.h>
#include <string.h>

#include "agg_run.h"
#include "format.h"
#include "utils.h"

#define NO_STACK	"[no stack]"

/* The key of @p, its stack @frames (@len bytes; none: NO_STACK) in place, counted. */
static void count_pending(struct agg_run *g, struct agg_pending *p, const char *frames, size_t len)
{
	struct outbuf *k = &g->stack_row;	/* not g->key: it may hold the next event's */

	k->len = 0;
	outbuf_add(k, p->key.buf, p->at);
	if (len)
		outbuf_add(k, frames, len);
	else
		outbuf_puts(k, NO_STACK);
	outbuf_add(k, p->key.buf + p->at, p->key.len - p->at);
	agg_count(g, k->buf, k->len, p->v);
	p->waiting = false;
}

/* The pending event of @cpu, the table grown to have it; NULL for a CPU out of reason. */
static struct agg_pending *pending_of(struct agg_run *g, int cpu)
{
	if (cpu < 0 || cpu >= 1 << 16)
		return NULL;
	if (cpu >= g->npending) {
		int n = cpu + 8;

		g->pending = xrealloc(g->pending, n * sizeof(*g->pending));
		for (int i = g->npending; i < n; i++) {
			memset(&g->pending[i], 0, sizeof(g->pending[i]));
			outbuf_init(&g->pending[i].key, NULL);
		}
		g->npending = n;
	}
	return &g->pending[cpu];
}

/* agg_hold_for_stack - @rec's key (in g->key) waits for its stack on its CPU */
void agg_hold_for_stack(struct agg_run *g, struct agg_event *e, struct tep_record *rec, int pid,
			unsigned long long v)
{
	struct agg_pending *p = pending_of(g, rec->cpu);
	unsigned long long ip = 0;

	if (!p)
		return;
	if (p->waiting)
		count_pending(g, p, NULL, 0);	/* its stack never came */
	if (e->ip)
		tep_read_number_field(e->ip, rec->data, &ip);
	p->key.len = 0;
	outbuf_add(&p->key, g->key.buf, g->key.len);
	p->at = g->stack_at;
	p->v = v;
	p->ip = ip;
	p->pid = pid;
	p->waiting = true;
}

/* agg_run_stack - stack record @rec (of thread @pid): the key waiting on its CPU counted with it */
void agg_run_stack(struct agg_run *g, struct formatter *fmt, struct tep_record *rec, int pid)
{
	struct agg_pending *p = rec->cpu < g->npending ? &g->pending[rec->cpu] : NULL;
	struct outbuf *frames = &g->frames;
	size_t skip;

	if (!p || !p->waiting || p->pid != pid)
		return;
	frames->len = 0;
	formatter_stack_frames(fmt, rec, p->ip, frames, AGG_FRAME_SEP);
	/* the tracing machinery's first frames left out, as the kernel's hist does */
	skip = frames->len ? agg_frames_tracing(frames->buf, frames->len) : 0;
	count_pending(g, p, frames->len ? frames->buf + skip : NULL, frames->len - skip);
}

/* agg_stacks_missing - the events still waiting counted without their stacks (the end) */
void agg_stacks_missing(struct agg_run *g)
{
	for (int i = 0; i < g->npending; i++)
		if (g->pending[i].waiting)
			count_pending(g, &g->pending[i], NULL, 0);
}

/* agg_stacks_free - the per-CPU waiting keys */
void agg_stacks_free(struct agg_run *g)
{
	for (int i = 0; i < g->npending; i++)
		outbuf_free(&g->pending[i].key);
	free(g->pending);
	g->pending = NULL;
	g->npending = 0;
	outbuf_free(&g->frames);
	outbuf_free(&g->stack_row);
}
