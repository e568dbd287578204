// SPDX-License-Identifier: GPL-2.0
/*
 * Arming a live run: the specs' definitions written into the run's group,
 * the formats of its events (and helpers) parsed, the formatter and the
 * companion started, then filters, pids, stacks, the ring buffer's reader
 * and the outputs set up in the run's instance, and the events enabled.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "events.h"
#include "kfeatures.h"
#include "fill_fields.h"
#include "run_state.h"
#include "marker.h"
#include "utils.h"

/* run_spec_system - the system (group) of spec @ps's event in this run */
const char *run_spec_system(const struct run_state *r, const struct probe_spec *ps)
{
	return probe_spec_is_dynamic(ps) ? r->sess.name : ps->system;
}

/*
 * Before 6.19: the kernel's copies of the traced syscalls' paths, by
 * getname() with kprobes (kcapture.c), else at the C library's calls with
 * uprobes (ucapture.c); unless nothing is to be read (--no-fill)
 */
static void define_captures(struct run_state *r)
{
	struct kfeatures kf = {
		.kprobe_events = tracefs_file_exists(NULL, "kprobe_events"),
		.uprobe_events = tracefs_file_exists(NULL, "uprobe_events"),
		.syscall_strings = tracefs_file_exists(NULL, "syscall_user_buf_size"),
	};

	if (r->o->no_fill || r->o->no_kernel_copies)
		return;
	switch (kcapture_route(r->specs, r->n, &kf)) {
	case KCAPTURE_AFTER:
		if (!kcapture_define(&r->kcap, &r->sess, arch_host()))
			note_msg("this kernel has no getname() to probe: paths are read by the companion");
		break;
	case KCAPTURE_BEFORE:
		if (!ucapture_define(&r->kcap, &r->sess, r->specs, r->n))
			note_msg("no C library call sites to probe: paths are read by the companion");
		break;
	case KCAPTURE_NONE:
		break;
	}
}

/* run_define_probes - write every probe definition into the run's group */
int run_define_probes(struct run_state *r)
{
	for (int i = 0; i < r->n && !ktp_stop; i++) {
		struct probe_spec *ps = &r->specs[i];
		char *line;
		int err;

		if (!probe_spec_is_dynamic(ps))
			continue;
		line = probe_spec_definition(ps, r->sess.name);
		err = session_define(&r->sess, line, ps->event, probe_spec_is_user(ps));
		free(line);
		if (err)
			return -1;
	}
	if (!ktp_stop)
		define_captures(r);
	return ktp_stop ? -1 : 0;
}

/* run_need_kallsyms - does the run need kernel symbols (kprobe locations, kernel stacks)? */
bool run_need_kallsyms(const struct run_state *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->specs[i].kind == PROBE_KPROBE || r->specs[i].kind == PROBE_KRETPROBE ||
		    (r->o->stacks && !probe_spec_is_user(&r->specs[i])))
			return true;
	return false;
}

/* run_load_events - parse the formats of the events the run reads: its own and its helpers */
int run_load_events(struct run_state *r)
{
	static const char *const helpers[][2] = {
		{ "sched", "sched_process_fork" }, { "sched", "sched_process_exec" },
		{ "sched", "sched_process_exit" },
		{ "task", "task_rename" }, { "task", "task_newtask" },
		{ "ftrace", "kernel_stack" }, { "ftrace", "user_stack" },
	};

	r->tep = events_tep_new();
	if (!r->tep) {
		err_msg("cannot read the ring buffer's page format from tracefs: %s",
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < r->n; i++) {
		struct probe_spec *ps = &r->specs[i];

		if (events_tep_add(r->tep, run_spec_system(r, ps), ps->event)) {
			err_msg("event %s:%s has no readable format", run_spec_system(r, ps), ps->event);
			return -1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++)
		events_tep_add(r->tep, helpers[i][0], helpers[i][1]);	/* optional */
	if (kcapture_load(&r->kcap, r->tep, r->sess.name)) {
		warn_msg("the kernel's copies of paths have no readable format: the companion reads them");
		kcapture_free(&r->kcap);
	}
	if (run_need_kallsyms(r) && events_tep_add_kallsyms(r->tep))
		warn_msg("cannot read /proc/kallsyms: kernel addresses stay numeric");
	tracefs_load_cmdlines(NULL, r->tep);
	return 0;
}

/* run_print_formats - -v: print each event's format file, as the kernel has it */
void run_print_formats(struct run_state *r)
{
	for (int i = 0; i < r->n; i++) {
		struct probe_spec *ps = &r->specs[i];
		char *fmt = tracefs_event_file_read(NULL, run_spec_system(r, ps), ps->event, "format", NULL);

		if (fmt) {
			fputs(fmt, r->o->out);
			free(fmt);
		}
	}
	fflush(r->o->out);
}

/* Apply each event's filter in the instance; a rejection shows the kernel's error_log. */
static int apply_filters(struct run_state *r)
{
	for (int i = 0; i < r->n; i++) {
		struct probe_spec *ps = &r->specs[i];
		struct tep_event *ev = tep_find_event_by_name(r->tep, run_spec_system(r, ps), ps->event);

		if (ps->filter && session_set_filter(&r->sess, ev, ps->filter))
			return -1;
	}
	return 0;
}

/* The comm of a traced thread now, in case it exits before its events are read. */
static void remember_comm(struct run_state *r, int tid)
{
	char buf[32];

	if (proc_read_comm(tid, buf, sizeof(buf)))
		proctable_set_comm(r->procs, tid, buf);
}

/* -p / -L: restrict the instance's events to the process's threads or one thread. */
static int restrict_pids(struct run_state *r)
{
	struct strv pids = { 0 };
	char *list;
	int ret;

	if (r->o->tid) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)r->o->tid);
		if (access(path, F_OK)) {
			err_msg("no thread %d", (int)r->o->tid);
			return -1;
		}
		strv_push(&pids, xasprintf("%d", (int)r->o->tid));
	} else {
		if (proctable_follow_process(r->procs, r->o->pid, &pids)) {
			err_msg("no process %d", (int)r->o->pid);
			return -1;
		}
		/* children are added by the kernel; threads among them are told apart later */
		if (session_follow_forks(&r->sess)) {
			strv_free(&pids);
			return -1;
		}
	}
	for (int i = 0; i < pids.n; i++)
		remember_comm(r, atoi(pids.v[i]));
	list = strv_join(&pids, " ", INT_MAX);
	ret = session_trace_pids(&r->sess, list);
	free(list);
	strv_free(&pids);
	return ret;
}

/* -s: kernel stacks for kernel-side events (trigger), user stacks for uprobes (option). */
static int enable_stacks(struct run_state *r)
{
	bool user = false;

	for (int i = 0; i < r->n; i++) {
		struct probe_spec *ps = &r->specs[i];

		if (probe_spec_is_user(ps)) {
			user = true;
			continue;
		}
		if (session_add_stack_trigger(&r->sess, run_spec_system(r, ps), ps->event))
			return -1;
	}
	return user ? session_user_stacks(&r->sess) : 0;
}

/* Whether the user asked for SYSTEM:EVENT itself (then it is printed too). */
static bool requested(const struct run_state *r, const char *system, const char *event)
{
	for (int i = 0; i < r->n; i++)
		if (!probe_spec_is_dynamic(&r->specs[i]) && !strcmp(r->specs[i].system, system) &&
		    !strcmp(r->specs[i].event, event))
			return true;
	return false;
}

/*
 * The run's own helper events: forks and execs name processes correctly
 * at the time of each event; the run's own process is never traced.
 */
static int enable_task_events(struct run_state *r)
{
	session_ignore_pid(&r->sess, getpid());
	r->tasks.tep = r->tep;
	r->tasks.procs = r->procs;
	for (int k = 0; k < TASK_EVENTS; k++) {
		const char *sys = task_event_names[k][0], *name = task_event_names[k][1];

		/* exits matter to fills only; new threads to -p only */
		if ((k == TASK_EXIT && !r->filler) || (k == TASK_NEWTASK && !r->o->pid))
			continue;
		r->tasks.print[k] = requested(r, sys, name);
		r->tasks.ev[k] = tep_find_event_by_name(r->tep, sys, name);
		if (r->tasks.ev[k] && session_enable_event(&r->sess, sys, name)) {
			if (k == TASK_NEWTASK) {
				err_msg("cannot enable task:task_newtask to follow new threads");
				return -1;
			}
			r->tasks.ev[k] = NULL;
		}
	}
	return 0;
}

/* Enable the helper events, then the run's own: from here on they are recorded. */
static int enable_events(struct run_state *r)
{
	if (enable_task_events(r))
		return -1;
	/* before the syscalls: no event without its copy */
	if (r->kcap.n && r->filler && kcapture_switch(&r->kcap, &r->sess, true)) {
		warn_msg("cannot enable the kernel's copies of paths (%s): the companion reads them",
			 strerror(errno));
		kcapture_free(&r->kcap);
		filler_expect_copies(r->filler, KCAPTURE_NONE);
	}
	for (int i = 0; i < r->n; i++) {
		struct probe_spec *ps = &r->specs[i];

		if (session_enable_event(&r->sess, run_spec_system(r, ps), ps->event)) {
			err_msg("cannot enable %s:%s: %s", run_spec_system(r, ps), ps->event,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Whether an event of the run has values the companion may read: a syscall
 * entry, or a probe with ktprobe's helper fields (also one kept earlier).
 */
static bool may_fill(const struct run_state *r)
{
	for (int i = 0; i < r->n; i++) {
		const struct probe_spec *ps = &r->specs[i];
		struct tep_event *ev = tep_find_event_by_name(r->tep, run_spec_system(r, ps), ps->event);

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

/* The formatter's fill hook: a request to the filler. */
static uint32_t request_fill(void *ctx, const struct fill_ask *ask)
{
	return filler_request(ctx, ask);
}

/*
 * Start the companion reader and point the formatter at it; counting, the
 * formatter asks for the keys' values only (agg_fill.c).
 */
static void start_filler(struct run_state *r)
{
	struct fill_hook hook = {
		.request = r->agg ? agg_run_fill_request : request_fill,
		.string_limit = r->o->string_limit ? r->o->string_limit : 32,
		.max_items = 32,
		.count_env = true,
	};

	r->filler = filler_start(r->procs);
	if (!r->filler)
		return;
	hook.ctx = r->filler;
	if (r->agg) {
		hook.ctx = r->agg;
		agg_run_use_filler(r->agg, r->filler);
	}
	formatter_set_fills(r->fmt, &hook);
	if (r->kcap.n)
		filler_expect_copies(r->filler, r->kcap.when);	/* undone if they cannot be enabled */
}

/*
 * -o FILE: keep every page read for a trace.dat, and the fills as records
 * in the run's own buffer; ktfill --into INSTANCE: the fills as records in
 * that (recorded) instance. A first record names the events asked for.
 */
static int open_outputs(struct run_state *r)
{
	struct strv asked = { 0 };

	if (r->o->output) {
		r->dat = datfile_open(r->o->output, drain_cpus(r->drain));
		if (!r->dat)
			return -1;
		drain_tee(r->drain, r->dat);
	} else if (!r->o->fills_into) {
		return 0;
	}
	r->marker_fd = session_open_marker(&r->sess, r->o->fills_into);
	if (r->marker_fd < 0)
		return -1;
	if (r->filler)
		filler_set_marker_fd(r->filler, r->marker_fd);
	if (r->dat) {
		for (int i = 0; i < r->n; i++)
			strv_push(&asked, xasprintf("%s:%s", run_spec_system(r, &r->specs[i]),
						    r->specs[i].event));
		marker_write_session(r->marker_fd, &asked);
		strv_free(&asked);
	}
	return 0;
}

/*
 * run_start_formatting - the formatter (records to text, names from the
 * process table) and, when an event may have values to read, the filler
 */
void run_start_formatting(struct run_state *r)
{
	struct utsname u;

	uname(&u);
	r->procs = proctable_new();
	r->fmt = formatter_new(r->tep, &r->out, kernel_has_lazy_flags(u.release), r->procs, true);
	/* counting starts it where a key needs it (run_start_counting) */
	if (!r->o->no_fill && !r->o->agg && may_fill(r))
		start_filler(r);
}

/*
 * run_arm - filters, the pids to trace, stacks, the reader of the ring
 * buffer and the outputs, then the events enabled: from here on they are
 * recorded. -1 after an error (or a signal).
 */
int run_arm(struct run_state *r)
{
	if ((!r->agg_in_kernel && apply_filters(r)) ||
	    ((r->o->pid || r->o->tid) && restrict_pids(r)) ||
	    (r->o->stacks && !r->agg_in_kernel && enable_stacks(r)) || ktp_stop)
		return -1;
	r->drain = drain_open(r->sess.inst, r->tep);
	if (!r->drain || open_outputs(r))
		return -1;
	/* hist triggers count with their own filters; the events stay off */
	if (r->agg_in_kernel)
		return ktp_stop || agg_run_arm(r->agg) ? -1 : 0;
	session_wake_on_any_data(&r->sess);
	if (ktp_stop || enable_events(r))
		return -1;
	return 0;
}

/*
 * run_start_counting - --count and its kin: the rows to fill instead of
 * lines, by hist triggers where the kernel has them, else by ktprobe from
 * the records; the note says which. -1 after the error line.
 */
int run_start_counting(struct run_state *r)
{
	struct agg_events ev = { .v = xcalloc(r->n, sizeof(*ev.v)), .n = r->n,
				 .entry_id = -1, .return_id = -1 };
	char **filters = xcalloc(r->n, sizeof(char *));
	const char *why = NULL;
	enum agg_fill fills;

	for (int i = 0; i < r->n; i++) {
		ev.v[i].system = run_spec_system(r, &r->specs[i]);
		ev.v[i].ev = tep_find_event_by_name(r->tep, ev.v[i].system, r->specs[i].event);
		ev.v[i].user = probe_spec_is_user(&r->specs[i]);
		if (r->specs[i].kind == PROBE_KPROBE)
			ev.v[i].func = r->specs[i].sym;
		filters[i] = r->specs[i].filter;
	}
	if (r->o->agg->latency) {
		ev.entry_id = ev.v[0].ev ? ev.v[0].ev->id : -1;
		ev.return_id = ev.v[1].ev ? ev.v[1].ev->id : -1;
	}
	r->agg = agg_run_new(r->o->agg, r->tep, r->procs, &ev);
	if (r->agg) {
		fills = r->o->no_fill || !may_fill(r) ? AGG_FILL_NONE : agg_run_fills(r->agg, &why);
		/* AGG_FILL_ALWAYS: counted by ktprobe, and why says which key */
		if (fills != AGG_FILL_ALWAYS) {
			if (r->o->pid || r->o->tid)
				why = "-p and -L follow threads in ktprobe";
			else
				r->agg_in_kernel = agg_run_kernel(r->agg, r->sess.inst, filters, &why);
		}
		/* the kernel's strings where it counts; its faults read where ktprobe does */
		if (fills != AGG_FILL_NONE && !r->agg_in_kernel)
			start_filler(r);
	}
	free(ev.v);
	free(filters);
	if (!r->agg)
		return -1;
	if (r->agg_in_kernel)
		note_msg("counting in the kernel (hist trigger)");
	else
		note_msg("counting in ktprobe (%s)", why);
	return 0;
}
