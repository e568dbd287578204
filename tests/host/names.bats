#!/usr/bin/env bats
# Arguments by name: kernel functions from this kernel's BTF (dry runs: the
# host has no kprobes; offsets checked against pahole and bpftool, which
# read the same BTF on their own), user functions from DWARF (live
# uprobes on tests/progs/names.c built with -g at -O0 and -O2), --vars,
# and the errors.

load ../helpers

# off STRUCT MEMBER: MEMBER's byte offset in STRUCT, as pahole reads it from BTF
off() {
	pahole -C "$1" 2>/dev/null |
		sed -nE "s/.*[ *]$2(\[[0-9]+\])?;[[:space:]]+\/\*[[:space:]]+([0-9]+) .*/\2/p" | head -1
}

# dry SPEC...: the definitions' fetch arguments, helper fields (__k...) left out
dry() {
	run -0 --separate-stderr "$KTPROBE" -n "$@"
	args=$(for l in "${lines[@]}"; do read -r _ _ a <<<"$l"; echo "$a"; done |
		tr ' ' '\n' | grep -v '^__k' | paste -sd' ')
}

@test "kernel names: a parameter, a char * as a string, an int by its size" {
	dry 'p:do_sys_openat2 filename:string dfd'
	[ "$args" = 'filename=+0(%si):string dfd=%di:s32' ]
	# the string keeps its pointer helper for the companion's fill
	[[ "${lines[0]}" == *" __kf0_filename=%si:x64 "* ]]
}

@test "kernel names: a three-level path through -> and ., offsets as pahole has them" {
	local f_path dentry d_name name
	f_path=$(off file f_path) dentry=$(off path dentry) d_name=$(off dentry d_name)
	name=$(off qstr name)
	[ -n "$f_path" ]
	[ -n "$dentry" ]
	[ -n "$d_name" ]
	[ -n "$name" ]
	dry 'p:vfs_read file->f_path.dentry->d_name.name:string count'
	[ "$args" = "name=+0(+$((d_name + name))(+$((f_path + dentry))(%di))):string count=%dx:u64" ]
	dry 'p:vfs_read file->f_inode->i_ino'
	[ "$args" = "i_ino=+$(off inode i_ino)(+$(off file f_inode)(%di)):u64" ]
}

@test "kernel names: a char array is a string, a u8 array bytes, an element by index" {
	dry 'p:vfs_read file->f_inode->i_sb->s_id'
	[ "$args" = "s_id=+$(off super_block s_id)(+$(off inode i_sb)(+$(off file f_inode)(%di))):string" ]
	dry 'p:vfs_read file->f_inode->i_sb->s_uuid.b'
	[[ "$args" =~ ^b=\+[0-9]+\(.*\):u8\[16\]$ ]]
	dry 'p:vfs_read buf[3]'
	[ "$args" = 'buf_3=+3(%si):u8' ]
}

@test "kernel names: a bitfield is the kernel's b<width>@<bit>/<container>" {
	local line byte bit
	line=$(pahole -C sock 2>/dev/null | grep -m1 -E '^[[:space:]]+u8[[:space:]].*:1;.*/\*[[:space:]]+[0-9]+:[[:space:]]*[0-9]+')
	[[ "$line" =~ ([a-z_]+):1\;.*/\*[[:space:]]+([0-9]+):[[:space:]]*([0-9]+) ]]
	name=${BASH_REMATCH[1]} byte=${BASH_REMATCH[2]} bit=${BASH_REMATCH[3]}
	dry "p:tcp_sendmsg sk->$name"
	[ "$args" = "$name=+$byte(%di):b1@$bit/8" ]
}

@test "kernel names: a member of an anonymous union, and a struct pointer in hex" {
	dry 'p:tcp_sendmsg sk->__sk_common.skc_dport sk'
	[ "$args" = "skc_dport=+$(off sock_common skc_dport)(%di):u16 sk=%di:x64" ]
}

@test "kernel names: \$params types every parameter; \$retval has the return type" {
	dry 'p:do_sys_openat2 $params'
	[ "$args" = 'dfd=%di:s32 filename=+0(%si):string how=%dx:x64' ]
	# the return type as bpftool reads it: FUNC -> FUNC_PROTO -> ret_type_id
	local raw proto ret
	raw=$(bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null)
	proto=$(awk "/^\[[0-9]+\] FUNC 'do_sys_openat2' /{sub(\"type_id=\",\"\",\$4); print \$4; exit}" <<<"$raw")
	ret=$(awk "/^\[$proto\] FUNC_PROTO /{sub(\"ret_type_id=\",\"\",\$4); print \$4; exit}" <<<"$raw")
	run -0 awk "/^\[$ret\] INT /{print \$3, \$4, \$NF; exit}" <<<"$raw"
	[ "$output" = "'int' size=4 encoding=SIGNED" ]
	dry 'r:do_sys_openat2 $retval'
	[ "$args" = 'arg1=$retval:s32' ]
}

@test "kernel names: p:FUNC PARAM is the function with an argument, p:NAME FUNC a named probe" {
	dry 'p:vfs_read count'
	[[ "${lines[0]}" =~ ^p:ktprobe_[0-9_]+/vfs_read\ vfs_read\ count=%dx:u64$ ]]
	dry 'p:myread vfs_read'
	[[ "${lines[0]}" =~ ^p:ktprobe_[0-9_]+/myread\ vfs_read$ ]]
	# a function that is no parameter, or a clone BTF does not have: the kernel's reading
	dry 'p:vfs_read vfs_readv'
	[[ "${lines[0]}" =~ ^p:ktprobe_[0-9_]+/vfs_read\ vfs_readv$ ]]
	dry 'p:do_pselect do_pselect.constprop.0'
	[[ "${lines[0]}" =~ ^p:ktprobe_[0-9_]+/do_pselect\ do_pselect.constprop.0$ ]]
}

@test "kernel names for another architecture: its BTF (--btf) and its registers (--arch)" {
	dry --arch arm64 --btf /sys/kernel/btf/vmlinux 'p:do_sys_openat2 filename:string dfd'
	[ "$args" = 'filename=+0(%x1):string dfd=%x0:s32' ]
	# this kernel's types are not another machine's
	run -1 --separate-stderr "$KTPROBE" -n --arch arm64 'p:do_sys_openat2 filename:string'
	[[ "$stderr" == *"names of kernel functions for --arch arm64 need that kernel's BTF (--btf FILE)"* ]]
	run -1 --separate-stderr "$KTPROBE" -n --arch s390x --btf /sys/kernel/btf/vmlinux 'p:do_sys_openat2 filename'
	[ "$stderr" = "ktprobe: --btf /sys/kernel/btf/vmlinux: the kernel's BTF (/sys/kernel/btf/vmlinux) is of a 64-bit little-endian kernel, not s390x's" ]
}

@test "kernel names: \$retval of a struct is left as written; default names do not clash" {
	dry 'r:make_kuid $retval'
	[ "$args" = 'arg1=$retval' ]
	dry 'p:vfs_read file->f_inode->i_ino file->f_path.dentry->d_inode->i_ino'
	[[ "$args" =~ ^i_ino=\+[0-9]+\(\+[0-9]+\(%di\)\):u64\ d_inode_i_ino=\+[0-9]+\(\+[0-9]+\(\+[0-9]+\(%di\)\)\):u64$ ]]
}

# errors: the last line of stderr (a dry run here first notes that this kernel has no kprobes)
@test "kernel names: errors name what is wrong and the close names" {
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read fil:u64'
	[ "${stderr_lines[-1]}" = "ktprobe: 'p:vfs_read fil:u64': argument 'fil:u64': vfs_read has no parameter 'fil'; close: file" ]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read file->f_inodee'
	[[ "$stderr" == *"struct file has no member 'f_inodee'; close: f_inode"* ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read count:string'
	[[ "$stderr" == *"'count' is size_t, not a pointer: ':string' needs a char * or a char array" ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_readd file->f_inode'
	[[ "$stderr" == *"has no function 'vfs_readd'"*"close: vfs_read"* ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read count file.f_path'
	[[ "$stderr" == *"'.f_path' on struct file *, a pointer (use '->')" ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read $retval'
	[[ "$stderr" == *'$retval is there only in a return probe (r:)' ]]
	run -0 grep -vc 'note: this kernel has no kprobes' <<<"$stderr"
	[ "$output" -eq 1 ]
}

@test "no BTF: --btf /dev/null, or a file that is none, is one clear line" {
	run -1 --separate-stderr "$KTPROBE" -n --btf /etc/passwd 'p:vfs_read file->f_inode'
	[ "$stderr" = "ktprobe: --btf /etc/passwd: cannot read BTF from /etc/passwd: not BTF, nor an ELF file with a .BTF section" ]
	run -1 --separate-stderr "$KTPROBE" -n --btf /dev/null 'p:vfs_read file->f_inode'
	[ "$stderr" = "ktprobe: --btf /dev/null: cannot read BTF from /dev/null: not BTF, nor an ELF file with a .BTF section" ]
	run -1 --separate-stderr "$KTPROBE" --btf /sys/kernel/btf/vmlinux 'p:vfs_read count'
	[[ "$stderr" == *"--btf FILE describes another kernel: use it with -n or --vars" ]]
}

@test "--btf reads another kernel's BTF, raw or in a directory laid out as /sys/kernel/btf" {
	mkdir "$BATS_TEST_TMPDIR/btf"
	cp /sys/kernel/btf/vmlinux "$BATS_TEST_TMPDIR/btf/vmlinux"
	dry --btf "$BATS_TEST_TMPDIR/btf" 'p:do_sys_openat2 filename:string'
	[ "$args" = 'filename=+0(%si):string' ]
	dry --btf "$BATS_TEST_TMPDIR/btf/vmlinux" 'p:do_sys_openat2 dfd'
	[ "$args" = 'dfd=%di:s32' ]
}

@test "--vars lists the parameters, where each is, and the return type" {
	run -0 "$KTPROBE" --vars do_sys_openat2
	[ "${lines[0]}" = "int do_sys_openat2(int dfd, const char *filename, struct open_how *how)" ]
	[[ "${lines[1]}" =~ ^$'\t'"int dfd "+%di$ ]]
	[[ "${lines[2]}" =~ ^$'\t'"const char *filename "+%si$ ]]
	[[ "${lines[4]}" =~ ^$'\t'"\$retval "+int$ ]]
}

@test "--vars 'FUNC EXPR->' lists the members with their offsets" {
	run -0 "$KTPROBE" --vars 'vfs_read file->'
	[[ "${lines[0]}" =~ ^"struct file ("[0-9]+" bytes), at file->"$ ]]
	grep -qE $'^\t'"\+$(off file f_inode) +struct inode \*f_inode$" <<<"$output"
	run -0 "$KTPROBE" --vars 'vfs_read file->f_path.'
	[[ "${lines[0]}" =~ ^"const struct path (16 bytes), at file->f_path."$ ]]
	run -1 --separate-stderr "$KTPROBE" --vars 'vfs_read count->'
	[[ "$stderr" == *"'count' is no pointer"* ]]
	run -1 --separate-stderr "$KTPROBE" --vars 'vfs_read file'
	[ "$stderr" = "ktprobe: --vars 'file': end it with '->' (the struct it points to) or '.' (the struct it is)" ]
}

# user functions: the test program's greet(const char *s, int n) and visit(struct item *, long)
@test "user names at -O0 and -O2: parameters, members, a bitfield, \$retval, live" {
	for o in O0 O2; do
		ktp_bg -d 5 "p:$PROGS/names_$o:greet s n" "r:$PROGS/names_$o:greet \$retval" \
			"p:$PROGS/names_$o:visit it->label it->at.y it->next->tag it->kind it->next->weight scale"
		"$PROGS/names_$o" 2 >/dev/null
		ktp_end
		[ "$KTP_STATUS" -eq 0 ]
		grep -qE "${LINE_RE}greet: \(0x[0-9a-f]+\) s=\"hello\" n=3$" "$OUT"
		grep -qE "${LINE_RE}greet: \(0x[0-9a-f]+\) s=\"hello\" n=4$" "$OUT"
		grep -qE "${LINE_RE}greet__return: \(.*\) arg1=15$" "$OUT"
		run -0 grep -cE "${LINE_RE}visit: \(0x[0-9a-f]+\) label=\"first\" y=4 tag=\"tail\" kind=9 weight=-4 scale=10$" "$OUT"
		[ "$output" -eq 2 ] || { echo "-$o:"; cat "$OUT"; false; }
	done
}

@test "user names past the entry use DWARF's location there (-O0: the stack slot)" {
	local start call
	# the first call in greet comes after the prologue has stored s and n
	start=$(nm "$PROGS/names_O0" | awk '$3 == "greet" {print $1}')
	call=$(objdump -d --no-show-raw-insn "$PROGS/names_O0" |
		awk -v s="$start" '$0 ~ "^0*" s " <greet>:" {f=1; next} f && /call/ {sub(":", "", $1); print $1; exit}')
	[ -n "$call" ]
	ktp_bg -d 5 "p:$PROGS/names_O0:greet+$((0x$call - 0x$start)) s n"
	"$PROGS/names_O0" 1 >/dev/null
	ktp_end
	grep -qE "${LINE_RE}greet_0x[0-9a-f]+: \(0x[0-9a-f]+\) s=\"hello\" n=3$" "$OUT"
	run -0 "$KTPROBE" -n "p:$PROGS/names_O0:greet+$((0x$call - 0x$start)) n"
	[[ "$output" =~ n=-[0-9]+\(%bp\):s32$ ]]
	# inside the prologue the stack slot is not written yet: refused
	run -1 --separate-stderr "$KTPROBE" -n "p:$PROGS/names_O0:greet+1 n"
	[[ "$stderr" == *"greet+0x1 is in greet's prologue: n is stored to its stack slot only by +0x"*"; probe there or later, or at the entry" ]]
}

@test "user names: no debug info is one clear line that suggests \$argN" {
	run -1 --separate-stderr "$KTPROBE" -n "p:$PROGS/target_stripped:probe_me s"
	[[ "$stderr" == *"has no debug info (DWARF) for names"*'$argN'* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -1 --separate-stderr "$KTPROBE" -n "p:$PROGS/names_O0:greet t"
	[[ "$stderr" == *"greet has no parameter 't'; close: s, n"* ]]
}

@test "--vars on a user function" {
	run -0 "$KTPROBE" --vars "$PROGS/names_O2:visit"
	[ "${lines[0]}" = "long int visit(struct item *it, long int scale)" ]
	run -0 "$KTPROBE" --vars "$PROGS/names_O2:visit it->"
	grep -qE $'^\t'"\+16 +unsigned int kind:5 \(bit 3\)$" <<<"$output"
}

# a module's split BTF, made by pahole on vmlinux's as the kernel build does
# (no guest loads a module), in a directory laid out as /sys/kernel/btf
@test "a module's function by name, from its split BTF (--btf DIR, dry run)" {
	local d=$BATS_TEST_TMPDIR
	mkdir "$d/btf"
	cp /sys/kernel/btf/vmlinux "$d/btf/vmlinux"
	cat >"$d/widgets.c" <<'C'
struct file;
struct widget { int id; struct file *owner; char label[16]; unsigned long flags; };
int widget_poke(struct widget *w, struct file *f, int how) { return w->id + how + (f != 0); }
C
	gcc -g -O1 -c -o "$d/btf/widgets" "$d/widgets.c"
	pahole -J --btf_base=/sys/kernel/btf/vmlinux "$d/btf/widgets" 2>/dev/null
	# module types and vmlinux's (struct file) in one path
	dry --btf "$d/btf" 'p:widgets:widget_poke w->label w->owner->f_inode->i_ino how'
	[ "$args" = "label=+16(%di):string i_ino=+$(off inode i_ino)(+$(off file f_inode)(+8(%di))):u64 how=%dx:s32" ]
	[[ "${lines[0]}" == *" widgets:widget_poke "* ]]
	# without MOD:, every module's BTF is looked in
	dry --btf "$d/btf" 'p:widget_poke w->id'
	[ "$args" = 'id=+0(%di):s32' ]
	run -0 "$KTPROBE" --btf "$d/btf" --vars 'widget_poke w->'
	[ "${lines[3]}" = $'\t+16     char label[16]' ]
}

# btf_raw FILE TYPES-HEX: a raw BTF file of one string section ("\0") and
# the given type section (little-endian hex bytes), as a hostile --btf
btf_raw() {
	local types=$2 n
	n=$(( ${#types} / 2 ))
	{
		printf '\x9f\xeb\x01\x00\x18\x00\x00\x00\x00\x00\x00\x00'
		printf "$(printf '\\x%02x\\x%02x\\x00\\x00' $((n & 255)) $((n >> 8)))"
		printf "$(printf '\\x%02x\\x%02x\\x00\\x00' $((n & 255)) $((n >> 8)))"
		printf '\x01\x00\x00\x00'
		printf "$(sed 's/../\\x&/g' <<<"$types")"
		printf '\x00'
	} >"$1"
}

@test "a hostile --btf file is refused in one line, before its types are walked" {
	local d=$BATS_TEST_TMPDIR
	btf_raw "$d/loop.btf" 000000000000000201000000		# a pointer to itself
	run -1 --separate-stderr "$KTPROBE" -n --btf "$d/loop.btf" 'p:f x->y'
	[ "$stderr" = "ktprobe: --btf $d/loop.btf: $d/loop.btf is malformed BTF: type 1 refers back to itself" ]
	run -1 --separate-stderr "$KTPROBE" --btf "$d/loop.btf" --vars f
	[ "${#stderr_lines[@]}" -eq 1 ]
	btf_raw "$d/range.btf" 000000000000000205000000		# a pointer to type 5 of 1
	run -1 --separate-stderr "$KTPROBE" -n --btf "$d/range.btf" 'p:f x'
	[[ "$stderr" == *"is malformed BTF: type 1 refers to type 5, past the last (1)" ]]
	btf_raw "$d/short.btf" 0000000000000002			# a type cut short
	run -1 --separate-stderr "$KTPROBE" -n --btf "$d/short.btf" 'p:f x'
	[[ "$stderr" == *"is malformed BTF: its header or types do not fit the file" ]]
	run -1 --separate-stderr "$KTPROBE" -n --btf /bin/true 'p:vfs_read file->f_inode'
	[ "$stderr" = "ktprobe: --btf /bin/true: cannot read BTF from /bin/true: not BTF, nor an ELF file with a .BTF section" ]
}

@test "names ktprobe chooses never clash with the spec's others, nor exceed the kernel's 32" {
	dry 'p:vfs_read count count=%dx'
	[ "$args" = 'count_2=%dx:u64 count=%dx' ]
	dry 'p:vfs_read %di count'
	[ "$args" = 'arg1=%di count=%dx:u64' ]
	# a member's name of 37 characters: the kernel's argN instead
	dry 'p:tcp_sendmsg sk->__sk_common.skc_net.net->ipv4.sysctl_tcp_fastopen_blackhole_timeout'
	[[ "$args" =~ ^arg1=\+[0-9]+\(\+[0-9]+\(%di\)\):u32$ ]]
}

@test "names from BTF make no bpf() call (libbpf's parser and declaration writer only)" {
	# (LeakSanitizer cannot run under a tracer)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	run -0 strace -f -e trace=bpf -o "$BATS_TEST_TMPDIR/st" "$KTPROBE" -n 'p:vfs_read file->f_inode->i_ino'
	run -0 strace -f -e trace=bpf -o "$BATS_TEST_TMPDIR/st2" "$KTPROBE" --vars 'vfs_read file->'
	run -0 cat "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/st2"
	[[ "$output" != *"bpf("* ]]
}

@test "kernel names refused where BTF cannot say: past the entry, a struct by value, too long" {
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read+4 count:u64'
	[[ "$stderr" == *"BTF knows a function's parameters at its entry only, not at vfs_read+4" ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:from_kuid kuid:u32'
	[[ "$stderr" == *"from_kuid's parameter 'kuid' is not passed in one integer register (a struct, float or wide value): ktprobe cannot tell where it is; use registers" ]]
	run -1 --separate-stderr "$KTPROBE" -n 'p:vfs_read file->f_path.dentry->d_parent->d_parent->d_parent->d_parent->d_parent->d_parent->d_parent->d_parent->d_name.name'
	[[ "$stderr" == *"longer than the 63 characters the kernel takes for an argument" ]]
}

@test "--vars at BIN:FUNC+OFFS shows where DWARF puts each parameter there" {
	run -0 "$KTPROBE" --vars "$PROGS/names_O0:greet+0x16"
	[[ "${lines[1]}" =~ ^$'\t'"const char *s "+-8\(%bp\)$ ]]
	[[ "${lines[2]}" =~ ^$'\t'"int n "+-12\(%bp\)$ ]]
}

# a binary without a build-id whose DWARF is in a separate file named by
# .gnu_debuglink: found beside it in .debug/, and refused when it is stale
@test "user names from a .gnu_debuglink debug file, checked by its checksum" {
	local d=$BATS_TEST_TMPDIR
	mkdir "$d/.debug"
	gcc -O0 -g -Wl,--build-id=none -o "$d/prog" "$TESTS_DIR/progs/names.c"
	objcopy --only-keep-debug "$d/prog" "$d/.debug/prog.debug"
	objcopy --strip-debug --add-gnu-debuglink="$d/.debug/prog.debug" "$d/prog"
	run -0 --separate-stderr "$KTPROBE" -n "p:$d/prog:greet s n"
	[[ "${lines[0]}" == *" s=+0(%di):string __kf0_s=%di:x64 n=%si:s32" ]]
	# another build's debug file under the same name: not this binary's
	printf 'int greet(long a) { return a; }\nint main(void) { return greet(1); }\n' >"$d/other.c"
	gcc -O0 -g -Wl,--build-id=none -o "$d/other" "$d/other.c"
	objcopy --only-keep-debug "$d/other" "$d/.debug/prog.debug"
	run -1 --separate-stderr "$KTPROBE" -n "p:$d/prog:greet s n"
	[[ "$stderr" == *"has no debug info (DWARF) for names"* ]]
}
