// SPDX-License-Identifier: GPL-2.0
/*
 * Writing and reading ktprobe's trace_marker_raw records (see marker.h).
 * A fill record is { u64 event_ts, u64 addr, s32 pid, u16 field_len,
 * u16 text_len, field, text }, after the 4-byte id the kernel takes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "marker.h"

#define FILL_HEADER 24

static int write_record(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* marker_write_fill - one fill's annotation; a long one is cut to fit */
int marker_write_fill(int fd, const struct fill_marker *m)
{
	char buf[4 + FILL_HEADER + MARKER_MAX];
	uint32_t id = MARKER_FILL_ID;
	uint16_t flen = m->field_len > 64 ? 64 : m->field_len;
	uint16_t tlen = m->text_len;
	int32_t pid = m->pid;

	if (tlen > MARKER_MAX - flen)
		tlen = MARKER_MAX - flen;
	memcpy(buf, &id, 4);
	memcpy(buf + 4, &m->event_ts, 8);
	memcpy(buf + 12, &m->addr, 8);
	memcpy(buf + 20, &pid, 4);
	memcpy(buf + 24, &flen, 2);
	memcpy(buf + 26, &tlen, 2);
	memcpy(buf + 28, m->field, flen);
	memcpy(buf + 28 + flen, m->text, tlen);
	return write_record(fd, buf, 28 + flen + tlen);
}

/* marker_write_session - the events asked for, one "system:event" per line */
int marker_write_session(int fd, const struct strv *requested)
{
	char buf[4 + MARKER_MAX];
	uint32_t id = MARKER_SESSION_ID;
	size_t len = 4;

	memcpy(buf, &id, 4);
	for (int i = 0; i < requested->n; i++) {
		size_t n = strlen(requested->v[i]);

		if (len + n + 1 > sizeof(buf))
			break;
		memcpy(buf + len, requested->v[i], n);
		len += n;
		buf[len++] = '\n';
	}
	return write_record(fd, buf, len);
}

/*
 * marker_parse - the id and payload of a raw_data record's fields (@data:
 * from its "id" field on, @size bytes); false if it is not one of ours
 */
bool marker_parse(const void *data, unsigned int size, unsigned int *id,
		  const void **payload, unsigned int *len)
{
	uint32_t v;

	if (size < 4)
		return false;
	memcpy(&v, data, 4);
	if (v != MARKER_FILL_ID && v != MARKER_SESSION_ID)
		return false;
	*id = v;
	*payload = (const char *)data + 4;
	*len = size - 4;
	return true;
}

/* marker_parse_fill - a fill record's parts (pointers into @payload) */
bool marker_parse_fill(const void *payload, unsigned int len, struct fill_marker *m)
{
	const char *p = payload;
	uint16_t flen, tlen;

	if (len < FILL_HEADER)
		return false;
	memcpy(&m->event_ts, p, 8);
	memcpy(&m->addr, p + 8, 8);
	memcpy(&m->pid, p + 16, 4);
	memcpy(&flen, p + 20, 2);
	memcpy(&tlen, p + 22, 2);
	if ((unsigned int)FILL_HEADER + flen + tlen > len)
		return false;
	m->field = p + FILL_HEADER;
	m->field_len = flen;
	m->text = p + FILL_HEADER + flen;
	m->text_len = tlen;
	return true;
}
