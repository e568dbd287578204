// SPDX-License-Identifier: GPL-2.0
/*
 * A raw BTF file (the kernel's /sys/kernel/btf/vmlinux, or one given with
 * --btf) mapped and indexed for lookups by id and by function name.
 *
 * Why not libbpf's btf__new() alone: it copies and checks all 5 MB of the
 * kernel's types, 20-60 ms of page faults on a small VM, where a run must
 * arm within 10 ms of what it takes without names. Mapped with
 * MAP_POPULATE, the file costs one system call; the index is one pass.
 * The types are still read with libbpf's accessors (btf_kind, btf_vlen,
 * btf_members, ...), and libbpf parses the file in full when a type must
 * be spelt (btf_source.c). Files in the other byte order, ELF files and
 * split BTF are left to libbpf.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf_index.h"
#include "utils.h"

#define BTF_MAX_SIZE (1U << 30)		/* a larger file is no kernel's BTF */

struct btf_index {
	const unsigned char *map;	/* the whole file */
	size_t size;
	const struct btf_header *hdr;
	const char *strs;
	unsigned int str_len;
	unsigned int *offs;		/* type id -> offset in the type section */
	unsigned int count;		/* ids 1..count-1 */
};

/* The file at @fd in memory: mapped if the file allows it, else read into a populated map. */
static void *map_file(int fd, size_t size)
{
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	size_t got = 0;

	if (m != MAP_FAILED)
		return m;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	while (got < size) {
		ssize_t n = read(fd, (char *)m + got, size - got);

		if (n <= 0)
			break;
		got += n;
	}
	if (got == size)
		return m;
	munmap(m, size);
	return NULL;
}

/* The bytes type @t takes after its struct btf_type, or -1 for a kind not known. */
static long type_extra(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
		return (long)btf_vlen(t) * 12;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return (long)btf_vlen(t) * 8;
	case BTF_KIND_ENUM64:
		return (long)btf_vlen(t) * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;
}

/* Walk the type section once: each type's offset, every one within bounds. */
static int build_index(struct btf_index *bi)
{
	const unsigned char *types = bi->map + bi->hdr->hdr_len + bi->hdr->type_off;
	unsigned int len = bi->hdr->type_len, at = 0, cap = 1 << 17;

	bi->offs = xcalloc(cap, sizeof(*bi->offs));
	bi->count = 1;		/* id 0 is void */
	while (at < len) {
		const struct btf_type *t = (const void *)(types + at);
		long extra;

		if (len - at < sizeof(*t) || (extra = type_extra(t)) < 0 ||
		    len - at - sizeof(*t) < (unsigned long)extra)
			return -1;
		if (bi->count == cap) {
			cap *= 2;
			bi->offs = xrealloc(bi->offs, cap * sizeof(*bi->offs));
		}
		bi->offs[bi->count++] = at;
		at += sizeof(*t) + extra;
	}
	return 0;
}

/* The header's sections, all inside the file. */
static bool header_fits(const struct btf_index *bi)
{
	const struct btf_header *h = bi->hdr;
	unsigned long long data = bi->size - h->hdr_len;

	return h->hdr_len >= sizeof(*h) && h->hdr_len <= bi->size && h->hdr_len % 4 == 0 &&
	       h->type_off % 4 == 0 &&
	       (unsigned long long)h->type_off + h->type_len <= data &&
	       (unsigned long long)h->str_off + h->str_len <= data && h->str_len > 0 &&
	       bi->map[h->hdr_len + h->str_off + h->str_len - 1] == '\0' &&
	       bi->map[h->hdr_len + h->str_off] == '\0';
}

/*
 * btf_index_open - map and index the raw BTF file @path
 *
 * Returns NULL with *@err set if the file cannot be read or is malformed,
 * and NULL with *@err NULL if it is no raw BTF in this machine's byte
 * order (an ELF file, say): libbpf then reads it.
 */
struct btf_index *btf_index_open(const char *path, char **err)
{
	struct btf_index *bi = xcalloc(1, sizeof(*bi));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	*err = NULL;
	if (fd < 0 || fstat(fd, &st)) {
		*err = xasprintf("cannot read BTF from %s: %s", path,
				 errno == ENOENT ? "no such file" : strerror(errno));
		goto out_fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(struct btf_header) ||
	    st.st_size > BTF_MAX_SIZE)
		goto out_fail;
	bi->size = st.st_size;
	bi->map = map_file(fd, bi->size);
	if (!bi->map)
		goto out_fail;
	bi->hdr = (const void *)bi->map;
	if (bi->hdr->magic != BTF_MAGIC)
		goto out_fail;	/* an ELF file, or the other byte order: libbpf's */
	bi->strs = (const char *)bi->map + bi->hdr->hdr_len + bi->hdr->str_off;
	bi->str_len = bi->hdr->str_len;
	if (bi->hdr->version != BTF_VERSION || !header_fits(bi) || build_index(bi)) {
		/* not for libbpf either: 1.1 would trust what this refuses */
		*err = xasprintf("%s is malformed BTF: its header or types do not fit the file",
				 path);
		goto out_fail;
	}
	close(fd);
	return bi;
out_fail:
	if (fd >= 0)
		close(fd);
	btf_index_close(bi);
	return NULL;
}

/* btf_index_close - unmap and free */
void btf_index_close(struct btf_index *bi)
{
	if (!bi)
		return;
	if (bi->map)
		munmap((void *)bi->map, bi->size);
	free(bi->offs);
	free(bi);
}

/* btf_index_type - type @id, or NULL (0 is void, which has no struct) */
const struct btf_type *btf_index_type(const struct btf_index *bi, unsigned int id)
{
	if (id == 0 || id >= bi->count)
		return NULL;
	return (const void *)(bi->map + bi->hdr->hdr_len + bi->hdr->type_off + bi->offs[id]);
}

/* btf_index_name - the string at @off, "" if it is outside the string section */
const char *btf_index_name(const struct btf_index *bi, unsigned int off)
{
	return off < bi->str_len ? bi->strs + off : "";
}

/* btf_index_count - one more than the largest type id */
unsigned int btf_index_count(const struct btf_index *bi)
{
	return bi->count;
}

/* btf_index_find_func - the id of the BTF FUNC named @name, or -1 */
int btf_index_find_func(const struct btf_index *bi, const char *name)
{
	for (unsigned int id = 1; id < bi->count; id++) {
		const struct btf_type *t = btf_index_type(bi, id);

		if (btf_kind(t) == BTF_KIND_FUNC && !strcmp(btf_index_name(bi, t->name_off), name))
			return id;
	}
	return -1;
}

/* btf_index_data - the whole file, for libbpf to parse when a type must be spelt */
const void *btf_index_data(const struct btf_index *bi, size_t *size)
{
	*size = bi->size;
	return bi->map;
}
