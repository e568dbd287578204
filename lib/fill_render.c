// SPDX-License-Identifier: GPL-2.0
/*
 * The annotation of one answered fill, as the man page describes it:
 * "[user VERDICT +AGE VALUE]" when the value was read, the reason when it
 * was not, what the new program showed when the process exec'd between
 * the event and the read, and the kernel's own copy when the read did not
 * confirm it.
 */
#include <string.h>

#include "fill_render.h"

/*
 * How long after a failed read of an execve's arguments its exec event may
 * still come: the exec swaps the memory first and records its event only
 * once the new program is loaded; on a busy machine the exec'ing task can
 * be preempted in between for milliseconds (2 ms was seen to be too short
 * with two CPU hogs). Only lines whose read failed wait this long.
 */
#define EXEC_RACE_NS	20000000ULL

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

static void put_value(struct outbuf *o, const struct fill_slot *s)
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
static const char *kernel_check(const struct fill_slot *s)
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
		/* shorter than the capture: the capture must end there too */
		if (s->res.len < n && k[s->res.len])
			return "changed";
		return s->res.len <= n ? "verified" : "partly-verified";
	case VERIFY_NONE:
		break;
	}
	return "unverified";
}

/*
 * The value's mark: the check against the kernel's copy; a value it could
 * not confirm whole is "late" when the thread had a later event before
 * the read: by then it may have rewritten the memory.
 */
static const char *verdict(const struct fill_slot *s)
{
	const char *v = kernel_check(s);
	bool went_on = s->next_ts && s->next_ts < s->res.read_ns;

	if (went_on && (!strcmp(v, "unverified") || !strcmp(v, "partly-verified")))
		return "late";
	return v;
}

/*
 * The process exec'd between the event and the read: what was read belongs
 * to the new program. An execve's own arguments can still be told: its file
 * name from the kernel's exec event, its argv from what the new program's
 * /proc/PID/cmdline held right after the exec.
 */
static void render_after_exec(struct outbuf *o, const struct fill_slot *s, unsigned long long exec,
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
			if ((cmd_ns > exec || (s->res.flags & FILL_CMDLINE_NEW)) && clen &&
			    off + 12 + clen <= s->res.len) {
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
static void put_kernel_copy(struct outbuf *o, const struct fill_slot *s, size_t start)
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
static bool read_failed(const struct fill_slot *s)
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
 * read of an execve's arguments (its file name, argv, envp) that failed
 * may have met the new program, whose exec event comes up to EXEC_RACE_NS
 * after the read.
 */
unsigned long long fill_exec_race(const struct fill_slot *s)
{
	return (s->req_flags || s->exec_file) && read_failed(s) ? EXEC_RACE_NS : 0;
}

/* Why the read of @s failed (@exit: when its process exited), NULL if it did not. */
static const char *failure(const struct fill_slot *s, unsigned long long exit)
{
	switch (s->res.status) {
	case FILL_OK:
		return NULL;
	case FILL_GONE:
		return "[user: the process is gone]";
	case FILL_UNMAPPED:
		return exit > s->ts && exit < s->res.read_ns ? "[user: the process is gone]" :
		       "[user: unmapped]";
	case FILL_DENIED:
		return "[user: not permitted]";
	default:
		return "[user: read failed]";
	}
}

/*
 * fill_render - the annotation of answered fill @s; @exec (what to
 * @exec_file) and @exit: when its process last exec'd and exited, 0 if not seen
 */
void fill_render(struct outbuf *o, const struct fill_slot *s, unsigned long long exec,
		 const char *exec_file, unsigned long long exit)
{
	size_t start = o->len;
	const char *mark;

	/* the kernel's copy, made at the event: shown as the kernel shows a string */
	if (s->from_kernel) {
		put_string(o, s->payload, s->res.len, 0);
		return;
	}
	if (exec > s->ts && exec < s->res.read_ns + fill_exec_race(s)) {
		render_after_exec(o, s, exec, exec_file);
		goto out_kernel;
	}
	if (failure(s, exit)) {
		outbuf_puts(o, failure(s, exit));
		goto out_kernel;
	}
	mark = verdict(s);
	outbuf_add(o, "[user ", 6);
	outbuf_puts(o, mark);
	outbuf_putc(o, ' ');
	put_age(o, s->ts, s->res.read_ns);
	outbuf_putc(o, ' ');
	put_value(o, s);
	outbuf_putc(o, ']');
	if (!strcmp(mark, "verified"))
		return;
out_kernel:
	put_kernel_copy(o, s, start);
}

/*
 * fill_render_key - @s as a count's key (ktprobe --count): the value alone
 * where it is the event's (the kernel's copy, a read the copy confirmed,
 * the file an exec ran), else marked without its age, so that the rows of
 * one value stay one: "/etc/passwd [user late]", "[user: the process is gone]"
 */
void fill_render_key(struct outbuf *o, const struct fill_slot *s, unsigned long long exec,
		     const char *exec_file, unsigned long long exit)
{
	const char *mark;

	if (s->from_kernel) {
		outbuf_escaped(o, s->payload, s->res.len);
		return;
	}
	if (exec > s->ts && exec < s->res.read_ns + fill_exec_race(s)) {
		if (s->exec_file && exec_file)
			outbuf_escaped(o, exec_file, strlen(exec_file));
		else
			outbuf_puts(o, "[user: the process exec'd before the read]");
		return;
	}
	mark = failure(s, exit) ? NULL : verdict(s);
	/* the kernel's whole copy, made at the event, is the value */
	if ((!mark || !strcmp(mark, "changed")) && s->verify == VERIFY_STRING && s->kernel_len) {
		outbuf_escaped(o, s->kernel, strnlen(s->kernel, s->kernel_len));
		return;
	}
	if (!mark) {
		outbuf_puts(o, failure(s, exit));
		return;
	}
	if (s->kind == FILL_STRING || (s->kind == FILL_BYTES && s->text)) {
		outbuf_escaped(o, s->payload, s->res.len);
		if (s->res.flags & (FILL_TRUNCATED | FILL_UNTERMINATED))
			outbuf_puts(o, "...");
	} else {
		put_value(o, s);
	}
	if (strcmp(mark, "verified"))
		outbuf_printf(o, " [user %s]", mark);
}
