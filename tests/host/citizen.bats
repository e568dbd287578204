#!/usr/bin/env bats
# tracefs is shared: other users' probes, instances and the top-level
# buffer are never touched.

load ../helpers

foreign_setup() {
	off=$("$KTPROBE" -n "p:$PROGS/target_pie:probe_me" | sed 's/.*:0x//')
	echo "p:othertool/theirs $PROGS/target_pie:0x$off" >>"$TRACEFS/uprobe_events"
	mkdir "$TRACEFS/instances/othertool_inst"
	echo 1 >"$TRACEFS/instances/othertool_inst/events/othertool/theirs/enable"
}

foreign_teardown() {
	echo 0 >"$TRACEFS/instances/othertool_inst/events/othertool/theirs/enable" 2>/dev/null || true
	rmdir "$TRACEFS/instances/othertool_inst" 2>/dev/null || true
	echo '-:othertool/theirs' >>"$TRACEFS/uprobe_events" 2>/dev/null || true
}

@test "other users' probes and instances survive runs, errors and --cleanup" {
	foreign_setup
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me"
	"$PROGS/target_pie" -n 2 >/dev/null
	ktp_end
	run -1 "$KTPROBE" "p:$PROGS/target_pie:probe_me x=%di:nosuchtype"
	run -0 "$KTPROBE" --cleanup
	grep -q '^p:othertool/theirs ' "$TRACEFS/uprobe_events"
	[ -d "$TRACEFS/instances/othertool_inst" ]
	[ "$(cat "$TRACEFS/instances/othertool_inst/events/othertool/theirs/enable")" = 1 ]
	# their instance saw the calls too: our run did not take their events
	grep -c 'theirs:' "$TRACEFS/instances/othertool_inst/trace" | grep -qx 2
	foreign_teardown
}

@test "the top-level buffer, its events and tracing_on are left as they were" {
	top_before=$(cat "$TRACEFS/tracing_on" "$TRACEFS/set_event" "$TRACEFS/buffer_size_kb" \
		"$TRACEFS/set_event_pid" "$TRACEFS/trace_clock")
	echo "ktprobe-suite-marker-$$" >"$TRACEFS/trace_marker"
	ktp_bg -d 5 -p $$ -b 64 't:syscalls:sys_enter_openat' -e "p:$PROGS/target_pie:probe_me"
	"$PROGS/target_pie" -n 2 -o /etc/hostname >/dev/null
	ktp_end
	[ "$top_before" = "$(cat "$TRACEFS/tracing_on" "$TRACEFS/set_event" "$TRACEFS/buffer_size_kb" \
		"$TRACEFS/set_event_pid" "$TRACEFS/trace_clock")" ]
	grep -q "ktprobe-suite-marker-$$" "$TRACEFS/trace"
	! grep -q 'probe_me' "$TRACEFS/trace" || false
}

@test "the run's own reads are not traced (set_event_notrace_pid)" {
	ktp_bg -d 3 't:syscalls:sys_enter_openat'
	"$PROGS/target_pie" -n 0 -o /etc/hostname >/dev/null
	ktp_wait
	grep -q 'target_pie-' "$OUT"
	! grep -qE '^ +ktprobe-[0-9]+ ' "$OUT" || false
}
