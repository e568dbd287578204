// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe -o: the run's ring-buffer pages, as read, kept per CPU in files
 * beside the output, and turned into a trace.dat by libtracecmd at the end,
 * with the formats of the run's events, the saved comms, the trace clock
 * and the kernel's uname (so a report decodes the flags as this kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "datfile.h"

#ifdef KTP_HAVE_TRACECMD
#include <stdbool.h>
#include <dirent.h>
#include <sys/stat.h>
#include <tracefs.h>
#include "saved_cmdlines.h"
#include "tracecmd_out.h"
#endif

struct datfile {
	char *path;
	int ncpus;
	char **files;		/* per CPU: the raw pages */
	int *fds;
	bool failed;
};

/* datfile_supported - whether this build can write trace.dat (not the static one) */
bool datfile_supported(void)
{
#ifdef KTP_HAVE_TRACECMD
	return true;
#else
	return false;
#endif
}

/* datfile_open - start a trace.dat at @path: one page file per CPU beside it */
struct datfile *datfile_open(const char *path, int ncpus)
{
	struct datfile *df;
	int fd;

	if (!datfile_supported()) {
		err_msg("-o: this build has no trace.dat support (static builds lack libtracecmd)");
		return NULL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_msg("-o %s: %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	df = xcalloc(1, sizeof(*df));
	df->path = xstrdup(path);
	df->ncpus = ncpus;
	df->files = xcalloc(ncpus + 1, sizeof(*df->files));
	df->fds = xcalloc(ncpus, sizeof(*df->fds));
	for (int i = 0; i < ncpus; i++) {
		df->files[i] = xasprintf("%s.cpu%d", path, i);
		df->fds[i] = open(df->files[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (df->fds[i] < 0) {
			err_msg("-o: %s: %s", df->files[i], strerror(errno));
			datfile_discard(df);
			return NULL;
		}
	}
	return df;
}

/* datfile_page - keep one sub-buffer of @cpu, as read from trace_pipe_raw */
int datfile_page(struct datfile *df, int cpu, const void *page, size_t len)
{
	const char *p = page;

	if (!df || df->failed || cpu < 0 || cpu >= df->ncpus)
		return -1;
	while (len) {
		ssize_t n = write(df->fds[cpu], p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_msg("-o: %s: %s; the trace file will be incomplete", df->files[cpu],
				strerror(n < 0 ? errno : ENOSPC));
			df->failed = true;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void close_and_remove(struct datfile *df)
{
	for (int i = 0; i < df->ncpus; i++) {
		if (df->fds[i] >= 0)
			close(df->fds[i]);
		df->fds[i] = -1;
		if (df->files[i])
			unlink(df->files[i]);
	}
}

static void datfile_free(struct datfile *df)
{
	for (int i = 0; i < df->ncpus; i++)
		free(df->files[i]);
	free(df->files);
	free(df->fds);
	free(df->path);
	free(df);
}

/* datfile_discard - remove the page files and the output, write nothing */
void datfile_discard(struct datfile *df)
{
	if (!df)
		return;
	close_and_remove(df);
	unlink(df->path);
	datfile_free(df);
}

#ifdef KTP_HAVE_TRACECMD
/*
 * A copy of /proc/kallsyms, made here: given to libtracecmd, it keeps the
 * library from making its own, for which it would set kernel.kptr_restrict
 * to 0 for a moment (global state). NULL if it cannot be read.
 */
static char *copy_kallsyms(const char *path)
{
	char *copy = xasprintf("%s.kallsyms", path), buf[65536];
	int in = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (in < 0 || out < 0 || n < 0) {
		unlink(copy);
		free(copy);
		return NULL;
	}
	return copy;
}
#endif

#ifdef KTP_HAVE_TRACECMD
/*
 * A stand-in for the tracing directory, "@path.tracing": links to each of
 * its files but saved_cmdlines, which is a copy with the comms escaped.
 * libtracecmd copies saved_cmdlines as is, and one comm holding a newline
 * (any process can name itself so) stops libtraceevent's parser there:
 * every comm after it would read "<...>" in trace-cmd report. NULL if it
 * cannot be made (then the library reads the real directory).
 */
static char *shadow_tracing_dir(const char *path)
{
	const char *real = tracefs_tracing_dir();
	char *dir = xasprintf("%s.tracing", path), *text, *clean, *file;
	struct dirent *d;
	DIR *in;
	FILE *out;

	text = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
	in = real ? opendir(real) : NULL;
	if (!text || !in || mkdir(dir, 0700)) {
		if (in)
			closedir(in);
		free(text);
		free(dir);
		return NULL;
	}
	while ((d = readdir(in))) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, "saved_cmdlines"))
			continue;
		char *from = xasprintf("%s/%s", real, d->d_name), *to = xasprintf("%s/%s", dir, d->d_name);

		if (symlink(from, to))
			err_msg("-o: %s: %s", to, strerror(errno));
		free(from);
		free(to);
	}
	closedir(in);
	clean = saved_cmdlines_escaped(text);
	file = xasprintf("%s/saved_cmdlines", dir);
	out = fopen(file, "we");
	if (out) {
		fputs(clean, out);
		fclose(out);
	}
	free(file);
	free(clean);
	free(text);
	return dir;
}

/* Remove what shadow_tracing_dir made (links and the copy, not their targets). */
static void shadow_tracing_dir_remove(char *dir)
{
	struct dirent *d;
	DIR *in;

	if (!dir)
		return;
	in = opendir(dir);
	while (in && (d = readdir(in)))
		if (d->d_name[0] != '.')
			unlinkat(dirfd(in), d->d_name, 0);
	if (in)
		closedir(in);
	rmdir(dir);
	free(dir);
}
#endif

/*
 * datfile_finish - write the trace.dat: headers with the formats of
 * @events ("system/event" globs), kernel symbols if @kallsyms, the trace
 * @clock, uname, saved comms, then the pages; remove the page files. While
 * the run's events still exist.
 */
int datfile_finish(struct datfile *df, const struct strv *events, const char *clock,
		   bool kallsyms)
{
	int ret = -1;
#ifdef KTP_HAVE_TRACECMD
	struct tracecmd_event_list *list = NULL;
	struct tracecmd_output *out;
	struct utsname u;
	char *name, *syms = kallsyms ? copy_kallsyms(df->path) : NULL;
	char *shadow = shadow_tracing_dir(df->path);

	for (int i = 0; i < df->ncpus; i++) {
		close(df->fds[i]);
		df->fds[i] = -1;
	}
	out = tracecmd_output_create(df->path);
	if (!out) {
		err_msg("-o %s: libtracecmd cannot create it", df->path);
		goto out;
	}
	tracecmd_set_quiet(out, true);
	if (shadow)
		tracecmd_output_set_trace_dir(out, shadow);
	tracecmd_set_out_clock(out, clock);
	/* Uncompressed: 3.1.6 corrupts a compressed file written without kallsyms. */
	tracecmd_output_set_kallsyms(out, syms ? syms : "/nonexistent/kallsyms");
	for (int i = events->n - 1; i >= 0; i--) {
		struct tracecmd_event_list *e = xcalloc(1, sizeof(*e));

		e->glob = events->v[i];
		e->next = list;
		list = e;
	}
	if (tracecmd_output_write_headers(out, list)) {
		err_msg("-o %s: writing the headers failed", df->path);
		tracecmd_output_close(out);
		goto out;
	}
	tracecmd_add_option(out, KTP_TRACECMD_OPTION_TRACECLOCK, strlen(clock) + 1, clock);
	uname(&u);
	name = xasprintf("%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version, u.machine);
	tracecmd_add_option(out, KTP_TRACECMD_OPTION_UNAME, strlen(name) + 1, name);
	free(name);
	tracecmd_write_cmdlines(out);
	ret = tracecmd_append_cpu_data(out, df->ncpus, df->files) ? -1 : 0;
	tracecmd_output_close(out);
	if (ret)
		err_msg("-o %s: writing the events failed", df->path);
out:
	shadow_tracing_dir_remove(shadow);
	if (syms) {
		unlink(syms);
		free(syms);
	}
	while (list) {
		struct tracecmd_event_list *next = list->next;

		free(list);
		list = next;
	}
#else
	(void)events;
	(void)clock;
	(void)kallsyms;
#endif
	close_and_remove(df);
	datfile_free(df);
	return ret;
}
