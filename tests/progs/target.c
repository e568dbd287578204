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
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	int opt, threads = 0, wait_line = 0, do_fork = 0, extra = 0;
	const char *open_path = NULL, *sys_open_path = NULL;
	int open_flags = O_RDONLY, open_mode = 0;
	long sum = 0;
	pthread_t tid[16];

	while ((opt = getopt(argc, argv, "wn:s:t:feo:O:m:c:D:")) != -1) {
		switch (opt) {
		case 'w': wait_line = 1; break;
		case 'n': count = atoi(optarg); break;
		case 's': str = unescape(optarg); break;
		case 't': threads = atoi(optarg) > 16 ? 16 : atoi(optarg); break;
		case 'f': do_fork = 1; break;
		case 'e': extra = 1; break;
		case 'o': open_path = optarg; break;
		case 'O': sys_open_path = optarg; break;
		case 'm':
			open_flags = O_RDWR | O_CREAT;
			open_mode = (int)strtol(optarg, NULL, 8);
			break;
		case 'c': prctl(PR_SET_NAME, unescape(optarg)); break;
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
	sum += dup_a() + dup_b();
	printf("%ld\n", sum);
	return 0;
}
