// SPDX-License-Identifier: GPL-2.0
/*
 * A syscall event's line, as the kernel's own syscall text has it:
 * "sys_openat(dfd: 0xffffff9c, filename: 0x7ffd5c2a ..., flags: ...)".
 * An argument the kernel copied (6.19+) shows the copy; one that points
 * to user memory the kernel did not copy is read by the companion, by
 * the rule of its declared type (event_plan.c).
 */
#include <string.h>

#include "field_value.h"
#include "fill.h"
#include "format_parts.h"
#include "utils.h"

/* The text of a syscall's string copy, without its NUL and the "..." that marks a cut. */
static unsigned int syscall_copy_text_len(const char *s, unsigned int len)
{
	while (len && !s[len - 1])
		len--;
	if (len >= 3 && !memcmp(s + len - 3, "...", 3))
		len -= 3;
	return len;
}

/* Ask for what a syscall argument points to, by the rule of its type. */
static void ask_syscall_fill(struct formatter *f, struct tep_record *rec,
			     const struct sys_fill *sf, unsigned long long ptr,
			     const struct tep_format_field *copy)
{
	struct fill_ask ask = {
		.field = sf->field->name, .addr = ptr, .kind = sf->kind,
		.max = sf->path ? FILL_PATH_MAX : f->fill.string_limit,
		.verify = copy ? VERIFY_PREFIX : VERIFY_NONE, .text = sf->count != NULL,
		.flags = sf->kind != FILL_STRV ? 0 :
			 strcmp(sf->field->name, "envp") ? FILLREQ_CMDLINE : FILLREQ_ENVIRON,
		.exec_file = sf->exec && sf->kind == FILL_STRING,
		/* before 6.19, with kprobes: the kernel's copy may come in a capture */
		.kernel_path = sf->kernel_path && !copy,
	};

	if (sf->count) {
		unsigned long long count = tep_read_number(f->tep, (char *)rec->data + sf->count->offset,
							   sf->count->size);

		if (count < ask.max)
			ask.max = count;
	}
	if (copy) {
		/* the copy checks a prefix: without its NUL and the "..." of a cut */
		ask.kernel = field_data_loc(f->tep, rec, copy, &ask.kernel_len);
		if (ask.kernel)
			ask.kernel_len = syscall_copy_text_len(ask.kernel, ask.kernel_len);
	}
	format_ask_fill(f, rec, &ask, NULL);
}

/*
 * What the kernel copied of a syscall's user memory into the event
 * (6.19+) is the argument's value, shown as the kernel's text shows a
 * string: 0x7ffd5c2a "/etc/hostname" (a buffer's bytes escaped the same
 * way). A string it cut ("..." at the end), a buffer shorter than its
 * count, or a copy it could not make, is read whole from the process and
 * checked against the copy's bytes.
 */
static void put_syscall_copy(struct formatter *f, struct tep_record *rec,
			     const struct sys_fill *sf, unsigned long long ptr)
{
	unsigned int len;
	const char *s = field_data_loc(f->tep, rec, sf->copy, &len);
	bool cut;

	if (sf->count) {
		unsigned long long want = tep_read_number(f->tep, (char *)rec->data + sf->count->offset,
						   sf->count->size);

		cut = len < want && len < f->fill.string_limit;
	} else {
		unsigned int text = s ? syscall_copy_text_len(s, len) : 0, copied = len;

		while (len && !s[len - 1])
			len--;
		/* nothing copied: the kernel could not read it ("" is a NUL) */
		cut = !copied || text < len;
	}
	if (s && (len || !sf->count)) {
		outbuf_add(f->out, " \"", 2);
		outbuf_escaped(f->out, s, len);
		outbuf_putc(f->out, '"');
	}
	if (cut)
		ask_syscall_fill(f, rec, sf, ptr, sf->copy);
}

/*
 * Flags the print fmt decodes, as the kernel's __print_flags does: each
 * known flag whose bits are all set, in the table's order, what is left
 * in hex; open's access mode 0 first as "O_RDONLY".
 */
static void put_flags(struct outbuf *o, const struct sys_fill *sf, unsigned long long v)
{
	bool first = true;

	if (sf->open_mode && !(v & 3)) {
		outbuf_puts(o, "O_RDONLY");
		first = false;
	}
	for (unsigned int i = 0; i < sf->nflags && v; i++) {
		unsigned long long mask = sf->flags[i].mask;

		if (!mask || (v & mask) != mask)
			continue;
		v &= ~mask;
		if (!first)
			outbuf_puts(o, sf->delim);
		outbuf_puts(o, sf->flags[i].name);
		first = false;
	}
	if (v || first) {
		if (!first)
			outbuf_puts(o, sf->delim);
		if (v)
			outbuf_hex(o, v);
		else
			outbuf_putc(o, '0');
	}
}

/* "0%03o", as the print fmt has it for a mode */
static void put_octal(struct outbuf *o, unsigned long long v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = '0' + (v & 7);
		v >>= 3;
	} while (v);
	while (n < 3)
		digits[n++] = '0';
	outbuf_putc(o, '0');
	while (n)
		outbuf_putc(o, digits[--n]);
}

/* An argument's number: decoded flags, octal ("0644"), or hex as the kernel's syscall text. */
static void put_number(struct outbuf *o, const struct sys_fill *sf, unsigned long long v)
{
	if (sf->nflags) {
		put_flags(o, sf, v);
	} else if (sf->octal) {
		put_octal(o, v);
	} else if (v) {
		outbuf_hex(o, v);
	} else {
		outbuf_putc(o, '0');
	}
}

/* syscall_line - a syscall event's text: "sys_openat(dfd: 0xffffff9c, filename: ...)" */
void syscall_line(struct formatter *f, const struct event_plan *p, struct tep_record *rec)
{
	const unsigned char *data = rec->data;
	const struct sys_fill *sf = p->sys_fills;
	struct tep_format_field *field;
	bool first = true;

	outbuf_puts(f->out, p->sys_name);
	if (p->kind == PLAN_SYSCALL_EXIT) {
		outbuf_add(f->out, " -> ", 4);
		outbuf_hex(f->out, tep_read_number(f->tep, data + p->ret->offset, p->ret->size));
		return;
	}
	outbuf_putc(f->out, '(');
	for (field = p->event->format.fields; field; field = field->next) {
		unsigned long long v;

		if (sf->is_nr || sf->is_copy) {
			sf++;
			continue;
		}
		if (field->offset + field->size > rec->size)
			break;
		v = tep_read_number(f->tep, data + field->offset, field->size);
		if (sf->is_int)
			v &= 0xffffffffULL;
		if (!first)						/* "%s: %#llx" */
			outbuf_add(f->out, ", ", 2);
		outbuf_puts(f->out, field->name);
		outbuf_add(f->out, ": ", 2);
		put_number(f->out, sf, v);
		first = false;
		if (sf->copy && v)
			put_syscall_copy(f, rec, sf, v);
		else if (sf->kind && v)
			ask_syscall_fill(f, rec, sf, v, NULL);
		sf++;
	}
	outbuf_putc(f->out, ')');
}

