// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature detection from tracefs: which probe files exist and what
 * the README's mini-HOWTO says the probe parser accepts (its "fetcharg:",
 * "kernel return probes support:" and "type:" entries).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "arch.h"
#include "kfeatures.h"

/* Is this README line the start of an entry ("  type: ...", "place (uprobe): ...")? */
static bool is_entry_start(const char *line)
{
	const char *p = line + strspn(line, " \t");
	const char *colon = strchr(p, ':');

	if (!colon || !isalpha((unsigned char)*p))
		return false;
	for (const char *c = p; c < colon; c++)
		if (!isalnum((unsigned char)*c) && !strchr(" ()_-", *c))
			return false;
	return true;
}

/*
 * The README entry labelled @key (after blanks), with its continuation
 * lines, as a new string; NULL if there is none.
 */
static char *readme_entry(const char *readme, const char *key)
{
	const char *p = readme, *start = NULL, *end = NULL;

	while (p && *p) {
		const char *s = p + strspn(p, " \t");
		const char *nl = strchr(p, '\n');

		if (start) {
			if (is_entry_start(p))
				break;
		} else if (str_starts(s, key)) {
			start = s + strlen(key);
		}
		end = nl ? nl : p + strlen(p);
		p = nl ? nl + 1 : NULL;
	}
	return start ? xstrndup(start, end - start) : NULL;
}

static bool entry_has(const char *entry, const char *word)
{
	return entry && strstr(entry, word);
}

/* "s8/16/32/64, string, %pd/%pD, ..." -> s8 s16 s32 s64 string %pd %pD ... */
static void parse_types(struct kfeatures *kf, const char *entry)
{
	char *copy = xstrdup(entry), *tok, *save = NULL;

	for (tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
		char *slash = strchr(tok, '/'), prefix[16];
		size_t plen;

		if (str_starts(tok, "b<")) {
			kf->bitfield = true;
		} else if (str_starts(tok, "<type>")) {
			kf->arrays = true;
		} else if (slash && isdigit((unsigned char)slash[1])) {
			plen = strcspn(tok, "0123456789");
			snprintf(prefix, sizeof(prefix), "%.*s", (int)plen, tok);
			for (char *n = strtok(tok + plen, "/"); n; n = strtok(NULL, "/"))
				strv_push(&kf->types, xasprintf("%s%s", prefix, n));
		} else if (slash) {
			/* "%pd/%pD": alternatives */
			for (char *n = strtok(tok, "/"); n; n = strtok(NULL, "/"))
				strv_push(&kf->types, xstrdup(n));
		} else {
			strv_push(&kf->types, xstrdup(tok));
		}
	}
	free(copy);
}

/*
 * kfeatures_read - learn what the running kernel supports (tracefs mounted)
 * Returns -1 when its README cannot be read (then nothing is known).
 */
int kfeatures_read(struct kfeatures *kf)
{
	char *readme, *entry;

	memset(kf, 0, sizeof(*kf));
	readme = tracefs_instance_file_read(NULL, "README", NULL);
	if (!readme)
		return -1;
	kf->live = true;
	kf->kprobe_events = tracefs_file_exists(NULL, "kprobe_events");
	kf->uprobe_events = tracefs_file_exists(NULL, "uprobe_events");
	kf->dynamic_events = tracefs_file_exists(NULL, "dynamic_events");
	kf->error_log = tracefs_file_exists(NULL, "error_log");
	kf->syscall_strings = tracefs_file_exists(NULL, "syscall_user_buf_size");
	kf->maxactive = strstr(readme, "r[maxactive]") != NULL;
	entry = readme_entry(readme, "fetcharg:");
	kf->kprobe_argn = entry_has(entry, "$arg<N>");
	kf->user_deref = entry_has(entry, "[u]<offset>");
	free(entry);
	entry = readme_entry(readme, "kernel return probes support:");
	kf->kretprobe_argn = entry_has(entry, "$arg<N>");
	free(entry);
	entry = readme_entry(readme, "type:");
	if (entry)
		parse_types(kf, entry);
	free(entry);
	free(readme);
	return 0;
}

/*
 * kfeatures_assume - features of a current kernel for @arch, used for dry
 * runs that cannot (or, with --arch, should not) look at this machine;
 * the types are left unknown, so no type is refused
 */
void kfeatures_assume(struct kfeatures *kf, const struct arch_info *arch)
{
	memset(kf, 0, sizeof(*kf));
	kf->kprobe_events = kf->uprobe_events = kf->dynamic_events = true;
	kf->kprobe_argn = arch->kernel_argn;
	kf->user_deref = kf->maxactive = kf->error_log = true;
	kf->bitfield = kf->arrays = true;
}

/*
 * kfeatures_has_type - whether the kernel takes fetch type @type: true when
 * this kernel's list is unknown, and for names no kernel has (typos), which
 * the kernel itself then rejects with its own message
 */
bool kfeatures_has_type(const struct kfeatures *kf, const char *type)
{
	size_t len = strcspn(type, "[");
	char *base;
	bool ok;

	static const char *const any_kernel[] = {
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "x8", "x16", "x32",
		"x64", "char", "string", "ustring", "symbol", "symstr", "%pd", "%pD",
	};
	bool known = false;

	if (!kf->types.n)
		return true;
	if (type[len] && !kf->arrays)
		return false;
	base = xstrndup(type, len);
	for (size_t i = 0; i < ARRAY_SIZE(any_kernel); i++)
		known |= !strcmp(base, any_kernel[i]);
	if (base[0] == 'b' && isdigit((unsigned char)base[1]) && strchr(base, '@'))
		ok = kf->bitfield;
	else
		ok = !known || strv_contains(&kf->types, base);
	free(base);
	return ok;
}

/* kfeatures_free - release what kfeatures_read allocated */
void kfeatures_free(struct kfeatures *kf)
{
	strv_free(&kf->types);
}
