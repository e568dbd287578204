#!/usr/bin/env bats
# trace-cmd interop: trace.dat written with -o, read back by trace-cmd report
# (with the plugin) and ktprobe report; keep mode recorded by trace-cmd with
# the companion writing its fills into the recorded instance.

load ../helpers

PLUGINS=$TESTS_DIR/../build/plugins
KTFILL=$(dirname "$KTPROBE")/ktfill

teardown_file() {
	"$KTPROBE" --remove-kept >/dev/null 2>&1 || true
}

# recording INSTANCE EVENT...: trace-cmd has enabled each SYSTEM/EVENT in
# INSTANCE, its recorders have every CPU's trace_pipe_raw open, and tracing
# is on (what happens from then on is recorded)
recording() {
	local inst=$TRACEFS/instances/$1 ev cpus open
	shift
	for ev in "$@"; do
		grep -qx 1 "$inst/events/$ev/enable" 2>/dev/null || return 1
	done
	cpus=$(ls -d "$inst"/per_cpu/cpu[0-9]* | wc -l)
	open=$(find /proc/[0-9]*/fd -lname "$inst/per_cpu/cpu*/trace_pipe_raw" 2>/dev/null | wc -l)
	[ "$open" -ge "$cpus" ] || return 1
	grep -qx 1 "$inst/tracing_on"
}

# listening PORT: a TCP socket listens on PORT (IPv4 or IPv6)
listening() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -qE "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6
}

# children_done PID: no child of PID is running (zombies are done)
children_done() {
	local st
	for st in /proc/[0-9]*/stat; do
		# the state and the parent's pid follow the comm's closing ")"
		sed -n 's/.*) \([A-Za-z]\) \([0-9]*\) .*/\1 \2/p' "$st" 2>/dev/null |
			grep -qE "^[^Z] $1\$" && return 1
	done
	return 0
}

# The timestamps of the event lines of ktprobe's output $1.
timestamps() {
	grep -oE '^ *[^ ].*-[0-9]+ +\[[0-9]{3}\] .{5} +[0-9]+\.[0-9]{6}:' "$1" | grep -oE '[0-9]+\.[0-9]{6}:$' | tr -d :
}

@test "-o FILE: ktprobe report shows exactly the events and fills of the live run" {
	dat=$BATS_TEST_TMPDIR/run.dat
	ktp_bg -o "$dat" -d 5 -e "p:$PROGS/target_pie:probe_me s=%di:@str n=%si:s32" \
		-e 't:syscalls:sys_enter_openat'
	"$PROGS/target_pie" -n 3 -s hello -o /etc/hostname -z 300 >/dev/null
	ktp_wait
	[ "$KTP_STATUS" -eq 0 ]
	grep -q 'user verified' "$OUT"
	grep -q '"/etc/hostname"' "$OUT"
	run -0 "$KTPROBE" report "$dat"
	[ "$output" = "$(cat "$OUT")" ]
	# no temporary files left beside it
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.cpu[0-9]')" ]
}

@test "-o FILE: trace-cmd report reads it; the plugin prints the fills" {
	dat=$BATS_TEST_TMPDIR/run.dat
	ktp_bg -o "$dat" -d 5 -e "p:$PROGS/target_pie:probe_me s=%di:@str" -e 't:syscalls:sys_enter_openat'
	"$PROGS/target_pie" -n 2 -s world -o /etc/hostname -z 300 >/dev/null
	ktp_wait
	run -0 bash -c "TRACEEVENT_PLUGIN_DIR='$PLUGINS' trace-cmd report '$dat' 2>/dev/null"
	tc=$output
	# every event of the live run, by its timestamp (system-wide openat on
	# a busy machine: thousands, so compared as sorted lists)
	timestamps "$OUT" | sort -u >"$BATS_TEST_TMPDIR/live.ts"
	grep -oE ' [0-9]+\.[0-9]{6}: ' <<<"$tc" | tr -d ' :' | sort -u >"$BATS_TEST_TMPDIR/tc.ts"
	run -0 comm -23 "$BATS_TEST_TMPDIR/live.ts" "$BATS_TEST_TMPDIR/tc.ts"
	[ -z "$output" ] || { echo "missing in trace-cmd report: $output"; false; }
	[ "$(wc -l <"$BATS_TEST_TMPDIR/live.ts")" -ge 3 ]
	grep -qE ' probe_me: +\([0-9a-f]+\) s=0x[0-9a-f]+' <<<"$tc"
	grep -qE ' sys_enter_openat: ' <<<"$tc"
	# every fill, with the same annotation
	sed -nE 's/^ *[^ ].*-([0-9]+) +\[.* (s|filename)(=|: )(0x[0-9a-f]+) (\[user [^]]*\])[,)]?.*$/ktprobe fill: pid \1 \2=\4 \5/p' \
		"$OUT" | sort -u >"$BATS_TEST_TMPDIR/live.fills"
	[ -s "$BATS_TEST_TMPDIR/live.fills" ]
	grep -oF -f "$BATS_TEST_TMPDIR/live.fills" <<<"$tc" | sort -u >"$BATS_TEST_TMPDIR/tc.fills"
	run -0 comm -23 "$BATS_TEST_TMPDIR/live.fills" "$BATS_TEST_TMPDIR/tc.fills"
	[ -z "$output" ] || { echo "missing fills: $output"; false; }
	grep -q 'ktprobe fill: pid [0-9]* s=0x[0-9a-f]* \[user verified +[0-9.]*[mu]*s "world"\]' <<<"$tc"
	# without the plugin the records are there, in hex
	run -0 bash -c "TRACEEVENT_PLUGIN_DIR=/nonexistent trace-cmd report '$dat' 2>/dev/null | grep -c 'raw_data:.*4c46544b'"
	[ "$output" -ge 2 ]
}

@test "-o FILE: comms are kept, a hostile one escaped, the others still named" {
	dat=$BATS_TEST_TMPDIR/run.dat
	ktp_bg -o "$dat" -d 4 't:syscalls:sys_enter_openat'
	"$PROGS/target_pie" -c 'ev\nil\e]0' -o /etc/hostname -n 2 -z 200 >/dev/null
	"$PROGS/target_pie" -o /etc/hostname -n 2 -z 200 >/dev/null
	ktp_wait
	[ "$KTP_STATUS" -eq 0 ]
	grep -qF 'ev\nil\x1b]0-' "$OUT"
	run -0 bash -c "TRACEEVENT_PLUGIN_DIR='$PLUGINS' trace-cmd report '$dat' 2>/dev/null"
	tc=$output
	grep -qF 'ev\nil\x1b]0-' <<<"$tc"
	grep -qE '^ +target_pie-[0-9]+ .* sys_enter_openat:' <<<"$tc"
	# (the comm column: event fields such as task_rename's newcomm are
	# trace-cmd's to print, and it prints them raw)
	! grep -qaE $'^il\x1b\\]0-[0-9]+ ' <<<"$tc" || false
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.tracing')" ]
}

@test "ktprobe report merges several files by timestamp" {
	a=$BATS_TEST_TMPDIR/a.dat b=$BATS_TEST_TMPDIR/b.dat
	ktp_bg -o "$a" -d 5 "p:$PROGS/target_pie:probe_me n=%si:s32" 'n == 0 || n == 2'
	"$PROGS/target_pie" -n 3 >/dev/null
	ktp_wait
	ktp_bg -o "$b" -d 5 "p:$PROGS/target_pie:probe_me n=%si:s32" 'n == 1'
	"$PROGS/target_pie" -n 3 >/dev/null
	ktp_wait
	run -0 "$KTPROBE" report "$b" "$a"
	run -0 grep -o 'n=[0-9]$' <<<"$output"
	[ "$output" = $'n=0\nn=2\nn=1' ]
	run -0 bash -c "'$KTPROBE' report '$b' '$a' | grep -oE '[0-9]+\\.[0-9]{6}:' | sort -c"
	run -1 "$KTPROBE" report /etc/hostname
	[[ "$output" =~ "not a trace file libtracecmd can read" ]]
}

@test "--keep, trace-cmd record -B INSTANCE, ktfill --into INSTANCE: one recording with events and fills" {
	dat=$BATS_TEST_TMPDIR/rec.dat inst=ktprobe_suite_rec
	run -0 "$KTPROBE" --keep "p:ktprobe_suite/pm $PROGS/target_pie:probe_me u=%di:@str n=%si:s32"
	grep -q '^p:ktprobe_suite/pm ' "$TRACEFS/dynamic_events"
	run -0 "$KTPROBE" --list-kept
	[[ "$output" =~ ^p:ktprobe_suite/pm\ $PROGS/target_pie:0x ]]
	# on this kernel plain trace-cmd record fails (EPERM on its function-tracer files)
	trace-cmd record -d -k --no-filter -B "$inst" -e ktprobe_suite -e syscalls:sys_enter_openat \
		-o "$dat" >"$BATS_TEST_TMPDIR/tc.log" 2>&1 &
	tc=$!
	wait_for recording "$inst" ktprobe_suite/pm syscalls/sys_enter_openat
	"$KTFILL" --into "$inst" -q ktprobe_suite:pm syscalls:sys_enter_openat 2>"$ERR" &
	KTP_PID=$!
	wait_for grep -q 'note: tracing' "$ERR"
	"$PROGS/target_pie" -n 2 -s kept -o /etc/hostname -z 300 >/dev/null
	kill -INT "$KTP_PID"
	ktp_wait
	kill -INT "$tc"
	wait "$tc" || true
	rmdir "$TRACEFS/instances/$inst"
	run -0 "$KTPROBE" report "$dat"
	grep -qE -- '-[0-9]+ +\[[0-9]{3}\] .* pm: \(0x[0-9a-f]+\) u=0x[0-9a-f]+ \[user verified \+[0-9.]+(us|ms) "kept"\] n=0$' <<<"$output"
	# ktfill made its own copies at the C library's calls: the kernel's copy, kept as the fill
	grep -qE 'sys_openat\(.*filename: 0x[0-9a-f]+ "/etc/hostname", flags' <<<"$output"
	run -0 bash -c "TRACEEVENT_PLUGIN_DIR='$PLUGINS' trace-cmd report '$dat' 2>/dev/null"
	grep -q 'ktprobe fill: pid [0-9]* u=0x[0-9a-f]* \[user verified' <<<"$output"
	# the kept probe is still there until it is removed
	run -0 "$KTPROBE" --remove-kept=ktprobe_suite
	[[ "$output" =~ "1 kept event removed" ]]
	! grep -q 'ktprobe_suite/' "$TRACEFS/dynamic_events" || false
	run -0 "$KTPROBE" --list-kept
	[[ "$output" =~ "no kept events" ]]
}

@test "--keep refuses what belongs to the recording, and is all or nothing" {
	run -1 "$KTPROBE" --keep -p 1 "p:$PROGS/target_pie:probe_me"
	[[ "$output" =~ "--keep only defines probes" ]]
	run -1 "$KTPROBE" --keep "p:ktprobe_suite/a $PROGS/target_pie:probe_me" \
		"p:ktprobe_suite/b $PROGS/target_pie:probe_me x=%di:badtype"
	[[ "$output" =~ "the kernel rejected probe 'b'" ]]
	! grep -q 'ktprobe_suite/' "$TRACEFS/dynamic_events" || false
}

@test "a kept probe removed by someone else is forgotten; others' probes are never removed" {
	run -0 "$KTPROBE" --keep "p:ktprobe_suite/gone $PROGS/target_pie:probe_me"
	echo '-:ktprobe_suite/gone' >>"$TRACEFS/dynamic_events"
	echo "p:othertool/theirs $PROGS/target_pie:0x1000" >>"$TRACEFS/uprobe_events"
	run -0 "$KTPROBE" --list-kept
	[[ "$output" =~ "no kept events" ]]
	run -0 "$KTPROBE" --remove-kept
	grep -q 'othertool/theirs' "$TRACEFS/dynamic_events"
	echo '-:othertool/theirs' >>"$TRACEFS/uprobe_events"
}

@test "many machines: kept probes recorded through trace-cmd listen / record -N, reported with another file" {
	port=$((20000 + $$ % 20000)) dir=$BATS_TEST_TMPDIR/listen inst=ktprobe_suite_net
	mkdir "$dir"
	trace-cmd listen -p "$port" -d "$dir" >"$BATS_TEST_TMPDIR/listen.log" 2>&1 &
	listener=$!
	run -0 "$KTPROBE" --keep "p:ktprobe_suite/net $PROGS/target_pie:probe_me n=%si:s32"
	wait_for listening "$port"
	trace-cmd record -N "127.0.0.1:$port" -d -k --no-filter -B "$inst" -e ktprobe_suite \
		>"$BATS_TEST_TMPDIR/rec.log" 2>&1 &
	rec=$!
	wait_for recording "$inst" ktprobe_suite/net
	"$PROGS/target_pie" -n 2 >/dev/null
	# and a local file of the same time, from ktprobe itself
	ktp_bg -o "$BATS_TEST_TMPDIR/local.dat" -d 5 "p:$PROGS/target_pie:add7 a=\$arg1:s64"
	"$PROGS/target_pie" -n 0 -e >/dev/null
	ktp_wait
	kill -INT "$rec"
	wait "$rec" || true
	# the listener's child writes the file when the recording ends
	wait_for children_done "$listener"
	kill -INT "$listener"
	wait "$listener" || true
	rmdir "$TRACEFS/instances/$inst"
	run -0 "$KTPROBE" --remove-kept
	net=$(ls "$dir"/*.dat)
	[ -f "$net" ]
	run -0 "$KTPROBE" report "$net" "$BATS_TEST_TMPDIR/local.dat"
	[ "$(grep -c ' net: (0x[0-9a-f]*) n=[01]$' <<<"$output")" -eq 2 ]
	grep -q ' add7: (0x[0-9a-f]*) a=1$' <<<"$output"
	# merged by time: the recorded calls came first
	[ "$(grep -nE ' (net|add7): ' <<<"$output" | tail -1 | grep -c add7)" -eq 1 ]
}

# The flags column, decoded by the rule of the kernel that recorded the file:
# bit 1 is IRQS_NOSUPPORT before 6.12, NEED_RESCHED_LAZY from 6.12 on. Uprobe
# events carry flags 0xff on 6.1 and on 6.18 alike; 6.1's kernel prints them
# DNZff (tests/data/README), 6.18's DBZff.
@test "ktprobe report: a file recorded under 6.1 shows the flags as 6.1 printed them" {
	dat=$BATS_TEST_TMPDIR/uprobe-6.1.dat
	zcat "$TESTS_DIR/data/uprobe-6.1.dat.gz" >"$dat"
	run -0 "$KTPROBE" report "$dat"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(grep -c '^ *target-109 *\[001\] DNZff  *3\.[0-9]*: probe_me: (0x4016a5) s="lab61" n=[012]$' <<<"$output")" -eq 3 ]
}

@test "ktprobe report: a file without the recording kernel's release is decoded by the running kernel" {
	dat=$BATS_TEST_TMPDIR/nouname.dat
	zcat "$TESTS_DIR/data/uprobe-6.1.dat.gz" >"$dat"
	# an empty uname option: its string starts with a NUL
	off=$(grep -abo 'Linux (none) 6\.1\.0' "$dat" | cut -d: -f1)
	[ -n "$off" ]
	printf '\0' | dd of="$dat" bs=1 seek="$off" conv=notrunc status=none
	case $(uname -r) in [0-5].*|6.[0-9].*|6.1[01].*) flags=DNZff ;; *) flags=DBZff ;; esac
	run -0 "$KTPROBE" report "$dat"
	[ "$(grep -c " $flags  *3\.[0-9]*: probe_me: " <<<"$output")" -eq 3 ]
}

@test "ktprobe report: a file recorded here shows the flags by this kernel's rule" {
	case $(uname -r) in [0-5].*|6.[0-9].*|6.1[01].*) skip "a kernel before 6.12: no lazy flag" ;; esac
	dat=$BATS_TEST_TMPDIR/here.dat
	ktp_bg -o "$dat" -d 5 "p:$PROGS/target_pie:probe_me n=%si:s32"
	"$PROGS/target_pie" -n 3 -s here >/dev/null
	ktp_wait
	[ "$KTP_STATUS" -eq 0 ]
	run -0 "$KTPROBE" report "$dat"
	[ "$(grep -c ' DBZff  *[0-9.]*: probe_me: (0x[0-9a-f]*) n=[012]$' <<<"$output")" -eq 3 ]
}

# openat and write recorded by ktprobe -o under Debian unstable's 7.2, whose
# syscall events carry the user strings (tests/data/README)
@test "ktprobe report: syscall events of 7.2 show the kernel's copies as values, flags decoded" {
	dat=$BATS_TEST_TMPDIR/openat-7.2.dat
	zcat "$TESTS_DIR/data/openat-7.2.dat.gz" >"$dat"
	run -0 "$KTPROBE" report "$dat"
	! grep -qE '__[a-z]+_val' <<<"$output" || false
	grep -qE 'sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/lab/hello", flags: O_RDONLY, mode: 0000\)$' <<<"$output"
	grep -qE 'sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/tmp/created", flags: O_WRONLY\|O_CREAT\|O_TRUNC, mode: 0666\)$' <<<"$output"
	grep -qE 'sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/tmp/0{100,}\.\.\." \[user (partly-verified|changed) [^]]*\], flags: O_WRONLY\|O_CREAT\|O_APPEND, mode: 0666\)$' <<<"$output"
	# the kernel shows non-printable bytes as '.'
	grep -qE 'sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/tmp/\.\.d/x", flags: O_RDONLY, mode: 0000\)$' <<<"$output"
	grep -qE 'sys_write\(fd: 0x1, buf: 0x[0-9a-f]+ "written\\n", count: 0x8\)$' <<<"$output"
	no_control_bytes <(printf '%s\n' "$output")
}
