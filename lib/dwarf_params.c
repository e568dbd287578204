// SPDX-License-Identifier: GPL-2.0
/*
 * A function's parameters from a user binary's DWARF (names.h): the
 * concrete definition at the function's symbol (a GCC clone or an alias
 * too), each parameter's name and type, and where it is at the probe's
 * address: where the C ABI put it at the entry, else its location list
 * translated into a register, or memory at a register plus an offset
 * (DW_OP_fbreg through the frame base and the CFI's CFA rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "dwarf_parts.h"
#include "names.h"

#ifdef KTP_HAVE_LIBDW

#include <dwarf.h>

/* A function being described: where it is and where the probe is. */
struct fctx {
	struct dw_src *s;
	const char *name;
	bool have_sym;			/* @sym: @name's address in the symbol table */
	Dwarf_Addr sym;
	bool clone;			/* DWARF names it otherwise: f.isra.0 is "f" */
	char *where;			/* "func+0xOFF", for messages */
	Dwarf_Die die;
	Dwarf_Addr low;
	unsigned long long offset;
	const struct arch_info *arch;
	Dwarf_Addr prologue_end;	/* 0: not computed yet (once a function) */
};

/* The address of @die's code: DW_AT_low_pc, or its first range; false if none. */
static bool func_entry(Dwarf_Die *die, Dwarf_Addr *pc)
{
	Dwarf_Addr base, end;

	return dwarf_lowpc(die, pc) == 0 || dwarf_ranges(die, 0, &base, pc, &end) > 0;
}

/* The address of function symbol @name in @elf; false if none, or if several. */
static bool elf_sym(Elf *elf, const char *name, Dwarf_Addr *addr)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Sym sym;
	int found = 0;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;

			if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    !sym.st_value || !(n = elf_strptr(elf, sh.sh_link, sym.st_name)) ||
			    strcmp(n, name) || (found && *addr == sym.st_value))
				continue;
			*addr = sym.st_value;
			found++;
		}
	}
	return found == 1;
}

/*
 * Look for @fc->name's definition among the subprograms of one unit:
 * true once the one at the symbol's address is found; *@found counts
 * definitions of that name otherwise.
 */
static bool scan_cu(struct fctx *fc, Dwarf_Die *cudie, struct strv *close, int *found)
{
	Dwarf_Addr pc;
	Dwarf_Die c;
	const char *n;

	if (dwarf_child(cudie, &c))
		return false;
	do {
		if (dwarf_tag(&c) != DW_TAG_subprogram || !(n = dw_die_name(&c)) ||
		    !func_entry(&c, &pc))
			continue;
		if (fc->have_sym ? pc != fc->sym : strcmp(n, fc->name) != 0) {
			if (close && edit_distance(n, fc->name, 2) <= 2 && !strv_contains(close, n))
				strv_push(close, xstrdup(n));
			continue;
		}
		if (!(*found)++) {
			fc->die = c;
			fc->low = pc;
		}
		*found -= *found > 1 && pc == fc->low;	/* the same code twice */
		if (fc->have_sym)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/*
 * The concrete definition of @fc->name: the subprogram at its symbol's
 * address (a clone or alias too; only in the unit whose code holds it),
 * else the only one of that name; -1 if none, with the names close to it
 * in @close (looked for only then).
 */
static int find_func(struct fctx *fc, struct strv *close, char **err)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	int found = 0;

	while (dw_next_cu(fc->s->dw, &cu, &cudie))
		if ((!fc->have_sym || dwarf_haspc(&cudie, fc->sym) != 0) &&
		    scan_cu(fc, &cudie, NULL, &found))
			return 0;
	if (found > 1)
		*err = xasprintf("'%s' is ambiguous in the DWARF of %s: %d definitions",
				 fc->name, fc->s->path, found);
	if (found)
		return found == 1 ? 0 : -1;
	/* every unit once more: the symbol's did not say it holds it, or none has the name */
	for (cu = NULL; dw_next_cu(fc->s->dw, &cu, &cudie); )
		if (scan_cu(fc, &cudie, close, &found))
			return 0;
	return -1;
}

/* Formal parameters of @die; sets *@variadic if it has unspecified ones. */
static int count_params(Dwarf_Die *die, bool *variadic)
{
	Dwarf_Die c;
	int n = 0;

	if (dwarf_child(die, &c))
		return 0;
	do {
		n += dwarf_tag(&c) == DW_TAG_formal_parameter;
		*variadic |= dwarf_tag(&c) == DW_TAG_unspecified_parameters;
	} while (dwarf_siblingof(&c, &c) == 0);
	return n;
}

/* The DIE listing @fn's parameters: its own, else its abstract origin's or declaration's. */
static int param_owner(Dwarf_Die *fn, Dwarf_Die *owner, bool *variadic)
{
	Dwarf_Attribute a;
	Dwarf_Die d = *fn;
	int n;

	for (int depth = 0; depth < 4; depth++) {
		n = count_params(&d, variadic);
		if (n) {
			*owner = d;
			return n;
		}
		if (!(dwarf_attr(&d, DW_AT_abstract_origin, &a) ||
		      dwarf_attr(&d, DW_AT_specification, &a)) || !dwarf_formref_die(&a, &d))
			break;
	}
	*owner = *fn;
	return 0;
}

/* A DW_OP_regN / DW_OP_regx: its register. */
static bool op_reg(const Dwarf_Op *op, unsigned int *reg)
{
	if (op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31)
		*reg = op->atom - DW_OP_reg0;
	else if (op->atom == DW_OP_regx)
		*reg = op->number;
	else
		return false;
	return true;
}

/* A DW_OP_bregN / DW_OP_bregx: its register and offset. */
static bool op_breg(const Dwarf_Op *op, unsigned int *reg, long long *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = op->atom - DW_OP_breg0;
		*off = (Dwarf_Sword)op->number;
	} else if (op->atom == DW_OP_bregx) {
		*reg = op->number;
		*off = (Dwarf_Sword)op->number2;
	} else {
		return false;
	}
	return true;
}

/* Why @p's @what (@ops) is not translated: the op that makes it more than a slot. */
static char *untranslated(struct fctx *fc, struct nparam *p, const char *what,
			  const Dwarf_Op *ops, size_t n)
{
	static const struct { unsigned int atom; const char *name; } names[] = {
		{ DW_OP_entry_value, "DW_OP_entry_value" },
		{ DW_OP_GNU_entry_value, "DW_OP_GNU_entry_value" },
		{ DW_OP_piece, "DW_OP_piece" }, { DW_OP_bit_piece, "DW_OP_bit_piece" },
		{ DW_OP_stack_value, "DW_OP_stack_value" },
		{ DW_OP_implicit_value, "DW_OP_implicit_value" },
		{ DW_OP_implicit_pointer, "DW_OP_implicit_pointer" },
		{ DW_OP_GNU_implicit_pointer, "DW_OP_GNU_implicit_pointer" },
		{ DW_OP_GNU_parameter_ref, "DW_OP_GNU_parameter_ref" },
		{ DW_OP_addr, "DW_OP_addr" }, { DW_OP_deref, "DW_OP_deref" },
		{ DW_OP_plus_uconst, "DW_OP_plus_uconst" }, { DW_OP_fbreg, "DW_OP_fbreg" },
	};
	unsigned int atom = ops[0].atom, reg;
	long long off;

	for (size_t i = 0; i < n; i++)
		if (!op_reg(&ops[i], &reg) && !op_breg(&ops[i], &reg, &off) &&
		    ops[i].atom != DW_OP_fbreg) {
			atom = ops[i].atom;
			break;
		}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].atom == atom)
			return xasprintf("%s's %s at %s is a DWARF expression ktprobe does not "
					 "translate (%s)", p->name, what, fc->where, names[i].name);
	return xasprintf("%s's %s at %s is a DWARF expression ktprobe does not translate "
			 "(DW_OP 0x%x)", p->name, what, fc->where, atom);
}

/* @p placed nowhere at the probe's address, for reason @why (taken). */
static void place_none(struct nparam *p, char *why)
{
	p->where = NP_NONE;
	p->why = why;
}

/* Parameter @p in DWARF register @reg (+@off in memory, if @mem). */
static void place_reg(struct fctx *fc, struct nparam *p, unsigned int reg, bool mem,
		      long long off)
{
	static const char *const x86_64[] = {
		"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	const char *arch = fc->arch ? fc->arch->name : "";

	if (!strcmp(arch, "x86_64") && reg < ARRAY_SIZE(x86_64))
		p->reg = xstrdup(x86_64[reg]);
	else if (!strcmp(arch, "arm64") && reg <= 31)
		p->reg = reg == 31 ? xstrdup("sp") : xasprintf("x%u", reg);
	if (p->reg) {
		p->where = mem ? NP_MEM : NP_REG;
		p->offset = mem ? off : 0;
	} else if (strcmp(arch, "x86_64") && strcmp(arch, "arm64")) {
		place_none(p, xstrdup("ktprobe maps DWARF registers of x86_64 and arm64 only"));
	} else {
		place_none(p, xasprintf("%s's location at %s is DWARF register %u, which ktprobe "
					"does not map", p->name, fc->where, reg));
	}
}

/* The CFA at @pc as a register + offset, from .eh_frame or .debug_frame. */
static int cfa_at(struct dw_src *s, Dwarf_Addr pc, unsigned int *reg, long long *off)
{
	Dwarf_CFI *cfis[2];
	Dwarf_Frame *fr;
	Dwarf_Op *ops;
	size_t n;
	int ret;

	if (!s->eh_cfi)
		s->eh_cfi = dwarf_getcfi_elf(s->elf);
	cfis[0] = s->eh_cfi;
	cfis[1] = dwarf_getcfi(s->dw);
	for (int i = 0; i < 2; i++) {
		if (!cfis[i] || dwarf_cfi_addrframe(cfis[i], pc, &fr))
			continue;
		ret = dwarf_frame_cfa(fr, &ops, &n) == 0 && n == 1 && op_breg(ops, reg, off) ? 0 : -1;
		free(fr);
		return ret;
	}
	return -1;
}

/* Parameter @p at DW_OP_fbreg @off: the frame base as a register + offset. */
static void place_fbreg(struct fctx *fc, struct nparam *p, long long off)
{
	Dwarf_Addr pc = fc->low + fc->offset;
	Dwarf_Attribute a;
	unsigned int reg;
	long long base = 0;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr_integrate(&fc->die, DW_AT_frame_base, &a) ||
	    dwarf_getlocation_addr(&a, pc, &ops, &n, 1) <= 0 || n != 1)
		place_none(p, xasprintf("%s's frame base at %s is unknown", p->name, fc->where));
	else if (ops[0].atom == DW_OP_call_frame_cfa && cfa_at(fc->s, pc, &reg, &base))
		place_none(p, xasprintf("%s's frame (CFA) at %s is not a register plus an offset",
					p->name, fc->where));
	else if (ops[0].atom != DW_OP_call_frame_cfa && !op_breg(&ops[0], &reg, &base) &&
		 !op_reg(&ops[0], &reg))
		place_none(p, untranslated(fc, p, "frame base", ops, n));
	else
		place_reg(fc, p, reg, true, base + off);
}

/* Where parameter DIE @d is at the probe's address. */
static void place(struct fctx *fc, Dwarf_Die *d, struct nparam *p)
{
	bool has_loc;
	Dwarf_Attribute a;
	unsigned int reg;
	long long off;
	Dwarf_Op *ops;
	size_t n = 0;
	int nloc;

	has_loc = dwarf_attr(d, DW_AT_location, &a) != NULL;
	nloc = has_loc ? dwarf_getlocation_addr(&a, fc->low + fc->offset, &ops, &n, 1) : 0;
	if (!has_loc && dwarf_hasattr(d, DW_AT_const_value))
		place_none(p, xasprintf("%s is a constant at %s, in no register or memory",
					p->name, fc->where));
	else if (nloc < 0)
		place_none(p, xasprintf("%s's location at %s is unreadable: %s", p->name,
					fc->where, dwarf_errmsg(-1)));
	else if (!nloc || !n)
		place_none(p, xasprintf("%s has no location at %s (optimized out)", p->name,
					fc->where));
	else if (n == 1 && op_reg(&ops[0], &reg))
		place_reg(fc, p, reg, false, 0);
	else if (n == 1 && op_breg(&ops[0], &reg, &off))
		place_reg(fc, p, reg, true, off);
	else if (n == 1 && ops[0].atom == DW_OP_fbreg)
		place_fbreg(fc, p, (Dwarf_Sword)ops[0].number);
	else
		place_none(p, untranslated(fc, p, "location", ops, n));
}

/*
 * Where @fc's prologue ends: the first line-table row after the function's
 * first address (as debuggers skip a prologue), or its first address if
 * the line table says nothing.
 */
static Dwarf_Addr prologue_end(struct fctx *fc)
{
	Dwarf_Addr end = 0, high = 0, addr;
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n;

	if (fc->prologue_end)
		return fc->prologue_end;
	fc->prologue_end = fc->low;
	if (!dwarf_diecu(&fc->die, &cu, NULL, NULL) || dwarf_getsrclines(&cu, &lines, &n) ||
	    dwarf_highpc(&fc->die, &high))
		return fc->low;
	for (size_t i = 0; i < n; i++)
		if (!dwarf_lineaddr(dwarf_onesrcline(lines, i), &addr) && addr > fc->low &&
		    addr < high && (!end || addr < end))
			end = addr;
	return fc->prologue_end = end ? end : fc->low;
}

/*
 * A stack slot read before the prologue has stored the parameter in it
 * holds garbage (at -O0, DWARF names the slot for the whole function).
 */
static void refuse_unstored(struct fctx *fc, Dwarf_Die *d, struct nparam *p)
{
	Dwarf_Attribute a;
	Dwarf_Addr end;
	unsigned int form;

	/* a location list (-O2) is exact for each address; one expression is not */
	if (p->where != NP_MEM || !fc->offset || !dwarf_attr_integrate(d, DW_AT_location, &a))
		return;
	form = dwarf_whatform(&a);
	if ((form != DW_FORM_exprloc && form != DW_FORM_block1 && form != DW_FORM_block2 &&
	     form != DW_FORM_block4 && form != DW_FORM_block) ||
	    fc->low + fc->offset >= (end = prologue_end(fc)))
		return;
	free(p->reg);
	p->reg = NULL;
	place_none(p, xasprintf("%s is in %s's prologue: %s is stored to its stack slot only by "
			   "+0x%llx; probe there or later, or at the entry", fc->where, fc->name,
			   p->name, (unsigned long long)(end - fc->low)));
}

/* The parameters of @fc's function into @out. */
static void fill_params(struct fctx *fc, struct nfunc *out)
{
	Dwarf_Die owner, c;
	int i = 0;

	out->nparams = param_owner(&fc->die, &owner, &out->variadic);
	out->params = xcalloc(out->nparams, sizeof(*out->params));
	if (!out->nparams || dwarf_child(&owner, &c))
		return;
	do {
		struct nparam *p = &out->params[i];

		if (dwarf_tag(&c) != DW_TAG_formal_parameter)
			continue;
		p->index = ++i;
		/* an unnamed parameter gets the kernel's name for an unnamed argument */
		p->name = dw_die_name(&c) && *dw_die_name(&c) ? xstrdup(dw_die_name(&c)) :
			  xasprintf("arg%d", p->index);
		p->type = dw_type_of(fc->s, &c);
		p->where = NP_ARG;
		if (fc->offset || fc->clone)
			place(fc, &c, p);
		refuse_unstored(fc, &c, p);
	} while (i < out->nparams && dwarf_siblingof(&c, &c) == 0);
}

/* Find @fc->name's definition; an error naming close names if there is none. */
static int lookup(struct fctx *fc, char **err)
{
	struct strv close = { 0 };
	const char *dname;
	char *list;
	int r;

	fc->have_sym = elf_sym(fc->s->elf, fc->name, &fc->sym) ||
		       elf_sym(fc->s->dbg_elf, fc->name, &fc->sym);
	r = find_func(fc, &close, err);
	if (r && !*err) {
		list = strv_join(&close, ", ", 5);
		*err = xasprintf("no debug info for function '%s' in %s%s%s", fc->name,
				 fc->s->path, close.n ? "; close: " : "", list);
		free(list);
	}
	strv_free(&close);
	/* GCC describes its clone f.isra.0 as f, though its ABI is its own */
	dname = r ? NULL : dw_die_name(&fc->die);
	fc->clone = dname && str_starts(fc->name, dname) && fc->name[strlen(dname)] == '.';
	return r;
}

/* dwarf_source_func - @func's parameters as they are at its entry + @offset */
int dwarf_source_func(struct type_source *ts, const char *func, unsigned long long offset,
		      const struct arch_info *arch, struct nfunc *out, char **err)
{
	struct fctx fc = { .s = ts->priv, .name = func, .offset = offset, .arch = arch };

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (lookup(&fc, err))
		return -1;
	fc.where = xasprintf("%s+0x%llx", func, offset);
	out->name = xstrdup(func);
	out->ret = dw_type_of(fc.s, &fc.die);
	fill_params(&fc, out);
	free(fc.where);
	return 0;
}

#else /* !KTP_HAVE_LIBDW */

/* dwarf_source_func - without libdw: an error that says so */
int dwarf_source_func(struct type_source *ts, const char *func, unsigned long long offset,
		      const struct arch_info *arch, struct nfunc *out, char **err)
{
	(void)ts;
	(void)func;
	(void)offset;
	(void)arch;
	(void)out;
	*err = xstrdup(DWARF_NO_LIBDW);
	return -1;
}

#endif /* KTP_HAVE_LIBDW */
