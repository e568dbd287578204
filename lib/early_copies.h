/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_EARLY_COPIES_H
#define KTP_EARLY_COPIES_H

/* Copies of paths made at the call, before their syscall's event (early_copies.c). */
#include <stdbool.h>

struct kcopy;

struct early_copy {
	int tid;
	unsigned long long uptr, ts;
	unsigned int len, cap;
	char *path;
};

struct early_event {
	int tid;
	unsigned long long ts;
};

struct early_copies {
	struct early_copy *v;
	struct early_event *last;	/* each thread's latest event */
};

void early_copies_init(struct early_copies *e);
void early_copies_free(struct early_copies *e);
void early_copies_event(struct early_copies *e, int tid, unsigned long long ts);
void early_copies_put(struct early_copies *e, const struct kcopy *c);
const struct early_copy *early_copies_take(struct early_copies *e, int tid,
					   unsigned long long uptr, unsigned long long ts);

#endif
