#!/usr/bin/env bats
# Every way a run can end removes what it created; SIGKILL leaves it for
# the next run (or --cleanup) to recognise and remove.

load ../helpers

# busy: a workload that keeps hitting probe_me
busy() {
	( while :; do "$PROGS/target_pie" -n 50 >/dev/null; done ) &
	BUSY=$!
}

teardown_busy() {
	[ -n "${BUSY:-}" ] && kill "$BUSY" 2>/dev/null; wait "$BUSY" 2>/dev/null || true
}

@test "SIGINT, SIGTERM and SIGHUP: clean exit, status 0, nothing left" {
	busy
	for sig in INT TERM HUP; do
		ktp_bg "p:$PROGS/target_pie:probe_me n=%si:s32"
		[ -n "$(ktp_test_leftovers)" ]
		wait_for grep -q 'probe_me: (0x' "$OUT"
		kill -"$sig" "$KTP_PID"
		ktp_wait
		[ "$KTP_STATUS" -eq 0 ]
		[ -z "$(ktp_test_leftovers)" ]
		grep -q 'probe_me: (0x' "$OUT"
	done
	teardown_busy
}

@test "SIGPIPE (ktprobe ... | head -1): clean exit, nothing left" {
	busy
	run -0 bash -c "'$KTPROBE' 'p:$PROGS/target_pie:probe_me' 2>/dev/null | head -1"
	teardown_busy
	[[ "$output" =~ probe_me:\ \(0x ]]
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$(ktp_test_leftovers)" ]
}

@test "a signal at any moment of set-up still removes everything" {
	for delay in 0 0.005 0.01 0.02 0.04 0.08 0.15; do
		"$KTPROBE" -e "p:$PROGS/target_pie:probe_me" -e "r:$PROGS/target_pie:probe_me" \
			-e 't:syscalls:sys_enter_openat' >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -TERM "$pid"
		wait "$pid" || true
		[ -z "$(ktp_test_leftovers)" ]
	done
}

@test "SIGKILL leaves the run's instance and group; the next run names the dead pid and removes them" {
	ktp_bg "p:$PROGS/target_pie:probe_me"
	dead=$KTP_PID
	kill -KILL "$KTP_PID"
	wait "$KTP_PID" || true
	KTP_PID=
	ls "$TRACEFS/instances" | grep -q "^ktprobe_${dead}_"
	grep -q "ktprobe_${dead}_[0-9_]*/probe_me" "$TRACEFS/dynamic_events"
	run -0 --separate-stderr "$KTPROBE" -d 0.2 "p:$PROGS/target_pie:probe_me"
	[[ "${stderr_lines[0]}" =~ ^ktprobe:\ note:\ removing\ leftovers\ of\ a\ dead\ run\ \(pid\ $dead\):\ ktprobe_${dead}_ ]]
	[ -z "$(ktp_test_leftovers)" ]
}

@test "--cleanup removes a dead run's leftovers and leaves a live run alone" {
	"$KTPROBE" "p:$PROGS/target_pie:probe_me" >/dev/null 2>"$BATS_TEST_TMPDIR/live.err" &
	live=$!
	wait_for grep -q 'note: tracing' "$BATS_TEST_TMPDIR/live.err"
	ktp_bg "p:$PROGS/target_pie:probe_me"
	dead=$KTP_PID
	kill -KILL "$KTP_PID"
	wait "$KTP_PID" || true
	KTP_PID=
	run -0 "$KTPROBE" --cleanup
	[[ "$output" =~ "removing leftovers of a dead run (pid $dead)" ]]
	[[ "$output" =~ belongs\ to\ a\ live\ run\ \(pid\ $live\) ]]
	ls "$TRACEFS/instances" | grep -q "^ktprobe_${live}_"
	! ls "$TRACEFS/instances" | grep -q "^ktprobe_${dead}_" || false
	kill -INT "$live"
	wait "$live"
	run -0 "$KTPROBE" --cleanup
	[[ "$output" =~ "ktprobe: note: no leftovers of dead ktprobe runs" ]]
}
