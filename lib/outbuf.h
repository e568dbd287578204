/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_OUTBUF_H
#define KTP_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Output collected for one batch of events, written with one write. */
struct outbuf {
	char *buf;
	size_t len, cap;
	FILE *file;
	bool broken;		/* the reader went away (EPIPE) */
};

void outbuf_init(struct outbuf *o, FILE *file);
void outbuf_free(struct outbuf *o);
void outbuf_grow(struct outbuf *o, size_t n);
void outbuf_puts(struct outbuf *o, const char *s);
void outbuf_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void outbuf_num(struct outbuf *o, unsigned long long v, int base, int width, char pad, bool left);
void outbuf_dec(struct outbuf *o, unsigned long long v);
void outbuf_sdec(struct outbuf *o, long long v);
void outbuf_hex(struct outbuf *o, unsigned long long v);
void outbuf_escaped(struct outbuf *o, const void *data, size_t len);
void outbuf_sanitize_from(struct outbuf *o, size_t from);
int outbuf_flush(struct outbuf *o);

/* outbuf_reserve - make room for @n more bytes */
static inline void outbuf_reserve(struct outbuf *o, size_t n)
{
	if (o->len + n + 1 > o->cap)
		outbuf_grow(o, n);
}

/* outbuf_add - append @n bytes as they are (trusted text only) */
static inline void outbuf_add(struct outbuf *o, const char *s, size_t n)
{
	outbuf_reserve(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* outbuf_putc - append one trusted byte */
static inline void outbuf_putc(struct outbuf *o, char c)
{
	outbuf_reserve(o, 1);
	o->buf[o->len++] = c;
}

#endif
