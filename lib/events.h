/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_EVENTS_H
#define KTP_EVENTS_H

#include <stdbool.h>
#include <event-parse.h>

struct tep_handle *events_tep_new(void);
int events_tep_add(struct tep_handle *tep, const char *system, const char *event);
int events_tep_add_kallsyms(struct tep_handle *tep);

#endif
