// SPDX-License-Identifier: GPL-2.0
/*
 * The comm of each pid at the time of the event being printed: set from
 * fork/exec/rename events as they stream by, dropped when events were lost
 * (then what was learned may be stale).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "outbuf.h"
#include "utils.h"

struct comm_entry {
	int pid;		/* 0: free */
	char comm[16];
};

static unsigned int slot_of(const struct comm_cache *cc, int pid)
{
	return (unsigned int)pid * 2654435761u % cc->cap;
}

static void comm_cache_grow(struct comm_cache *cc)
{
	struct comm_entry *old = cc->slots;
	int oldcap = cc->cap;

	cc->cap = cc->cap ? cc->cap * 2 : 256;
	cc->slots = xcalloc(cc->cap, sizeof(*cc->slots));
	cc->count = 0;
	for (int i = 0; i < oldcap; i++)
		if (old[i].pid)
			comm_cache_set(cc, old[i].pid, old[i].comm);
	free(old);
}

/* comm_cache_set - @pid is called @comm from now on (truncated to 15 bytes) */
void comm_cache_set(struct comm_cache *cc, int pid, const char *comm)
{
	unsigned int h;

	if (pid <= 0)
		return;
	if ((cc->count + 1) * 2 > cc->cap)
		comm_cache_grow(cc);
	for (h = slot_of(cc, pid); cc->slots[h].pid && cc->slots[h].pid != pid;
	     h = (h + 1) % cc->cap)
		;
	if (!cc->slots[h].pid)
		cc->count++;
	cc->slots[h].pid = pid;
	snprintf(cc->slots[h].comm, sizeof(cc->slots[h].comm), "%s", comm);
}

/* comm_cache_get - the comm of @pid, or NULL if unknown */
const char *comm_cache_get(const struct comm_cache *cc, int pid)
{
	if (!cc->cap)
		return NULL;
	for (unsigned int h = slot_of(cc, pid); cc->slots[h].pid; h = (h + 1) % cc->cap)
		if (cc->slots[h].pid == pid)
			return cc->slots[h].comm;
	return NULL;
}

/* comm_cache_clear - forget everything (after lost events) */
void comm_cache_clear(struct comm_cache *cc)
{
	if (cc->cap)
		memset(cc->slots, 0, cc->cap * sizeof(*cc->slots));
	cc->count = 0;
}

/* comm_cache_free - release the cache */
void comm_cache_free(struct comm_cache *cc)
{
	free(cc->slots);
	cc->slots = NULL;
	cc->cap = cc->count = 0;
}

/*
 * Walk the kernel's saved_cmdlines text ("PID COMM\n" per entry) calling
 * @fn for each entry. A comm can hold any byte but NUL (prctl(PR_SET_NAME)),
 * a newline included: the kernel prints it as is, so a line that does not
 * start with "DIGITS " continues the comm of the line before. (A comm that
 * is itself "\nDIGITS x" cannot be told from an entry; it can only name a
 * pid, not hide one.)
 */
static void saved_comms_walk(const char *text, void (*fn)(void *arg, int pid, const char *comm),
			     void *arg)
{
	char comm[64];
	size_t len = 0;
	int pid = -1;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n'), *p = line;
		size_t n = end ? (size_t)(end - line) : strlen(line);
		long v = 0;

		while (p < line + n && *p >= '0' && *p <= '9' && v < 1 << 30)
			v = v * 10 + (*p++ - '0');
		if (p > line && p < line + n && *p == ' ') {
			if (pid > 0)
				fn(arg, pid, comm);
			pid = (int)v;
			len = 0;
			p++;
		} else if (pid > 0 && len < sizeof(comm) - 1) {
			comm[len++] = '\n';
			p = line;
		} else {
			p = line + n;
		}
		while (p < line + n && len < sizeof(comm) - 1)
			comm[len++] = *p++;
		comm[len] = '\0';
		line = end ? end + 1 : NULL;
	}
	if (pid > 0)
		fn(arg, pid, comm);
}

static void cache_saved_comm(void *arg, int pid, const char *comm)
{
	comm_cache_set(arg, pid, comm);
}

/* comm_cache_load_saved - learn the comms of the kernel's saved_cmdlines @text */
void comm_cache_load_saved(struct comm_cache *cc, const char *text)
{
	saved_comms_walk(text, cache_saved_comm, cc);
}

static void escape_saved_comm(void *arg, int pid, const char *comm)
{
	struct outbuf *o = arg;

	outbuf_printf(o, "%d ", pid);
	outbuf_escaped(o, comm, strlen(comm));
	outbuf_putc(o, '\n');
}

/*
 * comm_saved_escaped - @text (saved_cmdlines) again with each comm's bytes
 * outside printable ASCII C-escaped, one line per entry: the form trace
 * files can carry (libtraceevent's parser stops at a comm's newline, and
 * trace-cmd report would print control bytes raw). Caller frees.
 */
char *comm_saved_escaped(const char *text)
{
	struct outbuf o;

	outbuf_init(&o, NULL);
	saved_comms_walk(text, escape_saved_comm, &o);
	outbuf_putc(&o, '\0');
	return o.buf;
}
