// SPDX-License-Identifier: GPL-2.0
/*
 * Portable fetch arguments: $argN and the registers of other architectures
 * rewritten into what the kernel of the target architecture accepts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcharg.h"

/*
 * When a foreign register means different things on different architectures
 * (%r2 is arm's third argument but s390's first), the first architecture in
 * this order that gives it a meaning wins, and the notice says which.
 */
static const char *const source_priority[] = {
	"x86_64", "arm64", "arm", "riscv64", "powerpc64", "s390x",
	"loongarch64", "mips64", "i386",
};

enum reg_meaning { MEAN_NONE, MEAN_ARG, MEAN_RET, MEAN_SP };

static const char *ordinal(int n)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%d%s", n,
		 n % 100 >= 11 && n % 100 <= 13 ? "th" :
		 n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th");
	return buf;
}

/*
 * fetcharg_arg_location - the kernel's spelling of C argument @n at the target: a
 * register or $stackN; NULL where ktprobe cannot address it
 */
char *fetcharg_arg_location(const struct fetch_ctx *ctx, int n)
{
	const char *reg = arch_arg_register(ctx->arch, ctx->user, n);
	int nregs = arch_arg_count(ctx->arch, ctx->user);
	int first = ctx->user ? ctx->arch->ustack_first : ctx->arch->kstack_first;

	if (reg)
		return xasprintf("%%%s", reg);
	if (first < 0)
		return NULL;
	return xasprintf("$stack%d", first + n - nregs - 1);
}

/* What register @reg of @arch means at this probe site, if anything. */
static enum reg_meaning reg_meaning(const struct arch_info *arch, const char *reg,
				    const struct fetch_ctx *ctx, int *argn)
{
	if (!arch_has_register(arch, reg))
		return MEAN_NONE;
	if (ctx->ret_probe && !strcmp(reg, arch->ret))
		return MEAN_RET;
	*argn = arch_register_arg_index(arch, ctx->user, reg);
	if (*argn && !ctx->ret_probe)
		return MEAN_ARG;
	if (!strcmp(reg, arch->sp))
		return MEAN_SP;
	return MEAN_NONE;
}

/* Translate "%reg" that the target does not know; NULL (message printed) if impossible. */
static char *translate_register(const char *reg, const struct fetch_ctx *ctx,
				struct strv *notices, char **err)
{
	const struct arch_info *src = NULL;
	enum reg_meaning m = MEAN_NONE;
	bool known = false;
	char *out = NULL;
	int argn = 0;

	for (size_t i = 0; i < ARRAY_SIZE(source_priority); i++) {
		const struct arch_info *a = arch_find(source_priority[i]);

		if (a == ctx->arch || !arch_has_register(a, reg))
			continue;
		known = true;
		m = reg_meaning(a, reg, ctx, &argn);
		if (m != MEAN_NONE) {
			src = a;
			break;
		}
	}
	if (!known)	/* no architecture has it: the kernel will say so, with a caret */
		return xasprintf("%%%s", reg);
	switch (m) {
	case MEAN_ARG:
		out = fetcharg_arg_location(ctx, argn);
		if (!out) {
			*err = xasprintf("%%%s is the %s argument on %s, but %s passes it on "
					 "the stack in a way ktprobe cannot address", reg,
					 ordinal(argn), src->name, ctx->arch->name);
			return NULL;
		}
		strv_push(notices, xasprintf("%%%s is %s's %s argument register; "
					     "using %s on %s", reg, src->name,
					     ordinal(argn), out, ctx->arch->name));
		return out;
	case MEAN_RET:
		out = xasprintf("%%%s", ctx->arch->ret);
		strv_push(notices, xasprintf("%%%s is %s's return-value register; "
					     "using %s on %s", reg, src->name, out,
					     ctx->arch->name));
		return out;
	case MEAN_SP:
		out = xasprintf("%%%s", ctx->arch->sp);
		strv_push(notices, xasprintf("%%%s is %s's stack pointer; using %s on %s",
					     reg, src->name, out, ctx->arch->name));
		return out;
	case MEAN_NONE:
		break;
	}
	*err = xasprintf("%%%s is not a %s register, and where it exists it is no argument%s "
			 "register that could be translated", reg, ctx->arch->name,
			 ctx->ret_probe ? ", return-value or stack" : " or stack");
	return NULL;
}

/* Translate "$argN" where the kernel does not take it. */
static char *translate_argn(int n, const struct fetch_ctx *ctx, struct strv *notices,
			    char **err)
{
	char *out;

	if (ctx->ret_probe) {
		if (ctx->user)
			*err = xasprintf("$arg%d cannot be fetched by a uretprobe: when the "
					 "function returns, its argument registers hold other "
					 "values", n);
		else
			*err = xasprintf("$arg%d in a kretprobe needs a kernel that lists "
					 "$arg<N> under 'kernel return probes support' in its "
					 "tracefs README", n);
		return NULL;
	}
	out = fetcharg_arg_location(ctx, n);
	if (!out) {
		*err = xasprintf("$arg%d: %s passes this argument on the stack in a way "
				 "ktprobe cannot address", n, ctx->arch->name);
		return NULL;
	}
	if (!ctx->user)
		strv_push(notices, xasprintf("%s kprobes have no $argN here; $arg%d written as %s",
					     ctx->arch->name, n, out));
	return out;
}

/* $argN as the kernel here takes it: kept, or written as a register or stack slot. */
static char *argn_location(int n, const struct fetch_ctx *ctx, struct strv *notices, char **err)
{
	if (!ctx->user && ctx->kernel_argn && (!ctx->ret_probe || ctx->kernel_ret_argn))
		return xasprintf("$arg%d", n);
	return translate_argn(n, ctx, notices, err);
}

/*
 * $argN of a syscall wrapper (__x64_sys_openat): its only argument is the
 * user's saved registers, so the syscall's argument N is a load from the
 * pt_regs slot of the syscall ABI's Nth register.
 */
static char *translate_syscall_argn(int n, const struct fetch_ctx *ctx, struct strv *notices,
				    char **err)
{
	const int *off = ctx->arch->syscall_regs_off;
	char *regs, *out;
	int count = 0;

	while (off[count] >= 0)
		count++;
	if (n < 1 || n > count) {
		*err = xasprintf("$arg%d: syscalls have at most %d arguments", n, count);
		return NULL;
	}
	if (ctx->ret_probe && !ctx->kernel_ret_argn) {
		*err = xasprintf("$arg%d of %s is read from the saved registers it gets in $arg1, "
				 "which a kretprobe cannot fetch on this kernel (no $arg<N> under "
				 "'kernel return probes support' in its tracefs README)", n,
				 ctx->syscall_wrapper);
		return NULL;
	}
	regs = argn_location(1, ctx, notices, err);
	if (!regs)
		return NULL;
	out = xasprintf("+%d(%s)", off[n - 1], regs);
	strv_push(notices, xasprintf("%s takes only the user's saved registers: $arg%d, the "
				     "syscall's argument, is written as %s", ctx->syscall_wrapper,
				     n, out));
	free(regs);
	return out;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * fetcharg_translate - rewrite the registers and $argN of one fetch expression
 * @fetch: the expression without NAME= and :TYPE, e.g. "+0($arg2)"
 *
 * Everything else is copied byte for byte, so the kernel still sees and
 * judges the user's own syntax. Returns a new string, or NULL with *@err
 * set to why the expression cannot be written for the target.
 */
char *fetcharg_translate(const char *fetch, const struct fetch_ctx *ctx,
			 struct strv *notices, char **err)
{
	size_t len = 0, cap = 0;
	char *out = NULL;
	const char *p = fetch;

	append(&out, &len, &cap, "", 0);
	while (*p) {
		if (p[0] == '\\' && p[1] == '"') {
			const char *end = strchr(p + 2, '"');

			end = end ? end + 1 : p + strlen(p);
			append(&out, &len, &cap, p, end - p);
			p = end;
		} else if (*p == '%') {
			const char *s = p + 1;
			char *reg, *tr;

			while (isalnum((unsigned char)*s) || *s == '_')
				s++;
			reg = xstrndup(p + 1, s - p - 1);
			if (!*reg || arch_has_register(ctx->arch, reg)) {
				append(&out, &len, &cap, p, s - p);
			} else {
				tr = translate_register(reg, ctx, notices, err);
				if (!tr) {
					free(reg);
					free(out);
					return NULL;
				}
				append(&out, &len, &cap, tr, strlen(tr));
				free(tr);
			}
			free(reg);
			p = s;
		} else if (str_starts(p, "$arg") && isdigit((unsigned char)p[4])) {
			const char *s = p + 4;
			int n = atoi(s);
			char *tr;

			while (isdigit((unsigned char)*s))
				s++;
			if (isalnum((unsigned char)*s) || *s == '_') {
				append(&out, &len, &cap, p, s - p);
				p = s;
				continue;
			}
			tr = ctx->syscall_wrapper ? translate_syscall_argn(n, ctx, notices, err) :
			     argn_location(n, ctx, notices, err);
			if (!tr) {
				free(out);
				return NULL;
			}
			append(&out, &len, &cap, tr, strlen(tr));
			free(tr);
			p = s;
		} else {
			append(&out, &len, &cap, p, 1);
			p++;
		}
	}
	return out;
}

/*
 * fetcharg_split - split "NAME=FETCH:TYPE" into its parts
 *
 * NAME is present only when the argument starts with a C identifier and '='.
 * TYPE starts at the last ':' outside parentheses and \"...\" immediates.
 * The parts are new strings (NULL when absent); returns 0.
 */
int fetcharg_split(const char *arg, char **name, char **fetch, char **type)
{
	const char *p = arg, *colon = NULL, *body;
	int depth = 0;
	bool quoted = false;

	*name = *type = NULL;
	if (isalpha((unsigned char)*p) || *p == '_') {
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (*p == '=') {
			*name = xstrndup(arg, p - arg);
			arg = p + 1;
		}
	}
	body = arg;
	for (p = body; *p; p++) {
		if (quoted) {
			if (*p == '"')
				quoted = false;
		} else if (p[0] == '\\' && p[1] == '"') {
			quoted = true;
			p++;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == ':' && depth == 0) {
			colon = p;
		}
	}
	if (colon) {
		*fetch = xstrndup(body, colon - body);
		*type = xstrdup(colon + 1);
	} else {
		*fetch = xstrdup(body);
	}
	return 0;
}
