/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_BTF_CHECK_H
#define KTP_BTF_CHECK_H

/* Checks of a BTF file given with --btf (btf_check.c), for btf_source.c. */

struct btf_type;

typedef const struct btf_type *(*btf_type_at)(void *ctx, unsigned int id);

char *btf_check_types(btf_type_at at, void *ctx, unsigned int count);

#endif
