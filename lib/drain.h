/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_DRAIN_H
#define KTP_DRAIN_H

#include <stdbool.h>
#include <tracefs.h>

struct drain;
struct datfile;

/*
 * Called for every record, in timestamp order across CPUs; false: stop
 * after this one (the rest of the round waits for the next drain_read).
 */
typedef bool (*drain_record_fn)(struct tep_record *rec, void *ctx);

struct drain *drain_open(struct tracefs_instance *inst, struct tep_handle *tep);
int drain_wait(struct drain *d, int max_ms, int extra_fd);
long drain_read(struct drain *d, drain_record_fn fn, void *ctx);
unsigned long long drain_pending(const struct drain *d);
void drain_adapt(struct drain *d, long events);
bool drain_batched(const struct drain *d);
void drain_report_lost(struct drain *d, bool final);
void drain_tee(struct drain *d, struct datfile *df);
int drain_cpus(const struct drain *d);
void drain_close(struct drain *d);

#endif
