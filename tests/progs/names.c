// SPDX-License-Identifier: GPL-2.0
/*
 * The test program for arguments by name (tests/host/names.bats), built
 * with -g at -O0 and at -O2: functions whose parameters are a string, an
 * integer, and a pointer to a struct with a nested struct, bitfields, a
 * char array and a pointer to the next item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point {
	int x, y;
};

struct item {
	const char *label;
	struct point at;
	unsigned int flags : 3;
	unsigned int kind : 5;
	char tag[8];
	long weight;
	struct item *next;
};

/* Keeps the compiler from dropping what it could otherwise see unused. */
static volatile long sink;

__attribute__((noinline)) int greet(const char *s, int n)
{
	sink += strlen(s) + n;
	return (int)strlen(s) * n;
}

__attribute__((noinline)) long visit(struct item *it, long scale)
{
	long sum = 0;

	for (; it; it = it->next)
		sum += (it->at.x + it->at.y + it->kind) * scale;
	sink += sum;
	return sum;
}

int main(int argc, char **argv)
{
	struct item last = { "last", { 5, 6 }, 2, 17, "tail", -4, NULL };
	struct item first = { "first", { 3, 4 }, 5, 9, "head", 1234567890123L, &last };
	int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;

	for (int i = 0; i < rounds; i++) {
		greet("hello", i + 3);
		visit(&first, 10);
	}
	printf("%ld\n", (long)sink);
	return 0;
}
