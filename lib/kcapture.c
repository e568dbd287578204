// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own copy of a syscall's path, on kernels whose syscall
 * events carry no strings (before 6.19) but that have kprobes (Debian
 * 12's 6.1, most boards). Every path a syscall takes is copied by
 * getname() or getname_flags() into a struct filename, whose first two
 * members are the copy and the user pointer it came from; a return probe
 * on each records both. The rules (filler.c applies them):
 *
 *  - A copy belongs to the latest event of its thread that has a covered
 *    argument equal to its user pointer (rename and link: two copies, one
 *    per argument). The copy is made after the syscall's entry event and
 *    before its exit, on the same thread, so no other syscall of the
 *    thread comes between.
 *  - A syscall that fails before copying (a bad pointer: getname returns
 *    an error and the probe reads nothing) has no copy: when the thread's
 *    next event comes, or the stream has been read a while past the
 *    event, the companion reads the value as it would without copies.
 *  - A syscall that blocks does so after its copy (the path is needed to
 *    find what it waits for).
 *
 * The copy is read by the kernel itself, faulting the page in if it must,
 * so it is right for a page never touched and for a process that exits at
 * once. (An eprobe on the syscall event reads without faulting pages in:
 * "(fault)" for such pages; a hist trigger and synthetic event read at
 * the syscall's exit, holding its line until then: both were measured in
 * the lab and not chosen.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "events.h"
#include "field_value.h"
#include "kcapture.h"
#include "kfeatures.h"
#include "probe_spec.h"
#include "session.h"
#include "utils.h"

/*
 * Where the copy is made: Debian's 6.1 has split getname_flags() (its
 * audit check stays, the copy goes to getname_flags.part.0), and calls the
 * part directly from syscalls that inline getname() (mkdir, unlink, rmdir):
 * the part, where it exists, sees every copy once. Without it, getname()
 * and getname_flags() together do (6.1 inlines one into the other too).
 */
static const char *const functions[KCAPTURE_MAX] = {
	"getname_flags.part.0", "getname", "getname_flags",
};
#define KCAPTURE_MAXACTIVE 64
#define WRAPPERS 1		/* functions[WRAPPERS..]: probed when the part is not there */

/* Syscalls whose path arguments reach getname (directly or by user_path_at), by argument. */
static const struct { const char *sys, *args; } covered[] = {
	{ "open", "filename" }, { "openat", "filename" }, { "openat2", "filename" },
	{ "creat", "pathname" }, { "execve", "filename" }, { "execveat", "filename" },
	{ "stat", "filename" }, { "lstat", "filename" }, { "newstat", "filename" },
	{ "newlstat", "filename" }, { "stat64", "filename" }, { "lstat64", "filename" },
	{ "newfstatat", "filename" }, { "fstatat64", "filename" }, { "statx", "filename" },
	{ "access", "filename" }, { "faccessat", "filename" }, { "faccessat2", "filename" },
	{ "unlink", "pathname" }, { "unlinkat", "pathname" }, { "rmdir", "pathname" },
	{ "mkdir", "pathname" }, { "mkdirat", "pathname" },
	{ "rename", "oldname newname" }, { "renameat", "oldname newname" },
	{ "renameat2", "oldname newname" }, { "link", "oldname newname" },
	{ "linkat", "oldname newname" }, { "symlink", "oldname newname" },
	{ "symlinkat", "oldname newname" }, { "readlink", "path" }, { "readlinkat", "pathname" },
	{ "chdir", "filename" }, { "chroot", "filename" }, { "chmod", "filename" },
	{ "fchmodat", "filename" }, { "fchmodat2", "filename" }, { "chown", "filename" },
	{ "lchown", "filename" }, { "fchownat", "filename" }, { "truncate", "path" },
	{ "mknod", "filename" }, { "mknodat", "filename" }, { "utime", "filename" },
	{ "utimes", "filename" }, { "utimensat", "filename" }, { "futimesat", "filename" },
	{ "statfs", "pathname" }, { "statfs64", "pathname" }, { "swapon", "specialfile" },
	{ "swapoff", "specialfile" }, { "acct", "name" }, { "uselib", "library" },
	{ "inotify_add_watch", "pathname" }, { "fanotify_mark", "pathname" },
	{ "name_to_handle_at", "name" }, { "umount", "name" }, { "mount", "dir_name" },
	{ "setxattr", "pathname" }, { "lsetxattr", "pathname" }, { "getxattr", "pathname" },
	{ "lgetxattr", "pathname" }, { "listxattr", "pathname" }, { "llistxattr", "pathname" },
	{ "removexattr", "pathname" }, { "lremovexattr", "pathname" },
};

/* Capture probe @i's event name: the function's, '.' made '_' (a name's rule). */
static void event_name(int i, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", KCAPTURE_PREFIX, functions[i]);
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* Whether word @w is one of the space-separated words of @list. */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* The covered path arguments of syscall entry event @event_name, or NULL. */
static const char *covered_args(const char *event_name)
{
	if (!str_starts(event_name, "sys_enter_"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(covered); i++)
		if (!strcmp(covered[i].sys, event_name + strlen("sys_enter_")))
			return covered[i].args;
	return NULL;
}

/* kcapture_covers - whether syscall event @event_name's argument @arg is copied by getname */
bool kcapture_covers(const char *event_name, const char *arg)
{
	const char *args = covered_args(event_name);

	return args && has_word(args, arg);
}

/* Whether tracepoint spec @ps is the entry of a syscall with a covered argument. */
static bool spec_covered(const struct probe_spec *ps)
{
	return ps->kind == PROBE_TRACEPOINT && !strcmp(ps->system, "syscalls") &&
	       covered_args(ps->event);
}

/*
 * kcapture_wanted - whether a run of @specs on a kernel with @kf gets the
 * kernel's copies: a covered syscall entry is traced, the kernel has
 * kprobes, and its syscall events do not copy strings themselves
 */
bool kcapture_wanted(const struct probe_spec *specs, int n, const struct kfeatures *kf)
{
	if (!kf->kprobe_events || kf->syscall_strings)
		return false;
	for (int i = 0; i < n; i++)
		if (spec_covered(&specs[i]))
			return true;
	return false;
}

/*
 * kcapture_route - how a run of @specs on a kernel with @kf gets the
 * kernel's copies of paths: by getname (kprobes), at the C library's calls
 * (uprobes, ucapture.c), or not at all (syscall strings, or nothing to copy)
 */
enum kcapture_when kcapture_route(const struct probe_spec *specs, int n, const struct kfeatures *kf)
{
	if (kcapture_wanted(specs, n, kf))
		return KCAPTURE_AFTER;
	return ucapture_wanted(specs, n, kf) ? KCAPTURE_BEFORE : KCAPTURE_NONE;
}

/*
 * kcapture_definition - capture probe @i's definition in @group (NULL past
 * the last): the copy and its user pointer, read through the returned
 * struct filename; an error pointer reads nothing
 */
char *kcapture_definition(int i, const char *group, const struct arch_info *arch)
{
	int ptr = arch->long_size;
	char name[64];

	if (i < 0 || i >= KCAPTURE_MAX)
		return NULL;
	event_name(i, name, sizeof(name));
	/* 64 return instances: the default (10) runs out when threads sleep in getname */
	return xasprintf("r%d:%s/%s %s uptr=+%d($retval):x%d path=+0(+0($retval)):string",
			 KCAPTURE_MAXACTIVE, group, name, functions[i], ptr, ptr * 8);
}

/* kcapture_alternative - whether definition @i is only written when the ones before fail */
bool kcapture_alternative(int i)
{
	return i == WRAPPERS;
}

/* kcapture_add - capture event @name (taken) is defined in the run's group */
void kcapture_add(struct kcapture *kc, char *name)
{
	if (kc->n == kc->cap) {
		kc->cap = kc->cap ? kc->cap * 2 : 4;
		kc->v = xrealloc(kc->v, kc->cap * sizeof(*kc->v));
	}
	kc->v[kc->n++] = (struct kcapture_event) { .name = name };
}

/*
 * kcapture_define - define the capture probes this kernel accepts in the
 * run's group (a function it lacks is no error: the other may do); the
 * number defined, 0 when neither could be
 */
int kcapture_define(struct kcapture *kc, struct session *s, const struct arch_info *arch)
{
	memset(kc, 0, sizeof(*kc));
	kc->when = KCAPTURE_AFTER;
	for (int i = 0; i < KCAPTURE_MAX && !(i == WRAPPERS && kc->n); i++) {
		char *line = kcapture_definition(i, s->name, arch);
		char name[64];

		event_name(i, name, sizeof(name));
		if (!session_try_define(s, line, false))
			kcapture_add(kc, xstrdup(name));
		free(line);
	}
	return kc->n;
}

/* kcapture_load - the defined capture events' formats, and the fields of each */
int kcapture_load(struct kcapture *kc, struct tep_handle *tep, const char *group)
{
	for (int i = 0; i < kc->n; i++) {
		struct kcapture_event *e = &kc->v[i];

		if (events_tep_add(tep, group, e->name))
			return -1;
		e->ev = tep_find_event_by_name(tep, group, e->name);
		if (!e->ev)
			return -1;
		e->uptr[0] = tep_find_field(e->ev, "uptr");
		e->path[0] = tep_find_field(e->ev, "path");
		e->uptr[1] = tep_find_field(e->ev, "uptr2");
		e->path[1] = tep_find_field(e->ev, "path2");
		if (!e->uptr[0] || !e->path[0])
			return -1;
	}
	return 0;
}

/* kcapture_switch - record the capture events in the run's instance, or stop (@on) */
int kcapture_switch(const struct kcapture *kc, struct session *s, bool on)
{
	for (int i = 0; i < kc->n; i++)
		if (session_switch_event(s, kc->v[i].ev->system, kc->v[i].ev->name, on))
			return -1;
	return 0;
}

/* One copy of capture event @e's record @rec: its @k-th path. */
static void read_copy(struct tep_handle *tep, const struct kcapture_event *e, int k,
		      struct tep_record *rec, struct kcopy *copy)
{
	*copy = (struct kcopy) { .tid = tep_data_pid(tep, rec), .ts = rec->ts };
	copy->uptr = tep_read_number(tep, (char *)rec->data + e->uptr[k]->offset,
				     e->uptr[k]->size);
	copy->path = field_data_loc(tep, rec, e->path[k], &copy->len);
	/* a fault leaves no bytes; a path has its NUL */
	if (copy->path && copy->len && !copy->path[copy->len - 1])
		copy->len--;
	else
		copy->path = NULL;
}

/*
 * kcapture_record - whether @rec is a capture: the number of copies it
 * holds (rename's and link's at the call: two), 0 when it is none; a copy
 * the kernel could not read has no path (@copies[i].path NULL)
 */
int kcapture_record(const struct kcapture *kc, struct tep_handle *tep, struct tep_record *rec,
		    struct kcopy copies[2])
{
	const struct kcapture_event *e = NULL;
	int type;

	if (!kc->n)
		return 0;
	type = tep_data_type(tep, rec);
	for (int i = 0; i < kc->n && !e; i++)
		if (kc->v[i].ev && kc->v[i].ev->id == type)
			e = &kc->v[i];
	if (!e)
		return 0;
	read_copy(tep, e, 0, rec, &copies[0]);
	if (!e->uptr[1] || !e->path[1])
		return 1;
	read_copy(tep, e, 1, rec, &copies[1]);
	return 2;
}

/* kcapture_free - forget the capture events (their definitions go with the run's group) */
void kcapture_free(struct kcapture *kc)
{
	for (int i = 0; i < kc->n; i++)
		free(kc->v[i].name);
	free(kc->v);
	memset(kc, 0, sizeof(*kc));
}
