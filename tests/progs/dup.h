/* SPDX-License-Identifier: GPL-2.0 */
/* Two files each with a static function named dup_helper: an ambiguous symbol. */
int dup_a(void);
int dup_b(void);
