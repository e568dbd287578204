/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTP_KFUNCS_H
#define KTP_KFUNCS_H

#include <stdbool.h>

int kfunc_check(const char *spec, const char *func, const char *module);
bool kfunc_module_loaded(const char *name);

#endif
