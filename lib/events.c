// SPDX-License-Identifier: GPL-2.0
/*
 * The event formats a run needs, parsed one event at a time.
 *
 * tracefs_local_events_system() parses whole systems and always reads
 * kallsyms: ~70 ms per system here (syscalls alone has ~700 formats). A
 * run needs a handful of formats, and kernel symbols only for kprobes and
 * kernel stacks, so it asks libtraceevent for exactly those.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tracefs.h>

#include "events.h"
#include "utils.h"

/* events_tep_new - a tep that knows the ring buffer's page header (no events yet) */
struct tep_handle *events_tep_new(void)
{
	struct tep_handle *tep = tep_alloc();
	int len = 0;
	char *buf;

	if (!tep)
		return NULL;
	buf = tracefs_instance_file_read(NULL, "events/header_page", &len);
	if (!buf || tep_parse_header_page(tep, buf, len, sizeof(long))) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	tep_set_long_size(tep, tep_get_header_page_size(tep));
	tep_set_cpus(tep, sysconf(_SC_NPROCESSORS_CONF));
	return tep;
}

/* events_tep_add - parse the format of SYSTEM/EVENT; -1 if it does not exist */
int events_tep_add(struct tep_handle *tep, const char *system, const char *event)
{
	int len = 0, ret;
	char *buf;

	if (tep_find_event_by_name(tep, system, event))
		return 0;
	buf = tracefs_event_file_read(NULL, system, event, "format", &len);
	if (!buf)
		return -1;
	ret = tep_parse_event(tep, buf, len, system) ? -1 : 0;
	free(buf);
	return ret;
}

/* events_tep_add_kallsyms - kernel symbols, for kprobe locations and kernel stacks */
int events_tep_add_kallsyms(struct tep_handle *tep)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f = fopen("/proc/kallsyms", "r");
	int ret;

	if (!f)
		return -1;
	do {
		if (len + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 22;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	ret = tep_parse_kallsyms(tep, buf);
	free(buf);
	return ret;
}
