// SPDX-License-Identifier: GPL-2.0
/*
 * Probe specs: the perf-tools forms (p:do_sys_open ..., p:bash:readline,
 * p:libc:0xbf130) and the kernel's own definition syntax, parsed into one
 * structure and written back as the exact line tracefs gets.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "binpath.h"
#include "elf_sym.h"
#include "fetcharg.h"
#include "kfeatures.h"
#include "kfuncs.h"
#include "fill.h"
#include "probe_spec.h"

/* perf-tools' rule: a second word with '=', '%' or '$' is an argument, not a place. */
static bool looks_like_fetcharg(const char *tok)
{
	return strpbrk(tok, "=%$") || strchr("@+-\\", tok[0]);
}

/*
 * Why the kernel's probe parser would read @s otherwise than ktprobe does,
 * or NULL: '#' starts a comment there (the rest of the definition is
 * dropped), and its isspace() takes byte 0xa0 (part of some UTF-8 letters)
 * for a space that splits a word.
 */
static const char *kernel_misreads(const char *s)
{
	if (strchr(s, '#'))
		return "'#', which the kernel takes for the start of a comment";
	if (strchr(s, 0xa0))
		return "byte 0xa0, which the kernel takes for a space";
	return NULL;
}

static void split_words(const char *text, struct strv *words)
{
	const char *p = text;

	while (*p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n)
			strv_push(words, xstrndup(p, n));
		p += n;
	}
}

/* "GRP/NAME", "NAME" or "GRP/": the names a definition may carry. */
static void parse_name(struct probe_spec *ps, const char *name)
{
	const char *slash = strchr(name, '/');

	if (slash) {
		ps->user_group = xstrndup(name, slash - name);
		name = slash + 1;
	}
	if (*name) {
		ps->event = xstrdup(name);
		ps->event_given = true;
	}
}

/* "SYM[+OFFS]" into sym and offset; a leading digit means a raw address/offset. */
static int parse_sym_offset(struct probe_spec *ps, const char *s)
{
	const char *plus = strchr(s, '+');
	unsigned long long off = 0;

	if (isdigit((unsigned char)s[0])) {
		if (parse_u64(s, &ps->offset)) {
			err_msg("'%s' in '%s' is neither a symbol nor a number", s, ps->text);
			return -1;
		}
		return 0;
	}
	if (plus) {
		if (parse_u64(plus + 1, &off)) {
			err_msg("bad offset '%s' in '%s'", plus + 1, ps->text);
			return -1;
		}
		ps->sym = xstrndup(s, plus - s);
	} else {
		ps->sym = xstrdup(s);
	}
	if (!*ps->sym) {
		err_msg("no function name in '%s'", ps->text);
		return -1;
	}
	ps->offset = off;
	return 0;
}

static int parse_place(struct probe_spec *ps, const char *place)
{
	char *p = xstrdup(place), *ret, *colon;
	int err;

	ret = strstr(p, "%return");
	if (ret) {
		if (ret[7]) {
			err_msg("'%%return' must end the place in '%s'", ps->text);
			free(p);
			return -1;
		}
		*ret = '\0';
		ps->ret_syntax = true;
		if (ps->kind == PROBE_KPROBE)
			ps->kind = PROBE_KRETPROBE;
	}
	if (strchr(p, '(')) {
		err_msg("uprobe reference counters '(...)' are not supported: '%s'", ps->text);
		free(p);
		return -1;
	}
	colon = strrchr(p, ':');
	if (colon) {
		*colon = '\0';
		if (!*p || !colon[1]) {
			err_msg("'%s': expected BINARY:SYMBOL or MODULE:SYMBOL", place);
			free(p);
			return -1;
		}
		ps->module_or_bin = xstrdup(p);
		err = parse_sym_offset(ps, colon + 1);
	} else {
		err = parse_sym_offset(ps, p);
	}
	ps->place = xstrdup(place);
	if (ret)
		ps->place[strlen(ps->place) - 7] = '\0';
	free(p);
	return err;
}

static int parse_tracepoint(struct probe_spec *ps, const char *what, int nwords)
{
	const char *sep = strpbrk(what, ":/");

	if (!sep || sep == what || !sep[1] || strpbrk(sep + 1, ":/")) {
		err_msg("'%s': a tracepoint is t:SYSTEM:EVENT, e.g. t:syscalls:sys_enter_openat",
			ps->text);
		return -1;
	}
	if (nwords > 1) {
		err_msg("'%s': tracepoints take no fetch arguments (a FILTER selects events)",
			ps->text);
		return -1;
	}
	ps->kind = PROBE_TRACEPOINT;
	ps->system = xstrndup(what, sep - what);
	ps->event = xstrdup(sep + 1);
	ps->event_given = true;
	return 0;
}

/*
 * probe_spec_parse - parse one spec; syntax only, nothing is looked up
 *
 * Forms: "p:FUNC ARGS" / "p:NAME FUNC ARGS" (perf-tools), "p FUNC",
 * "p:GRP/NAME PLACE ARGS", "rN:..." (kernel), "p:BIN:SYM+OFFS",
 * "p:BIN:0xOFFSET", "SYM%return", "t:SYSTEM:EVENT". Prints a one-line error
 * and returns -1 on bad syntax.
 */
int probe_spec_parse(const char *text, struct probe_spec *ps)
{
	struct strv w = { 0 };
	const char *head, *rest = NULL, *place;
	int first_arg, ret = -1;

	memset(ps, 0, sizeof(*ps));
	ps->text = xstrdup(text);
	if (str_has_control(text)) {
		err_msg("probe spec contains a control character (newline, tab, ...): refused");
		return -1;
	}
	if (kernel_misreads(text)) {
		err_msg("probe spec contains %s: refused", kernel_misreads(text));
		return -1;
	}
	split_words(text, &w);
	if (!w.n) {
		err_msg("empty probe spec");
		goto out;
	}
	head = w.v[0];
	if (str_starts(head, "t:"))
		return ret = parse_tracepoint(ps, head + 2, w.n), strv_free(&w), ret;
	if (head[0] == 'p') {
		ps->kind = PROBE_KPROBE;
		rest = head + 1;
	} else if (head[0] == 'r') {
		ps->kind = PROBE_KRETPROBE;
		rest = head + 1;
		if (isdigit((unsigned char)*rest)) {
			ps->maxactive = strtoul(rest, (char **)&rest, 10);
			if (!ps->maxactive) {
				err_msg("'%s': maxactive must be at least 1", text);
				goto out;
			}
		}
	} else if (head[0] == '-') {
		err_msg("'%s': ktprobe removes only its own events (see --cleanup)", text);
		goto out;
	} else {
		err_msg("'%s': a spec starts with p: (probe), r: (return probe) or "
			"t: (tracepoint)", text);
		goto out;
	}
	if (*rest == '\0') {
		/* kernel syntax without a name: "p PLACE ARGS" */
		if (w.n < 2) {
			err_msg("'%s': no function or binary to probe", text);
			goto out;
		}
		place = w.v[1];
		first_arg = 2;
	} else if (*rest != ':' || !rest[1]) {
		err_msg("'%s': expected '%c:' followed by a place or a name", text, head[0]);
		goto out;
	} else if (strchr(rest + 1, ':')) {
		place = rest + 1;		/* p:BIN:SYM or p:MOD:SYM */
		first_arg = 1;
	} else if (w.n > 1 && !looks_like_fetcharg(w.v[1])) {
		parse_name(ps, rest + 1);	/* p:[GRP/]NAME PLACE */
		place = w.v[1];
		first_arg = 2;
	} else {
		place = rest + 1;		/* p:FUNC ARGS */
		first_arg = 1;
	}
	if (parse_place(ps, place))
		goto out;
	if (ps->kind == PROBE_KRETPROBE && ps->ret_syntax && head[0] == 'r') {
		err_msg("'%s': use either r: or %%return, not both", text);
		goto out;
	}
	for (int i = first_arg; i < w.n; i++)
		strv_push(&ps->args, xstrdup(w.v[i]));
	ret = 0;
out:
	strv_free(&w);
	return ret;
}

bool probe_spec_is_user(const struct probe_spec *ps)
{
	return ps->kind == PROBE_UPROBE || ps->kind == PROBE_URETPROBE;
}

bool probe_spec_is_return(const struct probe_spec *ps)
{
	return ps->kind == PROBE_KRETPROBE || ps->kind == PROBE_URETPROBE;
}

bool probe_spec_is_dynamic(const struct probe_spec *ps)
{
	return ps->kind != PROBE_TRACEPOINT;
}

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
		if (!ro->quiet)
			note_msg("'%s': %s is taken as a path on the %s machine; its offset is "
				 "not checked", ps->text, ps->path, ro->arch->name);
		return 0;
	}
	ps->path = bin_resolve(ps->module_or_bin, ro->pid, ro->arch);
	if (!ps->path)
		return -1;
	if (strchr(ps->path, ' ') || str_has_control(ps->path) || kernel_misreads(ps->path)) {
		err_msg("%s: the kernel's uprobe syntax cannot take a path with a space, a "
			"control character, '#' or byte 0xa0", ps->path);
		return -1;
	}
	if (!ps->sym) {
		ps->file_offset = ps->offset;
		return elf_check_offset(ps->path, ps->file_offset, ro->arch);
	}
	if (elf_symbol_offset(ps->path, ps->sym, ro->arch, &ps->file_offset))
		return -1;
	ps->file_offset += ps->offset;
	return 0;
}

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

/*
 * The helper that fetches the pointer of string argument @name, "+OFF(E)":
 * "__kfOFF_name=E:x64" ('m' for a negative OFF), or NULL for other forms.
 */
static char *string_pointer_helper(const char *name, const char *fetch)
{
	const char *p = fetch, *open;
	size_t len = strlen(fetch);
	bool minus = *p == '-';
	long long off;

	if ((*p != '+' && *p != '-') || fetch[len - 1] != ')')
		return NULL;
	p++;
	if (*p == 'u')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	off = strtoll(p, (char **)&open, 0);
	if (*open != '(')
		return NULL;
	return xasprintf("__kf%s%lld_%s=%.*s:x64", minus ? "m" : "", off, name,
			 (int)(len - (open - fetch) - 2), open + 1);
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

/* The helper field @helper, if its name fits the kernel's limit on argument names. */
static void push_helper(struct strv *out, char *helper)
{
	const char *eq = helper ? strchr(helper, '=') : NULL;

	if (eq && eq - helper < 32)
		strv_push(out, helper);
	else
		free(helper);
}

/*
 * Append argument NAME=FETCH:TYPE to @out, with ktprobe's helper fields
 * for the companion (see format.c): the pointer of a string the kernel may
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
			push_helper(out, string_pointer_helper(name, fetch));
		return;
	}
	strv_push(out, xasprintf("%s=%s:x64", name, fetch));
	if (!fills)
		return;
	if (fill == 0)	/* the kernel's own copy, or (fault): to verify the read */
		push_helper(out, xasprintf("__kv_%s=+0(%s):ustring", name, fetch));
	else if (user)	/* uprobes: copy_from_user zero-fills what faults */
		push_helper(out, xasprintf("__kb%u_%s=+0(%s):x8[%u]", len, name, fetch,
					   len < 16 ? len : 16));
	else		/* kprobes: a fixed-size read that faults leaves garbage: none */
		push_helper(out, xasprintf("__kb%u_%s=\\0:u8", len, name));
}

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
	if (!ro->quiet)
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
	    kfunc_module_loaded(ps->module_or_bin))
		err = resolve_kprobe(ps, ro);		/* MOD:SYM */
	else if (ps->module_or_bin)
		err = resolve_uprobe(ps, ro);
	else
		err = resolve_kprobe(ps, ro);
	if (err)
		return -1;
	if (probe_spec_is_user(ps) && ro->kf->live && !ro->kf->uprobe_events) {
		err_msg("'%s': this kernel has no uprobes (CONFIG_UPROBE_EVENTS is off)", ps->text);
		return -1;
	}
	return translate_args(ps, ro);
}

/* A C identifier made of @s: other bytes become '_'. */
static char *sanitize_name(const char *s)
{
	char *n = xstrdup(s);

	for (char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	if (isdigit((unsigned char)n[0])) {
		char *m = xasprintf("_%s", n);

		free(n);
		n = m;
	}
	return n;
}

static char *default_name(const struct probe_spec *ps)
{
	char *base, *name;

	if (ps->sym && ps->offset)
		base = xasprintf("%s_0x%llx", ps->sym, ps->offset);
	else if (ps->sym)
		base = xstrdup(ps->sym);
	else if (ps->module_or_bin) {
		const char *b = strrchr(ps->module_or_bin, '/');
		char *stem = xstrdup(b ? b + 1 : ps->module_or_bin);

		stem[strcspn(stem, ".")] = '\0';
		base = xasprintf("%s_0x%llx", stem, ps->offset);
		free(stem);
	} else {
		base = xasprintf("addr_0x%llx", ps->offset);
	}
	name = sanitize_name(base);
	free(base);
	return name;
}

static bool name_taken(struct probe_spec *specs, int n, int self, const char *name)
{
	for (int i = 0; i < n; i++)
		if (i != self && specs[i].event && probe_spec_is_dynamic(&specs[i]) &&
		    !strcmp(specs[i].event, name))
			return true;
	return false;
}

/*
 * probe_specs_name - give every dynamic probe without a name a unique one
 *
 * The name is the function's (as perf-tools does); when an entry and a
 * return probe of one function share a run, the return one becomes
 * FUNC__return, and further clashes get _2, _3, ...
 */
void probe_specs_name(struct probe_spec *specs, int n)
{
	for (int i = 0; i < n; i++) {
		struct probe_spec *ps = &specs[i];
		char *name;

		if (ps->event || !probe_spec_is_dynamic(ps))
			continue;
		name = default_name(ps);
		if (name_taken(specs, n, i, name) && probe_spec_is_return(ps)) {
			char *r = xasprintf("%s__return", name);

			free(name);
			name = r;
		}
		for (int k = 2; name_taken(specs, n, i, name); k++) {
			char *base = default_name(ps);

			free(name);
			name = xasprintf("%s%s_%d", base, probe_spec_is_return(ps) ? "__return" : "", k);
			free(base);
		}
		ps->event = name;
	}
}

/*
 * probe_spec_definition - the line written to dynamic_events for @ps in
 * @group (NULL for a tracepoint, which needs no definition)
 */
char *probe_spec_definition(const struct probe_spec *ps, const char *group)
{
	char *args, *head, *line;
	struct strv sv = ps->args;

	if (!probe_spec_is_dynamic(ps))
		return NULL;
	args = strv_join(&sv, " ", INT_MAX);
	if (ps->kind == PROBE_KRETPROBE && ps->maxactive)
		head = xasprintf("r%u:%s/%s", ps->maxactive, group, ps->event);
	else
		head = xasprintf("%c:%s/%s", probe_spec_is_return(ps) ? 'r' : 'p', group, ps->event);
	if (probe_spec_is_user(ps))
		line = xasprintf("%s %s:0x%llx%s%s", head, ps->path, ps->file_offset,
				 *args ? " " : "", args);
	else
		line = xasprintf("%s %s%s%s", head, ps->place, *args ? " " : "", args);
	free(head);
	free(args);
	return line;
}

/* probe_spec_free - release everything @ps owns */
void probe_spec_free(struct probe_spec *ps)
{
	free(ps->text);
	free(ps->user_group);
	free(ps->event);
	free(ps->place);
	free(ps->module_or_bin);
	free(ps->sym);
	free(ps->path);
	free(ps->system);
	free(ps->filter);
	strv_free(&ps->args);
	memset(ps, 0, sizeof(*ps));
}
