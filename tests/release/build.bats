#!/usr/bin/env bats
# The build itself, in a copy of this checkout's sources (with their
# uncommitted changes) and a pkg-config that hides libraries: a missing
# -dev package stops make in one line; a library found after a build (make
# deps, then make) rebuilds what was built without it.

load ../helpers

TOP=$(cd "$TESTS_DIR/.." && pwd)

# copy_tree: the sources a build needs, into $SRC
copy_tree() {
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC/bin" "$SRC/share" "$SRC/tests"
	cp -a "$TOP/Makefile" "$TOP/lib" "$SRC/"
	cp -a "$TOP/tests/Makefile" "$TOP/tests/install-deps" "$SRC/tests/"
	cp -a "$TOP/share/plugin" "$SRC/share/"
	cp -a "$TOP"/bin/*.c "$SRC/bin/"
}

# fake_pkg_config PKG...: a pkg-config that does not find PKG..., in $FAKE_PC
fake_pkg_config() {
	FAKE_PC=$BATS_TEST_TMPDIR/pkg-config
	cat >"$FAKE_PC" <<-EOF
	#!/bin/sh
	for a in "\$@"; do
	    for h in $*; do
	        [ "\$a" = "\$h" ] && { echo "Package \$h was not found" >&2; exit 1; }
	    done
	done
	exec pkg-config "\$@"
	EOF
	chmod +x "$FAKE_PC"
}

# build ARGS: make in the copy, as a user would call it, not as a sub-make
build() {
	(cd "$SRC" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -j2 CFLAGS=-O0 "$@")
}

@test "make without a required -dev package stops with one line naming it" {
	copy_tree
	fake_pkg_config libtracefs libelf
	run -2 build -k PKG_CONFIG="$FAKE_PC"
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"missing development packages: libtracefs-dev libelf-dev "*"make deps"* ]]
	[ ! -e "$SRC/build/lib" ]
	# goals that build nothing still work
	run -0 build -n deps PKG_CONFIG="$FAKE_PC"
	run -0 build clean PKG_CONFIG="$FAKE_PC"
}

@test "a build without libtracecmd, then make with it: a full rebuild, -o works; header dependencies" {
	copy_tree
	fake_pkg_config libtracecmd
	run -0 build -k PKG_CONFIG="$FAKE_PC"
	[[ $output == *"building without trace.dat support"* ]]
	run -1 "$SRC/bin/ktprobe" -o "$BATS_TEST_TMPDIR/x.dat" -d 1 t:syscalls:sys_enter_openat
	[[ $output == *"no trace.dat support"* ]]
	# libtracecmd is there now: everything built without it is rebuilt
	run -0 build PKG_CONFIG=pkg-config
	build_log=$output
	run -0 "$SRC/bin/ktprobe" -o "$BATS_TEST_TMPDIR/x.dat" -d 1 t:syscalls:sys_enter_openat
	[[ $build_log == *"-DKTP_HAVE_TRACECMD"*"-o build/lib/datfile.o"* ]]
	[ -s "$BATS_TEST_TMPDIR/x.dat" ]
	run -0 "$SRC/bin/ktprobe" report "$BATS_TEST_TMPDIR/x.dat"
	# nothing changed: nothing is rebuilt
	run -0 build PKG_CONFIG=pkg-config
	[[ $output != *"cc "* ]]
	# another CFLAGS: rebuilt
	run -0 build PKG_CONFIG=pkg-config CFLAGS=-O1
	[[ $output == *"-O1 "*"-o build/lib/arch.o"* ]]
	# a header changed: the objects that include it are rebuilt, only those
	touch "$SRC/lib/marker.h"
	run -0 build PKG_CONFIG=pkg-config CFLAGS=-O1
	[[ $output == *"-o build/lib/marker.o"* ]]
	[[ $output == *"-o build/plugins/plugin_ktprobe.so"* ]]
	[[ $output != *"-o build/lib/arch.o"* ]]
}
