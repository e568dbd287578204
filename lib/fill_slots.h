/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_SLOTS_H
#define KTP_FILL_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "companion.h"
#include "fill.h"
#include "filler.h"

#define FILL_SLOTS	(1u << 13)	/* fills in flight at most */
#define FILL_SAME_KEYS	4096		/* queued reads found again by their key */

enum slot_state {
	SLOT_FREE,
	SLOT_KERNEL,		/* waits for the kernel's copy (kcapture.h), not yet read */
	SLOT_WAITING,		/* its read is queued or made */
	SLOT_ANSWERED,
	SLOT_DROPPED,
};

/* One fill asked for: what to read, what the kernel captured, and the answer. */
struct fill_slot {
	uint32_t id;
	enum slot_state state;
	int pid, kind;
	unsigned long long ts, asked_ns;
	unsigned long long next_ts;	/* the thread's next event in the stream, 0 until seen */
	struct fill_result res;
	char *payload;			/* small, or allocated */
	char small[40];
	char *kernel;
	unsigned int kernel_len;
	enum fill_verify verify;
	bool text, exec_file, count_only;
	bool kernel_path;		/* a path the kernel may copy (kcapture.h) */
	bool from_kernel;		/* the answer is the kernel's copy, not a read */
	unsigned int max, max_items;
	unsigned int req_flags;
	unsigned long long addr;
	const char *field;
	uint32_t next_same;		/* the next slot asking the same read, or 0 */
};

/* The fills in flight, by id, and the requests not yet handed over. */
struct fill_slots {
	struct fill_slot *slots;
	uint32_t next_id;
	struct fill_request *queue;	/* asked for, not yet handed over */
	unsigned int nqueue, qcap;
	unsigned int queued_asks;	/* fills asked for since the last hand-over */
	struct { uint32_t gen, index; } same[FILL_SAME_KEYS];	/* queued reads, by key */
	uint32_t gen;			/* of the queue: bumped at each hand-over */
	uint32_t *last_same;		/* per queued read: the last slot sharing it */
	unsigned long long asked, dropped;
	unsigned long long reads;	/* reads queued (fills the kernel did not copy) */
	unsigned int inuse;		/* slots not free */
	unsigned long long full_since;	/* no room since then, or 0 */
	unsigned long long rest_until;	/* a wait ran out: do not wait again before */
	char *answers;			/* reads made here (fill_slots_read_now) */
	size_t answers_cap;
};

void fill_slots_init(struct fill_slots *fs);
void fill_slots_free(struct fill_slots *fs);
uint32_t fill_slots_ask(struct fill_slots *fs, const struct fill_ask *ask);
void fill_slots_submit(struct fill_slots *fs, struct companion *c);
void fill_slots_read_now(struct fill_slots *fs);
size_t fill_slots_take_answers(void *fs, const char *buf, size_t len);
struct fill_slot *fill_slot_of(struct fill_slots *fs, uint32_t id);
void fill_slot_release(struct fill_slots *fs, struct fill_slot *s);
bool fill_slots_short(const struct fill_slots *fs, unsigned int events);
bool fill_slots_has_room(struct fill_slots *fs);
void fill_slots_read_instead(struct fill_slots *fs, struct fill_slot *s);
void fill_slot_kernel_copy(struct fill_slot *s, const char *path, unsigned int len,
			   unsigned long long ts);

#endif
