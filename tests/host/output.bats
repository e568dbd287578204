#!/usr/bin/env bats
# What reaches the terminal: escaped bytes, live lines, lost events.

load ../helpers

@test "strings from the traced process are C-escaped; no raw control byte is printed" {
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me s=+0(%di):string"
	"$PROGS/target_pie" -n 1 -s 'a\nb\e[31mc"d\\e\xff' >/dev/null
	ktp_end
	grep -qF 's="a\nb\x1b[31mc\"d\\e\xff"' "$OUT"
	[ "$(wc -l <"$OUT")" -eq 1 ]
	no_control_bytes "$OUT"
}

@test "a hostile comm is escaped and does not split the line" {
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me"
	"$PROGS/target_pie" -n 1 -c 'ev\nil\e]0' >/dev/null
	ktp_end
	grep -qE '^ +ev\\nil\\x1b\]0-[0-9]+ +\[' "$OUT"
	[ "$(wc -l <"$OUT")" -eq 1 ]
	no_control_bytes "$OUT"
}

@test "a fault is shown as the kernel shows it: (fault)" {
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me s=+0(%si):string"
	"$PROGS/target_pie" -n 1 >/dev/null
	ktp_end
	grep -q 'probe_me: (0x[0-9a-f]*) s=(fault)$' "$OUT"
}

@test "lines reach a pipe at once, not at exit" {
	"$KTPROBE" "p:$PROGS/target_pie:probe_me n=%si:s32" 2>"$ERR" | cat >"$OUT" &
	wait_for grep -q 'note: tracing' "$ERR"
	"$PROGS/target_pie" -n 1 >/dev/null
	wait_for grep -q 'n=0$' "$OUT"
	pkill -INT -f "^$KTPROBE p:$PROGS/target_pie:probe_me"
	wait
}

@test "a burst that starts as soon as 'tracing' is printed is recorded in full, with and without -p" {
	for follow in yes no; do
		target_start "$PROGS/target_pie" -n 0 -k 20000
		if [ $follow = yes ]; then
			ktp_bg --no-fill -p "$TARGET_PID" 't:syscalls:sys_enter_openat'
		else
			ktp_bg --no-fill 't:syscalls:sys_enter_openat'
		fi
		pid=$TARGET_PID
		target_go
		if [ $follow = yes ]; then ktp_wait; else ktp_end; fi
		got=$(grep -cE "^ +target_pie-$pid +\[[0-9]+\] .* sys_openat\(" "$OUT")
		echo "-p $follow: $got of 20000"
		[ "$got" -eq 20000 ]
		! grep -q 'lost' "$ERR" || false
	done
}

@test "lost events are reported on stderr with their count" {
	ktp_bg -b 8 "p:$PROGS/target_pie:probe_me n=%si:s32"
	# stop the reader so the small buffer overflows, then let it go on
	kill -STOP "$KTP_PID"
	"$PROGS/target_pie" -n 20000 >/dev/null
	kill -CONT "$KTP_PID"
	ktp_end
	grep -qE '^ktprobe: CPU [0-9]+: [0-9]+ events lost here \(ring buffer overrun; raise it with -b KB\)$' "$ERR"
	run -0 grep -oE '^ktprobe: [0-9]+ events lost in all$' "$ERR"
	lost=$(grep -oE '^ktprobe: [0-9]+ events lost in all$' "$ERR" | grep -oE '[0-9]+')
	got=$(grep -c 'probe_me: ' "$OUT")
	# every call is printed or counted as lost (the count also covers the
	# run's own fork/exec events that were overwritten)
	[ $((lost + got)) -ge 20000 ]
	[ $((lost + got)) -le 20004 ]
	# what is printed is in order, with the gap where the loss was reported
	grep -o 'n=[0-9]*$' "$OUT" | cut -d= -f2 | sort -n -c
}
