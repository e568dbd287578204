#!/usr/bin/env bats
# The kernel's copies of syscall paths at the C library's calls: this host
# has uprobes but no kprobes and no syscall strings, so ktprobe puts a uprobe
# where libc and the dynamic loader make each traced syscall. What a user
# sees: the path as the kernel's, with no [user ...] mark, right however
# soon the program rewrites its buffer or exits.

load ../helpers

@test "openat's path: the kernel's copy at the C library's call, no mark" {
	target_start "$PROGS/target_pie" -n 0 -o /etc/hostname -z 100
	ktp_bg -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	grep -qE 'sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/etc/hostname", flags: 0, mode: 0\)$' "$OUT"
	! grep -q '\[user' "$OUT" || false
}

@test "a buffer rewritten before each of 100 opens back to back: every path its own" {
	target_start "$PROGS/target_pie" -n 0 -K 100 -z 100
	ktp_bg -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	run -0 grep -oE 'filename: 0x[0-9a-f]+ "/tmp/ktp-same-[0-9]+", flags' "$OUT"
	[ "${#lines[@]}" -eq 100 ]
	for i in $(seq 0 99); do
		[[ "${lines[$i]}" == *"\"/tmp/ktp-same-$i\""* ]] || { echo "open $i: ${lines[$i]}"; false; }
	done
}

@test "20 cats: /etc/hostname shown for every one, as the kernel's copy" {
	ktp_bg 't:syscalls:sys_enter_openat'
	for i in $(seq 20); do cat /etc/hostname >/dev/null; done
	ktp_end
	[ "$(grep -cE '^ +cat-[0-9]+ .*filename: 0x[0-9a-f]+ "/etc/hostname", flags' "$OUT")" -eq 20 ]
}

@test "a hostile path in the kernel's copy: control bytes escaped, the line not split" {
	target_start "$PROGS/target_pie" -n 0 -o '/tmp/ktp-\n\e[2J\x7f' -z 100
	ktp_bg -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	grep -qF 'filename: 0x' "$OUT"
	grep -qE 'filename: 0x[0-9a-f]+ "/tmp/ktp-\\n\\x1b\[2J\\x7f", flags' "$OUT"
	[ "$(grep -c 'sys_openat' "$OUT")" -eq "$(wc -l <"$OUT")" ]
	no_control_bytes "$OUT"
}

@test "a bad pointer has no copy: the companion says it is unmapped" {
	target_start "$PROGS/target_pie" -n 0 -B -z 300
	ktp_bg -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	grep -qE 'filename: 0x1 \[user: unmapped\]' "$OUT"
}

@test "-n prints the probes at the call; --no-kernel-copies and --no-fill make none" {
	run -0 "$KTPROBE" -n 't:syscalls:sys_enter_openat'
	grep -qE '^p:ktprobe_[0-9_]+/__kcap_at_openat_0 /[^ ]*/libc\.so\.6:0x[0-9a-f]+ uptr=%[a-z0-9]+:x64 path=\+0\(%[a-z0-9]+\):string$' <<<"$output"
	grep -qE '^p:ktprobe_[0-9_]+/__kcap_at_openat_[0-9]+ /[^ ]*/ld-linux[^ ]*:0x' <<<"$output"
	# rename's two paths in one probe
	run -0 "$KTPROBE" -n 't:syscalls:sys_enter_renameat2'
	grep -qE '/__kcap_at_renameat2_0 .* uptr=%[a-z0-9]+:x64 path=\+0\(%[a-z0-9]+\):string uptr2=%[a-z0-9]+:x64 path2=\+0\(%[a-z0-9]+\):string$' <<<"$output"
	run -0 "$KTPROBE" -n --no-kernel-copies 't:syscalls:sys_enter_openat'
	! grep -q '__kcap' <<<"$output" || false
	run -0 "$KTPROBE" -n --no-fill 't:syscalls:sys_enter_openat'
	! grep -q '__kcap' <<<"$output" || false
}

@test "a live run defines the probes at the call in its own group, and removes them" {
	ktp_bg -d 10 't:syscalls:sys_enter_openat'
	grep -qE '^p:ktprobe_[0-9_]+/__kcap_at_openat_0 ' "$TRACEFS/dynamic_events"
	ktp_end
	! grep -q '__kcap' "$TRACEFS/dynamic_events" || false
}

@test "rename: both paths from one copy at the call" {
	d=$BATS_TEST_TMPDIR
	touch "$d/old"
	ktp_bg -d 10 't:syscalls:sys_enter_renameat2' 't:syscalls:sys_enter_rename'
	mv "$d/old" "$d/new"
	ktp_end
	grep -qE "oldname: 0x[0-9a-f]+ \"$d/old\", newdfd: .* newname: 0x[0-9a-f]+ \"$d/new\"" "$OUT"
}

@test "more than 20000 copies a second: paused, said once, values still read; resumed when quiet" {
	ktp_bg 't:syscalls:sys_enter_openat'
	"$PROGS/target_pie" -n 0 -k 30000
	wait_for grep -q 'copies at the C library.s calls paused' "$ERR"
	sleep 2
	"$PROGS/target_pie" -n 0 -o /etc/hostname
	sleep 0.3
	ktp_end
	[ "$(grep -c 'paused' "$ERR")" -eq 1 ]
	# the burst: every line has a value (a copy, or a read that is marked)
	! grep -E 'ktp-burst|filename: 0x[0-9a-f]+, flags' "$OUT" | grep 'target_pie' | grep -vE '"/tmp/ktp-burst-[0-9]+"|\[user: ' || false
	grep -qE '^ +target_pie-[0-9]+ .*filename: 0x[0-9a-f]+ "/etc/hostname", flags' "$OUT"
}

@test "every probe at the call sits where objdump sees a jump or the syscall instruction" {
	run -0 "$KTPROBE" -n 't:syscalls:sys_enter_openat' 't:syscalls:sys_enter_newfstatat' \
		't:syscalls:sys_enter_execve' 't:syscalls:sys_enter_renameat2'
	probes=$(grep -oE '__kcap_at_[a-z0-9_]+ /[^ ]+:0x[0-9a-f]+' <<<"$output" | cut -d' ' -f2)
	[ "$(wc -l <<<"$probes")" -ge 10 ]
	# objdump's own sweep of the whole file: a probe inside an instruction has no line of its own
	while IFS=: read -r lib off; do
		dis=$BATS_TEST_TMPDIR/$(basename "$lib").dis
		[ -s "$dis" ] || objdump -d "$lib" >"$dis"
		insn=$(grep -E "^ +${off#0x}:" "$dis" | cut -f3)
		[[ "$insn" =~ ^(j[a-z]+|syscall) ]] || { echo "$lib $off: '$insn'"; false; }
	done <<<"$probes"
}
