/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_FUZZ_OFFLINE_H
#define KTP_FUZZ_OFFLINE_H

#include <stdbool.h>

/*
 * The machine as the fuzz target pretends it is: what binary lookups,
 * ELF reads and /sys/module would have answered, set from each input.
 */
struct offline_machine {
	bool bin_found;		/* a short name (bash, libc) names a file here */
	bool module_loaded;	/* /sys/module/NAME exists */
	bool lookups_fail;	/* the binary or its symbol is not found */
	const char *path;	/* what realpath() gives for the binary; "" derives one */
};

extern struct offline_machine offline_machine;

#endif
