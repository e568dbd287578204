#!/usr/bin/env bats
# The release build (bin/ktprobe, as installed) on the main paths.

load ../helpers

@test "release build: uprobe entry and return" {
	ktp_bg -d 5 -e "p:$PROGS/target_pie:probe_me s=+0(%di):string n=%si:s32" \
		-e "r:$PROGS/target_pie:probe_me \$retval:s32"
	"$PROGS/target_pie" -n 2 -s rel >/dev/null
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	[ "$(grep -c 'probe_me: (0x[0-9a-f]*) s="rel" n=[01]$' "$OUT")" -eq 2 ]
	[ "$(grep -c 'probe_me__return: (' "$OUT")" -eq 2 ]
}

@test "release build: a tracepoint with -p, and SIGTERM" {
	target_start "$PROGS/target_pie" -n 0 -o /etc/hostname
	ktp_bg -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	grep -q 'sys_openat(dfd: 0xffffff9c, filename: 0x' "$OUT"
	ktp_bg 't:syscalls:sys_enter_openat'
	kill -TERM "$KTP_PID"
	ktp_wait
	[ "$KTP_STATUS" -eq 0 ]
}

@test "make install honours PREFIX and DESTDIR" {
	dest=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$TESTS_DIR/.." install PREFIX=/opt/kt DESTDIR="$dest"
	[ -x "$dest/opt/kt/bin/ktprobe" ]
	[ -f "$dest/opt/kt/share/man/man8/ktprobe.8" ]
	[ -d "$dest/opt/kt/share/ktprobe" ]
	run -0 "$dest/opt/kt/bin/ktprobe" --version
}
