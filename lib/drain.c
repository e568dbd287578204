// SPDX-License-Identifier: GPL-2.0
/*
 * Draining the instance's per-CPU ring buffers: binary sub-buffers read
 * from trace_pipe_raw through libtracefs, split into records with
 * libtraceevent's kbuffer, merged across CPUs by timestamp.
 *
 * Wake-up policy. A reader woken for every event costs the traced process
 * a few microseconds per event (the wake-up IPI and context switch). So the
 * drain adapts to the event rate: below RATE_LOW events/s it asks the
 * kernel to wake it for any data (buffer_percent 0: prompt delivery); above
 * RATE_HIGH it is not woken by the traced CPUs at all but by its own timer,
 * often enough to read about BATCH_EVENTS events each time (between
 * BATCH_MIN_US and BATCH_MAX_US apart). Measured on a 2-CPU VM at 1.5 M
 * events/s: woken by the kernel at a buffer_percent of 1-5 %, the reader
 * read later and cost the traced process as much or more.
 */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <kbuffer.h>

#include "datfile.h"
#include "drain.h"
#include "utils.h"

#define ROUND_PAGES_MAX		64	/* per CPU and round: bounds memory and delay */
#define RATE_HIGH		30000	/* events/s: switch to batched wake-ups */
#define RATE_LOW		10000	/* events/s: back to prompt wake-ups */
#define RATE_WINDOW_NS		50000000ULL
#define BATCH_EVENTS		256
#define BATCH_MIN_US		100
#define BATCH_MAX_US		20000

struct drain_cpu {
	int cpu;
	struct tracefs_cpu *tcpu;
	struct kbuffer *kbuf;
	char *pages;			/* sub-buffers read, until all their records are handed on */
	int npages, cur;
	void *data;			/* current record, NULL when done */
	unsigned long long ts;
	long long missed;		/* to report with the current record */
	unsigned long long lost;	/* events lost on this CPU, as reported */
	bool lost_unknown;
};

struct drain {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	int page_size;
	int ncpu;
	struct drain_cpu *cpus;
	struct pollfd *pfd;
	bool batch;			/* timed reads (else woken by the kernel) */
	long batch_us;			/* the interval of timed reads */
	unsigned long long window_start;
	long window_events;
	struct datfile *tee;		/* -o: every page read is kept there too */
};

/* drain_open - open every CPU's trace_pipe_raw of @inst, non-blocking */
struct drain *drain_open(struct tracefs_instance *inst, struct tep_handle *tep)
{
	struct drain *d = xcalloc(1, sizeof(*d));
	int ncpu = sysconf(_SC_NPROCESSORS_CONF);

	d->inst = inst;
	d->tep = tep;
	d->page_size = tep_get_sub_buffer_size(tep);
	if (d->page_size <= 0)
		d->page_size = getpagesize();
	d->cpus = xcalloc(ncpu, sizeof(*d->cpus));
	d->pfd = xcalloc(ncpu + 1, sizeof(*d->pfd));	/* + one for the caller */
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct drain_cpu *c = &d->cpus[d->ncpu];
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		fd = tracefs_instance_file_open(inst, path, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;	/* a CPU that is not present */
		c->tcpu = tracefs_cpu_alloc_fd(fd, d->page_size, true);
		c->kbuf = tep_kbuffer(tep);
		if (!c->tcpu || !c->kbuf) {
			err_msg("cannot set up reading of CPU %d", cpu);
			close(fd);
			drain_close(d);
			return NULL;
		}
		c->cpu = cpu;
		c->pages = xcalloc(ROUND_PAGES_MAX, d->page_size);
		d->pfd[d->ncpu].fd = fd;
		d->pfd[d->ncpu].events = POLLIN;
		d->ncpu++;
	}
	if (!d->ncpu) {
		err_msg("cannot open any per-CPU buffer of the instance: %s", strerror(errno));
		drain_close(d);
		return NULL;
	}
	d->window_start = now_ns();
	return d;
}

/* drain_tee - keep every page read in @df as well (for a trace.dat) */
void drain_tee(struct drain *d, struct datfile *df)
{
	d->tee = df;
}

/* drain_cpus - one more than the highest CPU number read */
int drain_cpus(const struct drain *d)
{
	return d->ncpu ? d->cpus[d->ncpu - 1].cpu + 1 : 0;
}

/* drain_close - close the per-CPU files and free the drain */
void drain_close(struct drain *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->ncpu; i++) {
		tracefs_cpu_close(d->cpus[i].tcpu);
		kbuffer_free(d->cpus[i].kbuf);
		free(d->cpus[i].pages);
	}
	free(d->cpus);
	free(d->pfd);
	free(d);
}

/*
 * drain_wait - sleep until the kernel says there is data (prompt mode) or
 * the batch interval passes (timed), @extra_fd (if >= 0) is readable,
 * @max_ms passes, or a signal arrives. Returns the number of ready
 * descriptors (timed: as if every CPU were).
 */
int drain_wait(struct drain *d, int max_ms, int extra_fd)
{
	struct timespec ts, *tsp = NULL;
	struct pollfd *fds = d->pfd;
	int nfds = d->ncpu, ret;

	d->pfd[d->ncpu].fd = extra_fd;
	d->pfd[d->ncpu].events = POLLIN;
	if (extra_fd >= 0)
		nfds++;
	if (d->batch) {
		/* only the caller's descriptor: the CPUs are read on time */
		fds += d->ncpu;
		nfds -= d->ncpu;
		if (max_ms < 0 || (long long)max_ms * 1000 > d->batch_us) {
			ts.tv_sec = 0;
			ts.tv_nsec = d->batch_us * 1000L;
		} else {
			ts.tv_sec = 0;
			ts.tv_nsec = max_ms * 1000000L;
		}
		tsp = &ts;
	} else if (max_ms >= 0) {
		ts.tv_sec = max_ms / 1000;
		ts.tv_nsec = (max_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	ret = ppoll(fds, nfds, tsp, NULL);
	if (ret < 0)
		return 0;
	return d->batch ? d->ncpu : ret;
}

/*
 * drain_adapt - account @events just read and switch between prompt and
 * timed reads when the rate crosses the thresholds; timed, set the
 * interval for about BATCH_EVENTS events a read
 */
void drain_adapt(struct drain *d, long events)
{
	unsigned long long now = now_ns(), span;
	long rate;

	d->window_events += events;
	span = now - d->window_start;
	if (span < RATE_WINDOW_NS)
		return;
	rate = (long)(d->window_events * 1000000000ULL / span);
	d->window_start = now;
	d->window_events = 0;
	if (!d->batch && rate > RATE_HIGH)
		d->batch = true;
	else if (d->batch && rate < RATE_LOW)
		d->batch = false;
	if (d->batch) {
		d->batch_us = BATCH_EVENTS * 1000000L / rate;
		if (d->batch_us < BATCH_MIN_US)
			d->batch_us = BATCH_MIN_US;
		if (d->batch_us > BATCH_MAX_US)
			d->batch_us = BATCH_MAX_US;
	}
}

/* drain_batched - whether the rate is high enough for timed reads */
bool drain_batched(const struct drain *d)
{
	return d->batch;
}

static unsigned long long stats_lost(struct drain *d, int cpu);

/* Load sub-buffer @c->cur and position on its first record. */
static bool cpu_load_page(struct drain *d, struct drain_cpu *c)
{
	while (c->cur < c->npages) {
		int missed;

		kbuffer_load_subbuffer(c->kbuf, c->pages + (size_t)c->cur * d->page_size);
		missed = kbuffer_missed_events(c->kbuf);
		if (missed)
			c->missed = missed;
		c->data = kbuffer_read_event(c->kbuf, &c->ts);
		if (c->data)
			return true;
		c->cur++;
	}
	c->data = NULL;
	return false;
}

static void cpu_next(struct drain *d, struct drain_cpu *c)
{
	c->data = kbuffer_next_event(c->kbuf, &c->ts);
	if (!c->data) {
		c->cur++;
		cpu_load_page(d, c);
	}
}

/* Read what one CPU has now (a 0-byte read means "nothing yet", not EOF). */
static void cpu_fill(struct drain *d, struct drain_cpu *c)
{
	c->npages = c->cur = 0;
	while (c->npages < ROUND_PAGES_MAX) {
		int n = tracefs_cpu_read(c->tcpu, c->pages + (size_t)c->npages * d->page_size, true);

		if (n <= 0)
			break;
		if (d->tee)
			datfile_page(d->tee, c->cpu, c->pages + (size_t)c->npages * d->page_size,
				     d->page_size);
		c->npages++;
	}
	cpu_load_page(d, c);
}

/*
 * A gap in @c's records: the count from the sub-buffer header, or when the
 * kernel had no room to store it, from the CPU's stats. Returns the count
 * not reported yet, or -1 when unknown.
 */
static long long account_gap(struct drain *d, struct drain_cpu *c)
{
	long long n = c->missed;

	c->missed = 0;
	if (n < 0) {
		unsigned long long s = stats_lost(d, c->cpu);

		if (s <= c->lost) {
			c->lost_unknown = true;
			return -1;
		}
		n = s - c->lost;
	}
	c->lost += n;
	return n;
}

/*
 * drain_read - read what the buffers hold now and hand each record to @fn
 * in timestamp order, until @fn asks to stop; records read and not handed
 * on come first next time. A record that follows lost events carries
 * their count in missed_events (-1: unknown). Returns the record count.
 */
long drain_read(struct drain *d, drain_record_fn fn, void *ctx)
{
	long count = 0;

	for (int i = 0; i < d->ncpu; i++)
		if (!d->cpus[i].data)
			cpu_fill(d, &d->cpus[i]);
	for (;;) {
		struct drain_cpu *best = NULL;
		struct tep_record rec;
		bool more;

		for (int i = 0; i < d->ncpu; i++)
			if (d->cpus[i].data && (!best || d->cpus[i].ts < best->ts))
				best = &d->cpus[i];
		if (!best)
			break;
		memset(&rec, 0, sizeof(rec));
		rec.ts = best->ts;
		rec.data = best->data;
		rec.size = kbuffer_event_size(best->kbuf);
		rec.record_size = kbuffer_curr_size(best->kbuf);
		rec.cpu = best->cpu;
		rec.locked = 1;
		if (best->missed)
			rec.missed_events = account_gap(d, best);
		count++;
		more = fn(&rec, ctx);
		cpu_next(d, best);
		/*
		 * A CPU read only in part: the others' later records wait until
		 * it is read again, or they would come out ahead of its own
		 */
		if (!more || (!best->data && best->npages == ROUND_PAGES_MAX))
			break;
	}
	return count;
}

/*
 * drain_pending - the timestamp of the oldest record read earlier and not
 * handed on yet, or 0 when there is none
 */
unsigned long long drain_pending(const struct drain *d)
{
	unsigned long long oldest = 0;

	for (int i = 0; i < d->ncpu; i++)
		if (d->cpus[i].data && (!oldest || d->cpus[i].ts < oldest))
			oldest = d->cpus[i].ts;
	return oldest;
}

/* Events lost on @cpu according to the kernel's per-CPU stats. */
static unsigned long long stats_lost(struct drain *d, int cpu)
{
	char path[64], *text;
	unsigned long long overrun = 0, dropped = 0;
	const char *p;

	snprintf(path, sizeof(path), "per_cpu/cpu%d/stats", cpu);
	text = tracefs_instance_file_read(d->inst, path, NULL);
	if (!text)
		return 0;
	p = strstr(text, "\noverrun:");
	if (!p && str_starts(text, "overrun:"))
		p = text - 1;
	if (p)
		overrun = strtoull(p + 9, NULL, 10);
	p = strstr(text, "dropped events:");
	if (p)
		dropped = strtoull(p + 15, NULL, 10);
	free(text);
	return overrun + dropped;
}

/*
 * drain_report_lost - compare the per-CPU stats with what the records said
 * and report, on stderr, losses not reported yet (no-overwrite mode only
 * shows them in the stats); @final also prints the run's total
 */
void drain_report_lost(struct drain *d, bool final)
{
	unsigned long long total = 0;
	bool unknown = false;

	for (int i = 0; i < d->ncpu; i++) {
		struct drain_cpu *c = &d->cpus[i];
		unsigned long long s = stats_lost(d, c->cpu);

		if (s > c->lost) {
			err_msg("CPU %d: %llu events lost (ring buffer full; raise it with -b KB)",
				c->cpu, s - c->lost);
			c->lost = s;
			c->lost_unknown = false;	/* the stats count every loss */
		}
		total += c->lost;
		unknown |= c->lost_unknown;
	}
	if (final && (total || unknown))
		err_msg("%llu%s events lost in all", total, unknown ? " or more (some counts unknown)" : "");
}
