// SPDX-License-Identifier: GPL-2.0
/*
 * Where the C library makes a syscall: the places in libc and the dynamic
 * loader where a uprobe sees a syscall's path arguments just before the
 * syscall instruction, so the kernel copies the path at the call (ucapture.c).
 *
 * x86-64 only. A site is `mov $NR,%eax` followed, through register moves
 * only, by `syscall`. Its function is decoded from its start (the unwind
 * table, .eh_frame_hdr, lists every function's start, stripped or not)
 * and the site is used only if the decoding lands exactly on it: a
 * breakpoint inside an instruction would break every process. The probe
 * goes on the nearest two-byte conditional jump before the site, which the
 * kernel emulates (about 5 us a hit here; a single-stepped instruction
 * costs 25 us), when the path registers at the syscall can be followed
 * back to it through plain moves; otherwise on the syscall instruction.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsite.h"
#include "utils.h"
#include "x86_decode.h"

#define FUNC_BYTES_MAX	65536	/* a site this far into its function is not decoded */
#define FOLLOW_MAX	6	/* register moves between `mov $NR,%eax` and `syscall` */
#define MAX_INSNS	16384	/* a function's, decoded */

/* The syscall argument registers, in order. */
static const int arg_regs[6] = { X86_DI, X86_SI, X86_DX, X86_R10, X86_R8, X86_R9 };

/* An executable section's bytes and where they are. */
struct text {
	const uint8_t *bytes;
	size_t size;
	unsigned long long addr, offset;
};

/* Read a 4-byte little-endian value. */
static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The functions' start addresses from .eh_frame_hdr's search table (sorted),
 * in the encoding every toolchain writes (udata4 count, datarel sdata4
 * pairs); their number, 0 when there is no such table
 */
static size_t function_starts(Elf *elf, unsigned long long **starts)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *d;
		const uint8_t *p;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".eh_frame_hdr"))
			continue;
		d = elf_getdata(scn, NULL);
		p = d ? d->d_buf : NULL;
		/* version 1; eh_frame_ptr pcrel sdata4; count udata4; table datarel sdata4 */
		if (!p || d->d_size < 12 || p[0] != 1 || p[1] != 0x1b || p[2] != 0x03 || p[3] != 0x3b)
			return 0;
		n = le32(p + 8);
		if (12 + n * 8 > d->d_size)
			return 0;
		*starts = xcalloc(n ? n : 1, sizeof(**starts));
		for (size_t i = 0; i < n; i++)
			(*starts)[i] = sh.sh_addr + (int32_t)le32(p + 12 + i * 8);
		return n;
	}
	return 0;
}

/* The start of the function holding @addr: the greatest start not above it, or 0. */
static unsigned long long function_of(const unsigned long long *starts, size_t n,
				      unsigned long long addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (starts[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? starts[lo - 1] : 0;
}

/* A function's instructions, decoded from its start. */
struct func {
	unsigned long long *addrs;
	struct x86_insn *insns;
	int n;
	bool complete;		/* to its end, and no jump through a table */
};

/* Decode @t from @from until @end (the next function) or a byte it does not know. */
static void decode_func(const struct text *t, unsigned long long from, unsigned long long end,
			struct func *fn)
{
	fn->n = 0;
	fn->complete = true;
	while (from < end && from < t->addr + t->size) {
		size_t at = from - t->addr;
		struct x86_insn *in = &fn->insns[fn->n];

		if (fn->n == MAX_INSNS || x86_decode(t->bytes + at, t->size - at, in) < 0) {
			fn->complete = false;
			return;
		}
		fn->complete &= !x86_indirect_jump(in);
		fn->addrs[fn->n++] = from;
		from += in->len;
	}
}

/* The index of the instruction at @addr in @fn, or -1 (not a boundary). */
static int insn_at(const struct func *fn, unsigned long long addr)
{
	int lo = 0, hi = fn->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (fn->addrs[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < fn->n && fn->addrs[lo] == addr ? lo : -1;
}

/*
 * Follow the path registers @regs at instruction @sys back to instruction
 * @to through register moves: false when one of them was set otherwise
 */
static bool regs_back(const struct func *fn, int sys, int to, int *regs, int nregs)
{
	for (int i = sys - 1; i >= to; i--) {
		int dst = -1, src = -1;
		enum x86_move m = x86_reg_move(&fn->insns[i], &dst, &src);

		for (int r = 0; r < nregs; r++) {
			if (regs[r] != dst)
				continue;
			if (m != X86_MOVE)
				return false;
			regs[r] = src;
		}
	}
	return true;
}

/* Where direct jump @b of @fn goes. */
static unsigned long long jump_target(const struct func *fn, int b)
{
	return fn->addrs[b] + fn->insns[b].len + fn->insns[b].rel;
}

/*
 * Whether a jump of @fn lands between `mov $NR,%eax` at @mov and the
 * syscall at @sys: that syscall instruction is shared with another number
 */
static bool shared_tail(const struct func *fn, int mov, int sys)
{
	for (int b = 0; b < fn->n; b++) {
		enum x86_branch kind = x86_branch(&fn->insns[b]);

		if ((kind == X86_JCC || kind == X86_JMP) && jump_target(fn, b) > fn->addrs[mov] &&
		    jump_target(fn, b) <= fn->addrs[sys])
			return true;
	}
	return false;
}

/* Append a probe at instruction @i of @fn, the paths in @regs there. */
static void add_probe(struct callsite_list *v, const struct text *t, const struct func *fn, int i,
		      const int *regs, int nregs, bool emulated)
{
	struct callsite *c;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	c = &v->v[v->n++];
	*c = (struct callsite) {
		.offset = fn->addrs[i] - t->addr + t->offset, .nregs = nregs, .emulated = emulated,
		.regs = { regs[0], nregs > 1 ? regs[1] : -1 },
	};
}

/*
 * The probes on jumps for the syscall at instruction @sys, reached from
 * @region (its first instruction) through moves only: the jump that falls
 * into the region (@fall, or -1) and every jump into it, each with where
 * the paths @regs are there; false when some way in cannot be probed so
 */
static bool jump_probes(const struct text *t, const struct func *fn, int sys, int region,
			int fall, const int *regs, int nregs, struct callsite_list *v)
{
	int before = v->n;

	for (int b = 0; b < fn->n; b++) {
		enum x86_branch kind = x86_branch(&fn->insns[b]);
		int at = region, r[2] = { regs[0], regs[1] };

		if (kind != X86_JCC && kind != X86_JMP)
			continue;
		if (jump_target(fn, b) >= fn->addrs[region] && jump_target(fn, b) <= fn->addrs[sys]) {
			/* the falling jump taken into the region: its registers there may differ */
			if (b == fall)
				at = -1;
			else
				at = insn_at(fn, jump_target(fn, b));
		} else if (b != fall) {
			continue;
		}
		if (at < 0 || !x86_emulated(&fn->insns[b]) || !regs_back(fn, sys, at, r, nregs)) {
			v->n = before;
			return false;
		}
		add_probe(v, t, fn, b, r, nregs, true);
	}
	return v->n > before;
}

/*
 * The probes for the syscall at instruction @sys of @fn, made with path
 * arguments @args: on the jumps into the moves before it where every way
 * in is such a jump, else on the syscall instruction itself
 */
static void site_probes(const struct text *t, const struct func *fn, int sys, const int *args,
			struct callsite_list *v)
{
	int nregs = args[1] >= 0 ? 2 : 1, regs[2] = { arg_regs[args[0]], -1 }, i;

	if (nregs > 1)
		regs[1] = arg_regs[args[1]];
	/* the moves before the syscall; what comes before them must not fall in unseen */
	for (i = sys - 1; i >= 0 && x86_branch(&fn->insns[i]) == X86_GOES_ON; i--) {
		int dst, src;

		if (x86_reg_move(&fn->insns[i], &dst, &src) == X86_UNKNOWN)
			break;
	}
	if (i >= 0 && x86_branch(&fn->insns[i]) != X86_GOES_ON &&
	    jump_probes(t, fn, sys, i + 1, x86_branch(&fn->insns[i]) == X86_JCC ? i : -1,
			regs, nregs, v))
		return;
	add_probe(v, t, fn, sys, regs, nregs, false);
}

/*
 * The probes for the site whose `mov $NR,%eax` is at @mov in @t, made with
 * path arguments @args, appended to @v; false when it is not a site
 */
static bool site_at(const struct text *t, const unsigned long long *starts, size_t nstarts,
		    unsigned long long mov, const int *args, struct callsite_list *v)
{
	static unsigned long long addrs[MAX_INSNS];
	static struct x86_insn insns[MAX_INSNS];
	struct func fn = { addrs, insns, 0, false };
	unsigned long long func = function_of(starts, nstarts, mov), end = t->addr + t->size;
	int m, k;

	if (!func || func < t->addr || mov - func > FUNC_BYTES_MAX)
		return false;
	for (size_t i = 0; i < nstarts; i++)
		if (starts[i] > func) {
			end = starts[i] < end ? starts[i] : end;
			break;
		}
	decode_func(t, func, end, &fn);
	m = insn_at(&fn, mov);
	if (m < 0)
		return false;
	/* mov $NR,%eax, then register moves that leave eax alone, then syscall */
	for (k = m + 1; k < fn.n && k <= m + FOLLOW_MAX && !x86_is_syscall(&fn.insns[k]); k++) {
		int dst = -1, src = -1;

		if (x86_reg_move(&fn.insns[k], &dst, &src) == X86_UNKNOWN || dst == X86_AX)
			return false;
	}
	if (k >= fn.n || !x86_is_syscall(&fn.insns[k]))
		return false;
	/* every way to the syscall must be seen: no part of the function undecoded */
	if (!fn.complete || shared_tail(&fn, m, k))
		return false;
	site_probes(t, &fn, k, args, v);
	return true;
}

/* The probes for syscall @nr's sites in executable section @t, appended to @v. */
static void sites_in(const struct text *t, const unsigned long long *starts, size_t nstarts,
		     int nr, const int *args, struct callsite_list *v)
{
	const uint8_t pat[5] = { 0xb8, nr & 0xff, (nr >> 8) & 0xff, 0, 0 };

	for (size_t i = 0; i + sizeof(pat) <= t->size; i++)
		if (!memcmp(t->bytes + i, pat, sizeof(pat)))
			site_at(t, starts, nstarts, t->addr + i, args, v);
}

/*
 * callsite_find - the sites in @path (an x86-64 ELF file) where syscall
 * @nr is made, with its path arguments @args (two argument indexes, the
 * second -1 when there is one), appended to @v; the number found
 */
int callsite_find(const char *path, int nr, const int *args, struct callsite_list *v)
{
	unsigned long long *starts = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), before = v->n;
	Elf_Scn *scn = NULL;
	size_t nstarts;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf *elf;

	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		goto out_elf;
	nstarts = function_starts(elf, &starts);
	while (nstarts && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		sites_in(&(struct text) { d->d_buf, d->d_size, sh.sh_addr, sh.sh_offset },
			 starts, nstarts, nr, args, v);
	}
	free(starts);
out_elf:
	if (elf)
		elf_end(elf);
	close(fd);
	return v->n - before;
}

/* callsite_reg_name - a register's name in a fetch argument (x86-64) */
const char *callsite_reg_name(int reg)
{
	static const char *const names[16] = {
		"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};

	return reg >= 0 && reg < 16 ? names[reg] : "?";
}
