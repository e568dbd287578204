#!/usr/bin/env bats
# tests/lint-tests refuses the test lines whose failure nobody would see,
# and lets the allowed shapes through.

bats_require_minimum_version 1.5.0

LINT=$BATS_TEST_DIRNAME/../lint-tests

# sample FILE: standard input as a test file, "TEST" at a line's start
# becoming "@test" (written as such here, bats would take it as its own)
sample() {
	sed 's/^TEST /@test /' >"$BATS_TEST_TMPDIR/$1"
}

@test "lint-tests: the suites and guest.sh pass" {
	run -0 "$LINT"
}

@test "lint-tests: A && B on a test's non-last line, and an unchecked '! A', are refused" {
	sample bad.bats <<'T'
TEST "masked" {
	[ 1 -eq 2 ] && [ 1 -eq 1 ]
	grep -q x f && run -0 true
	! grep -q y f
	for i in 1 2; do
		[ -n "$i" ] && grep -q "$i" f
	done
	true
}
T
	run -1 "$LINT" "$BATS_TEST_TMPDIR/bad.bats"
	[[ "$output" =~ bad.bats:2: ]]
	[[ "$output" =~ bad.bats:3: ]]
	[[ "$output" =~ bad.bats:4: ]]
	[[ "$output" =~ bad.bats:6: ]]
	[[ "$output" =~ "4 line(s)" ]]
}

@test "lint-tests: guards, checked lists and a test's last line are allowed" {
	sample good.bats <<'T'
TEST "fine" {
	[ -n "$x" ] && continue
	[ 1 -eq 1 ] && n=$((n + 1))
	[ 1 -eq 1 ] && [ 2 -eq 2 ] || false
	! grep -q y f || false
	if [ 1 -eq 1 ] && [ 2 -eq 2 ]; then
		true
	fi
	[ 1 -eq 1 ] &&
		[ 2 -eq 2 ]
}
T
	run -0 "$LINT" "$BATS_TEST_TMPDIR/good.bats"
}

@test "lint-tests: a guest check that is not the function's last needs || return 1" {
	sample guest.sh <<'T'
t_one() {
	has out "a"
	[ -z "$bad" ] || fail "bad"
	has out "b" || return 1
	kt_bg x || { cat err; return 1; }
	[ $i -gt 3 ] && { echo late; return 1; }
	if [ "$A" = x ]; then
		hasnt err "y"
	else
		has err "z"
	fi
}
T
	run -1 "$LINT" "$BATS_TEST_TMPDIR/guest.sh"
	[[ "$output" =~ guest.sh:2: ]]
	[[ "$output" =~ guest.sh:3: ]]
	[[ "$output" =~ "2 line(s)" ]]
}
