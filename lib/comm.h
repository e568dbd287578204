/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_COMM_H
#define KTP_COMM_H

/* Command names by pid, as learned from events (fork, exec, rename) or /proc. */
struct comm_cache {
	struct comm_entry *slots;
	int cap, count;
};

void comm_cache_set(struct comm_cache *cc, int pid, const char *comm);
const char *comm_cache_get(const struct comm_cache *cc, int pid);
void comm_cache_clear(struct comm_cache *cc);
void comm_cache_free(struct comm_cache *cc);
void comm_cache_load_saved(struct comm_cache *cc, const char *text);
char *comm_saved_escaped(const char *text);

#endif
