// SPDX-License-Identifier: GPL-2.0
/*
 * Reading another process's memory with process_vm_readv, the way a careful
 * debugger does: in chunks that never cross a page boundary (the kernel
 * transfers whole iovecs only, so a string that ends just before an
 * unmapped page is still read), many reads of one process in one system
 * call, every length bounded, and each errno given its meaning.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "fill.h"
#include "ucopy.h"

#define BATCH 256
#define FIRST_STRING_CHUNK 256

/* The status an errno of process_vm_readv stands for. */
static int status_of(int err)
{
	switch (err) {
	case ESRCH:
		return FILL_GONE;
	case EFAULT:
	case EIO:
	case ENOMEM:
		return FILL_UNMAPPED;
	case EPERM:
	case EACCES:
		return FILL_DENIED;
	default:
		return FILL_FAILED;
	}
}

/*
 * The next chunk of @r: from where it stands to the page end or its limit;
 * a string's first chunk at most FIRST_STRING_CHUNK bytes (most strings are
 * short: copying to the page end would cost more than the read).
 */
static size_t chunk_len(const struct ucopy *r, size_t page)
{
	uint64_t at = r->addr + r->len;
	size_t to_page = page - (at & (page - 1));
	size_t left = r->max - r->len;

	if (r->string && !r->len && to_page > FIRST_STRING_CHUNK)
		to_page = FIRST_STRING_CHUNK;
	return left < to_page ? left : to_page;
}

/*
 * One round: the next chunk of every read in @active, as few system calls
 * as possible. A failing chunk ends its read; the others go on.
 */
static void read_round(pid_t pid, struct ucopy **active, int n, size_t page)
{
	struct iovec local[BATCH], remote[BATCH];
	int start = 0;

	while (start < n) {
		int cnt = n - start < BATCH ? n - start : BATCH;
		ssize_t got;

		for (int i = 0; i < cnt; i++) {
			struct ucopy *r = active[start + i];

			local[i].iov_base = r->buf + r->len;
			local[i].iov_len = chunk_len(r, page);
			remote[i].iov_base = (void *)(uintptr_t)(r->addr + r->len);
			remote[i].iov_len = local[i].iov_len;
		}
		got = process_vm_readv(pid, local, cnt, remote, cnt, 0);
		if (got < 0) {
			int st = status_of(errno);

			if (st == FILL_GONE || st == FILL_DENIED) {
				for (int i = start; i < n; i++)
					active[i]->status = st;
				return;
			}
			/* the first chunk failed: that read ends here */
			active[start]->status = st;
			start++;
			continue;
		}
		/* whole iovecs only: count the complete ones, the next one failed */
		for (int i = 0; i < cnt; i++) {
			struct ucopy *r = active[start + i];

			if ((size_t)got < remote[i].iov_len) {
				r->status = FILL_UNMAPPED;
				start += i + 1;
				goto next;
			}
			got -= remote[i].iov_len;
			r->len += remote[i].iov_len;
		}
		start += cnt;
next:
		;
	}
}

/* After a round: is @r complete (NUL found, limit reached), or does it go on? */
static int read_done(struct ucopy *r)
{
	if (r->string) {
		char *nul = memchr(r->buf, '\0', r->len);

		if (nul) {
			r->len = nul - r->buf;
			return 1;
		}
	}
	if (r->len >= r->max) {
		if (r->string)
			r->flags |= FILL_TRUNCATED;
		return 1;
	}
	return 0;
}

/*
 * ucopy_read - do @n reads in the memory of @pid
 *
 * A read that hits an unmapped page after some bytes keeps them and is
 * marked FILL_UNTERMINATED; a read that fails at its first byte gets the
 * status of the error (gone, unmapped, not permitted).
 */
void ucopy_read(pid_t pid, struct ucopy *reads, int n)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct ucopy *active[BATCH];
	int nactive;

	for (int i = 0; i < n; i++) {
		reads[i].len = 0;
		reads[i].status = FILL_OK;
		reads[i].flags = 0;
	}
	for (int base = 0; base < n; base += BATCH) {
		int cnt = n - base < BATCH ? n - base : BATCH;

		nactive = 0;
		for (int i = 0; i < cnt; i++)
			if (reads[base + i].max)
				active[nactive++] = &reads[base + i];
		while (nactive) {
			int keep = 0;

			read_round(pid, active, nactive, page);
			for (int i = 0; i < nactive; i++) {
				struct ucopy *r = active[i];

				if (r->status != FILL_OK) {
					if (r->len) {
						/* read up to an unmapped page: keep what was there */
						r->status = FILL_OK;
						r->flags |= FILL_UNTERMINATED;
					}
					continue;
				}
				if (!read_done(r))
					active[keep++] = r;
			}
			nactive = keep;
		}
	}
}
