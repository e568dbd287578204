// SPDX-License-Identifier: GPL-2.0
/*
 * A count's rows printed: biggest count first (--top N of them), a column
 * per key, a total line with the events lost; histograms drawn as
 * bpftrace draws hist(); or, with --format=json, one JSON object a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "utils.h"

#define BAR_WIDTH 52

/* Biggest count first; equal counts by key, so that runs compare. */
static int by_count(const void *pa, const void *pb)
{
	const struct agg_row *a = *(const struct agg_row *const *)pa;
	const struct agg_row *b = *(const struct agg_row *const *)pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* The rows to print, sorted; their number in *n. */
static struct agg_row **sorted_rows(const struct agg_table *t, const struct agg_opts *a,
				    unsigned int *n)
{
	struct agg_row **v = xcalloc(t->n + 1, sizeof(*v));
	unsigned int k = 0;

	for (unsigned int i = 0; i < t->cap; i++)
		if (t->rows[i].key)
			v[k++] = &t->rows[i];
	qsort(v, k, sizeof(*v), by_count);
	*n = a->top && a->top < k ? a->top : k;
	return v;
}

/* Key part @i of @row (the text up to the next separator), its length in *len. */
static const char *key_part(const struct agg_row *row, int i, size_t *len)
{
	const char *p = row->key, *end;

	while (i-- > 0 && (p = memchr(p, AGG_KEY_SEP, row->key + row->klen - p)))
		p++;
	if (!p)
		p = row->key + row->klen;
	end = memchr(p, AGG_KEY_SEP, row->key + row->klen - p);
	*len = (end ? end : row->key + row->klen) - p;
	return p;
}

/* Whether key text @p is a stack's frames. */
static bool is_stack(const char *p, size_t len)
{
	return memchr(p, AGG_FRAME_SEP, len) != NULL;
}

/* The frame at *@at of key text @p (@len bytes) in *@frame, its length; *@at moves past it. */
static size_t next_frame(const char *p, size_t len, size_t *at, const char **frame)
{
	const char *sep = memchr(p + *at, AGG_FRAME_SEP, len - *at);
	size_t n = (sep ? (size_t)(sep - p) : len) - *at;

	*frame = p + *at;
	*at += n + 1;
	return n;
}

/* The widest line of key text @p: a stack's widest frame. */
static size_t key_width(const char *p, size_t len)
{
	size_t width = 0, at = 0, n;
	const char *frame;

	while (at < len) {
		n = next_frame(p, len, &at, &frame);
		width = n > width ? n : width;
	}
	return width;
}

/* A stack's frames, as bpftrace prints a key's stack: each on a line of its own, indented. */
static void put_frames(struct outbuf *o, const char *p, size_t len)
{
	size_t at = 0, n;
	const char *frame;

	outbuf_putc(o, '\n');
	while (at < len) {
		n = next_frame(p, len, &at, &frame);
		outbuf_puts(o, "    ");
		outbuf_add(o, frame, n);
		outbuf_putc(o, '\n');
	}
}

/* Key text @p in a histogram's title, or as JSON (@json): a stack as its frames. */
static void put_key_text(struct outbuf *o, const char *p, size_t len, bool json);

static void put_sum(struct outbuf *o, const struct agg_table *t, unsigned long long sum)
{
	if (t->sum_signed)
		outbuf_sdec(o, (long long)sum);
	else
		outbuf_dec(o, sum);
}

/* A bucket bound as bpftrace writes it: 1K, 2M, ... for multiples of 1024. */
static void put_bound(struct outbuf *o, unsigned int k)
{
	static const char suffix[] = " KMGTPE";
	unsigned long long v;
	int s = 0;

	if (k >= 64) {
		outbuf_puts(o, "16E");
		return;
	}
	v = 1ULL << k;
	while (v >= 1024 && !(v % 1024)) {
		v /= 1024;
		s++;
	}
	outbuf_dec(o, v);
	if (s)
		outbuf_putc(o, suffix[s]);
}

/* One histogram line: "[lo, hi)   count |@@@   |". */
static void put_bucket(struct outbuf *o, unsigned int b, unsigned long long n,
		       unsigned long long max)
{
	size_t start = o->len;
	unsigned int bar = max ? (unsigned int)(n * BAR_WIDTH / max) : 0;

	if (b == 0) {
		outbuf_puts(o, "(..., 0)");
	} else if (b <= 2) {
		outbuf_printf(o, "[%u]", b - 1);
	} else {
		outbuf_putc(o, '[');
		put_bound(o, b - 2);
		outbuf_puts(o, ", ");
		put_bound(o, b - 1);
		outbuf_putc(o, ')');
	}
	while (o->len - start < 16)
		outbuf_putc(o, ' ');
	outbuf_num(o, n, 10, 8, ' ', false);
	outbuf_puts(o, " |");
	for (unsigned int i = 0; i < BAR_WIDTH; i++)
		outbuf_putc(o, i < bar ? '@' : ' ');
	outbuf_puts(o, "|\n");
}

/* A row's histogram, from its first to its last bucket that counted. */
static void put_hist(struct outbuf *o, const struct agg_row *row, const struct agg_opts *a)
{
	unsigned int lo = AGG_BUCKETS, hi = 0;
	unsigned long long max = 0;

	outbuf_printf(o, "@%s", a->latency ? "usecs" : a->hist);
	for (int i = 0; i < a->nkeys; i++) {
		size_t len;
		const char *p = key_part(row, i, &len);

		outbuf_puts(o, i ? ", " : "[");
		put_key_text(o, p, len, false);
	}
	outbuf_puts(o, a->nkeys ? "]:\n" : ":\n");
	for (unsigned int b = 0; b < AGG_BUCKETS; b++)
		if (row->buckets[b]) {
			lo = b < lo ? b : lo;
			hi = b;
			max = row->buckets[b] > max ? row->buckets[b] : max;
		}
	for (unsigned int b = lo; b <= hi && lo < AGG_BUCKETS; b++)
		put_bucket(o, b, row->buckets[b], max);
	outbuf_putc(o, '\n');
}

/*
 * A row's keys, after its count (the line began at @line), each padded to
 * its column's @width; a stack's first frame on the row's line, the others
 * below it in its column.
 */
static void put_row_keys(struct outbuf *o, const struct agg_row *row, const struct agg_opts *a,
			 const size_t *width, size_t line)
{
	const char *stack = NULL, *frame;
	size_t stack_len = 0, column = 0, at = 0, n;

	for (int i = 0; i < a->nkeys; i++) {
		size_t len;
		const char *p = key_part(row, i, &len);

		outbuf_puts(o, "  ");
		if (is_stack(p, len)) {
			column = o->len - line;
			stack = memchr(p, AGG_FRAME_SEP, len) + 1;
			stack_len = len - (stack - p);
			len = stack - p - 1;
		}
		outbuf_add(o, p, len);
		for (; i + 1 < a->nkeys && len < width[i]; len++)
			outbuf_putc(o, ' ');
	}
	outbuf_putc(o, '\n');
	while (stack && at < stack_len) {
		n = next_frame(stack, stack_len, &at, &frame);
		for (size_t k = 0; k < column; k++)
			outbuf_putc(o, ' ');
		outbuf_add(o, frame, n);
		outbuf_putc(o, '\n');
	}
}

/* The counts as a table: COUNT [SUM] KEY..., then the total. */
static void put_table(struct outbuf *o, const struct agg_table *t, const struct agg_opts *a,
		      struct agg_row **rows, unsigned int n)
{
	size_t width[AGG_KEYS_MAX];

	for (int i = 0; i < a->nkeys; i++) {
		width[i] = strlen(a->keys[i].name);
		for (unsigned int r = 0; r < n; r++) {
			size_t len;

			const char *p = key_part(rows[r], i, &len);

			len = key_width(p, len);
			width[i] = len > width[i] ? len : width[i];
		}
	}
	outbuf_printf(o, "%12s", "COUNT");
	if (a->sum)
		outbuf_printf(o, " %16s", "SUM");
	for (int i = 0; i < a->nkeys; i++)
		outbuf_printf(o, "  %-*s", i + 1 < a->nkeys ? (int)width[i] : 0, a->keys[i].name);
	outbuf_putc(o, '\n');
	for (unsigned int r = 0; r < n; r++) {
		size_t line = o->len;

		outbuf_num(o, rows[r]->count, 10, 12, ' ', false);
		if (a->sum) {
			char sum[24];

			if (t->sum_signed)
				snprintf(sum, sizeof(sum), "%lld", (long long)rows[r]->sum);
			else
				snprintf(sum, sizeof(sum), "%llu", rows[r]->sum);
			outbuf_printf(o, " %16s", sum);
		}
		put_row_keys(o, rows[r], a, width, line);
	}
}

/* The total line: events counted, rows left out by --top, events lost. */
static void put_total(struct outbuf *o, const struct agg_table *t, unsigned int shown)
{
	outbuf_num(o, t->events, 10, 12, ' ', false);
	outbuf_puts(o, "  (total");
	if (shown < t->n)
		outbuf_printf(o, "; %u of %u keys shown", shown, t->n);
	if (t->lost > 0)
		outbuf_printf(o, "; %lld events lost", t->lost);
	else if (t->lost < 0)
		outbuf_puts(o, "; events lost, how many unknown");
	outbuf_puts(o, ")\n");
}

/* A JSON string from trusted, already escaped text: quotes and backslashes. */
static void put_json_string(struct outbuf *o, const char *s, size_t len)
{
	outbuf_putc(o, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			outbuf_putc(o, '\\');
		if ((unsigned char)s[i] < 0x20)
			outbuf_printf(o, "\\u%04x", (unsigned char)s[i]);
		else
			outbuf_putc(o, s[i]);
	}
	outbuf_putc(o, '"');
}

static void put_key_text(struct outbuf *o, const char *p, size_t len, bool json)
{
	size_t at = 0, n;
	const char *frame;

	if (!is_stack(p, len)) {
		if (json)
			put_json_string(o, p, len);
		else
			outbuf_add(o, p, len);
		return;
	}
	if (!json) {
		put_frames(o, p, len);
		return;
	}
	outbuf_putc(o, '[');
	while (at < len) {
		if (at)
			outbuf_putc(o, ',');
		n = next_frame(p, len, &at, &frame);
		put_json_string(o, frame, n);
	}
	outbuf_putc(o, ']');
}

/* One row as a JSON object. */
static void put_json_row(struct outbuf *o, const struct agg_table *t, const struct agg_opts *a,
			 const struct agg_row *row)
{
	outbuf_puts(o, "{\"key\":{");
	for (int i = 0; i < a->nkeys; i++) {
		size_t len;
		const char *p = key_part(row, i, &len);

		if (i)
			outbuf_putc(o, ',');
		put_json_string(o, a->keys[i].name, strlen(a->keys[i].name));
		outbuf_putc(o, ':');
		put_key_text(o, p, len, true);
	}
	outbuf_printf(o, "},\"count\":%llu", row->count);
	if (a->sum) {
		outbuf_puts(o, ",\"sum\":");
		put_sum(o, t, row->sum);
	}
	if (row->buckets) {
		bool first = true;

		outbuf_puts(o, ",\"hist\":[");
		for (unsigned int b = 0; b < AGG_BUCKETS; b++) {
			if (!row->buckets[b])
				continue;
			outbuf_puts(o, first ? "{" : ",{");
			first = false;
			if (b == 0)
				outbuf_puts(o, "\"max\":-1");
			else if (b == 1)
				outbuf_puts(o, "\"min\":0,\"max\":0");
			else
				outbuf_printf(o, "\"min\":%llu,\"max\":%llu", 1ULL << (b - 2),
					      (1ULL << (b - 2)) + ((1ULL << (b - 2)) - 1));
			outbuf_printf(o, ",\"count\":%llu}", row->buckets[b]);
		}
		outbuf_putc(o, ']');
	}
	outbuf_putc(o, '}');
}

static void put_json(struct outbuf *o, const struct agg_table *t, const struct agg_opts *a,
		     struct agg_row **rows, unsigned int n, double elapsed)
{
	outbuf_printf(o, "{\"seconds\":%.3f,\"events\":%llu,\"lost\":%lld,\"keys\":[", elapsed,
		      t->events, t->lost);
	for (int i = 0; i < a->nkeys; i++) {
		if (i)
			outbuf_putc(o, ',');
		put_json_string(o, a->keys[i].name, strlen(a->keys[i].name));
	}
	outbuf_puts(o, "],\"rows\":[");
	for (unsigned int r = 0; r < n; r++) {
		if (r)
			outbuf_putc(o, ',');
		put_json_row(o, t, a, rows[r]);
	}
	outbuf_puts(o, "]}\n");
}

/*
 * agg_print - @t's rows to @o as @a asks; @elapsed: the seconds counted
 * (with -i, a line with the time of day comes first)
 */
void agg_print(struct outbuf *o, struct agg_table *t, const struct agg_opts *a, double elapsed)
{
	unsigned int n;
	struct agg_row **rows = sorted_rows(t, a, &n);

	if (a->json) {
		put_json(o, t, a, rows, n, elapsed);
	} else {
		if (a->interval) {
			char when[16];
			time_t now = time(NULL);

			strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
			outbuf_printf(o, "%s\n", when);
		}
		if (t->hist)
			for (unsigned int r = 0; r < n; r++)
				put_hist(o, rows[r], a);
		else
			put_table(o, t, a, rows, n);
		put_total(o, t, n);
	}
	free(rows);
}
