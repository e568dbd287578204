// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's types, from its BTF (/sys/kernel/btf/vmlinux, a module's
 * split BTF beside it, or a file given with --btf): vmlinux's mapped and
 * indexed (btf_index.c), read with libbpf's accessors, parsed in full by
 * libbpf only to spell a type; a module's and an ELF file's parsed by
 * libbpf. No bpf() call is made. Answers the type source questions of
 * names.h and finds a function's parameters.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf_check.h"
#include "btf_index.h"
#include "names.h"

#define KERNEL_BTF_DIR "/sys/kernel/btf"
#define MAX_TYPE_CHAIN 64	/* typedefs and qualifiers looked through, at most */

struct btf_source {
	struct btf_index *index;	/* vmlinux's raw BTF, mapped; or NULL */
	struct btf *base;		/* vmlinux, parsed by libbpf (without an index: always) */
	struct btf *btf;		/* the module's (split on base), or base */
	int ptr_size;			/* bytes; 0: not known yet */
	bool shared_base;		/* @base is vmlinux's source's (a module's source) */
	struct btf_dump *dump;		/* spells types in C */
	FILE *dump_out;			/* where @dump writes, into @dump_buf */
	char *dump_buf;
	size_t dump_len;
};

/* Is @path a directory (laid out as /sys/kernel/btf)? */
static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Type @id, from the index or from libbpf; NULL for void or an id out of range. */
static const struct btf_type *type_at(const struct btf_source *bs, unsigned long long id)
{
	if (id > 0xffffffffULL)
		return NULL;
	return bs->index ? btf_index_type(bs->index, id) : btf__type_by_id(bs->btf, id);
}

/* type_at() for btf_check_types(). */
static const struct btf_type *type_at_cb(void *ctx, unsigned int id)
{
	return type_at(ctx, id);
}

/* The string at @off ("" if none). */
static const char *name_at(const struct btf_source *bs, unsigned int off)
{
	const char *name = bs->index ? btf_index_name(bs->index, off) :
			   btf__name_by_offset(bs->btf, off);

	return name ? name : "";
}

/* One more than the largest type id. */
static unsigned int type_count(const struct btf_source *bs)
{
	return bs->index ? btf_index_count(bs->index) : btf__type_cnt(bs->btf);
}

/* libbpf's own parse of the indexed file, made when a type must be spelt. */
static struct btf *libbpf_btf(struct btf_source *bs)
{
	const void *data;
	size_t size;

	if (!bs->btf && bs->index) {
		data = btf_index_data(bs->index, &size);
		bs->base = btf__new(data, size);
		bs->btf = bs->base;
	}
	return bs->btf;
}

/* A pointer's size: that of C's long (libbpf's rule), 8 if the BTF has no long. */
static int pointer_size(struct btf_source *bs)
{
	if (bs->ptr_size)
		return bs->ptr_size;
	bs->ptr_size = 8;
	if (!bs->index) {
		bs->ptr_size = btf__pointer_size(bs->btf) > 0 ? btf__pointer_size(bs->btf) : 8;
		return bs->ptr_size;
	}
	for (unsigned int id = 1; id < type_count(bs); id++) {
		const struct btf_type *t = type_at(bs, id);
		const char *name = name_at(bs, t->name_off);

		if (btf_is_int(t) && (!strcmp(name, "long int") || !strcmp(name, "long unsigned int"))) {
			bs->ptr_size = t->size;
			break;
		}
	}
	return bs->ptr_size;
}

static int btf_type(void *src, type_ref id, struct ntype *out);

/* An array's size in bytes: its elements' size times their number (arrays nest 16 deep). */
static unsigned long long array_size(struct btf_source *bs, const struct btf_type *t)
{
	static int depth;
	struct ntype elem;
	int err;

	if (depth > 16)
		return 0;
	depth++;
	err = btf_type(bs, btf_array(t)->type, &elem);
	depth--;
	return err ? 0 : elem.size * btf_array(t)->nelems;
}

/* @t's kind and size as names.h describes them. */
static int btf_type(void *src, type_ref id, struct ntype *out)
{
	struct btf_source *bs = src;
	const struct btf_type *t;
	int hops = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		if (id == 0) {
			out->kind = NT_VOID;
			return 0;
		}
		t = type_at(bs, id);
		if (!t || hops++ > MAX_TYPE_CHAIN)
			return -1;
		if (!btf_is_mod(t) && !btf_is_typedef(t) && !btf_is_type_tag(t))
			break;
		id = t->type;
	}
	if (btf_is_int(t)) {
		const char *name = name_at(bs, t->name_off);

		out->kind = NT_INT;
		out->size = t->size;
		out->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		out->is_bool = btf_int_encoding(t) & BTF_INT_BOOL;
		/* "char" only: u8 (unsigned char) arrays are bytes more often than text */
		out->is_char = t->size == 1 && name && !strcmp(name, "char");
	} else if (btf_is_any_enum(t)) {
		out->kind = NT_ENUM;
		out->size = t->size;
		out->is_signed = btf_kflag(t);
	} else if (btf_is_ptr(t)) {
		out->kind = NT_PTR;
		out->size = pointer_size(bs);
		out->target = t->type;
	} else if (btf_is_array(t)) {
		out->kind = NT_ARRAY;
		out->target = btf_array(t)->type;
		out->nelems = btf_array(t)->nelems;
		out->size = hops < MAX_TYPE_CHAIN ? array_size(bs, t) : 0;
	} else if (btf_is_composite(t)) {
		out->kind = btf_is_struct(t) ? NT_STRUCT : NT_UNION;
		out->size = t->size;
	} else if (btf_is_float(t)) {
		out->kind = NT_FLOAT;
		out->size = t->size;
	} else {
		out->kind = btf_is_func_proto(t) ? NT_FUNC : NT_OTHER;
	}
	return 0;
}

/* Member @i of struct or union @id, as declared. */
static int btf_member(void *src, type_ref id, int i, struct nmember *out)
{
	struct btf_source *bs = src;
	const struct btf_type *t;
	int hops = 0;

	while ((t = type_at(bs, id)) && (btf_is_mod(t) || btf_is_typedef(t)) &&
	       hops++ < MAX_TYPE_CHAIN)
		id = t->type;
	if (!t || !btf_is_composite(t))
		return -1;
	if (i >= btf_vlen(t))
		return 1;
	out->name = name_at(bs, btf_members(t)[i].name_off);
	out->type = btf_members(t)[i].type;
	out->bit_offset = btf_member_bit_offset(t, i);
	out->bit_size = btf_member_bitfield_size(t, i);
	return 0;
}

/* libbpf's btf_dump writes here. */
static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* @id as C spells it, e.g. "struct file *", by libbpf's declaration writer. */
static char *btf_type_name(void *src, type_ref id)
{
	struct btf_source *bs = src;
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = "");

	if (!bs->dump && libbpf_btf(bs)) {
		bs->dump_out = open_memstream(&bs->dump_buf, &bs->dump_len);
		bs->dump = bs->dump_out ? btf_dump__new(bs->btf, dump_printf, bs->dump_out, NULL) : NULL;
	}
	if (!bs->dump)
		return xasprintf("type %llu", id);
	rewind(bs->dump_out);
	if (btf_dump__emit_type_decl(bs->dump, id, &opts) || fflush(bs->dump_out))
		return xasprintf("type %llu", id);
	return xstrndup(bs->dump_buf, bs->dump_len);
}

static void btf_source_release(void *src)
{
	struct btf_source *bs = src;

	btf_dump__free(bs->dump);
	if (bs->dump_out)
		fclose(bs->dump_out);
	free(bs->dump_buf);
	if (bs->btf != bs->base)
		btf__free(bs->btf);
	if (!bs->shared_base)
		btf__free(bs->base);
	btf_index_close(bs->index);
	free(bs);
}

static const struct type_source_ops btf_ops = {
	.type = btf_type,
	.member = btf_member,
	.type_name = btf_type_name,
	.free = btf_source_release,
};

/* Parse @path (raw BTF or an ELF file with a .BTF section), split on @base if given. */
static struct btf *parse(const char *path, struct btf *base, char **err)
{
	struct btf *btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);

	if (!btf)	/* (libbpf says ENOENT for an ELF file without .BTF too) */
		*err = xasprintf("cannot read BTF from %s: %s", path,
				 access(path, F_OK) ? "no such file" :
				 access(path, R_OK) ? strerror(EACCES) :
				 "not BTF, nor an ELF file with a .BTF section");
	return btf;
}

/* @bs as the type source @ts, described as @what (taken). */
static void publish(struct btf_source *bs, struct type_source *ts, char *what)
{
	ts->ops = &btf_ops;
	ts->priv = bs;
	ts->what = what;
	ts->pointer_size = pointer_size(bs);
	/* an index is of BTF in this machine's byte order */
	ts->big_endian = bs->base ? btf__endianness(bs->base) == BTF_BIG_ENDIAN :
			 __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/*
 * A file given with --btf is anyone's: its references must stay in range
 * and its chains end (the running kernel's was checked by the kernel).
 */
static int check_given(struct btf_source *bs, const char *path, char **err)
{
	char *why = btf_check_types(type_at_cb, bs, type_count(bs));

	if (!why)
		return 0;
	*err = xasprintf("%s is malformed BTF: %s", path, why);
	free(why);
	return -1;
}

/*
 * btf_source_open - vmlinux's types as a type source
 * @btf_path: NULL for the running kernel's; a file (vmlinux's BTF, raw or
 *	in an ELF file) or a directory laid out as /sys/kernel/btf
 */
int btf_source_open(const char *btf_path, struct type_source *ts, char **err)
{
	const char *dir = btf_path ? btf_path : KERNEL_BTF_DIR;
	char *path = !btf_path || is_dir(btf_path) ? xasprintf("%s/vmlinux", dir) :
		     xstrdup(btf_path);
	struct btf_source *bs = xcalloc(1, sizeof(*bs));

	memset(ts, 0, sizeof(*ts));
	libbpf_set_print(NULL);		/* its messages would be a second line: ours say it */
	bs->index = btf_index_open(path, err);
	if (!bs->index && !*err)
		bs->base = bs->btf = parse(path, NULL, err);
	if (!bs->index && !bs->base) {
		if (!btf_path && access(path, F_OK)) {
			free(*err);
			*err = xasprintf("this kernel has no BTF (%s): names need it, or "
					 "--btf FILE; use registers or $argN", path);
		}
		goto out_fail;
	}
	if (btf_path && check_given(bs, path, err))
		goto out_fail;
	publish(bs, ts, xasprintf("the kernel's BTF (%s)", path));
	free(path);
	return 0;
out_fail:
	btf_source_release(bs);
	free(path);
	return -1;
}

/*
 * btf_source_open_module - a module's types, split on vmlinux's @base
 * (which must outlive it: libbpf parses vmlinux once for all modules)
 */
int btf_source_open_module(struct type_source *base, const char *btf_path, const char *module,
			   struct type_source *ts, char **err)
{
	struct btf_source *bb = base->priv, *bs = xcalloc(1, sizeof(*bs));
	char *path = xasprintf("%s/%s", btf_path && is_dir(btf_path) ? btf_path : KERNEL_BTF_DIR,
			       module);

	memset(ts, 0, sizeof(*ts));
	bs->base = libbpf_btf(bb);
	bs->shared_base = true;
	bs->btf = bs->base ? parse(path, bs->base, err) : NULL;
	if (!bs->base && !*err)
		*err = xasprintf("libbpf cannot parse vmlinux's BTF, which %s is split on", path);
	if (!bs->btf || (btf_path && check_given(bs, path, err))) {
		btf_source_release(bs);
		free(path);
		return -1;
	}
	publish(bs, ts, xasprintf("the BTF of module %s", module));
	free(path);
	return 0;
}

/*
 * btf_source_has_module - whether --btf's directory @btf_path has BTF for
 * @module (MOD:FUNC of a dry run for another kernel, whose modules are
 * not loaded here)
 */
bool btf_source_has_module(const char *btf_path, const char *module)
{
	char *path;
	bool found;

	if (!btf_path || !is_dir(btf_path) || strchr(module, '/') || module[0] == '.')
		return false;
	path = xasprintf("%s/%s", btf_path, module);
	found = !access(path, R_OK);
	free(path);
	return found;
}

/* The modules whose BTF sits beside vmlinux's in @btf_path's directory. */
void btf_source_modules(const char *btf_path, struct strv *out)
{
	DIR *d = btf_path && !is_dir(btf_path) ? NULL :
		 opendir(btf_path ? btf_path : KERNEL_BTF_DIR);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "vmlinux"))
			strv_push(out, xstrdup(de->d_name));
	if (d)
		closedir(d);
}

/* The functions in @btf whose names are near @func, for an error; NULL if none. */
static char *close_functions(const struct btf_source *bs, const char *func)
{
	int limit = strlen(func) / 4 + 1, best = limit + 1;
	struct strv close = { 0 };
	char *ret = NULL;

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int id = 1; id < type_count(bs) && close.n < 8; id++) {
			const struct btf_type *t = type_at(bs, id);
			const char *name;
			int d;

			if (!btf_is_func(t))
				continue;
			name = name_at(bs, t->name_off);
			d = edit_distance(func, name, limit);
			if (pass == 0 && d < best)
				best = d;	/* the first pass finds the nearest distance */
			else if (pass == 1 && d == best && best <= limit &&
				 !strv_contains(&close, name))
				strv_push(&close, xstrdup(name));
		}
	}
	if (close.n)
		ret = strv_join(&close, ", ", 8);
	strv_free(&close);
	return ret;
}

/*
 * btf_source_func - function @func's parameters and return type; with
 * @err NULL, a miss costs no search for close names
 *
 * BTF knows them at the function's entry only, where the C ABI put them:
 * each parameter is NP_ARG at its position.
 */
int btf_source_func(struct type_source *ts, const char *func, struct nfunc *out, char **err)
{
	struct btf_source *bs = ts->priv;
	const struct btf_type *fn, *proto;
	const struct btf_param *params;
	int id, n;

	memset(out, 0, sizeof(*out));
	id = bs->index ? btf_index_find_func(bs->index, func) :
	     btf__find_by_name_kind(bs->btf, func, BTF_KIND_FUNC);
	fn = id > 0 ? type_at(bs, id) : NULL;
	proto = fn ? type_at(bs, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto)) {
		char *close = err ? close_functions(bs, func) : NULL;

		if (!err)	/* a search that says nothing */
			return -1;
		*err = xasprintf("%s has no function '%s'%s%s (an inlined function, or one the "
				 "compiler renamed, has none)", ts->what, func, close ? "; close: " : "",
				 close ? close : "");
		free(close);
		return -1;
	}
	params = btf_params(proto);
	n = btf_vlen(proto);
	if (n && params[n - 1].type == 0 && params[n - 1].name_off == 0) {
		out->variadic = true;
		n--;
	}
	out->name = xstrdup(func);
	out->params = xcalloc(n ? n : 1, sizeof(*out->params));
	out->nparams = n;
	for (int i = 0; i < n; i++) {
		const char *name = name_at(bs, params[i].name_off);

		out->params[i].name = *name ? xstrdup(name) : xasprintf("arg%d", i + 1);
		out->params[i].type = params[i].type;
		out->params[i].where = NP_ARG;
		out->params[i].index = i + 1;
	}
	out->ret = proto->type;
	return 0;
}
