/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_TIDSET_H
#define KTP_TIDSET_H

#include <stdbool.h>

/* A set of thread ids (open addressing; ids are > 0). */
struct tidset {
	int *slots;
	int cap, count;
};

void tidset_add(struct tidset *s, int tid);
bool tidset_has(const struct tidset *s, int tid);
void tidset_free(struct tidset *s);
int tidset_add_threads(struct tidset *s, int pid);

#endif
