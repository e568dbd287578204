// SPDX-License-Identifier: GPL-2.0
/*
 * The length of an x86-64 instruction, and the few facts of it that
 * callsite.c needs (which register a move writes and from where). It
 * decodes what compilers emit in ordinary functions and refuses the rest
 * (VEX/EVEX, 3DNow!, what is invalid in 64-bit mode): a refusal only means
 * a call site is not used, a wrong length would put a breakpoint inside an
 * instruction, so the tables err on the side of refusing.
 */
#include <string.h>

#include "x86_decode.h"

/* One-byte opcodes: what follows the opcode. */
enum { NONE, MODRM = 1, IMM8 = 2, IMM32 = 4, IMM16 = 8, BAD = 16, PREFIX = 32, MOFFS = 64,
       IMMV = 128 /* imm32, or imm64 with REX.W (mov r, imm) */ };

/* The operand of the 1-byte opcode @op (REX and legacy prefixes aside). */
static unsigned int one_byte(uint8_t op)
{
	if (op < 0x40) {
		switch (op & 7) {
		case 0: case 1: case 2: case 3: return MODRM;
		case 4: return IMM8;
		case 5: return IMM32;
		default:	/* 0f escape, segment prefixes, invalid push/pop/daa */
			return op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ? PREFIX : BAD;
		}
	}
	if (op < 0x60)
		return NONE;			/* push, pop */
	if (op >= 0x70 && op <= 0x7f)
		return IMM8;			/* jcc rel8 */
	if (op >= 0xb0 && op <= 0xb7)
		return IMM8;
	if (op >= 0xb8 && op <= 0xbf)
		return IMMV;
	if ((op >= 0x84 && op <= 0x8f) || (op >= 0xd0 && op <= 0xd3) || (op >= 0xd8 && op <= 0xdf))
		return MODRM;
	if ((op >= 0x90 && op <= 0x99) || (op >= 0x9b && op <= 0x9f) || (op >= 0xa4 && op <= 0xa7) ||
	    (op >= 0xaa && op <= 0xaf) || (op >= 0xec && op <= 0xef) || (op >= 0xf8 && op <= 0xfd))
		return NONE;
	switch (op) {
	case 0x63: return MODRM;
	case 0x64: case 0x65: case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3: return PREFIX;
	case 0x68: return IMM32;
	case 0x69: return MODRM | IMM32;
	case 0x6a: return IMM8;
	case 0x6b: return MODRM | IMM8;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f: return NONE;
	case 0x80: case 0x83: case 0xc0: case 0xc1: case 0xc6: return MODRM | IMM8;
	case 0x81: case 0xc7: return MODRM | IMM32;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: return MOFFS;
	case 0xa8: case 0xcd: case 0xe0: case 0xe1: case 0xe2: case 0xe3:
	case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xeb: return IMM8;
	case 0xa9: return IMM32;
	case 0xc2: case 0xca: return IMM16;
	case 0xc3: case 0xc9: case 0xcb: case 0xcc: case 0xcf: case 0xd7: case 0xf1:
	case 0xf4: case 0xf5: return NONE;
	case 0xc8: return IMM16 | IMM8;
	case 0xe8: case 0xe9: return IMM32;
	case 0xf6: case 0xf7: case 0xfe: case 0xff: return MODRM;	/* f6/f7 /0-1: + imm */
	default: return BAD;	/* 60-62 (62: EVEX), 82, 9a, c4/c5 (VEX), ce, d4-d6, ea */
	}
}

/* Two-byte opcodes 0f @op: what follows. */
static unsigned int two_byte(uint8_t op)
{
	if (op >= 0x80 && op <= 0x8f)
		return IMM32;			/* jcc rel32 */
	if (op >= 0xc8 && op <= 0xcf)
		return NONE;			/* bswap */
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b:
	case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x37:
	case 0x77: case 0xa0: case 0xa1: case 0xa2: case 0xa8: case 0xa9: case 0xaa:
		return NONE;
	case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4: case 0xac: case 0xba:
	case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		return MODRM | IMM8;
	case 0x04: case 0x0a: case 0x0c: case 0x0e: case 0x0f: case 0x24: case 0x25:
	case 0x26: case 0x27: case 0x36: case 0x39: case 0x3b: case 0x3c: case 0x3d:
	case 0x3e: case 0x3f: case 0x7a: case 0x7b: case 0xa6: case 0xa7:
		return BAD;
	default:
		return MODRM;
	}
}

/* The bytes a ModRM byte at @p brings with it (SIB, displacement); -1 past @end. */
static int modrm_len(const uint8_t *p, const uint8_t *end)
{
	unsigned int mod = p[0] >> 6, rm = p[0] & 7;
	int len = 1;

	if (mod == 3)
		return 1;
	if (rm == 4) {
		if (p + 1 >= end)
			return -1;
		if (mod == 0 && (p[1] & 7) == 5)
			len += 4;
		len++;
	} else if (mod == 0 && rm == 5) {
		len += 4;		/* RIP-relative */
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len;
}

/* The immediate's size for operand kind @k with an 0x66 prefix @o16 and REX.W @w. */
static int imm_len(unsigned int k, bool o16, bool w)
{
	int len = 0;

	if (k & IMM8)
		len += 1;
	if (k & IMM16)
		len += 2;
	if (k & IMM32)
		len += o16 && !w ? 2 : 4;	/* REX.W wins over 66h */
	if (k & IMMV)
		len += w ? 8 : o16 ? 2 : 4;
	return len;
}

/*
 * x86_decode - decode the instruction at @p (at most @avail bytes) into
 * @in; its length, or -1 when it is not one this decoder knows
 */
int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in)
{
	const uint8_t *start = p, *end = p + (avail < 15 ? avail : 15);
	bool o16 = false, addr32 = false;
	unsigned int k;

	memset(in, 0, sizeof(*in));
	for (; p < end && one_byte(*p) == PREFIX; p++) {
		o16 |= *p == 0x66;
		addr32 |= *p == 0x67;
		in->prefixes++;
	}
	if (p < end && (*p & 0xf0) == 0x40)
		in->rex = *p++;
	if (p >= end || (*p & 0xf0) == 0x40)
		return -1;		/* a second REX: not what compilers emit */
	in->op = *p++;
	if (in->op == 0x0f) {
		if (p >= end)
			return -1;
		in->op = 0x0f00 | *p++;
		if (in->op == 0x0f38 || in->op == 0x0f3a) {
			if (p >= end)
				return -1;
			p++;
			k = in->op == 0x0f3a ? MODRM | IMM8 : MODRM;
		} else {
			k = two_byte(in->op & 0xff);
		}
	} else {
		k = one_byte(in->op);
	}
	if (k & (BAD | PREFIX))
		return -1;
	/* 66h on a rel32 branch, 67h on a moffs: lengths vendors disagree on, or rare */
	if ((o16 && (in->op == 0xe8 || in->op == 0xe9 || (in->op >= 0x0f80 && in->op <= 0x0f8f))) ||
	    (addr32 && (k & MOFFS)))
		return -1;
	if (k & MODRM) {
		int n;

		if (p >= end || (n = modrm_len(p, end)) < 0)
			return -1;
		in->has_modrm = true;
		in->modrm = *p;
		if (in->op == 0x8f && ((*p >> 3) & 7))
			return -1;	/* XOP, not pop */
		/* test r/m, imm: f6 /0-1 and f7 /0-1 carry the immediate */
		if ((in->op == 0xf6 || in->op == 0xf7) && ((*p >> 3) & 7) < 2)
			k |= in->op == 0xf6 ? IMM8 : IMM32;
		p += n;
	}
	if (k & MOFFS)
		p += 8;
	p += imm_len(k, o16, in->rex & 8);
	if (p > end)
		return -1;
	in->len = p - start;
	in->o16 = o16;
	if ((in->op >= 0x70 && in->op <= 0x7f) || in->op == 0xeb)
		in->rel = (int8_t)p[-1];
	else if (in->op == 0xe9 || (in->op >= 0x0f80 && in->op <= 0x0f8f))
		in->rel = (int32_t)(p[-4] | p[-3] << 8 | p[-2] << 16 | (uint32_t)p[-1] << 24);
	return in->len;
}

/*
 * x86_branch - what kind of control transfer @in is: X86_JCC (conditional,
 * falls through), X86_JMP (direct, unconditional), X86_ENDS (no fall-through
 * and no known target: ret, indirect jump, ud2, hlt), X86_GOES_ON (anything
 * else, calls included: they come back)
 */
enum x86_branch x86_branch(const struct x86_insn *in)
{
	if ((in->op >= 0x70 && in->op <= 0x7f) || (in->op >= 0x0f80 && in->op <= 0x0f8f))
		return X86_JCC;
	if (in->op == 0xeb || in->op == 0xe9)
		return X86_JMP;
	if (in->op == 0xc3 || in->op == 0xc2 || in->op == 0xf4 || in->op == 0x0f0b ||
	    (in->op == 0xff && (((in->modrm >> 3) & 7) == 4 || ((in->modrm >> 3) & 7) == 5)))
		return X86_ENDS;
	return X86_GOES_ON;
}

/* x86_indirect_jump - whether @in jumps through a register or memory (a jump table) */
bool x86_indirect_jump(const struct x86_insn *in)
{
	return in->op == 0xff && (((in->modrm >> 3) & 7) == 4 || ((in->modrm >> 3) & 7) == 5);
}

/* x86_emulated - whether the kernel's uprobes emulate @in (direct branches without prefixes) */
bool x86_emulated(const struct x86_insn *in)
{
	enum x86_branch b = x86_branch(in);

	return (b == X86_JCC || b == X86_JMP) && !in->prefixes && !in->rex;
}

/* x86_is_syscall - whether @in is the syscall instruction */
bool x86_is_syscall(const struct x86_insn *in)
{
	return in->op == 0x0f05 && !in->prefixes && !in->rex;
}

/*
 * x86_reg_move - what @in does to the general registers, for following a
 * value backwards: X86_MOVE (a 64-bit copy @src -> @dst), X86_SET (@dst
 * set to a value not from a register: immediate, zeroing xor, 32-bit
 * move), X86_NOREG (writes none: cmp, test), or X86_UNKNOWN
 */
enum x86_move x86_reg_move(const struct x86_insn *in, int *dst, int *src)
{
	int reg = ((in->modrm >> 3) & 7) | (in->rex & 4 ? 8 : 0);
	int rm = (in->modrm & 7) | (in->rex & 1 ? 8 : 0);
	bool direct = in->has_modrm && in->modrm >> 6 == 3;

	if (in->op >= 0xb8 && in->op <= 0xbf) {
		*dst = (in->op & 7) | (in->rex & 1 ? 8 : 0);
		return X86_SET;
	}
	if ((in->op == 0x89 || in->op == 0x8b) && direct && !in->o16) {
		*dst = in->op == 0x89 ? rm : reg;
		*src = in->op == 0x89 ? reg : rm;
		return in->rex & 8 ? X86_MOVE : X86_SET;
	}
	if ((in->op == 0x31 || in->op == 0x33) && direct && reg == rm) {
		*dst = reg;
		return X86_SET;
	}
	/* cmp and test write only the flags */
	if ((in->op >= 0x38 && in->op <= 0x3d) || in->op == 0x84 || in->op == 0x85 ||
	    in->op == 0xa8 || in->op == 0xa9 ||
	    ((in->op == 0x80 || in->op == 0x81 || in->op == 0x83) && ((in->modrm >> 3) & 7) == 7) ||
	    ((in->op == 0xf6 || in->op == 0xf7) && ((in->modrm >> 3) & 7) < 2))
		return X86_NOREG;
	return X86_UNKNOWN;
}
