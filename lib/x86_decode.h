/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_X86_DECODE_H
#define KTP_X86_DECODE_H

/* x86-64 instruction lengths and register moves, for placing uprobes (x86_decode.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x86_insn {
	int len;
	unsigned int op;		/* 0x00-0xff, or 0x0fxx (0x0f38 / 0x0f3a for three bytes) */
	uint8_t rex, modrm;
	bool has_modrm, o16;
	unsigned int prefixes;		/* legacy prefixes before REX */
	long long rel;			/* a direct jump's displacement */
};

/* Registers by their encoding: ax cx dx bx sp bp si di r8 .. r15. */
enum { X86_AX, X86_CX, X86_DX, X86_BX, X86_SP, X86_BP, X86_SI, X86_DI, X86_R8, X86_R9, X86_R10 };

enum x86_move { X86_UNKNOWN, X86_MOVE, X86_SET, X86_NOREG };
enum x86_branch { X86_GOES_ON, X86_JCC, X86_JMP, X86_ENDS };

int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in);
enum x86_branch x86_branch(const struct x86_insn *in);
bool x86_indirect_jump(const struct x86_insn *in);
bool x86_emulated(const struct x86_insn *in);
bool x86_is_syscall(const struct x86_insn *in);
enum x86_move x86_reg_move(const struct x86_insn *in, int *dst, int *src);

#endif
