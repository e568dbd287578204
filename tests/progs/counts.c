// SPDX-License-Identifier: GPL-2.0
/*
 * A workload with known numbers for the counting tests:
 *   ktp_counts malloc          mallocs of 1 2 3 4 5 8 100 1024 1025 65536 bytes
 *   ktp_counts nap N MS        calls nap(MS) N times: sleeps MS ms each
 *   ktp_counts open N PATH     opens PATH N times
 * No stdio: the C library allocates nothing of its own meanwhile.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* the function whose latency is measured */
__attribute__((noinline)) void nap(unsigned int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 8, 100, 1024, 1025, 65536 };

	if (argc >= 2 && !strcmp(argv[1], "malloc")) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			void *volatile p = malloc(sizes[i]);

			free(p);
		}
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "nap")) {
		for (int i = atoi(argv[2]); i > 0; i--)
			nap(atoi(argv[3]));
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "open")) {
		for (int i = atoi(argv[2]); i > 0; i--)
			close(open(argv[3], O_RDONLY));
		return 0;
	}
	return 2;
}
