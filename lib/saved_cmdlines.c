// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's saved_cmdlines ("PID COMM" lines): walked entry by entry
 * (a comm may hold a newline), and written again in the escaped form that
 * trace files carry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saved_cmdlines.h"
#include "outbuf.h"
#include "utils.h"

/*
 * saved_cmdlines_walk - call @fn for each entry of the kernel's saved_cmdlines
 * @text ("PID COMM\n" per entry). A comm can hold any byte but NUL (prctl(PR_SET_NAME)),
 * a newline included: the kernel prints it as is, so a line that does not
 * start with "DIGITS " continues the comm of the line before. (A comm that
 * is itself "\nDIGITS x" cannot be told from an entry; it can only name a
 * pid, not hide one.)
 */
void saved_cmdlines_walk(const char *text, void (*fn)(void *arg, int pid, const char *comm), void *arg)
{
	char comm[64];
	size_t len = 0;
	int pid = -1;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n'), *p = line;
		size_t n = end ? (size_t)(end - line) : strlen(line);
		long v = 0;

		while (p < line + n && *p >= '0' && *p <= '9' && v < 1 << 30)
			v = v * 10 + (*p++ - '0');
		if (p > line && p < line + n && *p == ' ') {
			if (pid > 0)
				fn(arg, pid, comm);
			pid = (int)v;
			len = 0;
			p++;
		} else if (pid > 0 && len < sizeof(comm) - 1) {
			comm[len++] = '\n';
			p = line;
		} else {
			p = line + n;
		}
		while (p < line + n && len < sizeof(comm) - 1)
			comm[len++] = *p++;
		comm[len] = '\0';
		line = end ? end + 1 : NULL;
	}
	if (pid > 0)
		fn(arg, pid, comm);
}

static void escape_saved_comm(void *arg, int pid, const char *comm)
{
	struct outbuf *o = arg;

	outbuf_printf(o, "%d ", pid);
	outbuf_escaped(o, comm, strlen(comm));
	outbuf_putc(o, '\n');
}

/*
 * saved_cmdlines_escaped - @text (saved_cmdlines) again with each comm's bytes
 * outside printable ASCII C-escaped, one line per entry: the form trace
 * files can carry (libtraceevent's parser stops at a comm's newline, and
 * trace-cmd report would print control bytes raw). Caller frees.
 */
char *saved_cmdlines_escaped(const char *text)
{
	struct outbuf o;

	outbuf_init(&o, NULL);
	saved_cmdlines_walk(text, escape_saved_comm, &o);
	outbuf_putc(&o, '\0');
	return o.buf;
}
