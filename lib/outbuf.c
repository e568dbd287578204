// SPDX-License-Identifier: GPL-2.0
/*
 * The output buffer: lines are built here and written once per batch, and
 * bytes that came from a traced process are C-escaped on the way in, so a
 * control character never reaches the terminal and a newline never splits
 * a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"
#include "utils.h"

/* outbuf_init - an empty buffer that flushes to @file */
void outbuf_init(struct outbuf *o, FILE *file)
{
	memset(o, 0, sizeof(*o));
	o->file = file;
	o->cap = 1 << 16;
	o->buf = xcalloc(1, o->cap);
}

/* outbuf_free - release the buffer (unflushed data is dropped) */
void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

/* outbuf_grow - the slow path of outbuf_reserve: a bigger buffer */
void outbuf_grow(struct outbuf *o, size_t n)
{
	while (o->len + n + 1 > o->cap)
		o->cap *= 2;
	o->buf = xrealloc(o->buf, o->cap);
}

/* outbuf_puts - append a trusted NUL-terminated string */
void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_add(o, s, strlen(s));
}

/* outbuf_printf - append formatted trusted text */
void outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= o->cap - o->len) {
		outbuf_reserve(o, n);
		va_start(ap, fmt);
		vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
	}
	o->len += n;
}

/*
 * outbuf_num - append @v in @base 10 or 16, at least @width characters:
 * padded on the left with @pad (' ' or '0'), or on the right with spaces
 * when @left. The printf conversions of the hot paths, without printf:
 * the digits are counted first and written in place.
 */
void outbuf_num(struct outbuf *o, unsigned long long v, int base, int width, char pad, bool left)
{
	static const char hex[] = "0123456789abcdef";
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	int n = 1, fill;
	char *end;

	if (base == 16) {
		n = v ? (64 - __builtin_clzll(v) + 3) / 4 : 1;
	} else {
		static const unsigned long long pow10[] = {
			10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
			100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
			1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
			1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
			1000000000000000000ULL, 10000000000000000000ULL,
		};

		while (n <= 19 && v >= pow10[n - 1])
			n++;
	}
	fill = width > n ? width - n : 0;
	outbuf_reserve(o, n + fill + 1);
	if (!left) {
		memset(o->buf + o->len, pad, fill);
		o->len += fill;
	}
	end = o->buf + o->len + n;
	if (base == 16) {
		do {
			*--end = hex[v & 15];
			v >>= 4;
		} while (v);
	} else {
		while (v >= 100) {
			unsigned int d = v % 100;

			v /= 100;
			*--end = pairs[2 * d + 1];
			*--end = pairs[2 * d];
		}
		if (v >= 10) {
			*--end = pairs[2 * v + 1];
			*--end = pairs[2 * v];
		} else {
			*--end = '0' + v;
		}
	}
	o->len += n;
	if (left) {
		memset(o->buf + o->len, ' ', fill);
		o->len += fill;
	}
}

/* outbuf_dec - append @v as "%llu" */
void outbuf_dec(struct outbuf *o, unsigned long long v)
{
	outbuf_num(o, v, 10, 0, ' ', false);
}

/* outbuf_sdec - append @v as "%lld" */
void outbuf_sdec(struct outbuf *o, long long v)
{
	if (v < 0) {
		outbuf_putc(o, '-');
		outbuf_num(o, -(unsigned long long)v, 10, 0, ' ', false);
		return;
	}
	outbuf_num(o, v, 10, 0, ' ', false);
}

/* outbuf_hex - append @v as "0x%llx" */
void outbuf_hex(struct outbuf *o, unsigned long long v)
{
	outbuf_add(o, "0x", 2);
	outbuf_num(o, v, 16, 0, ' ', false);
}

static bool needs_escape(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '\\' || c == '"';
}

/*
 * outbuf_escaped - append untrusted bytes C-escaped: \n \t \r \\ \" and
 * \xNN for every other byte outside printable ASCII
 */
void outbuf_escaped(struct outbuf *o, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = data;
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		char *p;

		if (!needs_escape(c))
			continue;
		outbuf_add(o, (const char *)s + start, i - start);
		start = i + 1;
		outbuf_reserve(o, 4);
		p = o->buf + o->len;
		*p++ = '\\';
		switch (c) {
		case '\n': *p++ = 'n'; break;
		case '\t': *p++ = 't'; break;
		case '\r': *p++ = 'r'; break;
		case '\\': *p++ = '\\'; break;
		case '"': *p++ = '"'; break;
		default:
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
		o->len = p - o->buf;
	}
	outbuf_add(o, (const char *)s + start, len - start);
}

/*
 * outbuf_sanitize_from - escape control bytes in text appended since @from
 * by code that does not escape (libtraceevent's formatting)
 */
void outbuf_sanitize_from(struct outbuf *o, size_t from)
{
	size_t n = o->len - from, i;
	char *copy;

	for (i = from; i < o->len; i++) {
		unsigned char c = o->buf[i];

		if (c < 0x20 || c >= 0x7f)
			break;
	}
	if (i == o->len)
		return;
	copy = xstrndup(o->buf + from, n);
	o->len = from;
	for (i = 0; i < n; i++) {
		unsigned char c = copy[i];

		if (c < 0x20 || c >= 0x7f)
			outbuf_escaped(o, &copy[i], 1);
		else
			outbuf_putc(o, c);
	}
	free(copy);
}

/* outbuf_flush - write everything out; -1 when the reader is gone (EPIPE) */
int outbuf_flush(struct outbuf *o)
{
	size_t done = 0;
	int fd = fileno(o->file);

	fflush(o->file);
	while (done < o->len && !o->broken) {
		ssize_t n = write(fd, o->buf + done, o->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->broken = true;
			break;
		}
		done += n;
	}
	o->len = 0;
	return o->broken ? -1 : 0;
}
