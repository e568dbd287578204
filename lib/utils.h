/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_UTILS_H
#define KTP_UTILS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Program name used as the prefix of every message ("ktprobe"). */
extern const char *ktp_prog;
/* Set by the signal handler: stop as soon as possible and clean up. */
extern volatile sig_atomic_t ktp_stop;
extern volatile sig_atomic_t ktp_stop_signal;

void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void fifo_room(void **buf, size_t *start, size_t *end, size_t *cap, size_t more, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of strings, NULL-terminated. */
struct strv {
	char **v;
	int n;
	int cap;
};
void strv_push(struct strv *sv, char *s);	/* takes ownership */
bool strv_contains(const struct strv *sv, const char *s);
void strv_free(struct strv *sv);
char *strv_join(const struct strv *sv, const char *sep, int max);

bool str_has_control(const char *s);
bool str_starts(const char *s, const char *prefix);
bool is_c_identifier(const char *s);
int parse_u64(const char *s, unsigned long long *val);
int edit_distance(const char *a, const char *b, int limit);

void signals_install(void);

/* Monotonic/boot clock helpers. */
unsigned long long now_ns(void);

#endif
