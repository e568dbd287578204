// SPDX-License-Identifier: GPL-2.0
/*
 * The libFuzzer target over the text ktprobe takes from its user before
 * anything reaches tracefs: probe specs (parsed, then resolved for an
 * architecture with a current kernel's features assumed, as -n --arch
 * does), filters, and fetch arguments translated for each of the nine
 * architectures. Whatever is accepted must become exactly one definition
 * that the kernel reads word for word as ktprobe meant it; a violation
 * abort()s, which libFuzzer reports as a crash. Binary lookups, ELF reads
 * and /sys/module are answered by offline.c: a run touches nothing.
 *
 * An input: byte 0 picks the architecture of both passes (low 4 bits,
 * modulo the nine) and the context of the fetch-argument pass (high 4
 * bits, FA_*: entry or return, kernel or user, syscall wrapper); byte 1
 * holds option bits (FZ_*); the rest is NUL-separated fields: SPEC,
 * FILTER, the path binary resolution returns (empty: derived from the
 * spec), a second SPEC (to exercise naming clashes). Missing fields are empty.
 *
 * Each input goes through every entry of parsers[]: a new parser (count
 * keys) joins with one function and one line there. The same bytes
 * are also decoded as x86-64 machine code (callsite.c's decoder).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "agg_kernel.h"
#include "arch.h"
#include "cli.h"
#include "fetcharg.h"
#include "kfeatures.h"
#include "names.h"
#include "probe_spec.h"
#include "utils.h"
#include "offline.h"
#include "x86_decode.h"

#define GROUP "ktprobe_fuzz"

/* byte 1: how ktprobe runs, what the kernel offers, what the machine holds */
enum {
	FZ_NO_FILL	= 1 << 0,	/* --no-fill: no helper fields */
	FZ_NATIVE	= 1 << 1,	/* no --arch: a path is looked up even then */
	FZ_BIN_FOUND	= 1 << 2,	/* a short name names a file (BIN:SYM, not MOD:SYM) */
	FZ_MODULE	= 1 << 3,	/* it names a loaded module too */
	FZ_LOOKUPS_FAIL	= 1 << 4,	/* the binary or its symbol is not found */
	FZ_TYPE_LIST	= 1 << 5,	/* the kernel's README lists its fetch types */
	FZ_RET_ARGN	= 1 << 6,	/* kretprobes take $argN */
	FZ_NO_UDEREF	= 1 << 7,	/* no +u<offset>(...) */
};

/* byte 0, high bits: where the fetch-argument pass evaluates its arguments */
enum {
	FA_USER		= 1 << 0,	/* uprobe */
	FA_RETURN	= 1 << 1,	/* return probe */
	FA_SYSCALL	= 1 << 2,	/* a syscall wrapper (__x64_sys_...) of the kernel */
};

struct fuzz_input {
	const struct arch_info *arch;
	unsigned int fetch_ctx;		/* FA_* */
	unsigned int flags;		/* FZ_* */
	const char *spec, *filter, *path, *spec2;
	const uint8_t *raw;		/* the input after its two bytes, as machine code */
	size_t raw_len;
};

static void fail(const char *why, const char *text)
{
	dprintf(STDERR_FILENO, "fuzz_spec: %s: \"%s\"\n", why, text);
	abort();
}

/* The kernel's isspace(): its ctype also counts 0xa0 (Latin-1 NBSP) as a space. */
static bool kernel_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* Bytes the kernel's probe parser treats specially: control bytes, '#', its spaces. */
static int special_bytes(const char *s)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p < 0x20 || *p == 0x7f || *p == '#' || kernel_space(*p);
	return n;
}

/* What a current kernel offers, as ktprobe -n --arch assumes it, varied by the input. */
static void assume_kernel(struct kfeatures *kf, const struct fuzz_input *in)
{
	static const char *const types[] = {
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "x8", "x16", "x32",
		"x64", "string", "ustring", "symbol",
	};

	kfeatures_assume(kf, in->arch);
	if (in->flags & FZ_TYPE_LIST)
		for (size_t i = 0; i < ARRAY_SIZE(types); i++)
			strv_push(&kf->types, xstrdup(types[i]));
	kf->kretprobe_argn = in->flags & FZ_RET_ARGN;
	kf->user_deref = !(in->flags & FZ_NO_UDEREF);
}

/*
 * check_definition - the line for dynamic_events is one command that the
 * kernel splits into exactly ktprobe's words: no control byte (a newline
 * starts a second definition), no '#' (the kernel drops the rest as a
 * comment), no space but one ' ' between words, and the head names the
 * event in the run's group.
 */
static void check_definition(const char *line, const struct probe_spec *ps)
{
	const char *p = line + 1;
	char *name;
	int words = 1;

	for (const unsigned char *c = (const unsigned char *)line; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			fail("a control byte in the definition", line);
		if (*c == '#')
			fail("'#' in the definition: the kernel ignores the rest", line);
		if (*c != ' ' && kernel_space(*c))
			fail("a byte the kernel splits words at", line);
		if (*c == ' ') {
			if ((const char *)c == line || !c[1] || c[1] == ' ')
				fail("an empty word in the definition", line);
			words++;
		}
	}
	if (words != 2 + ps->args.n)
		fail("the definition's words are not head, place and one per argument", line);
	if (line[0] != 'p' && line[0] != 'r')
		fail("the definition is neither p: nor r:", line);
	while (line[0] == 'r' && *p >= '0' && *p <= '9')
		p++;
	name = xasprintf(":%s/%s ", GROUP, ps->event);
	if (!str_starts(p, name))
		fail("the definition's head is not KIND:GROUP/EVENT", line);
	free(name);
}

/* Two probes of one run never get the same name from ktprobe. */
static void check_names(const struct probe_spec *specs, int n)
{
	if (n == 2 && probe_spec_is_dynamic(&specs[0]) && probe_spec_is_dynamic(&specs[1]) &&
	    (!specs[0].event_given || !specs[1].event_given) &&
	    !strcmp(specs[0].event, specs[1].event))
		fail("two probes named alike", specs[0].event);
}

/* Probe specs: parse, resolve, name and write them as a dry run with --arch would. */
static void fuzz_spec(const struct fuzz_input *in)
{
	const char *texts[] = { in->spec, in->spec2 };
	struct probe_spec specs[2];
	struct kfeatures kf;
	struct resolve_opts ro = {
		.arch = in->arch,
		.kf = &kf,
		.dry_run = true,
		.foreign = !(in->flags & FZ_NATIVE),
		.fills = !(in->flags & FZ_NO_FILL),
	};
	int n = 0;

	assume_kernel(&kf, in);
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		if (i && !*texts[i])
			break;
		if (probe_spec_parse(texts[i], &specs[n]) || probe_spec_resolve(&specs[n], &ro)) {
			probe_spec_free(&specs[n]);
			continue;
		}
		n++;
	}
	probe_specs_name(specs, n);
	check_names(specs, n);
	for (int i = 0; i < n; i++) {
		char *line = probe_spec_definition(&specs[i], GROUP);

		if (!line != !probe_spec_is_dynamic(&specs[i]))
			fail("a definition for a tracepoint, or none for a probe", specs[i].text);
		if (line)
			check_definition(line, &specs[i]);
		free(line);
		probe_spec_free(&specs[i]);
	}
	kfeatures_free(&kf);
}

/*
 * Filters: ktprobe and ktfill check them with cli_check_filter; an
 * accepted one goes to the event's filter file as it is, and a dry run
 * prints it on one line.
 */
static void fuzz_filter(const struct fuzz_input *in)
{
	if (cli_check_filter(in->filter))
		return;
	for (const unsigned char *c = (const unsigned char *)in->filter; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			fail("an accepted filter with a control byte", in->filter);
}

/* fetcharg_split's parts put together again give the argument. */
static void check_split(const char *arg, const char *name, const char *fetch, const char *type)
{
	char *again = xasprintf("%s%s%s%s%s", name ? name : "", name ? "=" : "", fetch,
				type ? ":" : "", type ? type : "");

	if (strcmp(again, arg))
		fail("fetcharg_split lost or moved bytes", arg);
	if (name && !is_c_identifier(name))
		fail("fetcharg_split named an argument with no C identifier", arg);
	free(again);
}

/* One fetch expression, translated for the input's architecture in the input's context. */
static void translate(const char *fetch, const struct fuzz_input *in)
{
	struct fetch_ctx ctx = {
		.arch = in->arch,
		.user = in->fetch_ctx & FA_USER,
		.ret_probe = in->fetch_ctx & FA_RETURN,
		.kernel_argn = in->arch->kernel_argn,
		.kernel_ret_argn = in->flags & FZ_RET_ARGN,
	};
	struct strv notices = { 0 };
	char *err = NULL, *tr;

	if ((in->fetch_ctx & FA_SYSCALL) && !ctx.user && in->arch->syscall_prefix)
		ctx.syscall_wrapper = in->arch->syscall_prefix;
	tr = fetcharg_translate(fetch, &ctx, &notices, &err);
	if (!tr == !err)
		fail("fetcharg_translate gave both or neither a result and an error", fetch);
	if (tr && special_bytes(tr) != special_bytes(fetch))
		fail("fetcharg_translate added a control byte, space or '#'", fetch);
	free(tr);
	free(err);
	strv_free(&notices);
}

/* Fetch arguments: each word of the spec split into NAME=FETCH:TYPE and translated. */
static void fuzz_fetchargs(const struct fuzz_input *in)
{
	char *text = xstrdup(in->spec), *save = NULL;

	for (char *w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *name, *fetch, *type;

		fetcharg_split(w, &name, &fetch, &type);
		check_split(w, name, fetch, type);
		translate(fetch, in);
		free(name);
		free(fetch);
		free(type);
	}
	free(text);
}

/*
 * Names (names.h): each word that parses as one is walked over the stand-in
 * types (fake_types.c) in the input's context. A walk gives a fetch or an
 * error, never both; the fetch's parentheses balance, it holds no byte the
 * kernel's parser treats specially, and its type none but the user's own.
 */
static void fuzz_names(const struct fuzz_input *in)
{
	char *text = xstrdup(in->spec), *save = NULL;
	struct type_source ts;
	struct nfunc fn;
	char *err = NULL;

	/* past the entry (an offset), a user probe finds parameters in memory or nowhere */
	dwarf_source_open("", &ts, &err);
	dwarf_source_func(&ts, "f", in->flags & FZ_LOOKUPS_FAIL ? 4 : 0, in->arch, &fn, &err);
	for (char *w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		struct fetch_ctx ctx = {
			.arch = in->arch, .user = in->fetch_ctx & FA_USER,
			.ret_probe = in->fetch_ctx & FA_RETURN,
			.kernel_ret_argn = in->flags & FZ_RET_ARGN,
		};
		char *name, *fetch, *type;
		struct name_expr e;
		struct name_fetch nf;
		type_ref t;
		int depth = 0;

		fetcharg_split(w, &name, &fetch, &type);
		if (name_expr_parse(fetch, &e, &err) == 0) {
			if (name_fetch_walk(&ts, &fn, &e, type, &ctx, &nf, &err) == 0) {
				if (err || !nf.fetch || !*nf.type || special_bytes(nf.fetch) ||
				    special_bytes(nf.type) > (type ? special_bytes(type) : 0))
					fail("a name walked to a bad fetch, or with an error", w);
				for (const char *c = nf.fetch; *c && depth >= 0; c++)
					depth += (*c == '(') - (*c == ')');
				if (depth)
					fail("a name walked to unbalanced parentheses", w);
				free(nf.fetch);
				free(nf.type);
			} else if (!err) {
				fail("a name walk failed without a reason", w);
			}
			free(err);
			err = NULL;
			if (name_walk_type(&ts, &fn, &e, &t, &err) == 0 && err)
				fail("name_walk_type gave a type and an error", w);
			name_expr_free(&e);
		} else if (!err) {
			fail("a name was refused without a reason", w);
		}
		free(err);
		err = NULL;
		free(name);
		free(fetch);
		free(type);
	}
	nfunc_free(&fn);
	type_source_free(&ts);
	free(text);
}

/*
 * The input as x86-64 machine code (callsite.c decodes libc with it): every
 * length the decoder gives is within the bytes and the 15 an instruction
 * may have, and what it says of an instruction stays in range
 */
static void fuzz_x86(const struct fuzz_input *in)
{
	for (size_t at = 0; at < in->raw_len; ) {
		struct x86_insn insn;
		int len = x86_decode(in->raw + at, in->raw_len - at, &insn), dst = -1, src = -1;

		if (len < 0) {
			at++;
			continue;
		}
		if (len < 1 || len > 15 || (size_t)len > in->raw_len - at)
			fail("x86 instruction length out of range", "");
		if (x86_reg_move(&insn, &dst, &src) != X86_UNKNOWN && (dst > 15 || src > 15))
			fail("x86 register out of range", "");
		(void)x86_branch(&insn);
		(void)x86_emulated(&insn);
		at += len;
	}
}

/*
 * The counting options (agg.h): the spec field as --count=KEYS, the filter
 * as --sum/--hist FIELD and --format. Keys are accepted with every name
 * set and unique, or refused; what is accepted prints as a table and as
 * JSON, with the input's bytes as a row's key, without a control byte
 * in the text.
 */
/* A parsed hist row: every text within the file's text. */
static const char *hist_text;

static void check_hist_row(void *ctx, const struct agg_hist_row *row)
{
	const struct agg_hist_layout *l = ctx;
	size_t n = strlen(hist_text);

	for (int i = 0; i < l->nkeys; i++) {
		struct outbuf frames;

		if (row->text[i] && (row->text[i] < hist_text ||
				     row->text[i] + row->len[i] > hist_text + n))
			fail("a hist row's key outside the text", hist_text);
		if (l->kind[i] != HK_STACK || !row->text[i])
			continue;
		/* a stack's frames: one key's text, no line in it */
		outbuf_init(&frames, NULL);
		agg_hist_frames(&frames, row->text[i], row->len[i], i % 2 ? "do_sys_openat2" : NULL);
		if (frames.len && memchr(frames.buf, '\n', frames.len))
			fail("a newline in a stack key", hist_text);
		outbuf_free(&frames);
	}
}

/*
 * The kernel's hist file (agg_kernel.c): the second SPEC field as its text,
 * with a layout made of the keys parsed (comm, tid, pid: the thread's
 * execname; fields: strings or numbers by an option bit).
 */
static void fuzz_hist_file(const struct fuzz_input *in, const struct agg_opts *a)
{
	struct agg_hist_layout l = { .sum = a->sum };
	unsigned long long dropped;
	char *trigger;

	for (int i = 0; i < a->nkeys; i++) {
		l.name[l.nkeys] = a->keys[i].name;
		l.kind[l.nkeys++] = a->keys[i].kind == AGG_KEY_COMM ? HK_EXECNAME :
				    a->keys[i].kind == AGG_KEY_STACK ? HK_STACK :
				    in->flags & (8 << (i % 4)) ? HK_STRING : HK_NUMBER;
	}
	hist_text = in->spec2;
	(void)agg_hist_parse(in->spec2, &l, check_hist_row, &l, &dropped);
	trigger = agg_hist_trigger(&l);
	if (strchr(trigger, '\n'))
		fail("a newline in a trigger", trigger);
	free(trigger);
}

static void fuzz_counts(const struct fuzz_input *in)
{
	struct agg_opts a = { 0 };
	struct agg_table t;
	struct outbuf o;

	if (agg_parse_keys(&a, in->spec) == 0) {
		for (int i = 0; i < a.nkeys; i++) {
			if (!a.keys[i].name || !*a.keys[i].name || strchr(a.keys[i].name, ','))
				fail("a key without a name, or with a comma", in->spec);
			for (int j = 0; j < i; j++)
				if (!strcmp(a.keys[i].name, a.keys[j].name))
					fail("a key twice", in->spec);
		}
		(void)agg_parse_field(&a.hist, "--hist", in->filter);
		(void)agg_parse_field(&a.sum, "--sum", in->path);
		fuzz_hist_file(in, &a);
		(void)agg_parse_format(&a, in->filter);
		a.top = in->flags & 3;
		(void)agg_check(&a);
		agg_table_init(&t, a.hist != NULL, in->flags & 4);
		for (size_t at = 0; at + 8 <= in->raw_len; at += 8) {
			unsigned long long v;
			struct agg_row *row = agg_table_row(&t, (const char *)in->raw + at, 8);

			memcpy(&v, in->raw + at, 8);
			row->count++;
			row->sum += v;
			t.events++;
			if (row->buckets)
				row->buckets[agg_bucket(v, in->flags & 4)]++;
		}
		outbuf_init(&o, NULL);
		agg_print(&o, &t, &a, 1.0);
		a.json = !a.json;
		agg_print(&o, &t, &a, 1.0);
		outbuf_free(&o);
		agg_table_free(&t);
	}
	agg_opts_free(&a);
}

static const struct fuzz_parser {
	const char *what;
	void (*run)(const struct fuzz_input *in);
} parsers[] = {
	{ "x86-64 instructions", fuzz_x86 },
	{ "probe specs", fuzz_spec },
	{ "filters", fuzz_filter },
	{ "fetch arguments", fuzz_fetchargs },
	{ "names", fuzz_names },
	{ "count keys", fuzz_counts },
};

/* ktprobe's messages go nowhere (they are still formatted); FUZZ_VERBOSE=1 keeps them. */
static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie, (void)buf;
	return size;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (!getenv("FUZZ_VERBOSE"))
		stderr = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = discard });
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	const char *fields[4];
	char *buf, *p, *end;

	if (size < 2)
		return 0;
	buf = xcalloc(size - 1, 1);
	memcpy(buf, data + 2, size - 2);
	end = buf + size - 2;		/* the terminating NUL */
	p = buf;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		fields[i] = p < end ? p : end;
		p += strlen(fields[i]) + 1;
	}
	in = (struct fuzz_input){
		.arch = arch_by_index((data[0] & 0x0f) % arch_count()),
		.fetch_ctx = data[0] >> 4,
		.flags = data[1],
		.spec = fields[0], .filter = fields[1], .path = fields[2], .spec2 = fields[3],
		.raw = data + 2, .raw_len = size - 2,
	};
	offline_machine = (struct offline_machine){
		.bin_found = in.flags & FZ_BIN_FOUND,
		.module_loaded = in.flags & FZ_MODULE,
		.lookups_fail = in.flags & FZ_LOOKUPS_FAIL,
		.path = in.path,
	};
	for (size_t i = 0; i < ARRAY_SIZE(parsers); i++)
		parsers[i].run(&in);
	free(buf);
	return 0;
}
