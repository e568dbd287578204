// SPDX-License-Identifier: GPL-2.0
/*
 * Counting by a value that only the traced process's memory holds
 * (openat's file name before 6.19, a @str argument, a string the kernel
 * failed to read): the formatter asks the companion for the keys' values
 * alone; each record's keys become a short line with a spot for each
 * value, held back and filled as event lines are (filler.c, rendered as
 * keys: the value alone when right, marked when not); the finished lines
 * are counted here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_run.h"
#include "event_plan.h"
#include "fill_fields.h"

/*
 * How field @name of @ev gets its value: AGG_FILL_ALWAYS when the kernel
 * records only the pointer, AGG_FILL_FAULTS when it reads the string and
 * the companion reads what it could not, else AGG_FILL_NONE.
 */
static enum agg_fill field_fill(struct tep_event *ev, const char *name)
{
	struct event_plan *p = event_plan_make(ev);
	enum agg_fill how = AGG_FILL_NONE;

	if (!p)
		return how;
	for (int i = 0; p->sys_fills && i < ev->format.nr_fields; i++)
		if (p->sys_fills[i].kind && !p->sys_fills[i].copy && !strcmp(p->sys_fills[i].field->name, name))
			how = AGG_FILL_ALWAYS;
	for (int i = 0; i < p->nargs; i++) {
		if (strcmp(p->args[i].field->name, name))
			continue;
		if (p->args[i].user_kind)
			how = AGG_FILL_ALWAYS;
		else if (p->args[i].fill_ptr)
			how = AGG_FILL_FAULTS;
	}
	event_plan_free(p);
	return how;
}

/*
 * agg_run_fills - whether the companion is to read a key's value (the
 * most any key needs); with AGG_FILL_ALWAYS, @why says which key
 */
enum agg_fill agg_run_fills(struct agg_run *g, const char **why)
{
	enum agg_fill most = AGG_FILL_NONE;

	/* a stack's key waits for its record, not for reads: the record's values count */
	if (g->stack_key >= 0)
		return most;
	for (int k = 0; k < g->a->nkeys; k++) {
		if (g->a->keys[k].kind != AGG_KEY_FIELD)
			continue;
		for (int i = 0; i < g->nevents; i++) {
			enum agg_fill how = g->events[i].ev ? field_fill(g->events[i].ev, g->a->keys[k].name) :
					    AGG_FILL_NONE;

			if (how == AGG_FILL_ALWAYS && most != AGG_FILL_ALWAYS)
				snprintf(g->why, sizeof(g->why), "the key '%s' of %s is read from user memory",
					 g->a->keys[k].name, g->events[i].ev->name);
			if (how > most)
				most = how;
		}
	}
	if (most == AGG_FILL_ALWAYS)
		*why = g->why;
	return most;
}

/* agg_run_use_filler - the keys' values are read by @f (agg_run_fill_request) */
void agg_run_use_filler(struct agg_run *g, struct filler *f)
{
	g->filler = f;
	filler_set_keys(f);
}

/*
 * agg_run_fill_request - the formatter's fill hook while counting: a key's
 * value is asked for (its id kept for agg_run_key_line), no other
 */
uint32_t agg_run_fill_request(void *ctx, const struct fill_ask *ask)
{
	struct agg_run *g = ctx;

	for (int i = 0; i < g->a->nkeys; i++)
		if (g->a->keys[i].kind == AGG_KEY_FIELD && !g->fill_ids[i] && ask->field &&
		    !strcmp(ask->field, g->a->keys[i].name))
			return g->fill_ids[i] = filler_request(g->filler, ask);
	return 0;
}

/*
 * agg_run_key_line - @rec's keys as a line at the end of @o, "KEY\n" or
 * "KEY\tVALUE\n", with a spot in @spots (AGG_KEYS_MAX) where each value
 * asked for goes; their number, 0 when the record is not counted
 */
unsigned int agg_run_key_line(struct agg_run *g, struct tep_record *rec, int pid, struct outbuf *o,
			      struct fill_spot *spots)
{
	struct agg_event *e = agg_event_of(g, rec);
	unsigned int n = 0;

	if (!e) {
		memset(g->fill_ids, 0, sizeof(g->fill_ids));
		return 0;
	}
	agg_put_key(g, e, rec, pid, spots, &n);
	for (unsigned int i = 0; i < n; i++)
		spots[i].at += o->len;
	outbuf_add(o, g->key.buf ? g->key.buf : "", g->key.len);
	if (e->value) {
		outbuf_putc(o, '\t');
		outbuf_dec(o, agg_field_number(e->value, rec));
	}
	outbuf_putc(o, '\n');
	return n;
}

/* agg_run_count_lines - count the finished key lines in @o, and empty it */
void agg_run_count_lines(struct agg_run *g, struct outbuf *o)
{
	size_t at = 0;

	while (at < o->len) {
		const char *line = o->buf + at, *end = memchr(line, '\n', o->len - at);
		const char *tab;
		unsigned long long v = 0;

		if (!end)
			break;		/* not finished: cannot happen, lines go whole */
		tab = memchr(line, '\t', end - line);
		if (tab)
			v = strtoull(tab + 1, NULL, 10);
		agg_count(g, line, (tab ? tab : end) - line, v);
		at = end - o->buf + 1;
	}
	o->len = 0;
}
