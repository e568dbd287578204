// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe report FILE.dat...: trace files (ktprobe -o, trace-cmd record,
 * trace-cmd listen) read through libtracecmd, merged by timestamp, printed
 * in ktprobe's format, with each fill record (written by ktprobe -o or
 * ktfill --into) put back into the line of its event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#ifdef KTP_HAVE_TRACECMD
#include <trace-cmd.h>

#include "task_events.h"
#include "format.h"
#include "marker.h"
#include "outbuf.h"
#include "report.h"
#include "utils.h"

/* A fill record of the file, waiting for its event. */
struct fill_rec {
	int src;			/* which buffer of which file */
	unsigned long long ts;		/* when it was written: after its event */
	struct fill_marker m;
	char *copy;			/* owns the record's bytes m points into */
	bool used;
};

/* One buffer of one file: its own events, formats and names. */
struct source {
	struct tracecmd_input *handle;
	const char *file;
	struct formatter *fmt;
	struct proctable *procs;	/* what its task events told */
	struct task_events ctx;
	struct strv asked;		/* from the session record, if any */
};

struct report {
	struct source *src;
	int nsrc;
	struct fill_rec *fills;
	int nfills, cap;
	struct outbuf out;
	unsigned long long events;
};

static struct source *source_of(struct report *r, struct tracecmd_input *h)
{
	for (int i = 0; i < r->nsrc; i++)
		if (r->src[i].handle == h)
			return &r->src[i];
	return NULL;
}

static int source_index(struct report *r, struct tracecmd_input *h)
{
	struct source *s = source_of(r, h);

	return s ? (int)(s - r->src) : -1;
}

/* Pass one: collect the fill records and the session's list of events. */
static int collect(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct report *r = data;
	struct source *s = source_of(r, h);
	unsigned int id, len;
	const void *payload;
	struct fill_rec *f;

	(void)cpu;
	if (!s || !formatter_is_marker(s->fmt, rec, &id, &payload, &len))
		return 0;
	if (id == MARKER_SESSION_ID) {
		char *text = xstrndup(payload, len), *save = NULL;

		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			strv_push(&s->asked, xstrdup(l));
		free(text);
		return 0;
	}
	if (r->nfills == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->fills = xrealloc(r->fills, r->cap * sizeof(*r->fills));
	}
	f = &r->fills[r->nfills];
	memset(f, 0, sizeof(*f));
	f->copy = xcalloc(1, len);
	memcpy(f->copy, payload, len);
	if (!marker_parse_fill(f->copy, len, &f->m)) {
		free(f->copy);
		return 0;
	}
	f->src = source_index(r, h);
	f->ts = rec->ts;
	r->nfills++;
	return 0;
}

/*
 * The fill record of an event's value: the one written for exactly this
 * event (same buffer, ktprobe -o), else the first unused one with the same
 * process, field and pointer written after the event (ktfill --into:
 * another instance's clock).
 */
static struct fill_rec *find_fill(struct report *r, int src, const struct fill_ask *ask)
{
	struct fill_rec *later = NULL;
	size_t flen = strlen(ask->field);

	for (int i = 0; i < r->nfills; i++) {
		struct fill_rec *f = &r->fills[i];

		if (f->used || f->src != src || f->m.pid != ask->pid || f->m.addr != ask->addr ||
		    f->m.field_len != flen || memcmp(f->m.field, ask->field, flen))
			continue;
		if (f->m.event_ts == ask->ts)
			return f;
		if (!later && f->ts >= ask->ts)
			later = f;
	}
	return later;
}

struct fill_ctx {
	struct report *r;
	int src;
};

/* The formatter's fill hook: the value comes from the file, written in place. */
static uint32_t fill_from_file(void *data, const struct fill_ask *ask)
{
	struct fill_ctx *fc = data;
	struct fill_rec *f = find_fill(fc->r, fc->src, ask);

	if (!f)
		return 0;
	f->used = true;
	outbuf_putc(ask->out, ' ');
	outbuf_add(ask->out, f->m.text, f->m.text_len);
	return 0;
}

/* Pass two: print. */
static int print_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct report *r = data;
	struct source *s = source_of(r, h);
	struct fill_ctx fc = { r, source_index(r, h) };
	struct fill_hook hook = {
		.request = fill_from_file, .ctx = &fc, .string_limit = 32, .max_items = 32,
		.count_env = true,
	};

	(void)cpu;		/* an index over all the handles' CPUs; rec->cpu is the CPU */
	if (!s || task_events_record(&s->ctx, rec, tep_data_pid(tracecmd_get_tep(h), rec)))
		return 0;
	formatter_set_fills(s->fmt, &hook);
	formatter_record(s->fmt, rec);
	r->events++;
	if (r->out.len > 1 << 20 && outbuf_flush(&r->out))
		return -1;
	return 0;
}

static int on_missed(struct tracecmd_input *h, struct tep_event *ev, struct tep_record *rec,
		     int cpu, void *data)
{
	struct source *s = source_of(data, h);

	(void)ev;
	outbuf_flush(&((struct report *)data)->out);
	if (rec->missed_events > 0)
		err_msg("%s: CPU %d: %lld events lost here", s ? s->file : "", cpu,
			rec->missed_events);
	else
		err_msg("%s: CPU %d: events lost here", s ? s->file : "", cpu);
	return 0;
}

/* Context events of a source: hidden when the session record says they were helpers. */
static void setup_context(struct source *s)
{
	struct tep_handle *tep = tracecmd_get_tep(s->handle);

	s->ctx.tep = tep;
	s->ctx.procs = s->procs;
	for (int k = 0; k < TASK_EVENTS; k++) {
		char *name = xasprintf("%s:%s", task_event_names[k][0], task_event_names[k][1]);

		s->ctx.ev[k] = tep_find_event_by_name(tep, task_event_names[k][0], task_event_names[k][1]);
		/* no session record: not ktprobe's file, so everything was asked for */
		s->ctx.print[k] = !s->asked.n || strv_contains(&s->asked, name);
		free(name);
	}
}

/*
 * libtracecmd 1.3.1 exports this but declares it only in trace-cmd's private
 * header: the file's UNAME option, "sysname nodename release version
 * machine" as the recording machine's uname(2) gave them, or NULL.
 */
const char *tracecmd_get_uname(struct tracecmd_input *handle);

/*
 * Whether the kernel that recorded @h put NEED_RESCHED_LAZY in bit 1 of the
 * flags (6.12 on), where older kernels put IRQS_NOSUPPORT: decided by the
 * release in the file's uname (ktprobe -o and trace-cmd record write it). A
 * file without one is decoded by the running kernel's rule, as a live run is.
 */
static bool recorded_with_lazy_flags(struct tracecmd_input *h)
{
	const char *name = tracecmd_get_uname(h), *release;
	struct utsname u;

	/* the nodename may be empty: the release follows the second space */
	release = name ? strchr(name, ' ') : NULL;
	release = release ? strchr(release + 1, ' ') : NULL;
	if (release)
		return kernel_has_lazy_flags(release + 1);
	uname(&u);
	return kernel_has_lazy_flags(u.release);
}

static void add_source(struct report *r, struct tracecmd_input *h, const char *file, bool lazy)
{
	struct source *s;

	r->src = xrealloc(r->src, (r->nsrc + 1) * sizeof(*r->src));
	s = &r->src[r->nsrc++];
	memset(s, 0, sizeof(*s));
	s->handle = h;
	s->file = file;
	s->procs = proctable_new();
	s->fmt = formatter_new(tracecmd_get_tep(h), &r->out, lazy, s->procs, false);
}

/*
 * Open @files: their main buffers and named ones (trace-cmd record -B keeps
 * the events in a named buffer), as sources in a fixed order, each with the
 * flag encoding of the kernel that recorded its file. Reading consumes a
 * handle, so each pass opens the files anew.
 */
static int open_sources(struct report *r, char *const *files, int nfiles,
			struct tracecmd_input **opened)
{
	for (int i = 0; i < nfiles; i++) {
		bool lazy;
		int n;

		opened[i] = tracecmd_open(files[i], 0);
		if (!opened[i]) {
			err_msg("%s: not a trace file libtracecmd can read", files[i]);
			return -1;
		}
		lazy = recorded_with_lazy_flags(opened[i]);
		add_source(r, opened[i], files[i], lazy);
		n = tracecmd_buffer_instances(opened[i]);
		for (int b = 0; b < n; b++) {
			struct tracecmd_input *bh = tracecmd_buffer_instance_handle(opened[i], b);

			if (bh)
				add_source(r, bh, files[i], lazy);
		}
	}
	return 0;
}

/* Close what open_sources opened; the sources' names and fills stay. */
static void close_sources(struct report *r, struct tracecmd_input **opened, int nfiles)
{
	for (int i = 0; i < r->nsrc; i++) {
		bool top = false;

		for (int f = 0; f < nfiles; f++)
			top |= opened[f] == r->src[i].handle;
		if (!top)
			tracecmd_close(r->src[i].handle);
		formatter_free(r->src[i].fmt);
		proctable_free(r->src[i].procs);
		r->src[i].fmt = NULL;
		r->src[i].procs = NULL;
		r->src[i].handle = NULL;
	}
	for (int i = 0; i < nfiles; i++) {
		if (opened[i])
			tracecmd_close(opened[i]);
		opened[i] = NULL;
	}
}

/* One pass over all sources in timestamp order. */
static void iterate(struct report *r,
		    int (*cb)(struct tracecmd_input *, struct tep_record *, int, void *))
{
	struct tracecmd_input **handles = xcalloc(r->nsrc, sizeof(*handles));

	for (int i = 0; i < r->nsrc; i++)
		handles[i] = r->src[i].handle;
	tracecmd_iterate_events_multi(handles, r->nsrc, cb, r);
	free(handles);
}

/*
 * report_run - print @files (trace.dat) merged by timestamp; returns the
 * exit status. Pass one collects the fill records, pass two prints.
 */
int report_run(char *const *files, int nfiles, FILE *out)
{
	struct report r = { 0 };
	struct tracecmd_input **opened = xcalloc(nfiles, sizeof(*opened));
	struct strv *asked = NULL;
	int nsrc = 0, ret = 1;

	outbuf_init(&r.out, out);
	if (open_sources(&r, files, nfiles, opened))
		goto out;
	iterate(&r, collect);
	nsrc = r.nsrc;
	asked = xcalloc(nsrc, sizeof(*asked));
	for (int i = 0; i < nsrc; i++)
		asked[i] = r.src[i].asked;
	close_sources(&r, opened, nfiles);
	r.nsrc = 0;
	if (open_sources(&r, files, nfiles, opened) || r.nsrc != nsrc)
		goto out;
	for (int i = 0; i < r.nsrc; i++) {
		r.src[i].asked = asked[i];
		memset(&asked[i], 0, sizeof(asked[i]));
		setup_context(&r.src[i]);
		tracecmd_follow_missed_events(r.src[i].handle, on_missed, &r);
	}
	iterate(&r, print_record);
	ret = outbuf_flush(&r.out) ? 1 : 0;
out:
	for (int i = 0; i < r.nsrc; i++)
		strv_free(&r.src[i].asked);
	close_sources(&r, opened, nfiles);
	for (int i = 0; asked && i < nsrc; i++)
		strv_free(&asked[i]);
	free(asked);
	for (int i = 0; i < r.nfills; i++)
		free(r.fills[i].copy);
	free(r.fills);
	free(r.src);
	free(opened);
	outbuf_free(&r.out);
	return ret;
}

#else

#include "report.h"
#include "utils.h"

int report_run(char *const *files, int nfiles, FILE *out)
{
	(void)files;
	(void)nfiles;
	(void)out;
	err_msg("report: this build has no trace.dat support (static builds lack libtracecmd)");
	return 1;
}

#endif
