// SPDX-License-Identifier: GPL-2.0
/*
 * The type ops of a user binary's DWARF (names.h): a type with typedefs
 * and qualifiers looked through (a declared-only struct by its definition
 * in another unit; dimension N of a multi-dimensional array as an array
 * of the rest), struct and union members with their bit offsets (DWARF 2
 * to 5 bitfields), and a type as C spells it.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarf_parts.h"
#include "names.h"

#ifdef KTP_HAVE_LIBDW

#include <dwarf.h>

/* A declared-only struct, union or enum's definition, found by name in any CU. */
static void find_definition(struct dw_src *s, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die), *n;
	int tag = dwarf_tag(die);
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, c;

	while (name && dw_next_cu(s->dw, &cu, &cudie)) {
		if (dwarf_child(&cudie, &c))
			continue;
		do {
			if (dwarf_tag(&c) == tag && !dwarf_hasattr(&c, DW_AT_declaration) &&
			    (n = dwarf_diename(&c)) && !strcmp(n, name)) {
				*die = c;
				return;
			}
		} while (dwarf_siblingof(&c, &c) == 0);
	}
}

/* @die with typedefs and qualifiers looked through: 1, 0 if void, -1 if too deep. */
static int strip(struct dw_src *s, Dwarf_Die *die)
{
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		switch (dwarf_tag(die)) {
		case DW_TAG_typedef: case DW_TAG_const_type: case DW_TAG_volatile_type:
		case DW_TAG_restrict_type: case DW_TAG_atomic_type:
			if (!dw_die_type(die, die))
				return 0;
			break;
		case DW_TAG_structure_type: case DW_TAG_union_type:
		case DW_TAG_class_type: case DW_TAG_enumeration_type:
			if (dwarf_hasattr(die, DW_AT_declaration))
				find_definition(s, die);
			return 1;
		default:
			return 1;
		}
	}
	return -1;
}

/* A base type: C's integers, _Bool and floating point. */
static void base_type(Dwarf_Die *die, struct ntype *out)
{
	Dwarf_Word enc = dw_attr_udata(die, DW_AT_encoding, 0);

	out->kind = NT_INT;
	switch (enc) {
	case DW_ATE_signed_char: case DW_ATE_unsigned_char:
		/* "char" only, as in BTF: uint8_t and u8 are bytes (name_fetch.c) */
		out->is_char = out->size == 1 && dw_die_name(die) && !strcmp(dw_die_name(die), "char");
		/* fall through */
	case DW_ATE_signed: case DW_ATE_unsigned: case DW_ATE_UTF:
		out->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	case DW_ATE_boolean:
		out->is_bool = true;
		break;
	case DW_ATE_float:
		out->kind = NT_FLOAT;
		break;
	default:
		out->kind = NT_OTHER;
	}
}

/* Whether enum @die (without a DW_AT_type) has a negative enumerator: then it is signed. */
static bool has_negative(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Sword v;
	Dwarf_Die c;

	if (dwarf_child(die, &c))
		return false;
	do {
		if (dwarf_attr(&c, DW_AT_const_value, &a) && dwarf_whatform(&a) == DW_FORM_sdata &&
		    !dwarf_formsdata(&a, &v) && v < 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* A subrange's element count: DW_AT_count, or upper bound + 1; 0 if unknown. */
static unsigned long long subrange_count(Dwarf_Die *sr)
{
	Dwarf_Word ub = dw_attr_udata(sr, DW_AT_upper_bound, (Dwarf_Word)-1);

	if (dwarf_hasattr(sr, DW_AT_count))
		return dw_attr_udata(sr, DW_AT_count, 0);
	if (ub == (Dwarf_Word)-1)
		return 0;
	return ub + 1 - dw_attr_udata(sr, DW_AT_lower_bound, 0);
}

/* Dimension @dim of array @arr: its count, and whether more dimensions follow. */
static int array_dim(Dwarf_Die *arr, unsigned int dim, unsigned long long *nelems, bool *more)
{
	unsigned int k = 0;
	Dwarf_Die c;

	*nelems = 0;
	*more = false;
	if (dwarf_child(arr, &c))
		return dim ? -1 : 0;
	do {
		if (dwarf_tag(&c) != DW_TAG_subrange_type)
			continue;
		if (k == dim)
			*nelems = subrange_count(&c);
		else if (k > dim)
			*more = true;
		k++;
	} while (dwarf_siblingof(&c, &c) == 0 && !*more);
	return k > dim || !dim ? 0 : -1;
}

static int type_at(struct dw_src *s, type_ref t, struct ntype *out, int depth);

/* Array @die from dimension @dim: the rest of the dimensions are its element. */
static int array_type(struct dw_src *s, Dwarf_Die *die, unsigned int dim, struct ntype *out,
		      int depth)
{
	struct ntype elem;
	bool more;

	out->kind = NT_ARRAY;
	if (array_dim(die, dim, &out->nelems, &more))
		return -1;
	out->target = more ? dw_die_ref(s, die) | (type_ref)(dim + 1) << DIM_SHIFT : dw_type_of(s, die);
	if (type_at(s, out->target, &elem, depth + 1))
		return -1;
	out->size = out->nelems * elem.size;
	return 0;
}

/* type op with a bound on the depth (arrays of arrays, enums' base types). */
static int type_at(struct dw_src *s, type_ref t, struct ntype *out, int depth)
{
	struct ntype base;
	Dwarf_Die die, cu;
	uint8_t asize;
	int r;

	memset(out, 0, sizeof(*out));
	if (!t)
		return 0;	/* NT_VOID */
	if (depth > MAX_DEPTH || !dw_ref_die(s, t, &die) || (r = strip(s, &die)) < 0)
		return -1;
	if (!r)
		return 0;
	out->size = dw_attr_udata(&die, DW_AT_byte_size, 0);
	switch (dwarf_tag(&die)) {
	case DW_TAG_base_type:
		base_type(&die, out);
		return 0;
	case DW_TAG_enumeration_type:
		out->kind = NT_ENUM;
		if (!dwarf_hasattr(&die, DW_AT_type))
			out->is_signed = has_negative(&die);
		else
			out->is_signed = !type_at(s, dw_type_of(s, &die), &base, depth + 1) &&
					 base.is_signed;
		return 0;
	case DW_TAG_pointer_type:
		out->kind = NT_PTR;
		if (!out->size && dwarf_diecu(&die, &cu, &asize, NULL))
			out->size = asize;
		out->target = dw_type_of(s, &die);
		return 0;
	case DW_TAG_array_type:
		return array_type(s, &die, REF_DIM(t), out, depth);
	case DW_TAG_structure_type: case DW_TAG_class_type:
		out->kind = NT_STRUCT;
		return 0;
	case DW_TAG_union_type:
		out->kind = NT_UNION;
		return 0;
	case DW_TAG_subroutine_type:
		out->kind = NT_FUNC;
		out->size = 0;
		return 0;
	default:
		out->kind = NT_OTHER;
		return 0;
	}
}

/* The type op: @t looked through (names.h). */
static int dw_type(void *src, type_ref t, struct ntype *out)
{
	return type_at(src, t, out, 0);
}

/* A member's byte offset: a constant, or DW_OP_plus_uconst N; 0 if absent. */
static int member_location(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a) || !dwarf_formudata(&a, off))
		return 0;
	if (dwarf_getlocation(&a, &ops, &n) || n != 1 || ops[0].atom != DW_OP_plus_uconst)
		return -1;
	*off = ops[0].number;
	return 0;
}

/* Member DIE @m: its name, type, and bit offset from the struct's start. */
static int member_at(struct dw_src *s, Dwarf_Die *m, struct nmember *out)
{
	Dwarf_Word loc, bo, unit;
	GElf_Ehdr eh;
	struct ntype nt;

	out->name = dw_die_name(m) ? dw_die_name(m) : "";
	out->type = dw_type_of(s, m);
	out->bit_size = dw_attr_udata(m, DW_AT_bit_size, 0);
	if (member_location(m, &loc))
		return -1;
	out->bit_offset = loc * 8 + dw_attr_udata(m, DW_AT_data_bit_offset, 0);
	if (!dwarf_hasattr(m, DW_AT_bit_offset))
		return 0;
	/* DWARF 2/3: bits from the most significant end of the storage unit */
	bo = dw_attr_udata(m, DW_AT_bit_offset, 0);
	unit = dw_attr_udata(m, DW_AT_byte_size, 0);
	if (!unit && !type_at(s, out->type, &nt, 0))
		unit = nt.size;
	if (gelf_getehdr(s->elf, &eh) && eh.e_ident[EI_DATA] == ELFDATA2MSB)
		out->bit_offset += bo;
	else
		out->bit_offset += unit * 8 - bo - out->bit_size;
	return 0;
}

/* The member op: the @i-th DW_TAG_member of struct/union @t; 1 past the last. */
static int dw_member(void *src, type_ref t, int i, struct nmember *out)
{
	struct dw_src *s = src;
	Dwarf_Die die, c;
	int tag, k = 0;

	if (!dw_ref_die(s, t, &die) || strip(s, &die) <= 0)
		return -1;
	tag = dwarf_tag(&die);
	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type && tag != DW_TAG_class_type)
		return -1;
	if (dwarf_child(&die, &c))
		return 1;
	do {
		if (dwarf_tag(&c) != DW_TAG_member || dwarf_hasattr(&c, DW_AT_declaration))
			continue;
		if (k++ == i)
			return member_at(s, &c, out);
	} while (dwarf_siblingof(&c, &c) == 0);
	return 1;
}

static char *spell(struct dw_src *s, type_ref t, const char *inner, int depth);

/* @base followed by declarator @inner: "char *", "int [4]". */
static char *join(const char *base, const char *inner)
{
	return *inner ? xasprintf("%s %s", base, inner) : xstrdup(base);
}

/* @inner plus "(PARAMS)" for subroutine type @die: the declarator of a function. */
static char *func_declarator(struct dw_src *s, Dwarf_Die *die, const char *inner, int depth)
{
	struct strv params = { 0 };
	char *list, *decl;
	Dwarf_Die c;

	if (dwarf_child(die, &c) == 0) {
		do {
			if (dwarf_tag(&c) == DW_TAG_formal_parameter)
				strv_push(&params, spell(s, dw_type_of(s, &c), "", depth + 1));
			else if (dwarf_tag(&c) == DW_TAG_unspecified_parameters &&
				 dwarf_hasattr(die, DW_AT_prototyped))
				strv_push(&params, xstrdup("..."));
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	list = params.n ? strv_join(&params, ", ", params.n) :
	       xstrdup(dwarf_hasattr(die, DW_AT_prototyped) ? "void" : "");
	decl = xasprintf("%s(%s)", inner, list);
	free(list);
	strv_free(&params);
	return decl;
}

/* Pointer, array, function or qualifier @die around @inner, spelt. */
static char *spell_derived(struct dw_src *s, Dwarf_Die *die, unsigned int dim,
			   const char *inner, int depth)
{
	static const char *const quals[] = {
		[DW_TAG_const_type] = "const", [DW_TAG_volatile_type] = "volatile",
		[DW_TAG_restrict_type] = "restrict", [DW_TAG_atomic_type] = "_Atomic",
	};
	int tag = dwarf_tag(die), ttag = -1;
	unsigned long long n;
	char *decl, *res;
	Dwarf_Die target;
	bool more = false;

	if (dw_die_type(die, &target))
		ttag = dwarf_tag(&target);
	if (tag == DW_TAG_pointer_type)
		decl = ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type ?
		       xasprintf("(*%s)", inner) : xasprintf("*%s", inner);
	else if (tag == DW_TAG_subroutine_type)
		decl = func_declarator(s, die, inner, depth);
	else if (tag == DW_TAG_array_type && !array_dim(die, dim, &n, &more))
		decl = n ? xasprintf("%s[%llu]", inner, n) : xasprintf("%s[]", inner);
	else if (tag == DW_TAG_array_type)
		return xstrdup("?");
	else if (ttag == DW_TAG_pointer_type)	/* char *const */
		decl = join(quals[tag], inner);
	else {
		decl = spell(s, dw_type_of(s, die), inner, depth + 1);
		res = xasprintf("%s %s", quals[tag], decl);
		free(decl);
		return res;
	}
	res = spell(s, more ? dw_die_ref(s, die) | (type_ref)(dim + 1) << DIM_SHIFT : dw_type_of(s, die),
		    decl, depth + 1);
	free(decl);
	return res;
}

/* @t declaring @inner, as C spells it (newly allocated). */
static char *spell(struct dw_src *s, type_ref t, const char *inner, int depth)
{
	const char *kw = NULL, *name;
	Dwarf_Die die;
	char *base, *res;

	if (!t)
		return join("void", inner);
	if (depth > MAX_DEPTH || !dw_ref_die(s, t, &die))
		return join("?", inner);
	switch (dwarf_tag(&die)) {
	case DW_TAG_pointer_type: case DW_TAG_array_type: case DW_TAG_subroutine_type:
	case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_atomic_type:
		return spell_derived(s, &die, REF_DIM(t), inner, depth);
	case DW_TAG_structure_type: kw = "struct"; break;
	case DW_TAG_class_type: kw = "class"; break;
	case DW_TAG_union_type: kw = "union"; break;
	case DW_TAG_enumeration_type: kw = "enum"; break;
	}
	name = dwarf_diename(&die);
	if (!kw)
		return join(name ? name : "?", inner);
	base = xasprintf("%s %s", kw, name ? name : "{...}");
	res = join(base, inner);
	free(base);
	return res;
}

/* The type_name op: @t as C spells it. */
static char *dw_type_name(void *src, type_ref t)
{
	return spell(src, t, "", 0);
}

const struct type_source_ops dwarf_type_ops = {
	.type = dw_type,
	.member = dw_member,
	.type_name = dw_type_name,
	.free = dw_src_free,
};

#endif /* KTP_HAVE_LIBDW */
