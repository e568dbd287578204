// SPDX-License-Identifier: GPL-2.0
/*
 * A user binary's DWARF, opened through libdw for names.h: the binary's
 * own, or that of its separate debug file (by build-id, then by
 * .gnu_debuglink, checked against the build-id). Also the references
 * the type ops hand out: a type_ref is a DIE's offset, flagged when the
 * DIE is in the dwz alternate file or in .debug_types.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_parts.h"
#include "names.h"

#ifdef KTP_HAVE_LIBDW

#include <dwarf.h>
#include <zlib.h>
#include <elfutils/libdwelf.h>

#define DEBUG_ROOT "/usr/lib/debug"

/* Open @path as an ELF file: 0, -1 (errno) if unreadable, -2 if not ELF. */
static int elf_open(const char *path, int *fd, Elf **elf)
{
	*elf = NULL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (*elf && elf_kind(*elf) == ELF_K_ELF)
		return 0;
	elf_end(*elf);
	close(*fd);
	*fd = -1;
	*elf = NULL;
	return -2;
}

/* Release what elf_open opened (either may be absent). */
static void elf_close(int fd, Elf *elf)
{
	elf_end(elf);
	if (fd >= 0)
		close(fd);
}

/* Whether @elf holds a .debug_info with contents (not a stripped placeholder). */
static bool has_debug_info(Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")))
			return true;
	}
	return false;
}

/* The CRC-32 of the file at @fd (as .gnu_debuglink records it), or 0 if unreadable. */
static unsigned long file_crc(int fd)
{
	unsigned char buf[65536];
	unsigned long crc = crc32(0, NULL, 0);
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET))
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, n);
	return n ? 0 : crc;
}

/*
 * Whether debug file @dbg (open as @dbg_fd) is @elf's: their build-ids
 * match; without build-ids, a file found by .gnu_debuglink must have the
 * checksum recorded there (a stale one would describe another build).
 */
static bool same_build(Elf *elf, Elf *dbg, int dbg_fd, bool by_link, GElf_Word crc)
{
	const void *a, *b;
	ssize_t na = dwelf_elf_gnu_build_id(elf, &a), nb = dwelf_elf_gnu_build_id(dbg, &b);

	if (na > 0 && nb > 0)
		return na == nb && !memcmp(a, b, na);
	return by_link && file_crc(dbg_fd) == crc;
}

/*
 * Where @path's separate debug file may be: by build-id, then by
 * .gnu_debuglink (from index *@first_link on, with the checksum in *@crc).
 */
static void debug_candidates(const char *path, Elf *elf, struct strv *out, int *first_link,
			     GElf_Word *crc)
{
	const unsigned char *id;
	ssize_t n = dwelf_elf_gnu_build_id(elf, (const void **)&id);
	const char *link, *p, *slash;
	char *real, *hex;

	if (n > 1) {
		hex = xcalloc(2 * n + 1, 1);
		for (ssize_t i = 0; i < n; i++)
			sprintf(hex + 2 * i, "%02x", id[i]);
		strv_push(out, xasprintf(DEBUG_ROOT "/.build-id/%.2s/%s.debug", hex, hex + 2));
		free(hex);
	}
	*first_link = out->n;
	link = dwelf_elf_gnu_debuglink(elf, crc);
	if (!link)
		return;
	real = realpath(path, NULL);
	p = real ? real : path;
	slash = strrchr(p, '/');
	if (slash) {
		strv_push(out, xasprintf(DEBUG_ROOT "%.*s/%s", (int)(slash - p), p, link));
		strv_push(out, xasprintf("%.*s/.debug/%s", (int)(slash - p), p, link));
	} else {
		strv_push(out, xasprintf(".debug/%s", link));
	}
	free(real);
}

/* Find and open the DWARF of @s->elf: its own or its debug file's; -1 if none. */
static int open_dwarf(struct dw_src *s)
{
	struct strv cand = { 0 };
	Elf *with_dwarf = s->elf;
	GElf_Word crc = 0;
	int first_link = 0;

	if (!has_debug_info(s->elf)) {
		debug_candidates(s->path, s->elf, &cand, &first_link, &crc);
		for (int i = 0; i < cand.n && !s->dbg_elf; i++) {
			if (elf_open(cand.v[i], &s->dbg_fd, &s->dbg_elf))
				continue;
			if (has_debug_info(s->dbg_elf) &&
			    same_build(s->elf, s->dbg_elf, s->dbg_fd, i >= first_link, crc))
				break;
			elf_close(s->dbg_fd, s->dbg_elf);
			s->dbg_fd = -1;
			s->dbg_elf = NULL;
		}
		strv_free(&cand);
		if (!s->dbg_elf)
			return -1;
		with_dwarf = s->dbg_elf;
	}
	s->dw = dwarf_begin_elf(with_dwarf, DWARF_C_READ, NULL);
	return s->dw ? 0 : -1;
}

/* dw_next_cu - the next compile unit's DIE (type units skipped); false at the end */
bool dw_next_cu(Dwarf *dw, Dwarf_CU **cu, Dwarf_Die *cudie)
{
	uint8_t ut;

	while (dwarf_get_units(dw, *cu, cu, NULL, &ut, cudie, NULL) == 0)
		if (ut != DW_UT_type && ut != DW_UT_split_type && dwarf_tag(cudie) > 0)
			return true;
	return false;
}

/* dw_die_name - @die's name, following abstract_origin/specification; NULL if it has none */
const char *dw_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

/* dw_attr_udata - an unsigned attribute of @die, or @dflt */
Dwarf_Word dw_attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	if (!dwarf_attr_integrate(die, name, &a) || dwarf_formudata(&a, &v))
		return dflt;
	return v;
}

/* dw_die_type - the DIE @die's DW_AT_type names (a type unit's, for a stub); false: void */
bool dw_die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return false;
	if (dwarf_attr(&t, DW_AT_signature, &a) && !dwarf_formref_die(&a, &t))
		return false;
	*out = t;
	return true;
}

/* dw_die_ref - the type_ref of type DIE @die */
type_ref dw_die_ref(struct dw_src *s, Dwarf_Die *die)
{
	type_ref t = dwarf_dieoffset(die);
	Dwarf_Half version;
	uint8_t ut;

	if (dwarf_cu_getdwarf(die->cu) != s->dw)
		t |= REF_ALT;
	if (!dwarf_cu_info(die->cu, &version, &ut, NULL, NULL, NULL, NULL, NULL) &&
	    version < 5 && ut == DW_UT_type)
		t |= REF_TYPES;
	return t;
}

/* dw_ref_die - the DIE of type_ref @t; false if there is none */
bool dw_ref_die(struct dw_src *s, type_ref t, Dwarf_Die *die)
{
	Dwarf *dw = t & REF_ALT ? dwarf_getalt(s->dw) : s->dw;

	if (!dw)
		return false;
	if (t & REF_TYPES)
		return dwarf_offdie_types(dw, REF_OFF(t), die);
	return dwarf_offdie(dw, REF_OFF(t), die);
}

/* dw_type_of - the type_ref of @die's DW_AT_type: 0 (void) if none */
type_ref dw_type_of(struct dw_src *s, Dwarf_Die *die)
{
	Dwarf_Die t;

	return dw_die_type(die, &t) ? dw_die_ref(s, &t) : 0;
}

/* dw_src_free - the free op: the DWARF, the CFI and both ELF files */
void dw_src_free(void *src)
{
	struct dw_src *s = src;

	if (s->eh_cfi)
		dwarf_cfi_end(s->eh_cfi);
	dwarf_end(s->dw);
	elf_close(s->dbg_fd, s->dbg_elf);
	elf_close(s->fd, s->elf);
	free(s->path);
	free(s);
}

/* dwarf_source_open - the DWARF of the binary at @path, or of its debug file */
int dwarf_source_open(const char *path, struct type_source *ts, char **err)
{
	struct dw_src *s = xcalloc(1, sizeof(*s));
	GElf_Ehdr eh;
	int r;

	elf_version(EV_CURRENT);
	s->path = xstrdup(path);
	s->dbg_fd = -1;
	r = elf_open(path, &s->fd, &s->elf);
	if (r) {
		*err = r == -1 ? xasprintf("%s: %s", path, strerror(errno)) :
				 xasprintf("%s is not an ELF file", path);
		goto out_free;
	}
	if (open_dwarf(s)) {
		*err = xasprintf("%s has no debug info (DWARF) for names: build it with -g, "
				 "install its debug package, or use $argN", path);
		goto out_free;
	}
	ts->ops = &dwarf_type_ops;
	ts->priv = s;
	ts->what = xasprintf("the DWARF of %s", path);
	ts->big_endian = gelf_getehdr(s->elf, &eh) && eh.e_ident[EI_DATA] == ELFDATA2MSB;
	return 0;
out_free:
	dw_src_free(s);
	return -1;
}

#else /* !KTP_HAVE_LIBDW */

/* dwarf_source_open - without libdw: an error that says so */
int dwarf_source_open(const char *path, struct type_source *ts, char **err)
{
	(void)path;
	(void)ts;
	*err = xstrdup(DWARF_NO_LIBDW);
	return -1;
}

#endif /* KTP_HAVE_LIBDW */
