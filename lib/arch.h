/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_ARCH_H
#define KTP_ARCH_H

#include <stdbool.h>
#include <stdio.h>

/* One accepted register name, or a numbered family ("x" 0..30 = x0..x30). */
struct arch_reg_range {
	const char *name;
	int lo, hi;		/* lo < 0: @name is a plain name */
};

/*
 * What the kernel's probe parser accepts on one architecture, and where the
 * C calling convention puts arguments, the return value and the stack.
 */
struct arch_info {
	const char *name;		/* canonical, e.g. "x86_64" */
	const char *aliases;		/* space-separated, incl. uname -m forms */
	int elf_machine;
	int long_size;
	const struct arch_reg_range *regs;
	const char *const *kargs;	/* kernel C argument registers */
	const char *const *uargs;	/* user-space argument registers */
	int kstack_first;		/* $stackN of the first kernel stack arg, -1 none */
	int ustack_first;		/* $stackN of the first user stack arg, -1 none */
	const char *ret;		/* return-value register */
	const char *sp;			/* stack pointer register */
	bool kernel_argn;		/* kprobes accept $argN */
	const char *syscall_prefix;	/* wrapper prefix, e.g. "__x64_sys_" */
	const int *syscall_regs_off;	/* user arg N in the wrapper's pt_regs */
	bool big_endian;		/* s390x; Debian's powerpc64 and mips64 are little */
};

const struct arch_info *arch_find(const char *name);
const struct arch_info *arch_host(void);
const struct arch_info *arch_by_index(int i);
int arch_count(void);
bool arch_has_register(const struct arch_info *arch, const char *reg);
int arch_arg_count(const struct arch_info *arch, bool user);
const char *arch_arg_register(const struct arch_info *arch, bool user, int n);
int arch_register_arg_index(const struct arch_info *arch, bool user, const char *reg);
void arch_describe(const struct arch_info *arch, FILE *f);

#endif
