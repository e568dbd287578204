/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_MARKER_H
#define KTP_MARKER_H

/*
 * Records ktprobe and ktfill write into a ring buffer with trace_marker_raw
 * (ftrace:raw_data events), so that a trace file carries the fills:
 *
 *   "KTFL" fill:    the annotation of one value of one event
 *   "KTPS" session: the events the user asked for (the rest are helpers)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utils.h"

#define MARKER_FILL_ID		0x4c46544bu	/* "KTFL" */
#define MARKER_SESSION_ID	0x5350544bu	/* "KTPS" */
#define MARKER_MAX		3500		/* what trace_marker_raw takes, with room */

struct fill_marker {
	unsigned long long event_ts;	/* the event's time, in the reader's clock */
	unsigned long long addr;	/* the pointer that was read */
	int pid;
	const char *field;		/* not NUL-terminated: field_len bytes */
	unsigned int field_len;
	const char *text;		/* the annotation, "[user ...]" */
	unsigned int text_len;
};

int marker_write_fill(int fd, const struct fill_marker *m);
int marker_write_session(int fd, const struct strv *requested);
bool marker_parse(const void *data, unsigned int size, unsigned int *id,
		  const void **payload, unsigned int *len);
bool marker_parse_fill(const void *payload, unsigned int len, struct fill_marker *m);

#endif
