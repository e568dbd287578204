# SPDX-License-Identifier: GPL-2.0
"""bench/run's "paths" section: every openat of short-lived programs, with its path?

Three workloads, each started by a waiting shell so a tracer attaches first:
  cats      `cat /etc/hostname` 20 times (open, read, write, exit in tens of us)
  programs  a loop of coreutils and a small make + gcc build
  shortopen bench/shortopen.c: children that open known paths from one
            rewritten buffer and exit or exec at once (truth by construction)
Truth for cats and programs is strace -f's record of the same workload, run
apart; the paths are compared as multisets (gcc's random /tmp names and
/proc/PID normalised). ktprobe traces the whole machine with
sched_process_fork beside openat, so the workload's processes are known.
Each line ktprobe shows is counted as right, wrong (a value that is not the
truth), or none (no value); verified-but-wrong counts wrong values carrying
ktprobe's "verified" mark. Slowdowns: the workload's wall time traced,
against untraced and against strace -f, interleaved, median of the rounds.
"""
import collections
import os
import re
import signal
import statistics
import subprocess
import time

ANNOT = re.compile(r'filename: 0x[0-9a-f]+ (?:"(?:[^"\\]|\\.)*" )?\[(?:user (verified|unverified|changed|partly-verified|late)'
                   r' \+([0-9.]+)(us|ms|s) "((?:[^"\\]|\\.)*)"|user: ([^]]*))\]')
UNIT_US = {"us": 1.0, "ms": 1000.0, "s": 1e6}
LINE = re.compile(r'^\s*(.*)-(\d+)\s+\[\d+\] \S+\s+[\d.]+: (sys_openat|sched_process_fork)(.*)$')
FORK = re.compile(r'pid=(\d+) child_comm=.* child_pid=(\d+)')
APPLETS = ("cat", "wc", "head", "md5sum", "sort", "od")   # bench/lab-paths.sh's
KCOPY = re.compile(r'filename: 0x[0-9a-f]+ "((?:[^"\\]|\\.)*)"(?! \[user)')
READS = ("--no-kernel-copies",)
STRACE = re.compile(r'^(\d+) +openat\([^,]+, "((?:[^"\\]|\\.)*)"(\.\.\.)?')

PROGRAMS = r"""
set -e
cd "$1"
for i in $(seq 6); do
	ls -l /etc >/dev/null; wc -l /etc/passwd >/dev/null; sort /etc/services | head -n 1 >/dev/null
	date >/dev/null; stat /etc/hostname >/dev/null; cp /etc/hostname h.$i; md5sum h.$i >/dev/null
	grep -c root /etc/group >/dev/null || true; env >/dev/null; id >/dev/null; rm h.$i
done
make -s clean >/dev/null
make -s -j1 >/dev/null
"""

MAKEFILE = "prog: a.o b.o c.o\n\tcc -o $@ $^\n%.o: %.c\n\tcc -O1 -c -o $@ $<\nclean:\n\trm -f prog *.o\n"
SOURCES = {
    "a.c": "#include <stdio.h>\nint b(int); int c(int);\n"
           "int main(void) { printf(\"%d\\n\", b(1) + c(2)); return 0; }\n",
    "b.c": "#include <string.h>\nint b(int x) { char s[8]; memset(s, x, 8); return s[3]; }\n",
    "c.c": "#include <stdlib.h>\nint c(int x) { return abs(x - 7); }\n",
}


def normalise(path):
    """The parts of a path that differ from run to run, made equal."""
    path = re.sub(r'/tmp/cc[A-Za-z0-9]{6}\.', '/tmp/ccXXXXXX.', path)
    path = re.sub(r'^/proc/\d+/', '/proc/PID/', path)
    return path


class Workload:
    """A workload's shell, waiting for a line on stdin before it runs."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(["sh", "-c", 'read go; exec "$@"', "sh"] + argv,
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self.pid = self.proc.pid

    def run(self):
        """Let it go; its wall time in seconds."""
        start = time.monotonic()
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError("workload failed")
        return time.monotonic() - start


class Bench:
    def __init__(self, work, ktprobe, shortopen, die):
        self.work, self.ktprobe, self.shortopen, self.die = work, ktprobe, shortopen, die
        self.build = os.path.join(work, "build")
        os.makedirs(self.build, exist_ok=True)
        with open(os.path.join(self.build, "Makefile"), "w") as f:
            f.write(MAKEFILE)
        for name, text in SOURCES.items():
            with open(os.path.join(self.build, name), "w") as f:
                f.write(text)
        self.script = os.path.join(work, "programs.sh")
        with open(self.script, "w") as f:
            f.write(PROGRAMS)

    def argv(self, name):
        if name == "cats":
            return ["sh", "-c", "for i in $(seq 20); do cat /etc/hostname; done"]
        if name == "programs":
            return ["sh", self.script, self.build]
        return [self.shortopen, "-c", "100", "-k", "10", "-x", "/bin/true",
                os.path.join(self.work, "so")]

    def untraced(self, name):
        return Workload(self.argv(name)).run()

    def strace(self, name):
        """Wall time under strace -f, and the paths it recorded (the truth)."""
        out = os.path.join(self.work, "strace.out")
        w = Workload(self.argv(name))
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-s", "4096", "-e", "trace=openat",
                                   "-o", out, "-p", str(w.pid)], stderr=subprocess.DEVNULL)
        status = "/proc/{}/status".format(w.pid)
        deadline = time.time() + 10
        while not re.search(r'^TracerPid:\s+[1-9]', open(status).read(), re.M):
            if time.time() > deadline:
                self.die("strace did not attach")
            time.sleep(0.002)
        secs = w.run()
        tracer.wait(timeout=60)
        paths = collections.Counter()
        with open(out, errors="replace") as f:
            for line in f:
                m = STRACE.match(line)
                if m:
                    paths[normalise(m.group(2))] += 1
        os.unlink(out)
        return secs, paths

    def traced(self, name, extra=()):
        """Wall time under ktprobe (with options @extra), and its lines of the workload's
        processes."""
        out = os.path.join(self.work, "kt.out")
        err = os.path.join(self.work, "kt.err")
        w = Workload(self.argv(name))
        tracer = subprocess.Popen([self.ktprobe] + list(extra) +
                                  ["-e", "t:syscalls:sys_enter_openat",
                                   "-e", "t:sched:sched_process_fork"],
                                  stdout=open(out, "w"), stderr=open(err, "w"))
        deadline = time.time() + 20
        while "note: tracing" not in open(err).read():
            if tracer.poll() is not None or time.time() > deadline:
                self.die("ktprobe did not start: " + open(err).read())
            time.sleep(0.005)
        secs = w.run()
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=60)
        lines = self.workload_lines(out, w.pid)
        os.unlink(out)
        if name == "shortopen":
            # the children's opens; the parent's are its loader's
            lines = [l for l in lines if l[0] != w.pid]
        return secs, lines

    @staticmethod
    def workload_lines(out, root):
        """(pid, comm, state, value, reason) of the openat lines of @root's tree."""
        tree, lines = {root}, []
        with open(out, errors="replace") as f:
            for text in f:
                m = LINE.match(text)
                if not m:
                    continue
                comm, pid, event, rest = m.group(1).strip(), int(m.group(2)), m.group(3), m.group(4)
                if event == "sched_process_fork":
                    f2 = FORK.search(rest)
                    if f2 and int(f2.group(1)) in tree:
                        tree.add(int(f2.group(2)))
                    continue
                if pid not in tree:
                    continue
                lines.append((pid, comm) + classify(rest))
        return lines


def count(r, state, right):
    """One shown value into @r: right, or wrong (and how it was marked)."""
    if right:
        r["right"] += 1
        return
    r["wrong"] += 1
    r["vwrong"] += state in ("verified", "kernel")
    r["late"] += state == "late"


def judge_multiset(lines, truth):
    """Right / wrong / none / verified-wrong of @lines against @truth's paths."""
    left = collections.Counter(truth)
    r = dict(events=sum(truth.values()), shown=len(lines), right=0, wrong=0, none=0, vwrong=0,
             late=0)
    for pid, comm, state, value, reason, age in lines:
        if value is None:
            r["none"] += 1
            continue
        v = normalise(value)
        count(r, state, left[v] > 0)
        if left[v] > 0:
            left[v] -= 1
    return r


def judge_shortopen(lines, opens=10):
    """The same, each child's K-th open truth by construction (DIR/PID/K)."""
    r = dict(events=0, shown=0, right=0, wrong=0, none=0, vwrong=0, late=0)
    seen = collections.Counter()
    for pid, comm, state, value, reason, age in lines:
        if comm != "shortopen" or seen[pid] >= opens:
            continue
        k = seen[pid]
        seen[pid] += 1
        r["events"] += 1
        r["shown"] += 1
        if value is None:
            r["none"] += 1
        else:
            count(r, state, value.endswith("/{}/{}".format(pid, k)))
    return r


def classify(rest):
    """(state, value, reason, age in us) of an openat line's file name: "kernel" for the
    kernel's copy; the age of a value read from the process, else None."""
    a = ANNOT.search(rest)
    if a:
        age = float(a.group(2)) * UNIT_US[a.group(3)] if a.group(2) else None
        return a.group(1), a.group(4), a.group(5), age
    k = KCOPY.search(rest)
    if k:
        return "kernel", k.group(1), None, None
    return None, None, "none", None


def age_p99(lines):
    """The 99th percentile of the ages of the values read from the processes (us), or None."""
    ages = sorted(l[5] for l in lines if l[5] is not None)
    if not ages:
        return None
    return ages[min(len(ages) - 1, int(0.99 * len(ages)))]


def lab_lines(text):
    """(pid, comm, state, value, reason) of every openat line of a guest's ktprobe output."""
    lines = []
    for t in text:
        m = LINE.match(t)
        if m and m.group(3) == "sys_openat":
            lines.append((int(m.group(2)), m.group(1).strip()) + classify(m.group(4)))
    return lines


def lab_boot(rounds, root, die, only=""):
    """One boot per lab guest (6.1, newest; x86_64, arm64) running bench/lab-paths.sh,
    all of it or its part @only (LAB_ONLY); the consoles stay in tests/build/lab-ARCH."""
    env = dict(os.environ, KTPROBE_LAB_SCRIPT=os.path.join(root, "bench", "lab-paths.sh"),
               KTPROBE_LAB_REPEAT=str(rounds), KTPROBE_LAB_ONLY=only)
    lab = subprocess.run([os.path.join(root, "tests", "lab", "lab"), "x86_64", "arm64"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if lab.returncode:
        die("the lab bench failed:\n" + lab.stdout[-3000:])


def bench_lab(rounds, root, die, log):
    """The constructed program and busybox applets in the lab guests (6.1, newest)."""
    lab_boot(rounds, root, die)
    return lab_rows(rounds, root, log)


def lab_rows(rounds, root, log):
    """The lab section's table, from the guests' console logs."""
    rows = ["", "**Paths in the lab guests** (busybox; ktprobe on the whole guest; "
            "{} rounds under TCG; medians with min-max)".format(rounds), "",
            "| guest | workload | openat (truth) | right | wrong shown (of it marked late) | none "
            "| verified- or kernel-but-wrong | slowdown vs untraced |",
            "|---|---|---|---|---|---|---|---|"]
    for arch in ("x86_64", "arm64"):
        for kernel in ("6.1", "newest"):
            path = os.path.join(root, "tests", "build", "lab-" + arch, "console-{}.log".format(kernel))
            text = open(path, errors="replace").read().splitlines()
            release = next((t.split()[1] for t in text if t.startswith("BENCH-KERNEL ")), kernel)
            runs = collections.defaultdict(list)
            cur = None
            for t in text:
                if t.startswith("BENCH-BEGIN "):
                    f = t.split()
                    cur = (f[1], int(f[3].split("=")[1]), int(f[4].split("=")[1]), [])
                elif t == "BENCH-END" and cur:
                    runs[cur[0]].append(cur)
                    cur = None
                elif cur:
                    cur[3].append(t)
            for name, got in sorted(runs.items()):
                res = []
                for _, base, traced, out in got:
                    lines = lab_lines(out)
                    if name == "shortopen":
                        j = judge_shortopen(lines)
                    else:
                        # the applets' own lines (not the script's timing and waiting)
                        lines = [l for l in lines if l[1] in APPLETS]
                        j = judge_multiset(lines, collections.Counter({"/tmp/hello": 60}))
                    j["slow"] = traced / base if base else 0
                    res.append(j)
                    log("  lab {} {} {:<10} right {}/{} wrong {} none {} vwrong {}".format(
                        arch, release, name, j["right"], j["events"], j["wrong"], j["none"], j["vwrong"]))
                rows.append("| {} {} | {} | {} | {} | {} ({}) | {} | {} | {}x |".format(
                    arch, release, name, median_range([j["events"] for j in res], "{:.0f}"),
                    median_range([100.0 * j["right"] / max(j["events"], 1) for j in res], "{:.1f} %"),
                    median_range([100.0 * j["wrong"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
                    median_range([100.0 * j["late"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
                    median_range([100.0 * j["none"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
                    sum(j["vwrong"] for j in res), median_range([j["slow"] for j in res])))
    return rows + lab_startup_rows(root)


def lab_startup_rows(root):
    """Names' start-up cost in the guests: a kprobe by name against the same in registers."""
    rows = ["", "**Start-up with names in the lab guests** (kprobe on vfs_read, three levels "
            "deep by name, against ktprobe's own translation in registers; 20 dry runs each, "
            "exec to exit, under TCG, ~10-50x slower than the host; per run, median of the "
            "rounds with min-max)", "",
            "| guest | by name | in registers | added by names |", "|---|---|---|---|"]
    for arch in ("x86_64", "arm64"):
        for kernel in ("6.1", "newest"):
            path = os.path.join(root, "tests", "build", "lab-" + arch, "console-{}.log".format(kernel))
            text = open(path, errors="replace").read().splitlines()
            release = next((t.split()[1] for t in text if t.startswith("BENCH-KERNEL ")), kernel)
            errs = [t for t in text if t.startswith(("BENCH-ERR ktprobe -n", "BENCH-ERR no translation"))]
            if errs:
                raise SystemExit("bench: lab start-up, {} {}: {}".format(arch, release, errs[0]))
            got = [dict(kv.split("=", 1) for kv in t.split()[1:4])
                   for t in text if t.startswith("BENCH-STARTUP ")]
            if not got:
                continue
            per = lambda key: [int(g[key]) / int(g["runs"]) / 1000.0 for g in got]
            added = [n - r for n, r in zip(per("names_us"), per("regs_us"))]
            rows.append("| {} {} | {} ms | {} ms | {} ms |".format(
                arch, release, median_range(per("names_us"), "{:.1f}"),
                median_range(per("regs_us"), "{:.1f}"), median_range(added, "{:+.1f}")))
    return rows


def pct(part, whole):
    return "{:.1f} %".format(100.0 * part / whole) if whole else "n/a"


def median_range(values, fmt="{:.2f}"):
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return (fmt + " ({}-{})").format(med, fmt.format(min(values)), fmt.format(max(values)))


def bench_paths(rounds, work, ktprobe, shortopen, die, log):
    """The section's rows (markdown lines)."""
    b = Bench(work, ktprobe, shortopen, die)
    rows = ["", "**Paths of short-lived programs** (every openat of the workload's processes; "
            "ktprobe on the whole machine; truth: strace -f run apart, or by construction; "
            "{} rounds, medians with min-max)".format(rounds), "",
            "| workload | openat (truth) | right | wrong shown (of it marked late) | none "
            "| verified-but-wrong | fill age p99 | slowdown vs untraced | vs strace -f |",
            "|---|---|---|---|---|---|---|---|---|"]
    hostname = collections.defaultdict(list)
    # as a user runs it (the kernel's copies where it can make them), then the companion's
    # reads alone (what a machine without uprobes gets)
    for name, extra in (("cats", ()), ("programs", ()), ("shortopen", ()),
                        ("cats, reads", READS), ("programs, reads", READS),
                        ("shortopen, reads", READS)):
        res = []
        for r in range(rounds):
            base = b.untraced(name.split(",")[0])
            s_secs, truth = b.strace(name.split(",")[0])
            k_secs, lines = b.traced(name.split(",")[0], extra)
            j = judge_shortopen(lines) if name.startswith("shortopen") else \
                judge_multiset(lines, truth)
            if name.startswith("cats"):
                hostname[name].append(sum(1 for l in lines if l[1] == "cat" and l[3] == "/etc/hostname"))
            j.update(slow=k_secs / base, vs_strace=k_secs / s_secs, age_p99=age_p99(lines))
            res.append(j)
            log("  paths {:<10} right {}/{} wrong {} none {} vwrong {} {:.2f}x".format(
                name, j["right"], j["events"], j["wrong"], j["none"], j["vwrong"], j["slow"]))
        ages = [j["age_p99"] for j in res if j["age_p99"] is not None]
        rows.append("| {} | {} | {} | {} ({}) | {} | {} | {} | {}x | {}x |".format(
            name, median_range([j["events"] for j in res], "{:.0f}"),
            median_range([100.0 * j["right"] / j["events"] for j in res], "{:.1f} %"),
            median_range([100.0 * j["wrong"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
            median_range([100.0 * j["late"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
            median_range([100.0 * j["none"] / max(j["shown"], 1) for j in res], "{:.1f} %"),
            sum(j["vwrong"] for j in res), median_range(ages, "{:.0f} us"),
            median_range([j["slow"] for j in res]), median_range([j["vs_strace"] for j in res])))
    rows += ["", "cats: /etc/hostname shown for {} of 20 cats; with reads only, for {}.".format(
        median_range(hostname["cats"], "{:.0f}"), median_range(hostname["cats, reads"], "{:.0f}"))]
    rows += ["", "\"reads\": with --no-kernel-copies, every value read from the process by the "
             "companion. right: share of the truth's opens shown with the right path; wrong and none: "
             "shares of the lines ktprobe showed; verified-but-wrong: a count over all rounds; "
             "fill age p99: of the values read from the processes (event to read), per round."]
    return rows
