// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by every ktprobe program: messages, allocation that
 * cannot fail quietly, string checks and the stop flag set by signals.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utils.h"

const char *ktp_prog = "ktprobe";
volatile sig_atomic_t ktp_stop;
volatile sig_atomic_t ktp_stop_signal;

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", ktp_prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* err_msg - print "prog: MESSAGE" on stderr; the caller decides the exit */
void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* warn_msg - print "prog: warning: MESSAGE" on stderr */
void warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* note_msg - print "prog: note: MESSAGE" on stderr */
void note_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("note: ", fmt, ap);
	va_end(ap);
}

static void out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", ktp_prog);
	abort();
}

/* xcalloc - calloc that aborts with a message instead of returning NULL */
void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

/* xrealloc - realloc that aborts with a message instead of returning NULL */
void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

/* xstrdup - strdup that aborts with a message instead of returning NULL */
char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

/* xstrndup - strndup that aborts with a message instead of returning NULL */
char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		out_of_memory();
	return d;
}

/* xasprintf - asprintf returning the string, aborting when out of memory */
char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0)
		out_of_memory();
	return s;
}

/* strv_push - append @s (now owned by @sv) and keep the array NULL-terminated */
void strv_push(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

/* strv_contains - whether @s is one of the strings of @sv */
bool strv_contains(const struct strv *sv, const char *s)
{
	for (int i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

/* strv_free - free the strings and the array */
void strv_free(struct strv *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* strv_join - the first @max strings joined with @sep, "..." if there are more */
char *strv_join(const struct strv *sv, const char *sep, int max)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < sv->n && i < max; i++)
		len += strlen(sv->v[i]) + strlen(sep);
	len += 4;
	s = xcalloc(1, len);
	for (i = 0; i < sv->n && i < max; i++) {
		if (i)
			strcat(s, sep);
		strcat(s, sv->v[i]);
	}
	if (sv->n > max)
		strcat(s, sep[0] == ',' ? ", ..." : " ...");
	return s;
}

/* str_has_control - whether @s holds a byte that must never reach tracefs */
bool str_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* str_starts - whether @s begins with @prefix */
bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* is_c_identifier - the rule the kernel applies to event and group names */
bool is_c_identifier(const char *s)
{
	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* parse_u64 - a whole string as a decimal or 0x-prefixed number */
int parse_u64(const char *s, unsigned long long *val)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	return 0;
}

/* edit_distance - Levenshtein distance of two short strings, capped at @limit + 1 */
int edit_distance(const char *a, const char *b, int limit)
{
	size_t la = strlen(a), lb = strlen(b);
	int *row, best, d;

	if ((int)(la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;

			d = diag + cost;
			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
			if (d < best)
				best = d;
		}
		if (best > limit) {
			free(row);
			return limit + 1;
		}
	}
	d = row[lb];
	free(row);
	return d > limit ? limit + 1 : d;
}

static void on_stop_signal(int sig)
{
	ktp_stop = 1;
	ktp_stop_signal = sig;
}

/*
 * signals_install - make INT, TERM, HUP and PIPE request a clean stop
 *
 * No SA_RESTART: a blocked poll() or read() returns EINTR so the main loop
 * sees the flag at once and removes what the run created.
 */
void signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* now_ns - CLOCK_MONOTONIC in ns, the clock our instances timestamp with */
unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * fifo_room - room for @more items of @size at the end of a FIFO held in
 * @buf[@start..@end) of @cap: what is held moves to the front, or it grows
 */
void fifo_room(void **buf, size_t *start, size_t *end, size_t *cap, size_t more, size_t size)
{
	if (*end + more <= *cap)
		return;
	if (*start) {
		memmove(*buf, (char *)*buf + *start * size, (*end - *start) * size);
		*end -= *start;
		*start = 0;
	}
	if (*end + more > *cap) {
		*cap = (*end + more) * 2;
		*buf = xrealloc(*buf, *cap * size);
	}
}
