/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_COMM_H
#define KTP_COMM_H

void comm_saved_walk(const char *text, void (*fn)(void *arg, int pid, const char *comm), void *arg);
char *comm_saved_escaped(const char *text);

#endif
