#!/usr/bin/env bats
# The man page and -h agree, and every example in the man page and the
# README runs (as a dry run where it would trace).

load ../helpers

MAN=$TESTS_DIR/../man/ktprobe.8

# The lines of section $1 of the man page, roff escapes undone.
man_section() {
	awk -v s="$1" '/^\.SH / { on = ($2 == s) ; next } on' "$MAN" | sed 's/\\-/-/g; s/\\e/\\/g'
}

# The options named in -h: -x and --long.
help_options() {
	"$KTPROBE" -h | grep -oE '(^| |\[)--?[a-zA-Z][a-zA-Z-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' |
		sed -E 's/^-([a-zA-Z]{2,})$/\1/' | grep -E '^-' | sort -u
}

@test "every option of -h is documented in OPTIONS, and every documented option is in -h" {
	man_opts=$(man_section OPTIONS | grep -E '^\.(B|BI|BR) ' | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u)
	for o in $(help_options); do
		grep -qx -- "$o" <<<"$man_opts" || { echo "not in the man page: $o"; false; }
	done
	for o in $man_opts; do
		grep -qx -- "$o" <<<"$(help_options)" || { echo "not in -h: $o"; false; }
	done
	# the single-letter flags of the usage line, too
	for f in F h H s v n d p L b e f l; do
		grep -qx -- "-$f" <<<"$man_opts"
	done
}

# The example commands of a roff EXAMPLES section, one per line.
man_examples() {
	man_section EXAMPLES | awk '/^\.EX/ { ex = 1; next } /^\.EE/ { ex = 0; next }
		ex { sub(/^ +/, ""); if (sub(/ \\$/, " ")) { cmd = cmd $0; next } print cmd $0; cmd = "" }'
}

@test "every example of the man page runs" {
	run -0 man_examples
	[ "${#lines[@]}" -ge 8 ]
	n=0
	while read -r ex; do
		[[ "$ex" == ktprobe* ]] || continue
		args=${ex#ktprobe }
		args=${args//PID/$$}
		case "$args" in
		-l*|--cleanup*) cmd="\"$KTPROBE\" $args" ;;
		*) cmd="\"$KTPROBE\" -n $args" ;;
		esac
		run -0 bash -c "$cmd" || { echo "failed: $ex"; echo "$output"; false; }
		n=$((n + 1))
	done < <(man_examples)
	[ "$n" -ge 10 ]
}

@test "the man page has no roff errors" {
	run -0 bash -c "groff -man -Tutf8 -ww -z '$MAN' 2>&1"
	[ -z "$output" ]
}

@test "every example of the README runs" {
	n=0
	while read -r ex; do
		args=${ex#ktprobe }
		args=${args%%#*}
		args=${args//PID/$$}
		case "$args" in
		-l*|--cleanup*) cmd="\"$KTPROBE\" $args" ;;
		*) cmd="\"$KTPROBE\" -n $args" ;;
		esac
		run -0 bash -c "$cmd" || { echo "failed: $ex"; echo "$output"; false; }
		n=$((n + 1))
	done < <(awk '/^## Examples/ { on = 1; next } /^## / { on = 0 } on' "$TESTS_DIR/../README.md" |
		 grep '^ktprobe ')
	[ "$n" -ge 8 ]
}
