// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz target's stand-in for lib/btf_source.c and lib/dwarf_source.c:
 * one small set of types held in memory, so that names in fuzzed specs are
 * walked (pointers, nested and anonymous members, arrays, bitfields,
 * strings) without reading the machine's BTF or a binary's DWARF.
 *
 *   long f(struct outer *file, char *s, int n, struct inner *in)
 *   struct inner { int x; char name[8]; unsigned flag:3, more:5; }
 *   struct outer { struct inner *in; struct inner emb;
 *                  union { int u1; long u2; }; int arr[4]; }
 */
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "names.h"

enum { T_INT = 1, T_CHAR, T_CHARP, T_INNER, T_OUTER, T_OUTERP, T_NAME, T_ANON, T_ARR,
       T_INNERP, T_UINT, T_LONG, T_COUNT };

static const struct ntype types[T_COUNT] = {
	[T_INT] = { NT_INT, 4, true, false, false, 0, 0 },
	[T_CHAR] = { NT_INT, 1, true, true, false, 0, 0 },
	[T_CHARP] = { NT_PTR, 8, false, false, false, T_CHAR, 0 },
	[T_INNER] = { NT_STRUCT, 16, false, false, false, 0, 0 },
	[T_OUTER] = { NT_STRUCT, 48, false, false, false, 0, 0 },
	[T_OUTERP] = { NT_PTR, 8, false, false, false, T_OUTER, 0 },
	[T_NAME] = { NT_ARRAY, 8, false, false, false, T_CHAR, 8 },
	[T_ANON] = { NT_UNION, 8, false, false, false, 0, 0 },
	[T_ARR] = { NT_ARRAY, 16, false, false, false, T_INT, 4 },
	[T_INNERP] = { NT_PTR, 8, false, false, false, T_INNER, 0 },
	[T_UINT] = { NT_INT, 4, false, false, false, 0, 0 },
	[T_LONG] = { NT_INT, 8, true, false, false, 0, 0 },
};

static const struct nmember inner[] = {
	{ "x", T_INT, 0, 0 }, { "name", T_NAME, 32, 0 },
	{ "flag", T_UINT, 96, 3 }, { "more", T_UINT, 99, 5 },
};
static const struct nmember outer[] = {
	{ "in", T_INNERP, 0, 0 }, { "emb", T_INNER, 64, 0 },
	{ "", T_ANON, 192, 0 }, { "arr", T_ARR, 256, 0 },
};
static const struct nmember anon[] = { { "u1", T_INT, 0, 0 }, { "u2", T_LONG, 0, 0 } };

static int fake_type(void *src, type_ref t, struct ntype *out)
{
	(void)src;
	if (t >= T_COUNT)
		return -1;
	*out = types[t];	/* 0: all zero, NT_VOID */
	return 0;
}

static int fake_member(void *src, type_ref t, int i, struct nmember *out)
{
	const struct nmember *m = t == T_INNER ? inner : t == T_OUTER ? outer : t == T_ANON ? anon : NULL;
	int n = t == T_ANON ? 2 : 4;

	(void)src;
	if (!m)
		return -1;
	if (i >= n)
		return 1;
	*out = m[i];
	return 0;
}

static char *fake_type_name(void *src, type_ref t)
{
	(void)src;
	return t == T_CHAR ? xstrdup("char") : xasprintf("type %llu", t);
}

static void fake_free(void *src)
{
	(void)src;
}

static const struct type_source_ops fake_ops = {
	fake_type, fake_member, fake_type_name, fake_free,
};

static void fake_open(struct type_source *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->ops = &fake_ops;
	ts->what = xstrdup("the fuzz target's types");
}

/* f's parameters; for a user probe past the entry, one lives in memory off the stack pointer. */
static void fake_func(struct nfunc *out, bool in_memory, const char *sp)
{
	static const char *const names[] = { "file", "s", "n", "in" };
	static const type_ref ptypes[] = { T_OUTERP, T_CHARP, T_INT, T_INNERP };

	memset(out, 0, sizeof(*out));
	out->name = xstrdup("f");
	out->nparams = 4;
	out->params = xcalloc(4, sizeof(*out->params));
	for (int i = 0; i < 4; i++) {
		out->params[i].name = xstrdup(names[i]);
		out->params[i].type = ptypes[i];
		out->params[i].where = NP_ARG;
		out->params[i].index = i + 1;
	}
	if (in_memory) {
		out->params[2].where = NP_MEM;
		out->params[2].reg = xstrdup(sp);
		out->params[2].offset = -12;
		out->params[3].where = NP_NONE;
		out->params[3].why = xstrdup("in has no location here");
	}
	out->ret = T_LONG;
}

int btf_source_open(const char *btf_path, struct type_source *ts, char **err)
{
	(void)btf_path, (void)err;
	fake_open(ts);
	return 0;
}

int btf_source_open_module(struct type_source *base, const char *btf_path, const char *module,
			   struct type_source *ts, char **err)
{
	(void)base, (void)btf_path, (void)ts;
	*err = xasprintf("no module %s here", module);
	return -1;
}

int btf_source_func(struct type_source *ts, const char *func, struct nfunc *out, char **err)
{
	if (strcmp(func, "f")) {
		if (err)
			*err = xasprintf("%s has no function '%s'", ts->what, func);
		return -1;
	}
	fake_func(out, false, NULL);
	return 0;
}

void btf_source_modules(const char *btf_path, struct strv *out)
{
	(void)btf_path, (void)out;
}

bool btf_source_has_module(const char *btf_path, const char *module)
{
	(void)btf_path, (void)module;
	return false;
}

int dwarf_source_open(const char *path, struct type_source *ts, char **err)
{
	(void)path, (void)err;
	fake_open(ts);
	return 0;
}

int dwarf_source_func(struct type_source *ts, const char *func, unsigned long long offset,
		      const struct arch_info *arch, struct nfunc *out, char **err)
{
	if (strcmp(func, "f")) {
		*err = xasprintf("%s has no function '%s'", ts->what, func);
		return -1;
	}
	fake_func(out, offset != 0, arch->sp);
	return 0;
}
