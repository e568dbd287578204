/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KFEATURES_H
#define KTP_KFEATURES_H

#include <stdbool.h>

#include "utils.h"

struct arch_info;

/* What the running kernel's tracefs offers (or what is assumed without one). */
struct kfeatures {
	bool live;		/* read from this machine's tracefs */
	bool kprobe_events;
	bool uprobe_events;
	bool dynamic_events;
	bool kprobe_argn;	/* $arg<N> in the fetcharg list */
	bool kretprobe_argn;	/* $arg<N> for kernel return probes */
	bool user_deref;	/* +u<offset>(...) */
	bool maxactive;		/* r[maxactive] */
	bool error_log;
	bool bitfield;		/* b<width>@<offset>/<size> */
	bool arrays;		/* <type>[<size>] */
	bool syscall_strings;	/* syscall events copy user strings (6.19+) */
	struct strv types;	/* the README's fetch types; empty: not known */
};

int kfeatures_read(struct kfeatures *kf);
void kfeatures_assume(struct kfeatures *kf, const struct arch_info *arch);
bool kfeatures_has_type(const struct kfeatures *kf, const char *type);
void kfeatures_free(struct kfeatures *kf);

#endif
