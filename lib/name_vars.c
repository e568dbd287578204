// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe --vars: what a probe can name, as perf probe --vars lists it.
 * "FUNC" prints the parameters with their types and where each is at the
 * entry, and the return type; "FUNC EXPR->" or "FUNC EXPR." the members
 * of the struct EXPR points to or is, with their offsets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcharg.h"
#include "names.h"
#include "probe_spec.h"

#define MAX_ANON_DEPTH 8

/*
 * "TYPE NAME" as C writes a declaration: "struct file *file", "int dfd",
 * "char label[16]", "void (*done)(int)".
 */
static char *declaration(const struct type_source *ts, type_ref t, const char *name)
{
	char *tn = ts->ops->type_name(ts->priv, t);
	char *fp = strstr(tn, "(*"), *arr = strchr(tn, '[');
	size_t len = strlen(tn);
	char *ret;

	if (fp)
		ret = xasprintf("%.*s%s%s", (int)(fp + 2 - tn), tn, name, fp + 2);
	else if (arr)
		ret = xasprintf("%.*s%s%s%s", (int)(arr - tn), tn,
				arr > tn && arr[-1] != ' ' && arr[-1] != '*' ? " " : "", name, arr);
	else
		ret = xasprintf("%s%s%s", tn, len && tn[len - 1] == '*' ? "" : " ", name);
	free(tn);
	return ret;
}

/* Where parameter @i of @fn is at the probe, in the kernel's fetch syntax. */
static char *param_location(const struct type_source *ts, const struct nfunc *fn, int i,
			    const struct fetch_ctx *ctx)
{
	const struct nparam *p = &fn->params[i];
	char *loc;

	switch (p->where) {
	case NP_ARG:
		if (!name_param_followable(ts, fn, i, ctx))
			return xstrdup("not known (a struct, float or wide value, or after one)");
		loc = fetcharg_arg_location(ctx, p->index);
		return loc ? loc : xstrdup("on the stack");
	case NP_REG:
		return xasprintf("%%%s", p->reg);
	case NP_MEM:
		return xasprintf("%+lld(%%%s)", p->offset, p->reg);
	case NP_NONE:
		break;
	}
	return xstrdup("not available here");
}

/* The parameters and the return type of @fn. */
static void print_function(const struct type_source *ts, const struct nfunc *fn,
			   const struct fetch_ctx *ctx)
{
	char *ret = fn->ret ? ts->ops->type_name(ts->priv, fn->ret) : xstrdup("void");

	printf("%s%s%s(", ret, *ret && ret[strlen(ret) - 1] == '*' ? "" : " ", fn->name);
	for (int i = 0; i < fn->nparams; i++) {
		char *decl = declaration(ts, fn->params[i].type, fn->params[i].name);

		printf("%s%s", i ? ", " : "", decl);
		free(decl);
	}
	printf("%s)\n", fn->variadic ? (fn->nparams ? ", ..." : "...") : "");
	for (int i = 0; i < fn->nparams; i++) {
		char *decl = declaration(ts, fn->params[i].type, fn->params[i].name);
		char *loc = param_location(ts, fn, i, ctx);

		printf("\t%-40s %s\n", decl, loc);
		free(decl);
		free(loc);
	}
	printf("\t%-40s %s\n", "$retval", ret);
	free(ret);
}

/* The members of @t, anonymous members' own inlined, with offsets from @base bits. */
static void print_members(const struct type_source *ts, type_ref t, unsigned long long base,
			  int depth, int *budget)
{
	struct nmember m;

	for (int i = 0; ts->ops->member(ts->priv, t, i, &m) == 0 && (*budget)-- > 0; i++) {
		unsigned long long bit = base + m.bit_offset;
		char *decl;

		if (!*m.name && depth < MAX_ANON_DEPTH) {
			print_members(ts, m.type, bit, depth + 1, budget);
			continue;
		}
		decl = declaration(ts, m.type, m.name);
		if (m.bit_size)
			printf("\t+%-6llu %s:%u (bit %llu)\n", bit / 8, decl, m.bit_size, bit % 8);
		else
			printf("\t+%-6llu %s\n", bit / 8, decl);
		free(decl);
	}
}

/* "EXPR->" or "EXPR.": the struct to list, from the walk of EXPR. */
static int print_struct_of(const struct type_source *ts, const struct nfunc *fn,
			   const char *expr)
{
	size_t len = strlen(expr);
	bool arrow = len > 2 && !strcmp(expr + len - 2, "->");
	char *head = xstrndup(expr, len - (arrow ? 2 : 1)), *err = NULL, *tn;

	if (!arrow && (len < 2 || expr[len - 1] != '.')) {
		err_msg("--vars '%s': end it with '->' (the struct it points to) or '.' (the "
			"struct it is)", expr);
		free(head);
		return -1;
	}
	struct name_expr e;
	struct ntype nt;
	int budget = 65536;	/* members listed: a hostile file's fan-out ends */
	type_ref t;
	int ret = -1;

	if (name_expr_parse(head, &e, &err))
		goto out;
	if (name_walk_type(ts, fn, &e, &t, &err) == 0 && arrow) {
		if (ts->ops->type(ts->priv, t, &nt) || nt.kind != NT_PTR)
			err = xasprintf("'%s' is no pointer: '->' needs one", head);
		t = nt.target;
	}
	name_expr_free(&e);
	if (!err && (ts->ops->type(ts->priv, t, &nt) ||
		     (nt.kind != NT_STRUCT && nt.kind != NT_UNION)))
		err = xasprintf("'%s' is no struct or union%s", expr,
				arrow ? "" : " (after a pointer, use '->')");
	if (err)
		goto out;
	tn = ts->ops->type_name(ts->priv, t);
	printf("%s (%llu bytes), at %s\n", tn, nt.size, expr);
	free(tn);
	print_members(ts, t, 0, 0, &budget);
	ret = 0;
out:
	if (err)
		err_msg("--vars '%s': %s", expr, err);
	free(err);
	free(head);
	return ret;
}

/*
 * names_list_vars - print what "FUNC [EXPR->]" can name (--vars)
 * @what: "FUNC", "MOD:FUNC" or "BIN:FUNC", then optionally a space and
 *	"EXPR->" or "EXPR."
 */
int names_list_vars(const char *what, const struct resolve_opts *ro)
{
	const char *space = strchr(what, ' ');
	char *place = space ? xstrndup(what, space - what) : xstrdup(what);
	char *text = xasprintf("p:%s", place), *err = NULL;
	struct resolve_opts quiet = *ro;
	struct probe_spec ps;
	struct type_source *ts;
	struct nfunc fn = { 0 };
	int ret = 1;

	quiet.fills = false;
	quiet.dry_run = true;
	if (probe_spec_parse(text, &ps) ||
	    (ps.module_or_bin && probe_spec_resolve(&ps, &quiet)))
		goto out;
	if (names_func(ro->names, &ps, ro->arch, true, &ts, &fn, &err)) {
		err_msg("--vars '%s': %s", what, err);
		goto out;
	}
	if (space && space[1]) {
		ret = print_struct_of(ts, &fn, space + 1) ? 1 : 0;
	} else {
		struct fetch_ctx ctx = { .arch = ro->arch, .user = probe_spec_is_user(&ps) };

		print_function(ts, &fn, &ctx);
		ret = 0;
	}
out:
	nfunc_free(&fn);
	probe_spec_free(&ps);
	free(err);
	free(text);
	free(place);
	return ret;
}
