// SPDX-License-Identifier: GPL-2.0
/*
 * Event plans: how the fields of each event type are printed, decided once
 * from its format. Probe events by their print fmt (one conversion per
 * fetch argument, ktprobe's helper fields attached to the argument they
 * help), syscall events by their arguments' C types (what the companion
 * reads for each), stack traces and trace_marker_raw records by their
 * fields; anything else is left to libtraceevent.
 */
#include <stdlib.h>
#include <string.h>

#include "event_plan.h"
#include "fill.h"
#include "fill_fields.h"
#include "kcapture.h"
#include "utils.h"

/* event_plan_free - release a plan made by event_plan_make */
void event_plan_free(struct event_plan *p)
{
	if (!p)
		return;
	free(p->args);
	free(p->sys_name);
	for (int i = 0; p->sys_fills && i < p->event->format.nr_fields; i++)
		free(p->sys_fills[i].flags);
	free(p->sys_fills);
	free(p);
}

/* The element kind of one printf conversion of a probe print fmt. */
static int parse_conversion(const char *fmt, enum arg_kind *kind)
{
	static const struct { const char *conv; enum arg_kind kind; } convs[] = {
		{ "\"%s\"", ARG_STRING }, { "\\\"%s\\\"", ARG_STRING }, { "0x%x", ARG_HEX }, { "0x%Lx", ARG_HEX },
		{ "0x%llx", ARG_HEX }, { "0x%lx", ARG_HEX }, { "%u", ARG_UNSIGNED },
		{ "%Lu", ARG_UNSIGNED }, { "%llu", ARG_UNSIGNED }, { "%lu", ARG_UNSIGNED },
		{ "%d", ARG_SIGNED }, { "%Ld", ARG_SIGNED }, { "%lld", ARG_SIGNED },
		{ "%ld", ARG_SIGNED }, { "%pS", ARG_SYMBOL }, { "%ps", ARG_SYMBOL },
		{ "'%c'", ARG_CHAR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(convs); i++)
		if (!strcmp(fmt, convs[i].conv)) {
			*kind = convs[i].kind;
			return 0;
		}
	return -1;
}

static int elem_size_of(const struct tep_format_field *field, int count)
{
	const char *t = field->type;
	size_t len = strcspn(t, "[ ");

	if (len >= 2 && !strncmp(t + len - 2, "64", 2))
		return 8;
	if (len >= 2 && !strncmp(t + len - 2, "32", 2))
		return 4;
	if (len >= 2 && !strncmp(t + len - 2, "16", 2))
		return 2;
	if (len >= 1 && t[len - 1] == '8')
		return 1;
	return count ? field->size / count : field->size;
}

static struct plan_arg *arg_named(struct event_plan *p, const char *name)
{
	for (int i = 0; i < p->nargs; i++)
		if (!strcmp(p->args[i].field->name, name))
			return &p->args[i];
	return NULL;
}

/* ktprobe's helper fields (fill_fields.h): hidden, and attached to the argument they help. */
static void attach_helpers(struct event_plan *p)
{
	for (int i = 0; i < p->nargs; i++) {
		struct plan_arg *a = &p->args[i], *t;
		struct fill_field ff;

		if (!fill_field_is_helper(a->field->name))
			continue;
		a->hidden = true;
		if (fill_field_parse(a->field->name, &ff) || !(t = arg_named(p, ff.arg)))
			continue;
		switch (ff.kind) {
		case FILL_FIELD_POINTER:
			t->fill_ptr = a->field;
			t->fill_off = ff.offset;
			break;
		case FILL_FIELD_STRING:
			t->user_kind = FILL_STRING;
			t->user_len = FILL_PATH_MAX;
			t->kcap = a->field;
			t->verify = VERIFY_STRING;
			break;
		case FILL_FIELD_BYTES:
			t->user_kind = FILL_BYTES;
			t->user_len = ff.len;
			if (a->count) {
				t->kcap = a->field;
				t->verify = VERIFY_PREFIX;
			}
			break;
		}
	}
}

/*
 * A plan for a kprobe/uprobe event: its print fmt is "(%lx) a=FMT b=FMT"
 * or "(%lx <- %lx) ...", one " NAME=FMT" per fetch argument.
 */
static struct event_plan *plan_probe(struct tep_event *ev)
{
	const char *fmt = ev->print_fmt.format;
	struct event_plan *p;
	char *copy, *tok, *save = NULL;

	if (!fmt || (!str_starts(fmt, "(%lx)") && !str_starts(fmt, "(%lx <- %lx)")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->kind = PLAN_PROBE;
	p->event = ev;
	p->ip = tep_find_field(ev, "__probe_ip");
	p->func = tep_find_field(ev, "__probe_func");
	p->ret_ip = tep_find_field(ev, "__probe_ret_ip");
	if (!p->ip && !(p->func && p->ret_ip))
		goto fail;
	copy = xstrdup(strchr(fmt, ')') + 1);
	p->args = xcalloc(ev->format.nr_fields + 1, sizeof(*p->args));
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '='), *conv;
		struct plan_arg *a = &p->args[p->nargs];

		if (!eq || p->nargs >= ev->format.nr_fields)
			goto fail_copy;
		*eq = '\0';
		a->field = tep_find_field(ev, tok);
		if (!a->field)
			goto fail_copy;
		conv = eq + 1;
		if (conv[0] == '{') {
			char *comma = strpbrk(conv, ",}");

			a->count = 1;
			for (char *c = conv; *c; c++)
				a->count += *c == ',';
			*comma = '\0';
			conv++;
		}
		if (parse_conversion(conv, &a->kind))
			goto fail_copy;
		if (a->kind == ARG_STRING && a->count)
			goto fail_copy;	/* string arrays: leave to libtraceevent */
		a->elem_size = elem_size_of(a->field, a->count);
		if (a->count && a->elem_size * a->count > a->field->size)
			goto fail_copy;
		p->nargs++;
	}
	free(copy);
	attach_helpers(p);
	return p;
fail_copy:
	free(copy);
fail:
	event_plan_free(p);
	return NULL;
}

/* Is C type @type @want, blanks aside ("const char * const *" = "constchar*const*")? */
static bool type_is(const char *type, const char *want)
{
	for (; *type; type++) {
		if (*type == ' ')
			continue;
		if (*type != *want++)
			return false;
	}
	return !*want;
}

/* Whether a syscall argument of C type @type is a 32-bit int in a long slot. */
static bool is_int_type(const char *type)
{
	return !strcmp(type, "int") || !strcmp(type, "unsigned int");
}

/* Is this syscall argument a file name? (then read up to PATH_MAX) */
static bool is_path_name(const char *name)
{
	return strstr(name, "name") || strstr(name, "path") || strstr(name, "file") ||
	       !strcmp(name, "old") || !strcmp(name, "new") || !strcmp(name, "library");
}

/*
 * Kernels from 6.19 copy a syscall's user strings into the event: argument
 * ARG's copy is the __data_loc field __ARG_val. The copy belongs to its
 * argument's value; it is not a field of its own.
 */
static void plan_syscall_copies(struct event_plan *p)
{
	struct tep_format_field *f;
	int i = 0;

	for (f = p->event->format.fields; f; f = f->next, i++) {
		size_t n = strlen(f->name);
		struct tep_format_field *arg;
		int j = 0;

		if (n <= 6 || strncmp(f->name, "__", 2) || strcmp(f->name + n - 4, "_val") ||
		    !(f->flags & TEP_FIELD_IS_DYNAMIC))
			continue;
		p->sys_fills[i].is_copy = true;
		for (arg = p->event->format.fields; arg; arg = arg->next, j++)
			if (strlen(arg->name) == n - 6 && !strncmp(arg->name, f->name + 2, n - 6))
				p->sys_fills[j].copy = f;
	}
}

/* The __print_flags of field @name in the print fmt's arguments @a, or NULL. */
static struct tep_print_arg *find_print_flags(struct tep_print_arg *a, const char *name)
{
	for (; a; a = a->next) {
		struct tep_print_arg *hit = NULL;

		if (a->type == TEP_PRINT_FLAGS && a->flags.field &&
		    a->flags.field->type == TEP_PRINT_FIELD && !strcmp(a->flags.field->field.name, name))
			return a;
		if (a->type == TEP_PRINT_OP) {
			hit = find_print_flags(a->op.left, name);
			if (!hit)
				hit = find_print_flags(a->op.right, name);
		} else if (a->type == TEP_PRINT_TYPE) {
			hit = find_print_flags(a->typecast.item, name);
		}
		if (hit)
			return hit;
	}
	return NULL;
}

/* Whether the print fmt shows argument @name in octal ("mode: 0%03o"). */
static bool printed_octal(const char *fmt, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = fmt ? strstr(fmt, name) : NULL; s; s = strstr(s + 1, name)) {
		if ((s != fmt && s[-1] != ' ' && s[-1] != '"') || strncmp(s + n, ": ", 2))
			continue;
		s += n + 2;
		if (*s == '0')
			s++;
		if (*s++ != '%')
			return false;
		s += strspn(s, "0123456789#-+ ");
		s += strspn(s, "hlz");
		return *s == 'o';
	}
	return false;
}

/*
 * Newer kernels decode some syscall arguments in the print fmt: openat's
 * flags with __print_flags (and "O_RDONLY" for access mode 0), its mode
 * in octal. The table is taken from the event's own print fmt, so it is
 * the running kernel's; the line is still made without libtraceevent's
 * printer (too slow for the stream).
 */
static void plan_syscall_decodes(struct event_plan *p, struct sys_fill *sf)
{
	struct tep_print_arg *fl = find_print_flags(p->event->print_fmt.args, sf->field->name);
	struct tep_print_flag_sym *sym;

	sf->octal = printed_octal(p->event->print_fmt.format, sf->field->name);
	if (!fl)
		return;
	for (sym = fl->flags.flags; sym; sym = sym->next)
		sf->nflags++;
	sf->flags = xcalloc(sf->nflags + 1, sizeof(*sf->flags));
	sf->nflags = 0;
	for (sym = fl->flags.flags; sym; sym = sym->next) {
		struct sys_flag *f = &sf->flags[sf->nflags++];

		f->mask = strtoull(sym->value, NULL, 0);
		f->name = sym->str;
		if (f->mask == 1 && !strcmp(f->name, "O_WRONLY"))
			sf->open_mode = true;
	}
	sf->delim = fl->flags.delim ? fl->flags.delim : "|";
}

/*
 * What the companion reads for a syscall's arguments, by their declared
 * types: "const char *" a string (a file name up to PATH_MAX, other strings
 * up to the string limit; "buf" as many bytes as its count says), "const
 * char *const *" an array of strings (argv, envp).
 */
static void plan_syscall_fills(struct event_plan *p)
{
	struct tep_format_field *f;
	int i = 0;

	p->sys_fills = xcalloc(p->event->format.nr_fields + 1, sizeof(*p->sys_fills));
	for (f = p->event->format.fields; f; f = f->next, i++) {
		struct sys_fill *sf = &p->sys_fills[i];

		sf->field = f;
		sf->exec = strstr(p->event->name, "execve") != NULL;
		sf->is_nr = !strcmp(f->name, "__syscall_nr");
		sf->is_int = is_int_type(f->type);
		plan_syscall_decodes(p, sf);
		if (type_is(f->type, "constchar*const*") || type_is(f->type, "char**") ||
		    type_is(f->type, "constchar**")) {
			sf->kind = FILL_STRV;
		} else if (type_is(f->type, "constchar*") || type_is(f->type, "char*")) {
			sf->count = strcmp(f->name, "buf") ? NULL :
				    tep_find_field(p->event, "count") ? tep_find_field(p->event, "count") :
				    tep_find_field(p->event, "len");
			sf->kind = sf->count ? FILL_BYTES : FILL_STRING;
			sf->path = !sf->count && is_path_name(f->name);
			sf->kernel_path = sf->path && kcapture_covers(p->event->name, f->name);
		}
	}
	plan_syscall_copies(p);
}

static struct event_plan *plan_syscall(struct tep_event *ev)
{
	bool enter = str_starts(ev->name, "sys_enter_");
	struct event_plan *p;

	if (strcmp(ev->system, "syscalls") ||
	    (!enter && !str_starts(ev->name, "sys_exit_")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->sys_name = xasprintf("sys_%s", ev->name + (enter ? 10 : 9));
	if (enter) {
		p->kind = PLAN_SYSCALL_ENTER;
		plan_syscall_fills(p);
		return p;
	}
	p->kind = PLAN_SYSCALL_EXIT;
	p->ret = tep_find_field(ev, "ret");
	if (!p->ret) {
		event_plan_free(p);
		return NULL;
	}
	return p;
}

static struct event_plan *plan_stack(struct tep_event *ev)
{
	struct event_plan *p;

	if (strcmp(ev->system, "ftrace") ||
	    (strcmp(ev->name, "kernel_stack") && strcmp(ev->name, "user_stack")))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->kind = ev->name[0] == 'k' ? PLAN_KERNEL_STACK : PLAN_USER_STACK;
	p->size = tep_find_field(ev, "size");
	p->caller = tep_find_field(ev, "caller");
	if (!p->caller) {
		event_plan_free(p);
		return NULL;
	}
	return p;
}

/* event_plan_generic - the libtraceevent plan for @ev, kept apart from its own plan */
struct event_plan *event_plan_generic(struct tep_event *ev)
{
	static struct event_plan generic = { .kind = PLAN_TEP };

	generic.event = ev;
	return &generic;
}

static struct event_plan *plan_raw_data(struct tep_event *ev)
{
	struct event_plan *p;

	if (strcmp(ev->system, "ftrace") || strcmp(ev->name, "raw_data"))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->event = ev;
	p->kind = PLAN_RAW_DATA;
	p->caller = tep_find_field(ev, "id");
	if (!p->caller) {
		event_plan_free(p);
		return NULL;
	}
	return p;
}


/* event_plan_make - the plan for events of @ev (libtraceevent's when no other fits) */
struct event_plan *event_plan_make(struct tep_event *ev)
{
	struct event_plan *p;

	if (str_starts(ev->name, KCAPTURE_PREFIX)) {
		p = xcalloc(1, sizeof(*p));
		p->kind = PLAN_HIDDEN;
		p->event = ev;
		return p;
	}
	p = plan_probe(ev);

	if (!p)
		p = plan_syscall(ev);
	if (!p)
		p = plan_stack(ev);
	if (!p)
		p = plan_raw_data(ev);
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->kind = PLAN_TEP;
		p->event = ev;
	}
	return p;
}
