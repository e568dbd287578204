// SPDX-License-Identifier: GPL-2.0
/*
 * Event lines in the shape of the kernel's trace file:
 *
 *   comm-pid [cpu] flags timestamp: event: (location) name=value ...
 *
 * One record becomes one line (or a stack's lines): the head
 * (line_head.c), then the event's fields by its plan (event_plan.c), each
 * value the kernel's way (field_value.c); any other event goes through
 * libtraceevent. Where a value must be read from the process, the
 * companion is asked (the fill hook) and the spot where its annotation
 * goes is noted for the filler. Bytes from the traced process are escaped
 * (outbuf.c).
 */
#include <stdlib.h>
#include <string.h>

#include "event_plan.h"
#include "field_value.h"
#include "fill.h"
#include "format.h"
#include "format_parts.h"
#include "marker.h"
#include "utils.h"


/* A stack record belongs to the event just before it on the same CPU. */
struct cpu_state {
	int pid;
	bool printed;
	unsigned long long kfunc;	/* a kprobe event's function, 0 if none */
};

/*
 * formatter_new - a formatter for events of @tep that appends to @out
 * @procs: where the comms are found (the caller's, kept up to date by task events)
 * @live: the events happen on this machine now, so /proc and the kernel's
 *	  saved_cmdlines can name their processes
 */
struct formatter *formatter_new(struct tep_handle *tep, struct outbuf *out, bool lazy_flags,
				 struct proctable *procs, bool live)
{
	struct formatter *f = xcalloc(1, sizeof(*f));

	f->tep = tep;
	f->out = out;
	line_head_init(&f->head, tep, procs, lazy_flags, live);
	trace_seq_init(&f->seq);
	return f;
}

/* formatter_free - release the formatter and its plans */
void formatter_free(struct formatter *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nplans; i++)
		event_plan_free(f->plans[i]);
	free(f->plans);
	free(f->spots);
	trace_seq_destroy(&f->seq);
	free(f->cpus);
	free(f);
}

static struct cpu_state *cpu_state(struct formatter *f, int cpu)
{
	if (cpu < 0)
		cpu = 0;
	if (cpu >= f->ncpus) {
		int n = cpu + 8;

		f->cpus = xrealloc(f->cpus, n * sizeof(*f->cpus));
		memset(f->cpus + f->ncpus, 0, (n - f->ncpus) * sizeof(*f->cpus));
		f->ncpus = n;
	}
	return &f->cpus[cpu];
}

/* formatter_skip - @rec is not printed: neither are the stacks that follow it */
void formatter_skip(struct formatter *f, struct tep_record *rec)
{
	struct cpu_state *cs = cpu_state(f, rec->cpu);

	cs->printed = false;
	cs->pid = tep_data_pid(f->tep, rec);
}

/* The plan of @ev, made on its first event. */
static struct event_plan *plan_for(struct formatter *f, struct tep_event *ev)
{
	if (ev->id < 0 || ev->id > 1 << 20)
		return NULL;
	if (ev->id >= f->nplans) {
		int n = ev->id + 64;

		f->plans = xrealloc(f->plans, n * sizeof(*f->plans));
		memset(f->plans + f->nplans, 0, (n - f->nplans) * sizeof(*f->plans));
		f->nplans = n;
	}
	if (!f->plans[ev->id])
		f->plans[ev->id] = event_plan_make(ev);
	return f->plans[ev->id];
}

/* formatter_is_marker - whether @rec is one of ktprobe's trace_marker_raw records */
bool formatter_is_marker(struct formatter *f, struct tep_record *rec, unsigned int *id,
			 const void **payload, unsigned int *len)
{
	struct tep_event *ev = tep_find_event_by_record(f->tep, rec);
	struct event_plan *p = ev ? plan_for(f, ev) : NULL;
	int off;

	if (!p || p->kind != PLAN_RAW_DATA)
		return false;
	off = p->caller->offset;
	return rec->size > off && marker_parse((char *)rec->data + off, rec->size - off, id,
					       payload, len);
}

static unsigned long long read_num(struct formatter *f, const void *data, int size)
{
	return tep_read_number(f->tep, data, size);
}

/*
 * format_ask_fill - ask the companion for the value @ask describes (what, where, how
 * checked: the event's process, time and limits are added here) and note the spot
 * where its annotation goes; @kcap: what the kernel captured of it.
 */
void format_ask_fill(struct formatter *f, struct tep_record *rec, struct fill_ask *ask,
		     const struct tep_format_field *kcap)
{
	unsigned int len = 0;
	uint32_t id;

	if (!f->fill.request || !ask->addr)
		return;
	ask->out = f->out;
	ask->pid = tep_data_pid(f->tep, rec);
	ask->ts = rec->ts;
	ask->max_items = f->fill.max_items;
	ask->count_only = ask->kind == FILL_STRV && f->fill.count_env && ask->flags == FILLREQ_ENVIRON;
	if (kcap && (kcap->flags & TEP_FIELD_IS_DYNAMIC)) {
		ask->kernel = field_data_loc(f->tep, rec, kcap, &len);
		ask->kernel_len = len;
	} else if (kcap && kcap->offset + kcap->size <= rec->size) {
		ask->kernel = (char *)rec->data + kcap->offset;
		ask->kernel_len = kcap->size;
	}
	id = f->fill.request(f->fill.ctx, ask);
	if (!id)
		return;		/* the hook wrote the value itself (a report) */
	outbuf_putc(f->out, ' ');
	if (f->nspots == f->spots_cap) {
		f->spots_cap = f->spots_cap ? f->spots_cap * 2 : 16;
		f->spots = xrealloc(f->spots, f->spots_cap * sizeof(*f->spots));
	}
	f->spots[f->nspots++] = (struct fill_spot) { .at = f->out->len, .id = id };
}

static void print_probe(struct formatter *f, const struct event_plan *p, struct tep_record *rec)
{
	const unsigned char *data = rec->data;

	outbuf_puts(f->out, p->event->name);
	outbuf_puts(f->out, ": (");
	if (p->ip) {
		unsigned long long ip = read_num(f, data + p->ip->offset, p->ip->size);

		if (field_is_ksym(f->tep, ip))
			field_put_ksym(f->tep, f->out, ip, true);
		else
			outbuf_hex(f->out, ip);
	} else {
		unsigned long long ret = read_num(f, data + p->ret_ip->offset, p->ret_ip->size);
		unsigned long long func = read_num(f, data + p->func->offset, p->func->size);

		if (field_is_ksym(f->tep, func)) {
			field_put_ksym(f->tep, f->out, ret, true);
			outbuf_puts(f->out, " <- ");
			field_put_ksym(f->tep, f->out, func, false);
		} else {
			outbuf_hex(f->out, ret);
			outbuf_add(f->out, " <- ", 4);
			outbuf_hex(f->out, func);
		}
	}
	outbuf_putc(f->out, ')');
	for (int i = 0; i < p->nargs; i++) {
		const struct plan_arg *a = &p->args[i];

		if (a->hidden)
			continue;
		outbuf_putc(f->out, ' ');
		outbuf_puts(f->out, a->field->name);
		outbuf_putc(f->out, '=');
		if (a->field->offset + a->field->size > rec->size) {
			outbuf_puts(f->out, "<OVERFLOW>");
			continue;
		}
		if (a->kind == ARG_STRING) {
			if (!field_put_string(f->tep, f->out, rec, a->field) && a->fill_ptr) {
				struct fill_ask ask = {
					.field = a->field->name, .kind = FILL_STRING, .max = FILL_PATH_MAX,
					.addr = read_num(f, data + a->fill_ptr->offset, 8) + a->fill_off,
				};

				format_ask_fill(f, rec, &ask, NULL);
			}
			continue;
		}
		if (a->user_kind) {
			struct fill_ask ask = {
				.field = a->field->name, .kind = a->user_kind, .max = a->user_len,
				.addr = read_num(f, data + a->field->offset, a->field->size),
				.verify = a->verify,
			};

			field_put_value(f->tep, f->out, a, data + a->field->offset);
			format_ask_fill(f, rec, &ask, a->kcap);
			continue;
		}
		if (!a->count) {
			field_put_value(f->tep, f->out, a, data + a->field->offset);
			continue;
		}
		outbuf_putc(f->out, '{');
		for (int k = 0; k < a->count; k++) {
			if (k)
				outbuf_putc(f->out, ',');
			field_put_value(f->tep, f->out, a,
					data + a->field->offset + k * a->elem_size);
		}
		outbuf_putc(f->out, '}');
	}
}

/*
 * The frames of stack record @rec, each with @before and @after it. A
 * kernel stack taken in a kprobe starts, on some architectures, with the
 * probe machinery above the probed function (@kfunc): those frames, and
 * the probed function itself, which the event shows, are left out, so
 * every architecture shows the callers. The number of frames put.
 */
static int put_frames(struct formatter *f, const struct event_plan *p, struct tep_record *rec,
		      unsigned long long kfunc, const char *before, char after)
{
	const unsigned char *data = rec->data;
	int lsize = tep_get_long_size(f->tep) > 0 ? tep_get_long_size(f->tep) : (int)sizeof(long);
	int n = (rec->size - p->caller->offset) / lsize, first = 0, put = 0;
	bool kernel = p->kind == PLAN_KERNEL_STACK;

	if (p->size) {
		int sz = read_num(f, data + p->size->offset, p->size->size);

		if (sz >= 0 && sz < n)
			n = sz;
	}
	for (int i = 0; kernel && kfunc && i < n; i++) {
		unsigned long long addr = read_num(f, data + p->caller->offset + i * lsize, lsize);

		if (tep_find_function_address(f->tep, addr) == kfunc) {
			first = i + 1;
			break;
		}
	}
	for (int i = first; i < n; i++, put++) {
		unsigned long long addr = read_num(f, data + p->caller->offset + i * lsize, lsize);

		if (kernel && (addr == ~0ULL || (lsize == 4 && addr == 0xffffffffULL)))
			break;
		if (!kernel && !addr)
			break;
		outbuf_puts(f->out, before);
		if (kernel)
			field_put_ksym(f->tep, f->out, addr, false);
		else
			outbuf_hex(f->out, addr);
		if (after)
			outbuf_putc(f->out, after);
	}
	return put;
}

/* A stack trace record: it belongs to the event before it. */
static void print_stack(struct formatter *f, const struct event_plan *p, struct tep_record *rec,
			const struct cpu_state *cs)
{
	outbuf_puts(f->out, p->kind == PLAN_KERNEL_STACK ? "<stack trace>" : "<user stack trace>");
	put_frames(f, p, rec, cs->kfunc, "\n => ", 0);
}

/*
 * formatter_stack_frames - the frames of stack record @rec appended to
 * @o, each ended by @sep, after the function of @ip (the kprobe's address
 * of its event; 0 if none); the number of frames
 */
int formatter_stack_frames(struct formatter *f, struct tep_record *rec, unsigned long long ip,
			   struct outbuf *o, char sep)
{
	struct tep_event *ev = tep_find_event_by_record(f->tep, rec);
	struct event_plan *p = ev ? plan_for(f, ev) : NULL;
	struct outbuf *out = f->out;
	int n;

	if (!p || (p->kind != PLAN_KERNEL_STACK && p->kind != PLAN_USER_STACK))
		return 0;
	f->out = o;
	n = put_frames(f, p, rec, ip ? tep_find_function_address(f->tep, ip) : 0, "", sep);
	f->out = out;
	return n;
}

static void print_tep(struct formatter *f, const struct event_plan *p, struct tep_record *rec)
{
	size_t start;

	outbuf_puts(f->out, p->event->name);
	outbuf_puts(f->out, ": ");
	trace_seq_reset(&f->seq);
	tep_print_event(f->tep, &f->seq, rec, "%s", TEP_PRINT_INFO);
	start = f->out->len;
	outbuf_add(f->out, f->seq.buffer, f->seq.len);
	outbuf_sanitize_from(f->out, start);
}

/* formatter_is_stack - whether @rec is a stack trace (it belongs to the event before it) */
bool formatter_is_stack(struct formatter *f, struct tep_record *rec)
{
	struct tep_event *ev = tep_find_event_by_record(f->tep, rec);
	struct event_plan *p = ev ? plan_for(f, ev) : NULL;

	return p && (p->kind == PLAN_KERNEL_STACK || p->kind == PLAN_USER_STACK);
}

/* formatter_record - append the line(s) for one record to the output */
void formatter_record(struct formatter *f, struct tep_record *rec)
{
	struct tep_event *ev = tep_find_event_by_record(f->tep, rec);
	struct cpu_state *cs = cpu_state(f, rec->cpu);
	struct event_plan *p;
	int pid;

	f->nspots = 0;
	if (!ev || rec->size < 8)
		return;
	p = plan_for(f, ev);
	if (!p)
		return;
	if (p->kind == PLAN_HIDDEN) {
		formatter_skip(f, rec);
		return;
	}
	if (p->kind == PLAN_RAW_DATA) {
		unsigned int id, len;
		const void *payload;

		if (formatter_is_marker(f, rec, &id, &payload, &len))
			return;		/* ktprobe's own records are not events */
		p = event_plan_generic(ev);
	}
	pid = tep_data_pid(f->tep, rec);
	if (p->kind == PLAN_KERNEL_STACK || p->kind == PLAN_USER_STACK) {
		/* a stack whose event was not printed (or another task's) is not either */
		if (!cs->printed || cs->pid != pid)
			return;
	} else {
		cs->printed = true;
		cs->pid = pid;
		cs->kfunc = 0;
	}
	line_head_put(&f->head, f->out, rec, pid);
	switch (p->kind) {
	case PLAN_PROBE:
		print_probe(f, p, rec);
		if (p->ip) {
			unsigned long long ip = read_num(f, (char *)rec->data + p->ip->offset, p->ip->size);

			cs->kfunc = tep_find_function_address(f->tep, ip);
		}
		break;
	case PLAN_SYSCALL_ENTER:
	case PLAN_SYSCALL_EXIT:
		syscall_line(f, p, rec);
		break;
	case PLAN_KERNEL_STACK:
	case PLAN_USER_STACK:
		print_stack(f, p, rec, cs);
		break;
	case PLAN_TEP:
	case PLAN_RAW_DATA:
		print_tep(f, p, rec);
		break;
	case PLAN_HIDDEN:
		break;		/* returned above */
	}
	outbuf_putc(f->out, '\n');
}

/* formatter_set_fills - where fill requests go (the companion), and their limits */
void formatter_set_fills(struct formatter *f, const struct fill_hook *hook)
{
	f->fill = *hook;
}

/* formatter_line_fills - the fills the last record's line waits for, and where they go */
unsigned int formatter_line_fills(const struct formatter *f, const struct fill_spot **spots)
{
	*spots = f->spots;
	return f->nspots;
}
