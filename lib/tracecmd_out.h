/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_TRACECMD_OUT_H
#define KTP_TRACECMD_OUT_H

/*
 * libtracecmd's trace.dat writer. libtracecmd.so.1 (trace-cmd 3.1.6)
 * exports these functions, but <trace-cmd/trace-cmd.h> declares only the
 * reader: the writer's prototypes are in trace-cmd's private header. They
 * are repeated here as 3.1.6 has them; this is not a stable ABI, so the
 * build pins that version (see the Makefile).
 */
struct tracecmd_output;
struct tracecmd_option;

struct tracecmd_event_list {
	struct tracecmd_event_list *next;
	const char *glob;
};

/* enum tracecmd_option_id of 3.1.6 */
#define KTP_TRACECMD_OPTION_TRACECLOCK	4
#define KTP_TRACECMD_OPTION_UNAME	5

struct tracecmd_output *tracecmd_output_create(const char *output_file);
void tracecmd_set_quiet(struct tracecmd_output *handle, bool set_quiet);
int tracecmd_output_set_trace_dir(struct tracecmd_output *handle, const char *tracing_dir);
void tracecmd_set_out_clock(struct tracecmd_output *handle, const char *clock);
int tracecmd_output_set_kallsyms(struct tracecmd_output *handle, const char *kallsyms);
int tracecmd_output_write_headers(struct tracecmd_output *handle,
				  struct tracecmd_event_list *list);
struct tracecmd_option *tracecmd_add_option(struct tracecmd_output *handle,
					    unsigned short id, int size, const void *data);
int tracecmd_write_cmdlines(struct tracecmd_output *handle);
int tracecmd_append_cpu_data(struct tracecmd_output *handle, int cpus,
			     char * const *cpu_data_files);
void tracecmd_output_close(struct tracecmd_output *handle);

#endif
