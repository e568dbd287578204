/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_COMPANION_H
#define KTP_COMPANION_H

#include <stddef.h>
#include <sys/types.h>

/* The companion reader (ktfill --serve) and the two pipes to it. */
struct companion {
	pid_t worker;
	int req_fd, res_fd;		/* its standard input, its standard output */
	char *rbuf;			/* answers read, not yet whole */
	size_t rlen, rcap;
};

/* Takes the whole answers at the start of @buf; returns the bytes it used. */
typedef size_t (*companion_take_fn)(void *ctx, const char *buf, size_t len);

int companion_start(struct companion *c);
size_t companion_send(struct companion *c, const void *buf, size_t len, size_t unit);
void companion_receive(struct companion *c, companion_take_fn take, void *ctx);
void companion_wait(const struct companion *c, int ms);
void companion_stop(struct companion *c);

#endif
