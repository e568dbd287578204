/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_H
#define KTP_FILL_H

/*
 * The companion reader's protocol: ktprobe writes fill requests to ktfill's
 * standard input and reads results from its standard output. Both sides run
 * on one machine, so the structures go as they are in memory.
 */
#include <stdint.h>

enum fill_kind {
	FILL_STRING = 1,	/* a NUL-terminated string, at most max bytes */
	FILL_BYTES = 2,		/* exactly max bytes */
	FILL_STRV = 3,		/* a NULL-terminated array of strings (argv) */
};

enum fill_status {
	FILL_OK = 0,
	FILL_GONE,		/* ESRCH: the process is gone */
	FILL_UNMAPPED,		/* EFAULT/EIO: nothing mapped at the address */
	FILL_DENIED,		/* EPERM: not allowed to read it */
	FILL_FAILED,		/* another error */
};

enum fill_flags {
	FILL_TRUNCATED = 1,	/* the limit was reached: more follows in memory */
	FILL_UNTERMINATED = 2,	/* the string runs into unmapped memory */
	FILL_HAS_CMDLINE = 4,	/* /proc/PID/cmdline follows the value */
	FILL_CMDLINE_NEW = 8,	/* read once the value's memory was gone: the new program's */
};

/* Request flags */
#define FILLREQ_CMDLINE 1	/* execve's argv: also read /proc/PID/cmdline */
#define FILLREQ_ENVIRON 2	/* execve's envp: also read /proc/PID/environ */

struct fill_request {
	uint32_t id;
	int32_t pid;
	uint64_t addr;
	uint32_t kind;		/* enum fill_kind */
	uint32_t max;		/* bytes (per string for FILL_STRV) */
	uint32_t max_items;	/* FILL_STRV: at most this many strings */
	uint32_t flags;		/* FILLREQ_* */
};

/*
 * A result, followed by len bytes: the value (FILL_STRING, FILL_BYTES), or
 * for FILL_STRV count items of { uint32_t len, uint32_t flags, bytes }; with
 * FILL_HAS_CMDLINE then { uint64_t read_ns, uint32_t len, bytes } of
 * /proc/PID/cmdline, read after the value (what argv became after an exec).
 */
struct fill_result {
	uint32_t id;
	int32_t status;		/* enum fill_status */
	uint64_t read_ns;	/* CLOCK_MONOTONIC just after the read */
	uint32_t len;
	uint32_t flags;		/* enum fill_flags */
	uint32_t count;
	uint32_t pad;
};

#define FILL_MAX_PAYLOAD	(64 * 1024)
#define FILL_PATH_MAX		4096

#endif
