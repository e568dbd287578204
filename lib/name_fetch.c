// SPDX-License-Identifier: GPL-2.0
/*
 * Walking a named argument over the types: "file->f_path.dentry" starts
 * at the parameter's register and becomes loads at member offsets,
 * "+24(+16(%di))"; the kernel type that prints the result is
 * name_print.c's. The types come from a type source (names.h); nothing
 * here knows BTF or DWARF.
 */
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "fetcharg.h"
#include "name_walk.h"
#include "names.h"


/* @t looked through, or an error naming the expression. */
int name_walk_resolve(const struct type_source *ts, type_ref t, struct ntype *nt,
		   const struct walk *w, char **err)
{
	if (ts->ops->type(ts->priv, t, nt) == 0)
		return 0;
	*err = xasprintf("'%s': a type %s does not describe", w->text, ts->what);
	return -1;
}

/* "+OFF(BASE)": the value in memory where @w is. */
char *name_walk_memory(const struct walk *w)
{
	return xasprintf("%+lld(%s)", w->off, w->base);
}

/* The fetch of @w's value: its register, or a load. */
char *name_walk_value(const struct walk *w)
{
	return w->in_memory ? name_walk_memory(w) : xstrdup(w->base);
}

/* The value of @w (a pointer) in hand, to be dereferenced at +@off next. */
static void load_pointer(struct walk *w, long long off)
{
	char *value = name_walk_value(w);

	free(w->base);
	w->base = value;
	w->in_memory = true;
	w->off = off;
}

/* Can the C ABI's argument position of parameter @n be followed? */
static int check_abi_position(const struct type_source *ts, const struct nfunc *fn, int n,
			      const struct fetch_ctx *ctx, char **err)
{
	for (int i = 0; i <= n; i++) {
		struct ntype nt;

		if (ts->ops->type(ts->priv, fn->params[i].type, &nt) == 0 &&
		    (nt.kind == NT_INT || nt.kind == NT_ENUM || nt.kind == NT_PTR) &&
		    nt.size <= (unsigned long long)ctx->arch->long_size)
			continue;
		if (i < n)
			*err = xasprintf("%s's parameter '%s' is not passed in one integer register "
					 "(a struct, float or wide value): ktprobe cannot tell where "
					 "the parameters after it are; use registers",
					 fn->name, fn->params[i].name);
		else
			*err = xasprintf("%s's parameter '%s' is not passed in one integer register "
					 "(a struct, float or wide value): ktprobe cannot tell where "
					 "it is; use registers", fn->name, fn->params[i].name);
		return -1;
	}
	return 0;
}

/* Start at parameter @name, or at $retval. */
static int start(const struct type_source *ts, const struct nfunc *fn, const char *name,
		 const struct fetch_ctx *ctx, struct walk *w, char **err)
{
	int i;

	if (!strcmp(name, "$retval")) {
		if (!ctx->ret_probe || !fn->ret) {
			*err = xasprintf(!ctx->ret_probe ? "$retval is there only in a return probe (r:)" :
					 "%s returns void: there is no $retval", fn->name);
			return -1;
		}
		w->base = xstrdup("$retval");
		w->type = fn->ret;
		return 0;
	}
	for (i = 0; i < fn->nparams && strcmp(fn->params[i].name, name); i++)
		;
	if (i == fn->nparams) {
		char *close = name_close_params(fn, name);

		*err = xasprintf("%s has no parameter '%s'; %s", fn->name, name, close);
		free(close);
		return -1;
	}
	const struct nparam *p = &fn->params[i];

	w->type = p->type;
	if (ctx->ret_probe && (p->where != NP_ARG || ctx->user || !ctx->kernel_ret_argn ||
			       ctx->syscall_wrapper)) {
		*err = xasprintf("'%s' is a parameter: when %s returns, it is gone from its "
				 "registers%s", name, fn->name, ctx->user ? "" :
				 " (this kernel's return probes take no $argN)");
		return -1;
	}
	switch (p->where) {
	case NP_ARG:
		if (check_abi_position(ts, fn, i, ctx, err))
			return -1;
		w->base = ctx->ret_probe ? xasprintf("$arg%d", p->index) :
			  fetcharg_arg_location(ctx, p->index);
		if (!w->base)
			*err = xasprintf("%s passes parameter '%s' on the stack in a way ktprobe "
					 "cannot address", ctx->arch->name, name);
		return w->base ? 0 : -1;
	case NP_REG:
	case NP_MEM:
		w->base = xasprintf("%%%s", p->reg);
		w->in_memory = p->where == NP_MEM;
		w->off = p->offset;
		return 0;
	case NP_NONE:
		break;
	}
	*err = xasprintf("%s", p->why ? p->why : "the parameter has no location here");
	return -1;
}

/* Move to member @name of the struct or union @st, which @w is in memory at. */
static int add_member(const struct type_source *ts, type_ref st, const char *name,
		      struct walk *w, char **err)
{
	struct nmember m;

	if (name_find_member(ts, st, name, &m)) {
		char *close = name_close_members(ts, st, name);
		char *tn = ts->ops->type_name(ts->priv, st);

		*err = xasprintf("'%s': %s has no member '%s'; %s", w->text, tn, name, close);
		free(tn);
		free(close);
		return -1;
	}
	if (m.bit_offset / 8 > (1ULL << 31)) {	/* only a hostile file has such a struct */
		*err = xasprintf("'%s': member '%s' lies too far into its struct", w->text, name);
		return -1;
	}
	w->type = m.type;
	if (m.bit_size) {	/* its bits count from the struct's start, w->off */
		w->bit_size = m.bit_size;
		w->bit_offset = m.bit_offset;
	} else {
		w->off += m.bit_offset / 8;
	}
	return 0;
}

/* "->M": @w holds a pointer to a struct or union. */
static int step_arrow(const struct type_source *ts, struct walk *w, const char *member,
		      char **err)
{
	struct ntype nt, target;

	if (name_walk_resolve(ts, w->type, &nt, w, err))
		return -1;
	if (nt.kind != NT_PTR || ts->ops->type(ts->priv, nt.target, &target) ||
	    (target.kind != NT_STRUCT && target.kind != NT_UNION)) {
		char *tn = ts->ops->type_name(ts->priv, w->type);

		*err = xasprintf("'%s': '->%s' needs a pointer to a struct or union, and this is "
				 "%s%s", w->text, member, tn,
				 nt.kind == NT_STRUCT || nt.kind == NT_UNION ? " (use '.')" : "");
		free(tn);
		return -1;
	}
	load_pointer(w, 0);
	return add_member(ts, nt.target, member, w, err);
}

/* ".M": @w is a struct or union in memory. */
static int step_dot(const struct type_source *ts, struct walk *w, const char *member,
		    char **err)
{
	struct ntype nt;
	char *tn;

	if (name_walk_resolve(ts, w->type, &nt, w, err))
		return -1;
	if ((nt.kind == NT_STRUCT || nt.kind == NT_UNION) && w->in_memory)
		return add_member(ts, w->type, member, w, err);
	tn = ts->ops->type_name(ts->priv, w->type);
	*err = xasprintf(nt.kind == NT_PTR ? "'%s': '.%s' on %s, a pointer (use '->')" :
			 nt.kind == NT_STRUCT || nt.kind == NT_UNION ?
			 "'%s': '.%s' on %s passed in registers, which ktprobe cannot take apart" :
			 "'%s': '.%s' needs a struct or union, and this is %s",
			 w->text, member, tn);
	free(tn);
	return -1;
}

/* "[N]": element @index of an array, or of what a pointer points to. */
static int step_index(const struct type_source *ts, struct walk *w, unsigned long long index,
		      char **err)
{
	struct ntype nt, elem;

	if (name_walk_resolve(ts, w->type, &nt, w, err))
		return -1;
	if ((nt.kind != NT_ARRAY && nt.kind != NT_PTR) ||
	    ts->ops->type(ts->priv, nt.target, &elem) || !elem.size) {
		char *tn = ts->ops->type_name(ts->priv, w->type);

		*err = xasprintf("'%s': [%llu] needs an array or a pointer to sized elements, and "
				 "this is %s", w->text, index, tn);
		free(tn);
		return -1;
	}
	if (nt.kind == NT_ARRAY && nt.nelems && index >= nt.nelems) {
		*err = xasprintf("'%s': index %llu is past the end of an array of %llu", w->text,
				 index, nt.nelems);
		return -1;
	}
	/* offsets stay within what the kernel's +OFFS takes (and no product overflows) */
	if (index > (1ULL << 31) || elem.size > (1ULL << 31) ||
	    index * elem.size + (unsigned long long)llabs(w->off) > (1ULL << 31)) {
		*err = xasprintf("'%s': index %llu is too large", w->text, index);
		return -1;
	}
	if (nt.kind == NT_PTR)
		load_pointer(w, 0);
	w->off += (long long)(index * elem.size);
	w->type = nt.target;
	return 0;
}

/*
 * name_fetch_walk - a parsed name to the fetch that reads it, and its type
 * @user_type: the type the user gave (":string", ":x32"), or NULL to
 *	take it from the C type
 *
 * Returns 0 with @out filled, or -1 with *@err saying what is wrong.
 */
int name_fetch_walk(const struct type_source *ts, const struct nfunc *fn,
		    const struct name_expr *e, const char *user_type,
		    const struct fetch_ctx *ctx, struct name_fetch *out, char **err)
{
	struct walk w = { .text = e->base };
	char *text = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (start(ts, fn, e->base, ctx, &w, err))
		goto out;
	for (int i = 0; i < e->nsteps; i++) {
		const struct name_step *s = &e->steps[i];
		int err_step;

		if (w.bit_size) {
			*err = xasprintf("'%s' is a bitfield: it has no members or elements", w.text);
			goto out;
		}
		char *longer = s->kind == STEP_INDEX ? xasprintf("%s[%llu]", w.text, s->index) :
			       xasprintf("%s%s%s", w.text, s->kind == STEP_ARROW ? "->" : ".",
					 s->member);

		free(text);
		w.text = text = longer;
		err_step = s->kind == STEP_ARROW ? step_arrow(ts, &w, s->member, err) :
			   s->kind == STEP_DOT ? step_dot(ts, &w, s->member, err) :
			   step_index(ts, &w, s->index, err);
		if (err_step)
			goto out;
	}
	ret = name_walk_finish(ts, &w, user_type, out, err);
out:
	free(w.base);
	free(text);
	return ret;
}

/*
 * name_walk_type - the type a name has (for --vars: "file->" lists the
 * members of what file points to), without a fetch or a location
 */
int name_walk_type(const struct type_source *ts, const struct nfunc *fn,
		   const struct name_expr *e, type_ref *type, char **err)
{
	struct walk w = { .text = e->base, .base = xstrdup(""), .in_memory = true };
	int i, ret = -1;

	for (i = 0; i < fn->nparams && strcmp(fn->params[i].name, e->base); i++)
		;
	if (!strcmp(e->base, "$retval") && fn->ret) {
		w.type = fn->ret;
	} else if (i < fn->nparams) {
		w.type = fn->params[i].type;
	} else {
		char *close = name_close_params(fn, e->base);

		*err = xasprintf("%s has no parameter '%s'; %s", fn->name, e->base, close);
		free(close);
		goto out;
	}
	for (i = 0; i < e->nsteps; i++) {
		const struct name_step *s = &e->steps[i];

		if (s->kind == STEP_ARROW ? step_arrow(ts, &w, s->member, err) :
		    s->kind == STEP_DOT ? step_dot(ts, &w, s->member, err) :
		    step_index(ts, &w, s->index, err))
			goto out;
	}
	*type = w.type;
	ret = 0;
out:
	free(w.base);
	return ret;
}

/* name_param_followable - can parameter @n (0-based) be found by its C ABI position? */
bool name_param_followable(const struct type_source *ts, const struct nfunc *fn, int n,
			   const struct fetch_ctx *ctx)
{
	char *err = NULL;
	bool ok = check_abi_position(ts, fn, n, ctx, &err) == 0;

	free(err);
	return ok;
}
