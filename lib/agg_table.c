// SPDX-License-Identifier: GPL-2.0
/*
 * The rows of a count: one per distinct key text, found by hashing
 * (open addressing, grown at half full), each with its count, sum and,
 * for histograms, its power-of-two buckets.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "utils.h"

static unsigned long long hash_key(const char *key, size_t len)
{
	unsigned long long h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
	return h;
}

/* agg_table_init - an empty table; @hist: rows get buckets */
void agg_table_init(struct agg_table *t, bool hist, bool sum_signed)
{
	memset(t, 0, sizeof(*t));
	t->hist = hist;
	t->sum_signed = sum_signed;
}

/* The slot of @key in @rows (of @cap, a power of two): its row or a free one. */
static struct agg_row *slot_of(struct agg_row *rows, unsigned int cap, const char *key, size_t len)
{
	unsigned int i = hash_key(key, len) & (cap - 1);

	while (rows[i].key && (rows[i].klen != len || memcmp(rows[i].key, key, len)))
		i = (i + 1) & (cap - 1);
	return &rows[i];
}

static void grow(struct agg_table *t)
{
	unsigned int cap = t->cap ? t->cap * 2 : 64;
	struct agg_row *rows = xcalloc(cap, sizeof(*rows));

	for (unsigned int i = 0; i < t->cap; i++)
		if (t->rows[i].key)
			*slot_of(rows, cap, t->rows[i].key, t->rows[i].klen) = t->rows[i];
	free(t->rows);
	t->rows = rows;
	t->cap = cap;
}

/* agg_table_row - the row of @key, added empty if new */
struct agg_row *agg_table_row(struct agg_table *t, const char *key, size_t len)
{
	struct agg_row *row;

	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	row = slot_of(t->rows, t->cap, key, len);
	if (!row->key) {
		row->key = xcalloc(len + 1, 1);
		memcpy(row->key, key, len);
		row->key[len] = '\0';
		row->klen = len;
		if (t->hist)
			row->buckets = xcalloc(AGG_BUCKETS, sizeof(*row->buckets));
		t->n++;
	}
	return row;
}

/*
 * agg_bucket - @v's bucket, as bpftrace's hist() has them: negative
 * values, zero, then [1], [2, 4), [4, 8) ... [2^63, 2^64)
 */
unsigned int agg_bucket(unsigned long long v, bool is_signed)
{
	if (is_signed && (long long)v < 0)
		return 0;
	if (!v)
		return 1;
	return 2 + (63 - __builtin_clzll(v));
}

/* agg_table_clear - no rows (the next interval starts from nothing) */
void agg_table_clear(struct agg_table *t)
{
	for (unsigned int i = 0; i < t->cap; i++) {
		free(t->rows[i].key);
		free(t->rows[i].buckets);
	}
	free(t->rows);
	t->rows = NULL;
	t->cap = t->n = 0;
	t->events = 0;
	t->lost = 0;
}

/* agg_table_free - the rows and their keys */
void agg_table_free(struct agg_table *t)
{
	agg_table_clear(t);
}
