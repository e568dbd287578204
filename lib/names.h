/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_NAMES_H
#define KTP_NAMES_H

/*
 * Names instead of registers: a probe argument written as a C expression
 * over the probed function's parameters ("filename",
 * "file->f_path.dentry->d_name.name", "a.b[2]", "$params", "$retval")
 * becomes the kernel's fetch syntax ("+0(%si)", "+40(+24(%di))").
 *
 * The contract between the parts, one file each:
 *   name_expr.c    reads an expression (syntax only; in the fuzz target)
 *   name_fetch.c   walks it over the types into a fetch argument
 *   name_print.c   the kernel type it ends in (private contract: name_walk.h)
 *   name_lookup.c  members by name, close names for errors
 *   name_vars.c    lists parameters and members (--vars)
 *   btf_source.c   the kernel's types, from BTF (btf_index.c, btf_check.c)
 *   dwarf_*.c      a user binary's types, from DWARF (libdw; dwarf_parts.h)
 *   names.c        which source a probe gets, and the arguments it becomes
 * A type source describes types through struct type_source_ops; the walker
 * knows nothing of BTF or DWARF.
 */

#include <stdbool.h>

#include "utils.h"

struct arch_info;
struct fetch_ctx;
struct probe_spec;
struct resolve_opts;

/* A type's handle in its source: a BTF type id, or a DWARF DIE's offset. */
typedef unsigned long long type_ref;

enum ntype_kind {
	NT_VOID, NT_INT, NT_ENUM, NT_FLOAT, NT_PTR, NT_ARRAY,
	NT_STRUCT, NT_UNION, NT_FUNC, NT_OTHER,
};

/* A type with its typedefs and qualifiers looked through. */
struct ntype {
	enum ntype_kind kind;
	unsigned long long size;	/* bytes (0: void, function, flexible array) */
	bool is_signed;			/* INT, ENUM */
	bool is_char;			/* INT of one byte that C spells char */
	bool is_bool;			/* INT that C spells _Bool */
	type_ref target;		/* PTR: the pointee; ARRAY: the element */
	unsigned long long nelems;	/* ARRAY: its elements (0: flexible) */
};

/* One member of a struct or union, as declared (anonymous ones with name ""). */
struct nmember {
	const char *name;		/* owned by the source */
	type_ref type;
	unsigned long long bit_offset;	/* from the start of the struct */
	unsigned int bit_size;		/* bitfield width; 0: not a bitfield */
};

/* Where a parameter is at the probe's address. */
enum nparam_where {
	NP_ARG,		/* where the C ABI passes argument @index (as $argN) */
	NP_REG,		/* in register @reg */
	NP_MEM,		/* in memory at register @reg + @offset */
	NP_NONE,	/* nowhere at this address (@why says so) */
};

struct nparam {
	char *name;
	type_ref type;
	enum nparam_where where;
	int index;			/* NP_ARG: 1-based */
	char *reg;			/* NP_REG, NP_MEM: the kernel's name, e.g. "bp" */
	long long offset;		/* NP_MEM */
	char *why;			/* NP_NONE */
};

/* A function as its parameters are seen at the probe's address. */
struct nfunc {
	char *name;
	struct nparam *params;
	int nparams;
	bool variadic;
	type_ref ret;			/* 0: void */
};

/* What a type source answers; the walker and the listing use only this. */
struct type_source_ops {
	/* @t with typedefs and qualifiers looked through; -1 if unknown */
	int (*type)(void *src, type_ref t, struct ntype *out);
	/* member @i of struct/union @t: 0, 1 past the last, -1 on error */
	int (*member)(void *src, type_ref t, int i, struct nmember *out);
	/* @t as C spells it ("struct file *", "size_t"), newly allocated */
	char *(*type_name)(void *src, type_ref t);
	void (*free)(void *src);
};

struct type_source {
	const struct type_source_ops *ops;
	void *priv;
	char *what;			/* for messages: "the kernel's BTF" */
	bool big_endian;		/* the probed machine's byte order (bitfields) */
	unsigned int pointer_size;	/* bytes; 0: not known */
};

void type_source_free(struct type_source *ts);
void nfunc_free(struct nfunc *fn);

/* name_expr.c: "NAME{->M|.M|[N]}", "$retval{...}" or "$params" */
enum name_step_kind { STEP_ARROW, STEP_DOT, STEP_INDEX };

struct name_step {
	enum name_step_kind kind;
	char *member;			/* ARROW, DOT */
	unsigned long long index;	/* INDEX */
};

struct name_expr {
	char *base;			/* a parameter's name, "$retval" or "$params" */
	struct name_step *steps;
	int nsteps;
};

bool name_expr_is_name(const char *fetch);
int name_expr_parse(const char *text, struct name_expr *out, char **err);
void name_expr_free(struct name_expr *e);

/* name_fetch.c: one parsed expression to "FETCH" and its kernel type */
struct name_fetch {
	char *fetch;			/* e.g. "+0(+40(%di))" */
	char *type;			/* e.g. "string", "u64", "x64" */
};

int name_fetch_walk(const struct type_source *ts, const struct nfunc *fn,
		    const struct name_expr *e, const char *user_type,
		    const struct fetch_ctx *ctx, struct name_fetch *out, char **err);
bool name_param_followable(const struct type_source *ts, const struct nfunc *fn, int n,
			   const struct fetch_ctx *ctx);
int name_find_member(const struct type_source *ts, type_ref t, const char *name,
		     struct nmember *out);
char *name_close_members(const struct type_source *ts, type_ref t, const char *name);
char *name_close_params(const struct nfunc *fn, const char *name);

/* btf_source.c: the kernel's types */
int btf_source_open(const char *btf_path, struct type_source *ts, char **err);
int btf_source_open_module(struct type_source *base, const char *btf_path, const char *module,
			   struct type_source *ts, char **err);
int btf_source_func(struct type_source *ts, const char *func, struct nfunc *out, char **err);
void btf_source_modules(const char *btf_path, struct strv *out);
bool btf_source_has_module(const char *btf_path, const char *module);

/* dwarf_source.c: a user binary's types (libdw); without libdw, an error that says so */
int dwarf_source_open(const char *path, struct type_source *ts, char **err);
int dwarf_source_func(struct type_source *ts, const char *func, unsigned long long offset,
		      const struct arch_info *arch, struct nfunc *out, char **err);

/* name_vars.c: --vars 'FUNC [EXPR->]' */
int names_list_vars(const char *what, const struct resolve_opts *ro);
int name_walk_type(const struct type_source *ts, const struct nfunc *fn,
		   const struct name_expr *e, type_ref *type, char **err);

/* names.c: the type sources of a run, opened once each when first needed */
struct name_sources {
	const char *btf_path;		/* --btf, or NULL for the running kernel's */
	const struct arch_info *arch;	/* the machine probed, which the BTF must fit */
	struct strv keys;		/* "" (vmlinux), a module, or a binary's path */
	struct type_source **sources;	/* per key; ops NULL: could not be opened */
	struct strv errors;		/* per key: why not */
};

void name_sources_free(struct name_sources *ns);
int names_rewrite_args(struct probe_spec *ps, const struct resolve_opts *ro,
		       const struct fetch_ctx *ctx);
int name_sources_check(struct name_sources *ns);
bool names_is_param(struct name_sources *ns, const char *func, const char *word);
int names_func(struct name_sources *ns, const struct probe_spec *ps,
	       const struct arch_info *arch, bool modules, struct type_source **ts,
	       struct nfunc *fn, char **err);

#endif
