/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KEEP_H
#define KTP_KEEP_H

#include <stdio.h>

struct probe_spec;

const char *keep_group(const struct probe_spec *ps);
int keep_define(struct probe_spec *specs, int n, FILE *out);
int keep_list(FILE *out);
int keep_remove(const char *group);

#endif
