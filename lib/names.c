// SPDX-License-Identifier: GPL-2.0
/*
 * Arguments by name in a probe spec: which type source a probe gets (the
 * kernel's BTF, a module's, or a binary's DWARF; each opened once a run),
 * and its named arguments rewritten as the kernel's fetch arguments
 * before the usual translation (spec_resolve.c).
 */
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "fetcharg.h"
#include "names.h"
#include "probe_spec.h"


/* type_source_free - release a source opened by btf_source_open or dwarf_source_open */
void type_source_free(struct type_source *ts)
{
	if (ts->ops)
		ts->ops->free(ts->priv);
	free(ts->what);
	memset(ts, 0, sizeof(*ts));
}

/* nfunc_free - release what a source's *_func() filled in */
void nfunc_free(struct nfunc *fn)
{
	for (int i = 0; i < fn->nparams; i++) {
		free(fn->params[i].name);
		free(fn->params[i].reg);
		free(fn->params[i].why);
	}
	free(fn->params);
	free(fn->name);
	memset(fn, 0, sizeof(*fn));
}

/* name_sources_free - close every source a run opened */
void name_sources_free(struct name_sources *ns)
{
	/* modules' sources last: they are split on vmlinux's (key "", the first) */
	for (int i = ns->keys.n - 1; i >= 0; i--) {
		type_source_free(ns->sources[i]);
		free(ns->sources[i]);
	}
	free(ns->sources);
	strv_free(&ns->keys);
	strv_free(&ns->errors);
	ns->sources = NULL;
}

/* Why the kernel's types at hand do not fit the machine probed, or NULL. */
static char *kernel_types_misfit(const struct name_sources *ns, const struct type_source *ts)
{
	if (!ns->arch)
		return NULL;
	if (ns->arch != arch_host() && !ns->btf_path)
		return xasprintf("names of kernel functions for --arch %s need that kernel's BTF "
				 "(--btf FILE): this kernel's types are not its", ns->arch->name);
	if (ts && ((ts->pointer_size && ts->pointer_size != (unsigned int)ns->arch->long_size) ||
		   ts->big_endian != ns->arch->big_endian))
		return xasprintf("%s is of a %u-bit %s-endian kernel, not %s's", ts->what,
				 ts->pointer_size * 8, ts->big_endian ? "big" : "little",
				 ns->arch->name);
	return NULL;
}

/* The source for @key ("" vmlinux, a module, a binary's path), opened on first use. */
static struct type_source *get_source(struct name_sources *ns, const char *key, bool user,
				      char **err)
{
	struct type_source *ts, *base = NULL;
	char *why = NULL;
	int i;

	for (i = 0; i < ns->keys.n && strcmp(ns->keys.v[i], key); i++)
		;
	if (i < ns->keys.n)
		goto out;
	ts = xcalloc(1, sizeof(*ts));
	/* a module's types are split on vmlinux's, opened (and kept) first */
	if (!user && *key && !(base = get_source(ns, "", false, &why)))
		goto remember;
	why = user ? NULL : kernel_types_misfit(ns, NULL);
	if (!why && (user ? dwarf_source_open(key, ts, &why) :
		     base ? btf_source_open_module(base, ns->btf_path, key, ts, &why) :
		     btf_source_open(ns->btf_path, ts, &why)))
		memset(ts, 0, sizeof(*ts));
	else if (!why && !user && (why = kernel_types_misfit(ns, ts)))
		type_source_free(ts);
remember:
	ns->sources = xrealloc(ns->sources, (ns->keys.n + 1) * sizeof(*ns->sources));
	ns->sources[ns->keys.n] = ts;
	strv_push(&ns->keys, xstrdup(key));
	strv_push(&ns->errors, why ? why : xstrdup(""));
	i = ns->keys.n - 1;
out:
	if (ns->sources[i]->ops)
		return ns->sources[i];
	*err = xstrdup(ns->errors.v[i]);
	return NULL;
}

/* A kernel function not in vmlinux's BTF: the first loaded module that has it. */
static struct type_source *module_with(struct name_sources *ns, const char *func,
				       struct nfunc *fn)
{
	struct type_source *ts = NULL;
	struct strv mods = { 0 };

	btf_source_modules(ns->btf_path, &mods);
	for (int i = 0; i < mods.n && !ts; i++) {
		char *err = NULL;

		ts = get_source(ns, mods.v[i], false, &err);
		if (ts && btf_source_func(ts, func, fn, NULL))
			ts = NULL;
		free(err);
	}
	strv_free(&mods);
	return ts;
}

/*
 * names_func - the type source and the function @ps probes, as seen at
 * its address: BTF for the kernel (at a function's entry only), DWARF
 * for a user binary. Returns 0, or -1 with *@err set.
 */
int names_func(struct name_sources *ns, const struct probe_spec *ps,
	       const struct arch_info *arch, bool modules, struct type_source **ts,
	       struct nfunc *fn, char **err)
{
	bool user = probe_spec_is_user(ps);

	if (!ps->sym) {
		*err = xasprintf("names need a function to look up: %s", user ?
				 "BINARY:FUNCTION[+OFFSET]" : "FUNCTION");
		return -1;
	}
	if (user) {
		*ts = get_source(ns, ps->path, true, err);
		return *ts ? dwarf_source_func(*ts, ps->sym, ps->offset, arch, fn, err) : -1;
	}
	if (ps->offset) {
		*err = xasprintf("BTF knows a function's parameters at its entry only, not at "
				 "%s+%llu", ps->sym, ps->offset);
		return -1;
	}
	*ts = get_source(ns, ps->module_or_bin ? ps->module_or_bin : "", false, err);
	if (!*ts || btf_source_func(*ts, ps->sym, fn, err) == 0)
		return *ts ? 0 : -1;
	if (modules && !ps->module_or_bin && (*ts = module_with(ns, ps->sym, fn))) {
		free(*err);
		*err = NULL;
		return 0;
	}
	return -1;
}

/*
 * names_is_param - is @word a parameter of kernel function @func? For
 * "p:vfs_read count", which the kernel's syntax reads as a probe named
 * vfs_read on a function count. Anything else keeps the kernel's reading:
 * most kernel functions (clones such as f.constprop.0) are not in BTF.
 */
bool names_is_param(struct name_sources *ns, const char *func, const char *word)
{
	struct probe_spec ps = { .kind = PROBE_KPROBE, .sym = (char *)func };
	struct type_source *ts;
	struct nfunc fn = { 0 };
	char *err = NULL;
	bool found = false;

	if (is_c_identifier(word) && names_func(ns, &ps, NULL, false, &ts, &fn, &err) == 0)
		for (int i = 0; i < fn.nparams && !found; i++)
			found = !strcmp(fn.params[i].name, word);
	nfunc_free(&fn);
	free(err);
	return found;
}

/* name_sources_check - whether --btf's file can be read: one error line if not */
int name_sources_check(struct name_sources *ns)
{
	char *err = NULL;

	if (get_source(ns, "", false, &err))
		return 0;
	err_msg("--btf %s: %s", ns->btf_path ? ns->btf_path : "", err);
	free(err);
	return -1;
}

/*
 * The words of an unnamed argument's field name: the name itself, or its
 * last member (an element: "buf_3"); with @longer, the member before it
 * too ("headers_pkt_type"). NULL for $retval (the kernel's argN).
 */
static char *default_name(const struct name_expr *e, bool longer)
{
	const char *last = e->base, *before = NULL;
	int i = e->nsteps - 1, j;

	while (i >= 0 && e->steps[i].kind == STEP_INDEX)
		i--;
	if (i >= 0)
		last = e->steps[i].member;
	for (j = i - 1; j >= 0 && e->steps[j].kind == STEP_INDEX; j--)
		;
	if (longer)
		before = j >= 0 ? e->steps[j].member : i >= 0 ? e->base : NULL;
	if (last[0] == '$' || (longer && (!before || before[0] == '$')))
		return NULL;
	if (i == e->nsteps - 1)
		return before ? xasprintf("%s_%s", before, last) : xstrdup(last);
	return xasprintf("%s%s%s_%llu", before ? before : "", before ? "_" : "", last,
			 e->steps[e->nsteps - 1].index);
}

/*
 * While a spec's arguments are rewritten, those whose field name ktprobe
 * chose start with this byte (no spec holds a control byte), so that the
 * last pass (settle_names) can make them unique.
 */
#define CHOSEN '\x01'

/* The field name of argument @i of @out: its NAME=, or the kernel's argN. */
static char *field_name(const struct strv *out, int i)
{
	const char *a = out->v[i] + (out->v[i][0] == CHOSEN);
	char *name, *fetch, *type;

	fetcharg_split(a, &name, &fetch, &type);
	free(fetch);
	free(type);
	return name ? name : xasprintf("arg%d", i + 1);
}

/* Is @field the name of an argument of @out other than @self? */
static bool name_taken(const struct strv *out, int self, const char *field)
{
	bool taken = false;

	for (int i = 0; i < out->n && !taken; i++) {
		char *other = i == self ? NULL : field_name(out, i);

		taken = other && !strcmp(other, field);
		free(other);
	}
	return taken;
}

/* A name ktprobe may choose: unused, and short enough for the kernel. */
static bool name_usable(const struct strv *out, int self, const char *field)
{
	return field && strlen(field) < KERNEL_ARG_NAME_MAX && !name_taken(out, self, field);
}

/* An unnamed argument's field name, one not taken so far (the kernel refuses a second). */
static char *unused_name(const struct name_expr *e, const struct strv *out)
{
	char *field = default_name(e, false);

	if (!name_usable(out, -1, field)) {
		free(field);
		field = default_name(e, true);
		if (!name_usable(out, -1, field)) {
			free(field);
			field = NULL;	/* the kernel's argN */
		}
	}
	return field;
}

/*
 * The names ktprobe chose, made unique among all the spec's arguments
 * (later ones given by the user, and the kernel's argN by position
 * included) with _2, _3, ...; the marks removed.
 */
static void settle_names(struct strv *out)
{
	for (int i = 0; i < out->n; i++) {
		char *name, *body, *fixed = NULL;

		if (out->v[i][0] != CHOSEN)
			continue;
		name = field_name(out, i);
		body = out->v[i] + 1 + strlen(name) + 1;
		for (int k = 2; k < 100 && name_taken(out, i, fixed ? fixed : name); k++) {
			free(fixed);
			fixed = xasprintf("%.*s_%d", KERNEL_ARG_NAME_MAX - 4, name, k);
		}
		fixed = fixed ? fixed : xstrdup(name);
		body = xasprintf("%s=%s", fixed, body);
		free(out->v[i]);
		out->v[i] = body;
		free(fixed);
		free(name);
	}
}

/* One walked name into @out as NAME=FETCH:TYPE. */
static int push_walked(const struct type_source *ts, const struct nfunc *fn,
		       const struct name_expr *e, const char *name, const char *type,
		       const struct fetch_ctx *ctx, struct strv *out, char **err)
{
	struct name_fetch nf;
	char *field = name ? xstrdup(name) : unused_name(e, out);

	if (name_fetch_walk(ts, fn, e, type, ctx, &nf, err)) {
		free(field);
		return -1;
	}
	if (strlen(nf.fetch) + 1 + strlen(nf.type) > KERNEL_ARGSTR_MAX) {
		*err = xasprintf("it becomes %s:%s, longer than the %d characters the kernel "
				 "takes for an argument", nf.fetch, nf.type, KERNEL_ARGSTR_MAX);
		free(field);
		free(nf.fetch);
		free(nf.type);
		return -1;
	}
	if (field && !name)
		strv_push(out, xasprintf("%c%s=%s:%s", CHOSEN, field, nf.fetch, nf.type));
	else
		strv_push(out, field ? xasprintf("%s=%s:%s", field, nf.fetch, nf.type) :
			       xasprintf("%s:%s", nf.fetch, nf.type));
	free(field);
	free(nf.fetch);
	free(nf.type);
	return 0;
}

/* $params: every parameter by its name and type; those that cannot be read are said. */
static void push_params(const struct type_source *ts, const struct nfunc *fn,
			const struct fetch_ctx *ctx, struct strv *out, struct strv *notes)
{
	for (int i = 0; i < fn->nparams; i++) {
		struct name_expr e = { .base = fn->params[i].name };
		char *err = NULL;

		if (push_walked(ts, fn, &e, NULL, NULL, ctx, out, &err))
			strv_push(notes, xasprintf("$params of %s: '%s' left out: %s", fn->name,
						   fn->params[i].name, err));
		free(err);
	}
}

/*
 * A plain $retval that its type cannot print (a struct, a float, void, or
 * wider than the return register): left as the user wrote it, as without
 * names.
 */
static bool retval_as_written(const struct type_source *ts, const struct nfunc *fn,
			      const struct name_expr *e, const struct fetch_ctx *ctx)
{
	struct ntype nt;

	if (e->nsteps || strcmp(e->base, "$retval") || !ctx->ret_probe)
		return false;
	if (!fn->ret || ts->ops->type(ts->priv, fn->ret, &nt))
		return true;
	return (nt.kind != NT_INT && nt.kind != NT_ENUM && nt.kind != NT_PTR) ||
	       nt.size > (unsigned long long)ctx->arch->long_size;
}

/* Does argument FETCH (with :TYPE) need the types? A plain $retval only if there are any. */
static bool wants_names(const char *fetch)
{
	return name_expr_is_name(fetch) || str_starts(fetch, "$params") ||
	       str_starts(fetch, "$retval");
}

/* Rewrite one argument @arg into @out; *@fn and *@ts are loaded on first need. */
static int rewrite_one(struct probe_spec *ps, struct name_sources *ns,
		       const struct fetch_ctx *ctx, const char *arg, struct type_source **ts,
		       struct nfunc *fn, struct strv *out, struct strv *notes, char **err)
{
	char *name, *fetch, *type;
	struct name_expr e = { 0 };
	int ret = 0;

	fetcharg_split(arg, &name, &fetch, &type);
	if (!wants_names(fetch)) {
		strv_push(out, xstrdup(arg));
		goto out;
	}
	/* a plain $retval, typed if its function is found at once: no search of modules */
	if (!*ts && names_func(ns, ps, ctx->arch, strcmp(fetch, "$retval"), ts, fn, err)) {
		*ts = NULL;
		nfunc_free(fn);
		if (!strcmp(fetch, "$retval")) {	/* untyped, as without names */
			free(*err);
			*err = NULL;
			strv_push(out, xstrdup(arg));
			goto out;
		}
		ret = -1;
		goto out;
	}
	ret = name_expr_parse(fetch, &e, err);
	if (!ret && !strcmp(e.base, "$params")) {
		if (name || type) {
			*err = xasprintf("$params takes no name and no type: each parameter "
					 "gets its own");
			ret = -1;
		} else {
			push_params(*ts, fn, ctx, out, notes);
		}
	} else if (!ret && retval_as_written(*ts, fn, &e, ctx)) {
		strv_push(out, xstrdup(arg));
	} else if (!ret) {
		ret = push_walked(*ts, fn, &e, name, type, ctx, out, err);
	}
	name_expr_free(&e);
out:
	free(name);
	free(fetch);
	free(type);
	return ret;
}

/*
 * names_rewrite_args - @ps's arguments by name as the kernel's fetch arguments
 *
 * "filename:string" becomes "filename=+0(%si):string"; arguments in the
 * kernel's syntax are left as they are. Prints a one-line error and
 * returns -1 if a name cannot be translated.
 */
int names_rewrite_args(struct probe_spec *ps, const struct resolve_opts *ro,
		       const struct fetch_ctx *ctx)
{
	struct name_sources local = { 0 }, *ns = ro->names ? ro->names : &local;
	struct strv out = { 0 }, notes = { 0 };
	struct type_source *ts = NULL;
	struct nfunc fn = { 0 };
	int ret = 0;

	for (int i = 0; i < ps->args.n && !ret; i++) {
		char *err = NULL;

		ret = rewrite_one(ps, ns, ctx, ps->args.v[i], &ts, &fn, &out, &notes, &err);
		if (ret)
			err_msg("'%s': argument '%s': %s", ps->text, ps->args.v[i], err);
		free(err);
	}
	settle_names(&out);
	for (int i = 0; !ret && i < notes.n; i++)
		note_msg("%s", notes.v[i]);
	if (!ret) {
		strv_free(&ps->args);
		ps->args = out;
		memset(&out, 0, sizeof(out));
	}
	nfunc_free(&fn);
	name_sources_free(&local);
	strv_free(&out);
	strv_free(&notes);
	return ret ? -1 : 0;
}
