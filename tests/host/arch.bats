#!/usr/bin/env bats
# Dry runs (-n --arch) for the nine architectures: $argN and registers of
# other architectures written the way each kernel takes them. The register
# names are those of each arch's regs_query_register_offset() table.

load ../helpers

# dry ARCH SPEC...: the fetch arguments of the definition ktprobe would write
dry() {
	local arch=$1
	shift
	run -0 --separate-stderr "$KTPROBE" -n --arch "$arch" "$@"
	def=${lines[0]}
	# drop "p:GROUP/EVENT PLACE", and the companion's helper fields (__k...)
	read -r _ _ args <<<"$def"
	args=$(tr ' ' '\n' <<<"$args" | grep -v '^__k' | paste -sd' ')
}

# The argument registers (user ABI), return register and stack pointer per arch.
declare -gA UARGS=(
	[x86_64]="%di %si %dx %cx %r8 %r9 \$stack1"
	[i386]="\$stack1 \$stack2 \$stack3"
	[arm64]="%x0 %x1 %x2 %x3 %x4 %x5 %x6 %x7 \$stack0"
	[arm]="%r0 %r1 %r2 %r3 \$stack0"
	[riscv64]="%a0 %a1 %a2 %a3 %a4 %a5 %a6 %a7 \$stack0"
	[powerpc64]="%gpr3 %gpr4 %gpr5 %gpr6 %gpr7 %gpr8 %gpr9 %gpr10"
	[s390x]="%r2 %r3 %r4 %r5 %r6 \$stack20"
	[loongarch64]="%r4 %r5 %r6 %r7 %r8 %r9 %r10 %r11 \$stack0"
	[mips64]="%r4 %r5 %r6 %r7 %r8 %r9 %r10 %r11 \$stack0"
)
declare -gA RET=([x86_64]=%ax [i386]=%ax [arm64]=%x0 [arm]=%r0 [riscv64]=%a0 [powerpc64]=%gpr3
	[s390x]=%r2 [loongarch64]=%r4 [mips64]=%r2)
declare -gA SP=([x86_64]=%sp [i386]=%sp [arm64]=%sp [arm]=%sp [riscv64]=%sp [powerpc64]=%gpr1
	[s390x]=%r15 [loongarch64]=%r3 [mips64]=%r29)
ARCHES="x86_64 i386 arm64 arm riscv64 powerpc64 s390x loongarch64 mips64"

@test "uprobes: \$argN is the user ABI's argument register, then the stack, on all nine" {
	for a in $ARCHES; do
		want=(${UARGS[$a]})
		[ "${#want[@]}" -ge 3 ]
		spec="p:/target/bin:0x1000"
		expect=
		for i in "${!want[@]}"; do
			spec+=" \$arg$((i + 1))"
			expect+="arg$((i + 1))=${want[$i]} "
		done
		dry "$a" "$spec"
		[ "$args" = "${expect% }" ] || { echo "$a: got '$args', want '${expect% }'"; false; }
	done
}

@test "uprobes: an argument beyond what an ABI can address is a clear error" {
	run -1 "$KTPROBE" -n --arch powerpc64 'p:/target/bin:0x1000 $arg9'
	[[ "$output" =~ "\$arg9: powerpc64 passes this argument on the stack in a way ktprobe cannot address" ]]
}

@test "kprobes: \$argN is kept where the kernel has it, else the kernel ABI's register" {
	for a in x86_64 i386 arm64 riscv64 powerpc64 s390x loongarch64; do
		dry "$a" 'p:vfs_read $arg1 $arg2'
		[ "$args" = 'arg1=$arg1 arg2=$arg2' ] || { echo "$a: $args"; false; }
		[[ ! "$stderr" =~ note ]]
	done
	dry arm 'p:vfs_read $arg1 $arg4 $arg5'
	[ "$args" = 'arg1=%r0 arg2=%r3 arg3=$stack0' ]
	[[ "$stderr" =~ "arm kprobes have no \$argN here; \$arg1 written as %r0" ]]
	dry mips64 'p:vfs_read $arg1 $arg8 $arg9'
	[ "$args" = 'arg1=%r4 arg2=%r11 arg3=$stack0' ]
}

@test "an argument register of another architecture is translated by its ABI position, with a note" {
	declare -A ARG2=([x86_64]=%si [arm64]=%x1 [arm]=%r1 [riscv64]=%a1 [powerpc64]=%gpr4
		[s390x]=%r3 [loongarch64]=%r5 [mips64]=%r5)
	# the headline example, typed on each: %si is x86_64's second argument
	for a in arm64 arm riscv64 powerpc64 s390x loongarch64 mips64; do
		dry "$a" 'p:do_sys_openat2 file=+0(%si):string'
		[ "$args" = "file=+0(${ARG2[$a]}):string" ] || { echo "$a: $args"; false; }
		[[ "$stderr" =~ "note: %si is x86_64's 2nd argument register; using ${ARG2[$a]} on $a" ]]
	done
	# and the other way round
	dry x86_64 'p:do_sys_openat2 file=+0(%x1):string'
	[ "$args" = 'file=+0(%si):string' ]
	[[ "$stderr" =~ "note: %x1 is arm64's 2nd argument register; using %si on x86_64" ]]
	dry riscv64 'p:f %gpr5'
	[ "$args" = 'arg1=%a2' ]
	dry arm64 'p:f %a7'
	[ "$args" = 'arg1=%x7' ]
}

@test "the register of an ABI slot the target lacks becomes a stack slot" {
	# arm64's 6th argument register on arm, which passes only four in registers
	dry arm 'p:f %x5'
	[ "$args" = 'arg1=$stack1' ]
}

@test "a register meaning different things: the priority order decides, and the note says which" {
	# %r2 is arm's 3rd argument and s390's 1st: arm comes first
	dry x86_64 'p:f %r2'
	[ "$args" = 'arg1=%dx' ]
	[[ "$stderr" =~ "%r2 is arm's 3rd argument register; using %dx on x86_64" ]]
}

@test "return probes: another architecture's return register becomes this one's" {
	for a in $ARCHES; do
		src=%ax
		[ "$a" = x86_64 ] || [ "$a" = i386 ] || {
			dry "$a" "r:vfs_read ret=$src"
			[ "$args" = "ret=${RET[$a]}" ] || { echo "$a: $args"; false; }
		}
	done
	dry x86_64 'r:vfs_read ret=%x0'
	[ "$args" = 'ret=%ax' ]
	[[ "$stderr" =~ "%x0 is arm64's return-value register; using %ax on x86_64" ]]
}

@test "a stack pointer becomes this one's" {
	for a in powerpc64 s390x loongarch64 mips64; do
		dry "$a" 'p:vfs_read +0(%sp):x64'
		[ "$args" = "arg1=+0(${SP[$a]}):x64" ] || { echo "$a: $args"; false; }
	done
}

@test "every argument, return and stack register of each table is taken as it is" {
	for a in $ARCHES; do
		for r in ${UARGS[$a]} ${RET[$a]} ${SP[$a]}; do
			[[ "$r" == %* ]] || continue
			dry "$a" "p:vfs_read x=$r"
			[ "$args" = "x=$r" ] || { echo "$a: $r became $args"; false; }
			[[ ! "$stderr" =~ note ]] || { echo "$a: $r: $stderr"; false; }
		done
	done
}

@test "a string argument gets a hidden helper with its pointer, for the companion" {
	run -0 "$KTPROBE" -n --arch arm64 'p:do_sys_openat2 file=+0(%si):string f2=+8(+16($arg2)):ustring'
	[[ "$output" =~ " file=+0(%x1):string __kf0_file=%x1:x64 f2=+8(+16(\$arg2)):ustring __kf8_f2=+16(\$arg2):x64"$ ]]
	run -0 "$KTPROBE" -n --no-fill --arch arm64 'p:do_sys_openat2 file=+0(%si):string'
	[[ "$output" =~ " file=+0(%x1):string"$ ]]
}

@test "a register no architecture has is left for the kernel to reject" {
	dry x86_64 'p:vfs_read x=%rsi'
	[ "$args" = 'x=%rsi' ]
}

@test "syscall wrappers: \$argN is the syscall's argument, read from the saved registers" {
	dry x86_64 'p:__x64_sys_openat file=+0($arg2):string flags=$arg3:x32'
	[ "$args" = 'file=+0(+104($arg1)):string flags=+96($arg1):x32' ]
	[[ "$stderr" =~ "__x64_sys_openat takes only the user's saved registers" ]]
	dry arm64 'p:__arm64_sys_openat file=+0($arg2):string'
	[ "$args" = 'file=+0(+8($arg1)):string' ]
	dry riscv64 'p:__riscv_sys_openat file=+0($arg2):string'
	[ "$args" = 'file=+0(+88($arg1)):string' ]
	run -1 "$KTPROBE" -n --arch x86_64 'p:__x64_sys_openat $arg7'
	[[ "$output" =~ "syscalls have at most 6 arguments" ]]
}

@test "\$argN in a return probe: refused where it means nothing" {
	run -1 "$KTPROBE" -n --arch arm64 'r:vfs_read $arg1'
	[[ "$output" =~ "kernel return probes support" ]]
	run -1 "$KTPROBE" -n --arch arm64 'r:/target/bin:0x1000 $arg1'
	[[ "$output" =~ "cannot be fetched by a uretprobe" ]]
}

@test "a binary of another architecture: symbols resolved in it; the wrong one refused" {
	run -1 "$KTPROBE" -n --arch arm64 "p:$PROGS/target_pie:probe_me"
	[[ "$output" =~ "is an x86_64 binary, not arm64" ]]
	dry x86_64 "p:$PROGS/target_pie:probe_me \$arg1"
	[ "$args" = 'arg1=%di' ]
}
