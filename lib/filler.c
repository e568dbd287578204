// SPDX-License-Identifier: GPL-2.0
/*
 * ktprobe's side of the companion reader: it starts ktfill, hands it fill
 * requests without ever waiting for it (a full pipe drops the request and
 * counts it), collects the answers, and holds back the lines that carry a
 * fill until the answer is there, so the stream stays in order and every
 * value appears on its own event's line, annotated with where it came from.
 *
 * A line is let out when its fills are answered and the stream has been
 * read past the time of the reads: an exec or exit of the process between
 * the event and the read is then known, and the value is marked as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "fill.h"
#include "filler.h"
#include "marker.h"
#include "utils.h"

#define NSLOTS		(1u << 13)	/* fills in flight at most */
#define DEADLINE_NS	2000000000ULL	/* no answer after this: dropped */
#define PIPE_BYTES	(1 << 20)
#define EXEC_RACE_NS	2000000ULL
#define SAME_SLOTS	4096		/* queued reads found again by their key */
#define SUBMIT_ASKS	128		/* fills asked for: hand them over mid-round */
#define ROOM_MIN	64		/* free slots an event may need at most */
#define FULL_WAIT_NS	5000000ULL	/* then old fills are dropped, not events lost */
#define FULL_REST_NS	50000000ULL	/* after a wait that ran out: no waiting this long */

enum slot_state { SLOT_FREE, SLOT_WAITING, SLOT_ANSWERED, SLOT_DROPPED };

struct slot {
	uint32_t id;
	enum slot_state state;
	int pid, kind;
	unsigned long long ts, asked_ns;
	struct fill_result res;
	char *payload;			/* small, or allocated */
	char small[40];
	char *kernel;
	unsigned int kernel_len;
	enum fill_verify verify;
	bool text, exec_file, count_only;
	unsigned int req_flags;
	unsigned long long addr;
	const char *field;
	uint32_t next_same;		/* the next slot asking the same read, or 0 */
};

/* pid -> the last time it exec'd (and what) or exited, as seen in the stream */
struct pid_times {
	struct { int pid; unsigned long long ts; char *name; } *v;
	unsigned int cap, count;
};

struct filler {
	pid_t worker;
	int req_fd, res_fd;
	uint32_t next_id;
	struct slot *slots;
	char *rbuf;
	size_t rlen, rcap;
	char *held;			/* held-back lines' text, oldest from held_start */
	size_t held_start, held_end, held_cap;
	size_t *line_lens;		/* their lengths, a ring: oldest at head */
	unsigned int head, count, lcap;
	struct pid_times execs, exits;
	int marker_fd;			/* trace_marker_raw: fills kept in a trace, or -1 */
	struct fill_request *queue;	/* asked for, not yet handed over */
	unsigned int nqueue, qcap;
	unsigned int batch_asks;	/* fills asked for since the last hand-over */
	struct { uint32_t gen, index; } same[SAME_SLOTS];	/* queued reads, by key */
	uint32_t gen;			/* of the queue: bumped at each hand-over */
	uint32_t *last_same;		/* per queued read: the last slot sharing it */
	unsigned long long asked, dropped, answered;
	unsigned long long now;		/* of the last hand-over */
	unsigned int inuse;		/* slots not free */
	unsigned long long full_since;	/* no room since then, or 0 */
	unsigned long long rest_until;	/* a wait ran out: do not wait again before */
};

static void pid_times_set(struct pid_times *pt, int pid, unsigned long long ts, const char *name)
{
	unsigned int h;

	if ((pt->count + 1) * 2 > pt->cap) {
		struct pid_times bigger = { .cap = pt->cap ? pt->cap * 2 : 256 };

		bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
		for (unsigned int i = 0; i < pt->cap; i++) {
			if (!pt->v[i].pid)
				continue;
			pid_times_set(&bigger, pt->v[i].pid, pt->v[i].ts, pt->v[i].name);
			free(pt->v[i].name);
		}
		free(pt->v);
		*pt = bigger;
	}
	for (h = (unsigned int)pid * 2654435761u % pt->cap; pt->v[h].pid && pt->v[h].pid != pid;
	     h = (h + 1) % pt->cap)
		;
	if (!pt->v[h].pid)
		pt->count++;
	pt->v[h].pid = pid;
	pt->v[h].ts = ts;
	free(pt->v[h].name);
	pt->v[h].name = name ? xstrdup(name) : NULL;
}

/* The last time @pid exec'd or exited (0: not seen); *@name: what it exec'd. */
static unsigned long long pid_times_get(const struct pid_times *pt, int pid, const char **name)
{
	if (name)
		*name = NULL;
	if (!pt->cap)
		return 0;
	for (unsigned int h = (unsigned int)pid * 2654435761u % pt->cap; pt->v[h].pid;
	     h = (h + 1) % pt->cap)
		if (pt->v[h].pid == pid) {
			if (name)
				*name = pt->v[h].name;
			return pt->v[h].ts;
		}
	return 0;
}

static void pid_times_free(struct pid_times *pt)
{
	for (unsigned int i = 0; i < pt->cap; i++)
		free(pt->v[i].name);
	free(pt->v);
}

/* The companion: "ktfill" next to this program, else on PATH. */
static char *find_ktfill(const char *self)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			path = xasprintf("%.*s/ktfill", (int)(slash - exe), exe);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	(void)self;
	return xstrdup("ktfill");
}

/*
 * filler_start - start the companion (ktfill --serve); NULL, with a
 * warning, when it cannot run: the trace then goes on without fills
 */
struct filler *filler_start(const char *self)
{
	int req[2], res[2], ready[2];
	struct filler *f;
	char *path = find_ktfill(self);
	pid_t pid;
	char err;

	if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		warn_msg("no companion reader (pipe: %s): values are not filled", strerror(errno));
		free(path);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);	/* ktprobe ends it by closing its input */
		signal(SIGPIPE, SIG_DFL);
		dup2(req[0], 0);
		dup2(res[1], 1);
		execlp(path, "ktfill", "--serve", (char *)NULL);
		err = 1;
		if (write(ready[1], &err, 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(req[0]);
	close(res[1]);
	close(ready[1]);
	if (pid < 0 || read(ready[0], &err, 1) == 1) {
		warn_msg("cannot run the companion reader %s: values are not filled", path);
		close(ready[0]);
		close(req[1]);
		close(res[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		free(path);
		return NULL;
	}
	close(ready[0]);
	free(path);
	f = xcalloc(1, sizeof(*f));
	f->worker = pid;
	f->req_fd = req[1];
	f->res_fd = res[0];
	f->next_id = 1;
	f->now = now_ns();
	f->slots = xcalloc(NSLOTS, sizeof(*f->slots));
	f->marker_fd = -1;
	fcntl(f->req_fd, F_SETFL, O_NONBLOCK);
	fcntl(f->res_fd, F_SETFL, O_NONBLOCK);
	fcntl(f->req_fd, F_SETPIPE_SZ, PIPE_BYTES);
	fcntl(f->res_fd, F_SETPIPE_SZ, PIPE_BYTES);
	return f;
}

/* filler_fd - the descriptor that becomes readable when answers arrive */
int filler_fd(const struct filler *f)
{
	return f ? f->res_fd : -1;
}

static struct slot *slot_of(struct filler *f, uint32_t id)
{
	struct slot *s = &f->slots[id % NSLOTS];

	return s->id == id && s->state != SLOT_FREE ? s : NULL;
}

static void slot_free(struct filler *f, struct slot *s)
{
	f->inuse--;
	if (s->payload != s->small)
		free(s->payload);
	free(s->kernel);
	memset(s, 0, sizeof(*s));
}

static unsigned int same_key(const struct fill_ask *ask)
{
	uint64_t h = ask->addr * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ask->pid * 0xc2b2ae3d27d4eb4fULL;

	h ^= (uint64_t)ask->kind << 7 ^ ask->max;
	return (unsigned int)(h >> 32) % SAME_SLOTS;
}

/*
 * A read of the same memory, asked for since the last hand-over, is made
 * once for all who asked: not yet handed over, it is done after all their
 * events, at one moment, so its value and time are right for each (each
 * line still shows its own age, and is checked against its own event's
 * capture). execve's argv with /proc reads are not shared.
 */
static bool join_same_read(struct filler *f, struct slot *s, const struct fill_ask *ask)
{
	unsigned int k = same_key(ask);
	struct fill_request *q;
	struct slot *last;

	if (ask->flags) {
		f->same[k].gen = 0;
		return false;
	}
	if (f->same[k].gen != f->gen + 1 || f->same[k].index >= f->nqueue)
		goto miss;
	q = &f->queue[f->same[k].index];
	if (q->pid != ask->pid || q->addr != ask->addr || q->kind != (uint32_t)ask->kind ||
	    q->max != ask->max || q->max_items != ask->max_items || q->flags)
		goto miss;
	last = slot_of(f, f->last_same[f->same[k].index]);
	if (!last || last->state != SLOT_WAITING)
		goto miss;
	last->next_same = s->id;
	f->last_same[f->same[k].index] = s->id;
	return true;
miss:
	f->same[k].gen = f->gen + 1;
	f->same[k].index = f->nqueue;
	return false;
}

/*
 * filler_request - ask for one value; returns the id its annotation will
 * be found under. The request waits for filler_submit().
 */
uint32_t filler_request(struct filler *f, const struct fill_ask *ask)
{
	uint32_t id = f->next_id++;
	struct slot *s = &f->slots[id % NSLOTS];

	if (!f->next_id)
		f->next_id = 1;
	if (s->state != SLOT_FREE) {
		/* an old line's fill: that line is told it was dropped */
		if (s->state != SLOT_DROPPED)
			f->dropped++;
		slot_free(f, s);
	}
	f->inuse++;
	s->id = id;
	s->pid = ask->pid;
	s->kind = ask->kind;
	s->ts = ask->ts;
	s->asked_ns = 0;	/* set when handed over */
	s->verify = ask->verify;
	s->text = ask->text;
	s->exec_file = ask->exec_file;
	s->req_flags = ask->flags;
	s->count_only = ask->count_only;
	s->addr = ask->addr;
	s->field = ask->field;
	if (ask->kernel && ask->kernel_len) {
		s->kernel = xcalloc(1, ask->kernel_len);
		memcpy(s->kernel, ask->kernel, ask->kernel_len);
		s->kernel_len = ask->kernel_len;
	}
	f->asked++;
	if (ask->pid <= 0) {
		s->state = SLOT_DROPPED;
		return id;
	}
	s->state = SLOT_WAITING;
	f->batch_asks++;
	if (join_same_read(f, s, ask))
		return id;
	if (f->nqueue == f->qcap) {
		f->qcap = f->qcap ? f->qcap * 2 : 1024;
		f->queue = xrealloc(f->queue, f->qcap * sizeof(*f->queue));
		f->last_same = xrealloc(f->last_same, f->qcap * sizeof(*f->last_same));
	}
	f->last_same[f->nqueue] = id;
	f->queue[f->nqueue++] = (struct fill_request) {
		.id = id, .pid = ask->pid, .addr = ask->addr, .kind = ask->kind,
		.max = ask->max, .max_items = ask->max_items, .flags = ask->flags,
	};
	return id;
}

/* Take in the whole answers at the start of @buf; returns the bytes used. */
static size_t take_answers(struct filler *f, const char *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct fill_result)) {
		struct fill_result res;
		struct slot *s;

		memcpy(&res, buf + off, sizeof(res));
		if (len - off < sizeof(res) + res.len)
			break;
		for (s = slot_of(f, res.id); s && s->state == SLOT_WAITING;
		     s = slot_of(f, s->next_same)) {
			s->res = res;
			s->payload = res.len < sizeof(s->small) ? s->small : xrealloc(NULL, res.len + 1);
			memcpy(s->payload, buf + off + sizeof(res), res.len);
			s->payload[res.len] = '\0';
			s->state = SLOT_ANSWERED;
			f->answered++;
		}
		off += sizeof(res) + res.len;
	}
	return off;
}

/*
 * filler_submit - hand the waiting requests to the companion in one write;
 * what does not fit in the pipe now is dropped (the drain never waits)
 */
void filler_submit(struct filler *f)
{
	size_t len, done = 0;

	if (!f || !f->nqueue)
		return;
	f->now = now_ns();
	for (unsigned int i = 0; i < f->nqueue; i++)
		for (struct slot *s = slot_of(f, f->queue[i].id); s && s->state == SLOT_WAITING;
		     s = slot_of(f, s->next_same))
			s->asked_ns = f->now;
	len = f->nqueue * sizeof(*f->queue);
	while (done < len) {
		ssize_t n = write(f->req_fd, (char *)f->queue + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	if (done % sizeof(*f->queue)) {
		/* a request cut in the middle: finish it, it is already half in the pipe */
		size_t rest = sizeof(*f->queue) - done % sizeof(*f->queue);
		int flags = fcntl(f->req_fd, F_GETFL);

		fcntl(f->req_fd, F_SETFL, flags & ~O_NONBLOCK);
		if (write(f->req_fd, (char *)f->queue + done, rest) == (ssize_t)rest)
			done += rest;
		fcntl(f->req_fd, F_SETFL, flags);
	}
	for (size_t i = done / sizeof(*f->queue); i < f->nqueue; i++)
		for (struct slot *s = slot_of(f, f->queue[i].id); s; s = slot_of(f, s->next_same)) {
			if (s->state != SLOT_WAITING)
				break;
			s->state = SLOT_DROPPED;
			f->dropped++;
		}
	f->nqueue = 0;
	f->batch_asks = 0;
	f->gen++;
}

/* filler_collect - take in the answers that have arrived */
void filler_collect(struct filler *f)
{
	for (;;) {
		size_t off;
		ssize_t n;

		if (f->rlen + 65536 > f->rcap) {
			f->rcap = f->rcap ? f->rcap * 2 : 1 << 17;
			f->rbuf = xrealloc(f->rbuf, f->rcap);
		}
		n = read(f->res_fd, f->rbuf + f->rlen, f->rcap - f->rlen);
		if (n <= 0)
			break;
		f->rlen += n;
		off = take_answers(f, f->rbuf, f->rlen);
		memmove(f->rbuf, f->rbuf + off, f->rlen - off);
		f->rlen -= off;
	}
}

/* filler_note_exec - @pid exec'd @file at @ts: reads after that are of another program */
void filler_note_exec(struct filler *f, int pid, unsigned long long ts, const char *file)
{
	pid_times_set(&f->execs, pid, ts, file);
}

/* filler_note_exit - @pid exited at @ts */
void filler_note_exit(struct filler *f, int pid, unsigned long long ts)
{
	pid_times_set(&f->exits, pid, ts, NULL);
}

/* Whether fewer than @want slots are free. */
static bool slots_short(const struct filler *f, unsigned int want)
{
	return f->inuse + want > NSLOTS;
}

/*
 * filler_has_room - whether the next event's fills find free slots. When
 * not, the drain leaves events in the ring buffer and waits for answers;
 * after FULL_WAIT_NS it reads on and the oldest fills are dropped (a fill
 * is worth less than an event), and it does not wait again for
 * FULL_REST_NS: a companion that keeps falling behind must not slow the
 * drain until the ring buffer overruns.
 */
bool filler_has_room(struct filler *f)
{
	unsigned long long now;

	if (!f || !slots_short(f, ROOM_MIN)) {
		if (f)
			f->full_since = 0;
		return true;
	}
	now = now_ns();
	if (now < f->rest_until)
		return true;
	if (!f->full_since)
		f->full_since = now;
	if (now - f->full_since <= FULL_WAIT_NS)
		return false;
	f->full_since = 0;
	f->rest_until = now + FULL_REST_NS;
	return true;
}

/* filler_wait - wait up to @ms for the companion's next answers */
void filler_wait(const struct filler *f, int ms)
{
	struct pollfd pfd = { .fd = f->res_fd, .events = POLLIN };

	poll(&pfd, 1, ms);
}

/* filler_busy - whether lines are held back waiting for fills */
bool filler_busy(const struct filler *f)
{
	return f && f->count;
}

static void put_age(struct outbuf *o, unsigned long long event, unsigned long long read)
{
	unsigned long long d = read > event ? read - event : 0;

	outbuf_putc(o, '+');
	if (d < 1000000ULL) {
		outbuf_dec(o, d / 1000);			/* "+%lluus" */
		outbuf_add(o, "us", 2);
	} else if (d < 1000000000ULL) {
		outbuf_dec(o, d / 1000000);			/* "+%llu.%02llums" */
		outbuf_putc(o, '.');
		outbuf_num(o, d / 10000 % 100, 10, 2, '0', false);
		outbuf_add(o, "ms", 2);
	} else {
		outbuf_dec(o, d / 1000000000ULL);		/* "+%llu.%02llus" */
		outbuf_putc(o, '.');
		outbuf_num(o, d / 10000000 % 100, 10, 2, '0', false);
		outbuf_putc(o, 's');
	}
}

static void put_string(struct outbuf *o, const char *s, size_t len, unsigned int flags)
{
	outbuf_putc(o, '"');
	outbuf_escaped(o, s, len);
	outbuf_putc(o, '"');
	if (flags & (FILL_TRUNCATED | FILL_UNTERMINATED))
		outbuf_puts(o, "...");
}

/* A cmdline's NUL-separated strings as a list (or, @count_only, their number). */
static void put_cmdline(struct outbuf *o, const char *p, size_t len, bool count_only)
{
	if (count_only) {
		size_t n = 0;

		for (size_t i = 0; i < len; i++)
			n += !p[i] || i + 1 == len;
		outbuf_printf(o, "%zu vars%s", n, len && p[len - 1] ? " or more" : "");
		return;
	}
	outbuf_putc(o, '[');
	for (size_t off = 0, i = 0; off < len; i++) {
		size_t n = strnlen(p + off, len - off);

		if (i)
			outbuf_puts(o, ", ");
		put_string(o, p + off, n, off + n >= len && p[len - 1] ? FILL_TRUNCATED : 0);
		off += n + 1;
	}
	outbuf_putc(o, ']');
}

/* FILL_STRV's items: { u32 len, u32 flags, bytes } each (or, @count_only, their number). */
static void put_strv(struct outbuf *o, const char *p, uint32_t count, uint32_t len,
		     uint32_t flags, bool count_only)
{
	if (count_only) {
		outbuf_printf(o, "%u vars%s", count, flags & FILL_TRUNCATED ? " or more" : "");
		return;
	}
	outbuf_putc(o, '[');
	for (uint32_t i = 0, off = 0; i < count && off + 8 <= len; i++) {
		uint32_t hdr[2];

		memcpy(hdr, p + off, 8);
		off += 8;
		if (hdr[0] > len - off)
			break;
		if (i)
			outbuf_puts(o, ", ");
		put_string(o, p + off, hdr[0], hdr[1]);
		off += hdr[0];
	}
	if (flags & FILL_TRUNCATED)
		outbuf_puts(o, ", ...");
	outbuf_putc(o, ']');
}

static void put_value(struct outbuf *o, const struct slot *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = s->payload;

	switch (s->kind) {
	case FILL_STRING:
		put_string(o, p, s->res.len, s->res.flags);
		break;
	case FILL_BYTES:
		if (s->text) {
			put_string(o, p, s->res.len, s->res.flags);
			break;
		}
		outbuf_putc(o, '<');
		for (uint32_t i = 0; i < s->res.len; i++) {
			outbuf_putc(o, hex[(unsigned char)p[i] >> 4]);
			outbuf_putc(o, hex[(unsigned char)p[i] & 15]);
		}
		outbuf_putc(o, '>');
		if (s->res.flags & FILL_UNTERMINATED)
			outbuf_puts(o, "...");
		break;
	case FILL_STRV:
		put_strv(o, p, s->res.count, s->res.len, s->res.flags, s->count_only);
		break;
	}
}

/* Does the value read agree with what the kernel captured at the event? */
static const char *verdict(const struct slot *s)
{
	const unsigned char *k = (const unsigned char *)s->kernel;
	unsigned int n = s->kernel_len;
	bool zeros = true;

	switch (s->verify) {
	case VERIFY_STRING:
		/* the kernel's copy of the string (with its NUL), or none: it faulted */
		if (!n)
			return "unverified";
		if (k[n - 1] == '\0')
			n--;
		if (s->res.flags & (FILL_TRUNCATED | FILL_UNTERMINATED))
			return n >= s->res.len && !memcmp(k, s->payload, s->res.len) ?
				"unverified" : "changed";
		return n == s->res.len && !memcmp(k, s->payload, n) ? "verified" : "changed";
	case VERIFY_PREFIX:
		for (unsigned int i = 0; i < n; i++)
			zeros &= !k[i];
		if (zeros)
			return "unverified";	/* the kernel could not read it either */
		if (memcmp(k, s->payload, n < s->res.len ? n : s->res.len))
			return "changed";
		return s->res.len <= n ? "verified" : "partly-verified";
	case VERIFY_NONE:
		break;
	}
	return "unverified";
}

/*
 * The process exec'd between the event and the read: what was read belongs
 * to the new program. An execve's own arguments can still be told: its file
 * name from the kernel's exec event, its argv from what the new program's
 * /proc/PID/cmdline held right after the exec.
 */
static void render_after_exec(struct outbuf *o, const struct slot *s, unsigned long long exec,
			      const char *exec_file)
{
	const char *p = s->payload;
	uint32_t off = 0;

	if (s->exec_file && exec_file) {
		outbuf_puts(o, "[kernel sched_process_exec ");
		put_string(o, exec_file, strlen(exec_file), 0);
		outbuf_putc(o, ']');
		return;
	}
	/* argv's own read may have failed: its memory went with the old program */
	if (s->kind == FILL_STRV && (s->res.flags & FILL_HAS_CMDLINE)) {
		for (uint32_t i = 0; i < s->res.count && off + 8 <= s->res.len; i++) {
			uint32_t hdr[2];

			memcpy(hdr, p + off, 8);
			off += 8 + hdr[0];
		}
		if (off + 12 <= s->res.len) {
			unsigned long long cmd_ns;
			uint32_t clen;

			memcpy(&cmd_ns, p + off, 8);
			memcpy(&clen, p + off + 8, 4);
			if (cmd_ns > exec && clen && off + 12 + clen <= s->res.len) {
				outbuf_printf(o, "[user after exec, from /proc/PID/%s ",
					      s->req_flags & FILLREQ_ENVIRON ? "environ" : "cmdline");
				put_age(o, s->ts, cmd_ns);
				outbuf_putc(o, ' ');
				put_cmdline(o, p + off + 12, clen, s->count_only);
				outbuf_putc(o, ']');
				return;
			}
		}
	}
	outbuf_puts(o, "[user: the process exec'd before the read]");
}

/*
 * A string the kernel captured at the event (@str) is the event's value:
 * when the read did not confirm it, it follows, inside the annotation's
 * brackets: "[user changed +5us "b"; kernel "a"]".
 */
static void put_kernel_copy(struct outbuf *o, const struct slot *s, size_t start)
{
	unsigned int n = s->kernel_len;

	if (s->verify != VERIFY_STRING || !n || o->len <= start || o->buf[o->len - 1] != ']')
		return;
	if (s->kernel[n - 1] == '\0')
		n--;
	o->len--;
	outbuf_puts(o, "; kernel ");
	put_string(o, s->kernel, n, 0);
	outbuf_putc(o, ']');
}

/* Whether the read failed, or (argv) one of its strings could not be read at all. */
static bool read_failed(const struct slot *s)
{
	const char *p = s->payload;
	uint32_t off = 0;

	if (s->res.status != FILL_OK)
		return true;
	if (s->kind != FILL_STRV)
		return false;
	for (uint32_t i = 0; i < s->res.count && off + 8 <= s->res.len; i++) {
		uint32_t hdr[2];

		memcpy(hdr, p + off, 8);
		if (!hdr[0] && (hdr[1] & FILL_UNTERMINATED))
			return true;
		off += 8 + hdr[0];
	}
	return false;
}

/*
 * An exec replaces the memory a little before its event is recorded: a
 * read of an execve's arguments that failed may have met the new program,
 * whose exec event comes up to EXEC_RACE_NS after the read.
 */
static unsigned long long exec_race(const struct slot *s)
{
	return s->req_flags && read_failed(s) ? EXEC_RACE_NS : 0;
}

/* The annotation of one fill, without the kernel's copy; true if verified. */
static bool render_annotation(struct filler *f, struct slot *s, struct outbuf *o)
{
	unsigned long long exec, exit_ts;
	const char *exec_file;

	if (!s || s->state == SLOT_DROPPED || s->state == SLOT_WAITING) {
		outbuf_puts(o, "[user: dropped]");
		if (s && s->state == SLOT_WAITING)
			f->dropped++;	/* no answer in time */
		return false;
	}
	exec = pid_times_get(&f->execs, s->pid, &exec_file);
	exit_ts = pid_times_get(&f->exits, s->pid, NULL);
	if (exec > s->ts && exec < s->res.read_ns + exec_race(s)) {
		render_after_exec(o, s, exec, exec_file);
		return false;
	}
	switch (s->res.status) {
	case FILL_OK:
		break;
	case FILL_GONE:
		outbuf_puts(o, "[user: the process is gone]");
		return false;
	case FILL_UNMAPPED:
		outbuf_puts(o, exit_ts > s->ts && exit_ts < s->res.read_ns ?
			    "[user: the process is gone]" : "[user: unmapped]");
		return false;
	case FILL_DENIED:
		outbuf_puts(o, "[user: not permitted]");
		return false;
	default:
		outbuf_puts(o, "[user: read failed]");
		return false;
	}
	outbuf_add(o, "[user ", 6);
	outbuf_puts(o, verdict(s));
	outbuf_putc(o, ' ');
	put_age(o, s->ts, s->res.read_ns);
	outbuf_putc(o, ' ');
	put_value(o, s);
	outbuf_putc(o, ']');
	return !strcmp(verdict(s), "verified");
}

/* The annotation of one fill, as the man page describes it. */
static void render(struct filler *f, uint32_t id, struct outbuf *o)
{
	struct slot *s = slot_of(f, id);
	size_t start = o->len;

	if (!render_annotation(f, s, o) && s && s->state == SLOT_ANSWERED)
		put_kernel_copy(o, s, start);
}

/* The fill id of the mark at @mark: FILL_MARK_START, 8 hex digits, FILL_MARK_END. */
static uint32_t mark_id(const char *mark)
{
	uint32_t id = 0;

	for (int i = 1; i <= 8; i++) {
		char c = mark[i];

		id = id << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return id;
}

/*
 * A held-back line's fills: all answered (or given up) and past the stream?
 * With no room for new fills (@pressed) an answered line goes out without
 * waiting for the stream: an exec or exit before its read may then not be
 * named, and the value stays marked as the later read it is.
 */
static bool line_ready(struct filler *f, const char *text, size_t len,
		       unsigned long long stream_ns, unsigned long long now, bool pressed)
{
	for (const char *p = text; (p = memchr(p, FILL_MARK_START, len - (p - text))); p++) {
		struct slot *s = slot_of(f, mark_id(p));

		if (!s || s->state == SLOT_DROPPED)
			continue;
		if (s->asked_ns && now - s->asked_ns > DEADLINE_NS)
			continue;
		if (s->state == SLOT_WAITING)
			return false;
		/* an exec or exit before the read must have been seen by now */
		if (!pressed && stream_ns < s->res.read_ns + exec_race(s))
			return false;
	}
	return true;
}

/* Write a held-back line with its annotations in place of the marks. */
static void emit(struct filler *f, struct outbuf *o, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct slot *s;
	size_t at;

	while (p < end) {
		const char *m = memchr(p, FILL_MARK_START, end - p);
		const char *close;
		uint32_t id;

		if (!m) {
			outbuf_add(o, p, end - p);
			break;
		}
		outbuf_add(o, p, m - p);
		id = mark_id(m);
		close = memchr(m, FILL_MARK_END, end - m);
		at = o->len;
		render(f, id, o);
		s = slot_of(f, id);
		if (s && f->marker_fd >= 0) {
			struct fill_marker mk = {
				.event_ts = s->ts, .addr = s->addr, .pid = s->pid,
				.field = s->field ? s->field : "", .text = o->buf + at,
				.text_len = o->len - at,
			};

			mk.field_len = strlen(mk.field);
			marker_write_fill(f->marker_fd, &mk);
		}
		if (s)
			slot_free(f, s);
		p = close ? close + 1 : end;
	}
}

/*
 * filler_line - the line at @start.. of @out was just formatted: hold it
 * back if it carries fills, or if earlier lines are held back
 */
void filler_line(struct filler *f, struct outbuf *out, size_t start, bool has_fills)
{
	size_t len = out->len - start;

	if (!has_fills && !f->count)
		return;
	if (f->count == f->lcap) {
		unsigned int ncap = f->lcap ? f->lcap * 2 : 1024;
		size_t *lens = xcalloc(ncap, sizeof(*lens));

		for (unsigned int i = 0; i < f->count; i++)
			lens[i] = f->line_lens[(f->head + i) % f->lcap];
		free(f->line_lens);
		f->line_lens = lens;
		f->head = 0;
		f->lcap = ncap;
	}
	if (f->held_end + len > f->held_cap) {
		/* move the held text to the front, or grow */
		if (f->held_start) {
			memmove(f->held, f->held + f->held_start, f->held_end - f->held_start);
			f->held_end -= f->held_start;
			f->held_start = 0;
		}
		if (f->held_end + len > f->held_cap) {
			f->held_cap = (f->held_end + len) * 2;
			f->held = xrealloc(f->held, f->held_cap);
		}
	}
	memcpy(f->held + f->held_end, out->buf + start, len);
	f->held_end += len;
	f->line_lens[(f->head + f->count) % f->lcap] = len;
	f->count++;
	out->len = start;
	/* a long round: the companion starts on the first reads meanwhile */
	if (f->batch_asks >= SUBMIT_ASKS)
		filler_submit(f);
}

/*
 * filler_flush - let out the held-back lines that are complete, in order;
 * @stream_ns: the stream has been read up to this time; @all: everything
 */
void filler_flush(struct filler *f, struct outbuf *out, unsigned long long stream_ns, bool all)
{
	unsigned long long now = now_ns();

	if (!f)
		return;
	filler_collect(f);
	while (f->count) {
		char *text = f->held + f->held_start;
		size_t len = f->line_lens[f->head];

		if (!all && !line_ready(f, text, len, stream_ns, now, slots_short(f, ROOM_MIN * 4)))
			break;
		emit(f, out, text, len);
		f->held_start += len;
		f->head = (f->head + 1) % f->lcap;
		f->count--;
	}
	if (!f->count)
		f->held_start = f->held_end = 0;
}

/* filler_set_marker_fd - also write each fill into a ring buffer (trace_marker_raw) */
void filler_set_marker_fd(struct filler *f, int fd)
{
	f->marker_fd = fd;
}

/* filler_stop - end the companion and report the fills that were dropped */
void filler_stop(struct filler *f)
{
	if (!f)
		return;
	close(f->req_fd);
	close(f->res_fd);
	waitpid(f->worker, NULL, 0);
	if (f->dropped)
		err_msg("%llu of %llu fills dropped (the reader fell behind)", f->dropped, f->asked);
	for (unsigned int i = 0; i < NSLOTS; i++)
		if (f->slots[i].state != SLOT_FREE)
			slot_free(f, &f->slots[i]);
	free(f->slots);
	free(f->queue);
	free(f->last_same);
	free(f->held);
	free(f->line_lens);
	free(f->rbuf);
	pid_times_free(&f->execs);
	pid_times_free(&f->exits);
	free(f);
}
