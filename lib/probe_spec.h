/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_PROBE_SPEC_H
#define KTP_PROBE_SPEC_H

/*
 * A probe spec on its way to tracefs, in three steps, one file each:
 * spec_parse.c reads the text (syntax only), spec_resolve.c resolves it for
 * the machine it runs on (binaries, symbols, kernel features, registers),
 * spec_define.c names the events and writes the definition line.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "utils.h"

struct arch_info;
struct kfeatures;

/*
 * The kernel's limits on one fetch argument of a definition: its name is
 * kept below MAX_ARG_NAME_LEN (every kernel takes that; some count a NUL),
 * its FETCH:TYPE within MAX_ARGSTR_LEN.
 */
#define KERNEL_ARG_NAME_MAX 32
#define KERNEL_ARGSTR_MAX 63
struct name_sources;

enum probe_kind {
	PROBE_KPROBE,
	PROBE_KRETPROBE,
	PROBE_UPROBE,
	PROBE_URETPROBE,
	PROBE_TRACEPOINT,
};

/* One probe as the user wrote it, and what it becomes in tracefs. */
struct probe_spec {
	char *text;			/* as typed */
	enum probe_kind kind;
	char *user_group;		/* GRP of p:GRP/NAME, if given */
	char *event;			/* event name, given or derived */
	bool event_given;
	unsigned int maxactive;		/* rN: */
	bool ret_syntax;		/* SYM%return was used */

	char *place;			/* "SYM+OFFS", "MOD:SYM", "0xADDR" or "BIN:SYM+OFFS" */
	char *module_or_bin;		/* left of ':' in the place, if any */
	char *sym;			/* function name, NULL for a raw address/offset */
	unsigned long long offset;	/* +OFFS, or the raw offset/address */

	char *path;			/* uprobe: resolved binary */
	unsigned long long file_offset;	/* uprobe: where the probe goes */

	char *system;			/* tracepoint system */

	struct strv args;		/* "NAME=FETCH[:TYPE]" as the kernel gets them */
	char *filter;			/* kernel filter for this event */
};

/* How specs are resolved: for which architecture, kernel and process. */
struct resolve_opts {
	const struct arch_info *arch;
	const struct kfeatures *kf;
	pid_t pid;			/* -p, for library lookup in the maps */
	bool dry_run;			/* -n: missing kernel features are notes */
	bool force;			/* -F: no check that a kernel function is traceable */
	bool foreign;			/* --arch: another machine's probes */
	bool fills;			/* add the helper fields the companion needs */
	struct name_sources *names;	/* BTF and DWARF, for arguments by name */
};

/* spec_parse.c */
int probe_spec_parse(const char *text, struct probe_spec *ps);
const char *probe_text_misread(const char *s);
bool probe_spec_is_dynamic(const struct probe_spec *ps);
bool probe_spec_is_user(const struct probe_spec *ps);
bool probe_spec_is_return(const struct probe_spec *ps);
void probe_spec_free(struct probe_spec *ps);
/* spec_resolve.c */
int probe_spec_resolve(struct probe_spec *ps, const struct resolve_opts *ro);
/* spec_define.c */
void probe_specs_name(struct probe_spec *specs, int n);
char *probe_spec_definition(const struct probe_spec *ps, const char *group);

#endif
