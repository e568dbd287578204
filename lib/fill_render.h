/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FILL_RENDER_H
#define KTP_FILL_RENDER_H

#include "fill_slots.h"
#include "outbuf.h"

void fill_render(struct outbuf *o, const struct fill_slot *s, unsigned long long exec,
		 const char *exec_file, unsigned long long exit);
void fill_render_key(struct outbuf *o, const struct fill_slot *s, unsigned long long exec,
		     const char *exec_file, unsigned long long exit);
unsigned long long fill_exec_race(const struct fill_slot *s);

#endif
