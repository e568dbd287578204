#!/usr/bin/env bats
# uprobes and uretprobes on the suite's own programs, bash and libc.

load ../helpers

@test "uprobe on a PIE binary: string and integer arguments, kernel line shape" {
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me s=+0(%di):string n=%si:s32"
	"$PROGS/target_pie" -n 3 -s hello
	ktp_end
	[ "$KTP_STATUS" -eq 0 ]
	run -0 grep -cE "${LINE_RE}probe_me: \(0x[0-9a-f]+\) s=\"hello\" n=[0-2]$" "$OUT"
	[ "$output" -eq 3 ]
	grep -q 'n=0$' "$OUT"
	grep -q 'n=2$' "$OUT"
	grep -qE '^ +target_pie-[0-9]+ ' "$OUT"
}

@test "uprobe on a non-PIE binary" {
	run -0 "$KTPROBE" -n "p:$PROGS/target_nopie:probe_me"
	[[ "$output" =~ target_nopie:0x([0-9a-f]+)$ ]]
	vaddr=$(nm "$PROGS/target_nopie" | awk '$3 == "probe_me" {print $1}')
	# non-PIE: the file offset is not the virtual address
	[ "$((0x$vaddr))" -ne "$((0x${BASH_REMATCH[1]}))" ]
	ktp_bg -d 5 "p:$PROGS/target_nopie:probe_me +0(%di):string"
	"$PROGS/target_nopie" -n 2 -s nopie
	ktp_end
	run -0 grep -c 'probe_me: (0x[0-9a-f]*) arg1="nopie"$' "$OUT"
	[ "$output" -eq 2 ]
}

@test "the file offset is st_value - p_vaddr + p_offset of the containing PT_LOAD" {
	for prog in target_pie target_nopie; do
		run -0 "$KTPROBE" -n "p:$PROGS/$prog:probe_me"
		[[ "$output" =~ :0x([0-9a-f]+)$ ]]
		got=$((0x${BASH_REMATCH[1]}))
		v=$((0x$(nm "$PROGS/$prog" | awk '$3 == "probe_me" {print $1}')))
		want=
		while read -r type off va pa fs rest; do
			[ "$type" = LOAD ] || continue
			if [ "$v" -ge $((va)) ] && [ "$v" -lt $((va + fs)) ]; then
				want=$((v - va + off))
			fi
		done < <(readelf -lW "$PROGS/$prog")
		[ -n "$want" ]
		[ "$got" -eq "$want" ]
	done
}

@test "entry and return traced together with -e; \$retval; return probe gets __return" {
	ktp_bg -d 5 -e "p:$PROGS/target_pie:probe_me n=%si:s32" \
		-e "r:$PROGS/target_pie:probe_me ret=\$retval:s32"
	"$PROGS/target_pie" -n 2 -s abc
	ktp_end
	# probe_me returns n * 2 + strlen(s)
	grep -qE "${LINE_RE}probe_me: \(0x[0-9a-f]+\) n=1$" "$OUT"
	grep -qE "${LINE_RE}probe_me__return: \(0x[0-9a-f]+ <- 0x[0-9a-f]+\) ret=5$" "$OUT"
	run -0 grep -c ': probe_me' "$OUT"
	[ "$output" -eq 4 ]
	# entry precedes return
	run -0 grep -o 'probe_me[_a-z]*:' "$OUT"
	[ "${lines[0]}" = "probe_me:" ] && [ "${lines[1]}" = "probe_me__return:" ]
}

@test "\$argN on a uprobe becomes the ABI register; \$arg7 the stack" {
	run -0 "$KTPROBE" -n "p:$PROGS/target_pie:add7 a=\$arg1:s64 b=\$arg2 g=\$arg7:s64"
	[[ "$output" =~ " a=%di:s64 b=%si g=\$stack1:s64"$ ]]
	ktp_bg -d 5 "p:$PROGS/target_pie:add7 a=\$arg1:s64 f=\$arg6:s64 g=\$arg7:s64"
	"$PROGS/target_pie" -n 0 -e
	ktp_end
	grep -qE "add7: \(0x[0-9a-f]+\) a=1 f=6 g=7$" "$OUT"
}

@test "unnamed arguments are named arg1, arg2, ... like perf-tools" {
	ktp_bg -d 5 "p:$PROGS/target_pie:probe_me +0(%di):string %si:u32"
	"$PROGS/target_pie" -n 1 -s xy
	ktp_end
	grep -qE 'probe_me: \(0x[0-9a-f]+\) arg1="xy" arg2=0$' "$OUT"
}

@test "uprobe on /bin/bash readline (perf-tools' p:bash:readline)" {
	ktp_bg -d 5 'p:bash:readline'
	echo 'true' | bash -i >/dev/null 2>&1
	ktp_end
	grep -qE "^ +bash-[0-9]+ +\[[0-9]{3}\] .{5} +[0-9.]+: readline: \(0x[0-9a-f]+\)$" "$OUT"
}

@test "uretprobe on bash readline returns the line read (r:bash:readline +0(\$retval):string)" {
	ktp_bg -d 5 'r:bash:readline +0($retval):string'
	echo 'echo ktprobe-line' | bash -i >/dev/null 2>&1
	ktp_end
	grep -q 'readline: (0x[0-9a-f]* <- 0x[0-9a-f]*) arg1="echo ktprobe-line"$' "$OUT"
}

@test "libc by short name: p:libc:getenv" {
	run -0 "$KTPROBE" -n 'p:libc:getenv'
	[[ "$output" =~ \ /.*/libc\.so\.6:0x[0-9a-f]+$ ]]
	ktp_bg -d 5 'p:libc:getenv name=+0($arg1):string' 'name == "KTPROBE_TARGET_VAR"'
	"$PROGS/target_pie" -n 0 -e
	ktp_end
	run -0 grep -c 'getenv: (0x[0-9a-f]*) name="KTPROBE_TARGET_VAR"$' "$OUT"
	[ "$output" -eq 1 ]
}

@test "a symbol offset: p:BIN:SYM+OFFS and a raw offset p:BIN:0xOFFSET" {
	run -0 "$KTPROBE" -n "p:$PROGS/target_pie:probe_me"
	[[ "$output" =~ :0x([0-9a-f]+)$ ]]
	off=${BASH_REMATCH[1]}
	run -0 "$KTPROBE" -n "p:$PROGS/target_pie:probe_me+4"
	[[ "$output" =~ "probe_me_0x4 $PROGS/target_pie:0x$(printf %x $((0x$off + 4)))"$ ]]
	ktp_bg -d 5 "p:$PROGS/target_pie:0x$off"
	"$PROGS/target_pie" -n 2
	ktp_end
	run -0 grep -c "target_pie_0x$off: (0x" "$OUT"
	[ "$output" -eq 2 ]
}

@test "a stripped binary is probed through .dynsym; a missing symbol lists candidates" {
	[ -z "$(readelf -SW "$PROGS/target_stripped" | grep -w symtab)" ]
	run -0 "$KTPROBE" -n "p:$PROGS/target_stripped:probe_me"
	ktp_bg -d 5 "p:$PROGS/target_stripped:probe_me n=%si:s32"
	"$PROGS/target_stripped" -n 1
	ktp_end
	grep -q 'probe_me: (0x[0-9a-f]*) n=0$' "$OUT"
	run -1 "$KTPROBE" -n "p:$PROGS/target_pie:probe_mee"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ "no function 'probe_mee' in $PROGS/target_pie; close: probe_me" ]]
}

@test "an ambiguous symbol (two static functions) is an error listing both" {
	run -1 "$KTPROBE" -n "p:$PROGS/target_pie:dup_helper"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ "'dup_helper' is ambiguous" ]]
	[[ "$output" =~ 2\ functions.*0x[0-9a-f]+\ \(local.*0x[0-9a-f]+\ \(local ]]
}

@test "-l lists the functions of a binary, by path, program name or library" {
	run -0 "$KTPROBE" -l "$PROGS/target_pie"
	[[ "$output" =~ (^|$'\n')probe_me($'\n'|$) ]]
	[[ "$output" =~ (^|$'\n')add7($'\n'|$) ]]
	run -0 "$KTPROBE" -l bash
	[[ "$output" =~ (^|$'\n')readline($'\n'|$) ]]
	run -0 "$KTPROBE" -l libc
	[[ "$output" =~ (^|$'\n')getenv($'\n'|$) ]]
}

@test "library and program lookup errors are one clear line" {
	run -1 "$KTPROBE" -n 'p:nosuchprogram:main'
	[ "$output" = "ktprobe: 'nosuchprogram' is neither a program on PATH nor a library in the loader's cache" ]
	run -1 "$KTPROBE" -n 'p:/nonexistent/prog:main'
	[ "$output" = "ktprobe: /nonexistent/prog: No such file or directory" ]
}

@test "-p looks a library short name up in the process's maps; two matches are ambiguous" {
	target_start "$PROGS/target_pie" -n 1 -D "$PROGS/a/libktptest.so.1"
	run -0 "$KTPROBE" -n -p "$TARGET_PID" 'p:libktptest:ktptest_fn'
	[[ "${lines[0]}" =~ \ $PROGS/a/libktptest\.so\.1:0x[0-9a-f]+$ ]]
	# without -p it is nowhere: not on PATH, not in the loader's cache
	run -1 "$KTPROBE" -n 'p:libktptest:ktptest_fn'
	target_go
	target_start "$PROGS/target_pie" -n 1 -D "$PROGS/a/libktptest.so.1" -D "$PROGS/b/libktptest.so.2"
	run -1 "$KTPROBE" -n -p "$TARGET_PID" 'p:libktptest:ktptest_fn'
	[ "$output" = "ktprobe: 'libktptest' is ambiguous: 2 files in the maps of process $TARGET_PID match ($PROGS/a/libktptest.so.1, $PROGS/b/libktptest.so.2); give the path" ]
	target_go
}
