/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_BINSYM_H
#define KTP_BINSYM_H

/* Symbols of user-space binaries (ELF, through libelf): for uprobes and -l. */

#include <stdio.h>

struct arch_info;

int binsym_offset(const char *path, const char *sym, const struct arch_info *arch,
		  unsigned long long *offset);
int binsym_check_offset(const char *path, unsigned long long offset,
			const struct arch_info *arch);
int binsym_list_functions(const char *path, FILE *out);

#endif
