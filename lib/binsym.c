// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols of user-space binaries, through libelf: where a function starts
 * as a file offset (what uprobe_events wants), and which functions exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "binsym.h"
#include "utils.h"

struct sym_file {
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
};

struct func_sym {
	char *name;
	unsigned long long addr;
	unsigned long long size;
	unsigned char bind, type;
	bool hidden_version;	/* a non-default symbol version (foo@VER) */
};

struct func_list {
	struct func_sym *v;
	int n, cap;
};

static int sym_file_open(struct sym_file *sf, const char *path)
{
	sf->elf = NULL;
	elf_version(EV_CURRENT);
	sf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sf->fd < 0) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	sf->elf = elf_begin(sf->fd, ELF_C_READ_MMAP, NULL);
	if (!sf->elf || elf_kind(sf->elf) != ELF_K_ELF || !gelf_getehdr(sf->elf, &sf->ehdr)) {
		err_msg("%s: not an ELF file", path);
		goto out_close;
	}
	return 0;
out_close:
	if (sf->elf)
		elf_end(sf->elf);
	close(sf->fd);
	return -1;
}

static void sym_file_close(struct sym_file *sf)
{
	elf_end(sf->elf);
	close(sf->fd);
}

static bool machine_matches(struct sym_file *sf, const char *path, const struct arch_info *arch)
{
	const char *other = NULL;

	if (!arch || sf->ehdr.e_machine == arch->elf_machine)
		return true;
	for (int i = 0; i < arch_count(); i++)
		if (arch_by_index(i)->elf_machine == sf->ehdr.e_machine)
			other = arch_by_index(i)->name;
	if (other)
		err_msg("%s is an %s binary, not %s: give the %s machine's binary (from its "
			"root file system) or BIN:0xOFFSET", path, other, arch->name, arch->name);
	else
		err_msg("%s is built for ELF machine %d, not %s", path, sf->ehdr.e_machine,
			arch->name);
	return false;
}

static void func_list_add(struct func_list *fl, struct func_sym *fs)
{
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 256;
		fl->v = xrealloc(fl->v, fl->cap * sizeof(*fl->v));
	}
	fl->v[fl->n++] = *fs;
}

static void func_list_free(struct func_list *fl)
{
	for (int i = 0; i < fl->n; i++)
		free(fl->v[i].name);
	free(fl->v);
	fl->v = NULL;
	fl->n = fl->cap = 0;
}

/* The .gnu.versym data of the file, for telling default versions apart. */
static Elf_Data *versym_data(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym)
			return elf_getdata(scn, NULL);
	return NULL;
}

/*
 * Collect the defined functions of the symbol table of type @type
 * (SHT_SYMTAB or SHT_DYNSYM); only those named @only when it is set.
 */
static void collect_functions(struct sym_file *sf, Elf64_Word type, const char *only,
			      struct func_list *fl)
{
	bool thumb = sf->ehdr.e_machine == EM_ARM;
	Elf_Data *versym = type == SHT_DYNSYM ? versym_data(sf->elf) : NULL;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(sf->elf, scn))) {
		Elf_Data *data;
		size_t count;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			struct func_sym fs = { 0 };
			GElf_Sym s;
			const char *name;

			if (!gelf_getsym(data, i, &s))
				continue;
			fs.type = GELF_ST_TYPE(s.st_info);
			if ((fs.type != STT_FUNC && fs.type != STT_GNU_IFUNC) ||
			    s.st_shndx == SHN_UNDEF || !s.st_value)
				continue;
			name = elf_strptr(sf->elf, sh.sh_link, s.st_name);
			if (!name || !*name || (only && strcmp(name, only)))
				continue;
			fs.name = xstrdup(name);
			fs.addr = s.st_value;
			if (thumb)
				fs.addr &= ~1ULL;
			fs.size = s.st_size;
			fs.bind = GELF_ST_BIND(s.st_info);
			if (versym) {
				GElf_Versym vs;

				if (gelf_getversym(versym, i, &vs) && (vs & 0x8000))
					fs.hidden_version = true;
			}
			func_list_add(fl, &fs);
		}
	}
}

/* Virtual address -> file offset, through the PT_LOAD segment that holds it. */
static int vaddr_to_offset(struct sym_file *sf, unsigned long long vaddr,
			   unsigned long long *offset, bool *exec)
{
	size_t n;

	if (elf_getphdrnum(sf->elf, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(sf->elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
			*offset = vaddr - ph.p_vaddr + ph.p_offset;
			if (exec)
				*exec = ph.p_flags & PF_X;
			return 0;
		}
	}
	return -1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct func_sym *)a)->name, ((const struct func_sym *)b)->name);
}

/* Print "symbol not found" with the closest names the binary does have. */
static void report_missing(struct sym_file *sf, const char *path, const char *sym)
{
	struct func_list all = { 0 };
	struct strv close = { 0 };
	int limit = strlen(sym) / 4 + 1;

	collect_functions(sf, SHT_SYMTAB, NULL, &all);
	collect_functions(sf, SHT_DYNSYM, NULL, &all);
	if (all.n)
		qsort(all.v, all.n, sizeof(*all.v), cmp_name);
	for (int d = 0; d <= limit && close.n < 8; d++) {
		for (int i = 0; i < all.n && close.n < 8; i++) {
			const char *name = all.v[i].name;
			int dist = edit_distance(sym, name, limit);

			if (strv_contains(&close, name))
				continue;
			if (dist == d || (d == limit && strstr(name, sym)))
				strv_push(&close, xstrdup(name));
		}
	}
	if (close.n) {
		char *list = strv_join(&close, ", ", 8);

		err_msg("no function '%s' in %s; close: %s (ktprobe -l %s lists all)",
			sym, path, list, path);
		free(list);
	} else {
		err_msg("no function '%s' in %s (%d functions; ktprobe -l %s lists them)",
			sym, path, all.n, path);
	}
	strv_free(&close);
	func_list_free(&all);
}

/* Keep one function per address; prefer default symbol versions. */
static void drop_duplicates(struct func_list *fl)
{
	int out = 0;
	bool have_default = false;

	for (int i = 0; i < fl->n; i++)
		if (!fl->v[i].hidden_version)
			have_default = true;
	for (int i = 0; i < fl->n; i++) {
		bool dup = false;

		if (have_default && fl->v[i].hidden_version)
			dup = true;
		for (int j = 0; j < out && !dup; j++)
			if (fl->v[j].addr == fl->v[i].addr)
				dup = true;
		if (dup)
			free(fl->v[i].name);
		else
			fl->v[out++] = fl->v[i];
	}
	fl->n = out;
}

/*
 * binsym_offset - file offset of function @sym in the ELF file @path
 *
 * .symtab is searched first, then .dynsym. The offset is
 * st_value - p_vaddr + p_offset of the PT_LOAD that contains the symbol,
 * which holds for PIE and non-PIE alike. A missing or ambiguous symbol is
 * reported (with candidates) and returns -1.
 */
int binsym_offset(const char *path, const char *sym, const struct arch_info *arch,
		  unsigned long long *offset)
{
	struct func_list fl = { 0 };
	struct sym_file sf;
	bool exec = true;
	int ret = -1;

	if (sym_file_open(&sf, path))
		return -1;
	if (!machine_matches(&sf, path, arch))
		goto out;
	collect_functions(&sf, SHT_SYMTAB, sym, &fl);
	if (!fl.n)
		collect_functions(&sf, SHT_DYNSYM, sym, &fl);
	if (!fl.n) {
		report_missing(&sf, path, sym);
		goto out;
	}
	drop_duplicates(&fl);
	if (fl.n > 1) {
		struct strv where = { 0 };
		char *list;

		for (int i = 0; i < fl.n; i++)
			strv_push(&where, xasprintf("0x%llx (%s, %llu bytes)", fl.v[i].addr,
						    fl.v[i].bind == STB_LOCAL ? "local" : "global",
						    fl.v[i].size));
		list = strv_join(&where, ", ", 8);
		err_msg("'%s' is ambiguous in %s: %d functions of that name at %s; "
			"probe one by its file offset (BIN:0xOFFSET)", sym, path, fl.n, list);
		free(list);
		strv_free(&where);
		goto out;
	}
	if (vaddr_to_offset(&sf, fl.v[0].addr, offset, &exec)) {
		err_msg("%s: '%s' at 0x%llx lies in no loadable segment", path, sym, fl.v[0].addr);
		goto out;
	}
	if (!exec)
		warn_msg("%s: '%s' is not in an executable segment", path, sym);
	if (fl.v[0].type == STT_GNU_IFUNC)
		warn_msg("'%s' in %s is an IFUNC resolver: the probe fires when the loader "
			 "picks an implementation, not on calls", sym, path);
	ret = 0;
out:
	func_list_free(&fl);
	sym_file_close(&sf);
	return ret;
}

/* binsym_check_offset - a raw BIN:0xOFFSET must lie in an executable segment */
int binsym_check_offset(const char *path, unsigned long long offset, const struct arch_info *arch)
{
	struct sym_file sf;
	size_t n;
	int ret = -1;

	if (sym_file_open(&sf, path))
		return -1;
	if (!machine_matches(&sf, path, arch) || elf_getphdrnum(sf.elf, &n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(sf.elf, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (offset >= ph.p_offset && offset < ph.p_offset + ph.p_filesz) {
			ret = 0;
			goto out;
		}
	}
	err_msg("%s: offset 0x%llx is not inside an executable segment", path, offset);
out:
	sym_file_close(&sf);
	return ret;
}

/* binsym_list_functions - print the probeable functions of @path, sorted, one per line */
int binsym_list_functions(const char *path, FILE *out)
{
	struct func_list fl = { 0 };
	struct sym_file sf;

	if (sym_file_open(&sf, path))
		return -1;
	collect_functions(&sf, SHT_SYMTAB, NULL, &fl);
	collect_functions(&sf, SHT_DYNSYM, NULL, &fl);
	if (fl.n)
		qsort(fl.v, fl.n, sizeof(*fl.v), cmp_name);
	for (int i = 0; i < fl.n; i++)
		if (i == 0 || strcmp(fl.v[i].name, fl.v[i - 1].name))
			fprintf(out, "%s\n", fl.v[i].name);
	func_list_free(&fl);
	sym_file_close(&sf);
	return 0;
}
