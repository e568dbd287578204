/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_UCOPY_H
#define KTP_UCOPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One read from another process: a string, or a number of bytes. */
struct ucopy {
	uint64_t addr;
	size_t max;		/* at most this many bytes */
	int string;		/* stop at the first NUL */
	char *buf;		/* max bytes, filled here */
	size_t len;		/* bytes read (without the NUL) */
	int status;		/* enum fill_status */
	int flags;		/* enum fill_flags */
};

void ucopy_read(pid_t pid, struct ucopy *reads, int n);

#endif
