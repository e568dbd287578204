// SPDX-License-Identifier: GPL-2.0
/* A library the suite loads from two places, to test lookups by short name. */
__attribute__((noinline)) int ktptest_fn(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}
