// SPDX-License-Identifier: GPL-2.0
/*
 * How a walked name is printed: the kernel type for its C type (a char *
 * or char array as a string, integers and enums by size and sign, small
 * integer arrays as TYPE[N], a bitfield as b<width>@<bit>/<container>,
 * other pointers in hex), or the user's own type where it fits, and the
 * fetch that goes with it.
 */
#include <stdlib.h>
#include <string.h>

#include "name_walk.h"

#define KERNEL_MAX_ARRAY 64	/* the kernel's TYPE[N] takes N up to 64 */

/*
 * Is @t text, for a pointer to it or an array of it? A one-byte integer C
 * spells with "char" (const unsigned char too); u8 and __u8 are bytes.
 */
static bool is_text(const struct type_source *ts, type_ref t)
{
	struct ntype nt;
	char *tn;
	bool text;

	if (ts->ops->type(ts->priv, t, &nt) || nt.kind != NT_INT || nt.size != 1)
		return false;
	tn = ts->ops->type_name(ts->priv, t);
	text = nt.is_char || strstr(tn, "char");
	free(tn);
	return text;
}

/* The kernel's integer type for @nt: s32, u8, ... */
static char *int_type(const struct ntype *nt)
{
	return xasprintf("%c%llu", nt->is_signed && !nt->is_bool ? 's' : 'u', nt->size * 8);
}

/* A bitfield as the kernel's b<width>@<bit>/<container bits>. */
static int finish_bitfield(const struct type_source *ts, struct walk *w, const char *user_type,
			   struct name_fetch *out, char **err)
{
	struct ntype nt;
	unsigned long long csize, cstart, bit;

	if (name_walk_resolve(ts, w->type, &nt, w, err))
		return -1;
	csize = nt.size ? nt.size : 1;
	if (csize > 8 || (csize & (csize - 1))) {
		*err = xasprintf("'%s' is a bitfield of a %llu-byte type, which ktprobe cannot read",
				 w->text, csize);
		return -1;
	}
	cstart = w->bit_offset / (csize * 8) * csize;
	bit = w->bit_offset - cstart * 8;
	if (user_type || bit + w->bit_size > csize * 8) {
		*err = xasprintf(user_type ? "'%s' is a bitfield: it takes no type of yours" :
				 "'%s' is a bitfield that straddles its storage unit", w->text);
		return -1;
	}
	if (ts->big_endian)
		bit = csize * 8 - w->bit_size - bit;
	w->off += cstart;
	out->fetch = name_walk_memory(w);
	out->type = xasprintf("b%u@%llu/%llu", w->bit_size, bit, csize * 8);
	return 0;
}

/* An array: a char array is a string; small integer arrays the kernel's TYPE[N]. */
static int finish_array(const struct type_source *ts, struct walk *w, const struct ntype *nt,
			struct name_fetch *out, char **err)
{
	struct ntype elem;

	if (ts->ops->type(ts->priv, nt->target, &elem) == 0) {
		if (is_text(ts, nt->target)) {
			out->fetch = name_walk_memory(w);
			out->type = xstrdup("string");
			return 0;
		}
		if ((elem.kind == NT_INT || elem.kind == NT_ENUM) && nt->nelems &&
		    nt->nelems <= KERNEL_MAX_ARRAY && elem.size <= 8) {
			char *it = int_type(&elem);

			out->fetch = name_walk_memory(w);
			out->type = xasprintf("%s[%llu]", it, nt->nelems);
			free(it);
			return 0;
		}
	}
	*err = xasprintf("'%s' is an array ktprobe cannot print whole (up to %d integers): "
			 "take an element, %s[0]", w->text, KERNEL_MAX_ARRAY, w->text);
	return -1;
}

/* The kernel type that prints @w's value as its C type says, and its fetch. */
static int finish_default(const struct type_source *ts, struct walk *w, const struct ntype *nt,
			  struct name_fetch *out, char **err)
{
	char *tn;

	switch (nt->kind) {
	case NT_INT:
	case NT_ENUM:
		if (nt->size == 1 || nt->size == 2 || nt->size == 4 || nt->size == 8) {
			out->fetch = name_walk_value(w);
			out->type = int_type(nt);
			return 0;
		}
		break;
	case NT_PTR:
		if (is_text(ts, nt->target)) {
			char *value = name_walk_value(w);

			out->fetch = xasprintf("+0(%s)", value);
			out->type = xstrdup("string");
			free(value);
			return 0;
		}
		out->fetch = name_walk_value(w);
		out->type = xasprintf("x%llu", nt->size * 8);
		return 0;
	case NT_ARRAY:
		return finish_array(ts, w, nt, out, err);
	default:
		break;
	}
	tn = ts->ops->type_name(ts->priv, w->type);
	*err = xasprintf(nt->kind == NT_STRUCT || nt->kind == NT_UNION ?
			 "'%s' is %s: name one of its members (ktprobe --vars lists them)" :
			 nt->kind == NT_FLOAT ? "'%s' is %s: the kernel's probes print no floats "
			 "(give a type, e.g. :x64, for its bits)" :
			 "'%s' is %s, which ktprobe cannot print", w->text, tn);
	free(tn);
	return -1;
}

/* ':string' (or ':ustring') on @w: the string a char pointer or array holds. */
static int finish_string(const struct type_source *ts, struct walk *w, const struct ntype *nt,
			 const char *user_type, struct name_fetch *out, char **err)
{
	char *tn, *value;

	if (nt->kind == NT_ARRAY) {
		out->fetch = name_walk_memory(w);
		out->type = xstrdup(user_type);
		return 0;
	}
	if (nt->kind == NT_PTR) {
		value = name_walk_value(w);
		out->fetch = xasprintf("+0(%s)", value);
		out->type = xstrdup(user_type);
		free(value);
		return 0;
	}
	tn = ts->ops->type_name(ts->priv, w->type);
	*err = xasprintf("'%s' is %s, not a pointer: ':%s' needs a char * or a char array",
			 w->text, tn, user_type);
	free(tn);
	return -1;
}

/* The fetch and type for where the walk ended. */
int name_walk_finish(const struct type_source *ts, struct walk *w, const char *user_type,
		  struct name_fetch *out, char **err)
{
	struct ntype nt;

	if (user_type && !*user_type) {
		*err = xasprintf("'%s:' has no type after its ':'", w->text);
		return -1;
	}
	if (w->bit_size)
		return finish_bitfield(ts, w, user_type, out, err);
	if (name_walk_resolve(ts, w->type, &nt, w, err))
		return -1;
	if (!user_type)
		return finish_default(ts, w, &nt, out, err);
	if (!strcmp(user_type, "string") || !strcmp(user_type, "ustring"))
		return finish_string(ts, w, &nt, user_type, out, err);
	if (nt.kind == NT_STRUCT || nt.kind == NT_UNION || nt.kind == NT_ARRAY) {
		char *tn = ts->ops->type_name(ts->priv, w->type);

		*err = xasprintf("'%s' is %s: it takes no type of yours (name a member or an "
				 "element)", w->text, tn);
		free(tn);
		return -1;
	}
	out->fetch = name_walk_value(w);
	out->type = xstrdup(user_type);
	return 0;
}
