// SPDX-License-Identifier: GPL-2.0
/*
 * Event lines in the shape of the kernel's trace file:
 *
 *   comm-pid [cpu] flags timestamp: event: (location) name=value ...
 *
 * Probe events, syscall events and stack traces are printed by plans made
 * once per event type from its format, the way the kernel prints them
 * (kprobe locations as sym+off/size, string faults as (fault)); any other
 * event goes through libtraceevent. Bytes from the traced process are
 * escaped (outbuf.c).
 */
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdio.h>

#include <tracefs.h>

#include "fill.h"
#include "fill_fields.h"
#include "marker.h"
#include "format.h"
#include "utils.h"

enum arg_kind { ARG_UNSIGNED, ARG_SIGNED, ARG_HEX, ARG_STRING, ARG_SYMBOL, ARG_CHAR };

struct plan_arg {
	struct tep_format_field *field;
	enum arg_kind kind;
	int elem_size;
	int count;			/* 0: scalar, else array length */
	bool hidden;			/* ktprobe's own helper field (fill_fields.h) */
	/* a string the kernel may fail to read: its pointer, for the companion */
	struct tep_format_field *fill_ptr;
	long long fill_off;
	/* a user pointer marked for the companion (@str, @hexN) */
	int user_kind;			/* enum fill_kind, 0 if not */
	unsigned int user_len;
	struct tep_format_field *kcap;	/* what the kernel captured, to verify */
	enum fill_verify verify;
};

/* A syscall argument the companion reads (the kernel has only the pointer). */
struct sys_fill {
	struct tep_format_field *field;
	int kind;			/* enum fill_kind, 0: none */
	bool path;			/* up to PATH_MAX, else the string limit */
	struct tep_format_field *count;	/* FILL_BYTES: the length argument */
	bool exec;			/* an argument of execve/execveat */
	bool is_nr;			/* __syscall_nr: not shown */
	bool is_int;			/* an int in a long slot: 32 bits shown */
};

enum plan_kind {
	PLAN_TEP,			/* libtraceevent's print fmt */
	PLAN_PROBE,
	PLAN_SYSCALL_ENTER,
	PLAN_SYSCALL_EXIT,
	PLAN_KERNEL_STACK,
	PLAN_USER_STACK,
	PLAN_RAW_DATA,			/* trace_marker_raw: ktprobe's own are hidden */
};

struct event_plan {
	enum plan_kind kind;
	struct tep_event *event;
	struct tep_format_field *ip, *func, *ret_ip;	/* probe location */
	struct plan_arg *args;
	int nargs;
	char *sys_name;					/* "sys_openat" */
	struct tep_format_field *size, *caller, *ret;
	struct sys_fill *sys_fills;			/* per field, syscall enter */
};

struct formatter {
	struct tep_handle *tep;
	struct outbuf *out;
	struct trace_seq seq;
	bool lazy_flags;
	bool live;			/* the events are from this machine, now */
	unsigned long long cmdlines_read;
	struct event_plan **plans;	/* by event id */
	int nplans;
	struct proctable *procs;	/* the comms, among the rest */
	int last_pid;
	unsigned long long last_gen;	/* of procs' comms, when last_comm was found */
	char last_comm[64];
	struct cpu_state *cpus;		/* the last event of each CPU, for its stacks */
	int ncpus;
	struct fill_hook fill;		/* the companion, if any */
	struct fill_spot *spots;	/* the last record's fills, where they go in out */
	unsigned int nspots, spots_cap;
};

/* A stack record belongs to the event just before it on the same CPU. */
struct cpu_state {
	int pid;
	bool printed;
	unsigned long long kfunc;	/* a kprobe event's function, 0 if none */
};

/* Kernels from 6.12 on encode NEED_RESCHED_LAZY in bit 1 of the flags. */
bool kernel_has_lazy_flags(const char *release)
{
	int major = 0, minor = 0;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return true;
	return major > 6 || (major == 6 && minor >= 12);
}

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

	f->procs = procs;

	f->tep = tep;
	f->out = out;
	f->lazy_flags = lazy_flags;
	f->live = live;
	f->last_pid = -1;
	trace_seq_init(&f->seq);
	return f;
}

static void plan_free(struct event_plan *p)
{
	if (!p)
		return;
	free(p->args);
	free(p->sys_name);
	free(p->sys_fills);
	free(p);
}

/* formatter_free - release the formatter and its plans */
void formatter_free(struct formatter *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nplans; i++)
		plan_free(f->plans[i]);
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

/* The element kind of one printf conversion of a probe print fmt. */
static int parse_conversion(const char *fmt, enum arg_kind *kind)
{
	static const struct { const char *conv; enum arg_kind kind; } convs[] = {
		{ "\"%s\"", ARG_STRING }, { "\\\"%s\\\"", ARG_STRING }, { "0x%x", ARG_HEX }, { "0x%Lx", ARG_HEX },
		{ "0x%llx", ARG_HEX }, { "0x%lx", ARG_HEX }, { "%u", ARG_UNSIGNED },
		{ "%Lu", ARG_UNSIGNED }, { "%llu", ARG_UNSIGNED }, { "%lu", ARG_UNSIGNED },
		{ "%d", ARG_SIGNED }, { "%Ld", ARG_SIGNED }, { "%lld", ARG_SIGNED },
		{ "%ld", ARG_SIGNED }, { "%pS", ARG_SYMBOL }, { "%ps", ARG_SYMBOL },
		{ "'%c'", ARG_CHAR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(convs); i++)
		if (!strcmp(fmt, convs[i].conv)) {
			*kind = convs[i].kind;
			return 0;
		}
	return -1;
}

static int elem_size_of(const struct tep_format_field *field, int count)
{
	const char *t = field->type;
	size_t len = strcspn(t, "[ ");

	if (len >= 2 && !strncmp(t + len - 2, "64", 2))
		return 8;
	if (len >= 2 && !strncmp(t + len - 2, "32", 2))
		return 4;
	if (len >= 2 && !strncmp(t + len - 2, "16", 2))
		return 2;
	if (len >= 1 && t[len - 1] == '8')
		return 1;
	return count ? field->size / count : field->size;
}

static struct plan_arg *arg_named(struct event_plan *p, const char *name)
{
	for (int i = 0; i < p->nargs; i++)
		if (!strcmp(p->args[i].field->name, name))
			return &p->args[i];
	return NULL;
}

/* ktprobe's helper fields (fill_fields.h): hidden, and attached to the argument they help. */
static void attach_helpers(struct event_plan *p)
{
	for (int i = 0; i < p->nargs; i++) {
		struct plan_arg *a = &p->args[i], *t;
		struct fill_field ff;

		if (!fill_field_is_helper(a->field->name))
			continue;
		a->hidden = true;
		if (fill_field_parse(a->field->name, &ff) || !(t = arg_named(p, ff.arg)))
			continue;
		switch (ff.kind) {
		case FILL_FIELD_POINTER:
			t->fill_ptr = a->field;
			t->fill_off = ff.offset;
			break;
		case FILL_FIELD_STRING:
			t->user_kind = FILL_STRING;
			t->user_len = FILL_PATH_MAX;
			t->kcap = a->field;
			t->verify = VERIFY_STRING;
			break;
		case FILL_FIELD_BYTES:
			t->user_kind = FILL_BYTES;
			t->user_len = ff.len;
			if (a->count) {
				t->kcap = a->field;
				t->verify = VERIFY_PREFIX;
			}
			break;
		}
	}
}

/*
 * A plan for a kprobe/uprobe event: its print fmt is "(%lx) a=FMT b=FMT"
 * or "(%lx <- %lx) ...", one " NAME=FMT" per fetch argument.
 */
static struct event_plan *plan_probe(struct tep_event *ev)
{
	const char *fmt = ev->print_fmt.format;
	struct event_plan *p;
	char *copy, *tok, *save = NULL;

	if (!fmt || (!str_starts(fmt, "(%lx)") && !str_starts(fmt, "(%lx <- %lx)")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->kind = PLAN_PROBE;
	p->event = ev;
	p->ip = tep_find_field(ev, "__probe_ip");
	p->func = tep_find_field(ev, "__probe_func");
	p->ret_ip = tep_find_field(ev, "__probe_ret_ip");
	if (!p->ip && !(p->func && p->ret_ip))
		goto fail;
	copy = xstrdup(strchr(fmt, ')') + 1);
	p->args = xcalloc(ev->format.nr_fields + 1, sizeof(*p->args));
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '='), *conv;
		struct plan_arg *a = &p->args[p->nargs];

		if (!eq || p->nargs >= ev->format.nr_fields)
			goto fail_copy;
		*eq = '\0';
		a->field = tep_find_field(ev, tok);
		if (!a->field)
			goto fail_copy;
		conv = eq + 1;
		if (conv[0] == '{') {
			char *comma = strpbrk(conv, ",}");

			a->count = 1;
			for (char *c = conv; *c; c++)
				a->count += *c == ',';
			*comma = '\0';
			conv++;
		}
		if (parse_conversion(conv, &a->kind))
			goto fail_copy;
		if (a->kind == ARG_STRING && a->count)
			goto fail_copy;	/* string arrays: leave to libtraceevent */
		a->elem_size = elem_size_of(a->field, a->count);
		if (a->count && a->elem_size * a->count > a->field->size)
			goto fail_copy;
		p->nargs++;
	}
	free(copy);
	attach_helpers(p);
	return p;
fail_copy:
	free(copy);
fail:
	plan_free(p);
	return NULL;
}

/* Is C type @type @want, blanks aside ("const char * const *" = "constchar*const*")? */
static bool type_is(const char *type, const char *want)
{
	for (; *type; type++) {
		if (*type == ' ')
			continue;
		if (*type != *want++)
			return false;
	}
	return !*want;
}

/* Whether a syscall argument of C type @type is a 32-bit int in a long slot. */
static bool is_int_type(const char *type)
{
	return !strcmp(type, "int") || !strcmp(type, "unsigned int");
}

/* Is this syscall argument a file name? (then read up to PATH_MAX) */
static bool is_path_name(const char *name)
{
	return strstr(name, "name") || strstr(name, "path") || strstr(name, "file") ||
	       !strcmp(name, "old") || !strcmp(name, "new") || !strcmp(name, "library");
}

/*
 * What the companion reads for a syscall's arguments, by their declared
 * types: "const char *" a string (a file name up to PATH_MAX, other strings
 * up to the string limit; "buf" as many bytes as its count says), "const
 * char *const *" an array of strings (argv, envp).
 */
static void plan_syscall_fills(struct event_plan *p)
{
	struct tep_format_field *f;
	int i = 0;

	p->sys_fills = xcalloc(p->event->format.nr_fields + 1, sizeof(*p->sys_fills));
	for (f = p->event->format.fields; f; f = f->next, i++) {
		struct sys_fill *sf = &p->sys_fills[i];

		sf->field = f;
		sf->exec = strstr(p->event->name, "execve") != NULL;
		sf->is_nr = !strcmp(f->name, "__syscall_nr");
		sf->is_int = is_int_type(f->type);
		if (type_is(f->type, "constchar*const*") || type_is(f->type, "char**") ||
		    type_is(f->type, "constchar**")) {
			sf->kind = FILL_STRV;
		} else if (type_is(f->type, "constchar*") || type_is(f->type, "char*")) {
			sf->count = strcmp(f->name, "buf") ? NULL :
				    tep_find_field(p->event, "count") ? tep_find_field(p->event, "count") :
				    tep_find_field(p->event, "len");
			sf->kind = sf->count ? FILL_BYTES : FILL_STRING;
			sf->path = !sf->count && is_path_name(f->name);
		}
	}
}

static struct event_plan *plan_syscall(struct tep_event *ev)
{
	bool enter = str_starts(ev->name, "sys_enter_");
	struct event_plan *p;

	if (strcmp(ev->system, "syscalls") ||
	    (!enter && !str_starts(ev->name, "sys_exit_")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->sys_name = xasprintf("sys_%s", ev->name + (enter ? 10 : 9));
	if (enter) {
		p->kind = PLAN_SYSCALL_ENTER;
		plan_syscall_fills(p);
		return p;
	}
	p->kind = PLAN_SYSCALL_EXIT;
	p->ret = tep_find_field(ev, "ret");
	if (!p->ret) {
		plan_free(p);
		return NULL;
	}
	return p;
}

static struct event_plan *plan_stack(struct tep_event *ev)
{
	struct event_plan *p;

	if (strcmp(ev->system, "ftrace") ||
	    (strcmp(ev->name, "kernel_stack") && strcmp(ev->name, "user_stack")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->kind = ev->name[0] == 'k' ? PLAN_KERNEL_STACK : PLAN_USER_STACK;
	p->size = tep_find_field(ev, "size");
	p->caller = tep_find_field(ev, "caller");
	if (!p->caller) {
		plan_free(p);
		return NULL;
	}
	return p;
}

static struct event_plan *plan_for(struct formatter *f, struct tep_event *ev);

/* The libtraceevent plan for @ev, kept apart from its own plan. */
static struct event_plan *plan_tep(struct tep_event *ev)
{
	static struct event_plan generic = { .kind = PLAN_TEP };

	generic.event = ev;
	return &generic;
}

static struct event_plan *plan_raw_data(struct tep_event *ev)
{
	struct event_plan *p;

	if (strcmp(ev->system, "ftrace") || strcmp(ev->name, "raw_data"))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->kind = PLAN_RAW_DATA;
	p->caller = tep_find_field(ev, "id");
	if (!p->caller) {
		plan_free(p);
		return NULL;
	}
	return p;
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

static struct event_plan *plan_for(struct formatter *f, struct tep_event *ev)
{
	struct event_plan *p;

	if (ev->id < 0 || ev->id > 1 << 20)
		return NULL;
	if (ev->id >= f->nplans) {
		int n = ev->id + 64;

		f->plans = xrealloc(f->plans, n * sizeof(*f->plans));
		memset(f->plans + f->nplans, 0, (n - f->nplans) * sizeof(*f->plans));
		f->nplans = n;
	}
	p = f->plans[ev->id];
	if (p)
		return p;
	p = plan_probe(ev);
	if (!p)
		p = plan_syscall(ev);
	if (!p)
		p = plan_stack(ev);
	if (!p)
		p = plan_raw_data(ev);
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->kind = PLAN_TEP;
		p->event = ev;
	}
	f->plans[ev->id] = p;
	return p;
}

/* The irqs-off / need-resched / hardirq / preempt columns, as the kernel prints them. */
static void put_latency(struct formatter *f, const unsigned char *data)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned int flags = data[2], pc = data[3];
	bool bh_off = flags & 0x80, nmi = flags & 0x40, hard = flags & 0x08, soft = flags & 0x10;
	bool irqs_off = flags & 0x01, nr = flags & 0x04, pr = flags & 0x20;
	bool lazy = f->lazy_flags && (flags & 0x02);
	char c[5];

	c[0] = irqs_off && bh_off ? 'D' : irqs_off ? 'd' : bh_off ? 'b' :
	       (!f->lazy_flags && (flags & 0x02)) ? 'X' : '.';
	if (nr && lazy && pr)
		c[1] = 'B';
	else if (nr && pr)
		c[1] = 'N';
	else if (lazy && pr)
		c[1] = 'L';
	else if (nr && lazy)
		c[1] = 'b';
	else if (nr)
		c[1] = 'n';
	else if (pr)
		c[1] = 'p';
	else if (lazy)
		c[1] = 'l';
	else
		c[1] = '.';
	c[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	c[3] = pc & 0xf ? hexd[pc & 0xf] : '.';
	c[4] = pc & 0xf0 ? hexd[pc >> 4] : '.';
	outbuf_add(f->out, c, 5);
}

/*
 * The comm of @pid: as learned from events; else, live, /proc/PID/comm or
 * the kernel's saved_cmdlines (for processes that are gone); else the
 * tep's (a trace file's saved comms); else "<...>".
 */
static const char *comm_of(struct formatter *f, int pid)
{
	const struct proc *p;
	char buf[64];

	if (pid == f->last_pid && f->procs->comm_gen == f->last_gen)
		return f->last_comm;
	f->last_pid = pid;
	p = proctable_get(f->procs, pid);
	if (!pid || (p && p->has_comm)) {
		snprintf(f->last_comm, sizeof(f->last_comm), "%s", pid ? p->comm : "<idle>");
		goto out;
	}
	if (f->live) {
		if (proc_read_comm(pid, buf, sizeof(buf)) && *buf) {
			proctable_set_comm(f->procs, pid, buf);
			snprintf(f->last_comm, sizeof(f->last_comm), "%s", buf);
			goto out;
		}
		if (now_ns() - f->cmdlines_read > 10000000ULL) {
			char *text = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);

			proctable_load_saved_comms(f->procs, text);
			free(text);
			f->cmdlines_read = now_ns();
		}
		p = proctable_get(f->procs, pid);
		if (p && p->has_saved_comm) {
			snprintf(f->last_comm, sizeof(f->last_comm), "%s", p->saved_comm);
			goto out;
		}
	}
	snprintf(f->last_comm, sizeof(f->last_comm), "%s", tep_data_comm_from_pid(f->tep, pid));
out:
	f->last_gen = f->procs->comm_gen;
	return f->last_comm;
}

static void put_header(struct formatter *f, struct tep_record *rec, int pid)
{
	const char *comm = comm_of(f, pid);
	unsigned long long us = (rec->ts + 500) / 1000;
	size_t len = strlen(comm), start;

	/* "%16s-%-7d [%03d] " with an escaped comm */
	start = f->out->len;
	outbuf_escaped(f->out, comm, len);
	len = f->out->len - start;
	if (len < 16) {
		outbuf_reserve(f->out, 16);
		memmove(f->out->buf + start + 16 - len, f->out->buf + start, len);
		memset(f->out->buf + start, ' ', 16 - len);
		f->out->len = start + 16;
	}
	outbuf_putc(f->out, '-');
	outbuf_num(f->out, pid, 10, 7, ' ', true);		/* "-%-7d [%03d] " */
	outbuf_add(f->out, " [", 2);
	outbuf_num(f->out, rec->cpu, 10, 3, '0', false);
	outbuf_add(f->out, "] ", 2);
	put_latency(f, rec->data);
	outbuf_putc(f->out, ' ');				/* " %5llu.%06llu: " */
	outbuf_num(f->out, us / 1000000, 10, 5, ' ', false);
	outbuf_putc(f->out, '.');
	outbuf_num(f->out, us % 1000000, 10, 6, '0', false);
	outbuf_add(f->out, ": ", 2);
}

static unsigned long long read_num(struct formatter *f, const void *data, int size)
{
	return tep_read_number(f->tep, data, size);
}

/* A kernel address the kernel's way: "sym+0xoff/0xsize", "sym" or "0x..." */
static void put_ksym(struct formatter *f, unsigned long long addr, bool offset)
{
	const char *name;
	unsigned long long start;
	unsigned long size;

	if (tep_find_function_info(f->tep, addr, &name, &start, &size) && name) {
		outbuf_puts(f->out, name);
		if (offset) {
			outbuf_putc(f->out, '+');
			outbuf_hex(f->out, addr - start);
			outbuf_putc(f->out, '/');
			outbuf_hex(f->out, size);
		}
	} else {
		outbuf_hex(f->out, addr);
	}
}

/* Is @addr a kernel text address we can name? (kprobe vs uprobe locations) */
static bool is_ksym(struct formatter *f, unsigned long long addr)
{
	return tep_find_function(f->tep, addr) != NULL;
}

static void put_value(struct formatter *f, const struct plan_arg *a, const unsigned char *p)
{
	unsigned long long v = read_num(f, p, a->elem_size);
	int bits = a->elem_size * 8;

	switch (a->kind) {
	case ARG_UNSIGNED:
		outbuf_dec(f->out, v);
		break;
	case ARG_SIGNED:
		if (bits < 64 && (v & (1ULL << (bits - 1))))
			v |= ~0ULL << bits;
		outbuf_sdec(f->out, (long long)v);
		break;
	case ARG_HEX:
		outbuf_hex(f->out, v);
		break;
	case ARG_SYMBOL:
		put_ksym(f, v, true);
		break;
	case ARG_CHAR:
		outbuf_putc(f->out, '\'');
		outbuf_escaped(f->out, p, 1);
		outbuf_putc(f->out, '\'');
		break;
	case ARG_STRING:
		break;
	}
}

/* The bytes of a __data_loc field, or NULL (with *len 0) when it is empty. */
static const char *data_loc(struct formatter *f, struct tep_record *rec,
			    const struct tep_format_field *field, unsigned int *len)
{
	unsigned int dl = read_num(f, (char *)rec->data + field->offset, 4);
	unsigned int off = dl & 0xffff;

	*len = dl >> 16;
	if (field->flags & TEP_FIELD_IS_RELATIVE)
		off += field->offset + 4;
	if (!*len || off + *len > (unsigned int)rec->size) {
		*len = 0;
		return NULL;
	}
	return (char *)rec->data + off;
}

/*
 * A __data_loc string: "text", or (fault) when the kernel could not read
 * it. Returns whether the kernel had it.
 */
static bool put_data_loc_string(struct formatter *f, struct tep_record *rec,
				const struct tep_format_field *field)
{
	unsigned int len;
	const char *s = data_loc(f, rec, field, &len);

	if (!s) {
		outbuf_puts(f->out, "(fault)");
		return false;
	}
	if (s[len - 1] == '\0')
		len--;
	outbuf_putc(f->out, '"');
	outbuf_escaped(f->out, s, len);
	outbuf_putc(f->out, '"');
	return true;
}

/*
 * Ask the companion for a value at @addr of the event's process and note
 * the spot where its annotation goes; @kcap: what the kernel captured of it.
 */
static void ask_fill(struct formatter *f, struct tep_record *rec, const char *field,
		     unsigned long long addr, int kind, unsigned int max,
		     const struct tep_format_field *kcap, enum fill_verify verify, bool text,
		     unsigned int flags, bool exec_file)
{
	struct fill_ask ask = {
		.field = field, .out = f->out,
		.pid = tep_data_pid(f->tep, rec), .addr = addr, .kind = kind, .max = max,
		.max_items = f->fill.max_items, .ts = rec->ts, .verify = verify, .text = text,
		.flags = flags, .exec_file = exec_file,
		.count_only = kind == FILL_STRV && f->fill.count_env && flags == FILLREQ_ENVIRON,
	};
	unsigned int len = 0;
	uint32_t id;

	if (!f->fill.request || !addr)
		return;
	if (kcap && (kcap->flags & TEP_FIELD_IS_DYNAMIC)) {
		ask.kernel = data_loc(f, rec, kcap, &len);
		ask.kernel_len = len;
	} else if (kcap && kcap->offset + kcap->size <= rec->size) {
		ask.kernel = (char *)rec->data + kcap->offset;
		ask.kernel_len = kcap->size;
	}
	id = f->fill.request(f->fill.ctx, &ask);
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

		if (is_ksym(f, ip))
			put_ksym(f, ip, true);
		else
			outbuf_hex(f->out, ip);
	} else {
		unsigned long long ret = read_num(f, data + p->ret_ip->offset, p->ret_ip->size);
		unsigned long long func = read_num(f, data + p->func->offset, p->func->size);

		if (is_ksym(f, func)) {
			put_ksym(f, ret, true);
			outbuf_puts(f->out, " <- ");
			put_ksym(f, func, false);
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
			if (!put_data_loc_string(f, rec, a->field) && a->fill_ptr)
				ask_fill(f, rec, a->field->name,
					 read_num(f, data + a->fill_ptr->offset, 8) + a->fill_off,
					 FILL_STRING, FILL_PATH_MAX, NULL, VERIFY_NONE, false, 0, false);
			continue;
		}
		if (a->user_kind) {
			put_value(f, a, data + a->field->offset);
			ask_fill(f, rec, a->field->name,
				 read_num(f, data + a->field->offset, a->field->size),
				 a->user_kind, a->user_len, a->kcap, a->verify, false, 0, false);
			continue;
		}
		if (!a->count) {
			put_value(f, a, data + a->field->offset);
			continue;
		}
		outbuf_putc(f->out, '{');
		for (int k = 0; k < a->count; k++) {
			if (k)
				outbuf_putc(f->out, ',');
			put_value(f, a, data + a->field->offset + k * a->elem_size);
		}
		outbuf_putc(f->out, '}');
	}
}

/* Ask for what a syscall argument points to, by the rule of its type. */
static void ask_syscall_fill(struct formatter *f, struct tep_record *rec,
			     const struct sys_fill *sf, unsigned long long ptr)
{
	unsigned long long count = 0;
	unsigned int max = sf->path ? FILL_PATH_MAX : f->fill.string_limit;

	if (sf->count) {
		count = read_num(f, (char *)rec->data + sf->count->offset, sf->count->size);
		if (count < max)
			max = count;
	}
	ask_fill(f, rec, sf->field->name, ptr, sf->kind, max, NULL, VERIFY_NONE, sf->count != NULL,
		 sf->kind != FILL_STRV ? 0 :
		 strcmp(sf->field->name, "envp") ? FILLREQ_CMDLINE : FILLREQ_ENVIRON,
		 sf->exec && sf->kind == FILL_STRING);
}

static void print_syscall(struct formatter *f, const struct event_plan *p, struct tep_record *rec)
{
	const unsigned char *data = rec->data;
	const struct sys_fill *sf = p->sys_fills;
	struct tep_format_field *field;
	bool first = true;

	outbuf_puts(f->out, p->sys_name);
	if (p->kind == PLAN_SYSCALL_EXIT) {
		outbuf_add(f->out, " -> ", 4);
		outbuf_hex(f->out, read_num(f, data + p->ret->offset, p->ret->size));
		return;
	}
	outbuf_putc(f->out, '(');
	for (field = p->event->format.fields; field; field = field->next) {
		unsigned long long v;

		if (sf->is_nr) {
			sf++;
			continue;
		}
		if (field->offset + field->size > rec->size)
			break;
		v = read_num(f, data + field->offset, field->size);
		if (sf->is_int)
			v &= 0xffffffffULL;
		if (!first)						/* "%s: %#llx" */
			outbuf_add(f->out, ", ", 2);
		outbuf_puts(f->out, field->name);
		outbuf_add(f->out, ": ", 2);
		if (v)
			outbuf_hex(f->out, v);
		else
			outbuf_putc(f->out, '0');
		first = false;
		if (sf->kind && v)
			ask_syscall_fill(f, rec, sf, v);
		sf++;
	}
	outbuf_putc(f->out, ')');
}

/*
 * A stack trace record. A kernel stack taken in a kprobe starts, on some
 * architectures, with the probe machinery above the probed function: those
 * frames (and the probed function itself, which the event line shows) are
 * left out, so every architecture shows the callers.
 */
static void print_stack(struct formatter *f, const struct event_plan *p, struct tep_record *rec,
			const struct cpu_state *cs)
{
	const unsigned char *data = rec->data;
	int lsize = tep_get_long_size(f->tep) > 0 ? tep_get_long_size(f->tep) : (int)sizeof(long);
	int n = (rec->size - p->caller->offset) / lsize, first = 0;
	bool kernel = p->kind == PLAN_KERNEL_STACK;

	if (p->size) {
		int sz = read_num(f, data + p->size->offset, p->size->size);

		if (sz >= 0 && sz < n)
			n = sz;
	}
	if (kernel && cs->kfunc) {
		for (int i = 0; i < n; i++) {
			unsigned long long addr = read_num(f, data + p->caller->offset + i * lsize, lsize);

			if (tep_find_function_address(f->tep, addr) == cs->kfunc) {
				first = i + 1;
				break;
			}
		}
	}
	outbuf_puts(f->out, kernel ? "<stack trace>" : "<user stack trace>");
	for (int i = first; i < n; i++) {
		unsigned long long addr = read_num(f, data + p->caller->offset + i * lsize, lsize);

		if (kernel && (addr == ~0ULL || (lsize == 4 && addr == 0xffffffffULL)))
			break;
		if (!kernel && !addr)
			break;
		outbuf_puts(f->out, "\n => ");
		if (kernel)
			put_ksym(f, addr, false);
		else
			outbuf_hex(f->out, addr);
	}
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
	if (p->kind == PLAN_RAW_DATA) {
		unsigned int id, len;
		const void *payload;

		if (formatter_is_marker(f, rec, &id, &payload, &len))
			return;		/* ktprobe's own records are not events */
		p = plan_tep(ev);
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
	put_header(f, rec, pid);
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
		print_syscall(f, p, rec);
		break;
	case PLAN_KERNEL_STACK:
	case PLAN_USER_STACK:
		print_stack(f, p, rec, cs);
		break;
	case PLAN_TEP:
	case PLAN_RAW_DATA:
		print_tep(f, p, rec);
		break;
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

/* format_column_header - the kernel's column legend (-H) */
void format_column_header(struct outbuf *o)
{
	outbuf_puts(o,
		"#                                _-----=> irqs-off/BH-disabled\n"
		"#                               / _----=> need-resched\n"
		"#                              | / _---=> hardirq/softirq\n"
		"#                              || / _--=> preempt-depth\n"
		"#                              ||| / _-=> migrate-disable\n"
		"#                              |||| /     delay\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n");
}
