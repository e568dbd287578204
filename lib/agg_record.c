// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe's own counting: each binary record's keys rendered and its row
 * counted, no line formatted. The fields are looked up once per event;
 * --latency pairs each thread's entry with its return.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_run.h"
#include "utils.h"

/* The slot of @tid in @m; added (0) with @add, else NULL when it has none. */
static unsigned long long *map_slot(struct tid_map *m, int tid, bool add)
{
	unsigned int i;

	if (add && (m->n + 1) * 2 > m->cap) {
		struct tid_map bigger = { .cap = m->cap ? m->cap * 2 : 256 };

		bigger.tid = xcalloc(bigger.cap, sizeof(int));
		bigger.val = xcalloc(bigger.cap, sizeof(*bigger.val));
		for (unsigned int k = 0; k < m->cap; k++)
			if (m->tid[k])
				*map_slot(&bigger, m->tid[k], true) = m->val[k];
		free(m->tid);
		free(m->val);
		*m = bigger;
	}
	if (!m->cap)
		return NULL;
	for (i = (unsigned int)tid * 2654435761U & (m->cap - 1); m->tid[i] && m->tid[i] != tid;
	     i = (i + 1) & (m->cap - 1))
		;
	if (!m->tid[i] && add) {
		m->tid[i] = tid;
		m->val[i] = 0;
		m->n++;
	}
	return m->tid[i] ? &m->val[i] : NULL;
}

static void map_free(struct tid_map *m)
{
	free(m->tid);
	free(m->val);
}

/* The process (thread group) of thread @tid: from /proc, once; the tid if gone. */
int tgid_of(struct agg_run *g, int tid)
{
	unsigned long long *slot = map_slot(&g->tgids, tid, false);
	char path[40], line[128];
	FILE *f;
	int tgid = tid;

	if (slot)
		return (int)*slot;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	if (tid)
		*map_slot(&g->tgids, tid, true) = (unsigned long long)tgid;
	return tgid;
}

/* The field @name names in @ev ($retval: a return probe's first argument). */
static struct tep_format_field *find_field(struct tep_event *ev, const char *name)
{
	struct tep_format_field *f = tep_find_any_field(ev, name);

	if (f || strcmp(name, "$retval"))
		return f;
	if (!tep_find_field(ev, "__probe_ret_ip"))
		return NULL;
	/* the return value's field: the first that is the probe's, not a helper */
	for (f = ev->format.fields; f; f = f->next)
		if (strcmp(f->name, "__probe_func") && strcmp(f->name, "__probe_ret_ip") &&
		    strncmp(f->name, "__", 2))
			return f;
	return NULL;
}

/* One line naming @ev's fields, after "no field NAME". */
static void no_field(struct tep_event *ev, const char *option, const char *name)
{
	struct strv names = { 0 };
	char *list;

	for (struct tep_format_field *f = ev->format.fields; f; f = f->next)
		if (strncmp(f->name, "__", 2))
			strv_push(&names, xstrdup(f->name));
	list = strv_join(&names, ", ", 12);
	err_msg("%s: event %s has no field '%s' (its fields: %s)", option, ev->name, name,
		*list ? list : "none");
	free(list);
	strv_free(&names);
}

/*
 * The fields of @e's event: each key's (the 7.x syscall events' copy of a
 * string argument, __ARG_val, stands for ARG), the value's; -1 after
 * the error line.
 */
static int event_fields(struct agg_run *g, struct agg_event *e)
{
	const struct agg_opts *a = g->a;
	const char *vname = a->sum ? a->sum : a->hist;

	for (int i = 0; i < a->nkeys; i++) {
		char copy[80];

		if (a->keys[i].kind != AGG_KEY_FIELD)
			continue;
		snprintf(copy, sizeof(copy), "__%s_val", a->keys[i].name);
		e->keys[i] = tep_find_field(e->ev, copy);
		if (!e->keys[i])
			e->keys[i] = find_field(e->ev, a->keys[i].name);
		if (!e->keys[i]) {
			no_field(e->ev, "--count", a->keys[i].name);
			return -1;
		}
	}
	if (!vname)
		return 0;
	e->value = find_field(e->ev, vname);
	if (!e->value) {
		no_field(e->ev, a->sum ? "--sum" : "--hist", vname);
		return -1;
	}
	if (e->value->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_ARRAY) ||
	    e->value->size > 8) {
		err_msg("%s: field '%s' of %s is not a number", a->sum ? "--sum" : "--hist", vname,
			e->ev->name);
		return -1;
	}
	return 0;
}

/* agg_run_new - counting for the events of @ev; NULL after the error line */
struct agg_run *agg_run_new(const struct agg_opts *a, struct tep_handle *tep,
			    struct proctable *procs, const struct agg_events *ev)
{
	/* a run with hist triggers: agg_run_kernel() decides after this */
	struct agg_run *g = xcalloc(1, sizeof(*g));
	bool is_signed = false;

	g->a = a;
	g->tep = tep;
	g->entry_id = ev->entry_id;
	g->return_id = ev->return_id;
	line_head_init(&g->head, tep, procs, false, true);
	outbuf_init(&g->key, NULL);
	outbuf_init(&g->frames, NULL);
	outbuf_init(&g->stack_row, NULL);
	g->events = xcalloc(ev->n + 1, sizeof(*g->events));	/* + a synthetic event */
	g->stack_key = -1;
	for (int i = 0; i < a->nkeys; i++)
		if (a->keys[i].kind == AGG_KEY_STACK)
			g->stack_key = i;
	for (int i = 0; i < ev->n; i++) {
		struct agg_event *e = &g->events[g->nevents++];

		e->ev = ev->v[i].ev;
		e->system = ev->v[i].system;
		e->user = ev->v[i].user;
		e->func = ev->v[i].func;
		e->name = e->ev ? e->ev->name : NULL;
		if (!e->ev || (!a->latency && event_fields(g, e))) {
			agg_run_free(g);
			return NULL;
		}
		e->ip = tep_find_field(e->ev, "__probe_ip");
		if (e->value && e->value->flags & TEP_FIELD_IS_SIGNED)
			is_signed = true;
	}
	agg_table_init(&g->table, a->hist || a->latency, is_signed);
	g->since = now_ns();
	return g;
}

/* The counted event @rec is of, NULL if none. */
struct agg_event *agg_event_of(struct agg_run *g, struct tep_record *rec)
{
	int type = tep_data_type(g->tep, rec);

	for (int i = 0; i < g->nevents; i++)
		if (g->events[i].ev && g->events[i].ev->id == type)
			return &g->events[i];
	return NULL;
}

/* @v of field @f, sign-extended when the field is signed. */
unsigned long long sign_extend(const struct tep_format_field *f, unsigned long long v)
{
	if (f->flags & TEP_FIELD_IS_SIGNED && f->size < 8 && f->size > 0) {
		int shift = 64 - 8 * f->size;

		v = (unsigned long long)(((long long)(v << shift)) >> shift);
	}
	return v;
}

/* A number field's value, sign-extended when the field is signed. */
unsigned long long agg_field_number(struct tep_format_field *f, struct tep_record *rec)
{
	unsigned long long v = 0;

	tep_read_number_field(f, rec->data, &v);
	return sign_extend(f, v);
}

/* A field's value as key text: a string escaped, else its number in decimal. */
static void put_field(struct agg_run *g, struct tep_format_field *f, struct tep_record *rec)
{
	if (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC)) {
		int len = 0;
		const char *s = tep_get_field_raw(NULL, f->event, f->name, rec, &len, 0);

		if (s && len > 0)
			outbuf_escaped(&g->key, s, strnlen(s, len));
		return;
	}
	if (f->flags & TEP_FIELD_IS_SIGNED)
		outbuf_sdec(&g->key, (long long)agg_field_number(f, rec));
	else
		outbuf_dec(&g->key, agg_field_number(f, rec));
}

/*
 * The key of @rec, rendered into g->key; a key whose value the companion
 * reads (g->fill_ids) gets a spot in @spots instead, counted in *@nspots.
 */
void agg_put_key(struct agg_run *g, struct agg_event *e, struct tep_record *rec, int pid,
		 struct fill_spot *spots, unsigned int *nspots)
{
	g->key.len = 0;
	for (int i = 0; i < g->a->nkeys; i++) {
		if (i)
			outbuf_putc(&g->key, AGG_KEY_SEP);
		switch (g->a->keys[i].kind) {
		case AGG_KEY_FIELD:
			if (g->fill_ids[i]) {
				spots[(*nspots)++] = (struct fill_spot) { g->key.len, g->fill_ids[i] };
				g->fill_ids[i] = 0;
			} else {
				put_field(g, e->keys[i], rec);
			}
			break;
		case AGG_KEY_COMM:
			outbuf_escaped(&g->key, line_head_comm(&g->head, pid),
				       strlen(line_head_comm(&g->head, pid)));
			break;
		case AGG_KEY_TID:
			outbuf_dec(&g->key, pid);
			break;
		case AGG_KEY_PID:
			outbuf_dec(&g->key, tgid_of(g, pid));
			break;
		case AGG_KEY_CPU:
			outbuf_dec(&g->key, rec->cpu);
			break;
		case AGG_KEY_EVENT:
			outbuf_puts(&g->key, e->ev->name);
			break;
		case AGG_KEY_STACK:
			g->stack_at = g->key.len;	/* its record comes next (agg_stack.c) */
			break;
		}
	}
}

/* --latency: an entry remembered, a return measured (µs, as the kernel's .usecs). */
static bool latency(struct agg_run *g, struct tep_record *rec, int pid, unsigned long long *us)
{
	unsigned long long *start;

	if (rec->ts && tep_data_type(g->tep, rec) == g->entry_id) {
		*map_slot(&g->starts, pid, true) = rec->ts;
		return false;
	}
	start = map_slot(&g->starts, pid, false);
	if (!start || !*start)
		return false;
	*us = rec->ts / 1000 - *start / 1000;
	*start = 0;
	return true;
}

/* One event of key @key counted, with @v its value (--sum, --hist, --latency). */
void agg_count(struct agg_run *g, const char *key, size_t len, unsigned long long v)
{
	struct agg_row *row = agg_table_row(&g->table, key ? key : "", len);

	row->count++;
	g->table.events++;
	row->sum += v;
	if (row->buckets)
		row->buckets[agg_bucket(v, g->a->latency ? false : g->table.sum_signed)]++;
}

/* agg_run_record - count @rec (of thread @pid) */
void agg_run_record(struct agg_run *g, struct tep_record *rec, int pid)
{
	struct agg_event *e = agg_event_of(g, rec);
	unsigned long long v = 0;
	unsigned int nspots = 0;

	if (!e || (g->a->latency && !latency(g, rec, pid, &v)))
		return;
	agg_put_key(g, e, rec, pid, NULL, &nspots);
	if (e->value)
		v = agg_field_number(e->value, rec);
	if (g->stack_key >= 0)
		agg_hold_for_stack(g, e, rec, pid, v);
	else
		agg_count(g, g->key.buf, g->key.len, v);
}

/* agg_run_lost - @n events lost in the ring buffer (-1: how many unknown) */
void agg_run_lost(struct agg_run *g, long long n)
{
	if (n < 0 || g->table.lost < 0)
		g->table.lost = -1;
	else
		g->table.lost += n;
}

/* agg_run_print - the rows so far to @o; with -i they start again (not at the end) */
void agg_run_print(struct agg_run *g, struct outbuf *o, bool final)
{
	unsigned long long now = now_ns();

	if (g->inst)
		agg_read_kernel(g, !final && g->a->interval);
	if (final)
		agg_stacks_missing(g);
	agg_print(o, &g->table, g->a, (now - g->since) / 1e9);
	if (!final && g->a->interval) {
		bool sum_signed = g->table.sum_signed, hist = g->table.hist;

		agg_table_clear(&g->table);
		agg_table_init(&g->table, hist, sum_signed);
		g->since = now;
	}
}

/* agg_run_free - everything of @g */
void agg_run_free(struct agg_run *g)
{
	if (!g)
		return;
	agg_remove_synth(g);
	agg_stacks_free(g);
	agg_table_free(&g->table);
	map_free(&g->tgids);
	map_free(&g->starts);
	outbuf_free(&g->key);
	for (int i = 0; g->events && i < g->nevents; i++)
		free(g->events[i].trigger);
	free(g->events);
	free(g);
}
