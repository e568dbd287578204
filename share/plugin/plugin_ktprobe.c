// SPDX-License-Identifier: GPL-2.0
/*
 * A libtraceevent plugin: trace-cmd report (and anything else built on
 * libtraceevent) prints ktprobe's fill records readably instead of as hex:
 *
 *   raw_data: ktprobe fill: pid 1234 filename=0x7ffd... [user unverified +12us "/etc/passwd"]
 *
 * Installed into $(PREFIX)/share/ktprobe/plugins; point TRACEEVENT_PLUGIN_DIR
 * there, or copy it to ~/.local/lib/traceevent/plugins.
 */
#include <stdlib.h>
#include <event-parse.h>
#include <trace-seq.h>

#include "marker.h"

static int raw_data_handler(struct trace_seq *s, struct tep_record *rec, struct tep_event *ev,
			    void *ctx)
{
	struct tep_format_field *id = tep_find_field(ev, "id");
	const void *payload;
	struct fill_marker m;
	unsigned int kind, len;

	(void)ctx;
	if (!id || rec->size <= id->offset ||
	    !marker_parse((char *)rec->data + id->offset, rec->size - id->offset, &kind, &payload,
			  &len))
		return 1;	/* someone else's record: the usual hex */
	if (kind == MARKER_SESSION_ID) {
		trace_seq_puts(s, "ktprobe session: asked for ");
		for (unsigned int i = 0; i < len; i++) {
			const char c = ((const char *)payload)[i];

			trace_seq_putc(s, c == '\n' ? ' ' : c);
		}
		return 0;
	}
	if (!marker_parse_fill(payload, len, &m))
		return 1;
	/* the annotation was escaped when it was written */
	trace_seq_printf(s, "ktprobe fill: pid %d %.*s=0x%llx %.*s", m.pid, (int)m.field_len,
			 m.field, m.addr, (int)m.text_len, m.text);
	return 0;
}

int TEP_PLUGIN_LOADER(struct tep_handle *tep)
{
	tep_register_event_handler(tep, -1, "ftrace", "raw_data", raw_data_handler, NULL);
	return 0;
}

void TEP_PLUGIN_UNLOADER(struct tep_handle *tep)
{
	tep_unregister_event_handler(tep, -1, "ftrace", "raw_data", raw_data_handler, NULL);
}
