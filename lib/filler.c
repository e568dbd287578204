// SPDX-License-Identifier: GPL-2.0
/*
 * Lines that wait for their fills: a formatted line that carries a fill
 * (or comes after one that does) is held back until its fills are
 * answered and the stream has been read past the time of the reads, so
 * the stream stays in order, every value appears on its own event's line,
 * and an exec or exit of the process between the event and the read is
 * known when the annotation is drawn. The parts: companion.c (the
 * process and its pipes), fill_slots.c (the fills in flight and flow
 * control), fill_render.c (the annotations).
 */
#include <stdlib.h>
#include <string.h>

#include "companion.h"
#include "early_copies.h"
#include "fill_render.h"
#include "fill_slots.h"
#include "filler.h"
#include "kcapture.h"
#include "marker.h"
#include "proctable.h"
#include "utils.h"

#define DEADLINE_NS	2000000000ULL	/* no answer after this: dropped */
#define SUBMIT_ASKS	128		/* fills asked for: hand them over mid-round */
#define THREADS		4096		/* threads whose latest fills await their next event */
#define THREAD_FILLS_MAX 64		/* fills of one event, at most */
/*
 * The stream read this far past an event with no copy of its path from the
 * kernel: none is coming (the syscall failed before copying), it is read
 */
#define KCOPY_WAIT_NS	1000000ULL
/*
 * A copy later than this after an event is not taken for it: the event's
 * syscall made none (it failed first, or the capture was lost), and a later
 * syscall of the thread may have copied another path from the same buffer.
 * (The thread's next traced event is no limit: a probe inside the syscall,
 * such as one on do_sys_openat2, comes before the copy.)
 */
#define KCOPY_LATE_NS	20000000ULL

/* A line that waits for its fills: its text and its spots are in the filler's FIFOs. */
struct held_line {
	size_t len;
	unsigned int nspots;
};

/* A thread's latest event with fills: its fill ids, until the thread's next event. */
struct thread_fills {
	int tid;
	uint32_t first_id, last_id;
	unsigned long long ts;		/* the event's time (copy_wait) */
};

struct filler {
	struct companion comp;
	struct fill_slots slots;
	char *text;			/* held-back lines' text, oldest from text_start */
	size_t text_start, text_end, text_cap;
	struct fill_spot *spots;	/* their fills, offsets in each line's text */
	size_t spots_start, spots_end, spots_cap;
	struct held_line *lines;	/* a ring: oldest at head */
	unsigned int head, count, lcap;
	const struct proctable *procs;	/* when processes exec'd and exited */
	int marker_fd;			/* trace_marker_raw: fills kept in a trace, or -1 */
	bool as_keys;			/* values rendered as count keys (fill_render_key) */
	struct thread_fills *threads;	/* by tid, a collision forgets the older */
	/* the kernel's copies of paths (kcapture.h), when they are armed */
	enum kcapture_when copies;
	struct early_copies early;	/* made at the call, waiting for their events */
	struct thread_fills *copy_wait;	/* by tid: its latest event's fills that may get copies */
	uint32_t *awaiting;		/* a ring of the fills waiting for copies, oldest first */
	unsigned int await_head, await_count;
};

/*
 * filler_start - start the companion; NULL, with a warning, when it
 * cannot run: the trace then goes on without fills. @procs tells when a
 * process exec'd or exited.
 */
struct filler *filler_start(const struct proctable *procs)
{
	struct filler *f = xcalloc(1, sizeof(*f));

	if (companion_start(&f->comp)) {
		free(f);
		return NULL;
	}
	fill_slots_init(&f->slots);
	f->threads = xcalloc(THREADS, sizeof(*f->threads));
	f->procs = procs;
	f->marker_fd = -1;
	return f;
}

/* filler_fd - the descriptor that becomes readable when answers arrive */
int filler_fd(const struct filler *f)
{
	return f ? f->comp.res_fd : -1;
}

/* Read @s's value after all: no copy of it came from the kernel. */
static void read_instead(struct filler *f, struct fill_slot *s)
{
	if (s->state == SLOT_KERNEL)
		fill_slots_read_instead(&f->slots, s);
}

/* Fill @id, of thread @tid's event at @ts, waits for the kernel's copy of its path. */
static void await_copy(struct filler *f, uint32_t id, int tid, unsigned long long ts)
{
	struct thread_fills *t = &f->copy_wait[(unsigned int)tid % THREADS];

	if (t->tid == tid && t->ts == ts)
		t->last_id = id;
	else
		*t = (struct thread_fills) { .tid = tid, .first_id = id, .last_id = id, .ts = ts };
	if (f->await_count == FILL_SLOTS) {
		struct fill_slot *s = fill_slot_of(&f->slots, f->awaiting[f->await_head]);

		if (s)
			read_instead(f, s);
		f->await_head = (f->await_head + 1) % FILL_SLOTS;
		f->await_count--;
	}
	f->awaiting[(f->await_head + f->await_count++) % FILL_SLOTS] = id;
}

/*
 * Fills whose copies did not come although the stream was read KCOPY_WAIT_NS
 * past their events (@all: every one, no more copies come): read them instead
 */
static void copies_overdue(struct filler *f, unsigned long long stream_ns, bool all)
{
	bool queued = false;

	while (f->await_count) {
		struct fill_slot *s = fill_slot_of(&f->slots, f->awaiting[f->await_head]);

		if (s && s->state == SLOT_KERNEL) {
			if (!all && s->ts + KCOPY_WAIT_NS > stream_ns)
				break;
			read_instead(f, s);
			queued = true;
		}
		f->await_head = (f->await_head + 1) % FILL_SLOTS;
		f->await_count--;
	}
	if (queued)
		fill_slots_submit(&f->slots, &f->comp);
}

/*
 * filler_expect_copies - whether the kernel's copies of paths are armed
 * (kcapture.h), and when they come: after its event, a path asked for as
 * one waits for its copy before it is read; before it, it takes its copy
 * if one came
 */
void filler_expect_copies(struct filler *f, enum kcapture_when when)
{
	if (!f)
		return;
	f->copies = when;
	if (when == KCAPTURE_BEFORE && !f->early.v)
		early_copies_init(&f->early);
	if (when != KCAPTURE_AFTER || f->copy_wait)
		return;
	f->copy_wait = xcalloc(THREADS, sizeof(*f->copy_wait));
	f->awaiting = xcalloc(FILL_SLOTS, sizeof(*f->awaiting));
}

/*
 * filler_kernel_copy - the kernel copied a path. After its event (kcapture.c):
 * it is the value of the first fill of its thread's latest event that asked
 * for that pointer and has no copy yet, whether or not that was read
 * meanwhile. Before it (ucapture.c): it waits for the thread's next event.
 */
void filler_kernel_copy(struct filler *f, const struct kcopy *copy)
{
	struct thread_fills *t;

	if (!f || !f->copies || !copy->path || copy->tid <= 0)
		return;
	if (f->copies == KCAPTURE_BEFORE) {
		early_copies_put(&f->early, copy);
		return;
	}
	t = &f->copy_wait[(unsigned int)copy->tid % THREADS];
	if (t->tid != copy->tid || copy->ts < t->ts)
		return;
	for (uint32_t id = t->first_id, n = 0; id != t->last_id + 1 && n < THREAD_FILLS_MAX; id++, n++) {
		struct fill_slot *s = fill_slot_of(&f->slots, id);

		if (s && s->kernel_path && !s->from_kernel && s->state != SLOT_DROPPED &&
		    s->addr == copy->uptr && copy->ts - s->ts <= KCOPY_LATE_NS) {
			fill_slot_kernel_copy(s, copy->path, copy->len, copy->ts);
			return;
		}
	}
}

/* filler_no_more_copies - the stream is read to its end: what waits for copies is read */
void filler_no_more_copies(struct filler *f)
{
	if (f && f->copies == KCAPTURE_AFTER)
		copies_overdue(f, 0, true);
}

/*
 * filler_request - ask for one value; returns the id its annotation will
 * be found under. The request waits for filler_submit().
 */
uint32_t filler_request(struct filler *f, const struct fill_ask *ask)
{
	const struct early_copy *c = NULL;
	struct fill_ask a = *ask;
	uint32_t id;

	if (ask->kernel_path && f->copies == KCAPTURE_BEFORE)
		c = early_copies_take(&f->early, ask->pid, ask->addr, ask->ts);
	a.kernel_path = ask->kernel_path && (f->copies == KCAPTURE_AFTER || c);
	id = fill_slots_ask(&f->slots, &a);
	if (c)
		fill_slot_kernel_copy(fill_slot_of(&f->slots, id), c->path, c->len, c->ts);
	else if (a.kernel_path)
		await_copy(f, id, ask->pid, ask->ts);
	return id;
}

/* filler_submit - hand the waiting requests to the companion */
void filler_submit(struct filler *f)
{
	if (f)
		fill_slots_submit(&f->slots, &f->comp);
}

/*
 * filler_read_now - make the waiting requests' reads here and now rather
 * than hand them to the companion: the value comes microseconds after the
 * event is seen instead of after the companion's wake-up, which a
 * short-lived process often does not outlive. It holds up the drain for
 * the reads' time, so it is for moderate rates (run_stream.c decides).
 */
void filler_read_now(struct filler *f)
{
	if (f)
		fill_slots_read_now(&f->slots);
}

/* filler_has_room - whether the next event's fills find free slots (see fill_slots.c) */
bool filler_has_room(struct filler *f)
{
	return !f || fill_slots_has_room(&f->slots);
}

/* filler_wait - wait up to @ms for the companion's next answers */
void filler_wait(const struct filler *f, int ms)
{
	companion_wait(&f->comp, ms);
}

/* filler_busy - whether lines are held back waiting for fills */
bool filler_busy(const struct filler *f)
{
	return f && f->count;
}

/* filler_reads - how many values were read so far (or are about to be): not the kernel's copies */
unsigned long long filler_reads(const struct filler *f)
{
	return f ? f->slots.reads : 0;
}

/* The annotation of fill @id, as the man page describes it. */
static void render(struct filler *f, struct fill_slot *s, struct outbuf *o)
{
	const struct proc *p;

	if (!s || s->state == SLOT_DROPPED || s->state == SLOT_WAITING || s->state == SLOT_KERNEL) {
		outbuf_puts(o, "[user: dropped]");
		if (s && s->state != SLOT_DROPPED)
			f->slots.dropped++;	/* no answer in time */
		return;
	}
	p = proctable_get(f->procs, s->pid);
	(f->as_keys ? fill_render_key : fill_render)(o, s, p ? p->exec_ts : 0,
						     p ? p->exec_file : NULL, p ? p->exit_ts : 0);
}

/*
 * A held-back line's fills: all answered (or given up) and past the stream?
 * With no room for new fills (@pressed) an answered line goes out without
 * waiting for the stream: an exec or exit before its read may then not be
 * named, and the value stays marked as the later read it is.
 */
static bool line_ready(struct filler *f, const struct fill_spot *spots, unsigned int n,
		       unsigned long long stream_ns, unsigned long long now, bool pressed)
{
	for (unsigned int i = 0; i < n; i++) {
		struct fill_slot *s = fill_slot_of(&f->slots, spots[i].id);

		if (!s || s->state == SLOT_DROPPED)
			continue;
		if (s->asked_ns && now - s->asked_ns > DEADLINE_NS)
			continue;
		if (s->state == SLOT_WAITING || s->state == SLOT_KERNEL)
			return false;
		/* an exec or exit before the read must have been seen by now */
		if (!pressed && stream_ns < s->res.read_ns + fill_exec_race(s))
			return false;
		/* read without its copy: the copy may still come (a thread preempted in the syscall) */
		if (!pressed && s->kernel_path && !s->from_kernel && stream_ns < s->ts + KCOPY_LATE_NS)
			return false;
	}
	return true;
}

/* The annotation of fill @id at the end of @o, also kept in a trace with -o. */
static void put_fill(struct filler *f, struct outbuf *o, uint32_t id)
{
	struct fill_slot *s = fill_slot_of(&f->slots, id);
	size_t at = o->len;

	render(f, s, o);
	if (!s)
		return;
	if (f->marker_fd >= 0) {
		struct fill_marker mk = {
			.event_ts = s->ts, .addr = s->addr, .pid = s->pid,
			.field = s->field ? s->field : "", .text = o->buf + at,
			.text_len = o->len - at,
		};

		mk.field_len = strlen(mk.field);
		marker_write_fill(f->marker_fd, &mk);
	}
	fill_slot_release(&f->slots, s);
}

/* Write a held-back line with its annotations at their spots. */
static void emit(struct filler *f, struct outbuf *o, const char *text, size_t len,
		 const struct fill_spot *spots, unsigned int n)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n; i++) {
		outbuf_add(o, text + done, spots[i].at - done);
		done = spots[i].at;
		put_fill(f, o, spots[i].id);
	}
	outbuf_add(o, text + done, len - done);
}

/*
 * filler_event - thread @tid has an event at @ts in the stream: the reads
 * for its previous event with fills, if they come later, came after the
 * thread went on (fill_render.c says so). Called for every record.
 */
void filler_event(struct filler *f, int tid, unsigned long long ts)
{
	struct thread_fills *t;

	if (!f || tid <= 0)
		return;
	early_copies_event(&f->early, tid, ts);
	/* the thread went on: its syscall made no copy (a copy may still come late) */
	t = f->copies == KCAPTURE_AFTER ? &f->copy_wait[(unsigned int)tid % THREADS] : NULL;
	if (t && t->tid == tid && t->ts < ts) {
		for (uint32_t id = t->first_id, n = 0; id != t->last_id + 1 && n < THREAD_FILLS_MAX; id++, n++) {
			struct fill_slot *s = fill_slot_of(&f->slots, id);

			if (s && s->pid == tid)
				read_instead(f, s);
		}
	}
	t = &f->threads[(unsigned int)tid % THREADS];
	if (t->tid != tid)
		return;
	for (uint32_t id = t->first_id, n = 0; id != t->last_id + 1 && n < THREAD_FILLS_MAX; id++, n++) {
		struct fill_slot *s = fill_slot_of(&f->slots, id);

		if (s && s->pid == tid && !s->next_ts)
			s->next_ts = ts;
	}
	t->tid = 0;
}

/* The fills at @spots are thread @tid's latest: filler_event() finds them there. */
static void thread_latest(struct filler *f, const struct fill_spot *spots, unsigned int n)
{
	struct fill_slot *s = fill_slot_of(&f->slots, spots[0].id);
	struct thread_fills *t;

	if (!s || s->pid <= 0)
		return;
	t = &f->threads[(unsigned int)s->pid % THREADS];
	*t = (struct thread_fills) { .tid = s->pid, .first_id = spots[0].id, .last_id = spots[n - 1].id };
}

/*
 * filler_line - the line at @start.. of @out was just formatted, with its
 * fills' annotations due at @spots (offsets in @out): hold it back if it
 * has any, or if earlier lines are held back
 */
void filler_line(struct filler *f, struct outbuf *out, size_t start,
		 const struct fill_spot *spots, unsigned int nspots)
{
	size_t len = out->len - start;
	struct held_line *l;

	if (!nspots && !f->count)
		return;
	if (nspots)
		thread_latest(f, spots, nspots);
	if (f->count == f->lcap) {
		unsigned int ncap = f->lcap ? f->lcap * 2 : 1024;
		struct held_line *lines = xcalloc(ncap, sizeof(*lines));

		for (unsigned int i = 0; i < f->count; i++)
			lines[i] = f->lines[(f->head + i) % f->lcap];
		free(f->lines);
		f->lines = lines;
		f->head = 0;
		f->lcap = ncap;
	}
	fifo_room((void **)&f->text, &f->text_start, &f->text_end, &f->text_cap, len, 1);
	memcpy(f->text + f->text_end, out->buf + start, len);
	f->text_end += len;
	fifo_room((void **)&f->spots, &f->spots_start, &f->spots_end, &f->spots_cap, nspots,
		  sizeof(*f->spots));
	for (unsigned int i = 0; i < nspots; i++)
		f->spots[f->spots_end++] = (struct fill_spot) {
			.at = spots[i].at - start, .id = spots[i].id,
		};
	l = &f->lines[(f->head + f->count) % f->lcap];
	l->len = len;
	l->nspots = nspots;
	f->count++;
	out->len = start;
	/* a long round: the companion starts on the first reads meanwhile */
	if (f->slots.queued_asks >= SUBMIT_ASKS)
		filler_submit(f);
}

/*
 * filler_flush - let out the held-back lines that are complete, in order;
 * @stream_ns: the stream has been read up to this time; @all: everything
 */
void filler_flush(struct filler *f, struct outbuf *out, unsigned long long stream_ns, bool all)
{
	unsigned long long now;

	if (!f)
		return;
	companion_receive(&f->comp, fill_slots_take_answers, &f->slots);
	if (f->copies == KCAPTURE_AFTER)
		copies_overdue(f, stream_ns, false);
	now = now_ns();		/* after the reads asked just now: a deadline is not past */
	while (f->count) {
		const struct held_line *l = &f->lines[f->head];
		const struct fill_spot *spots = f->spots + f->spots_start;

		if (!all && !line_ready(f, spots, l->nspots, stream_ns, now,
					fill_slots_short(&f->slots, 4)))
			break;
		emit(f, out, f->text + f->text_start, l->len, spots, l->nspots);
		f->text_start += l->len;
		f->spots_start += l->nspots;
		f->head = (f->head + 1) % f->lcap;
		f->count--;
	}
	if (!f->count)
		f->text_start = f->text_end = f->spots_start = f->spots_end = 0;
}

/* filler_set_marker_fd - also write each fill into a ring buffer (trace_marker_raw) */
void filler_set_marker_fd(struct filler *f, int fd)
{
	f->marker_fd = fd;
}

/* filler_set_keys - the values are count keys: each alone, or marked without its age */
void filler_set_keys(struct filler *f)
{
	f->as_keys = true;
}

/* filler_stop - end the companion and report the fills that were dropped */
void filler_stop(struct filler *f)
{
	if (!f)
		return;
	companion_stop(&f->comp);
	if (f->slots.dropped)
		err_msg("%llu of %llu fills dropped (the reader fell behind)", f->slots.dropped,
			f->slots.asked);
	fill_slots_free(&f->slots);
	free(f->text);
	free(f->spots);
	free(f->lines);
	free(f->threads);
	free(f->copy_wait);
	free(f->awaiting);
	early_copies_free(&f->early);
	free(f);
}
