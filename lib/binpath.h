/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_BINPATH_H
#define KTP_BINPATH_H

#include <stdbool.h>
#include <sys/types.h>

struct arch_info;

char *bin_resolve(const char *bin, pid_t pid, const struct arch_info *arch);
bool bin_is_resolvable(const char *bin, pid_t pid, const struct arch_info *arch);

#endif
