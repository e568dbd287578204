#!/usr/bin/env bats
# Bad input: one clear line (or the kernel's error_log entry), a status
# other than 0, and tracefs exactly as it was.

load ../helpers

snapshot() {
	{ cat "$TRACEFS/dynamic_events"; ls "$TRACEFS/instances"; cat "$TRACEFS/set_event"; } 2>&1
}

@test "a definition the kernel rejects: its error_log message, command and caret" {
	before=$(snapshot)
	run -1 --separate-stderr "$KTPROBE" "p:$PROGS/target_pie:probe_me x=+0(%di):strng"
	[ "${stderr_lines[0]}" = "ktprobe: the kernel rejected probe 'probe_me': Unknown type is specified" ]
	[[ "${stderr_lines[1]}" =~ ^\ \ Command:\ p:ktprobe_[0-9_]+/probe_me\ $PROGS/target_pie:0x[0-9a-f]+\ x=\+0\(%di\):strng$ ]]
	# the caret points at the type
	caret=${stderr_lines[2]%^}
	[ "${stderr_lines[1]:${#caret}:5}" = strng ]
	[ "$(snapshot)" = "$before" ]
}

@test "an unknown register goes to the kernel, which names it" {
	run -1 --separate-stderr "$KTPROBE" "p:$PROGS/target_pie:probe_me +0(%zz):string"
	[ "${stderr_lines[0]}" = "ktprobe: the kernel rejected probe 'probe_me': Invalid register name" ]
	caret=${stderr_lines[2]%^}
	[ "${stderr_lines[1]:${#caret}:3}" = "%zz" ]
}

@test "a bad filter: the kernel's message and caret, before anything is armed" {
	run -1 --separate-stderr "$KTPROBE" 't:syscalls:sys_enter_openat' 'flags = = 3'
	[ "${stderr_lines[0]}" = "ktprobe: bad filter for sys_enter_openat: Invalid operator" ]
	[ "${stderr_lines[1]}" = "  Command: flags = = 3" ]
	[[ "${stderr_lines[2]}" =~ ^\ +\^$ ]]
	run -1 --separate-stderr "$KTPROBE" "p:$PROGS/target_pie:probe_me n=%si:s32" 'nn == 1'
	[ "${stderr_lines[0]}" = "ktprobe: bad filter for probe_me: Field not found" ]
	! grep -q 'note: tracing' <<<"$stderr" || false
}

@test "a kprobe on this kernel, which has no kprobes, says exactly that" {
	[ ! -e "$TRACEFS/kprobe_events" ] || skip "this kernel has kprobes"
	run -1 "$KTPROBE" 'p:do_sys_open file=+0(%si):string'
	[ "$output" = "ktprobe: 'p:do_sys_open file=+0(%si):string': this kernel has no kprobes (tracefs has no kprobe_events: CONFIG_KPROBE_EVENTS is off); uprobes and tracepoints still work" ]
}

@test "an unknown tracepoint lists close names" {
	run -1 "$KTPROBE" 't:syscalls:sys_enter_opnat'
	[[ "$output" =~ ^ktprobe:\ no\ tracepoint\ syscalls:sys_enter_opnat\;\ close:\ sys_enter_openat ]]
	run -1 "$KTPROBE" 't:nosuchsystem:foo'
	[[ "$output" =~ "no tracepoint system 'nosuchsystem'" ]]
}

@test "bad spec syntax is one line" {
	run -1 "$KTPROBE" -n 'x:foo'
	[ "$output" = "ktprobe: 'x:foo': a spec starts with p: (probe), r: (return probe) or t: (tracepoint)" ]
	run -1 "$KTPROBE" -n 'p:'
	[ "${#lines[@]}" -eq 1 ]
	run -1 "$KTPROBE" -n 't:syscalls'
	[[ "$output" =~ "a tracepoint is t:SYSTEM:EVENT" ]]
	run -1 "$KTPROBE" -n 't:syscalls:sys_enter_openat x=%di'
	[[ "$output" =~ "tracepoints take no fetch arguments" ]]
	run -1 "$KTPROBE" -n "r5:$PROGS/target_pie:probe_me"
	[[ "$output" =~ "maxactive (rN:) applies to kretprobes only" ]]
	run -1 "$KTPROBE" -n "r:$PROGS/target_pie:probe_me \$arg1"
	[[ "$output" =~ "cannot be fetched by a uretprobe" ]]
	run -1 "$KTPROBE" -n -- '-:kprobes/foo'
	[[ "$output" =~ "removes only its own events" ]]
}

@test "a newline or other control character in a spec or filter never reaches tracefs" {
	before=$(snapshot)
	run -1 "$KTPROBE" $'p:'"$PROGS/target_pie"$':probe_me\n-:kprobes/x'
	[ "$output" = "ktprobe: probe spec contains a control character (newline, tab, ...): refused" ]
	run -1 "$KTPROBE" $'p:'"$PROGS/target_pie"$':probe_me\tx=%di'
	[ "${#lines[@]}" -eq 1 ]
	run -1 "$KTPROBE" "p:$PROGS/target_pie:probe_me" $'common_pid == 1\n'
	[ "$output" = "ktprobe: filter contains a control character (newline, tab, ...): refused" ]
	[ "$(snapshot)" = "$before" ]
}

@test "not root: one line, nothing touched" {
	run -1 setpriv --reuid=65534 --regid=65534 --clear-groups "$KTPROBE" 't:syscalls:sys_enter_openat'
	[ "$output" = "ktprobe: tracing needs root (tracefs is root-only); -n and -l work without it" ]
}

@test "tracefs not mounted: ktprobe mounts it itself" {
	run -0 unshare -m --propagation private sh -c "
		umount -l $TRACEFS; umount -l /sys/kernel/debug 2>/dev/null
		! grep -q ' tracefs ' /proc/mounts || exit 3
		'$KTPROBE' -d 0.3 t:syscalls:sys_enter_openat 'flags == 0x4242' || exit 4
		grep -q ' tracefs ' /proc/mounts"
}

@test "no tracefs at all: one clear line" {
	run -1 unshare -m --propagation private sh -c "
		umount -l $TRACEFS; umount -l /sys/kernel/debug 2>/dev/null
		mount -t tmpfs -o ro,size=1k none /sys/kernel
		'$KTPROBE' t:syscalls:sys_enter_openat"
	[[ "$output" =~ ^ktprobe:\ tracefs\ is\ not\ mounted\ and\ mounting\ it\ failed ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "bad option values" {
	run -2 "$KTPROBE" -d abc 't:syscalls:sys_enter_openat'
	[ "$output" = "ktprobe: -d: 'abc' is not a positive number of seconds" ]
	run -2 "$KTPROBE" -p 12x 't:syscalls:sys_enter_openat'
	[ "$output" = "ktprobe: -p: '12x' is not a process id" ]
	run -2 "$KTPROBE" -b 0 't:syscalls:sys_enter_openat'
	run -1 "$KTPROBE" -n --arch vax 't:syscalls:sys_enter_openat'
	[ "$output" = "ktprobe: unknown architecture 'vax'" ]
	run -1 "$KTPROBE" --arch arm64 't:syscalls:sys_enter_openat'
	[[ "$output" =~ "differs from this machine's; use it with -n" ]]
	run -2 "$KTPROBE"
	[[ "$output" =~ ^usage: ]]
}
