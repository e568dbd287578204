/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KFEATURES_H
#define KTP_KFEATURES_H

#include <stdbool.h>

struct arch_info;

/* What the running kernel's tracefs offers (or what is assumed without one). */
struct kfeatures {
	bool live;		/* read from this machine's tracefs */
	bool kprobe_events;
	bool uprobe_events;
	bool dynamic_events;
	bool kprobe_argn;	/* $arg<N> in the fetcharg list */
	bool kretprobe_argn;	/* $arg<N> for kernel return probes */
	bool ret_suffix;	/* SYM%return */
	bool ustring;		/* the ustring type */
	bool maxactive;		/* r[maxactive] */
	bool error_log;
};

int kfeatures_read(struct kfeatures *kf);
void kfeatures_assume(struct kfeatures *kf, const struct arch_info *arch);

#endif
