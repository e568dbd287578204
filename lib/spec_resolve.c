// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving a parsed spec for the machine it will run on: BIN:SYM told from
 * MOD:SYM, the binary and the symbol's file offset found (uprobes), the
 * kernel function and probe types checked (kprobes), and the fetch arguments
 * translated for the architecture, with the helper fields verified fills
 * need (fill_fields.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "binpath.h"
#include "binsym.h"
#include "fetcharg.h"
#include "fill.h"
#include "fill_fields.h"
#include "kfeatures.h"
#include "kfuncs.h"
#include "names.h"
#include "probe_spec.h"

/* BIN:SYM or BIN:OFFSET: the binary's path and the probe's offset in its file. */
static int resolve_uprobe(struct probe_spec *ps, const struct resolve_opts *ro)
{
	if (ps->maxactive) {
		err_msg("'%s': maxactive (rN:) applies to kretprobes only", ps->text);
		return -1;
	}
	ps->kind = ps->kind == PROBE_KRETPROBE ? PROBE_URETPROBE : PROBE_UPROBE;
	if (ro->foreign && !ps->sym && ps->module_or_bin[0] == '/') {
		/* a path on the other machine: nothing here to check it against */
		ps->path = xstrdup(ps->module_or_bin);
		ps->file_offset = ps->offset;
		note_msg("'%s': %s is taken as a path on the %s machine; its offset is "
			 "not checked", ps->text, ps->path, ro->arch->name);
		return 0;
	}
	ps->path = bin_resolve(ps->module_or_bin, ro->pid, ro->arch);
	if (!ps->path)
		return -1;
	if (strchr(ps->path, ' ') || str_has_control(ps->path) || probe_text_misread(ps->path)) {
		err_msg("%s: the kernel's uprobe syntax cannot take a path with a space, a "
			"control character, '#' or byte 0xa0", ps->path);
		return -1;
	}
	if (!ps->sym) {
		ps->file_offset = ps->offset;
		return binsym_check_offset(ps->path, ps->file_offset, ro->arch);
	}
	if (binsym_offset(ps->path, ps->sym, ro->arch, &ps->file_offset))
		return -1;
	ps->file_offset += ps->offset;
	return 0;
}

/* FUNC or MOD:FUNC: the kernel must have kprobes, and (unless -F) trace FUNC. */
static int resolve_kprobe(struct probe_spec *ps, const struct resolve_opts *ro)
{
	if (ro->kf->live && !ro->kf->kprobe_events) {
		if (ro->dry_run) {
			note_msg("this kernel has no kprobes: a real run of '%s' would fail", ps->text);
		} else {
			err_msg("'%s': this kernel has no kprobes (tracefs has no kprobe_events: "
				"CONFIG_KPROBE_EVENTS is off); uprobes and tracepoints still work",
				ps->text);
			return -1;
		}
	}
	if (ps->maxactive && !ro->kf->maxactive) {
		note_msg("'%s': this kernel takes no kretprobe maxactive: left out", ps->text);
		ps->maxactive = 0;
	}
	if (ro->kf->live && ro->kf->kprobe_events && ps->sym && !ro->force)
		return kfunc_check(ps->text, ps->sym, ps->module_or_bin);
	return 0;
}

/* The kernel's string types, which dereference their fetch. */
static bool is_string_type(const char *type)
{
	return !strcmp(type, "string") || !strcmp(type, "ustring");
}

/* A register, $argN, $stackN or $retval: a value, where a string needs memory. */
static bool is_bare_value(const char *fetch)
{
	if (fetch[0] == '%')
		return fetch[1] && !strpbrk(fetch + 1, "()+-@");
	return str_starts(fetch, "$arg") || str_starts(fetch, "$retval") ||
	       (str_starts(fetch, "$stack") && fetch[6]);
}

/* Does @fetch use +u<offset>(...) / -u<offset>(...), a user-memory dereference? */
static bool has_user_deref(const char *fetch)
{
	for (const char *p = fetch; (p = strpbrk(p, "+-")); p++)
		if (p[1] == 'u' && isdigit((unsigned char)p[2]))
			return true;
	return false;
}

/*
 * "@str" (0) or "@hexN" (N): a user pointer the companion reads. Returns
 * -1 for anything else; *@len gets N.
 */
static int parse_fill_type(const char *type, unsigned int *len)
{
	unsigned long long n;

	if (!strcmp(type, "@str"))
		return 0;
	if (str_starts(type, "@hex") && !parse_u64(type + 4, &n) && n >= 1 &&
	    n <= FILL_MAX_PAYLOAD) {
		if (len)
			*len = n;
		return 1;
	}
	return -1;
}

/* The helper field @helper, if there is one (fill_field_define() may find none). */
static void push_helper(struct strv *out, char *helper)
{
	if (helper)
		strv_push(out, helper);
}

/*
 * Append argument NAME=FETCH:TYPE to @out, with ktprobe's helper fields
 * for the companion (fill_fields.h): the pointer of a string the kernel may
 * fail to read, and for @str/@hexN what the kernel can capture itself.
 */
static void add_arg(struct strv *out, const char *name, const char *fetch, const char *type,
		    bool user, bool fills)
{
	unsigned int len = 0;
	int fill = type && type[0] == '@' ? parse_fill_type(type, &len) : -1;

	if (fill < 0) {
		strv_push(out, xasprintf("%s=%s%s%s", name, fetch, type ? ":" : "", type ? type : ""));
		if (fills && type && is_string_type(type))
			push_helper(out, fill_field_define(FILL_FIELD_POINTER, name, fetch, 0));
		return;
	}
	strv_push(out, xasprintf("%s=%s:x64", name, fetch));
	if (!fills)
		return;
	if (fill == 0)	/* the kernel's own copy, or (fault): to verify the read */
		push_helper(out, fill_field_define(FILL_FIELD_STRING, name, fetch, 0));
	else		/* uprobes: copy_from_user zero-fills what faults; kprobes: a
			 * fixed-size read that faults leaves garbage, so no copy */
		push_helper(out, fill_field_define(FILL_FIELD_BYTES, name, user ? fetch : NULL, len));
}

/*
 * Every fetch argument written for @ro->arch and checked against the
 * kernel's features; each note (a translation made) said once.
 */
static int translate_args(struct probe_spec *ps, const struct resolve_opts *ro)
{
	struct fetch_ctx ctx = {
		.arch = ro->arch,
		.user = probe_spec_is_user(ps),
		.ret_probe = probe_spec_is_return(ps),
		.kernel_argn = ro->kf->kprobe_argn,
		.kernel_ret_argn = ro->kf->kretprobe_argn,
	};

	if (!ctx.user && ps->sym && ro->arch->syscall_prefix &&
	    str_starts(ps->sym, ro->arch->syscall_prefix))
		ctx.syscall_wrapper = ps->sym;
	struct strv out = { 0 }, notices = { 0 };
	int ret = -1;

	if (names_rewrite_args(ps, ro, &ctx))
		return -1;
	for (int i = 0; i < ps->args.n; i++) {
		char *name, *fetch, *type, *tr, *err = NULL;

		fetcharg_split(ps->args.v[i], &name, &fetch, &type);
		if (!name)
			name = xasprintf("arg%d", i + 1);	/* the kernel's own default */
		tr = fetcharg_translate(fetch, &ctx, &notices, &err);
		if (tr && type && !kfeatures_has_type(ro->kf, type)) {
			err = xasprintf("this kernel's probes have no '%s' type (see 'type:' in "
					"its tracefs README)", type);
			free(tr);
			tr = NULL;
		}
		if (tr && !ro->kf->user_deref && has_user_deref(tr)) {
			err = xasprintf("this kernel cannot read user memory with +u<offset>(...)");
			free(tr);
			tr = NULL;
		}
		if (tr && type && is_string_type(type) && is_bare_value(tr)) {
			char *deref = xasprintf("+0(%s)", tr);

			strv_push(&notices, xasprintf("'%s:%s' reads the string it points to: "
						      "written as %s:%s", fetch, type, deref, type));
			free(tr);
			tr = deref;
		}
		if (tr && type && type[0] == '@' && parse_fill_type(type, NULL) < 0) {
			err = xasprintf("'%s' is no fill type: @str or @hexN (N bytes, 1..%d)",
					type, FILL_MAX_PAYLOAD);
			free(tr);
			tr = NULL;
		}
		if (tr)
			add_arg(&out, name, tr, type, ctx.user, ro->fills);
		else
			err_msg("'%s': argument '%s': %s", ps->text, ps->args.v[i], err);
		free(name);
		free(fetch);
		free(type);
		free(tr);
		free(err);
		if (!tr)
			goto out;
	}
	for (int i = 0; i < notices.n; i++)
		if (i == 0 || strcmp(notices.v[i], notices.v[i - 1]))
			note_msg("%s", notices.v[i]);
	strv_free(&ps->args);
	ps->args = out;
	memset(&out, 0, sizeof(out));
	ret = 0;
out:
	strv_free(&out);
	strv_free(&notices);
	return ret;
}

/*
 * "p:vfs_read count": the kernel's syntax reads a probe named vfs_read on
 * a function count; if vfs_read is a function (in BTF) and count one of
 * its parameters, it is vfs_read with an argument.
 */
static void reread_name_as_function(struct probe_spec *ps, const struct resolve_opts *ro)
{
	struct strv args = { 0 };

	if (!ps->event_given || ps->user_group || !ps->sym || ps->offset || !ro->names ||
	    !names_is_param(ro->names, ps->event, ps->sym))
		return;
	strv_push(&args, ps->sym);
	for (int i = 0; i < ps->args.n; i++)
		strv_push(&args, ps->args.v[i]);
	free(ps->args.v);
	ps->args = args;
	ps->sym = ps->event;
	ps->event = NULL;
	ps->event_given = false;
	free(ps->place);
	ps->place = xstrdup(ps->sym);
}

/*
 * probe_spec_resolve - turn a parsed spec into what tracefs will get
 *
 * Tells BIN:SYM from MOD:SYM, finds the binary and the symbol's file
 * offset, checks the kernel has the probe type, and translates the fetch
 * arguments for @ro->arch. Prints a one-line error and returns -1 on failure.
 */
int probe_spec_resolve(struct probe_spec *ps, const struct resolve_opts *ro)
{
	int err = 0;

	if (ps->kind == PROBE_TRACEPOINT)
		return 0;
	if (ps->module_or_bin && !strchr(ps->module_or_bin, '/') &&
	    !bin_is_resolvable(ps->module_or_bin, ro->pid, ro->arch) &&
	    (kfunc_module_loaded(ps->module_or_bin) ||
	     (ro->names && btf_source_has_module(ro->names->btf_path, ps->module_or_bin))))
		err = resolve_kprobe(ps, ro);		/* MOD:SYM */
	else if (ps->module_or_bin)
		err = resolve_uprobe(ps, ro);
	else {
		reread_name_as_function(ps, ro);
		err = resolve_kprobe(ps, ro);
	}
	if (err)
		return -1;
	if (probe_spec_is_user(ps) && ro->kf->live && !ro->kf->uprobe_events) {
		err_msg("'%s': this kernel has no uprobes (CONFIG_UPROBE_EVENTS is off)", ps->text);
		return -1;
	}
	return translate_args(ps, ro);
}

