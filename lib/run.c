// SPDX-License-Identifier: GPL-2.0
/*
 * A live run from start to end, as a pipeline: spec -> definition (in
 * the run's own event group) -> session (its own instance, armed by
 * run_arm.c) -> records -> fill -> text (run_stream.c); then everything
 * removed again, on every path out.
 */
#include <stdlib.h>
#include <unistd.h>

#include "run_state.h"
#include "utils.h"

/* The note that the run is armed ("tracing ..."): tests and scripts wait for it. */
static void banner(struct run_state *r)
{
	struct strv names = { 0 };
	char *list;

	for (int i = 0; i < r->n; i++)
		strv_push(&names, xstrdup(r->specs[i].event));
	list = strv_join(&names, ", ", 8);
	if (r->o->duration > 0)
		note_msg("tracing %s for %g s", list, r->o->duration);
	else
		note_msg("tracing %s; Ctrl-C to end", list);
	free(list);
	strv_free(&names);
}

/*
 * live_run - define, arm and stream @specs until the run ends, then
 * remove everything. Returns the exit status (0, or 1 after an error).
 */
int live_run(struct probe_spec *specs, int nspecs, const struct run_opts *o)
{
	struct run_state r = { .o = o, .specs = specs, .n = nspecs, .marker_fd = -1 };
	int ret = 1;

	outbuf_init(&r.out, o->out);
	/* spec -> definition -> session: the run's own instance and event group */
	if (session_create(&r.sess, o->tool ? o->tool : "ktprobe", o->buffer_kb))
		goto out;
	if (ktp_stop || run_define_probes(&r) || ktp_stop || run_load_events(&r))
		goto out;
	if (o->show_format) {
		run_print_formats(&r);
		ret = 0;
		goto out;
	}
	/* records -> fill -> text: the formatter, the companion */
	run_start_formatting(&r);
	if (o->agg && run_start_counting(&r))
		goto out;
	if (run_arm(&r))
		goto out;
	banner(&r);
	if (o->headers) {
		format_column_header(&r.out);
		outbuf_flush(&r.out);
	}
	run_stream(&r);
	ret = run_finish_outputs(&r);
out:
	datfile_discard(r.dat);
	if (r.marker_fd >= 0)
		close(r.marker_fd);
	ucapture_settle(&r.kcap);
	agg_run_disarm(r.agg);
	session_disable_events(&r.sess);
	filler_stop(r.filler);
	drain_close(r.drain);
	session_destroy(&r.sess);
	kcapture_free(&r.kcap);
	formatter_free(r.fmt);
	if (r.tep)
		tep_free(r.tep);
	agg_run_free(r.agg);
	proctable_free(r.procs);
	outbuf_free(&r.out);
	return ret;
}
