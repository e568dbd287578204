// SPDX-License-Identifier: GPL-2.0
/*
 * The paths benchmark's constructed workload: short-lived children that
 * open known paths, in a known order, from one rewritten buffer, and exit
 * or exec at once after the last. Any read of the buffer made after the
 * event shows the next path or none, so every event's truth is known by
 * construction: the K-th openat of child PID opens "DIR/PID/K".
 *
 *   shortopen [-w] [-c CHILDREN] [-k OPENS] [-x PROGRAM] DIR
 *     -c  children, one after another (default 100)
 *     -k  opens per child (default 10)
 *     -x  every second child execs PROGRAM after its opens (default: all exit)
 *     -w  print the pid, then wait for a line on stdin before starting
 *
 * The paths need not exist (the opens fail with ENOENT: the path is what
 * counts). Prints "children=N opens=N ns=T" when done, T the time the
 * children took, from the first fork to the last one's end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* One child: K opens from one stack buffer, then exit or exec at once. */
static void child(const char *dir, int opens, const char *program)
{
	char path[256];
	int pid = getpid();

	for (int k = 0; k < opens; k++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%d/%d", dir, pid, k);
		fd = openat(AT_FDCWD, path, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	if (program)
		execl(program, program, (char *)NULL);
	_exit(0);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long start;
	int children = 100, opens = 10, opt;
	const char *program = NULL;
	int wait_go = 0;

	while ((opt = getopt(argc, argv, "wc:k:x:")) != -1) {
		switch (opt) {
		case 'w': wait_go = 1; break;
		case 'c': children = atoi(optarg); break;
		case 'k': opens = atoi(optarg); break;
		case 'x': program = optarg; break;
		default:
			fprintf(stderr, "usage: shortopen [-w] [-c N] [-k N] [-x PROGRAM] DIR\n");
			return 2;
		}
	}
	if (optind != argc - 1 || children <= 0 || opens <= 0) {
		fprintf(stderr, "usage: shortopen [-w] [-c N] [-k N] [-x PROGRAM] DIR\n");
		return 2;
	}
	if (wait_go) {
		char line[16];

		printf("%d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	start = now_ns();
	for (int i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child(argv[optind], opens, i % 2 ? program : NULL);
		waitpid(pid, NULL, 0);
	}
	printf("children=%d opens=%d ns=%llu\n", children, children * opens, now_ns() - start);
	return 0;
}
