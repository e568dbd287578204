/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_CALLSITE_H
#define KTP_CALLSITE_H

/* Where the C library makes a syscall, for probes at the call (callsite.c). */
#include <stdbool.h>

/* One probe point: a file offset, and the registers that hold the paths there. */
struct callsite {
	unsigned long long offset;
	int regs[2], nregs;
	bool emulated;		/* a jump the kernel emulates, not a single-stepped instruction */
};

struct callsite_list {
	struct callsite *v;
	int n, cap;
};

int callsite_find(const char *path, int nr, const int *args, struct callsite_list *v);
const char *callsite_reg_name(int reg);

#endif
