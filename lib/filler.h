/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILLER_H
#define KTP_FILLER_H

#include <stdbool.h>
#include <stdint.h>

#include "kcapture.h"
#include "outbuf.h"

/* How a fill can be checked against what the kernel captured at the event. */
enum fill_verify {
	VERIFY_NONE,		/* nothing captured (syscall tracepoints, kprobe faults) */
	VERIFY_STRING,		/* the kernel's own copy of the whole string */
	VERIFY_PREFIX,		/* the first bytes (zeros when the kernel could not read) */
};

/* One value the formatter wants read from a process. */
struct fill_ask {
	int pid;
	uint64_t addr;
	int kind;			/* enum fill_kind */
	unsigned int max, max_items;
	unsigned long long ts;		/* the event's time */
	const void *kernel;		/* what the kernel captured, if anything */
	unsigned int kernel_len;
	enum fill_verify verify;
	bool text;			/* FILL_BYTES shown as a string, not hex */
	unsigned int flags;		/* FILLREQ_* */
	bool exec_file;			/* execve's file name: the exec event has it too */
	bool count_only;		/* FILL_STRV shown as its number of strings (envp) */
	bool kernel_path;		/* a path the kernel may copy in a capture (kcapture.h) */
	const char *field;		/* the field's name (for fill markers) */
	struct outbuf *out;		/* where the line is built (for reports) */
};

/* Where in a line the annotation of fill @id goes. */
struct fill_spot {
	size_t at;
	uint32_t id;
};

struct filler;

struct proctable;
struct kcopy;

struct filler *filler_start(const struct proctable *procs);
int filler_fd(const struct filler *f);
uint32_t filler_request(struct filler *f, const struct fill_ask *ask);
void filler_submit(struct filler *f);
void filler_read_now(struct filler *f);
bool filler_has_room(struct filler *f);
void filler_wait(const struct filler *f, int ms);
bool filler_busy(const struct filler *f);
unsigned long long filler_reads(const struct filler *f);
void filler_event(struct filler *f, int tid, unsigned long long ts);
void filler_expect_copies(struct filler *f, enum kcapture_when when);
void filler_kernel_copy(struct filler *f, const struct kcopy *copy);
void filler_no_more_copies(struct filler *f);
void filler_line(struct filler *f, struct outbuf *out, size_t start,
		 const struct fill_spot *spots, unsigned int nspots);
void filler_flush(struct filler *f, struct outbuf *out, unsigned long long stream_ns, bool all);
void filler_set_marker_fd(struct filler *f, int fd);
void filler_set_keys(struct filler *f);
void filler_stop(struct filler *f);

#endif
