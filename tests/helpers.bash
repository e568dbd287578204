# Shared set-up of the bats suites: paths, running ktprobe in the
# background until it is armed, the probe target, and the check after every
# test that nothing of ours is left in tracefs.

bats_require_minimum_version 1.5.0

TRACEFS=/sys/kernel/tracing
TESTS_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
KTPROBE=${KTPROBE:-$TESTS_DIR/../bin/ktprobe}
PROGS=$TESTS_DIR/build/progs

# What is in tracefs that looks like ktprobe's or ktfill's, and every
# trigger at the top level and synthetic event (a run writes none of them
# there: one new since the test began is its leftover).
ktp_leftovers() {
	{ ls "$TRACEFS/instances"; cat "$TRACEFS/dynamic_events"; } 2>/dev/null |
		grep -E '(^|[:/ ])kt(probe|fill)_' || true
	grep -H -v '^#' "$TRACEFS"/events/*/*/trigger 2>/dev/null | sed "s|^$TRACEFS/||" || true
	sed 's/^/synthetic: /' "$TRACEFS/synthetic_events" 2>/dev/null || true
}

# owned_elsewhere LINE: whether the run named in LINE (TOOL_PID_START_NS)
# is alive and not started by this test (another user's live run, say a
# benchmark beside the suite): not this test's leftover
owned_elsewhere() {
	local pid p
	pid=$(grep -oE 'kt(probe|fill)_[0-9]+_' <<<"$1" | head -1 | cut -d_ -f2)
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	p=$pid
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		[ "$p" = "$$" ] && return 1
		# the parent's pid follows the state, after the comm's closing ")"
		p=$(sed -n 's/.*) [A-Za-z] \([0-9]*\) .*/\1/p' "/proc/$p/stat" 2>/dev/null)
	done
	return 0
}

# What this test left in tracefs: new since setup, and not a live run of
# someone else's.
ktp_test_leftovers() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		grep -qxF -- "$line" <<<"$KTP_BEFORE" && continue
		owned_elsewhere "$line" && continue
		echo "$line"
	done <<<"$(ktp_leftovers)"
}

setup() {
	mountpoint -q "$TRACEFS" || mount -t tracefs nodev "$TRACEFS"
	KTP_PID= TARGET_PID= GO_FD=
	KTP_BEFORE=$(ktp_leftovers)
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
}

teardown() {
	local left
	[ -n "$KTP_PID" ] && kill -INT "$KTP_PID" 2>/dev/null && wait "$KTP_PID" 2>/dev/null
	[ -n "$TARGET_PID" ] && kill -KILL "$TARGET_PID" 2>/dev/null
	left=$(ktp_test_leftovers)
	if [ -n "$left" ]; then
		echo "# the test left this in tracefs:" >&3
		echo "$left" | sed 's/^/#   /' >&3
		"$KTPROBE" --cleanup >/dev/null 2>&1
		"$KTPROBE" --remove-kept >/dev/null 2>&1
		return 1
	fi
}

# wait_for CMD...: poll until CMD succeeds (10 s at most)
wait_for() {
	for _ in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# ktp_bg ARGS...: start ktprobe in the background (stdout $OUT, stderr $ERR)
# and return once its events are armed
ktp_bg() {
	: >"$ERR"	# not the last run's note: the child opens it only later
	"$KTPROBE" "$@" >"$OUT" 2>"$ERR" &
	KTP_PID=$!
	if ! wait_for grep -q 'note: tracing' "$ERR"; then
		cat "$ERR"
		return 1
	fi
}

# ktp_wait: wait for the background ktprobe to end; its status in KTP_STATUS
ktp_wait() {
	KTP_STATUS=0
	wait "$KTP_PID" || KTP_STATUS=$?
	KTP_PID=
}

# ktp_end: stop the background ktprobe with SIGINT and wait for it; it reads
# what is left in its buffers before it exits (so every event of a workload
# that has ended is seen), then ends what its companion still reads
ktp_end() {
	kill -INT "$KTP_PID"
	ktp_wait
}

# target_start PROG ARGS...: start the target waiting (-w) for a go; sets TARGET_PID
target_start() {
	local fifo=$BATS_TEST_TMPDIR/go
	rm -f "$fifo" && mkfifo "$fifo"
	exec {GO_FD}<>"$fifo"
	"$@" -w <"$fifo" >"$BATS_TEST_TMPDIR/target.out" &
	TARGET_PID=$!
	wait_for test -s "$BATS_TEST_TMPDIR/target.out"
}

# target_go: let the waiting target run, and wait for it to finish
target_go() {
	echo go >&"$GO_FD"
	exec {GO_FD}>&-
	wait "$TARGET_PID"
	TARGET_PID=
}

# no_control_bytes FILE: no byte below 0x20 other than newline, no DEL
no_control_bytes() {
	! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1"
}

# The kernel's event line: comm-pid [cpu] flags timestamp: event: ...
LINE_RE='^ *[^ ].*-[0-9]+ +\[[0-9]{3}\] [.a-zA-Z0-9]{5} +[0-9]+\.[0-9]{6}: '
