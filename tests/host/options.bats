#!/usr/bin/env bats
# The command-line options: -p -L FILTER -d -s -H -v -n and tracepoints.

load ../helpers

@test "t:syscalls:sys_enter_openat with -p: the process's openat, in the kernel's syscall shape" {
	target_start "$PROGS/target_pie" -n 0 -o /etc/hostname
	pid=$TARGET_PID
	ktp_bg -p "$pid" --no-fill 't:syscalls:sys_enter_openat'
	target_go
	ktp_wait
	[ "$KTP_STATUS" -eq 0 ]
	run -0 grep -cE "^ +target_pie-[0-9]+ +\[[0-9]{3}\] \.{5} +[0-9.]+: sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+, flags: 0, mode: 0\)$" "$OUT"
	[ "$output" -eq 1 ]
	# nothing from other processes
	[ "$(wc -l <"$OUT")" -eq 1 ]
	grep -q "note: process $pid has exited" "$ERR"
}

@test "-p follows the process's threads, also new ones, but not its children or other processes" {
	target_start "$PROGS/target_pie" -n 2 -t 2 -f -s main
	pid=$TARGET_PID
	ktp_bg -p "$pid" "p:$PROGS/target_pie:probe_me s=+0(%di):string n=%si:s32"
	"$PROGS/target_pie" -n 2 -s other >/dev/null
	target_go
	ktp_wait
	run -0 grep -c 's="main"' "$OUT"
	[ "$output" -eq 2 ]
	grep -q 's="thread" n=100$' "$OUT"
	grep -q 's="thread" n=101$' "$OUT"
	! grep -q 's="child"' "$OUT" || false
	! grep -q 's="other"' "$OUT" || false
	# thread events carry the threads' own ids
	[ "$(grep 's="main"' "$OUT" | grep -c -- "-$pid ")" -eq 2 ]
	[ "$(grep 's="thread"' "$OUT" | grep -c -- "-$pid ")" -eq 0 ]
}

@test "-L traces one thread only" {
	target_start "$PROGS/target_pie" -n 2 -t 2 -s main
	pid=$TARGET_PID
	ktp_bg -L "$pid" "p:$PROGS/target_pie:probe_me s=+0(%di):string n=%si:s32"
	target_go
	ktp_wait
	run -0 grep -c 's="main"' "$OUT"
	[ "$output" -eq 2 ]
	! grep -q 's="thread"' "$OUT" || false
	grep -q "note: thread $pid has exited" "$ERR"
}

@test "-p and -L refuse a process that does not exist" {
	run -1 "$KTPROBE" -p 999999 't:syscalls:sys_enter_openat'
	[[ "$output" =~ "no process 999999" ]]
	run -1 "$KTPROBE" -L 999999 't:syscalls:sys_enter_openat'
	[[ "$output" =~ "no thread 999999" ]]
	run -2 "$KTPROBE" -p 1 -L 1 't:syscalls:sys_enter_openat'
	[[ "$output" =~ "cannot be used together" ]]
}

@test "FILTER selects events in the kernel, for probes and tracepoints" {
	ktp_bg "p:$PROGS/target_pie:probe_me n=%si:s32" 'n == 1 || n == 3'
	"$PROGS/target_pie" -n 5 >/dev/null
	ktp_end
	run -0 grep -o 'n=[0-9]*$' "$OUT"
	[ "$output" = $'n=1\nn=3' ]
	ktp_bg 't:syscalls:sys_enter_openat' 'flags == 0x4242'
	"$PROGS/target_pie" -n 0 -o /etc/hostname
	ktp_end
	[ ! -s "$OUT" ]
}

@test "-e SPEC -f FILTER: a filter per event" {
	ktp_bg -e "p:$PROGS/target_pie:probe_me n=%si:s32" -f 'n == 2' \
		-e "r:$PROGS/target_pie:probe_me ret=\$retval:s32" -f 'ret == 5'
	"$PROGS/target_pie" -n 3 -s x >/dev/null
	ktp_end
	grep -q 'probe_me: (0x[0-9a-f]*) n=2$' "$OUT"
	grep -q 'probe_me__return: (.*) ret=5$' "$OUT"
	[ "$(wc -l <"$OUT")" -eq 2 ]
}

@test "-d SECS ends the run by itself, with status 0" {
	start=$(date +%s%N)
	run -0 "$KTPROBE" -d 1 't:syscalls:sys_enter_openat' 'flags == 0x4242'
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -ge 1000 ]
	[ "$ms" -lt 4000 ]
	[[ "$output" =~ "tracing sys_enter_openat for 1 s" ]]
}

@test "the run's buffer: 4096 KB per CPU unless -b says otherwise; the top level's is not touched" {
	top=$(cat "$TRACEFS/buffer_size_kb")
	for b in "" 300; do
		ktp_bg ${b:+-b $b} -d 30 't:syscalls:sys_enter_openat'
		inst=$(ls "$TRACEFS/instances" | grep -E "^ktprobe_${KTP_PID}_")
		kb=$(cat "$TRACEFS/instances/$inst/buffer_size_kb")
		ktp_end
		echo "-b '$b': $kb KB"
		# the kernel rounds up to whole pages
		[ "$kb" -ge "${b:-4096}" ]
		[ "$kb" -lt $((${b:-4096} + 8)) ]
	done
	[ "$(cat "$TRACEFS/buffer_size_kb")" = "$top" ]
}

@test "-s: kernel stacks for tracepoints, user stacks for uprobes" {
	target_start "$PROGS/target_pie" -n 1 -o /etc/hostname
	ktp_bg -s -p "$TARGET_PID" 't:syscalls:sys_enter_openat' -e "p:$PROGS/target_pie:probe_me"
	target_go
	ktp_wait
	# a kernel stack, named through kallsyms
	grep -qE "${LINE_RE}<stack trace>$" "$OUT"
	grep -qx ' => do_syscall_64' "$OUT"
	# the uprobe's user stack starts at the probed function
	grep -A1 -E "${LINE_RE}<user stack trace>$" "$OUT" | grep -qE '^ => 0x[0-9a-f]+$'
	probe_line=$(grep -n ': probe_me: (0x' "$OUT" | head -1)
	addr=${probe_line##*(}
	addr=${addr%)}
	grep -A1 -n "<user stack trace>" "$OUT" | grep -q -- "- => $addr$"
}

@test "-H prints the kernel's column headers first" {
	ktp_bg -H -d 5 "p:$PROGS/target_pie:probe_me"
	"$PROGS/target_pie" -n 1 >/dev/null
	ktp_end
	run -0 head -8 "$OUT"
	[[ "${lines[0]}" =~ ^#\ +_-----=\>\ irqs-off/BH-disabled$ ]]
	[[ "${lines[6]}" =~ ^#\ +TASK-PID\ +CPU#\ +\|\|\|\|\|\ +TIMESTAMP\ +FUNCTION$ ]]
	grep -qE "${LINE_RE}probe_me: " "$OUT"
}

@test "-v prints the events' formats and exits, leaving nothing" {
	run -0 --separate-stderr "$KTPROBE" -v "p:$PROGS/target_pie:probe_me s=+0(%di):string n=%si:s32" \
		-e 't:syscalls:sys_enter_openat'
	[[ "$output" =~ "name: probe_me" ]]
	[[ "$output" =~ field:__data_loc\ char\[\]\ s\; ]]
	[[ "$output" =~ field:s32\ n\; ]]
	[[ "$output" =~ "name: sys_enter_openat" ]]
	[[ "$output" =~ "field:const char * filename;" ]]
	[[ "$output" =~ "print fmt: " ]]
}

@test "-n prints the exact definition lines, needs no root and touches nothing" {
	before=$(cat "$TRACEFS/dynamic_events"; ls "$TRACEFS/instances")
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$KTPROBE" -n -e "p:$PROGS/target_pie:probe_me s=\$arg1:string" \
		-e "r:$PROGS/target_pie:probe_me \$retval:s32" -e 't:syscalls:sys_enter_openat' -f 'dfd == 3'
	off=$(printf %x "$(( $(nm "$PROGS/target_pie" | awk '$3 == "probe_me" {print "0x" $1}') ))")
	[[ "${lines[0]}" =~ ^p:ktprobe_[0-9]+_[0-9]+_[0-9]+/probe_me\ $PROGS/target_pie:0x$off\ s=\+0\(%di\):string\ __kf0_s=%di:x64$ ]]
	[[ "${lines[1]}" =~ ^r:ktprobe_[0-9]+_[0-9]+_[0-9]+/probe_me__return\ $PROGS/target_pie:0x$off\ arg1=\$retval:s32$ ]]
	[[ "${lines[2]}" = "# tracepoint syscalls:sys_enter_openat (exists; enabled in the run's instance)" ]]
	[[ "${lines[3]}" = "# filter sys_enter_openat: dfd == 3" ]]
	[[ "$stderr" =~ "reads the string it points to" ]]
	[ "$before" = "$(cat "$TRACEFS/dynamic_events"; ls "$TRACEFS/instances")" ]
}
