#!/usr/bin/env bats
# What the fuzz target (tests/fuzz) found, as ktprobe runs it: each input
# whose definition the kernel would have read otherwise than ktprobe meant
# is refused in one line. Its fuzz input is in tests/fuzz/corpus/ (named in
# each test), replayed by every fuzz run. Dry runs: tracefs is not touched.

load ../helpers

# The kernel drops a definition's rest after '#' ('a=%ax#b=%bx' defines a only).
@test "fuzz: '#' in a spec is refused (corpus/spec-hash-comment)" {
	run -1 "$KTPROBE" -n --arch x86_64 'r:bash:readline +0($retval):str#ng'
	[ "$output" = "ktprobe: probe spec contains '#', which the kernel takes for the start of a comment: refused" ]
	run -1 "$KTPROBE" -n 'p:ktp#grp/ev do_sys_openat2'
	[ "${#lines[@]}" -eq 1 ]
}

# The kernel's isspace() takes 0xa0 for a space ('a=%ax<0xa0>b=%bx' defines a and b).
@test "fuzz: byte 0xa0 (in UTF-8 letters) in a spec is refused" {
	run -1 "$KTPROBE" -n --arch arm64 $'p:do_sys_openat2 f=+0(%si):string\xa0x=%di'
	[ "$output" = "ktprobe: probe spec contains byte 0xa0, which the kernel takes for a space: refused" ]
}

# A symlink with a plain name may lead to a file whose real path the
# kernel cannot take: a newline would start a second definition.
@test "fuzz: a uprobe path with a control byte, '#' or 0xa0 is refused (corpus/path-control-byte)" {
	local bad
	for bad in $'new\nline' $'del\x7f' 'hash#name' $'voil\xc3\xa0'; do
		cp "$PROGS/target_pie" "$BATS_TEST_TMPDIR/$bad"
		ln -sfn "$BATS_TEST_TMPDIR/$bad" "$BATS_TEST_TMPDIR/link"
		run -1 "$KTPROBE" -n "p:$BATS_TEST_TMPDIR/link:probe_me"
		[[ "$output" =~ "the kernel's uprobe syntax cannot take a path with a space, a control character, '#' or byte 0xa0" ]]
	done
}
