// SPDX-License-Identifier: GPL-2.0
/*
 * Values of event fields printed the way the kernel prints them: numbers
 * by their probe conversion, kernel addresses as sym+off/size, __data_loc
 * strings quoted and escaped, or (fault) when the kernel could not read
 * them.
 */
#include "field_value.h"

/* field_put_ksym - a kernel address the kernel's way: "sym+0xoff/0xsize", "sym" or "0x..." */
void field_put_ksym(struct tep_handle *tep, struct outbuf *o, unsigned long long addr,
		    bool offset)
{
	const char *name;
	unsigned long long start;
	unsigned long size;

	if (tep_find_function_info(tep, addr, &name, &start, &size) && name) {
		outbuf_puts(o, name);
		if (offset) {
			outbuf_putc(o, '+');
			outbuf_hex(o, addr - start);
			outbuf_putc(o, '/');
			outbuf_hex(o, size);
		}
	} else {
		outbuf_hex(o, addr);
	}
}

/* field_is_ksym - is @addr a kernel text address we can name? (kprobe vs uprobe locations) */
bool field_is_ksym(struct tep_handle *tep, unsigned long long addr)
{
	return tep_find_function(tep, addr) != NULL;
}

/* field_put_value - one element at @p of probe argument @a, by its conversion */
void field_put_value(struct tep_handle *tep, struct outbuf *o, const struct plan_arg *a,
		     const unsigned char *p)
{
	unsigned long long v = tep_read_number(tep, p, a->elem_size);
	int bits = a->elem_size * 8;

	switch (a->kind) {
	case ARG_UNSIGNED:
		outbuf_dec(o, v);
		break;
	case ARG_SIGNED:
		if (bits < 64 && (v & (1ULL << (bits - 1))))
			v |= ~0ULL << bits;
		outbuf_sdec(o, (long long)v);
		break;
	case ARG_HEX:
		outbuf_hex(o, v);
		break;
	case ARG_SYMBOL:
		field_put_ksym(tep, o, v, true);
		break;
	case ARG_CHAR:
		outbuf_putc(o, '\'');
		outbuf_escaped(o, p, 1);
		outbuf_putc(o, '\'');
		break;
	case ARG_STRING:
		break;
	}
}

/* field_data_loc - the bytes of a __data_loc field, or NULL (with *len 0) when it is empty */
const char *field_data_loc(struct tep_handle *tep, struct tep_record *rec,
			   const struct tep_format_field *field, unsigned int *len)
{
	unsigned int dl = tep_read_number(tep, (char *)rec->data + field->offset, 4);
	unsigned int off = dl & 0xffff;

	*len = dl >> 16;
	if (field->flags & TEP_FIELD_IS_RELATIVE)
		off += field->offset + 4;
	if (!*len || off + *len > (unsigned int)rec->size) {
		*len = 0;
		return NULL;
	}
	return (char *)rec->data + off;
}

/*
 * field_put_string - a __data_loc string: "text", or (fault) when the
 * kernel could not read it. Returns whether the kernel had it.
 */
bool field_put_string(struct tep_handle *tep, struct outbuf *o, struct tep_record *rec,
		      const struct tep_format_field *field)
{
	unsigned int len;
	const char *s = field_data_loc(tep, rec, field, &len);

	if (!s) {
		outbuf_puts(o, "(fault)");
		return false;
	}
	if (s[len - 1] == '\0')
		len--;
	outbuf_putc(o, '"');
	outbuf_escaped(o, s, len);
	outbuf_putc(o, '"');
	return true;
}
