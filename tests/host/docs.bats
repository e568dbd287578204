#!/usr/bin/env bats
# The man page and -h agree, and every example in the man page and the
# README runs (as a dry run where it would trace).

load ../helpers

MAN=$TESTS_DIR/../man/ktprobe.8
KTFILL=$(dirname "$KTPROBE")/ktfill

# The lines of section $1 of a man page ($2, default ktprobe's), roff escapes undone.
man_section() {
	awk -v s="$1" '/^\.SH / { on = ($2 == s) ; next } on' "${2:-$MAN}" | sed 's/\\-/-/g; s/\\e/\\/g'
}

# The options named in $1 -h: -x and --long.
help_options() {
	"$1" -h | grep -oE '(^| |\[)--?[a-zA-Z][a-zA-Z-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' |
		sed -E 's/^-([a-zA-Z]{2,})$/\1/' | grep -E '^-' | sort -u
}

# same_options PROGRAM MANPAGE: -h and the man page's OPTIONS name the same options
same_options() {
	local man_opts help
	man_opts=$(man_section OPTIONS "$2" | grep -E '^\.(B|BI|BR) ' |
		grep -oE -- '(^|[ "[(])--?[a-zA-Z][a-zA-Z-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u)
	help=$(help_options "$1")
	for o in $help; do
		grep -qx -- "$o" <<<"$man_opts" || { echo "not in $2: $o"; return 1; }
	done
	for o in $man_opts; do
		grep -qx -- "$o" <<<"$help" || { echo "not in $1 -h: $o"; return 1; }
	done
	echo "$man_opts"
}

@test "every option of -h is documented in OPTIONS, and every documented option is in -h" {
	run -0 same_options "$KTPROBE" "$MAN"
	# the single-letter flags of the usage line, too
	for f in F h H s v n d p L b e f l; do
		grep -qx -- "-$f" <<<"$output"
	done
	run -0 same_options "$KTFILL" "$TESTS_DIR/../man/ktfill.8"
	for f in d p L b f h; do
		grep -qx -- "-$f" <<<"$output"
	done
}

# The lines of every example block (.EX) of ktprobe's man page, roff escapes
# undone, continued lines joined.
man_examples() {
	sed 's/\\-/-/g; s/\\e/\\/g' "$MAN" | awk '/^\.EX/ { ex = 1; next } /^\.EE/ { ex = 0; next }
		ex { sub(/^ +/, ""); if (sub(/ \\$/, " ")) { cmd = cmd $0; next } print cmd $0; cmd = "" }'
}

# A trace file for the examples that read one (run.dat), in the test's directory.
example_setup() {
	cd "$BATS_TEST_TMPDIR"
	"$KTPROBE" -d 0.5 -o run.dat 't:syscalls:sys_enter_openat' >/dev/null 2>&1
	[ -s run.dat ]
}

# The examples that are documented but not run here, and why. Each entry is
# a pattern of the example's text.
example_skipped() {
	case "$1" in
	"trace-cmd record "*) echo "records until stopped: run by tracecmd.bats (keep mode, record -B)" ;;
	"ktfill "*"--into "*) echo "fills a running trace-cmd record: run by tracecmd.bats" ;;
	*) return 1 ;;
	esac
}

# run_example LINE: run a documented command line. Tracing runs are dry runs
# (-n); listing, reports and keep mode run for real. Status 0: it ran and
# succeeded; 1: it failed; 2: not a command (an output sample) or skipped
# (example_skipped says why).
run_example() {
	local args cmd why
	if why=$(example_skipped "$1"); then
		echo "skipped: $1 ($why)"
		return 2
	fi
	case "$1" in
	"TRACEEVENT_PLUGIN_DIR="*" trace-cmd report "*)
		cmd="TRACEEVENT_PLUGIN_DIR='$TESTS_DIR/../build/plugins' ${1#* }" ;;
	"trace-cmd report "*) cmd="TRACEEVENT_PLUGIN_DIR='$TESTS_DIR/../build/plugins' $1" ;;
	"ktprobe "*)
		args=${1#ktprobe }
		args=${args//PID/$$}
		case "$args" in
		-l*|--cleanup*|--keep*|--list-kept*|--remove-kept*|report*) cmd="\"$KTPROBE\" $args" ;;
		*) cmd="\"$KTPROBE\" -n $args" ;;
		esac ;;
	*) return 2 ;;
	esac
	run bash -c "$cmd" </dev/null
	[ "$status" -eq 0 ] && return 0
	echo "failed (status $status): $1"
	echo "$output" | sed 's/^/    /'
	return 1
}

# run_examples: run_example for each line of standard input; fails if any
# example fails, and unless at least $1 ran
run_examples() {
	local ex ran=0 failed=0 st
	while IFS= read -r ex; do
		st=0
		run_example "$ex" || st=$?
		case $st in
		0) ran=$((ran + 1)); echo "ran: $ex" ;;
		1) failed=$((failed + 1)) ;;
		esac
	done
	echo "$ran examples ran, $failed failed"
	[ "$failed" -eq 0 ] || return 1
	[ "$ran" -ge "$1" ]
}

@test "every example of the man page runs" {
	run -0 man_examples
	[ "${#lines[@]}" -ge 20 ]
	example_setup
	# 22 commands of ours: 2 are skipped (example_skipped), the rest must run
	run_examples 20 < <(man_examples | grep -E '^(ktprobe|ktfill|trace-cmd|TRACEEVENT_PLUGIN_DIR=)')
}

@test "the man pages have no roff errors" {
	run -0 bash -c "groff -man -Tutf8 -ww -z '$MAN' '$TESTS_DIR/../man/ktfill.8' 2>&1"
	[ -z "$output" ]
}

@test "ktfill's examples run" {
	run -0 man_section EXAMPLES "$TESTS_DIR/../man/ktfill.8"
	n=0
	while read -r ex; do
		args=${ex#ktfill }
		args=${args//PID/$$}
		run -0 bash -c "\"$KTFILL\" -d 0.3 $args" || { echo "failed: $ex"; echo "$output"; false; }
		n=$((n + 1))
	done < <(man_section EXAMPLES "$TESTS_DIR/../man/ktfill.8" | awk '/^\.EX/ { ex = 1; next } /^\.EE/ { ex = 0; next } ex { sub(/^ +/, ""); print }')
	[ "$n" -eq 2 ]
}

@test "every example of the README runs" {
	example_setup
	# its two sample sessions ("$ sudo ktprobe ...") and the commands of the
	# Examples and trace-cmd sections: 22, of which 2 are skipped (example_skipped)
	run_examples 20 < <(awk '/^## / { on = ($0 ~ /^## (Examples|trace-cmd)/) } on || /^\$ sudo /' \
		"$TESTS_DIR/../README.md" | sed -E 's/^\$ sudo //; s/ +#.*//; s/ +&$//' |
		grep -E '^(ktprobe|ktfill|trace-cmd) ')
}
