// SPDX-License-Identifier: GPL-2.0
/*
 * A live run: the session's instance and group are set up, the probes
 * defined, filtered and armed, the events streamed until the end, and
 * everything removed again, on every path out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "context.h"
#include "datfile.h"
#include "drain.h"
#include "marker.h"
#include "events.h"
#include "fill.h"
#include "fill_fields.h"
#include "filler.h"
#include "format.h"
#include "outbuf.h"
#include "session.h"
#include "proctable.h"
#include "tracer.h"
#include "utils.h"

#define STREAM_MARGIN_NS 500000ULL	/* an event's commit can lag its timestamp */

struct tracer {
	const struct tracer_opts *o;
	struct probe_spec *specs;
	int n;
	struct session sess;
	struct tep_handle *tep;
	struct drain *drain;
	struct formatter *fmt;
	struct outbuf out;
	struct proctable *procs;	/* comms, threads followed (-p), execs and exits */
	struct context ctx;		/* forks, execs, renames, exits (and threads for -p) */
	struct filler *filler;		/* the companion reader, if any */
	struct datfile *dat;		/* -o */
	int marker_fd;			/* where fill records go, or -1 */
};

/* The system (group) of spec @ps's event in this run. */
static const char *spec_system(const struct tracer *t, const struct probe_spec *ps)
{
	return probe_spec_is_dynamic(ps) ? t->sess.name : ps->system;
}

/* Write every probe definition into the run's group. */
static int define_probes(struct tracer *t)
{
	for (int i = 0; i < t->n && !ktp_stop; i++) {
		struct probe_spec *ps = &t->specs[i];
		char *line;
		int err;

		if (!probe_spec_is_dynamic(ps))
			continue;
		line = probe_spec_definition(ps, t->sess.name);
		err = session_define(&t->sess, line, ps->event, probe_spec_is_user(ps));
		free(line);
		if (err)
			return -1;
	}
	return ktp_stop ? -1 : 0;
}

/* Does the run need kernel symbols (kprobe locations, kernel stacks)? */
static bool need_kallsyms(const struct tracer *t)
{
	for (int i = 0; i < t->n; i++)
		if (t->specs[i].kind == PROBE_KPROBE || t->specs[i].kind == PROBE_KRETPROBE ||
		    (t->o->stacks && !probe_spec_is_user(&t->specs[i])))
			return true;
	return false;
}

/* Parse the formats of the events the run reads: its own and its helpers. */
static int load_events(struct tracer *t)
{
	static const char *const helpers[][2] = {
		{ "sched", "sched_process_fork" }, { "sched", "sched_process_exec" },
		{ "sched", "sched_process_exit" },
		{ "task", "task_rename" }, { "task", "task_newtask" },
		{ "ftrace", "kernel_stack" }, { "ftrace", "user_stack" },
	};

	t->tep = events_tep_new();
	if (!t->tep) {
		err_msg("cannot read the ring buffer's page format from tracefs: %s",
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < t->n; i++) {
		struct probe_spec *ps = &t->specs[i];

		if (events_tep_add(t->tep, spec_system(t, ps), ps->event)) {
			err_msg("event %s:%s has no readable format", spec_system(t, ps), ps->event);
			return -1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++)
		events_tep_add(t->tep, helpers[i][0], helpers[i][1]);	/* optional */
	if (need_kallsyms(t) && events_tep_add_kallsyms(t->tep))
		warn_msg("cannot read /proc/kallsyms: kernel addresses stay numeric");
	tracefs_load_cmdlines(NULL, t->tep);
	return 0;
}

/* -v: print each event's format file, as the kernel has it. */
static void print_formats(struct tracer *t)
{
	for (int i = 0; i < t->n; i++) {
		struct probe_spec *ps = &t->specs[i];
		char *fmt = tracefs_event_file_read(NULL, spec_system(t, ps), ps->event, "format", NULL);

		if (fmt) {
			fputs(fmt, t->o->out);
			free(fmt);
		}
	}
	fflush(t->o->out);
}

/* Apply each event's filter in the instance; a rejection shows the kernel's error_log. */
static int apply_filters(struct tracer *t)
{
	for (int i = 0; i < t->n; i++) {
		struct probe_spec *ps = &t->specs[i];
		struct tep_event *ev = tep_find_event_by_name(t->tep, spec_system(t, ps), ps->event);

		if (ps->filter && session_set_filter(&t->sess, ev, ps->filter))
			return -1;
	}
	return 0;
}

/* The comm of a traced thread now, in case it exits before its events are read. */
static void remember_comm(struct tracer *t, int tid)
{
	char buf[32];

	if (proc_read_comm(tid, buf, sizeof(buf)))
		proctable_set_comm(t->procs, tid, buf);
}

/* -p / -L: restrict the instance's events to the process's threads or one thread. */
static int restrict_pids(struct tracer *t)
{
	struct strv pids = { 0 };
	char *list;
	int ret;

	if (t->o->tid) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)t->o->tid);
		if (access(path, F_OK)) {
			err_msg("no thread %d", (int)t->o->tid);
			return -1;
		}
		strv_push(&pids, xasprintf("%d", (int)t->o->tid));
	} else {
		if (proctable_follow_process(t->procs, t->o->pid, &pids)) {
			err_msg("no process %d", (int)t->o->pid);
			return -1;
		}
		/* children are added by the kernel; threads among them are told apart later */
		if (session_follow_forks(&t->sess)) {
			strv_free(&pids);
			return -1;
		}
	}
	for (int i = 0; i < pids.n; i++)
		remember_comm(t, atoi(pids.v[i]));
	list = strv_join(&pids, " ", INT_MAX);
	ret = session_trace_pids(&t->sess, list);
	free(list);
	strv_free(&pids);
	return ret;
}

/* -s: kernel stacks for kernel-side events (trigger), user stacks for uprobes (option). */
static int enable_stacks(struct tracer *t)
{
	bool user = false;

	for (int i = 0; i < t->n; i++) {
		struct probe_spec *ps = &t->specs[i];

		if (probe_spec_is_user(ps)) {
			user = true;
			continue;
		}
		if (session_add_stack_trigger(&t->sess, spec_system(t, ps), ps->event))
			return -1;
	}
	return user ? session_user_stacks(&t->sess) : 0;
}

/* Whether the user asked for SYSTEM:EVENT itself (then it is printed too). */
static bool requested(const struct tracer *t, const char *system, const char *event)
{
	for (int i = 0; i < t->n; i++)
		if (!probe_spec_is_dynamic(&t->specs[i]) && !strcmp(t->specs[i].system, system) &&
		    !strcmp(t->specs[i].event, event))
			return true;
	return false;
}

/*
 * The run's own helper events: forks and execs name processes correctly
 * at the time of each event; the run's own process is never traced.
 */
static int enable_context_events(struct tracer *t)
{
	session_ignore_pid(&t->sess, getpid());
	t->ctx.tep = t->tep;
	t->ctx.procs = t->procs;
	for (int k = 0; k < CTX_COUNT; k++) {
		const char *sys = context_events[k][0], *name = context_events[k][1];

		/* exits matter to fills only; new threads to -p only */
		if ((k == CTX_EXIT && !t->filler) || (k == CTX_NEWTASK && !t->o->pid))
			continue;
		t->ctx.print[k] = requested(t, sys, name);
		t->ctx.ev[k] = tep_find_event_by_name(t->tep, sys, name);
		if (t->ctx.ev[k] && session_enable_event(&t->sess, sys, name)) {
			if (k == CTX_NEWTASK) {
				err_msg("cannot enable task:task_newtask to follow new threads");
				return -1;
			}
			t->ctx.ev[k] = NULL;
		}
	}
	return 0;
}

static int enable_events(struct tracer *t)
{
	if (enable_context_events(t))
		return -1;
	for (int i = 0; i < t->n; i++) {
		struct probe_spec *ps = &t->specs[i];

		if (session_enable_event(&t->sess, spec_system(t, ps), ps->event)) {
			err_msg("cannot enable %s:%s: %s", spec_system(t, ps), ps->event,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Write the lines out (none with ktfill -q); -1 when the reader is gone. */
static int flush_out(struct tracer *t)
{
	if (t->o->quiet)
		t->out.len = 0;
	return outbuf_flush(&t->out);
}

/* Format one record; false when the companion has no room for more fills. */
static bool on_record(struct tep_record *rec, void *ctx)
{
	struct tracer *t = ctx;
	const struct fill_spot *spots;
	unsigned int nspots;
	size_t start;
	int pid;

	if (rec->missed_events) {
		proctable_forget_comms(t->procs);
		flush_out(t);
		if (rec->missed_events > 0)
			err_msg("CPU %d: %lld events lost here (ring buffer overrun; raise it with -b KB)",
				rec->cpu, rec->missed_events);
		else
			err_msg("CPU %d: events lost here (count unknown)", rec->cpu);
	}
	pid = tep_data_pid(t->tep, rec);
	if (context_record(&t->ctx, rec, pid) || (t->o->pid && !proctable_followed(t->procs, pid))) {
		formatter_skip(t->fmt, rec);
		return true;
	}
	start = t->out.len;
	formatter_record(t->fmt, rec);
	if (!t->filler)
		return true;
	nspots = formatter_line_fills(t->fmt, &spots);
	filler_line(t->filler, &t->out, start, spots, nspots);
	return filler_has_room(t->filler);
}

/*
 * Whether an event of the run has values the companion may read: a syscall
 * entry, or a probe with ktprobe's helper fields (also one kept earlier).
 */
static bool may_fill(const struct tracer *t)
{
	for (int i = 0; i < t->n; i++) {
		const struct probe_spec *ps = &t->specs[i];
		struct tep_event *ev = tep_find_event_by_name(t->tep, spec_system(t, ps), ps->event);

		if (!ev)
			continue;
		if (!strcmp(ev->system, "syscalls") && str_starts(ev->name, "sys_enter_"))
			return true;
		for (struct tep_format_field *f = ev->format.fields; f; f = f->next)
			if (fill_field_is_helper(f->name))
				return true;
	}
	return false;
}

static uint32_t request_fill(void *ctx, const struct fill_ask *ask)
{
	return filler_request(ctx, ask);
}

/* Start the companion reader and point the formatter at it. */
static void start_filler(struct tracer *t)
{
	struct fill_hook hook = {
		.request = request_fill,
		.string_limit = t->o->string_limit ? t->o->string_limit : 32,
		.max_items = 32,
		.count_env = true,
	};

	t->filler = filler_start(t->procs);
	if (!t->filler)
		return;
	hook.ctx = t->filler;
	formatter_set_fills(t->fmt, &hook);
}

/*
 * Read and print what is there; false when the output is gone. Lines that
 * carry fills wait for the companion's answers and for the stream to have
 * been read past the reads (see filler.c).
 */
static bool drain_once(struct tracer *t)
{
	unsigned long long start = now_ns();
	long n = drain_read(t->drain, on_record, t);

	drain_adapt(t->drain, n, now_ns() - start);
	if (t->filler) {
		/* events committed by then have been handed on; allow for in-flight commits */
		unsigned long long stream_ns = start - STREAM_MARGIN_NS;
		unsigned long long pending = drain_pending(t->drain);

		if (pending && pending <= stream_ns)
			stream_ns = pending - 1;
		filler_submit(t->filler);
		filler_flush(t->filler, &t->out, stream_ns, false);
	}
	return flush_out(t) == 0;
}

/* Let the held-back lines out: wait for answers a while, then give up on them. */
static void drain_fills(struct tracer *t)
{
	unsigned long long until = now_ns() + 2000000000ULL;

	if (!t->filler)
		return;
	filler_submit(t->filler);
	while (filler_busy(t->filler) && now_ns() < until && !t->out.broken) {
		filler_wait(t->filler, 10);
		filler_flush(t->filler, &t->out, now_ns() - STREAM_MARGIN_NS, false);
		flush_out(t);
	}
	filler_flush(t->filler, &t->out, now_ns(), true);
	flush_out(t);
}

static bool process_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Stream events until a signal, the duration, or the end of the traced process. */
static void stream(struct tracer *t)
{
	unsigned long long start = now_ns(), last_stats = start;
	unsigned long long end = t->o->duration > 0 ?
		start + (unsigned long long)(t->o->duration * 1e9) : 0;
	pid_t watched = t->o->pid ? t->o->pid : t->o->tid;

	while (!ktp_stop) {
		unsigned long long now = now_ns();
		int timeout = 1000;

		if (end) {
			if (now >= end)
				break;
			if ((end - now) / 1000000 < (unsigned long long)timeout)
				timeout = (end - now) / 1000000 + 1;
		}
		if (filler_busy(t->filler))
			timeout = 1;	/* held-back lines: read again soon */
		if (!filler_has_room(t->filler))
			filler_wait(t->filler, 1);	/* events wait in the ring buffer meanwhile */
		else if (!drain_pending(t->drain))
			drain_wait(t->drain, timeout, filler_fd(t->filler));
		if (!drain_once(t))
			break;
		now = now_ns();
		if (now - last_stats >= 1000000000ULL) {
			drain_report_lost(t->drain, false);
			last_stats = now;
		}
		if (watched && !process_alive(watched)) {
			note_msg("%s %d has exited", t->o->pid ? "process" : "thread", (int)watched);
			break;
		}
	}
}

/* After disarming: read until every buffer is empty. */
static void final_drain(struct tracer *t)
{
	for (int empty = 0; empty < 2 && !t->out.broken; ) {
		if (drain_read(t->drain, on_record, t) == 0)
			empty++;
		filler_submit(t->filler);
		if (!filler_has_room(t->filler)) {
			filler_wait(t->filler, 1);
			filler_flush(t->filler, &t->out, now_ns() - STREAM_MARGIN_NS, false);
		}
		flush_out(t);
	}
	drain_fills(t);
	drain_report_lost(t->drain, true);
}

/*
 * -o FILE: keep every page read for a trace.dat, and the fills as records
 * in the run's own buffer; ktfill --into INSTANCE: the fills as records in
 * that (recorded) instance. A first record names the events asked for.
 */
static int open_outputs(struct tracer *t)
{
	struct strv asked = { 0 };

	if (t->o->output) {
		t->dat = datfile_open(t->o->output, drain_cpus(t->drain));
		if (!t->dat)
			return -1;
		drain_tee(t->drain, t->dat);
	} else if (!t->o->fills_into) {
		return 0;
	}
	t->marker_fd = session_open_marker(&t->sess, t->o->fills_into);
	if (t->marker_fd < 0)
		return -1;
	if (t->filler)
		filler_set_marker_fd(t->filler, t->marker_fd);
	if (t->dat) {
		for (int i = 0; i < t->n; i++)
			strv_push(&asked, xasprintf("%s:%s", spec_system(t, &t->specs[i]),
						    t->specs[i].event));
		marker_write_session(t->marker_fd, &asked);
		strv_free(&asked);
	}
	return 0;
}

/* -o: read the fill records written at the end too, then write the trace.dat. */
static int finish_outputs(struct tracer *t)
{
	struct strv events = { 0 };
	int ret;

	if (!t->dat)
		return 0;
	while (drain_read(t->drain, on_record, t) > 0)
		;
	flush_out(t);
	for (int i = 0; i < t->n; i++)
		strv_push(&events, xasprintf("%s/%s", spec_system(t, &t->specs[i]), t->specs[i].event));
	for (int k = 0; k < CTX_COUNT; k++)
		if (t->ctx.ev[k])
			strv_push(&events, xasprintf("%s/%s", context_events[k][0], context_events[k][1]));
	ret = datfile_finish(t->dat, &events, "mono", need_kallsyms(t));
	t->dat = NULL;
	strv_free(&events);
	return ret ? 1 : 0;
}

static void banner(struct tracer *t)
{
	struct strv names = { 0 };
	char *list;

	for (int i = 0; i < t->n; i++)
		strv_push(&names, xstrdup(t->specs[i].event));
	list = strv_join(&names, ", ", 8);
	if (t->o->duration > 0)
		note_msg("tracing %s for %g s", list, t->o->duration);
	else
		note_msg("tracing %s; Ctrl-C to end", list);
	free(list);
	strv_free(&names);
}

/*
 * tracer_run - define, arm and stream @specs until the run ends, then
 * remove everything. Returns the exit status (0, or 1 after an error).
 */
int tracer_run(struct probe_spec *specs, int nspecs, const struct tracer_opts *o)
{
	struct tracer t = { .o = o, .specs = specs, .n = nspecs, .marker_fd = -1 };
	struct utsname u;
	int ret = 1;

	outbuf_init(&t.out, o->out);
	if (session_create(&t.sess, o->tool ? o->tool : "ktprobe", o->buffer_kb))
		goto out;
	if (ktp_stop || define_probes(&t) || ktp_stop || load_events(&t))
		goto out;
	if (o->show_format) {
		print_formats(&t);
		ret = 0;
		goto out;
	}
	uname(&u);
	t.procs = proctable_new();
	t.fmt = formatter_new(t.tep, &t.out, kernel_has_lazy_flags(u.release), t.procs, true);
	if (!o->no_fill && may_fill(&t))
		start_filler(&t);
	if (apply_filters(&t) || ((o->pid || o->tid) && restrict_pids(&t)) ||
	    (o->stacks && enable_stacks(&t)) || ktp_stop)
		goto out;
	t.drain = drain_open(t.sess.inst, t.tep);
	if (!t.drain || open_outputs(&t))
		goto out;
	session_wake_on_any_data(&t.sess);
	if (ktp_stop || enable_events(&t))
		goto out;
	banner(&t);
	if (o->headers) {
		format_column_header(&t.out);
		outbuf_flush(&t.out);
	}
	stream(&t);
	session_disable_events(&t.sess);
	final_drain(&t);
	ret = finish_outputs(&t);
out:
	datfile_discard(t.dat);
	if (t.marker_fd >= 0)
		close(t.marker_fd);
	session_disable_events(&t.sess);
	filler_stop(t.filler);
	drain_close(t.drain);
	session_destroy(&t.sess);
	formatter_free(t.fmt);
	if (t.tep)
		tep_free(t.tep);
	proctable_free(t.procs);
	outbuf_free(&t.out);
	return ret;
}
