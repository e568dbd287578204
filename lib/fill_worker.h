/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_WORKER_H
#define KTP_FILL_WORKER_H

#include <stddef.h>

#include "fill.h"

size_t fill_worker_answer(const struct fill_request *reqs, int n, char **answer, size_t *cap);
int fill_worker_run(int in, int out);

#endif
