// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' workload: openat() + close() in a loop, timed by itself.
 *
 *   openloop [-w] [-n N] [-r] [-p PATH] [-R RATE -t SECS]
 *     -n  N iterations (default 300000)
 *     -p  the path to open (default /etc/hostname)
 *     -r  rewrite the path buffer each iteration: iteration I opens
 *         DIR/rwNNNNNNN (I in 7 digits) in DIR = the -p path's directory;
 *         those files need not exist
 *     -R  paced: RATE openat per second (in bursts of one per 100 us slot
 *         share), for -t SECS, instead of -n
 *     -w  print the pid, then wait for a line on stdin before the loop
 *
 * Prints "iterations=N loop_ns=T" on stdout: the loop's own time, without
 * start-up, so a tracer's attach time is not counted.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void open_close(const char *path)
{
	int fd = openat(AT_FDCWD, path, O_RDONLY);

	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const char *path = "/etc/hostname";
	unsigned long long n = 300000, rate = 0, start, done = 0;
	double secs = 0;
	int rewrite = 0, wait_go = 0, c;
	char buf[4096], *digits = NULL;

	while ((c = getopt(argc, argv, "wn:rp:R:t:")) != -1) {
		switch (c) {
		case 'w': wait_go = 1; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'r': rewrite = 1; break;
		case 'p': path = optarg; break;
		case 'R': rate = strtoull(optarg, NULL, 10); break;
		case 't': secs = atof(optarg); break;
		default: return 2;
		}
	}
	if (strlen(path) + 16 > sizeof(buf))
		return 2;
	strcpy(buf, path);
	if (rewrite) {
		char *slash = strrchr(buf, '/');

		digits = slash ? slash + 1 : buf;
		strcpy(digits, "rw0000000");
		digits += 2;
	}
	if (wait_go) {
		char line[16];

		printf("%d\n", (int)getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	start = now_ns();
	if (rate) {
		/* paced: catch up to rate * elapsed, in small steps */
		unsigned long long end = start + (unsigned long long)(secs * 1e9);

		for (unsigned long long t = start; t < end; t = now_ns()) {
			unsigned long long due = (t - start) * rate / 1000000000ULL;

			for (; done < due; done++)
				open_close(buf);
		}
	} else {
		for (done = 0; done < n; done++) {
			if (rewrite) {
				/* the iteration number, in place, as 7 decimal digits */
				unsigned long long v = done;

				for (int i = 6; i >= 0; i--, v /= 10)
					digits[i] = '0' + v % 10;
			}
			open_close(buf);
		}
	}
	printf("iterations=%llu loop_ns=%llu\n", done, now_ns() - start);
	return 0;
}
