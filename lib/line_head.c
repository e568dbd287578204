// SPDX-License-Identifier: GPL-2.0
/*
 * The head of each event line, as the kernel's trace file has it:
 * "comm-pid [cpu] flags timestamp: ", with the comm the process had at
 * the time of the event, and the column legend printed above (-H).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "line_head.h"
#include "utils.h"

/* Kernels from 6.12 on encode NEED_RESCHED_LAZY in bit 1 of the flags. */
bool kernel_has_lazy_flags(const char *release)
{
	int major = 0, minor = 0;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return true;
	return major > 6 || (major == 6 && minor >= 12);
}

/*
 * line_head_init - names and flags for events of @tep: comms from @procs
 * (and, @live, /proc and the kernel's saved_cmdlines); @lazy_flags: the
 * recording kernel encodes NEED_RESCHED_LAZY (kernel_has_lazy_flags)
 */
void line_head_init(struct line_head *h, struct tep_handle *tep, struct proctable *procs,
		    bool lazy_flags, bool live)
{
	*h = (struct line_head) {
		.tep = tep, .procs = procs, .lazy_flags = lazy_flags, .live = live, .last_pid = -1,
	};
}

/* The irqs-off / need-resched / hardirq / preempt columns, as the kernel prints them. */
static void put_latency(const struct line_head *h, struct outbuf *o, const unsigned char *data)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned int flags = data[2], pc = data[3];
	bool bh_off = flags & 0x80, nmi = flags & 0x40, hard = flags & 0x08, soft = flags & 0x10;
	bool irqs_off = flags & 0x01, nr = flags & 0x04, pr = flags & 0x20;
	bool lazy = h->lazy_flags && (flags & 0x02);
	char c[5];

	c[0] = irqs_off && bh_off ? 'D' : irqs_off ? 'd' : bh_off ? 'b' :
	       (!h->lazy_flags && (flags & 0x02)) ? 'X' : '.';
	if (nr && lazy && pr)
		c[1] = 'B';
	else if (nr && pr)
		c[1] = 'N';
	else if (lazy && pr)
		c[1] = 'L';
	else if (nr && lazy)
		c[1] = 'b';
	else if (nr)
		c[1] = 'n';
	else if (pr)
		c[1] = 'p';
	else if (lazy)
		c[1] = 'l';
	else
		c[1] = '.';
	c[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	c[3] = pc & 0xf ? hexd[pc & 0xf] : '.';
	c[4] = pc & 0xf0 ? hexd[pc >> 4] : '.';
	outbuf_add(o, c, 5);
}

/*
 * The comm of @pid: as learned from events; else, live, /proc/PID/comm or
 * the kernel's saved_cmdlines (for processes that are gone); else the
 * tep's (a trace file's saved comms); else "<...>".
 */
static const char *comm_of(struct line_head *h, int pid)
{
	const struct proc *p;
	char buf[64];

	if (pid == h->last_pid && h->procs->comm_gen == h->last_gen)
		return h->last_comm;
	h->last_pid = pid;
	p = proctable_get(h->procs, pid);
	if (!pid || (p && p->has_comm)) {
		snprintf(h->last_comm, sizeof(h->last_comm), "%s", pid ? p->comm : "<idle>");
		goto out;
	}
	if (h->live) {
		if (proc_read_comm(pid, buf, sizeof(buf)) && *buf) {
			proctable_set_comm(h->procs, pid, buf);
			snprintf(h->last_comm, sizeof(h->last_comm), "%s", buf);
			goto out;
		}
		if (now_ns() - h->cmdlines_read > 10000000ULL) {
			char *text = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);

			proctable_load_saved_comms(h->procs, text);
			free(text);
			h->cmdlines_read = now_ns();
		}
		p = proctable_get(h->procs, pid);
		if (p && p->has_saved_comm) {
			snprintf(h->last_comm, sizeof(h->last_comm), "%s", p->saved_comm);
			goto out;
		}
	}
	snprintf(h->last_comm, sizeof(h->last_comm), "%s", tep_data_comm_from_pid(h->tep, pid));
out:
	h->last_gen = h->procs->comm_gen;
	return h->last_comm;
}

/* line_head_comm - the comm of @pid, as the head of its line would show it */
const char *line_head_comm(struct line_head *h, int pid)
{
	return comm_of(h, pid);
}

/* line_head_put - "comm-pid [cpu] flags timestamp: " of @rec (by task @pid) to @o */
void line_head_put(struct line_head *h, struct outbuf *o, struct tep_record *rec, int pid)
{
	const char *comm = comm_of(h, pid);
	unsigned long long us = (rec->ts + 500) / 1000;
	size_t len = strlen(comm), start;

	/* "%16s-%-7d [%03d] " with an escaped comm */
	start = o->len;
	outbuf_escaped(o, comm, len);
	len = o->len - start;
	if (len < 16) {
		outbuf_reserve(o, 16);
		memmove(o->buf + start + 16 - len, o->buf + start, len);
		memset(o->buf + start, ' ', 16 - len);
		o->len = start + 16;
	}
	outbuf_putc(o, '-');
	outbuf_num(o, pid, 10, 7, ' ', true);		/* "-%-7d [%03d] " */
	outbuf_add(o, " [", 2);
	outbuf_num(o, rec->cpu, 10, 3, '0', false);
	outbuf_add(o, "] ", 2);
	put_latency(h, o, rec->data);
	outbuf_putc(o, ' ');				/* " %5llu.%06llu: " */
	outbuf_num(o, us / 1000000, 10, 5, ' ', false);
	outbuf_putc(o, '.');
	outbuf_num(o, us % 1000000, 10, 6, '0', false);
	outbuf_add(o, ": ", 2);
}

/* format_column_header - the kernel's column legend (-H) */
void format_column_header(struct outbuf *o)
{
	outbuf_puts(o,
		"#                                _-----=> irqs-off/BH-disabled\n"
		"#                               / _----=> need-resched\n"
		"#                              | / _---=> hardirq/softirq\n"
		"#                              || / _--=> preempt-depth\n"
		"#                              ||| / _-=> migrate-disable\n"
		"#                              |||| /     delay\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n");
}
