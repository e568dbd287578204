/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KCAPTURE_H
#define KTP_KCAPTURE_H

/*
 * The kernel's copy of a syscall's path where its syscall events carry
 * none (kernels before 6.19): the contract between the run that defines
 * the capture probes (run_arm.c), the plan that marks which syscall
 * arguments they cover (event_plan.c) and the filler that matches each
 * copy to its syscall event (filler.c). Two routes: with kprobes, a return
 * probe on getname (kcapture.c has the rules: the copy comes after the
 * syscall's event); without, uprobes at the C library's syscall sites
 * (ucapture.c: the copy comes before it).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <event-parse.h>

struct arch_info;
struct kfeatures;
struct probe_spec;
struct session;
struct strv;

/* Capture events are named so: "__k" marks what is ktprobe's own, never printed. */
#define KCAPTURE_PREFIX "__kcap_"
#define KCAPTURE_MAX 3		/* getname_flags's part, or getname and getname_flags */

/* When a copy comes: after its syscall's event (getname), or before it (at the call). */
enum kcapture_when { KCAPTURE_NONE, KCAPTURE_AFTER, KCAPTURE_BEFORE };

/* One copy the kernel made: the path it copied from @uptr for thread @tid. */
struct kcopy {
	int tid;
	unsigned long long uptr, ts;
	const char *path;
	unsigned int len;		/* without the NUL */
};

/* One capture event: its name in the run's group, and where its copies are. */
struct kcapture_event {
	char *name;
	struct tep_event *ev;
	struct tep_format_field *uptr[2], *path[2];	/* the second: rename's and link's */
};

/* The capture events armed in a run. */
struct kcapture {
	enum kcapture_when when;
	int n, cap;
	struct kcapture_event *v;
	/* at the call: the copies are paused while they would cost too much (ucapture.c) */
	bool paused;
	unsigned int pauses;
	struct session *sess;		/* the switching thread's */
	pthread_t switcher;		/* turning them off waits for the kernel: tens of ms */
	bool switching;
	atomic_bool switched;		/* the thread is done */
	unsigned long long window_start, window_copies, window_events, busy_at;
};

bool kcapture_covers(const char *event_name, const char *arg);
bool kcapture_wanted(const struct probe_spec *specs, int n, const struct kfeatures *kf);
enum kcapture_when kcapture_route(const struct probe_spec *specs, int n, const struct kfeatures *kf);
char *kcapture_definition(int i, const char *group, const struct arch_info *arch);
bool kcapture_alternative(int i);
int kcapture_define(struct kcapture *kc, struct session *s, const struct arch_info *arch);
void kcapture_add(struct kcapture *kc, char *name);
int kcapture_load(struct kcapture *kc, struct tep_handle *tep, const char *group);
int kcapture_switch(const struct kcapture *kc, struct session *s, bool on);
int kcapture_record(const struct kcapture *kc, struct tep_handle *tep, struct tep_record *rec,
		    struct kcopy copies[2]);
void kcapture_free(struct kcapture *kc);

/* ucapture.c: at the C library's syscall sites, where there are no kprobes */
bool ucapture_wanted(const struct probe_spec *specs, int n, const struct kfeatures *kf);
int ucapture_definitions(const struct probe_spec *specs, int n, const char *group,
			 struct strv *lines, struct strv *names);
int ucapture_define(struct kcapture *kc, struct session *s, const struct probe_spec *specs, int n);
void ucapture_pace(struct kcapture *kc, struct session *s, unsigned long long now,
		   unsigned long long copies, unsigned long long events);
void ucapture_settle(struct kcapture *kc);

#endif
