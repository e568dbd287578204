/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_DATFILE_H
#define KTP_DATFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "utils.h"

struct datfile;

bool datfile_supported(void);
struct datfile *datfile_open(const char *path, int ncpus);
int datfile_page(struct datfile *df, int cpu, const void *page, size_t len);
int datfile_finish(struct datfile *df, const struct strv *events, const char *clock,
		   bool kallsyms);
void datfile_discard(struct datfile *df);

#endif
