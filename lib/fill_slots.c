// SPDX-License-Identifier: GPL-2.0
/*
 * The fills in flight: each value asked for gets a slot (found again by
 * its id), its request waits in a queue until it is handed to the
 * companion, and its answer is kept in the slot until its line is let
 * out. There are FILL_SLOTS of them; when they run short the drain is
 * held back for a while (flow control), then the oldest fills are
 * dropped, never events.
 */
#include <stdlib.h>
#include <string.h>

#include "fill_slots.h"
#include "fill_worker.h"
#include "utils.h"

#define ROOM_MIN	64		/* free slots an event may need at most */
#define FULL_WAIT_NS	5000000ULL	/* then old fills are dropped, not events lost */
#define FULL_REST_NS	50000000ULL	/* after a wait that ran out: no waiting this long */

/* fill_slots_init - no fills yet */
void fill_slots_init(struct fill_slots *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->next_id = 1;
	fs->slots = xcalloc(FILL_SLOTS, sizeof(*fs->slots));
}

/* fill_slot_of - the slot of fill @id, or NULL when it is no longer held */
struct fill_slot *fill_slot_of(struct fill_slots *fs, uint32_t id)
{
	struct fill_slot *s = &fs->slots[id % FILL_SLOTS];

	return s->id == id && s->state != SLOT_FREE ? s : NULL;
}

/* fill_slot_release - the fill's line is out: the slot is free again */
void fill_slot_release(struct fill_slots *fs, struct fill_slot *s)
{
	fs->inuse--;
	if (s->payload != s->small)
		free(s->payload);
	free(s->kernel);
	memset(s, 0, sizeof(*s));
}

/* fill_slots_free - release every slot and the queue */
void fill_slots_free(struct fill_slots *fs)
{
	for (unsigned int i = 0; i < FILL_SLOTS; i++)
		if (fs->slots[i].state != SLOT_FREE)
			fill_slot_release(fs, &fs->slots[i]);
	free(fs->slots);
	free(fs->answers);
	free(fs->queue);
	free(fs->last_same);
}

static unsigned int same_key(const struct fill_ask *ask)
{
	uint64_t h = ask->addr * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ask->pid * 0xc2b2ae3d27d4eb4fULL;

	h ^= (uint64_t)ask->kind << 7 ^ ask->max;
	return (unsigned int)(h >> 32) % FILL_SAME_KEYS;
}

/*
 * A read of the same memory, asked for since the last hand-over, is made
 * once for all who asked: not yet handed over, it is done after all their
 * events, at one moment, so its value and time are right for each (each
 * line still shows its own age, and is checked against its own event's
 * capture). execve's argv with /proc reads are not shared.
 */
static bool join_same_read(struct fill_slots *fs, struct fill_slot *s, const struct fill_ask *ask)
{
	unsigned int k = same_key(ask);
	struct fill_request *q;
	struct fill_slot *last;

	if (ask->flags) {
		fs->same[k].gen = 0;
		return false;
	}
	if (fs->same[k].gen != fs->gen + 1 || fs->same[k].index >= fs->nqueue)
		goto miss;
	q = &fs->queue[fs->same[k].index];
	if (q->pid != ask->pid || q->addr != ask->addr || q->kind != (uint32_t)ask->kind ||
	    q->max != ask->max || q->max_items != ask->max_items || q->flags)
		goto miss;
	last = fill_slot_of(fs, fs->last_same[fs->same[k].index]);
	if (!last || last->state != SLOT_WAITING)
		goto miss;
	last->next_same = s->id;
	fs->last_same[fs->same[k].index] = s->id;
	return true;
miss:
	fs->same[k].gen = fs->gen + 1;
	fs->same[k].index = fs->nqueue;
	return false;
}

/* Put @s's read in the queue for the next hand-over. */
static void queue_read(struct fill_slots *fs, const struct fill_slot *s, const struct fill_ask *ask)
{
	if (fs->nqueue == fs->qcap) {
		fs->qcap = fs->qcap ? fs->qcap * 2 : 1024;
		fs->queue = xrealloc(fs->queue, fs->qcap * sizeof(*fs->queue));
		fs->last_same = xrealloc(fs->last_same, fs->qcap * sizeof(*fs->last_same));
	}
	fs->reads++;
	fs->last_same[fs->nqueue] = s->id;
	fs->queue[fs->nqueue++] = (struct fill_request) {
		.id = s->id, .pid = ask->pid, .addr = ask->addr, .kind = ask->kind,
		.max = ask->max, .max_items = ask->max_items, .flags = ask->flags,
	};
}

/*
 * fill_slots_ask - take a slot for one value; returns the id it is found
 * under. Its read waits for fill_slots_submit().
 */
uint32_t fill_slots_ask(struct fill_slots *fs, const struct fill_ask *ask)
{
	uint32_t id = fs->next_id++;
	struct fill_slot *s = &fs->slots[id % FILL_SLOTS];

	if (!fs->next_id)
		fs->next_id = 1;
	if (s->state != SLOT_FREE) {
		/* an old line's fill: that line is told it was dropped */
		if (s->state != SLOT_DROPPED)
			fs->dropped++;
		fill_slot_release(fs, s);
	}
	fs->inuse++;
	*s = (struct fill_slot) {
		.id = id, .pid = ask->pid, .kind = ask->kind, .ts = ask->ts,
		.verify = ask->verify, .text = ask->text, .exec_file = ask->exec_file,
		.req_flags = ask->flags, .count_only = ask->count_only, .addr = ask->addr,
		.field = ask->field, .max = ask->max, .max_items = ask->max_items,
		.kernel_path = ask->kernel_path,
	};
	if (ask->kernel && ask->kernel_len) {
		s->kernel = xcalloc(1, ask->kernel_len);
		memcpy(s->kernel, ask->kernel, ask->kernel_len);
		s->kernel_len = ask->kernel_len;
	}
	fs->asked++;
	if (ask->pid <= 0) {
		s->state = SLOT_DROPPED;
		return id;
	}
	if (ask->kernel_path) {
		s->state = SLOT_KERNEL;	/* read only if the kernel's copy does not come */
		return id;
	}
	s->state = SLOT_WAITING;
	fs->queued_asks++;
	if (!join_same_read(fs, s, ask))
		queue_read(fs, s, ask);
	return id;
}

/* The queued reads are being made: their slots' clocks start now. */
static void queue_asked(struct fill_slots *fs)
{
	unsigned long long now = now_ns();

	for (unsigned int i = 0; i < fs->nqueue; i++)
		for (struct fill_slot *s = fill_slot_of(fs, fs->queue[i].id);
		     s && s->state == SLOT_WAITING; s = fill_slot_of(fs, s->next_same))
			s->asked_ns = now;
}

/* The queue is handed over: a new generation of it starts empty. */
static void queue_done(struct fill_slots *fs)
{
	fs->nqueue = 0;
	fs->queued_asks = 0;
	fs->gen++;
}

/*
 * fill_slots_submit - hand the queued reads to the companion in one write;
 * what does not fit in the pipe now is dropped (the drain never waits)
 */
void fill_slots_submit(struct fill_slots *fs, struct companion *c)
{
	size_t sent;

	if (!fs->nqueue)
		return;
	queue_asked(fs);
	sent = companion_send(c, fs->queue, fs->nqueue * sizeof(*fs->queue), sizeof(*fs->queue));
	for (size_t i = sent / sizeof(*fs->queue); i < fs->nqueue; i++)
		for (struct fill_slot *s = fill_slot_of(fs, fs->queue[i].id); s;
		     s = fill_slot_of(fs, s->next_same)) {
			if (s->state != SLOT_WAITING)
				break;
			s->state = SLOT_DROPPED;
			fs->dropped++;
		}
	queue_done(fs);
}

/*
 * fill_slots_read_now - make the queued reads here and now, as the
 * companion would: no hand-over, no wake-up, the value read microseconds
 * after the event was seen (see filler_read_now)
 */
void fill_slots_read_now(struct fill_slots *fs)
{
	size_t len;

	if (!fs->nqueue)
		return;
	queue_asked(fs);
	if (!fs->answers) {
		fs->answers_cap = 1 << 14;
		fs->answers = xcalloc(1, fs->answers_cap);
	}
	len = fill_worker_answer(fs->queue, fs->nqueue, &fs->answers, &fs->answers_cap);
	fill_slots_take_answers(fs, fs->answers, len);
	queue_done(fs);
}

/* fill_slots_take_answers - the companion's whole answers at the start of @buf into their slots */
size_t fill_slots_take_answers(void *ctx, const char *buf, size_t len)
{
	struct fill_slots *fs = ctx;
	size_t off = 0;

	while (len - off >= sizeof(struct fill_result)) {
		struct fill_result res;
		struct fill_slot *s;

		memcpy(&res, buf + off, sizeof(res));
		if (len - off < sizeof(res) + res.len)
			break;
		/* a slot the kernel's copy answered first is no longer waiting (it has no chain) */
		for (s = fill_slot_of(fs, res.id); s && s->state == SLOT_WAITING;
		     s = fill_slot_of(fs, s->next_same)) {
			s->res = res;
			s->payload = res.len < sizeof(s->small) ? s->small : xrealloc(NULL, res.len + 1);
			memcpy(s->payload, buf + off + sizeof(res), res.len);
			s->payload[res.len] = '\0';
			s->state = SLOT_ANSWERED;
		}
		off += sizeof(res) + res.len;
	}
	return off;
}

/* fill_slots_short - whether the free slots may not do for @events more events */
bool fill_slots_short(const struct fill_slots *fs, unsigned int events)
{
	return fs->inuse + events * ROOM_MIN > FILL_SLOTS;
}

/*
 * fill_slots_has_room - whether the next event's fills find free slots.
 * When not, the drain leaves events in the ring buffer and waits for
 * answers; after FULL_WAIT_NS it reads on and the oldest fills are
 * dropped (a fill is worth less than an event), and it does not wait
 * again for FULL_REST_NS: a companion that keeps falling behind must not
 * slow the drain until the ring buffer overruns.
 */
bool fill_slots_has_room(struct fill_slots *fs)
{
	unsigned long long now;

	if (!fill_slots_short(fs, 1)) {
		fs->full_since = 0;
		return true;
	}
	now = now_ns();
	if (now < fs->rest_until)
		return true;
	if (!fs->full_since)
		fs->full_since = now;
	if (now - fs->full_since <= FULL_WAIT_NS)
		return false;
	fs->full_since = 0;
	fs->rest_until = now + FULL_REST_NS;
	return true;
}

/*
 * fill_slots_read_instead - the kernel's copy of @s's value is not coming
 * (kcapture.c): its read is queued as any other
 */
void fill_slots_read_instead(struct fill_slots *fs, struct fill_slot *s)
{
	struct fill_ask ask = {
		.pid = s->pid, .addr = s->addr, .kind = s->kind, .max = s->max,
		.max_items = s->max_items, .flags = s->req_flags,
	};

	s->state = SLOT_WAITING;
	fs->queued_asks++;
	queue_read(fs, s, &ask);
}

/* fill_slot_kernel_copy - @s's value is the kernel's copy @path, made at @ts */
void fill_slot_kernel_copy(struct fill_slot *s, const char *path, unsigned int len,
			   unsigned long long ts)
{
	if (s->payload && s->payload != s->small)
		free(s->payload);
	s->payload = len < sizeof(s->small) ? s->small : xrealloc(NULL, len + 1);
	memcpy(s->payload, path, len);
	s->payload[len] = '\0';
	s->res = (struct fill_result) { .id = s->id, .status = FILL_OK, .read_ns = ts, .len = len };
	s->state = SLOT_ANSWERED;
	s->from_kernel = true;
}
