/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_BTF_INDEX_H
#define KTP_BTF_INDEX_H

/* A raw BTF file mapped and indexed (btf_index.c), for btf_source.c. */

#include <stddef.h>

struct btf_type;
struct btf_index;

struct btf_index *btf_index_open(const char *path, char **err);
void btf_index_close(struct btf_index *bi);
const struct btf_type *btf_index_type(const struct btf_index *bi, unsigned int id);
const char *btf_index_name(const struct btf_index *bi, unsigned int off);
unsigned int btf_index_count(const struct btf_index *bi);
int btf_index_find_func(const struct btf_index *bi, const char *name);
const void *btf_index_data(const struct btf_index *bi, size_t *size);

#endif
