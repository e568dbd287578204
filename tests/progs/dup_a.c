// SPDX-License-Identifier: GPL-2.0
#include "dup.h"

__attribute__((noinline)) static int dup_helper(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

int dup_a(void)
{
	return dup_helper(1);
}
