/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_DWARF_PARTS_H
#define KTP_DWARF_PARTS_H

/*
 * What dwarf_source.c (opening, DIE references), dwarf_types.c (the type
 * ops) and dwarf_params.c (a function's parameters) share.
 */

#define DWARF_NO_LIBDW "this ktprobe was built without libdw (elfutils): no names for " \
		       "user binaries; use $argN"

#ifdef KTP_HAVE_LIBDW

#include <elfutils/libdw.h>
#include <gelf.h>

#include "names.h"

#define MAX_DEPTH 32
/*
 * A type_ref: the DIE's offset; REF_ALT if the DIE is in the alternate
 * (dwz) file, REF_TYPES if in .debug_types (DWARF 4 type units); for
 * dimension N > 0 of a multi-dimensional array, N << DIM_SHIFT.
 */
#define REF_ALT (1ULL << 63)
#define REF_TYPES (1ULL << 62)
#define DIM_SHIFT 48
#define REF_OFF(t) ((t) & ((1ULL << DIM_SHIFT) - 1))
#define REF_DIM(t) ((unsigned int)(((t) & ~(REF_ALT | REF_TYPES)) >> DIM_SHIFT))

struct dw_src {
	char *path;
	int fd, dbg_fd;			/* dbg_fd -1: the DWARF is the binary's own */
	Elf *elf, *dbg_elf;
	Dwarf *dw;
	Dwarf_CFI *eh_cfi;		/* the binary's .eh_frame, read on first use */
};

extern const struct type_source_ops dwarf_type_ops;

bool dw_next_cu(Dwarf *dw, Dwarf_CU **cu, Dwarf_Die *cudie);
const char *dw_die_name(Dwarf_Die *die);
Dwarf_Word dw_attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word dflt);
bool dw_die_type(Dwarf_Die *die, Dwarf_Die *out);
type_ref dw_die_ref(struct dw_src *s, Dwarf_Die *die);
bool dw_ref_die(struct dw_src *s, type_ref t, Dwarf_Die *die);
type_ref dw_type_of(struct dw_src *s, Dwarf_Die *die);
void dw_src_free(void *src);

#endif /* KTP_HAVE_LIBDW */

#endif
