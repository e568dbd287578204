/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_PROCTABLE_H
#define KTP_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "utils.h"

#define PROC_COMM_LEN 16

/* What a run knows of one process (or thread), by pid. */
struct proc {
	int pid;				/* 0: a free entry */
	bool followed;				/* -p: a thread of the traced process */
	bool has_comm, has_saved_comm;
	char comm[PROC_COMM_LEN];		/* as learned from events or /proc */
	char saved_comm[PROC_COMM_LEN];		/* the kernel's saved_cmdlines (live) */
	unsigned long long exec_ts, exit_ts;	/* last exec, exit seen in the stream; 0: none */
	char *exec_file;			/* what it exec'd then */
};

struct proctable {
	struct proc *v;				/* open addressing */
	unsigned int cap, count;
	unsigned long long comm_gen;		/* bumped whenever a comm changes */
};

struct proctable *proctable_new(void);
void proctable_free(struct proctable *t);
const struct proc *proctable_get(const struct proctable *t, int pid);
void proctable_set_comm(struct proctable *t, int pid, const char *comm);
void proctable_forget_comms(struct proctable *t);
void proctable_load_saved_comms(struct proctable *t, const char *text);
void proctable_set_exec(struct proctable *t, int pid, unsigned long long ts, const char *file);
void proctable_set_exit(struct proctable *t, int pid, unsigned long long ts);
void proctable_follow(struct proctable *t, int tid);
bool proctable_followed(const struct proctable *t, int tid);
int proctable_follow_process(struct proctable *t, int pid, struct strv *tids);
bool proc_read_comm(int pid, char *buf, size_t len);

#endif
