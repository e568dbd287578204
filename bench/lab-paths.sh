#!/bin/sh
# The lab benchmark inside a lab guest (busybox: no gcc, no strace), run
# by bench/paths.py through tests/lab/lab with KTPROBE_LAB_SCRIPT. Parts:
#   paths    each round runs two workloads untraced, then under ktprobe
#            (openat and forks):
#              shortopen  children opening ten paths from one rewritten
#                         buffer, then exiting or exec'ing at once (truth by
#                         construction)
#              applets    busybox applets in new processes, each opening one
#                         known file
#            and prints, between BENCH-BEGIN/BENCH-END lines, the workload's
#            time and ktprobe's lines; the host judges them
#   startup  ktprobe's start-up, names against registers (BENCH-STARTUP)
#   counts   openloop's openat loop untraced, under the tracepoint alone,
#            and counted by comm in the kernel (hist trigger) and in ktprobe
#            (BENCH-COUNT-BEGIN/END; bench/labcounts.py judges them)
# LAB_ONLY=startup or LAB_ONLY=counts runs that part alone. The TAP lines
# are for the harness.
KT=/lab/ktprobe
ROUNDS=${LAB_REPEAT:-3}
TRACEFS=/sys/kernel/tracing
TAP=0
echo hello >/tmp/hello
echo "BENCH-KERNEL $(uname -r)"

# tap OK TEXT: the next TAP line, "ok" if OK is 0
tap() {
	TAP=$((TAP + 1))
	[ "$1" = 0 ] && echo "ok $TAP $2" || echo "not ok $TAP $2"
}

applets() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sh -c 'cat /tmp/hello' && sh -c 'wc -l /tmp/hello' && sh -c 'head -n 1 /tmp/hello' &&
		sh -c 'md5sum /tmp/hello' && sh -c 'sort /tmp/hello' && sh -c 'od -c /tmp/hello'
	done >/dev/null
}

# now_us: the monotonic clock in microseconds (busybox has no %N in date)
now_us() {
	awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime
}

# one NAME: the workload NAME's time in microseconds
one() {
	case $1 in
	shortopen) /lab/shortopen -c 100 -k 10 -x /bin/true /tmp/so | sed -n 's/.* ns=\([0-9]*\)/\1/p' |
		awk '{ printf "%d\n", $1 / 1000 }' ;;
	applets) t=$(now_us); applets; echo $(( $(now_us) - t )) ;;
	esac
}

# paths_part: shortopen and the applets, untraced and under ktprobe, each round
paths_part() {
	for r in $(seq "$ROUNDS"); do
		for w in shortopen applets; do
			base=$(one $w)
			rm -f out err
			$KT -e t:syscalls:sys_enter_openat -e t:sched:sched_process_fork >out 2>err &
			kp=$!
			while ! grep -q 'note: tracing' err; do sleep 0.05; done
			traced=$(one $w)
			kill -INT $kp
			wait $kp
			echo "BENCH-BEGIN $w $r base_us=$base traced_us=$traced root=$$"
			cat out
			echo "BENCH-END"
			sed 's/^/BENCH-ERR /' err
		done
	done
	tap 0 "bench paths ($ROUNDS rounds)"
}

# runs SPEC: 20 dry runs, in microseconds; a failed run is said (BENCH-ERR)
runs() {
	t=$(now_us)
	for i in $(seq 20); do $KT -n "$1" >/dev/null 2>&1 || echo "BENCH-ERR ktprobe -n $1 failed" >&2; done
	echo $(( $(now_us) - t ))
}

# startup_part: a kprobe with names (BTF) against the same probe in
# registers (ktprobe's own translation), 20 dry runs each, exec to exit:
# what names add (reading BTF, translating); arming is the same for both,
# and its teardown under TCG (seconds, varying) would drown the difference
startup_part() {
	NAMES='p:vfs_read file->f_path.dentry->d_name.name:string count'
	REGS=$($KT -n "$NAMES" 2>/dev/null | sed 's/^[^ ]* [^ ]* //; s/ __k[^ ]*//g; s/^/p:vfs_read /')
	[ "$REGS" != "p:vfs_read " ] && [ -n "$REGS" ] || echo "BENCH-ERR no translation of $NAMES"
	for r in $(seq "$ROUNDS"); do
		echo "BENCH-STARTUP names_us=$(runs "$NAMES") regs_us=$(runs "$REGS") runs=20 regs=$REGS"
	done
	tap 0 "bench start-up ($ROUNDS rounds)"
}

# ---- counts: openloop's COUNT_N openat, each kind twice a round; an
# untraced run is ~1 s under TCG (x86_64 ~100 k openat/s, arm64 ~13 k)
[ "$(cat /lab/arch)" = arm64 ] && COUNT_N=15000 || COUNT_N=100000
COUNT_FAIL=0
OPENAT=events/syscalls/sys_enter_openat

# instance_name: a name ktprobe --cleanup takes for this shell's, once it is
# dead (ktprobe_PID_STARTTIME_PIDNS, as ktprobe names its own)
instance_name() {
	echo "ktprobe_$$_$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)_$(readlink /proc/$$/ns/pid | tr -dc 0-9)"
}
INST=$TRACEFS/instances/$(instance_name)

# inst_remove: the bench's instance gone, if it is there (every exit path)
inst_remove() {
	[ -d "$INST" ] || return 0
	echo 0 >"$INST/$OPENAT/enable"
	rmdir "$INST" || echo "BENCH-ERR cannot remove $INST"
}
trap inst_remove EXIT
trap 'inst_remove; exit 1' INT TERM

# loop_start: openloop waiting for its go on a fifo (fd 3); LOOP its pid
loop_start() {
	rm -f /tmp/go /tmp/loop.out
	mkfifo /tmp/go
	/lab/openloop -w -n "$COUNT_N" -p /tmp/hello </tmp/go >/tmp/loop.out &
	LOOP=$!
	exec 3>/tmp/go
	while ! [ -s /tmp/loop.out ]; do sleep 0.01; done	# its pid printed: it waits
}

# loop_go: let it loop, wait for its end; LOOP_OUT its iterations and loop time
loop_go() {
	echo go >&3
	exec 3>&-
	wait "$LOOP"
	LOOP_OUT=$(sed -n 's/^iterations=\([0-9]*\) loop_ns=\([0-9]*\)$/iters=\1 loop_ns=\2/p' /tmp/loop.out)
}

# tp_events: the events the bench's instance received (entries + overruns)
tp_events() {
	cat "$INST"/per_cpu/cpu*/stats | awk '/^(entries|overrun):/ { n += $2 } END { print n + 0 }'
}

# kt_start ARGS...: ktprobe ARGS counting every openat by comm (the whole
# guest: -p would count in ktprobe), armed ("tracing" note); KP its pid
kt_start() {
	rm -f /tmp/kc.out /tmp/kc.err
	$KT "$@" --count=comm t:syscalls:sys_enter_openat >/tmp/kc.out 2>/tmp/kc.err &
	KP=$!
	while ! grep -q 'note: tracing' /tmp/kc.err; do
		kill -0 "$KP" 2>/dev/null || break
		sleep 0.05
	done
}

# kt_stop: ktprobe stopped (SIGINT), its end awaited (SIGKILL after 120 s); KT_RC its status
kt_stop() {
	kill -INT "$KP" 2>/dev/null
	i=0
	while kill -0 "$KP" 2>/dev/null && [ $i -lt 2400 ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$KP" 2>/dev/null && { echo "BENCH-ERR ktprobe did not end on SIGINT"; kill -KILL "$KP"; }
	wait "$KP"
	KT_RC=$?
}

# count_run KIND SAMPLE: openloop once, KIND: untraced; tp (sys_enter_openat
# enabled in the bench's instance, nobody reading); hist (ktprobe
# --count=comm, in the kernel where it can); self (--no-kernel-hist)
count_run() {
	loop_start
	extra=
	case $1 in
	tp)
		mkdir "$INST" && echo 1 >"$INST/$OPENAT/enable" ||
			echo "BENCH-ERR cannot enable the tracepoint in $INST" ;;
	hist) kt_start ;;
	self) kt_start --no-kernel-hist ;;
	esac
	loop_go
	case $1 in
	tp) extra="events=$(tp_events)"; inst_remove ;;
	hist|self)
		kt_stop
		extra="rc=$KT_RC"
		[ "$KT_RC" = 0 ] || COUNT_FAIL=$((COUNT_FAIL + 1)) ;;
	esac
	echo "BENCH-COUNT-BEGIN $1 $2 $LOOP_OUT $extra"
	case $1 in
	hist|self) cat /tmp/kc.out; sed 's/^/BENCH-COUNT-ERR /' /tmp/kc.err ;;
	esac
	echo "BENCH-COUNT-END"
}

# counts_part: each round the four runs twice, in one order and back (ABBA:
# the hist trigger always next to the tracepoint alone, which is always next
# to the untraced loop, either first as often); a sample is one pass
counts_part() {
	echo "BENCH-COUNT-N $COUNT_N"
	sample=0
	for r in $(seq "$ROUNDS"); do
		for kinds in "untraced tp hist self" "self hist tp untraced"; do
			sample=$((sample + 1))
			for kind in $kinds; do
				count_run "$kind" "$sample"
			done
		done
	done
	tap "$COUNT_FAIL" "bench counts ($ROUNDS rounds; ktprobe failed in $COUNT_FAIL runs)"
}

case $LAB_ONLY in
startup) startup_part ;;
counts) counts_part ;;
*) paths_part; startup_part; counts_part ;;
esac
echo "1..$TAP"
