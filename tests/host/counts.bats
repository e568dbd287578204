#!/usr/bin/env bats
# Counting instead of streaming (--count, --sum, --hist, --latency), in
# ktprobe (this kernel has no hist triggers), against a workload with known
# numbers (tests/progs/counts.c) and strace as the truth for its opens.

load ../helpers

COUNTS=$PROGS/ktp_counts

# opens_of ARGS...: how many openat calls ktp_counts ARGS makes, by strace
opens_of() {
	strace -f -qq -e trace=openat -o "$BATS_TEST_TMPDIR/strace" "$COUNTS" "$@"
	grep -c 'openat(' "$BATS_TEST_TMPDIR/strace"
}

# row KEY...: the count of the text row whose keys are KEY... (two spaces apart)
row() {
	local keys="$*"
	awk -v k="${keys// /  }" '{ c = $1; sub(/^ *[0-9]+  /, ""); gsub(/   +/, "  "); sub(/ +$/, ""); if ($0 == k) print c }' "$OUT"
}

@test "--count=comm: the opens of a known workload, as strace counts them" {
	truth=$(opens_of open 25 /etc/hostname)
	[ "$truth" -ge 25 ]
	ktp_bg --count=comm 't:syscalls:sys_enter_openat'
	"$COUNTS" open 25 /etc/hostname
	"$COUNTS" open 25 /etc/hostname
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	grep -q 'note: counting in ktprobe (this kernel has no hist triggers)' "$ERR"
	[ "$(head -1 "$OUT")" = "       COUNT  comm" ]
	[ "$(row ktp_counts)" -eq $((2 * truth)) ]
	# the total is the sum of the rows
	total=$(awk '/\(total/ { print $1 }' "$OUT")
	[ "$total" -eq "$(awk 'NR > 1 && !/\(total/ { s += $1 } END { print s }' "$OUT")" ]
	# biggest first
	awk 'NR > 1 && !/\(total/ { print $1 }' "$OUT" | sort -c -rn
}

@test "--count=path,comm: by a string the kernel captured (a uprobe's :string)" {
	ktp_bg --count=path,comm 'p:libc:open path=+0($arg1):string' 'comm == "ktp_counts"'
	"$COUNTS" open 7 /etc/hostname
	"$COUNTS" open 3 /etc/passwd
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	[ "$(row /etc/hostname ktp_counts)" -eq 7 ]
	[ "$(row /etc/passwd ktp_counts)" -eq 3 ]
	grep -qE '^ +10  \(total\)$' "$OUT"
	# the first column is as wide as its widest value
	grep -qE '^ +7  /etc/hostname  ktp_counts$' "$OUT"
}

@test "--count=filename: paths only the process's memory holds, for cat as strace sees it" {
	# before 6.19 openat's event has only the pointer: the companion reads
	# (or the kernel copies at the C library's call) every path of a
	# program that lives a millisecond
	strace -qq -e trace=openat -o "$BATS_TEST_TMPDIR/strace" cat /etc/hostname >/dev/null
	sed -n 's/^openat([^"]*"\([^"]*\)".*/\1/p' "$BATS_TEST_TMPDIR/strace" | sort | uniq -c |
		awk '{ print $1 * 10, $2 }' >"$BATS_TEST_TMPDIR/truth"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/truth")" -ge 2 ]
	ktp_bg --count=filename 't:syscalls:sys_enter_openat' 'comm == "cat"'
	for i in 1 2 3 4 5 6 7 8 9 10; do cat /etc/hostname >/dev/null; done
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	grep -q "note: counting in ktprobe (the key 'filename' of sys_enter_openat is read from user memory)" "$ERR"
	awk 'NR > 1 && !/\(total/ { print $1, $2 }' "$OUT" | sort -k2 >"$BATS_TEST_TMPDIR/counted"
	sort -k2 "$BATS_TEST_TMPDIR/truth" | diff - "$BATS_TEST_TMPDIR/counted"
	[ "$(row /etc/hostname)" -eq 10 ]
}

@test "--count=filename --no-kernel-copies: the companion's reads alone, each key right or marked" {
	ktp_bg --no-kernel-copies --count=filename 't:syscalls:sys_enter_openat' 'comm == "cat"'
	for i in 1 2 3 4 5 6 7 8 9 10; do cat /etc/hostname >/dev/null; done
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	# every open counted (strace's number for one cat, ten times)
	strace -qq -e trace=openat -o "$BATS_TEST_TMPDIR/strace" cat /etc/hostname >/dev/null
	[ "$(awk '/\(total/ { print $1 }' "$OUT")" -eq $((10 * $(grep -c '^openat(' "$BATS_TEST_TMPDIR/strace"))) ]
	# a path alone (verified), a value with its mark (a late read may find
	# the memory rewritten), or why there is none
	bad=$(awk 'NR > 1 && !/\(total/' "$OUT" |
		grep -vxE ' +[0-9]+  (/[^ ]+|.* \[user (unverified|partly-verified|late|changed)\]|\[user: [a-z '"'"']+\])' || true)
	[ -z "$bad" ]
}

@test "--count=event,tid,pid,cpu: the keys ktprobe knows itself" {
	ktp_bg --count=event,pid 't:syscalls:sys_enter_openat' 't:syscalls:sys_enter_close' 'comm == "ktp_counts"'
	"$COUNTS" open 5 /etc/hostname &
	child=$!
	wait $child
	ktp_end
	[ "$(row sys_enter_openat "$child")" -eq "$(opens_of open 5 /etc/hostname)" ]
	[ "$(row sys_enter_close "$child")" -ge 5 ]
	ktp_bg --count=tid,cpu 't:syscalls:sys_enter_openat' 'comm == "ktp_counts"'
	taskset -c 1 "$COUNTS" open 4 /etc/hostname &
	child=$!
	wait $child
	ktp_end
	[ "$(row "$child" 1)" -eq "$(opens_of open 4 /etc/hostname)" ]
}

@test "--count=comm,stack: events per kernel stack, its frames as -s prints them" {
	ktp_bg -s 't:syscalls:sys_enter_openat' 'comm == "ktp_counts"'
	"$COUNTS" open 3 /etc/hostname
	ktp_end
	# the first event's stack, as -s streams it, but for the tracing
	# machinery's first frames (the kernel's hist stacks start below them)
	awk '/<stack trace>/ { n++; next } n == 1 && /^ => / { print substr($0, 5) } n > 1 { exit }' \
		"$OUT" | awk 'top && /^(ftrace_|trace_|syscall_trace_|__traceiter_|perf_trace_)/ { next }
			{ top = 0; print }' top=1 >"$BATS_TEST_TMPDIR/streamed"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/streamed")" -ge 2 ]
	ktp_bg --count=comm,stack 't:syscalls:sys_enter_openat' 'comm == "ktp_counts"'
	"$COUNTS" open 3 /etc/hostname
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	[ "$(head -1 "$OUT")" = "       COUNT  comm        stack" ]
	# one stack: its count on the first frame's line, the other frames below
	[ "$(awk 'NR == 2 { print $1 }' "$OUT")" -eq "$(opens_of open 3 /etc/hostname)" ]
	awk 'NR == 2 { print $3 } NR > 2 && !/\(total/ { print $1 }' "$OUT" |
		diff "$BATS_TEST_TMPDIR/streamed" -
	# JSON: the frames as an array
	ktp_bg --count=stack --format=json 't:syscalls:sys_enter_openat' 'comm == "ktp_counts"'
	"$COUNTS" open 1 /etc/hostname
	ktp_end
	grep -q "\"rows\":\[{\"key\":{\"stack\":\[\"$(head -1 "$BATS_TEST_TMPDIR/streamed")\"," "$OUT"
}

@test "--hist=size: malloc sizes in power-of-two buckets, powers of two included" {
	ktp_bg --hist=size 'p:libc:malloc size=$arg1:u64' 'comm == "ktp_counts"'
	"$COUNTS" malloc
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	# sizes 1 2 3 4 5 8 100 1024 1025 65536
	[ "$(sed -n 1p "$OUT")" = "@size:" ]
	grep -qxE '\[1\] +1 \|@{26} {26}\|' "$OUT"
	grep -qxE '\[2, 4\) +2 \|@{52}\|' "$OUT"
	grep -qxE '\[4, 8\) +2 \|@{52}\|' "$OUT"
	grep -qxE '\[8, 16\) +1 \|@{26} {26}\|' "$OUT"
	grep -qxE '\[16, 32\) +0 \| {52}\|' "$OUT"
	grep -qxE '\[64, 128\) +1 \|@+ +\|' "$OUT"
	grep -qxE '\[512, 1K\) +0 \| +\|' "$OUT"
	grep -qxE '\[1K, 2K\) +2 \|@{52}\|' "$OUT"
	grep -qxE '\[64K, 128K\) +1 \|@+ +\|' "$OUT"
	# from the first bucket that counted to the last
	[ "$(grep -c '^\[' "$OUT")" -eq 17 ]
	grep -qE '^ +10  \(total\)$' "$OUT"
}

@test "--sum=size per comm, and the same histogram per key" {
	ktp_bg --count=comm --sum=size 'p:libc:malloc size=$arg1:u64' 'comm == "ktp_counts"'
	"$COUNTS" malloc
	ktp_end
	grep -qxE ' +COUNT +SUM  comm' "$OUT"
	grep -qxE ' +10 +67708  ktp_counts' "$OUT"
	ktp_bg --count=comm --hist=size 'p:libc:malloc size=$arg1:u64' 'comm == "ktp_counts"'
	"$COUNTS" malloc
	ktp_end
	[ "$(sed -n 1p "$OUT")" = "@size[ktp_counts]:" ]
}

@test "--latency: a user function that sleeps 20 ms, in microseconds" {
	ktp_bg --latency "$COUNTS:nap" --count=comm
	"$COUNTS" nap 5 20
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	[ "$(sed -n 1p "$OUT")" = "@usecs[ktp_counts]:" ]
	# 20 ms is in [16K, 32K) microseconds
	grep -qxE '\[16K, 32K\) +5 \|@{52}\|' "$OUT"
	grep -qE '^ +5  \(total\)$' "$OUT"
}

@test "-i: each interval counted apart, JSON lines for scripts" {
	truth=$(opens_of open 6 /etc/hostname)
	ktp_bg --count=comm -i 0.4 --format=json 't:syscalls:sys_enter_openat' 'comm == "ktp_counts"'
	sleep 0.5
	"$COUNTS" open 6 /etc/hostname
	sleep 1
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	run -0 python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
counts = [sum(r["count"] for r in l["rows"] if r["key"]["comm"] == "ktp_counts") for l in lines]
assert all(l["keys"] == ["comm"] and l["lost"] == 0 for l in lines), lines
assert all(0.3 < l["seconds"] < 0.6 for l in lines[:-1]), lines
print(len(lines), sum(counts), sorted(counts)[-1], sum(1 for c in counts if c))
' "$OUT"
	read -r n total max nonzero <<<"$output"
	[ "$n" -ge 3 ]
	[ "$total" -eq "$truth" ]
	# one process lives within one or two intervals: the counts start again
	[ "$nonzero" -le 2 ]
}

@test "--top 1: the biggest count, the rest in the total" {
	ktp_bg --count=path --top 1 'p:libc:open path=+0($arg1):string' 'comm == "ktp_counts"'
	"$COUNTS" open 5 /etc/hostname
	"$COUNTS" open 2 /etc/passwd
	ktp_end
	[ "$(grep -c . "$OUT")" -eq 3 ]
	grep -qxE ' +5  /etc/hostname' "$OUT"
	grep -qxE ' +7  \(total; 1 of 2 keys shown\)' "$OUT"
}

@test "-n: the probes, and the hist trigger or why there is none" {
	run -0 "$KTPROBE" -n --latency libc:usleep --count=comm
	[ "${#lines[@]}" -eq 8 ]
	[[ "${lines[0]}" =~ ^p:(ktprobe_[0-9_]+)/usleep\ /.*libc\.so\.6:0x[0-9a-f]+$ ]]
	g=${BASH_REMATCH[1]}
	[[ "${lines[1]}" =~ ^r:$g/usleep__return\ /.*libc\.so\.6:0x[0-9a-f]+$ ]]
	# the synthetic event is named like the run's group, so a dead run's is found
	[ "${lines[3]}" = "# synthetic_events: $g u64 lat" ]
	[ "${lines[5]}" = "# events/$g/usleep__return/trigger: hist:keys=common_pid:ktp_lat=common_timestamp.usecs-\$ktp_t0:onmatch($g.usleep).trace($g,\$ktp_lat)" ]
	[ "${lines[6]}" = "# events/synthetic/$g/trigger: hist:keys=common_pid.execname,lat:vals=hitcount:size=65536" ]
	[ "${lines[7]}" = "# else measured by ktprobe from the records" ]
	# the hist trigger a kernel that has them gets, in the run's instance
	run -0 "$KTPROBE" -n --count=comm,path --sum='$retval' 'r:libc:open $retval' 'comm == "cat"'
	[[ "$output" == *'# counted by hist triggers in the run'"'"'s instance where the kernel has them:'* ]]
	[[ "$output" =~ \#\ events/ktprobe_[0-9_]+/open/trigger:\ hist:keys=common_pid\.execname,path:vals=hitcount,arg1:size=65536\ if\ comm\ ==\ \"cat\" ]]
	[ "${lines[-1]}" = "# else counted by ktprobe from the records" ]
}

# refused CODE MESSAGE ARGS...: ktprobe ARGS fails with one line matching MESSAGE
refused() {
	local msg=$1
	shift
	# a case that is not refused would trace until stopped
	run timeout 30 "$KTPROBE" "$@"
	[ "$status" -ne 124 ] || { echo "not refused (still running after 30 s): $*"; return 1; }
	[ "$status" -ne 0 ] || { echo "status 0: $*"; return 1; }
	[ "${#lines[@]}" -eq 1 ] || { echo "$output"; return 1; }
	[[ "${lines[0]}" =~ $msg ]] || { echo "not /$msg/: ${lines[0]}"; return 1; }
}

@test "bad input: one line each, nothing left in tracefs" {
	refused "event sys_enter_openat has no field 'nofield' \(its fields: dfd, filename, flags, mode\)" \
		--count=nofield 't:syscalls:sys_enter_openat'
	refused "'a-b' is not a key" --count=a-b 't:syscalls:sys_enter_openat'
	refused "key 'comm' is given twice" --count=comm,comm 't:syscalls:sys_enter_openat'
	refused "an empty key" --count=comm, 't:syscalls:sys_enter_openat'
	refused "--latency: key 'stack': only comm, tid, pid and cpu" --latency libc:usleep --count=stack
	refused "--hist: field 'path' of malloc is not a number" \
		--hist=path 'p:libc:malloc path=+0($arg1):string'
	refused "has no return to measure" --latency t:syscalls:sys_enter_openat
	refused "give no SPEC with it" --latency libc:usleep 't:syscalls:sys_enter_openat'
	refused "not with -o" --count -o "$BATS_TEST_TMPDIR/x.dat" 't:syscalls:sys_enter_openat'
	refused "not with --keep" --count --keep 't:syscalls:sys_enter_openat'
	refused "not with -s" --count -s 't:syscalls:sys_enter_openat'
	refused "go with --count" --top 3 't:syscalls:sys_enter_openat'
	refused "'xml' is not text or json" --count --format=xml 't:syscalls:sys_enter_openat'
	refused "one" --hist=size --latency libc:usleep
}
