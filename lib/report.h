/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_REPORT_H
#define KTP_REPORT_H

#include <stdio.h>

int report_run(char *const *files, int nfiles, FILE *out);

#endif
