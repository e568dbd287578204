// SPDX-License-Identifier: GPL-2.0
/*
 * The lookups the walker (name_fetch.c) and the listing (name_vars.c)
 * share: a member by name through anonymous structs and unions, and the
 * names close to one that is not there, for errors.
 */
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define MAX_ANON_DEPTH 8	/* anonymous structs within anonymous structs */
#define MEMBER_BUDGET 65536	/* members one lookup visits: a hostile file's fan-out ends */
#define MAX_CLOSE 8		/* close names an error lists */

/* Member @name of @t, looking into anonymous members; offsets from @t's start. */
static int find_member(const struct type_source *ts, type_ref t, const char *name,
		       unsigned long long base, int depth, int *budget, struct nmember *out)
{
	struct nmember m;

	for (int i = 0; ts->ops->member(ts->priv, t, i, &m) == 0 && (*budget)-- > 0; i++) {
		m.bit_offset += base;
		if (*m.name && !strcmp(m.name, name)) {
			*out = m;
			return 0;
		}
		if (!*m.name && depth < MAX_ANON_DEPTH &&
		    find_member(ts, m.type, name, m.bit_offset, depth + 1, budget, out) == 0)
			return 0;
	}
	return -1;
}

/* name_find_member - member @name of struct or union @t (anonymous ones looked into) */
int name_find_member(const struct type_source *ts, type_ref t, const char *name,
		     struct nmember *out)
{
	int budget = MEMBER_BUDGET;

	return find_member(ts, t, name, 0, 0, &budget, out);
}

/* Every named member of @t, anonymous members' own included, into @out. */
static void member_names(const struct type_source *ts, type_ref t, int depth, int *budget,
			 struct strv *out)
{
	struct nmember m;

	for (int i = 0; ts->ops->member(ts->priv, t, i, &m) == 0 && (*budget)-- > 0; i++) {
		if (*m.name)
			strv_push(out, xstrdup(m.name));
		else if (depth < MAX_ANON_DEPTH)
			member_names(ts, m.type, depth + 1, budget, out);
	}
}

/* "close: a, b" from @all by edit distance or substring, else "it has: ..." */
static char *close_names(const struct strv *all, const char *name, const char *what)
{
	struct strv close = { 0 };
	int limit = strlen(name) / 4 + 1;
	char *list, *ret;

	for (int d = 0; d <= limit && close.n < MAX_CLOSE; d++)
		for (int i = 0; i < all->n && close.n < MAX_CLOSE; i++)
			if (!strv_contains(&close, all->v[i]) &&
			    (edit_distance(name, all->v[i], limit) == d ||
			     (d == limit && strstr(all->v[i], name))))
				strv_push(&close, xstrdup(all->v[i]));
	if (close.n) {
		list = strv_join(&close, ", ", MAX_CLOSE);
		ret = xasprintf("close: %s", list);
	} else {
		list = strv_join(all, ", ", MAX_CLOSE);
		ret = all->n ? xasprintf("%s: %s", what, list) :
			       xasprintf("%s: none", what);
	}
	free(list);
	strv_free(&close);
	return ret;
}

/* name_close_members - the members of @t that look like @name, for an error */
char *name_close_members(const struct type_source *ts, type_ref t, const char *name)
{
	struct strv all = { 0 };
	int budget = MEMBER_BUDGET;
	char *ret;

	member_names(ts, t, 0, &budget, &all);
	ret = close_names(&all, name, "its members");
	strv_free(&all);
	return ret;
}

/* name_close_params - the parameters of @fn that look like @name, for an error */
char *name_close_params(const struct nfunc *fn, const char *name)
{
	struct strv all = { 0 };
	char *ret;

	for (int i = 0; i < fn->nparams; i++)
		strv_push(&all, xstrdup(fn->params[i].name));
	ret = close_names(&all, name, "its parameters");
	strv_free(&all);
	return ret;
}
