// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's copy of a syscall's path where there are no kprobes and
 * syscall events carry no strings (this kind of host: 6.18, uprobes only):
 * a uprobe at each place the C library (libc and the dynamic loader) makes
 * a traced syscall copies the path, in the calling thread, just before the
 * syscall instruction (callsite.c finds the places). The kernel reads it,
 * faulting the page in if it must, so the value is right however short
 * the process lives or soon it rewrites its buffer. The rules (filler.c):
 *
 *  - A copy comes before its syscall's event. It belongs to the thread's
 *    next event that has a covered argument equal to its pointer, if that
 *    comes within 20 ms; a newer copy of the same pointer replaces it.
 *  - A syscall made elsewhere (a static binary, another libc, a raw
 *    syscall()) has no copy: the companion reads it, as without copies.
 *  - A copy costs the calling thread a breakpoint (about 5 us where the
 *    probe is on a jump the kernel emulates, 25 us where it single-steps
 *    the syscall instruction, on this VM), in every process that maps the
 *    library. So the copies pause while more than PACE_MAX come in a
 *    window, and resume once the stream has been quiet a while.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "callsite.h"
#include "kcapture.h"
#include "kfeatures.h"
#include "probe_spec.h"
#include "session.h"
#include "utils.h"

#define PACE_WINDOW_NS	200000000ULL
#define PACE_MAX	4000	/* copies in a window: ~20 k/s, 10 % of a CPU or more */
#define PACE_QUIET	2000	/* events in a window below which it is quiet */
#define PACE_RESUME_NS	1000000000ULL	/* quiet this long: the copies resume */

/* x86-64 syscall numbers of the covered syscalls, and which arguments are paths. */
static const struct { const char *sys; int nr; int args[2]; } x86_64_calls[] = {
	{ "open", 2, { 0, -1 } }, { "openat", 257, { 1, -1 } }, { "openat2", 437, { 1, -1 } },
	{ "creat", 85, { 0, -1 } }, { "execve", 59, { 0, -1 } }, { "execveat", 322, { 1, -1 } },
	{ "newstat", 4, { 0, -1 } }, { "newlstat", 6, { 0, -1 } },
	{ "newfstatat", 262, { 1, -1 } }, { "statx", 332, { 1, -1 } },
	{ "access", 21, { 0, -1 } }, { "faccessat", 269, { 1, -1 } },
	{ "faccessat2", 439, { 1, -1 } }, { "unlink", 87, { 0, -1 } },
	{ "unlinkat", 263, { 1, -1 } }, { "rmdir", 84, { 0, -1 } }, { "mkdir", 83, { 0, -1 } },
	{ "mkdirat", 258, { 1, -1 } }, { "rename", 82, { 0, 1 } }, { "renameat", 264, { 1, 3 } },
	{ "renameat2", 316, { 1, 3 } }, { "link", 86, { 0, 1 } }, { "linkat", 265, { 1, 3 } },
	{ "symlink", 88, { 0, 1 } }, { "symlinkat", 266, { 0, 2 } },
	{ "readlink", 89, { 0, -1 } }, { "readlinkat", 267, { 1, -1 } },
	{ "chdir", 80, { 0, -1 } }, { "chroot", 161, { 0, -1 } }, { "chmod", 90, { 0, -1 } },
	{ "fchmodat", 268, { 1, -1 } }, { "fchmodat2", 452, { 1, -1 } },
	{ "chown", 92, { 0, -1 } }, { "lchown", 94, { 0, -1 } }, { "fchownat", 260, { 1, -1 } },
	{ "truncate", 76, { 0, -1 } }, { "mknod", 133, { 0, -1 } }, { "mknodat", 259, { 1, -1 } },
	{ "utime", 132, { 0, -1 } }, { "utimes", 235, { 0, -1 } },
	{ "utimensat", 280, { 1, -1 } }, { "futimesat", 261, { 1, -1 } },
	{ "statfs", 137, { 0, -1 } }, { "inotify_add_watch", 254, { 1, -1 } },
	{ "setxattr", 188, { 0, -1 } }, { "lsetxattr", 189, { 0, -1 } },
	{ "getxattr", 191, { 0, -1 } }, { "lgetxattr", 192, { 0, -1 } },
	{ "listxattr", 194, { 0, -1 } }, { "llistxattr", 195, { 0, -1 } },
	{ "removexattr", 197, { 0, -1 } }, { "lremovexattr", 198, { 0, -1 } },
};

/* The table entry of syscall entry event @event, or -1. */
static int call_of(const char *event)
{
#if defined(__x86_64__)
	if (!str_starts(event, "sys_enter_"))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(x86_64_calls); i++)
		if (!strcmp(x86_64_calls[i].sys, event + strlen("sys_enter_")))
			return i;
#else
	(void)event;
#endif
	return -1;
}

/* The traced syscall of spec @ps with copies at the call, or -1. */
static int spec_call(const struct probe_spec *ps)
{
	if (ps->kind != PROBE_TRACEPOINT || strcmp(ps->system, "syscalls"))
		return -1;
	return call_of(ps->event);
}

/*
 * ucapture_wanted - whether a run of @specs on a kernel with @kf gets copies
 * at the C library's calls: no kprobes, no syscall strings, uprobes, and a
 * covered syscall traced (x86-64)
 */
bool ucapture_wanted(const struct probe_spec *specs, int n, const struct kfeatures *kf)
{
	if (kf->kprobe_events || kf->syscall_strings || !kf->uprobe_events)
		return false;
	for (int i = 0; i < n; i++)
		if (spec_call(&specs[i]) >= 0)
			return true;
	return false;
}

/* Add C library file @path from a maps line, once per file. */
static void add_library(struct strv *libs, struct strv *seen, const char *path)
{
	const char *base = strrchr(path, '/');
	struct stat st;
	char *key;

	if (!base || (strcmp(base + 1, "libc.so.6") && !str_starts(base + 1, "ld-linux")) ||
	    str_has_control(path) || strchr(path, ' ') || stat(path, &st))
		return;
	key = xasprintf("%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	if (strv_contains(seen, key)) {
		free(key);
		return;
	}
	strv_push(seen, key);
	strv_push(libs, xstrdup(path));
}

/*
 * The C libraries the system's processes use: those mapped by ktprobe
 * itself and by init (a static ktprobe maps none)
 */
static void c_libraries(struct strv *libs)
{
	static const char *const maps[] = { "/proc/self/maps", "/proc/1/maps" };
	struct strv seen = { 0 };
	char line[4096];

	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		FILE *f = fopen(maps[i], "re");

		while (f && fgets(line, sizeof(line), f)) {
			char *path = strchr(line, '/');

			if (!path || !strstr(line, " r-xp ") || !strchr(path, '\n'))
				continue;
			*strchr(path, '\n') = '\0';
			add_library(libs, &seen, path);
		}
		if (f)
			fclose(f);
	}
	strv_free(&seen);
}

/* The definition of a probe at @site of @lib for syscall entry @c, named @name in @group. */
static char *site_definition(const struct callsite *site, const char *lib, const char *group,
			     const char *name)
{
	const char *r0 = callsite_reg_name(site->regs[0]), *r1 = callsite_reg_name(site->regs[1]);

	if (site->nregs == 1)
		return xasprintf("p:%s/%s %s:0x%llx uptr=%%%s:x64 path=+0(%%%s):string", group, name,
				 lib, site->offset, r0, r0);
	return xasprintf("p:%s/%s %s:0x%llx uptr=%%%s:x64 path=+0(%%%s):string uptr2=%%%s:x64 "
			 "path2=+0(%%%s):string", group, name, lib, site->offset, r0, r0, r1, r1);
}

/*
 * ucapture_definitions - the probes at the C library's calls for the
 * traced syscalls of @specs, in @group: definitions in @lines, event names
 * in @names; their number
 */
int ucapture_definitions(const struct probe_spec *specs, int n, const char *group,
			 struct strv *lines, struct strv *names)
{
	struct strv libs = { 0 }, done = { 0 };

	c_libraries(&libs);
	for (int i = 0; i < n; i++) {
		int c = spec_call(&specs[i]), k = 0;

		if (c < 0 || strv_contains(&done, x86_64_calls[c].sys))
			continue;
		strv_push(&done, xstrdup(x86_64_calls[c].sys));
		for (int l = 0; l < libs.n; l++) {
			struct callsite_list sites = { 0 };

			callsite_find(libs.v[l], x86_64_calls[c].nr, x86_64_calls[c].args, &sites);
			for (int j = 0; j < sites.n; j++, k++) {
				char *name = xasprintf("%sat_%s_%d", KCAPTURE_PREFIX, x86_64_calls[c].sys, k);

				strv_push(lines, site_definition(&sites.v[j], libs.v[l], group, name));
				strv_push(names, name);
			}
			free(sites.v);
		}
	}
	strv_free(&libs);
	strv_free(&done);
	return lines->n;
}

/*
 * ucapture_define - define the probes at the C library's calls in the
 * run's group (one the kernel refuses is left out); the number defined
 */
int ucapture_define(struct kcapture *kc, struct session *s, const struct probe_spec *specs, int n)
{
	struct strv lines = { 0 }, names = { 0 };

	memset(kc, 0, sizeof(*kc));
	kc->when = KCAPTURE_BEFORE;
	ucapture_definitions(specs, n, s->name, &lines, &names);
	for (int i = 0; i < lines.n; i++)
		if (!session_try_define(s, lines.v[i], true))
			kcapture_add(kc, xstrdup(names.v[i]));
	strv_free(&lines);
	strv_free(&names);
	return kc->n;
}

/* The switching thread: the copies turned on or off as kc->paused says. */
static void *switch_copies(void *arg)
{
	struct kcapture *kc = arg;

	kcapture_switch(kc, kc->sess, !kc->paused);
	atomic_store(&kc->switched, true);
	return NULL;
}

/*
 * Turn the copies off (@paused) or on again, in a thread: disabling a
 * uprobe waits for the kernel to take its breakpoints out of every process
 * (about 27 ms each here), while the buffers fill at the rate that made
 * the copies pause. False when a switch is still under way.
 */
static bool switch_start(struct kcapture *kc, struct session *s, bool paused)
{
	sigset_t all, old;

	if (kc->switching) {
		if (!atomic_load(&kc->switched))
			return false;
		pthread_join(kc->switcher, NULL);
		kc->switching = false;
	}
	kc->paused = paused;
	kc->sess = s;
	atomic_store(&kc->switched, false);
	/* the thread takes no signals: Ctrl-C must wake the main thread's poll */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	kc->switching = !pthread_create(&kc->switcher, NULL, switch_copies, kc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!kc->switching)
		kcapture_switch(kc, s, !paused);
	return true;
}

/* ucapture_settle - wait for a switch under way (before the run's events go) */
void ucapture_settle(struct kcapture *kc)
{
	if (!kc->switching)
		return;
	pthread_join(kc->switcher, NULL);
	kc->switching = false;
}

/*
 * ucapture_pace - @copies copies and @events events of any kind were read
 * just now: pause the copies at the call when too many come (each costs
 * its thread a breakpoint), resume them once the stream is quiet
 */
void ucapture_pace(struct kcapture *kc, struct session *s, unsigned long long now,
		   unsigned long long copies, unsigned long long events)
{
	if (kc->when != KCAPTURE_BEFORE || !kc->n)
		return;
	kc->window_copies += copies;
	kc->window_events += events;
	if (!kc->paused && kc->window_copies > PACE_MAX && switch_start(kc, s, true)) {
		kc->busy_at = now;
		if (!kc->pauses++)
			note_msg("more than %d paths a second: copies at the C library's calls paused "
				 "(each costs its thread a breakpoint); the companion reads them meanwhile",
				 (int)(PACE_MAX * 1000000000ULL / PACE_WINDOW_NS));
	}
	if (now - kc->window_start < PACE_WINDOW_NS)
		return;
	/* busy: more than PACE_QUIET events in a window's time */
	if (kc->window_events * PACE_WINDOW_NS >= PACE_QUIET * (now - kc->window_start))
		kc->busy_at = now;
	if (kc->paused && now - kc->busy_at >= PACE_RESUME_NS)
		switch_start(kc, s, false);
	kc->window_start = now;
	kc->window_copies = kc->window_events = 0;
}
