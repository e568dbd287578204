/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_NAME_WALK_H
#define KTP_NAME_WALK_H

/*
 * A name's walk over the types, shared by name_fetch.c (the steps) and
 * name_print.c (the kernel type it ends in).
 */
#include "names.h"

/* Where the walk is: a value in hand (@base), or in memory at @base + @off. */
struct walk {
	char *base;
	bool in_memory;
	long long off;
	type_ref type;
	unsigned int bit_size, bit_offset;	/* a bitfield: its bits, from @off */
	const char *text;			/* the whole expression, for messages */
};

int name_walk_resolve(const struct type_source *ts, type_ref t, struct ntype *nt,
		      const struct walk *w, char **err);
char *name_walk_memory(const struct walk *w);
char *name_walk_value(const struct walk *w);
int name_walk_finish(const struct type_source *ts, struct walk *w, const char *user_type,
		     struct name_fetch *out, char **err);

#endif
