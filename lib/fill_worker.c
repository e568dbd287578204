// SPDX-License-Identifier: GPL-2.0
/*
 * The companion's reading loop (ktfill --serve): take every fill request
 * that is waiting, read them grouped by process, answer each. It never
 * blocks the tracer: the tracer drops requests when the pipe is full.
 * The same answering serves ktprobe's own reads (fill_worker_answer).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fill.h"
#include "fill_worker.h"
#include "ucopy.h"
#include "utils.h"

#define MAX_REQS 1024

struct job {
	struct fill_request req;
	unsigned long long read_ns;	/* just after this job's reads */
	unsigned long long cmdline_ns;	/* just before /proc/PID/cmdline was read */
	char *cmdline;
	size_t cmdline_len;
	struct ucopy main;		/* the string, the bytes, or argv's pointers */
	struct ucopy *items;		/* FILL_STRV: the strings */
	int nitems;
};

static int cmp_pid(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	return x->req.pid < y->req.pid ? -1 : x->req.pid > y->req.pid;
}

static void job_setup(struct job *j)
{
	size_t max = j->req.max;

	memset(&j->main, 0, sizeof(j->main));
	j->cmdline = NULL;
	j->items = NULL;
	j->nitems = 0;
	if (j->req.kind == FILL_STRV) {
		if (j->req.max_items > 256)
			j->req.max_items = 256;
		/* the pointers, and one more to see whether the array goes on */
		max = (j->req.max_items + 1) * sizeof(uint64_t);
	}
	if (max > FILL_MAX_PAYLOAD)
		max = FILL_MAX_PAYLOAD;
	j->main.addr = j->req.addr;
	j->main.max = max;
	j->main.string = j->req.kind == FILL_STRING;
	j->main.buf = xrealloc(NULL, max + 1);	/* read into: no need to clear it */
}

/* argv: after the pointer array was read, set up a read of each string. */
static void job_items(struct job *j)
{
	size_t nptr = j->main.len / sizeof(uint64_t);
	uint64_t *ptr = (uint64_t *)j->main.buf;
	size_t per = j->req.max > FILL_PATH_MAX ? FILL_PATH_MAX : j->req.max;

	if (j->main.status != FILL_OK)
		return;
	j->items = xcalloc(j->req.max_items + 1, sizeof(*j->items));
	for (size_t i = 0; i < nptr && ptr[i]; i++) {
		if ((uint32_t)j->nitems == j->req.max_items) {
			j->main.flags |= FILL_TRUNCATED;
			break;
		}
		j->items[j->nitems].addr = ptr[i];
		j->items[j->nitems].max = per;
		j->items[j->nitems].string = 1;
		j->items[j->nitems].buf = xcalloc(1, per + 1);
		j->nitems++;
	}
}

/* Append @n bytes to the answer buffer. */
static void put(char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, data, n);
	*len += n;
}

static void job_answer(struct job *j, char **out, size_t *len, size_t *cap)
{
	struct fill_result res = {
		.id = j->req.id, .status = j->main.status, .read_ns = j->read_ns,
		.flags = j->main.flags,
	};

	if (j->req.kind != FILL_STRV) {
		res.len = j->main.len;
		put(out, len, cap, &res, sizeof(res));
		put(out, len, cap, j->main.buf, j->main.len);
		return;
	}
	res.count = j->nitems;
	for (int i = 0; i < j->nitems; i++)
		res.len += 8 + j->items[i].len;
	if (j->cmdline) {
		res.flags |= FILL_HAS_CMDLINE;
		res.len += 12 + j->cmdline_len;
	}
	put(out, len, cap, &res, sizeof(res));
	for (int i = 0; i < j->nitems; i++) {
		uint32_t hdr[2] = { j->items[i].len, j->items[i].flags };

		if (j->items[i].status != FILL_OK)
			hdr[1] |= FILL_UNTERMINATED;
		put(out, len, cap, hdr, sizeof(hdr));
		put(out, len, cap, j->items[i].buf, j->items[i].len);
	}
	if (j->cmdline) {
		uint32_t clen = j->cmdline_len;

		put(out, len, cap, &j->cmdline_ns, 8);
		put(out, len, cap, &clen, 4);
		put(out, len, cap, j->cmdline, clen);
	}
}

/*
 * execve's argv and envp, when the exec wins the race with the read, are
 * gone from memory; what they became is in /proc/PID/cmdline and environ
 * (bounded like argv).
 */
static void read_cmdline(struct job *j)
{
	char path[64];
	size_t max = (size_t)j->req.max_items * j->req.max;
	ssize_t n = 0;
	int fd;

	if (max > FILL_MAX_PAYLOAD / 2)
		max = FILL_MAX_PAYLOAD / 2;
	snprintf(path, sizeof(path), "/proc/%d/%s", j->req.pid,
		 j->req.flags & FILLREQ_ENVIRON ? "environ" : "cmdline");
	j->cmdline_ns = now_ns();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	j->cmdline = xcalloc(1, max + 1);
	if (fd >= 0) {
		n = read(fd, j->cmdline, max);
		close(fd);
	}
	j->cmdline_len = n > 0 ? (size_t)n : 0;
}

static void job_free(struct job *j)
{
	free(j->cmdline);
	j->cmdline = NULL;
	free(j->main.buf);
	for (int i = 0; i < j->nitems; i++)
		free(j->items[i].buf);
	free(j->items);
}

/* Read all jobs of one pid: first the values and argv arrays, then argv's strings. */
static void read_group(struct job *jobs, int n)
{
	struct ucopy *reads = xcalloc(n, sizeof(*reads));
	int nitems = 0, k = 0;

	for (int i = 0; i < n; i++)
		reads[i] = jobs[i].main;
	ucopy_read(jobs[0].req.pid, reads, n);
	for (int i = 0; i < n; i++) {
		jobs[i].main = reads[i];
		if (jobs[i].req.kind == FILL_STRV) {
			job_items(&jobs[i]);
			nitems += jobs[i].nitems;
		}
	}
	free(reads);
	if (!nitems)
		return;
	reads = xcalloc(nitems, sizeof(*reads));
	for (int i = 0; i < n; i++)
		for (int t = 0; t < jobs[i].nitems; t++)
			reads[k++] = jobs[i].items[t];
	ucopy_read(jobs[0].req.pid, reads, nitems);
	k = 0;
	for (int i = 0; i < n; i++)
		for (int t = 0; t < jobs[i].nitems; t++)
			jobs[i].items[t] = reads[k++];
	free(reads);
}

/*
 * An execve's argv that could not be read: its memory went with the exec
 * (an argv the caller passed was readable until then), so /proc/PID/cmdline,
 * read after it, is the new program's, even where that read comes before
 * the kernel records the exec (up to 0.7 ms here). It is empty until the
 * new program's arguments are set up (a few ms here for a PIE): wait for
 * them, at most EXEC_WAIT_NS.
 */
#define EXEC_WAIT_NS	10000000ULL

static void take_new_cmdline(struct job *j)
{
	unsigned long long until = now_ns() + EXEC_WAIT_NS;
	struct timespec step = { 0, 200000 };
	bool failed = j->main.status != FILL_OK;

	/* the array may have been read just before the memory went, its strings not */
	for (int i = 0; i < j->nitems; i++)
		failed |= j->items[i].status != FILL_OK;
	if (!failed)
		return;
	while (!j->cmdline_len && now_ns() < until && !kill(j->req.pid, 0)) {
		nanosleep(&step, NULL);
		free(j->cmdline);
		read_cmdline(j);
	}
	if (j->cmdline_len)
		j->main.flags |= FILL_CMDLINE_NEW;
}

/* Read all jobs of one pid and note when: an exec after this time makes them stale. */
static void read_group_timed(struct job *jobs, int n)
{
	unsigned long long t;

	read_group(jobs, n);
	t = now_ns();
	for (int i = 0; i < n; i++) {
		jobs[i].read_ns = t;
		if (jobs[i].req.flags & (FILLREQ_CMDLINE | FILLREQ_ENVIRON)) {
			read_cmdline(&jobs[i]);
			take_new_cmdline(&jobs[i]);
		}
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Read whole requests from @in; blocks for the first one. 0 at end of input. */
static int read_requests(int in, struct fill_request *reqs, int max, char *carry, size_t *ncarry)
{
	size_t want = max * sizeof(*reqs);
	char *buf = (char *)reqs;
	ssize_t n;

	memcpy(buf, carry, *ncarry);
	do {
		n = read(in, buf + *ncarry, want - *ncarry);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	n += *ncarry;
	*ncarry = n % sizeof(*reqs);
	memcpy(carry, buf + n - *ncarry, *ncarry);
	return n / sizeof(*reqs);
}

/*
 * fill_worker_answer - answer @n requests: read them grouped by process,
 * and put each result (struct fill_result and its bytes) in *@answer
 * (grown as needed, *@cap its size); returns the answer's length. ktfill
 * --serve calls it for what comes down its pipe, ktprobe for reads it
 * makes itself (fill_slots.c).
 */
size_t fill_worker_answer(const struct fill_request *reqs, int n, char **answer, size_t *cap)
{
	struct job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		jobs[i].req = reqs[i];
		job_setup(&jobs[i]);
	}
	qsort(jobs, n, sizeof(*jobs), cmp_pid);
	for (int i = 0; i < n; ) {
		int end = i;

		while (end < n && jobs[end].req.pid == jobs[i].req.pid)
			end++;
		read_group_timed(&jobs[i], end - i);
		i = end;
	}
	for (int i = 0; i < n; i++) {
		job_answer(&jobs[i], answer, &len, cap);
		job_free(&jobs[i]);
	}
	free(jobs);
	return len;
}

/*
 * fill_worker_run - answer fill requests from @in on @out until @in ends
 * Returns 0 at the end of the input, -1 when the output is gone.
 */
int fill_worker_run(int in, int out)
{
	struct fill_request *reqs = xcalloc(MAX_REQS, sizeof(*reqs));
	char carry[sizeof(struct fill_request)];
	size_t ncarry = 0, len, cap = 1 << 16;
	char *answer = xcalloc(1, cap);
	int ret = 0;

	for (;;) {
		int n = read_requests(in, reqs, MAX_REQS, carry, &ncarry);

		if (n <= 0)
			break;
		len = fill_worker_answer(reqs, n, &answer, &cap);
		if (write_all(out, answer, len)) {
			ret = -1;
			break;
		}
	}
	free(answer);
	free(reqs);
	return ret;
}
