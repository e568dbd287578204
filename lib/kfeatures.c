// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature detection from tracefs: which probe files exist and what
 * the README's mini-HOWTO says the probe parser accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "arch.h"
#include "kfeatures.h"
#include "utils.h"

/* The README line that starts with @key (after blanks), or NULL. */
static const char *readme_line(const char *readme, const char *key, size_t *len)
{
	const char *p = readme;

	while (p && *p) {
		const char *s = p + strspn(p, " \t");
		const char *nl = strchr(p, '\n');

		if (str_starts(s, key)) {
			*len = nl ? (size_t)(nl - s) : strlen(s);
			return s;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool line_has(const char *line, size_t len, const char *word)
{
	const char *hit = line ? memmem(line, len, word, strlen(word)) : NULL;

	return hit != NULL;
}

/*
 * kfeatures_read - learn what the running kernel supports (tracefs mounted)
 * Returns -1 when its README cannot be read (then nothing is known).
 */
int kfeatures_read(struct kfeatures *kf)
{
	const char *line;
	size_t len = 0;
	char *readme;

	memset(kf, 0, sizeof(*kf));
	readme = tracefs_instance_file_read(NULL, "README", NULL);
	if (!readme)
		return -1;
	kf->live = true;
	kf->kprobe_events = tracefs_file_exists(NULL, "kprobe_events");
	kf->uprobe_events = tracefs_file_exists(NULL, "uprobe_events");
	kf->dynamic_events = tracefs_file_exists(NULL, "dynamic_events");
	kf->error_log = tracefs_file_exists(NULL, "error_log");
	line = readme_line(readme, "fetcharg:", &len);
	kf->kprobe_argn = line_has(line, len, "$arg<N>");
	line = readme_line(readme, "kernel return probes support:", &len);
	kf->kretprobe_argn = line_has(line, len, "$arg<N>");
	kf->ret_suffix = strstr(readme, "%return") != NULL;
	kf->ustring = strstr(readme, "ustring") != NULL;
	kf->maxactive = strstr(readme, "r[maxactive]") != NULL;
	free(readme);
	return 0;
}

/*
 * kfeatures_assume - features of a current kernel for @arch, used for dry
 * runs that cannot (or, with --arch, should not) look at this machine
 */
void kfeatures_assume(struct kfeatures *kf, const struct arch_info *arch)
{
	memset(kf, 0, sizeof(*kf));
	kf->kprobe_events = kf->uprobe_events = kf->dynamic_events = true;
	kf->kprobe_argn = arch->kernel_argn;
	kf->ret_suffix = kf->ustring = kf->maxactive = kf->error_log = true;
}
