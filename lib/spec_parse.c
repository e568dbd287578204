// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a probe spec: the perf-tools forms (p:do_sys_open ..., p:bash:readline,
 * p:libc:0xbf130), the kernel's own definition syntax and t:SYSTEM:EVENT,
 * parsed into one struct probe_spec (probe_spec.h). Syntax only: nothing is
 * looked up here (spec_resolve.c does that).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_spec.h"

/* A kernel fetch type: string, u32, x64, s8[4], b3@5/32, symbol, @str, @hex16. */
static bool is_fetch_type(const char *t)
{
	static const char *const words[] = { "string", "ustring", "symbol", "symstr", "char",
					     "@str" };
	unsigned int bits = 0;
	int n = 0;

	if (!*t)	/* (strchr() below would find the terminator) */
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(t, words[i]))
			return true;
	if (str_starts(t, "@hex"))
		return isdigit((unsigned char)t[4]);
	if (t[0] == 'b')
		return sscanf(t, "b%*u@%*u/%*u%n", &n) >= 0 && n && !t[n];
	if (!strchr("usx", t[0]) || sscanf(t + 1, "%u%n", &bits, &n) != 1)
		return false;
	t += 1 + n;
	if (*t == '[') {	/* an array, u32[4] */
		t += 1 + strspn(t + 1, "0123456789");
		if (*t++ != ']')
			return false;
	}
	return (bits == 8 || bits == 16 || bits == 32 || bits == 64) && !*t;
}

/*
 * perf-tools' rule: a second word with '=', '%' or '$' is an argument, not
 * a place; so is a name with members ("file->f_inode", "a[2]") or a type
 * ("filename:string"), where a place would be BIN:SYM.
 */
static bool looks_like_fetcharg(const char *tok)
{
	const char *colon = strchr(tok, ':');

	if (strpbrk(tok, "=%$[") || strchr("@+-\\", tok[0]) || strstr(tok, "->"))
		return true;
	return colon && !strchr(colon + 1, ':') && is_fetch_type(colon + 1);
}

/* The words of @text, split at spaces (the kernel's definition syntax has no quoting). */
/*
 * probe_text_misread - why the kernel's probe parser would read @s
 * otherwise than ktprobe does, or NULL: '#' starts a comment there (the
 * rest of the definition is dropped), and its isspace() takes byte 0xa0
 * (part of some UTF-8 letters) for a space that splits a word
 */
const char *probe_text_misread(const char *s)
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

/* The place: "[BIN|MOD:]SYM[+OFFS][%return]" or "[BIN:]ADDR". */
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

/* "t:SYSTEM:EVENT" (or SYSTEM/EVENT), which takes no fetch arguments. */
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
	if (probe_text_misread(text)) {
		err_msg("probe spec contains %s: refused", probe_text_misread(text));
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

/* A uprobe or uretprobe (known once resolved). */
bool probe_spec_is_user(const struct probe_spec *ps)
{
	return ps->kind == PROBE_UPROBE || ps->kind == PROBE_URETPROBE;
}

/* A kretprobe or uretprobe. */
bool probe_spec_is_return(const struct probe_spec *ps)
{
	return ps->kind == PROBE_KRETPROBE || ps->kind == PROBE_URETPROBE;
}

/* A probe ktprobe defines, not a tracepoint that exists already. */
bool probe_spec_is_dynamic(const struct probe_spec *ps)
{
	return ps->kind != PROBE_TRACEPOINT;
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
