/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_WORKER_H
#define KTP_FILL_WORKER_H

int fill_worker_run(int in, int out);

#endif
