// SPDX-License-Identifier: GPL-2.0
/*
 * Register tables of the architectures ktprobe can write probes for.
 *
 * Facts: the regs_query_register_offset() tables of each arch's ptrace.c
 * (what "%NAME" the kernel accepts), the C ABI of each arch (where arguments
 * and the return value live) and HAVE_FUNCTION_ARG_ACCESS_API ($argN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <elf.h>

#include "arch.h"
#include "utils.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

static const struct arch_reg_range x86_64_regs[] = {
	{ "r", 8, 15 }, { "bx", -1, 0 }, { "cx", -1, 0 }, { "dx", -1, 0 },
	{ "si", -1, 0 }, { "di", -1, 0 }, { "bp", -1, 0 }, { "ax", -1, 0 },
	{ "orig_ax", -1, 0 }, { "ip", -1, 0 }, { "cs", -1, 0 },
	{ "flags", -1, 0 }, { "sp", -1, 0 }, { "ss", -1, 0 }, { NULL, 0, 0 },
};
static const char *const x86_64_args[] = { "di", "si", "dx", "cx", "r8", "r9", NULL };
/* struct pt_regs offsets of di, si, dx, r10, r8, r9: the syscall ABI */
static const int x86_64_sys_off[] = { 112, 104, 96, 56, 72, 64, -1 };

static const struct arch_reg_range i386_regs[] = {
	{ "bx", -1, 0 }, { "cx", -1, 0 }, { "dx", -1, 0 }, { "si", -1, 0 },
	{ "di", -1, 0 }, { "bp", -1, 0 }, { "ax", -1, 0 }, { "ds", -1, 0 },
	{ "es", -1, 0 }, { "fs", -1, 0 }, { "gs", -1, 0 }, { "orig_ax", -1, 0 },
	{ "ip", -1, 0 }, { "cs", -1, 0 }, { "flags", -1, 0 }, { "sp", -1, 0 },
	{ "ss", -1, 0 }, { NULL, 0, 0 },
};
static const char *const i386_kargs[] = { "ax", "dx", "cx", NULL };	/* regparm(3) */
static const char *const no_args[] = { NULL };				/* cdecl: stack */

static const struct arch_reg_range arm64_regs[] = {
	{ "x", 0, 30 }, { "lr", -1, 0 }, { "sp", -1, 0 }, { "pc", -1, 0 },
	{ "pstate", -1, 0 }, { NULL, 0, 0 },
};
static const char *const arm64_args[] = { "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", NULL };
static const int arm64_sys_off[] = { 0, 8, 16, 24, 32, 40, -1 };

static const struct arch_reg_range arm_regs[] = {
	{ "r", 0, 10 }, { "fp", -1, 0 }, { "ip", -1, 0 }, { "sp", -1, 0 },
	{ "lr", -1, 0 }, { "pc", -1, 0 }, { "cpsr", -1, 0 }, { "ORIG_r0", -1, 0 },
	{ NULL, 0, 0 },
};
static const char *const arm_args[] = { "r0", "r1", "r2", "r3", NULL };

static const struct arch_reg_range riscv64_regs[] = {
	{ "epc", -1, 0 }, { "ra", -1, 0 }, { "sp", -1, 0 }, { "gp", -1, 0 },
	{ "tp", -1, 0 }, { "t", 0, 6 }, { "s", 0, 11 }, { "a", 0, 7 },
	{ "status", -1, 0 }, { "badaddr", -1, 0 }, { "cause", -1, 0 },
	{ "orig_a0", -1, 0 }, { NULL, 0, 0 },
};
static const char *const riscv64_args[] = { "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", NULL };
/* struct pt_regs: epc ra sp gp tp t0 t1 t2 s0 s1 a0..: a0 at 10 * 8 */
static const int riscv64_sys_off[] = { 80, 88, 96, 104, 112, 120, -1 };

static const struct arch_reg_range ppc64_regs[] = {
	{ "gpr", 0, 31 }, { "nip", -1, 0 }, { "msr", -1, 0 }, { "ctr", -1, 0 },
	{ "link", -1, 0 }, { "xer", -1, 0 }, { "ccr", -1, 0 }, { "softe", -1, 0 },
	{ "trap", -1, 0 }, { "dar", -1, 0 }, { "dsisr", -1, 0 }, { NULL, 0, 0 },
};
static const char *const ppc64_args[] = { "gpr3", "gpr4", "gpr5", "gpr6", "gpr7", "gpr8", "gpr9", "gpr10", NULL };

static const struct arch_reg_range s390x_regs[] = {
	{ "r", 0, 15 }, { NULL, 0, 0 },
};
static const char *const s390x_args[] = { "r2", "r3", "r4", "r5", "r6", NULL };

static const struct arch_reg_range loongarch64_regs[] = {
	{ "r", 0, 31 }, { "orig_a0", -1, 0 }, { "csr_era", -1, 0 },
	{ "csr_badvaddr", -1, 0 }, { "csr_crmd", -1, 0 }, { "csr_prmd", -1, 0 },
	{ "csr_euen", -1, 0 }, { "csr_ecfg", -1, 0 }, { "csr_estat", -1, 0 },
	{ NULL, 0, 0 },
};
static const char *const r4_r11_args[] = { "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", NULL };

static const struct arch_reg_range mips64_regs[] = {
	{ "r", 0, 31 }, { "c0_status", -1, 0 }, { "hi", -1, 0 }, { "lo", -1, 0 },
	{ "c0_badvaddr", -1, 0 }, { "c0_cause", -1, 0 }, { "c0_epc", -1, 0 },
	{ NULL, 0, 0 },
};

static const struct arch_info arches[] = {
	{
		.name = "x86_64", .aliases = "amd64 x86-64 x64",
		.elf_machine = EM_X86_64, .long_size = 8, .regs = x86_64_regs,
		.kargs = x86_64_args, .uargs = x86_64_args,
		.kstack_first = 1, .ustack_first = 1,	/* $stack0: return address */
		.ret = "ax", .sp = "sp", .kernel_argn = true,
		.syscall_prefix = "__x64_sys_", .syscall_regs_off = x86_64_sys_off,
	}, {
		.name = "i386", .aliases = "i686 i586 i486 x86 ia32",
		.elf_machine = EM_386, .long_size = 4, .regs = i386_regs,
		.kargs = i386_kargs, .uargs = no_args,
		.kstack_first = 1, .ustack_first = 1,
		.ret = "ax", .sp = "sp", .kernel_argn = true,
	}, {
		.name = "arm64", .aliases = "aarch64",
		.elf_machine = EM_AARCH64, .long_size = 8, .regs = arm64_regs,
		.kargs = arm64_args, .uargs = arm64_args,
		.kstack_first = 0, .ustack_first = 0,
		.ret = "x0", .sp = "sp", .kernel_argn = true,
		.syscall_prefix = "__arm64_sys_", .syscall_regs_off = arm64_sys_off,
	}, {
		.name = "arm", .aliases = "armhf armel armv7l armv7 armv6l armv5tel arm32",
		.elf_machine = EM_ARM, .long_size = 4, .regs = arm_regs,
		.kargs = arm_args, .uargs = arm_args,
		.kstack_first = 0, .ustack_first = 0,
		.ret = "r0", .sp = "sp", .kernel_argn = false,
	}, {
		.name = "riscv64", .aliases = "riscv",
		.elf_machine = EM_RISCV, .long_size = 8, .regs = riscv64_regs,
		.kargs = riscv64_args, .uargs = riscv64_args,
		.kstack_first = 0, .ustack_first = 0,
		.ret = "a0", .sp = "sp", .kernel_argn = true,
		.syscall_prefix = "__riscv_sys_", .syscall_regs_off = riscv64_sys_off,
	}, {
		.name = "powerpc64", .aliases = "ppc64 ppc64le ppc64el powerpc",
		.elf_machine = EM_PPC64, .long_size = 8, .regs = ppc64_regs,
		.kargs = ppc64_args, .uargs = ppc64_args,
		.kstack_first = -1, .ustack_first = -1,
		.ret = "gpr3", .sp = "gpr1", .kernel_argn = true,
	}, {
		.name = "s390x", .aliases = "s390", .big_endian = true,
		.elf_machine = EM_S390, .long_size = 8, .regs = s390x_regs,
		.kargs = s390x_args, .uargs = s390x_args,
		.kstack_first = 20, .ustack_first = 20,	/* 160(%r15) */
		.ret = "r2", .sp = "r15", .kernel_argn = true,
	}, {
		.name = "loongarch64", .aliases = "loongarch loong64",
		.elf_machine = EM_LOONGARCH, .long_size = 8, .regs = loongarch64_regs,
		.kargs = r4_r11_args, .uargs = r4_r11_args,
		.kstack_first = 0, .ustack_first = 0,
		.ret = "r4", .sp = "r3", .kernel_argn = true,
	}, {
		.name = "mips64", .aliases = "mips64el mips",
		.elf_machine = EM_MIPS, .long_size = 8, .regs = mips64_regs,
		.kargs = r4_r11_args, .uargs = r4_r11_args,
		.kstack_first = 0, .ustack_first = 0,
		.ret = "r2", .sp = "r29", .kernel_argn = false,
	},
};

/* arch_count - how many architectures the tables describe */
int arch_count(void)
{
	return ARRAY_SIZE(arches);
}

/* arch_by_index - the @i-th table, for iterating over all of them */
const struct arch_info *arch_by_index(int i)
{
	return i >= 0 && i < (int)ARRAY_SIZE(arches) ? &arches[i] : NULL;
}

static bool word_in(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

/* arch_find - look an architecture up by its name, an alias or uname -m */
const struct arch_info *arch_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (!strcmp(arches[i].name, name) || word_in(arches[i].aliases, name))
			return &arches[i];
	if (str_starts(name, "arm") && !str_starts(name, "arm64"))
		return arch_find("arm");
	return NULL;
}

/* arch_host - the architecture this program runs on (by uname -m) */
const struct arch_info *arch_host(void)
{
	static const struct arch_info *host;
	struct utsname u;

	if (!host && uname(&u) == 0)
		host = arch_find(u.machine);
	return host;
}

/* arch_has_register - whether the kernel of @arch accepts "%@reg" */
bool arch_has_register(const struct arch_info *arch, const char *reg)
{
	for (const struct arch_reg_range *r = arch->regs; r->name; r++) {
		size_t len = strlen(r->name);
		char *end;
		long n;

		if (r->lo < 0) {
			if (!strcmp(r->name, reg))
				return true;
			continue;
		}
		if (strncmp(reg, r->name, len) || !reg[len])
			continue;
		if (reg[len] == '0' && reg[len + 1])
			continue;	/* "x01" is not a register */
		n = strtol(reg + len, &end, 10);
		if (!*end && n >= r->lo && n <= r->hi)
			return true;
	}
	return false;
}

/* arch_arg_count - how many arguments arrive in registers */
int arch_arg_count(const struct arch_info *arch, bool user)
{
	const char *const *args = user ? arch->uargs : arch->kargs;
	int n = 0;

	while (args[n])
		n++;
	return n;
}

/* arch_arg_register - the register of C argument @n (1-based), or NULL */
const char *arch_arg_register(const struct arch_info *arch, bool user, int n)
{
	if (n < 1 || n > arch_arg_count(arch, user))
		return NULL;
	return (user ? arch->uargs : arch->kargs)[n - 1];
}

/* arch_register_arg_index - which C argument @reg carries (1-based), or 0 */
int arch_register_arg_index(const struct arch_info *arch, bool user, const char *reg)
{
	const char *const *args = user ? arch->uargs : arch->kargs;

	for (int i = 0; args[i]; i++)
		if (!strcmp(args[i], reg))
			return i + 1;
	return 0;
}

/* The names of a register family, expanded: x0 x1 ... x30. */
static void expand_registers(const struct arch_info *arch, struct strv *sv)
{
	for (const struct arch_reg_range *r = arch->regs; r->name; r++) {
		if (r->lo < 0)
			strv_push(sv, xasprintf("%%%s", r->name));
		else
			for (int i = r->lo; i <= r->hi; i++)
				strv_push(sv, xasprintf("%%%s%d", r->name, i));
	}
}

static void print_args(FILE *f, const char *label, const char *const *args, int stack_first)
{
	fprintf(f, "%s:", label);
	for (int i = 0; args[i]; i++)
		fprintf(f, " %%%s", args[i]);
	if (stack_first >= 0)
		fprintf(f, "%s$stack%d ...", args[0] ? ", then " : " ", stack_first);
	fputc('\n', f);
}

/* arch_describe - what ktprobe knows of @arch, one fact per line */
void arch_describe(const struct arch_info *arch, FILE *f)
{
	struct strv regs = { 0 };
	char *list;

	expand_registers(arch, &regs);
	list = strv_join(&regs, " ", regs.n);
	fprintf(f, "arch: %s\nregisters: %s\n", arch->name, list);
	print_args(f, "arguments (kprobes)", arch->kargs, arch->kstack_first);
	print_args(f, "arguments (uprobes)", arch->uargs, arch->ustack_first);
	fprintf(f, "return value: %%%s\nstack pointer: %%%s\n$argN in kprobes: %s\n",
		arch->ret, arch->sp, arch->kernel_argn ? "yes" : "no");
	if (arch->syscall_prefix)
		fprintf(f, "syscall wrappers: %s*\n", arch->syscall_prefix);
	free(list);
	strv_free(&regs);
}
