// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz target's stand-ins for lib/binpath.c, lib/binsym.c and
 * lib/kfuncs.c, the only files that read the machine while specs are
 * resolved (PATH, ldconfig, /proc, ELF files, kallsyms, /sys/module). They
 * are linked instead of those files, so a fuzz run opens nothing but its
 * corpus; their answers come from the input (offline_machine), so that a
 * resolved path may hold any byte a real file name can.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "binpath.h"
#include "binsym.h"
#include "kfuncs.h"
#include "utils.h"
#include "offline.h"

struct offline_machine offline_machine;

/* bin_is_resolvable - stand-in: a short name is a file here when the input says so */
bool bin_is_resolvable(const char *bin, pid_t pid, const struct arch_info *arch)
{
	(void)bin, (void)pid, (void)arch;
	return offline_machine.bin_found;
}

/* bin_resolve - stand-in: the input's path, else /usr/bin/BIN or BIN itself if a path */
char *bin_resolve(const char *bin, pid_t pid, const struct arch_info *arch)
{
	(void)pid, (void)arch;
	if (offline_machine.lookups_fail) {
		err_msg("'%s' is neither a program on PATH nor a library in the loader's cache", bin);
		return NULL;
	}
	if (*offline_machine.path)
		return xstrdup(offline_machine.path);
	return bin[0] == '/' ? xstrdup(bin) : xasprintf("/usr/bin/%s", bin);
}

/* binsym_offset - stand-in: every symbol is at 0x1040 unless the input says none is */
int binsym_offset(const char *path, const char *sym, const struct arch_info *arch,
		      unsigned long long *offset)
{
	(void)arch;
	if (offline_machine.lookups_fail) {
		err_msg("%s: no function '%s'", path, sym);
		return -1;
	}
	*offset = 0x1040;
	return 0;
}

/* binsym_check_offset - stand-in: any offset is inside the file's code unless the input says not */
int binsym_check_offset(const char *path, unsigned long long offset, const struct arch_info *arch)
{
	(void)arch;
	if (offline_machine.lookups_fail) {
		err_msg("%s: offset 0x%llx is in no executable segment", path, offset);
		return -1;
	}
	return 0;
}

/* binsym_list_functions - stand-in: no binary is ever listed here */
int binsym_list_functions(const char *path, FILE *out)
{
	(void)path, (void)out;
	return -1;
}

/* kfunc_check - stand-in: never reached with kernel features assumed (not live) */
int kfunc_check(const char *spec, const char *func, const char *module)
{
	(void)spec, (void)func, (void)module;
	return 0;
}

/* kfunc_module_loaded - stand-in: whether MOD of MOD:SYM is a loaded module, from the input */
bool kfunc_module_loaded(const char *name)
{
	(void)name;
	return offline_machine.module_loaded;
}
