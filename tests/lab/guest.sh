#!/bin/sh
# The lab tests, run by /init inside a guest booted on Debian 12's stock
# kernel (6.1, with kprobes): the same tests on every architecture. Each
# test is a function; TAP on stdout; after each test nothing of ours may be
# left in tracefs.

KT=/lab/ktprobe
TARGET=/lab/target
TR=/sys/kernel/tracing
ARCH=$(cat /lab/arch)
case $ARCH in
x86_64) SYSCALL_PREFIX=__x64_sys_ OPENAT2_CALLER=__x64_sys_openat ;;
arm64) SYSCALL_PREFIX=__arm64_sys_ OPENAT2_CALLER='invoke_syscall(\.constprop\.0)?' ;;	# the wrapper tail-calls
esac
echo hello >/lab/hello

# fail MESSAGE: say what did not hold (the test then returns 1)
fail() {
	echo "failed: $*"
	return 1
}

# has FILE REGEX: FILE has a line matching the extended REGEX
has() {
	grep -qE -e "$2" "$1" && return 0
	echo "no line matching /$2/ in $1:"
	sed 's/^/    /' "$1"
	if [ "$1" = out ]; then
		echo "(ktprobe's status: ${KT_STATUS:-?}; its stderr:)"
		sed 's/^/    /' err
	fi
	return 1
}

# hasnt FILE REGEX
hasnt() {
	! grep -qE -e "$2" "$1" || { echo "unexpected /$2/ in $1:"; sed 's/^/    /' "$1"; return 1; }
}

# count FILE REGEX: the number of matching lines
count() {
	grep -cE -e "$2" "$1"
}

# kt_bg ARGS: ktprobe in the background, returning once armed; out/err files
kt_bg() {
	rm -f out err
	"$KT" "$@" >out 2>err &
	KT_PID=$!
	i=0
	while ! grep -q 'note: tracing' err; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$KT_PID" 2>/dev/null; then
			echo "ktprobe did not arm:"; cat err
			return 1
		fi
		sleep 0.1
	done
}

# kt_end: stop the background ktprobe (SIGINT) and wait; status in KT_STATUS.
# It reads what is left in its buffers before it exits.
kt_end() {
	kill -INT "$KT_PID"
	wait "$KT_PID"
	KT_STATUS=$?
}

# kt ARGS: run ktprobe in the foreground; out/err files, status in KT_STATUS
kt() {
	"$KT" "$@" >out 2>err
	KT_STATUS=$?
}

# ktprobe's instances and probes, and any trigger at the top level or
# synthetic event (the guest has none of its own)
leftovers() {
	{ ls $TR/instances; cat $TR/dynamic_events; } 2>/dev/null | grep -E 'ktprobe_'
	grep -H -v '^#' $TR/events/*/*/trigger 2>/dev/null
	cat $TR/synthetic_events 2>/dev/null
}

# --- perf-tools' kprobe usage examples, with their documented meaning ---

# "kprobe p:do_sys_open  # trace open() entry"
t_example_open_entry() {
	# as written: accepted, with the trap explained (do_sys_open is inlined on 6.1)
	kt_bg p:do_sys_open || return 1
	$TARGET -n 0 -O /lab/hello
	kt_end
	[ $KT_STATUS -eq 0 ] || fail "status $KT_STATUS" || return 1
	has err "note: do_sys_open: open\(\) and openat\(\) reach do_sys_openat2 on this kernel.*probe do_sys_openat2 instead$" || return 1
	# the meaning, open() and openat() entry, is do_sys_openat2 here
	kt_bg p:do_sys_openat2 || return 1
	$TARGET -n 0 -o /lab/hello -O /lab/hello
	kt_end
	[ "$(count out "^ +target-[0-9]+ +\[[0-9]{3}\] [.a-zA-Z0-9]{5} +[0-9.]+: do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\)$")" -eq 2 ] ||
		{ cat out; fail "two openat2 entries expected"; }
}

# "kprobe r:do_sys_open  # trace open() return"
t_example_open_return() {
	kt_bg r:do_sys_openat2 || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: do_sys_openat2: \(${SYSCALL_PREFIX}openat\+0x[0-9a-f]+/0x[0-9a-f]+ <- do_sys_openat2\)$"
}

# "kprobe 'r:do_sys_open $retval'  # trace open() return value"
t_example_open_retval() {
	kt_bg 'r:do_sys_openat2 $retval' || return 1
	$TARGET -n 0 -o /lab/hello -O /nonexistent
	kt_end
	has out "target-.*: do_sys_openat2: \(.* <- do_sys_openat2\) arg1=(0x)?3$" || return 1
	# -ENOENT
	has out "target-.*: do_sys_openat2: \(.* <- do_sys_openat2\) arg1=(0x(ffffffff)?fffffffe|-2)$"
}

# "kprobe 'r:myopen do_sys_open $retval'  # use a custom probe name"
t_example_custom_name() {
	kt_bg 'r:myopen do_sys_openat2 $retval' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: myopen: \(.* <- do_sys_openat2\) arg1=(0x)?3$"
}

# "kprobe 'p:myopen do_sys_open mode=%cx:u16'  # trace open() file mode"
t_example_mode() {
	rm -f /tmp/created
	# as written: accepted (and on arm64 %cx becomes %x3)
	kt -d 0.3 'p:myopen do_sys_open mode=%cx:u16'
	[ $KT_STATUS -eq 0 ] || { cat err; fail "status $KT_STATUS"; } || return 1
	# do_sys_openat2(dfd, filename, how): the mode is how->mode, 8 bytes in
	kt_bg 'p:myopen do_sys_openat2 mode=+8(%dx):u16' || return 1
	$TARGET -n 0 -m 640 -o /tmp/created
	kt_end
	has out "target-.*: myopen: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) mode=416$"
}

# "kprobe 'p:myopen do_sys_open filename=+0(%si):string'  # trace open() with filename"
t_example_filename() {
	kt_bg 'p:myopen do_sys_openat2 filename=+0(%si):string' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: myopen: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) filename=\"/lab/hello\"$" || return 1
	# typed on arm64, the x86 register is translated, with a note
	if [ "$ARCH" = x86_64 ]; then
		hasnt err "note: %si"
	else
		has err "^ktprobe: note: %si is x86_64's 2nd argument register; using %x1 on $ARCH$"
	fi
}

# "kprobe -s 'p:myprobe tcp_retransmit_skb'  # show kernel stacks"
t_example_stacks() {
	# accepted as written (no retransmits happen here)...
	kt -d 0.5 -s 'p:myprobe tcp_retransmit_skb'
	[ $KT_STATUS -eq 0 ] || { cat err; fail "status $KT_STATUS"; } || return 1
	# ...and a stack for a function that is called
	kt_bg -s 'p:myprobe do_sys_openat2' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: myprobe: \(do_sys_openat2\+0x0/0x[0-9a-f]+\)$" || return 1
	has out "target-.*: <stack trace>$" || return 1
	# the callers, without the probe machinery above the probed function
	sed -n '/target-.*: <stack trace>$/{n;p;}' out >callers
	has callers "^ => $OPENAT2_CALLER$" || return 1
	hasnt out "=> (kprobe_|brk_handler|do_debug_exception)"
}

# --- arguments ---

t_argn() {
	kt_bg 'p:do_sys_openat2 dfd=$arg1:s32 file=+0($arg2):string' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out ": do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) dfd=-100 file=\"/lab/hello\"$" || return 1
	kt -n 'p:do_sys_openat2 $arg1'
	has out ' arg1=\$arg1$'
}

t_named_and_unnamed_args() {
	kt_bg 'p:do_sys_openat2 +0($arg2):string fd=$arg1:s32 $comm' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out ": do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) arg1=\"/lab/hello\" fd=-100 arg3=\"target\"$"
}

t_retval_and_return_suffix() {
	kt_bg 'p:do_sys_openat2%return ret=$retval:s32' || return 1
	$TARGET -n 0 -o /lab/hello -O /nonexistent
	kt_end
	has out "target-.*: do_sys_openat2: \(${SYSCALL_PREFIX}openat\+0x[0-9a-f]+/0x[0-9a-f]+ <- do_sys_openat2\) ret=3$" || return 1
	has out "ret=-2$"
}

t_maxactive() {
	kt_bg 'r7:do_sys_openat2 $retval' || return 1
	grep -qE '^r7:ktprobe_[0-9_]+/do_sys_openat2 do_sys_openat2' $TR/dynamic_events ||
		{ cat $TR/dynamic_events; fail "no r7: definition"; } || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: do_sys_openat2: \(.* <- do_sys_openat2\) arg1=(0x)?3$"
}

t_filter() {
	kt_bg 'p:do_sys_openat2 file=+0($arg2):string' 'file == "/lab/hello"' || return 1
	$TARGET -n 0 -o /lab/hello -O /nonexistent
	kt_end
	has out 'file="/lab/hello"$' || return 1
	hasnt out 'nonexistent'
}

t_pid() {
	mkfifo /tmp/go
	$TARGET -w -n 0 -o /lab/hello </tmp/go >/tmp/target.out &
	tpid=$!
	exec 3>/tmp/go
	while [ ! -s /tmp/target.out ]; do sleep 0.1; done
	kt_bg -p $tpid 'p:do_sys_openat2 file=+0($arg2):string' || return 1
	cat /lab/hello >/dev/null
	echo go >&3
	exec 3>&-
	wait $tpid
	wait "$KT_PID"
	rm -f /tmp/go
	[ "$(count out 'do_sys_openat2:')" -eq 1 ] || { cat out; fail "one event expected"; } || return 1
	has out "^ +target-$tpid +.*file=\"/lab/hello\"$" || return 1
	has err "note: process $tpid has exited"
}

t_duration() {
	start=$(cut -d' ' -f1 /proc/uptime)
	kt -d 1 'p:do_sys_openat2'
	end=$(cut -d' ' -f1 /proc/uptime)
	[ $KT_STATUS -eq 0 ] || fail "status $KT_STATUS" || return 1
	has err 'tracing do_sys_openat2 for 1 s' || return 1
	awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s >= 1 && e - s < 30) }' ||
		fail "ran $start..$end"
}

t_syscall_wrapper_argn() {
	kt_bg "p:${SYSCALL_PREFIX}openat dfd=\$arg1:s32 file=+0(\$arg2):string" || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has err "note: ${SYSCALL_PREFIX}openat takes only the user's saved registers" || return 1
	has out "target-.*: ${SYSCALL_PREFIX}openat: \(${SYSCALL_PREFIX}openat\+0x[04]/0x[0-9a-f]+\) dfd=-100 file=\"/lab/hello\"$"
}

# every register ktprobe's table has for this arch, the kernel's parser takes
t_register_table() {
	regs=$($KT --registers | sed -n 's/^registers: //p')
	[ -n "$regs" ] || fail "no registers listed" || return 1
	bad=
	for r in $regs; do
		if echo "p:ktprobe_regcheck/r do_sys_openat2 x=$r" >>$TR/kprobe_events 2>/dev/null; then
			echo "-:ktprobe_regcheck/r" >>$TR/kprobe_events
		else
			bad="$bad $r"
		fi
	done
	[ -z "$bad" ] || fail "the kernel rejects:$bad" || return 1
	# and a register that is not in the table is rejected
	! echo "p:ktprobe_regcheck/r do_sys_openat2 x=%notareg" >>$TR/kprobe_events 2>/dev/null
}

# --- the companion reader ---

# the kernel reads no page that is not there: (fault), and ktfill reads it after
t_fill_fault() {
	printf '/lab/hello\0' >/tmp/pathfile
	kt_bg 'p:do_sys_openat2 file=+0(%si):string' || return 1
	$TARGET -n 0 -M /tmp/pathfile -z 1000
	kt_end
	has out "target-.*: do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) file=\(fault\) \[user (unverified|late) \+[0-9.]+(us|ms) \"/lab/hello\"\]$"
}

# a syscall tracepoint's file name, filled in, here too (6.19+: the kernel's copy, t_copy_*)
t_fill_tracepoint() {
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	$TARGET -n 0 -o /lab/hello -z 300
	kt_end
	if copies; then
		has out "target-.*: sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ \"/lab/hello\", flags: [^)]*, mode: 0(000)?\)$" || return 1
		return 0
	fi
	has out "target-.*: sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ \[user unverified \+[0-9.]+(us|ms) \"/lab/hello\"\], flags: 0, mode: 0\)$"
}

# --- the kernel's copies of paths: in syscall events (6.19+: __filename_val),
# --- or captured at getname() where the kernel has kprobes (6.1)

# strings: whether this kernel's syscall events carry user strings
strings() {
	grep -q '__filename_val' $TR/events/syscalls/sys_enter_openat/format
}

# copies: whether the kernel copies paths either way (else the test is skipped)
copies() {
	strings && return 0
	[ -e $TR/kprobe_events ] && return 0
	echo "the kernel's syscall events carry no strings and it has no kprobes" >skip
	return 1
}

# the kernel's copy is the value: not filled, not printed raw
t_copy_open() {
	copies || return 77
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	$TARGET -n 0 -o /lab/hello
	kt_end
	has out "target-.*: sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ \"/lab/hello\", flags: [^)]*, mode: 0(000)?\)$" || return 1
	hasnt out '__filename_val' || return 1
	hasnt out 'target-.*\[user'
}

# the 20 cats: each shows its file (the companion would find most of them gone)
t_copy_cats() {
	copies || return 77
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do cat /lab/hello >/dev/null; done
	kt_end
	n=$(count out 'sys_openat.*filename: 0x[0-9a-f]+ "/lab/hello"')
	[ "$n" -eq 20 ] || { cat out err; echo "status $KT_STATUS"; fail "$n of 20 cats show /lab/hello"; }
}

# exec right after an open, a path in a page never touched: the kernel's copy still
t_copy_exec_untouched() {
	copies || return 77
	printf '/lab/hello\0' >/tmp/pathfile
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	sh -c 'exec 3</tmp/pathfile; exec true'
	$TARGET -n 0 -M /tmp/pathfile
	kt_end
	has out 'sh-[0-9]+ .*filename: 0x[0-9a-f]+ "/tmp/pathfile"' || return 1
	has out 'target-[0-9]+ .*filename: 0x[0-9a-f]+ "/lab/hello"'
}

# children that open ten paths from one rewritten buffer and exit or exec at
# once (bench/shortopen.c): every path right, in its order
t_copy_short_lived() {
	copies || return 77
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	/lab/shortopen -c 20 -k 10 -x /bin/true /tmp/so >/dev/null
	kt_end
	right=$(awk '/shortopen-[0-9]+ .*sys_openat/ { split($1, a, "-"); want = "\"/tmp/so/" a[2] "/" k[a[2]]++ "\"";
		if (index($0, want)) n++ } END { print n + 0 }' out)
	[ "$right" -eq 200 ] || { cat out; fail "$right of 200 paths right"; }
}

# a long path: 6.19+ cuts its copy, the whole path is read and checked;
# getname's copy has it whole
t_copy_long() {
	copies || return 77
	long=/tmp/$(printf '%0200d' 0)
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	$TARGET -n 0 -o "$long" -z 300
	kt_end
	if strings; then
		has out "target-.*filename: 0x[0-9a-f]+ \"/tmp/0+\.\.\.\" \[user (partly-verified|verified) \+[0-9.]+(us|ms) \"$long\"\]" || return 1
		return 0
	fi
	has out "target-.*filename: 0x[0-9a-f]+ \"$long\", flags"
}

# every path syscall busybox makes: the kernel's copy on each line
t_copy_path_syscalls() {
	copies || return 77
	set --
	for e in openat newfstatat statx faccessat faccessat2 unlinkat mkdirat renameat renameat2 \
		 linkat symlinkat readlinkat chdir execve stat lstat newstat newlstat access unlink \
		 mkdir rmdir rename link symlink readlink; do
		if [ -d $TR/events/syscalls/sys_enter_$e ]; then set -- "$@" -e "t:syscalls:sys_enter_$e"; fi
	done
	kt_bg "$@" || return 1
	sh -c 'cd /tmp && mkdir cpd && ln -s cpd cpl && readlink cpl && echo x >cpf && ln cpf cph &&
		mv cph cpm && stat cpm && test -r cpm && rm cpm cpl cpf && rmdir cpd' >/dev/null
	kt_end
	for p in '"cpd"' '"cpl"' '"cph"' '"cpm"' '"/tmp"' '"cpf"'; do
		has out "filename: 0x[0-9a-f]+ $p|name: 0x[0-9a-f]+ $p|path: 0x[0-9a-f]+ $p" || return 1
	done
	hasnt out '__[a-z]+_val' || return 1
	hasnt out '(filename|pathname|oldname|newname|path): 0x[0-9a-f]+ \[user'
}

# a syscall that fails before the kernel copies (bad pointers, a path that
# runs into a hole) has no copy: the companion says why; a path that ends
# at the hole's edge is the kernel's copy (6.19+ may show its empty copy)
t_copy_failing() {
	copies || return 77
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	$TARGET -n 0 -B -P -z 300
	kt_end
	has out 'target-.*filename: 0x1( "")? \[user: unmapped\]' || return 1
	n=$(count out 'target-.*filename: 0x[0-9a-f]+( "")? \[user: unmapped\]')
	[ "$n" -eq 2 ] || fail "$n lines unmapped, not 2" || return 1
	has out 'target-.*filename: 0x[0-9a-f]+ "/tmp/ktp-pageend"' || return 1
	has out 'target-.*filename: 0x[0-9a-f]+( "[A.]*")? \[user (unverified|late|partly-verified) \+[0-9.]+(us|ms) "AAAAAAAA"\.\.\.\]'
}

# -n shows the capture probes where the kernel needs them; a run defines
# them in its own group, and removes them (the leftover check)
t_copy_dry_run() {
	copies || return 77
	kt -n 't:syscalls:sys_enter_openat'
	[ $KT_STATUS -eq 0 ] || { cat err; fail "status $KT_STATUS"; } || return 1
	if strings; then
		hasnt out '__kcap' || return 1
		return 0
	fi
	has out '^r64:ktprobe_[0-9_]+/__kcap_getname[a-z_0-9]* getname[a-z_.0-9]* uptr=\+8\(\$retval\):x64 path=\+0\(\+0\(\$retval\)\):string$' || return 1
	kt_bg 't:syscalls:sys_enter_openat' || return 1
	grep -q '/__kcap_getname' $TR/dynamic_events || { kt_end; fail "no capture probe defined"; } || return 1
	kt_end
}

# --- trace-cmd (x86_64: this machine's dynamic builds and trace-cmd, copied in) ---

DYN=/lab/dyn

# -o and report: the kernel's copy is in the trace, the capture events are
# not shown (trace.dat needs the dynamic build: x86_64 guests)
t_copy_report() {
	copies || return 77
	[ -x $DYN/ktprobe ] || { echo "trace.dat needs the dynamic build (x86_64 guests)" >skip; return 77; }
	static=$KT
	KT=$DYN/ktprobe
	kt_bg -o /tmp/copy.dat 't:syscalls:sys_enter_openat' || { KT=$static; return 1; }
	$TARGET -n 0 -o /lab/hello
	kt_end
	kt report /tmp/copy.dat
	KT=$static
	[ $KT_STATUS -eq 0 ] || { cat err; fail "report: status $KT_STATUS"; } || return 1
	has out 'target-.*sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ "/lab/hello"' || return 1
	hasnt out '__kcap|__filename_val'
}


# wait_file FILE REGEX: until FILE has a matching line (30 s at most)
wait_file() {
	i=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "timeout waiting for /$2/ in $1"; cat "$1"; return 1; }
		sleep 0.1
	done
}

# wait_until CMD...: until CMD succeeds (30 s at most)
wait_until() {
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "timeout waiting for: $*"; return 1; }
		sleep 0.1
	done
}

# recorders_ready: trace-cmd record's recorders have the top level's
# trace_pipe_raw of every CPU open (from then on what is recorded is kept)
recorders_ready() {
	cpus=$(ls -d $TR/per_cpu/cpu[0-9]* | wc -l)
	open=$(for l in /proc/[0-9]*/fd/*; do readlink "$l"; done 2>/dev/null |
		grep -c "^$TR/per_cpu/cpu[0-9]*/trace_pipe_raw$")
	[ "$open" -ge "$cpus" ]
}

# children_running PID: a child of PID is running (not a zombie)
children_running() {
	for st in /proc/[0-9]*/stat; do
		# the state and the parent's pid follow the comm's closing ")"
		sed -n 's/.*) \([A-Za-z]\) \([0-9]*\) .*/\1 \2/p' "$st" 2>/dev/null |
			grep -qE "^[^Z] $1\$" && return 0
	done
	return 1
}

# --keep, a plain trace-cmd record, ktfill --into the recorded buffer: one recording
t_tracecmd_keep_record() {
	[ -x $DYN/trace-cmd ] || return 77
	printf '/lab/hello\0' >/tmp/pathfile
	$DYN/ktprobe --keep 'p:kept/open do_sys_openat2 file=+0(%si):string' >/dev/null || return 1
	$DYN/trace-cmd record -e kept -e syscalls:sys_enter_openat -o /tmp/rec.dat >rec.log 2>&1 &
	rec=$!
	# recording once trace-cmd has enabled the event and turned tracing on
	wait_file $TR/events/kept/open/enable '^1' || { cat rec.log; return 1; }
	wait_until recorders_ready || { cat rec.log; return 1; }
	wait_file $TR/tracing_on '^1' || return 1
	# a note left by an earlier run (LAB_REPEAT) must not be taken for this one's
	rm -f kf.err
	$DYN/ktfill --into top -q kept:open syscalls:sys_enter_openat 2>kf.err &
	kf=$!
	wait_file kf.err 'note: tracing' || return 1
	$TARGET -n 0 -M /tmp/pathfile -o /lab/hello -z 300
	kill -INT $kf
	wait $kf
	kill -INT $rec
	wait $rec
	$DYN/ktprobe report /tmp/rec.dat >out 2>err
	if copies; then
		# the syscall event's own copy faulted the page in before the kprobe read it
		has out ": open: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) file=\"/lab/hello\"$" || return 1
		has out "sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ \"/lab/hello\"" || return 1
		$DYN/ktprobe --remove-kept >/dev/null 2>&1
		! grep -q 'kept/' $TR/dynamic_events || return 1
		return 0
	fi
	has out ": open: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) file=\(fault\) \[user (unverified|late) \+[0-9.]+(us|ms) \"/lab/hello\"\]$" || return 1
	has out "sys_openat\(dfd: 0xffffff9c, filename: 0x[0-9a-f]+ \[user (unverified|late) \+[0-9.]+(us|ms) \"/lab/hello\"\]" || return 1
	TRACEEVENT_PLUGIN_DIR=$DYN $DYN/trace-cmd report /tmp/rec.dat >tc 2>&1
	has tc "ktprobe fill: pid [0-9]+ file=0x[0-9a-f]+ \[user unverified" || return 1
	$DYN/ktprobe --list-kept >kept 2>&1
	has kept '^p:kept/open do_sys_openat2 ' || return 1
	$DYN/ktprobe --remove-kept >/dev/null 2>&1
	! grep -q 'kept/' $TR/dynamic_events
}

# trace-cmd's network mode: listen, record -N, and the files reported together
# net_record: trace-cmd record -N sends the kept event to trace-cmd listen
# while the target opens /lab/hello; the listener's file in /tmp/lst
net_record() {
	rm -rf /tmp/lst && mkdir -p /tmp/lst
	$DYN/trace-cmd listen -p 12345 -d /tmp/lst >listen.log 2>&1 &
	lst=$!
	wait_file /proc/net/tcp ':3039 00000000:0000 0A' || { cat listen.log; return 1; }
	$DYN/trace-cmd record -N 127.0.0.1:12345 -e kept >nrec.log 2>&1 &
	rec=$!
	wait_file $TR/events/kept/net/enable '^1' || { cat nrec.log listen.log; return 1; }
	wait_until recorders_ready || { cat nrec.log listen.log; return 1; }
	wait_file $TR/tracing_on '^1' || return 1
	# the network mode sends a CPU's pages as they fill and its last,
	# partly filled one only as it ends: the target and 400 opens of
	# another file after it on one CPU make the target's page a full one
	echo fill >/tmp/fill
	taskset 1 $TARGET -n 0 -o /lab/hello
	taskset 1 sh -c 'for i in $(seq 400); do : </tmp/fill; done'
	sleep 1
	kill -INT $rec
	wait $rec
	# the listener's child writes what record sent when the recording ends
	i=0
	while children_running $lst; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "the listener's child did not end"; return 1; }
		sleep 0.1
	done
	kill -INT $lst
	wait $lst
	ls /tmp/lst/*.dat >/dev/null || { cat listen.log nrec.log; return 1; }
}

t_tracecmd_network() {
	[ -x $DYN/trace-cmd ] || return 77
	$DYN/ktprobe --keep 'p:kept/net do_sys_openat2 file=+0(%si):string' >/dev/null || return 1
	# trace-cmd listen stops reading a second after record says it has
	# ended, whatever is still on its way (tracecmd/trace-listen.c,
	# process_client): under TCG a CPU's stream was cut short once in
	# about 30 runs. What trace-cmd's own report does not show was not
	# kept, and the recording is made again; ktprobe must show the rest.
	tries=0
	while :; do
		net_record || return 1
		$DYN/trace-cmd report /tmp/lst/*.dat 2>/dev/null >tcout
		grep -q ': net: .*file="/lab/hello"' tcout && break
		tries=$((tries + 1))
		[ $tries -ge 3 ] && { echo "trace-cmd listen kept no event of the target in 3 recordings"; cat nrec.log listen.log; return 1; }
		echo "# trace-cmd listen did not keep the target's event (its report shows $(wc -l <tcout) lines); recording again"
	done
	$DYN/ktprobe --remove-kept >/dev/null 2>&1
	# a second file, from this machine, of a later time (the note of an
	# earlier run, with LAB_REPEAT, must not be taken for this one's)
	rm -f kp.err
	$DYN/ktprobe -o /tmp/local.dat 'p:do_sys_openat2 file=+0(%si):string' 'file == "/lab/hello"' >/dev/null 2>kp.err &
	kp=$!
	wait_file kp.err 'note: tracing' || return 1
	$TARGET -n 0 -o /lab/hello
	kill -INT $kp
	wait $kp || { cat kp.err; return 1; }
	$DYN/ktprobe report /tmp/lst/*.dat /tmp/local.dat >out 2>err
	has out ': net: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) file="/lab/hello"$' || return 1
	# every event of the listener's file, as trace-cmd reads it
	[ "$(grep -c ': net: ' out)" -eq "$(grep -c ': net: ' tcout)" ] ||
		{ echo "ktprobe report shows $(grep -c ': net: ' out) net events, trace-cmd report $(grep -c ': net: ' tcout)"; return 1; }
	has out ': do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) file="/lab/hello"$' || return 1
	[ "$(grep -nE ': (net|do_sys_openat2): ' out | tail -1 | grep -c ': do_sys_openat2: ')" -eq 1 ]
}

# --- names (BTF): ktprobe's translation on every kernel ---

t_names_kernel() {
	kt_bg 'p:do_sys_openat2 filename dfd how->mode' 'r:do_sys_openat2 $retval' \
		'p:vfs_read file->f_path.dentry->d_name.name:string file->f_inode->i_sb->s_id count' || return 1
	rm -f /tmp/created
	$TARGET -n 0 -m 640 -o /tmp/created
	$TARGET -n 0 -O /nonexistent
	wc -c /lab/hello >/dev/null	# (busybox cat reads with sendfile, not read)
	kt_end
	has out "target-.*: do_sys_openat2: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) filename=\"/tmp/created\" dfd=-100 mode=416$" || return 1
	# typed by BTF: long on 6.1, int on newer kernels; the same values
	has out "target-.*: do_sys_openat2__return: \(.* <- do_sys_openat2\) arg1=3$" || return 1
	has out "target-.*: do_sys_openat2__return: \(.* <- do_sys_openat2\) arg1=-2$" || return 1
	has out "wc-.*: vfs_read: \(vfs_read\+0x[0-9a-f]+/0x[0-9a-f]+\) name=\"hello\" s_id=\"(rootfs|tmpfs|ramfs)\" count=[0-9]+$" || return 1
	# $retval typed by this kernel's BTF: do_sys_openat2 returns long on 6.1, int later
	kt -n 'r:do_sys_openat2 $retval'
	case $(uname -r) in
	6.1.*) has out ' arg1=\$retval:s64$' || return 1 ;;
	*) has out ' arg1=\$retval:s32$' || return 1 ;;
	esac
	# the translation: registers and offsets, on every kernel
	kt -n 'p:do_sys_openat2 filename'
	case $ARCH in
	x86_64) has out ' filename=\+0\(%si\):string __kf0_filename=%si:x64$' ;;
	arm64) has out ' filename=\+0\(%x1\):string __kf0_filename=%x1:x64$' ;;
	esac
}

t_names_errors() {
	kt 'p:vfs_read file->f_inodee'
	[ $KT_STATUS -eq 1 ] || fail "status $KT_STATUS" || return 1
	has err "struct file has no member 'f_inodee'; close: f_inode" || return 1
	kt 'p:vfs_read count:string'
	[ $KT_STATUS -eq 1 ] || return 1
	has err "'count' is size_t, not a pointer: ':string' needs a char \* or a char array$"
}

# Where the kernel takes names itself (6.5; -> and . from 6.6), its values
# and ktprobe's translation agree: the kernel's own probes, defined here,
# are traced as existing events beside ktprobe's in the same run.
native_remove() {
	echo '-:ktprobe_native/natread' >>$TR/dynamic_events 2>/dev/null
	echo '-:ktprobe_native/natret' >>$TR/dynamic_events 2>/dev/null
}

t_names_both_ways() {
	fields='name=file->f_path.dentry->d_name.name:string ino=file->f_inode->i_ino count'
	if ! echo "p:ktprobe_native/natread vfs_read $fields" >>$TR/dynamic_events 2>/dev/null; then
		echo "this kernel takes no BTF names in probes" >skip
		return 77
	fi
	echo 'r:ktprobe_native/natret do_sys_openat2 ret=$retval' >>$TR/dynamic_events ||
		{ native_remove; return 1; }
	kt_bg 't:ktprobe_native:natread' 't:ktprobe_native:natret' "p:vfs_read $fields" \
		'r:do_sys_openat2 ret=$retval' || { native_remove; return 1; }
	wc -c /lab/hello >/dev/null
	$TARGET -n 0 -o /lab/hello -O /nonexistent
	kt_end
	native_remove
	# each event's fields, as printed after its "(place) "; the reads of
	# /lab/hello only (other reads may come between the two enables)
	sed -n '/: natread: .* name="hello" /s/^[^)]*) //p' out | sort >native.v
	sed -n '/: vfs_read: .* name="hello" /s/^[^)]*) //p' out | sort >ours.v
	sed -nE '/target-[0-9]+ .*: natret: /s/^.*\) //p' out | sort >native.r
	sed -nE '/target-[0-9]+ .*: do_sys_openat2: /s/^.*\) //p' out | sort >ours.r
	grep -q '^name="hello" ino=[0-9]* count=[0-9]*$' ours.v || { cat out; fail "no read of hello"; } || return 1
	cmp -s native.v ours.v || { diff native.v ours.v; fail "the kernel's names and ktprobe's differ"; } || return 1
	printf 'ret=-2\nret=3\n' | cmp -s - ours.r || { cat out; fail "ret=3 and ret=-2 expected"; } || return 1
	cmp -s native.r ours.r || { diff native.r ours.r; fail "\$retval differs"; }
}

t_names_user() {
	kt_bg "p:$TARGET:probe_me s n" "r:$TARGET:probe_me \$retval" || return 1
	$TARGET -n 2 -s hello
	kt_end
	has out "target-.*: probe_me: \(0x[0-9a-f]+\) s=\"hello\" n=1$" || return 1
	# probe_me returns 2n + strlen(s): 5, then 7
	has out "target-.*: probe_me__return: \(0x[0-9a-f]+ <- 0x[0-9a-f]+\) arg1=5$" || return 1
	has out "target-.*: probe_me__return: \(0x[0-9a-f]+ <- 0x[0-9a-f]+\) arg1=7$"
}

# --- errors and kernel features ---

t_kernel_rejection() {
	kt 'p:do_sys_openat2 x=+0(%si'
	[ $KT_STATUS -eq 1 ] || fail "status $KT_STATUS" || return 1
	# (on arm64 a note on %si comes first)
	grep -A2 "^ktprobe: the kernel rejected probe 'do_sys_openat2': Dereference brace is not closed$" err >rejected ||
		{ cat err; fail "no kernel message"; } || return 1
	sed -n 2p rejected | grep -qE '^  Command: p:ktprobe_[0-9_]+/do_sys_openat2 do_sys_openat2 x=\+0\(%(si|x1)$' ||
		{ cat err; fail "no command line"; } || return 1
	# the caret under the end of the command
	[ "$(sed -n 3p rejected | awk '{ print index($0, "^") }')" -eq "$(sed -n 2p rejected | awk '{ print length($0) + 1 }')" ] ||
		{ cat err; fail "the caret is not where the kernel put it"; }
}

t_untraceable_function() {
	kt 'p:do_sys_opn'
	[ $KT_STATUS -eq 1 ] || return 1
	has err "^ktprobe: 'p:do_sys_opn': no kernel function do_sys_opn; close: do_sys_open" || return 1
	bl=$(awk 'NR == 1 { print $2 }' /sys/kernel/debug/kprobes/blacklist)
	kt "p:$bl"
	[ $KT_STATUS -eq 1 ] || return 1
	has err "^ktprobe: 'p:$bl': $bl is on the kernel's kprobe blacklist: it cannot be probed$" || return 1
	# a function the kernel has but cannot trace
	nt=$(awk 'FILENAME ~ /blacklist/ { ok[$2] = 1; next } NR == FNR { ok[$1] = 1; next }
		($2 == "t" || $2 == "T") && !($3 in ok) && $3 ~ /^[a-z][a-z_]+$/ && NF == 3 { print $3; exit }' \
		$TR/available_filter_functions /sys/kernel/debug/kprobes/blacklist /proc/kallsyms)
	kt "p:$nt"
	[ $KT_STATUS -eq 1 ] || return 1
	has err "^ktprobe: 'p:$nt': $nt is not in available_filter_functions" || return 1
	has err "-F to try anyway$"
}

# kernel_accepts DEFINITION: whether this kernel takes a throw-away probe definition
kernel_accepts() {
	echo "$1" >>$TR/dynamic_events 2>/dev/null || return 1
	echo "-:ktprobe_feat/x" >>$TR/dynamic_events
	return 0
}

t_missing_kernel_features() {
	# 6.1 fetches no entry arguments at return (newer kernels do: then it is not refused)
	if ! kernel_accepts 'r:ktprobe_feat/x do_sys_openat2 $arg1'; then
		kt 'r:do_sys_openat2 $arg1'
		[ $KT_STATUS -eq 1 ] || return 1
		has err "kernel return probes support" || return 1
	fi
	# nor has it a char type
	if ! kernel_accepts 'p:ktprobe_feat/x do_sys_openat2 c=+0($arg2):char'; then
		kt 'p:do_sys_openat2 c=+0($arg2):char'
		[ $KT_STATUS -eq 1 ] || return 1
		has err "this kernel's probes have no 'char' type" || return 1
	fi
	# either way, a run with them ends cleanly
	kt -d 1 -e 'r:do_sys_openat2 $arg1' -e 'p:do_sys_openat2 c=+0($arg2):char'
	[ $KT_STATUS -le 1 ]
}

# counts_both_ways ARGS...: count a known workload (5 cats of /lab/hello)
# in the kernel (hist trigger), then in ktprobe; out.kernel, out.ktprobe
counts_both_ways() {
	for how in kernel ktprobe; do
		if [ $how = kernel ]; then kt_bg "$@" || return 1; else kt_bg --no-kernel-hist "$@" || return 1; fi
		for i in 1 2 3 4 5; do cat /lab/hello >/dev/null; done
		kt_end
		[ $KT_STATUS -eq 0 ] || fail "status $KT_STATUS ($how)" || return 1
		cp out out.$how
		cp err err.$how
	done
	has err.kernel "note: counting in the kernel \(hist trigger\)$" || return 1
	has err.ktprobe "note: counting in ktprobe \(--no-kernel-hist\)$" || return 1
	# the same, but for the process ids of the two workloads
	sed -E 's/(cat +)[0-9]+$/\1PID/' out.kernel >cmp.kernel
	sed -E 's/(cat +)[0-9]+$/\1PID/' out.ktprobe >cmp.ktprobe
	diff cmp.kernel cmp.ktprobe || { cat err.kernel err.ktprobe; fail "the kernel's counts differ from ktprobe's"; }
}

# --count, --sum, --hist by hist triggers, equal to ktprobe's own counting
t_counts_kernel() {
	counts_both_ways --count=comm,filename "p:do_sys_openat2 filename=+0(\$arg2):string" \
		'comm == "cat"' || return 1
	has out.kernel "^ +5  cat +/lab/hello$" || return 1
	has out.kernel "^ +[0-9]+  \(total\)$" || return 1
	# each cat's open returns 3: a sum of 15 over 5 processes
	counts_both_ways --count=comm --sum='$retval' 'r:do_sys_openat2 $retval' 'comm == "cat"' ||
		return 1
	has out.kernel "^ +COUNT +SUM  comm$" || return 1
	has out.kernel "^ +5 +15  cat$" || return 1
	counts_both_ways --count=comm,pid 'r:do_sys_openat2 $retval' 'comm == "cat"' || return 1
	[ "$(grep -c '  cat  ' out.kernel)" -eq 5 ] || fail "5 processes" || return 1
	counts_both_ways --hist='$retval' 'r:do_sys_openat2 $retval' 'comm == "cat"' || return 1
	has out.kernel '^@\$retval:$' || return 1
	has out.kernel '^\[2, 4\) +5 \|@{52}\|$' || return 1
	# -i: the kernel's rows cleared after each interval
	kt_bg -i 0.5 --format=json --count=comm 't:syscalls:sys_enter_openat' 'comm == "cat"' || return 1
	sleep 0.7
	for i in 1 2 3; do cat /lab/hello >/dev/null; done
	sleep 1.2
	kt_end
	[ "$(grep -c '"key":{"comm":"cat"}' out)" -eq 1 ] || { cat out; fail "cat's opens in one interval"; }
}

# --count=stack in the kernel (common_stacktrace, or stacktrace before
# 6.5), equal to ktprobe's from the stack records -s adds
t_counts_stack() {
	counts_both_ways --count=comm,stack 'p:do_sys_openat2' 'comm == "cat"' || { cat out.kernel out.ktprobe; return 1; }
	# the callers of the probed function, as -s prints them
	has out.kernel "^ +5  cat +[a-z_0-9.]+$" || return 1
	! grep -q do_sys_openat2 out.kernel || fail "the probed function is the event's, not a frame" ||
		return 1
	counts_both_ways --count=stack 't:syscalls:sys_enter_openat' 'comm == "cat"' || { cat out.kernel out.ktprobe; return 1; }
	has out.kernel "^ +5  [a-z_0-9.]+$" || return 1
	# at a function's return: where it returns to, both ways
	counts_both_ways --count=comm,stack 'r:do_sys_openat2' 'comm == "cat"' || { cat out.kernel out.ktprobe; return 1; }
	has out.kernel "^ +5  cat +(__(x64|arm64)_sys_openat|do_sys_open)$" || return 1
}

# --latency in the kernel: a synthetic event fed by onmatch(), its
# histogram counted by a hist trigger; the same number of calls as
# ktprobe's own measure, and the synthetic event gone after the run
t_latency_kernel() {
	for how in kernel ktprobe; do
		if [ $how = kernel ]; then kt_bg --latency do_sys_openat2 --count=comm || return 1
		else kt_bg --no-kernel-hist --latency do_sys_openat2 --count=comm || return 1; fi
		for i in 1 2 3 4 5; do cat /lab/hello >/dev/null; done
		kt_end
		[ $KT_STATUS -eq 0 ] || fail "status $KT_STATUS ($how)" || return 1
		cp out out.$how
		# the count column of cat's histogram, up to the blank line after it
		awk '/^@usecs\[cat\]:$/ { on = 1; next } on && /^$/ { on = 0 } on' out |
			sed -nE 's/^[^ ]+( [^ ]+)? +([0-9]+) \|.*/\2/p' | awk '{ s += $1 } END { print s + 0 }' >cats.$how
	done
	has err "note: counting in ktprobe \(--no-kernel-hist\)$" || return 1
	has out.kernel '^@usecs\[cat\]:$' || return 1
	has out.kernel '^\[[0-9]+[KM]?(, [0-9]+[KM]?\))?\]? +[0-9]+ \|@+ *\|$' || return 1
	[ "$(cat cats.kernel)" -gt 0 ] && [ "$(cat cats.kernel)" = "$(cat cats.ktprobe)" ] ||
		{ cat out.kernel out.ktprobe; fail "cat's openat calls: $(cat cats.kernel) in the kernel, $(cat cats.ktprobe) in ktprobe"; }
}

# a dead run's synthetic event (named like its group) is reaped by --cleanup
t_synthetic_stale() {
	dead=ktprobe_99999_1_$(stat -L -c %i /proc/self/ns/pid)
	echo "$dead u64 lat" >>$TR/synthetic_events || fail "cannot define a synthetic event" || return 1
	kt --cleanup
	[ $KT_STATUS -eq 0 ] || fail "status $KT_STATUS" || return 1
	has err "removing a synthetic event of a dead run \(pid 99999\): $dead" || return 1
	! grep -q "$dead" $TR/synthetic_events || fail "still defined"
}

t_dynamic_events_file() {
	kt_bg 'p:do_sys_openat2' || return 1
	grep -qE '^p:ktprobe_[0-9_]+/do_sys_openat2 do_sys_openat2$' $TR/kprobe_events ||
		{ cat $TR/kprobe_events; fail "not in kprobe_events"; } || return 1
	kt_end
}

# --- run them all ---

n=0
status=0
tests=$(grep -oE '^t_[a-z_0-9]+\(\)' "$0" | tr -d '()')
[ -n "$LAB_ONLY" ] && tests=$(echo "$LAB_ONLY" | tr ',' ' ')
all=
for i in $(seq 1 "${LAB_REPEAT:-1}"); do all="$all $tests"; done
# run_one TEST DIR: the test in DIR, two minutes at most; its status in tstatus
run_one() {
	(cd "$2" && $1) >"$2/log" 2>&1 &
	tpid=$!
	# a hang is reported with where things wait
	( sleep 120 && { echo "TIMEOUT: processes and where they wait:"; for p in /proc/[0-9]*; do
		c=$(cat $p/comm 2>/dev/null); case $c in ktprobe|target|sh|grep|sleep|cat)
		echo "  ${p#/proc/} $c $(cat $p/wchan 2>/dev/null)"; cat $p/stack 2>/dev/null | sed 's/^/      /';;
		esac; done; kill -KILL $tpid; killall -KILL ktprobe; } >>"$2/log" 2>&1 ) &
	wpid=$!
	wait $tpid
	tstatus=$?
	kill $wpid 2>/dev/null
}

for t in $all; do
	n=$((n + 1))
	dir=/tmp/$t
	mkdir -p "$dir"
	rm -f "$dir/out"
	run_one $t "$dir"
	# Known, not understood (arm64 7.2, a few runs in a hundred): a run arms,
	# exits 0 and prints no line at all. Such a failure is run once more and
	# said in the TAP line; a second failure is a failure.
	retried=
	if [ $tstatus -ne 0 ] && [ $tstatus -ne 77 ] && [ -f "$dir/out" ] && [ ! -s "$dir/out" ] &&
	   [ -z "$(leftovers)" ]; then
		cp "$dir/log" "$dir/log.first"
		retried=" # ktprobe printed nothing in the first run; passed when run again"
		run_one $t "$dir"
	fi
	if [ $tstatus -eq 77 ]; then
		echo "ok $n ${t#t_} # SKIP $(cat "$dir/skip" 2>/dev/null || echo "not on $ARCH")"
	elif [ $tstatus -eq 0 ] && [ -z "$(leftovers)" ]; then
		echo "ok $n ${t#t_}$retried"
		[ -n "$retried" ] && sed 's/^/#   first run: /' "$dir/log.first" | head -5
	else
		echo "not ok $n ${t#t_}"
		[ -n "$retried" ] && sed 's/^/# first run: /' "$dir/log.first"
		sed 's/^/# /' "$dir/log"
		left=$(leftovers)
		[ -n "$left" ] && echo "$left" | sed 's/^/# left in tracefs: /'
		$KT --cleanup >/dev/null 2>&1
		status=1
	fi
done
echo "1..$n"
exit $status
