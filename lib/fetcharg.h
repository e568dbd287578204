/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FETCHARG_H
#define KTP_FETCHARG_H

#include <stdbool.h>
#include "arch.h"
#include "utils.h"

/* Where a fetch argument will be evaluated, and what the kernel accepts there. */
struct fetch_ctx {
	const struct arch_info *arch;	/* the architecture the probe runs on */
	bool user;			/* uprobe / uretprobe */
	bool ret_probe;			/* kretprobe / uretprobe */
	bool kernel_argn;		/* kprobes here accept $argN */
	bool kernel_ret_argn;		/* kretprobes here accept $argN */
	const char *syscall_wrapper;	/* __x64_sys_*: user args live in pt_regs */
};

char *fetcharg_translate(const char *fetch, const struct fetch_ctx *ctx,
			 struct strv *notices, char **err);
char *fetcharg_arg_location(const struct fetch_ctx *ctx, int n);
int fetcharg_split(const char *arg, char **name, char **fetch, char **type);

#endif
