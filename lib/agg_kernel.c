// SPDX-License-Identifier: GPL-2.0
/*
 * Counting in the kernel: a hist trigger per traced event, in the run's own
 * instance (appended: a truncating write would remove every trigger of the
 * event), its hist file read back and parsed, the trigger removed again.
 * The kernel keys by thread (common_pid; .execname only labels it): comm
 * and pid keys are rendered from the thread's row by agg_record.c, and a
 * histogram's field is a key, its value bucketed in ktprobe (the kernel's
 * .log2 puts powers of two one bucket off bpftrace's).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agg_kernel.h"
#include "utils.h"

/* agg_hist_trigger - the trigger's text for @l: keys, values, a big table */
char *agg_hist_trigger(const struct agg_hist_layout *l)
{
	struct strv keys = { 0 };
	char *list, *text;

	for (int i = 0; i < l->nkeys; i++)
		strv_push(&keys, l->kind[i] == HK_EXECNAME ? xstrdup("common_pid.execname") :
				 xstrdup(l->name[i]));
	if (!keys.n)
		strv_push(&keys, xstrdup("common_type"));	/* one row: the event's */
	list = strv_join(&keys, ",", keys.n);
	text = xasprintf("hist:keys=%s:vals=hitcount%s%s:size=%u", list, l->sum ? "," : "",
			 l->sum ? l->sum : "", AGG_KERNEL_ROWS);
	free(list);
	strv_free(&keys);
	return text;
}

/* Skip "NAME: " at *p; false when the line does not have it there. */
static bool skip_name(const char **p, const char *name)
{
	size_t len = strlen(name);

	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, name, len) || (*p)[len] != ':')
		return false;
	*p += len + 1;
	while (**p == ' ')
		(*p)++;
	return true;
}

/* A number at *p (decimal), past it; false when there is none. */
static bool take_number(const char **p, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(*p, &end, 10);
	if (end == *p || errno)
		return false;
	*p = end;
	return true;
}

/*
 * One key's value at *p up to the text that follows it (", NEXT:" or
 * " }"): a string's trailing padding dropped, the execname's label and
 * thread split.
 */
static bool take_key(const char **p, const struct agg_hist_layout *l, int i,
		     const char *line_end, struct agg_hist_row *row)
{
	char next[96];
	const char *end;

	if (i + 1 < l->nkeys)
		snprintf(next, sizeof(next), ", %s:", l->kind[i + 1] == HK_EXECNAME ? "common_pid" :
			 l->name[i + 1]);
	else	/* a stack's frames end the key's lines: "}" starts the row's last */
		snprintf(next, sizeof(next), l->kind[i] == HK_STACK ? "\n} hitcount:" : " } hitcount:");
	end = strstr(*p, next);
	if (!end || end > line_end)
		return false;
	if (l->kind[i] == HK_STACK) {
		row->text[i] = *p;
		row->len[i] = end - *p;
	} else if (l->kind[i] == HK_STRING) {
		const char *e = end;

		while (e > *p && e[-1] == ' ')
			e--;
		row->text[i] = *p;
		row->len[i] = e - *p;
	} else if (l->kind[i] == HK_EXECNAME) {
		const char *b = memchr(*p, '[', end - *p), *e = b;

		if (!b)
			return false;
		while (e > *p && e[-1] == ' ')
			e--;
		row->text[i] = *p;
		row->len[i] = e - *p;
		b++;
		while (*b == ' ')
			b++;
		if (!take_number(&b, &row->num[i]))
			return false;
	} else if (!take_number(p, &row->num[i])) {
		return false;
	}
	*p = end + (i + 1 < l->nkeys ? 1 : 2);
	return true;
}

/* One "{ keys } hitcount: N [SUM: M]" line into @row; false if it is not one. */
static bool parse_row(const char *p, const char *line_end, const struct agg_hist_layout *l,
		      struct agg_hist_row *row)
{
	memset(row, 0, sizeof(*row));
	if (strncmp(p, "{ ", 2))
		return false;
	p += 2;
	for (int i = 0; i < l->nkeys; i++)
		if (!skip_name(&p, l->kind[i] == HK_EXECNAME ? "common_pid" : l->name[i]) ||
		    !take_key(&p, l, i, line_end, row))
			return false;
	if (!l->nkeys) {
		p = strstr(p, " } hitcount:");
		if (!p || p > line_end)
			return false;
		p += 2;
	}
	if (!skip_name(&p, "hitcount") || !take_number(&p, &row->hitcount))
		return false;
	return !l->sum || (skip_name(&p, l->sum) && take_number(&p, &row->sum));
}

/* Where the line at @p ends; a row with a stack: its lines up to the one with "} hitcount:". */
static const char *row_end(const char *p, const struct agg_hist_layout *l)
{
	const char *end = strchr(p, '\n');

	if (!strncmp(p, "{ ", 2) && l->nkeys && l->kind[l->nkeys - 1] == HK_STACK) {
		const char *last = strstr(p, "\n} hitcount:");

		end = last ? strchr(last + 1, '\n') : NULL;
	}
	return end ? end : p + strlen(p);
}

/*
 * agg_hist_parse - the rows of a hist file's @text, each handed to @fn;
 * the entries the kernel dropped (its table full) in *dropped. Lines that
 * are not rows (comments, totals) are passed over; -1 when a line that
 * starts like a row does not parse.
 */
int agg_hist_parse(const char *text, const struct agg_hist_layout *l,
		   void (*fn)(void *ctx, const struct agg_hist_row *row), void *ctx,
		   unsigned long long *dropped)
{
	int ret = 0;

	*dropped = 0;
	for (const char *p = text; p && *p; ) {
		const char *end = row_end(p, l);
		struct agg_hist_row row;

		if (!strncmp(p, "{ ", 2)) {
			if (parse_row(p, end, l, &row))
				fn(ctx, &row);
			else
				ret = -1;
		} else if (!strncmp(p, "    Dropped:", 12)) {
			const char *d = p + 12;

			while (*d == ' ')
				d++;
			take_number(&d, dropped);
		}
		p = *end ? end + 1 : end;
	}
	return ret;
}

/*
 * Whether frame @name (@len bytes) is of the tracing machinery: a
 * tracepoint's, or a kretprobe's return trampoline and handlers (rethook
 * since 5.19, fprobe's on the newest kernels), and the breakpoint's
 * exception entry where the probe is one (arm64's brk, x86's int3)
 */
static bool frame_is_tracing(const char *name, size_t len)
{
	static const char *const prefixes[] = {
		"ftrace_", "trace_", "syscall_trace_", "__traceiter_", "perf_trace_",
		"kretprobe_", "__kretprobe_", "rethook_", "arch_rethook_", "trampoline_handler",
		"trampoline_probe_handler", "fprobe_", "__fprobe_", "return_to_handler",
		"kprobe_", "do_el1_brk", "el1_brk", "el1h_64_sync", "exc_int3", "asm_exc_int3",
		"do_int3",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (len >= strlen(prefixes[i]) && !memcmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * agg_frames_tracing - how many bytes of @frames (@len, each ended by
 * AGG_FRAME_SEP) are the tracing machinery's first frames that a stack
 * record can start with (ftrace_syscall_enter, trace_syscall_enter; a
 * kretprobe's handlers and trampoline): the keys of both routes start
 * below them, a kretprobe's at where the function returned to
 */
size_t agg_frames_tracing(const char *frames, size_t len)
{
	size_t at = 0;

	while (at < len) {
		const char *sep = memchr(frames + at, AGG_FRAME_SEP, len - at);

		if (!sep || !frame_is_tracing(frames + at, sep - frames - at))
			break;
		at = sep - frames + 1;
	}
	return at;
}

/* The next frame's name in @p..@end (an indented line), its length in *len. */
static const char *frame_name(const char **p, const char *end, size_t *len)
{
	const char *eol = memchr(*p, '\n', end - *p), *name = *p, *stop;

	if (!eol)
		eol = end;
	while (name < eol && *name == ' ')
		name++;
	for (stop = name; stop < eol && *stop != '+' && *stop != ' '; stop++)
		;
	*len = stop - name;
	*p = eol + (eol < end);
	return name;
}

/*
 * agg_hist_frames - a stack key's lines from the hist file (@text, @len:
 * "func+0x1c/0x90 [mod]", one a line, indented) as ktprobe's own counting
 * keys them, names as -s prints them, each ended by AGG_FRAME_SEP; with
 * @func (a kprobe's), the frames down to it left out, as ktprobe's are:
 * the probe's machinery, and the function the event names; so are first
 * frames of the tracing machinery, as in ktprobe's (agg_stack.c)
 */
void agg_hist_frames(struct outbuf *o, const char *text, size_t len, const char *func)
{
	const char *end = text + len, *p = text, *name;
	size_t n, start = o->len, skip;

	while (func && p < end) {
		name = frame_name(&p, end, &n);
		if (n == strlen(func) && !memcmp(name, func, n)) {
			text = p;	/* the callers start after it */
			break;
		}
	}
	for (p = text; p < end; ) {
		name = frame_name(&p, end, &n);
		if (!n)
			continue;
		outbuf_escaped(o, name, n);
		outbuf_putc(o, AGG_FRAME_SEP);
	}
	skip = o->len > start ? agg_frames_tracing(o->buf + start, o->len - start) : 0;
	if (skip) {
		memmove(o->buf + start, o->buf + start + skip, o->len - start - skip);
		o->len -= skip;
	}
}

/*
 * agg_dry_trigger - for -n: the trigger a run would write, from the names
 * as given (@retval: the field $retval becomes, if any; a live run also
 * takes a 6.19+ syscall's __ARG_val copy for ARG)
 */
char *agg_dry_trigger(const struct agg_opts *a, const char *retval, const char *filter)
{
	struct agg_hist_layout l = { 0 };
	bool thread = false;
	char *text, *with;

	for (int i = 0; i < a->nkeys; i++) {
		enum agg_key_kind k = a->keys[i].kind;

		if ((k == AGG_KEY_COMM || k == AGG_KEY_TID || k == AGG_KEY_PID) && !thread) {
			thread = true;
			l.kind[l.nkeys++] = HK_EXECNAME;
		} else if (k == AGG_KEY_CPU || k == AGG_KEY_FIELD) {
			l.kind[l.nkeys] = HK_NUMBER;
			l.name[l.nkeys++] = k == AGG_KEY_CPU ? "common_cpu" :
				!strcmp(a->keys[i].name, "$retval") && retval ? retval : a->keys[i].name;
		}
	}
	if (a->hist || a->latency) {
		l.kind[l.nkeys] = HK_NUMBER;
		l.name[l.nkeys++] = a->latency ? "lat" :
				    !strcmp(a->hist, "$retval") && retval ? retval : a->hist;
	}
	for (int i = 0; i < a->nkeys; i++)
		if (a->keys[i].kind == AGG_KEY_STACK) {
			l.kind[l.nkeys] = HK_STACK;
			l.name[l.nkeys++] = "common_stacktrace";
		}
	if (a->sum)
		l.sum = !strcmp(a->sum, "$retval") && retval ? retval : a->sum;
	text = agg_hist_trigger(&l);
	if (!filter)
		return text;
	with = xasprintf("%s if %s", text, filter);
	free(text);
	return with;
}
