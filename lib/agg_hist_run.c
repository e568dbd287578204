// SPDX-License-Identifier: GPL-2.0
/*
 * A run's counting by the kernel: a hist trigger per event in the run's
 * instance, written at the start and removed before the instance is; the
 * hist files read back into the run's rows (agg_kernel.c parses them),
 * their keys rendered as agg_record.c renders the records'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agg_run.h"
#include "utils.h"

/* The layout of @e's hist trigger: the keys the kernel has, the value. */
static void make_layout(struct agg_run *g, struct agg_event *e, const char *filter)
{
	struct agg_hist_layout *l = &e->layout;
	int thread = -1;

	for (int i = 0; i < g->a->nkeys; i++) {
		enum agg_key_kind k = g->a->keys[i].kind;

		e->at[i] = -1;
		if (k == AGG_KEY_COMM || k == AGG_KEY_TID || k == AGG_KEY_PID) {
			if (thread < 0) {
				thread = l->nkeys++;
				l->kind[thread] = HK_EXECNAME;
				l->name[thread] = "common_pid";
			}
			e->at[i] = thread;
		} else if (k == AGG_KEY_CPU || k == AGG_KEY_FIELD) {
			e->at[i] = l->nkeys++;
			l->name[e->at[i]] = k == AGG_KEY_CPU ? "common_cpu" : e->keys[i]->name;
			l->kind[e->at[i]] = k == AGG_KEY_FIELD && e->keys[i]->flags &
				(TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC) ? HK_STRING : HK_NUMBER;
		}
	}
	e->value_at = -1;
	if (g->a->hist || g->a->latency) {
		e->value_at = l->nkeys++;
		l->name[e->value_at] = g->a->latency ? "lat" : e->value->name;
		l->kind[e->value_at] = HK_NUMBER;
	}
	/* last: its frames end with a newline, where the next key would follow */
	if (g->stack_key >= 0) {
		e->at[g->stack_key] = l->nkeys++;
		l->name[e->at[g->stack_key]] = "common_stacktrace";
		l->kind[e->at[g->stack_key]] = HK_STACK;
	}
	if (g->a->sum)
		l->sum = e->value->name;
	e->trigger = agg_hist_trigger(l);
	if (filter) {
		char *t = xasprintf("%s if %s", e->trigger, filter);

		free(e->trigger);
		e->trigger = t;
	}
}

/*
 * --latency in the kernel: the entry keeps its time per thread in a
 * variable, the return's onmatch() sends the difference to a synthetic
 * event named like the run's group (definitions are global: removed at
 * the end, reaped by session_stale.c after a dead run), and a hist
 * trigger on that counts it. true when it is defined.
 */
static bool latency_triggers(struct agg_run *g, const char *group, const char **why)
{
	struct agg_event *entry = &g->events[0], *ret = &g->events[1];
	struct agg_event *syn = &g->events[g->nevents];
	char *def = xasprintf("%s u64 lat", group);

	if (tracefs_instance_file_append(NULL, "synthetic_events", def) < 0) {
		*why = "the kernel refused a synthetic event";
		free(def);
		return false;
	}
	free(def);
	g->synth = xstrdup(group);
	*syn = (struct agg_event){ .system = "synthetic", .name = g->synth };
	make_layout(g, syn, NULL);
	entry->no_rows = ret->no_rows = true;
	entry->trigger = xstrdup("hist:keys=common_pid:ktp_t0=common_timestamp.usecs");
	ret->trigger = xasprintf("hist:keys=common_pid:ktp_lat=common_timestamp.usecs-$ktp_t0:"
				 "onmatch(%s.%s).trace(%s,$ktp_lat)", entry->system, entry->name,
				 g->synth);
	/* armed in this order, removed in the reverse: the synthetic event's first */
	{
		struct agg_event tmp = *syn;

		memmove(g->events + 1, g->events, g->nevents * sizeof(*g->events));
		g->events[0] = tmp;
		g->nevents++;
	}
	return true;
}

/* agg_remove_synth - the synthetic event removed (after the instance that used it) */
void agg_remove_synth(struct agg_run *g)
{
	char *cmd;

	if (!g->synth)
		return;
	cmd = xasprintf("!%s", g->synth);
	if (tracefs_instance_file_append(NULL, "synthetic_events", cmd) < 0)
		warn_msg("cannot remove synthetic event %s: %s", g->synth, strerror(errno));
	free(cmd);
	free(g->synth);
	g->synth = NULL;
}

/*
 * agg_run_kernel - count in the kernel, with a hist trigger per event in
 * @inst (@filters: each event's, or NULL), when it has them and nothing
 * asks for ktprobe's own; false (counting in ktprobe), with the reason in
 * *why
 */
bool agg_run_kernel(struct agg_run *g, struct tracefs_instance *inst, char *const *filters,
		    const char **why)
{
	if (g->a->no_kernel_hist) {
		*why = "--no-kernel-hist";
		return false;
	}
	for (int i = 0; i < g->nevents; i++)
		if (!tracefs_event_file_exists(inst, g->events[i].system, g->events[i].ev->name,
					       "hist")) {
			*why = "this kernel has no hist triggers";
			return false;
		}
	for (int i = 0; g->stack_key >= 0 && i < g->nevents; i++)
		if (g->events[i].user) {
			*why = "a uprobe's stack is the program's: its records have it";
			return false;
		}
	g->inst = inst;
	if (g->a->latency)
		return latency_triggers(g, tracefs_instance_get_name(inst), why);
	for (int i = 0; i < g->nevents; i++) {
		if (filters[i] && strchr(filters[i], '\n')) {
			*why = "a filter with a newline";
			return false;
		}
		make_layout(g, &g->events[i], filters[i]);
	}
	return true;
}

/*
 * Write @e's trigger; a stack key is common_stacktrace since 6.5, and
 * stacktrace before: the other name is tried when the kernel refuses one.
 */
static int write_trigger(struct agg_run *g, struct agg_event *e)
{
	int at = g->stack_key >= 0 ? e->at[g->stack_key] : -1;
	const char *cond;
	char *old, *text;

	if (tracefs_event_file_append(g->inst, e->system, e->name, "trigger", e->trigger) >= 0)
		return 0;
	if (at < 0 || errno != EINVAL || strcmp(e->layout.name[at], "common_stacktrace"))
		return -1;
	e->layout.name[at] = "stacktrace";
	old = e->trigger;
	text = agg_hist_trigger(&e->layout);
	cond = strstr(old, " if ");
	e->trigger = xasprintf("%s%s", text, cond ? cond : "");
	free(text);
	free(old);
	return tracefs_event_file_append(g->inst, e->system, e->name, "trigger", e->trigger) < 0 ?
	       -1 : 0;
}

/* agg_run_arm - the hist triggers written (the events count from here on); -1 after the error line */
int agg_run_arm(struct agg_run *g)
{
	for (int i = 0; i < g->nevents; i++) {
		struct agg_event *e = &g->events[i];

		if (write_trigger(g, e) < 0) {
			err_msg("the kernel refused the hist trigger of %s (%s): %s", e->name,
				strerror(errno), e->trigger);
			return -1;
		}
		e->armed = true;
	}
	return 0;
}

/* agg_run_disarm - the hist triggers removed (before the instance is) */
void agg_run_disarm(struct agg_run *g)
{
	for (int i = g ? g->nevents - 1 : -1; i >= 0; i--) {
		struct agg_event *e = &g->events[i];
		char *off;

		if (!e->armed)
			continue;
		off = xasprintf("!%s", e->trigger);
		if (tracefs_event_file_append(g->inst, e->system, e->name, "trigger", off) < 0)
			warn_msg("cannot remove the hist trigger of %s: %s", e->name,
				 strerror(errno));
		e->armed = false;
		free(off);
	}
}

/* A row of the kernel's into the table, its keys rendered as agg_run_record's are. */
static void kernel_row(void *ctx, const struct agg_hist_row *hr)
{
	struct agg_run *g = ctx;
	struct agg_event *e = g->reading;
	struct agg_row *row;

	g->key.len = 0;
	for (int i = 0; i < g->a->nkeys; i++) {
		int at = e->at[i];

		if (i)
			outbuf_putc(&g->key, AGG_KEY_SEP);
		switch (g->a->keys[i].kind) {
		case AGG_KEY_FIELD:
			if (e->layout.kind[at] == HK_STRING)
				outbuf_escaped(&g->key, hr->text[at], hr->len[at]);
			else if (e->keys[i]->flags & TEP_FIELD_IS_SIGNED)
				outbuf_sdec(&g->key, (long long)sign_extend(e->keys[i], hr->num[at]));
			else
				outbuf_dec(&g->key, hr->num[at]);
			break;
		case AGG_KEY_COMM:
			outbuf_escaped(&g->key, hr->text[at], hr->len[at]);
			break;
		case AGG_KEY_TID:
		case AGG_KEY_CPU:
			outbuf_dec(&g->key, hr->num[at]);
			break;
		case AGG_KEY_PID:
			outbuf_dec(&g->key, tgid_of(g, (int)hr->num[at]));
			break;
		case AGG_KEY_EVENT:
			outbuf_puts(&g->key, e->name);
			break;
		case AGG_KEY_STACK:
			agg_hist_frames(&g->key, hr->text[at], hr->len[at], e->func);
			break;
		}
	}
	row = agg_table_row(&g->table, g->key.buf ? g->key.buf : "", g->key.len);
	row->count += hr->hitcount;
	row->sum += hr->sum;
	g->table.events += hr->hitcount;
	if (row->buckets && e->value_at >= 0)
		row->buckets[agg_bucket(e->value ? sign_extend(e->value, hr->num[e->value_at]) :
					hr->num[e->value_at], g->table.sum_signed)] += hr->hitcount;
}

/* The kernel's rows so far into the table (which starts empty); with @clear, its too. */
void agg_read_kernel(struct agg_run *g, bool clear)
{
	bool sum_signed = g->table.sum_signed, hist = g->table.hist;

	agg_table_clear(&g->table);
	agg_table_init(&g->table, hist, sum_signed);
	for (int i = 0; i < g->nevents; i++) {
		struct agg_event *e = &g->events[i];
		char *text;
		unsigned long long dropped = 0;

		if (e->no_rows)
			continue;
		text = tracefs_event_file_read(g->inst, e->system, e->name, "hist", NULL);

		g->reading = e;
		if (!text || agg_hist_parse(text, &e->layout, kernel_row, g, &dropped))
			warn_msg("%s: the kernel's hist file %s", e->name,
				 text ? "has rows ktprobe could not read" : "could not be read");
		g->table.lost += (long long)dropped;
		free(text);
		if (clear) {
			/* the command goes before the filter: "hist:...:clear if FILTER" */
			const char *cond = strstr(e->trigger, " if ");
			int keys = cond ? (int)(cond - e->trigger) : (int)strlen(e->trigger);
			char *cmd = xasprintf("%.*s:clear%s", keys, e->trigger, cond ? cond : "");

			if (tracefs_event_file_append(g->inst, e->system, e->name, "trigger",
						      cmd) < 0)
				warn_msg("%s: the kernel's rows could not be cleared (%s): the "
					 "intervals add up", e->name, strerror(errno));
			free(cmd);
		}
	}
}
