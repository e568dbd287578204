// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the file a uprobe goes into: a path, a program on PATH, or a
 * library by short name ("libc") through the process's maps (-p) or the
 * loader's cache (ldconfig -p).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "arch.h"
#include "binpath.h"
#include "utils.h"

/* Does the file name @base (e.g. "libc.so.6") match the short name @bin? */
static bool lib_name_matches(const char *base, const char *bin)
{
	size_t len = strlen(bin);

	if (!strcmp(base, bin))
		return true;
	if (!strncmp(base, bin, len) && (str_starts(base + len, ".so") ||
					 str_starts(base + len, "-")))
		return true;
	if (!str_starts(bin, "lib") && str_starts(base, "lib") &&
	    !strncmp(base + 3, bin, len) && str_starts(base + 3 + len, ".so"))
		return true;
	return false;
}

static void add_unique_real(struct strv *found, const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return;
	if (!strv_contains(found, real))
		strv_push(found, xstrdup(real));
}

/* Files mapped by @pid whose name matches @bin. */
static void search_maps(const char *bin, pid_t pid, struct strv *found)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *file = strchr(line, '/'), *base;

		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (strstr(file, " (deleted)"))
			continue;
		base = strrchr(file, '/') + 1;
		if (lib_name_matches(base, bin)) {
			char root[PATH_MAX];
			struct stat a, b;

			/*
			 * The process may live in another mount namespace: then
			 * its file is reached through /proc/PID/root.
			 */
			snprintf(root, sizeof(root), "/proc/%d/root%s", (int)pid, file);
			if (stat(root, &a))
				continue;
			if (stat(file, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
				add_unique_real(found, file);
			else if (!strv_contains(found, root))
				strv_push(found, xstrdup(root));
		}
	}
	free(line);
	fclose(f);
}

/* An executable file named @bin in one of the PATH directories. */
static char *search_path(const char *bin)
{
	const char *env = getenv("PATH");
	char *dirs, *dir, *save = NULL, *res = NULL;
	char cand[PATH_MAX];
	struct stat st;

	dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/%s", *dir ? dir : ".", bin);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			res = realpath(cand, NULL);
			break;
		}
	}
	free(dirs);
	return res;
}

/* The ldconfig -p tag of libraries for @arch, e.g. "x86-64" in "(libc6,x86-64)". */
static bool cache_tag_matches(const char *tags, const struct arch_info *arch)
{
	bool is64 = strstr(tags, "64") != NULL;

	if (!arch)
		return true;
	if (!strcmp(arch->name, "x86_64"))
		return strstr(tags, "x86-64") != NULL;
	if (!strcmp(arch->name, "arm64"))
		return strstr(tags, "AArch64") != NULL;
	if (!strcmp(arch->name, "i386") || !strcmp(arch->name, "arm"))
		return !is64 && !strstr(tags, "x32");
	return arch->long_size == 8 ? is64 : !is64;
}

/* Libraries in the loader's cache whose name matches @bin. */
static void search_ld_cache(const char *bin, const struct arch_info *arch,
			    struct strv *found)
{
	static const char *const ldconfig[] = { "/sbin/ldconfig", "/usr/sbin/ldconfig" };
	char *line = NULL, cmd[64];
	size_t cap = 0;
	FILE *f = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(ldconfig) && !f; i++) {
		if (access(ldconfig[i], X_OK))
			continue;
		snprintf(cmd, sizeof(cmd), "%s -p 2>/dev/null", ldconfig[i]);
		f = popen(cmd, "r");
	}
	if (!f)
		return;
	/* lines: "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6" */
	while (getline(&line, &cap, f) > 0) {
		char *name = line + strspn(line, " \t"), *tags, *arrow;

		tags = strstr(name, " (");
		arrow = strstr(name, " => ");
		if (!tags || !arrow || tags > arrow)
			continue;
		*tags = '\0';
		arrow[strcspn(arrow, "\n")] = '\0';
		if (lib_name_matches(name, bin) && cache_tag_matches(tags + 1, arch))
			add_unique_real(found, arrow + 4);
	}
	free(line);
	pclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *pick_one(const char *bin, const char *where, struct strv *found, bool quiet)
{
	char *list, *res;

	if (found->n == 1) {
		res = xstrdup(found->v[0]);
		strv_free(found);
		return res;
	}
	qsort(found->v, found->n, sizeof(*found->v), cmp_str);
	list = strv_join(found, ", ", 8);
	if (!quiet)
		err_msg("'%s' is ambiguous: %d files in %s match (%s); give the path", bin,
			found->n, where, list);
	free(list);
	strv_free(found);
	return NULL;
}

/*
 * bin_lookup - resolve @bin to an absolute path
 * Returns the path, NULL if nothing matched, or (char *)-1 when several
 * files matched (said on stderr unless @quiet).
 */
static char *bin_lookup(const char *bin, pid_t pid, const struct arch_info *arch, bool quiet)
{
	struct strv found = { 0 };
	char *res;

	if (strchr(bin, '/'))
		return realpath(bin, NULL);
	if (pid > 0) {
		search_maps(bin, pid, &found);
		if (found.n) {
			char where[64];

			snprintf(where, sizeof(where), "the maps of process %d", (int)pid);
			res = pick_one(bin, where, &found, quiet);
			return res ? res : (char *)-1;
		}
	}
	res = search_path(bin);
	if (res)
		return res;
	search_ld_cache(bin, arch, &found);
	if (!found.n)
		return NULL;
	res = pick_one(bin, "the loader's cache", &found, quiet);
	return res ? res : (char *)-1;
}

/* bin_is_resolvable - whether @bin names a file (to tell BIN:SYM from MOD:SYM) */
bool bin_is_resolvable(const char *bin, pid_t pid, const struct arch_info *arch)
{
	char *res = bin_lookup(bin, pid, arch, true);

	if (res == (char *)-1)
		return true;
	free(res);
	return res != NULL;
}

/*
 * bin_resolve - the absolute, symlink-free path of the uprobe target @bin
 *
 * A probe is bound to an inode and the kernel resolves relative paths
 * against the writer's cwd, so only real paths are written to tracefs.
 * Prints a one-line error and returns NULL when nothing or several match.
 */
char *bin_resolve(const char *bin, pid_t pid, const struct arch_info *arch)
{
	char *res = bin_lookup(bin, pid, arch, false);
	struct stat st;

	if (res == (char *)-1)
		return NULL;
	if (!res) {
		if (strchr(bin, '/'))
			err_msg("%s: %s", bin, strerror(errno));
		else
			err_msg("'%s' is neither a program on PATH nor a library in the loader's cache%s",
				bin, pid > 0 ? " or the process's maps" : "");
		return NULL;
	}
	if (stat(res, &st) || !S_ISREG(st.st_mode)) {
		err_msg("%s: not a regular file", res);
		free(res);
		return NULL;
	}
	return res;
}
