// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a named argument: "filename", "file->f_path.dentry->d_name.name",
 * "a.b[2]", "$retval->f_inode", "$params". Syntax only: whether the names
 * exist is for the walker (name_fetch.c), which has the types.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define NAME_MAX_STEPS 32	/* deeper paths are a typo or an attack */

/*
 * name_expr_is_name - whether a fetch argument is written with names
 *
 * The kernel's own fetch syntax starts with '%', '$', '@', '+', '-', '\'
 * or a digit; a C identifier there is a name. $retval and $params are
 * names too, but only typed where a type source is found (names.c).
 */
bool name_expr_is_name(const char *fetch)
{
	return isalpha((unsigned char)fetch[0]) || fetch[0] == '_';
}

/* The identifier at *@p, advanced past it; NULL if there is none. */
static char *read_identifier(const char **p)
{
	const char *start = *p, *s = *p;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return NULL;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	*p = s;
	return xstrndup(start, s - start);
}

/* "[N]" at *@p: a decimal or 0x index. */
static int read_index(const char **p, unsigned long long *index)
{
	const char *close = strchr(*p, ']');
	char *num;
	int ret;

	if (!close)
		return -1;
	num = xstrndup(*p + 1, close - *p - 1);
	ret = parse_u64(num, index);
	free(num);
	*p = close + 1;
	return ret;
}

/* One "->M", ".M" or "[N]" at *@p into @step; an error message if it is none. */
static int read_step(const char **p, struct name_step *step, char **err)
{
	const char *at = *p;

	memset(step, 0, sizeof(*step));
	if (str_starts(at, "->") || at[0] == '.') {
		step->kind = at[0] == '.' ? STEP_DOT : STEP_ARROW;
		*p += step->kind == STEP_DOT ? 1 : 2;
		step->member = read_identifier(p);
		if (!step->member) {
			*err = xasprintf("expected a member name after '%s'",
					 step->kind == STEP_DOT ? "." : "->");
			return -1;
		}
		return 0;
	}
	if (at[0] == '[') {
		step->kind = STEP_INDEX;
		if (read_index(p, &step->index)) {
			*err = xasprintf("expected an index [N] (a decimal or 0x number)");
			return -1;
		}
		return 0;
	}
	*err = xasprintf("unexpected '%.*s' (a name goes on with ->MEMBER, .MEMBER or [N])",
			 (int)(1 + strcspn(at + 1, "-.[")), at);
	return -1;
}

/*
 * name_expr_parse - parse "BASE{->M|.M|[N]}" into @out
 *
 * BASE is a parameter's name, "$retval" or "$params" (which takes no
 * steps). Returns 0, or -1 with *@err saying what is wrong.
 */
int name_expr_parse(const char *text, struct name_expr *out, char **err)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	if (str_starts(p, "$retval") || str_starts(p, "$params")) {
		out->base = xstrndup(p, 7);
		p += 7;
	} else {
		out->base = read_identifier(&p);
	}
	if (!out->base || (*p && !strchr("-.[", *p))) {
		*err = xasprintf("'%s' is no name: a name is a parameter, $retval or $params, "
				 "followed by ->MEMBER, .MEMBER or [N]", text);
		goto out_err;
	}
	while (*p) {
		if (out->nsteps == NAME_MAX_STEPS) {
			*err = xasprintf("'%s' goes more than %d steps deep", text, NAME_MAX_STEPS);
			goto out_err;
		}
		out->steps = xrealloc(out->steps, (out->nsteps + 1) * sizeof(*out->steps));
		if (read_step(&p, &out->steps[out->nsteps], err))
			goto out_err;
		out->nsteps++;
	}
	if (!strcmp(out->base, "$params") && out->nsteps) {
		*err = xasprintf("$params stands for every parameter: it takes no members");
		goto out_err;
	}
	return 0;
out_err:
	name_expr_free(out);
	return -1;
}

/* name_expr_free - release what name_expr_parse() allocated */
void name_expr_free(struct name_expr *e)
{
	for (int i = 0; i < e->nsteps; i++)
		free(e->steps[i].member);
	free(e->steps);
	free(e->base);
	memset(e, 0, sizeof(*e));
}
