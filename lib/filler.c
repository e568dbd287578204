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
#include "fill_render.h"
#include "fill_slots.h"
#include "filler.h"
#include "marker.h"
#include "proctable.h"
#include "utils.h"

#define DEADLINE_NS	2000000000ULL	/* no answer after this: dropped */
#define SUBMIT_ASKS	128		/* fills asked for: hand them over mid-round */

struct filler {
	struct companion comp;
	struct fill_slots slots;
	char *held;			/* held-back lines' text, oldest from held_start */
	size_t held_start, held_end, held_cap;
	size_t *line_lens;		/* their lengths, a ring: oldest at head */
	unsigned int head, count, lcap;
	const struct proctable *procs;	/* when processes exec'd and exited */
	int marker_fd;			/* trace_marker_raw: fills kept in a trace, or -1 */
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
	f->procs = procs;
	f->marker_fd = -1;
	return f;
}

/* filler_fd - the descriptor that becomes readable when answers arrive */
int filler_fd(const struct filler *f)
{
	return f ? f->comp.res_fd : -1;
}

/*
 * filler_request - ask for one value; returns the id its annotation will
 * be found under. The request waits for filler_submit().
 */
uint32_t filler_request(struct filler *f, const struct fill_ask *ask)
{
	return fill_slots_ask(&f->slots, ask);
}

/* filler_submit - hand the waiting requests to the companion */
void filler_submit(struct filler *f)
{
	if (f)
		fill_slots_submit(&f->slots, &f->comp);
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

/* The annotation of fill @id, as the man page describes it. */
static void render(struct filler *f, struct fill_slot *s, struct outbuf *o)
{
	const struct proc *p;

	if (!s || s->state == SLOT_DROPPED || s->state == SLOT_WAITING) {
		outbuf_puts(o, "[user: dropped]");
		if (s && s->state == SLOT_WAITING)
			f->slots.dropped++;	/* no answer in time */
		return;
	}
	p = proctable_get(f->procs, s->pid);
	fill_render(o, s, p ? p->exec_ts : 0, p ? p->exec_file : NULL, p ? p->exit_ts : 0);
}

/* The fill id of the mark at @mark: FILL_MARK_START, 8 hex digits, FILL_MARK_END. */
static uint32_t mark_id(const char *mark)
{
	uint32_t id = 0;

	for (int i = 1; i <= 8; i++) {
		char c = mark[i];

		id = id << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return id;
}

/*
 * A held-back line's fills: all answered (or given up) and past the stream?
 * With no room for new fills (@pressed) an answered line goes out without
 * waiting for the stream: an exec or exit before its read may then not be
 * named, and the value stays marked as the later read it is.
 */
static bool line_ready(struct filler *f, const char *text, size_t len,
		       unsigned long long stream_ns, unsigned long long now, bool pressed)
{
	for (const char *p = text; (p = memchr(p, FILL_MARK_START, len - (p - text))); p++) {
		struct fill_slot *s = fill_slot_of(&f->slots, mark_id(p));

		if (!s || s->state == SLOT_DROPPED)
			continue;
		if (s->asked_ns && now - s->asked_ns > DEADLINE_NS)
			continue;
		if (s->state == SLOT_WAITING)
			return false;
		/* an exec or exit before the read must have been seen by now */
		if (!pressed && stream_ns < s->res.read_ns + fill_exec_race(s))
			return false;
	}
	return true;
}

/* Write a held-back line with its annotations in place of the marks. */
static void emit(struct filler *f, struct outbuf *o, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct fill_slot *s;
	size_t at;

	while (p < end) {
		const char *m = memchr(p, FILL_MARK_START, end - p);
		const char *close;
		uint32_t id;

		if (!m) {
			outbuf_add(o, p, end - p);
			break;
		}
		outbuf_add(o, p, m - p);
		id = mark_id(m);
		close = memchr(m, FILL_MARK_END, end - m);
		at = o->len;
		s = fill_slot_of(&f->slots, id);
		render(f, s, o);
		if (s && f->marker_fd >= 0) {
			struct fill_marker mk = {
				.event_ts = s->ts, .addr = s->addr, .pid = s->pid,
				.field = s->field ? s->field : "", .text = o->buf + at,
				.text_len = o->len - at,
			};

			mk.field_len = strlen(mk.field);
			marker_write_fill(f->marker_fd, &mk);
		}
		if (s)
			fill_slot_release(&f->slots, s);
		p = close ? close + 1 : end;
	}
}

/*
 * filler_line - the line at @start.. of @out was just formatted: hold it
 * back if it carries fills, or if earlier lines are held back
 */
void filler_line(struct filler *f, struct outbuf *out, size_t start, bool has_fills)
{
	size_t len = out->len - start;

	if (!has_fills && !f->count)
		return;
	if (f->count == f->lcap) {
		unsigned int ncap = f->lcap ? f->lcap * 2 : 1024;
		size_t *lens = xcalloc(ncap, sizeof(*lens));

		for (unsigned int i = 0; i < f->count; i++)
			lens[i] = f->line_lens[(f->head + i) % f->lcap];
		free(f->line_lens);
		f->line_lens = lens;
		f->head = 0;
		f->lcap = ncap;
	}
	if (f->held_end + len > f->held_cap) {
		/* move the held text to the front, or grow */
		if (f->held_start) {
			memmove(f->held, f->held + f->held_start, f->held_end - f->held_start);
			f->held_end -= f->held_start;
			f->held_start = 0;
		}
		if (f->held_end + len > f->held_cap) {
			f->held_cap = (f->held_end + len) * 2;
			f->held = xrealloc(f->held, f->held_cap);
		}
	}
	memcpy(f->held + f->held_end, out->buf + start, len);
	f->held_end += len;
	f->line_lens[(f->head + f->count) % f->lcap] = len;
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
	unsigned long long now = now_ns();

	if (!f)
		return;
	companion_receive(&f->comp, fill_slots_take_answers, &f->slots);
	while (f->count) {
		char *text = f->held + f->held_start;
		size_t len = f->line_lens[f->head];

		if (!all && !line_ready(f, text, len, stream_ns, now, fill_slots_short(&f->slots, 4)))
			break;
		emit(f, out, text, len);
		f->held_start += len;
		f->head = (f->head + 1) % f->lcap;
		f->count--;
	}
	if (!f->count)
		f->held_start = f->held_end = 0;
}

/* filler_set_marker_fd - also write each fill into a ring buffer (trace_marker_raw) */
void filler_set_marker_fd(struct filler *f, int fd)
{
	f->marker_fd = fd;
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
	free(f->held);
	free(f->line_lens);
	free(f);
}
