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
		grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u)
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
