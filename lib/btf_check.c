// SPDX-License-Identifier: GPL-2.0
/*
 * A BTF file given with --btf is checked before its types are walked:
 * every type id it refers to exists, no chain of pointers, qualifiers,
 * typedefs, arrays or prototypes leads back to itself, and no struct holds
 * itself by value. libbpf 1.1 checks none of this, and its declaration
 * writer (btf_dump) and ktprobe's walks would crash or loop on such a file.
 * The running kernel's BTF was checked by the kernel when it booted.
 */
#include <bpf/btf.h>
#include <stdlib.h>

#include "btf_check.h"
#include "utils.h"

struct checker {
	btf_type_at at;
	void *ctx;
	unsigned int count;
	unsigned char *color;		/* 0 unseen, 1 on the path, 2 done */
	unsigned int *stack;		/* ids on the path */
	unsigned int *next;		/* per id on the path: its next edge */
	bool by_value;			/* the second pass: structs' members */
};

/* Kinds whose type is another type's name for something: followed in chains. */
static bool is_chain(const struct btf_type *t)
{
	return btf_is_ptr(t) || btf_is_mod(t) || btf_is_typedef(t) || btf_is_array(t) ||
	       btf_is_func(t) || btf_is_func_proto(t) || btf_is_var(t) || btf_is_decl_tag(t);
}

/* Edge @k of @t: the type it refers to, or -1 past the last (0, void: none). */
static long edge(const struct btf_type *t, unsigned int k)
{
	if (btf_is_array(t))
		return k == 0 ? (long)btf_array(t)->type : k == 1 ? (long)btf_array(t)->index_type : -1;
	if (btf_is_composite(t))
		return k < btf_vlen(t) ? (long)btf_members(t)[k].type : -1;
	if (btf_is_func_proto(t))
		return k == 0 ? (long)t->type : k <= btf_vlen(t) ? (long)btf_params(t)[k - 1].type : -1;
	if (btf_is_datasec(t))
		return k < btf_vlen(t) ? (long)btf_var_secinfos(t)[k].type : -1;
	if (btf_is_int(t) || btf_is_any_enum(t) || btf_is_fwd(t) || btf_is_float(t))
		return -1;
	return k == 0 ? (long)t->type : -1;
}

/* In the by-value pass, a member's type looked through to the struct it holds, if any. */
static unsigned int held_struct(struct checker *c, unsigned int id)
{
	for (int hops = 0; id && hops < 64; hops++) {
		const struct btf_type *t = c->at(c->ctx, id);

		if (!t || btf_is_ptr(t))
			return 0;
		if (btf_is_composite(t))
			return id;
		id = btf_is_array(t) ? btf_array(t)->type :
		     btf_is_mod(t) || btf_is_typedef(t) ? t->type : 0;
	}
	return 0;
}

/* The next node to visit from @id's edge @k in this pass, 0 for none. */
static unsigned int successor(struct checker *c, unsigned int id, unsigned int k, bool *end)
{
	const struct btf_type *t = c->at(c->ctx, id), *u;
	long e = edge(t, k);

	*end = e < 0;
	if (e <= 0)
		return 0;
	if (c->by_value)
		return btf_is_composite(t) ? held_struct(c, e) : 0;
	u = c->at(c->ctx, e);
	return is_chain(t) && u && is_chain(u) ? (unsigned int)e : 0;
}

/* A depth-first walk from @root; the id where a cycle closes, or 0. */
static unsigned int walk(struct checker *c, unsigned int root)
{
	unsigned int depth = 0;

	c->stack[0] = root;
	c->next[0] = 0;
	c->color[root] = 1;
	while (1) {
		unsigned int id = c->stack[depth], to;
		bool end;

		to = successor(c, id, c->next[depth]++, &end);
		if (end) {
			c->color[id] = 2;
			if (depth-- == 0)
				return 0;
			continue;
		}
		if (!to || c->color[to] == 2)
			continue;
		if (c->color[to] == 1)
			return to;
		c->color[to] = 1;
		c->stack[++depth] = to;
		c->next[depth] = 0;
	}
}

/* Every referenced id in range. */
static char *check_ids(struct checker *c)
{
	for (unsigned int id = 1; id < c->count; id++) {
		const struct btf_type *t = c->at(c->ctx, id);
		long e;

		if (!t)
			return xasprintf("type %u is missing", id);
		for (unsigned int k = 0; (e = edge(t, k)) >= 0; k++)
			if ((unsigned long)e >= c->count)
				return xasprintf("type %u refers to type %ld, past the last (%u)",
						 id, e, c->count - 1);
	}
	return NULL;
}

/*
 * btf_check_types - why walking types 1..@count-1 is unsafe, or NULL
 * @at: type by id (NULL for an id it does not have)
 */
char *btf_check_types(btf_type_at at, void *ctx, unsigned int count)
{
	struct checker c = { .at = at, .ctx = ctx, .count = count };
	char *why = check_ids(&c);

	if (why || count < 2)
		return why;
	c.color = xcalloc(count, 1);
	c.stack = xcalloc(count, sizeof(*c.stack));
	c.next = xcalloc(count, sizeof(*c.next));
	for (int pass = 0; pass < 2 && !why; pass++) {
		c.by_value = pass == 1;
		for (unsigned int i = 0; i < count; i++)
			c.color[i] = 0;
		for (unsigned int id = 1; id < count && !why; id++) {
			unsigned int at_id = c.color[id] ? 0 : walk(&c, id);

			if (at_id)
				why = xasprintf(c.by_value ? "struct type %u holds itself" :
						"type %u refers back to itself", at_id);
		}
	}
	free(c.color);
	free(c.stack);
	free(c.next);
	return why;
}
