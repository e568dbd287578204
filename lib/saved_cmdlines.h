/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_SAVED_CMDLINES_H
#define KTP_SAVED_CMDLINES_H

void saved_cmdlines_walk(const char *text, void (*fn)(void *arg, int pid, const char *comm), void *arg);
char *saved_cmdlines_escaped(const char *text);

#endif
