// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's probe target. Functions are noinline and start with an
 * instruction the kernel can emulate, so uprobes on them are cheap.
 *
 *   target [-w] [-n COUNT] [-s STRING] [-t THREADS] [-f] [-e]
 *     -w  print the pid, then wait for a line on stdin before working
 *     -n  call probe_me COUNT times (n = 0, 1, ...), default 3
 *     -s  the string passed to probe_me (C escapes \n \t \e \xNN allowed)
 *     -t  also call probe_me from THREADS new threads (after -w)
 *     -f  also fork a child that calls probe_me (after -w)
 *     -e  call getenv("KTPROBE_TARGET_VAR") and add7() once
 *     -o  open (and close) PATH once, with openat()
 *     -O  open (and close) PATH once, with the open() syscall where it exists
 *     -m  with -o/-O: create the file (O_CREAT) with this octal MODE
 *     -c  set the thread's comm to NAME (escapes allowed)
 *     -D  dlopen the library PATH (repeatable)
 *     -r  N rounds of: probe_me(buf) and openat(buf), buf rewritten right after
 *     -k  a burst of openat on N different (missing) paths /tmp/ktp-burst-I
 *     -K  N openat back to back from one buffer, rewritten before each:
 *         /tmp/ktp-same-I (a late read of one shows a later one)
 *     -W  write STRING (escapes allowed) to /dev/null
 *     -B  openat on bad pointers: 0x1, and a page that is not mapped
 *     -P  openat on a path that ends at the last byte before an unmapped page,
 *         and on one that runs into it without a NUL
 *     -x  fork, and exec PROG in the child with the arguments "one" "two words"
 *     -z  sleep MS milliseconds before exiting (so readers find the process)
 *     -M  mmap FILE (which holds a path and a NUL) and openat the mapping
 *         without touching it first: a kprobe finds no page there
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dup.h"

static const char *str = "hello";
static int count = 3;

__attribute__((noinline)) int probe_me(const char *s, int n)
{
	asm volatile("" ::: "memory");
	return n * 2 + (int)strlen(s);
}

__attribute__((noinline)) long add7(long a, long b, long c, long d, long e, long f, long g)
{
	asm volatile("" ::: "memory");
	return a + b + c + d + e + f + g;
}

static void *thread_main(void *arg)
{
	long id = (long)arg;

	probe_me("thread", 100 + (int)id);
	return NULL;
}

/* Turn the C escapes of @s into bytes, in place. */
static char *unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r != '\\' || !r[1]) {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case 'n': *w++ = '\n'; r++; break;
		case 't': *w++ = '\t'; r++; break;
		case 'e': *w++ = 0x1b; r++; break;
		case 'x': *w++ = (char)strtol(r + 1, &r, 16); break;
		default: *w++ = *r++;
		}
	}
	*w = '\0';
	return s;
}

/* The path buffer is rewritten right after each use: fills see later values. */
static long rewrite_rounds(int n)
{
	static char buf[64] = "/tmp/ktp-rw-000000";
	long sum = 0;

	for (int i = 0; i < n; i++) {
		int fd;

		sum += probe_me(buf, i);
		fd = openat(AT_FDCWD, buf, O_RDONLY);
		if (fd >= 0)
			close(fd);
		snprintf(buf, sizeof(buf), "/tmp/ktp-rw-%06d", i + 1);
	}
	return sum;
}

/* Each path in memory of its own, kept until the end, so a late reader finds it. */
static void open_burst(int n)
{
	char (*paths)[32] = calloc(n, sizeof(*paths));

	for (int i = 0; i < n && paths; i++) {
		int fd;

		snprintf(paths[i], sizeof(paths[i]), "/tmp/ktp-burst-%d", i);
		fd = openat(AT_FDCWD, paths[i], O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
}

static void open_same_buffer(int n)
{
	static char path[32];	/* still the last path after the return */

	for (int i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/ktp-same-%d", i);
		fd = openat(AT_FDCWD, path, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
}

/* Two pages, the second unmapped: returns the first; NULL on failure. */
static char *page_before_hole(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + page, page);
	return p;
}

static void open_bad(void)
{
	char *p = page_before_hole();

	syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY, 0);
	if (p)
		syscall(SYS_openat, AT_FDCWD, p + sysconf(_SC_PAGESIZE), O_RDONLY, 0);
}

static void open_page_end(void)
{
	static const char name[] = "/tmp/ktp-pageend";
	long page = sysconf(_SC_PAGESIZE);
	char *p = page_before_hole(), *q = page_before_hole();

	if (!p || !q)
		return;
	/* the NUL is the last byte of the mapped page */
	memcpy(p + page - sizeof(name), name, sizeof(name));
	syscall(SYS_openat, AT_FDCWD, p + page - sizeof(name), O_RDONLY, 0);
	/* no NUL before the hole: the string runs into it */
	memset(q + page - 8, 'A', 8);
	syscall(SYS_openat, AT_FDCWD, q + page - 8, O_RDONLY, 0);
}

/* openat a path that lies in a file mapping no one has touched yet. */
static void open_untouched(const char *file)
{
	int fd = open(file, O_RDONLY);
	char *p;

	if (fd < 0)
		return;
	p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	fd = syscall(SYS_openat, AT_FDCWD, p, O_RDONLY, 0);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	int opt, threads = 0, wait_line = 0, do_fork = 0, extra = 0;
	const char *open_path = NULL, *sys_open_path = NULL, *write_str = NULL, *exec_prog = NULL;
	int rounds = 0, burst = 0, same = 0, bad = 0, page_end = 0, linger = 0;
	const char *mapped = NULL;
	int open_flags = O_RDONLY, open_mode = 0;
	long sum = 0;
	pthread_t tid[16];

	while ((opt = getopt(argc, argv, "wn:s:t:feo:O:m:c:D:r:k:K:W:BPx:z:M:")) != -1) {
		switch (opt) {
		case 'w': wait_line = 1; break;
		case 'n': count = atoi(optarg); break;
		case 's': str = unescape(optarg); break;
		case 't': threads = atoi(optarg) > 16 ? 16 : atoi(optarg); break;
		case 'f': do_fork = 1; break;
		case 'e': extra = 1; break;
		case 'o': open_path = unescape(optarg); break;
		case 'O': sys_open_path = optarg; break;
		case 'm':
			open_flags = O_RDWR | O_CREAT;
			open_mode = (int)strtol(optarg, NULL, 8);
			break;
		case 'c': prctl(PR_SET_NAME, unescape(optarg)); break;
		case 'r': rounds = atoi(optarg); break;
		case 'k': burst = atoi(optarg); break;
		case 'K': same = atoi(optarg); break;
		case 'W': write_str = unescape(optarg); break;
		case 'B': bad = 1; break;
		case 'P': page_end = 1; break;
		case 'x': exec_prog = optarg; break;
		case 'z': linger = atoi(optarg); break;
		case 'M': mapped = optarg; break;
		case 'D':
			if (!dlopen(optarg, RTLD_NOW)) {
				fprintf(stderr, "%s\n", dlerror());
				return 1;
			}
			break;
		default: return 2;
		}
	}
	if (wait_line) {
		char line[64];

		printf("%d\n", (int)getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	if (open_path) {
		int fd = openat(AT_FDCWD, open_path, open_flags, open_mode);

		if (fd >= 0)
			close(fd);
	}
	if (sys_open_path) {
#ifdef SYS_open
		long fd = syscall(SYS_open, sys_open_path, open_flags, open_mode);
#else
		long fd = openat(AT_FDCWD, sys_open_path, open_flags, open_mode);
#endif
		if (fd >= 0)
			close((int)fd);
	}
	for (int i = 0; i < count; i++)
		sum += probe_me(str, i);
	for (long i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, thread_main, (void *)i);
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	if (do_fork) {
		pid_t child = fork();

		if (child == 0) {
			probe_me("child", 200);
			_exit(0);
		}
		waitpid(child, NULL, 0);
	}
	if (extra) {
		const char *v = getenv("KTPROBE_TARGET_VAR");

		sum += add7(1, 2, 3, 4, 5, 6, 7) + (v ? 1 : 0);
	}
	if (mapped)
		open_untouched(mapped);
	if (rounds)
		sum += rewrite_rounds(rounds);
	if (burst)
		open_burst(burst);
	if (same)
		open_same_buffer(same);
	if (write_str) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			sum += write(fd, write_str, strlen(write_str));
			close(fd);
		}
	}
	if (bad)
		open_bad();
	if (page_end)
		open_page_end();
	if (exec_prog) {
		pid_t child = fork();

		if (child == 0) {
			execl(exec_prog, exec_prog, "one", "two words", (char *)NULL);
			_exit(127);
		}
		waitpid(child, NULL, 0);
	}
	sum += dup_a() + dup_b();
	printf("%ld\n", sum);
	fflush(stdout);
	if (linger)
		usleep(linger * 1000);
	return 0;
}
