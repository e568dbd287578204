// SPDX-License-Identifier: GPL-2.0
/*
 * The companion reader as a process: start ktfill --serve with a pipe to
 * its input (requests) and one from its output (answers), both
 * non-blocking on ktprobe's side, so the drain never waits for it; send
 * whole requests, receive whole answers, end it by closing its input.
 * What requests and answers mean is fill_slots.c's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "companion.h"
#include "utils.h"

#define PIPE_BYTES	(1 << 20)
#define READ_CHUNK	65536

/* The companion: "ktfill" next to this program, else on PATH. */
static char *find_ktfill(void)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			path = xasprintf("%.*s/ktfill", (int)(slash - exe), exe);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	return xstrdup("ktfill");
}

/*
 * companion_start - start ktfill --serve; -1, with a warning, when it
 * cannot run: the trace then goes on without fills
 */
int companion_start(struct companion *c)
{
	int req[2], res[2], ready[2];
	char *path = find_ktfill();
	pid_t pid;
	char err;

	if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		warn_msg("no companion reader (pipe: %s): values are not filled", strerror(errno));
		free(path);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);	/* ktprobe ends it by closing its input */
		signal(SIGPIPE, SIG_DFL);
		dup2(req[0], 0);
		dup2(res[1], 1);
		execlp(path, "ktfill", "--serve", (char *)NULL);
		err = 1;
		if (write(ready[1], &err, 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(req[0]);
	close(res[1]);
	close(ready[1]);
	/* the ready pipe closes on exec: a byte on it means exec failed */
	if (pid < 0 || read(ready[0], &err, 1) == 1) {
		warn_msg("cannot run the companion reader %s: values are not filled", path);
		close(ready[0]);
		close(req[1]);
		close(res[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		free(path);
		return -1;
	}
	close(ready[0]);
	free(path);
	*c = (struct companion) { .worker = pid, .req_fd = req[1], .res_fd = res[0] };
	fcntl(c->req_fd, F_SETFL, O_NONBLOCK);
	fcntl(c->res_fd, F_SETFL, O_NONBLOCK);
	fcntl(c->req_fd, F_SETPIPE_SZ, PIPE_BYTES);
	fcntl(c->res_fd, F_SETPIPE_SZ, PIPE_BYTES);
	return 0;
}

/*
 * companion_send - write what of @buf fits in the pipe now, in whole
 * records of @unit bytes; returns the bytes sent (a multiple of @unit)
 */
size_t companion_send(struct companion *c, const void *buf, size_t len, size_t unit)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(c->req_fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	if (done % unit) {
		/* a record cut in the middle: finish it, it is already half in the pipe */
		size_t rest = unit - done % unit;
		int flags = fcntl(c->req_fd, F_GETFL);

		fcntl(c->req_fd, F_SETFL, flags & ~O_NONBLOCK);
		if (write(c->req_fd, p + done, rest) == (ssize_t)rest)
			done += rest;
		fcntl(c->req_fd, F_SETFL, flags);
	}
	return done - done % unit;
}

/* companion_receive - read the answers that have arrived, handing whole ones to @take */
void companion_receive(struct companion *c, companion_take_fn take, void *ctx)
{
	for (;;) {
		size_t off;
		ssize_t n;

		if (c->rlen + READ_CHUNK > c->rcap) {
			c->rcap = c->rcap ? c->rcap * 2 : 2 * READ_CHUNK;
			c->rbuf = xrealloc(c->rbuf, c->rcap);
		}
		n = read(c->res_fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n <= 0)
			break;
		c->rlen += n;
		off = take(ctx, c->rbuf, c->rlen);
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

/* companion_wait - wait up to @ms for the companion's next answers */
void companion_wait(const struct companion *c, int ms)
{
	struct pollfd pfd = { .fd = c->res_fd, .events = POLLIN };

	poll(&pfd, 1, ms);
}

/* companion_stop - close its input (its signal to end) and wait for it */
void companion_stop(struct companion *c)
{
	close(c->req_fd);
	close(c->res_fd);
	waitpid(c->worker, NULL, 0);
	free(c->rbuf);
}
