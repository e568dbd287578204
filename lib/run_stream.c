// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming a live run: records read from the ring buffer in time order
 * (drain.c), task events learned from (task_events.c), each other record
 * turned into its line (format.c), lines with fills held until their
 * values are read (filler.c), and the text written out; at the end,
 * whatever is left read and the held lines let out.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_state.h"
#include "utils.h"

#define STREAM_MARGIN_NS 500000ULL	/* an event's commit can lag its timestamp */
/*
 * While events come in a run that reads values, the stream is read again
 * at once (the per-CPU files are non-blocking), not after a wake-up: the
 * kernel wakes a sleeping reader 50 us to 1 ms after the event, and a
 * short-lived process has often exited by then. A burst is over when
 * nothing came for this long (measured by hand on bench/paths.py's
 * coreutils + gcc workload, 3 runs each: 1 ms left 9-10 % of its paths
 * unread, 20 ms 6-7 %); then the drain sleeps until woken.
 */
#define SPIN_NS		20000000ULL
/*
 * More events with values than this in one read of the buffers: the drain
 * is behind, and reading each event's values itself would put it further
 * behind; the companion takes the rest (the rate measured over 50 ms
 * comes too late for the start of a burst).
 */
#define DIRECT_ROUND_MAX	64

/*
 * Write the lines out (none with ktfill -q); -1 when the reader is gone.
 * Counting by values the companion reads, the lines are the finished
 * records' keys: counted, not written.
 */
static int flush_out(struct run_state *r)
{
	if (r->agg && r->filler) {
		agg_run_count_lines(r->agg, &r->out);
		return 0;
	}
	if (r->o->quiet)
		r->out.len = 0;
	return outbuf_flush(&r->out);
}

/*
 * Count @rec by values the companion reads: the formatter asks for them
 * (agg_run_fill_request), and the record's key line waits for them as an
 * event's line would; false when the companion has no room for more.
 */
static bool count_by_fills(struct run_state *r, struct tep_record *rec, int pid)
{
	struct fill_spot spots[AGG_KEYS_MAX];
	size_t start = r->out.len;
	unsigned int n;

	formatter_record(r->fmt, rec);
	r->out.len = start;
	n = agg_run_key_line(r->agg, rec, pid, &r->out, spots);
	filler_line(r->filler, &r->out, start, spots, n);
	if (n && !drain_batched(r->drain) && ++r->round_records <= DIRECT_ROUND_MAX)
		filler_read_now(r->filler);
	return filler_has_room(r->filler);
}

/* The counts so far (@final: at the end) printed; -1 when the reader is gone. */
static int print_counts(struct run_state *r, bool final)
{
	flush_out(r);		/* the finished key lines counted first */
	agg_run_print(r->agg, &r->out, final);
	return outbuf_flush(&r->out);
}

/* Format one record; false when the companion has no room for more fills. */
static bool on_record(struct tep_record *rec, void *ctx)
{
	struct run_state *r = ctx;
	const struct fill_spot *spots;
	struct kcopy copies[2];
	unsigned int nspots;
	size_t start;
	int pid, ncopies;

	if (rec->missed_events) {
		proctable_forget_comms(r->procs);
		flush_out(r);
		if (rec->missed_events > 0)
			err_msg("CPU %d: %lld events lost here (ring buffer overrun; raise it with -b KB)",
				rec->cpu, rec->missed_events);
		else
			err_msg("CPU %d: events lost here (count unknown)", rec->cpu);
		if (r->agg)
			agg_run_lost(r->agg, rec->missed_events);
	}
	ncopies = kcapture_record(&r->kcap, r->tep, rec, copies);
	if (ncopies) {
		for (int i = 0; i < ncopies; i++)
			filler_kernel_copy(r->filler, &copies[i]);
		r->round_copies++;
		formatter_skip(r->fmt, rec);
		return true;
	}
	pid = tep_data_pid(r->tep, rec);
	/* a stack is its event's, not the thread going on */
	if (r->filler && !formatter_is_stack(r->fmt, rec))
		filler_event(r->filler, pid, rec->ts);
	if (task_events_record(&r->tasks, rec, pid) || (r->o->pid && !proctable_followed(r->procs, pid))) {
		formatter_skip(r->fmt, rec);
		return true;
	}
	if (r->agg && formatter_is_stack(r->fmt, rec)) {
		agg_run_stack(r->agg, r->fmt, rec, pid);
		return true;
	}
	if (r->agg && r->filler)
		return count_by_fills(r, rec, pid);
	if (r->agg) {
		agg_run_record(r->agg, rec, pid);
		return true;
	}
	start = r->out.len;
	formatter_record(r->fmt, rec);
	if (!r->filler)
		return true;
	nspots = formatter_line_fills(r->fmt, &spots);
	filler_line(r->filler, &r->out, start, spots, nspots);
	/* below the batching rate, each event's values are read at once, here */
	if (nspots && !drain_batched(r->drain) && ++r->round_records <= DIRECT_ROUND_MAX)
		filler_read_now(r->filler);
	return filler_has_room(r->filler);
}

/*
 * Read and print what is there; the number of records read, -1 when the
 * output is gone. Lines that carry fills wait for the companion's answers
 * and for the stream to have been read past the reads (see filler.c).
 */
static long drain_once(struct run_state *r)
{
	unsigned long long start = now_ns(), reads = filler_reads(r->filler);
	long n;

	r->round_records = 0;
	r->round_copies = 0;
	n = drain_read(r->drain, on_record, r);
	r->round_reads = filler_reads(r->filler) - reads;
	/* the rate that decides wake-ups is the traced events', not the copies' */
	drain_adapt(r->drain, n > 0 ? n - r->round_copies : n);
	ucapture_pace(&r->kcap, &r->sess, start, r->round_copies, n > 0 ? n : 0);
	if (r->filler) {
		/* events committed by then have been handed on; allow for in-flight commits */
		unsigned long long stream_ns = start - STREAM_MARGIN_NS;
		unsigned long long pending = drain_pending(r->drain);

		if (pending && pending <= stream_ns)
			stream_ns = pending - 1;
		filler_submit(r->filler);
		filler_flush(r->filler, &r->out, stream_ns, false);
	}
	return flush_out(r) == 0 ? n : -1;
}

/* Let the held-back lines out: wait for answers a while, then give up on them. */
static void drain_fills(struct run_state *r)
{
	unsigned long long until = now_ns() + 2000000000ULL;

	if (!r->filler)
		return;
	filler_no_more_copies(r->filler);
	filler_submit(r->filler);
	while (filler_busy(r->filler) && now_ns() < until && !r->out.broken) {
		filler_wait(r->filler, 10);
		filler_flush(r->filler, &r->out, now_ns() - STREAM_MARGIN_NS, false);
		flush_out(r);
	}
	filler_flush(r->filler, &r->out, now_ns(), true);
	flush_out(r);
}

/* Whether @pid still exists (EPERM: it does, not ours to signal). */
static bool process_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Stream events until a signal, the duration, or the end of the traced process. */
static void stream(struct run_state *r)
{
	unsigned long long start = now_ns(), last_stats = start, spin_until = 0;
	unsigned long long end = r->o->duration > 0 ?
		start + (unsigned long long)(r->o->duration * 1e9) : 0;
	pid_t watched = r->o->pid ? r->o->pid : r->o->tid;
	unsigned long long every = r->agg && r->o->agg->interval ?
		(unsigned long long)(r->o->agg->interval * 1e9) : 0;
	unsigned long long next_print = start + every;
	/*
	 * Spin only where values are read, and never with one CPU: there it
	 * would take the CPU from the traced process itself
	 */
	bool may_spin = r->filler && sysconf(_SC_NPROCESSORS_ONLN) > 1;

	while (!ktp_stop) {
		unsigned long long now = now_ns();
		int timeout = 1000;
		long n;

		if (end) {
			if (now >= end)
				break;
			if ((end - now) / 1000000 < (unsigned long long)timeout)
				timeout = (end - now) / 1000000 + 1;
		}
		if (every && (next_print > now ? (next_print - now) / 1000000 + 1 : 0) <
		    (unsigned long long)timeout)
			timeout = next_print > now ? (next_print - now) / 1000000 + 1 : 0;
		if (r->kcap.paused && timeout > 200)
			timeout = 200;	/* the copies at the call resume after a quiet while */
		if (filler_busy(r->filler))
			timeout = 1;	/* held-back lines: read again soon */
		if (!filler_has_room(r->filler))
			filler_wait(r->filler, 1);	/* events wait in the ring buffer meanwhile */
		else if (!drain_pending(r->drain) && now >= spin_until)
			drain_wait(r->drain, timeout, filler_fd(r->filler));
		n = drain_once(r);
		if (n < 0)
			break;
		now = now_ns();
		/*
		 * at batching rates the timed reads leave the CPU to ktfill; where
		 * the kernel copied every value, nothing is in a hurry
		 */
		if (r->round_reads > 0 && may_spin && !drain_batched(r->drain))
			spin_until = now + SPIN_NS;
		else if (drain_batched(r->drain))
			spin_until = 0;
		if (every && now >= next_print) {
			if (print_counts(r, false))
				break;
			next_print += every;
		}
		if (now - last_stats >= 1000000000ULL) {
			drain_report_lost(r->drain, false);
			last_stats = now;
		}
		if (watched && !process_alive(watched)) {
			note_msg("%s %d has exited", r->o->pid ? "process" : "thread", (int)watched);
			break;
		}
	}
}

/* After disarming: read until every buffer is empty. */
static void final_drain(struct run_state *r)
{
	for (int empty = 0; empty < 2 && !r->out.broken; ) {
		if (drain_read(r->drain, on_record, r) == 0)
			empty++;
		filler_submit(r->filler);
		if (!filler_has_room(r->filler)) {
			filler_wait(r->filler, 1);
			filler_flush(r->filler, &r->out, now_ns() - STREAM_MARGIN_NS, false);
		}
		flush_out(r);
	}
	drain_fills(r);
	drain_report_lost(r->drain, true);
}

/* run_finish_outputs - -o: read the fill records written at the end too, then write the trace.dat */
int run_finish_outputs(struct run_state *r)
{
	struct strv events = { 0 };
	int ret;

	if (!r->dat)
		return 0;
	while (drain_read(r->drain, on_record, r) > 0)
		;
	flush_out(r);
	for (int i = 0; i < r->n; i++)
		strv_push(&events, xasprintf("%s/%s", run_spec_system(r, &r->specs[i]), r->specs[i].event));
	for (int i = 0; i < r->kcap.n; i++)
		strv_push(&events, xasprintf("%s/%s", r->kcap.v[i].ev->system, r->kcap.v[i].ev->name));
	for (int k = 0; k < TASK_EVENTS; k++)
		if (r->tasks.ev[k])
			strv_push(&events, xasprintf("%s/%s", task_event_names[k][0], task_event_names[k][1]));
	ret = datfile_finish(r->dat, &events, "mono", run_need_kallsyms(r));
	r->dat = NULL;
	strv_free(&events);
	return ret ? 1 : 0;
}

/*
 * run_stream - records to text until the run ends (a signal, -d, the
 * traced process's exit), then disarm and read what is left
 */
void run_stream(struct run_state *r)
{
	stream(r);
	session_disable_events(&r->sess);
	final_drain(r);
	if (r->agg)
		print_counts(r, true);
}
