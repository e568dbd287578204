// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' peer for fill latency: the least a reader can do. It
 * reads an instance's trace_pipe (the kernel's text, woken for any data)
 * and, for each line, takes CLOCK_MONOTONIC minus the line's timestamp
 * (the instance's clock must be "mono"): how late a reader woken by the
 * kernel has each event, before doing anything with it.
 *
 *   wakeup INSTANCE_DIR N
 *     reads until N lines with a timestamp were seen or SIGINT/SIGTERM,
 *     then prints "lines=N p50_us=A p99_us=B"
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* The timestamp of a kernel text line ("... [001] ..... 123.456789: ..."), in us; <0 if none. */
static double line_ts_us(const char *line)
{
	const char *p = strstr(line, "] ");

	if (!p)
		return -1;
	p += 2;
	while (*p && *p != ' ')		/* the flags column */
		p++;
	return *p ? strtod(p, NULL) * 1e6 : -1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	char path[4096], buf[65536], line[1024];
	size_t fill = 0, seen = 0, want;
	double *ages;
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: read() returns */
	int fd;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (argc != 3 || (want = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: wakeup INSTANCE_DIR N\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", argv[1]);
	fd = open(path, O_RDONLY);
	ages = calloc(want, sizeof(*ages));
	if (fd < 0 || !ages) {
		perror(path);
		return 1;
	}
	while (seen < want && !stop) {
		ssize_t n = read(fd, buf, sizeof(buf));
		double at = now_us();

		if (n <= 0)
			continue;	/* a 0-byte read is "not yet", never the end */
		for (ssize_t i = 0; i < n && seen < want; i++) {
			if (buf[i] != '\n') {
				if (fill < sizeof(line) - 1)
					line[fill++] = buf[i];
				continue;
			}
			line[fill] = '\0';
			fill = 0;
			double ts = line_ts_us(line);

			if (ts > 0)
				ages[seen++] = at - ts;
		}
	}
	if (!seen) {
		printf("lines=0\n");
		return 0;
	}
	qsort(ages, seen, sizeof(*ages), by_value);
	printf("lines=%zu p50_us=%.0f p99_us=%.0f\n", seen, ages[seen / 2],
	       ages[seen * 99 / 100]);
	free(ages);
	close(fd);
	return 0;
}
