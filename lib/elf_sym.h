/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_ELF_SYM_H
#define KTP_ELF_SYM_H

#include <stdio.h>

struct arch_info;

int elf_symbol_offset(const char *path, const char *sym, const struct arch_info *arch,
		      unsigned long long *offset);
int elf_check_offset(const char *path, unsigned long long offset,
		     const struct arch_info *arch);
int elf_list_functions(const char *path, FILE *out);

#endif
