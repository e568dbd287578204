#!/bin/sh
# The paths benchmark inside a lab guest (busybox: no gcc, no strace), run
# by bench/paths.py through tests/lab/lab with KTPROBE_LAB_SCRIPT. Each
# round runs two workloads untraced, then under ktprobe (openat and forks):
#   shortopen  children opening ten paths from one rewritten buffer, then
#              exiting or exec'ing at once (truth by construction)
#   applets    busybox applets in new processes, each opening one known file
# and prints, between BENCH-BEGIN/BENCH-END lines, the workload's time and
# ktprobe's lines; the host judges them. The TAP line is for the harness.
KT=/lab/ktprobe
ROUNDS=${LAB_REPEAT:-3}
echo hello >/tmp/hello
echo "BENCH-KERNEL $(uname -r)"

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

# LAB_ONLY=startup: the start-up part alone
[ "$LAB_ONLY" = startup ] && ROUNDS_PATHS=0 || ROUNDS_PATHS=$ROUNDS
for r in $(seq "$ROUNDS_PATHS"); do
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
# start-up: a kprobe with names (BTF) against the same probe in registers
# (ktprobe's own translation), 20 dry runs each, exec to exit: what names
# add (reading BTF, translating); arming is the same for both, and its
# teardown under TCG (seconds, varying) would drown the difference
NAMES='p:vfs_read file->f_path.dentry->d_name.name:string count'
REGS=$($KT -n "$NAMES" 2>/dev/null | sed 's/^[^ ]* [^ ]* //; s/ __k[^ ]*//g; s/^/p:vfs_read /')
[ "$REGS" != "p:vfs_read " ] && [ -n "$REGS" ] || echo "BENCH-ERR no translation of $NAMES"
# runs SPEC: 20 dry runs, in microseconds; a failed run is said (BENCH-ERR)
runs() {
	t=$(now_us)
	for i in $(seq 20); do $KT -n "$1" >/dev/null 2>&1 || echo "BENCH-ERR ktprobe -n $1 failed" >&2; done
	echo $(( $(now_us) - t ))
}
for r in $(seq "$ROUNDS"); do
	echo "BENCH-STARTUP names_us=$(runs "$NAMES") regs_us=$(runs "$REGS") runs=20 regs=$REGS"
done
echo "ok 1 bench paths ($ROUNDS rounds)"
echo "1..1"
