/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KCAPTURE_H
#define KTP_KCAPTURE_H

/*
 * The kernel's copy of a syscall's path where its syscall events carry
 * none (kernels before 6.19) but kprobes exist: the contract between the
 * run that defines the capture probes (run_arm.c), the plan that marks
 * which syscall arguments they cover (event_plan.c) and the filler that
 * matches each copy to its syscall event (filler.c). kcapture.c has the
 * rules.
 */
#include <stdbool.h>
#include <event-parse.h>

struct arch_info;
struct kfeatures;
struct probe_spec;
struct session;

/* Capture events are named so: "__k" marks what is ktprobe's own, never printed. */
#define KCAPTURE_PREFIX "__kcap_"
#define KCAPTURE_MAX 3		/* getname_flags's part, or getname and getname_flags */

/* One copy the kernel made: the path it copied from @uptr for thread @tid. */
struct kcopy {
	int tid;
	unsigned long long uptr, ts;
	const char *path;
	unsigned int len;		/* without the NUL */
};

/* The capture events armed in a run. */
struct kcapture {
	int n;
	int fn[KCAPTURE_MAX];		/* which function each probes */
	struct tep_event *ev[KCAPTURE_MAX];
	struct tep_format_field *uptr[KCAPTURE_MAX], *path[KCAPTURE_MAX];
};

bool kcapture_covers(const char *event_name, const char *arg);
bool kcapture_wanted(const struct probe_spec *specs, int n, const struct kfeatures *kf);
char *kcapture_definition(int i, const char *group, const struct arch_info *arch);
bool kcapture_alternative(int i);
int kcapture_define(struct kcapture *kc, struct session *s, const struct arch_info *arch);
int kcapture_load(struct kcapture *kc, struct tep_handle *tep, const char *group);
int kcapture_enable(const struct kcapture *kc, struct session *s);
bool kcapture_record(const struct kcapture *kc, struct tep_handle *tep, struct tep_record *rec,
		     struct kcopy *copy);

#endif
