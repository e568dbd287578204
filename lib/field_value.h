/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FIELD_VALUE_H
#define KTP_FIELD_VALUE_H

#include <stdbool.h>
#include <event-parse.h>

#include "event_plan.h"
#include "outbuf.h"

void field_put_ksym(struct tep_handle *tep, struct outbuf *o, unsigned long long addr,
		    bool offset);
bool field_is_ksym(struct tep_handle *tep, unsigned long long addr);
void field_put_value(struct tep_handle *tep, struct outbuf *o, const struct plan_arg *a,
		     const unsigned char *p);
const char *field_data_loc(struct tep_handle *tep, struct tep_record *rec,
			   const struct tep_format_field *field, unsigned int *len);
bool field_put_string(struct tep_handle *tep, struct outbuf *o, struct tep_record *rec,
		      const struct tep_format_field *field);

#endif
