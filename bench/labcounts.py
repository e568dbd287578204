# SPDX-License-Identifier: GPL-2.0
"""bench/run's counting in the lab guests ("lab-counts", and part of "lab").

Inside each guest (bench/lab-paths.sh, LAB_ONLY=counts), every round runs
openloop (a fixed number of openat + close, timed by itself) four ways,
twice: in one order and back (ABBA), each pass a sample:
  untraced  nothing enabled
  tp        sys_enter_openat enabled in the bench's own instance, nobody
            reading: the tracepoint's own cost
  hist      ktprobe --count=comm t:syscalls:sys_enter_openat: a hist trigger
            in the kernel (the note says so)
  self      the same with --no-kernel-hist: counting in ktprobe
This module reads the guests' consoles and judges them: slowdowns against
the untraced run of the same pass, the hist trigger's time against the
tracepoint alone's (run next to it), and openloop's counts against its opens.
"""
import collections
import os
import re
import statistics

from paths import lab_boot, median_range

COUNT_TOTAL = re.compile(r"^ *(\d+)  \(total(?:; ([^)]*))?\)$")
COUNT_OPENLOOP = re.compile(r"^ *(\d+)  openloop$")
IN_KERNEL = "in the kernel (hist trigger)"
GOAL = 1.1


def bench_lab_counts(rounds, root, die):
    """Boot each guest for the counting part alone; the section's rows."""
    lab_boot(rounds, root, die, "counts")
    return lab_count_rows(root, die)


def parse_runs(text, where, die):
    """{kind: [run, ...]} (in sample order) of a console's counting part; a run has
    iters, secs, and for ktprobe's runs rc, openloop's count, the total, lost and where
    it counted; for tp the events the instance received."""
    runs, cur = collections.defaultdict(list), None
    for t in text:
        if t.startswith("BENCH-COUNT-BEGIN "):
            f = t.split()
            kv = dict(x.split("=", 1) for x in f[3:])
            if "loop_ns" not in kv:
                die("lab counts, {}: openloop gave no time ({})".format(where, t))
            cur = dict(kind=f[1], sample=int(f[2]), iters=int(kv["iters"]),
                       secs=int(kv["loop_ns"]) / 1e9, rc=int(kv.get("rc", 0)),
                       events=int(kv.get("events", 0)), count=0, total=None, lost=0, where="")
        elif t == "BENCH-COUNT-END" and cur:
            runs[cur["kind"]].append(cur)
            cur = None
        elif cur and t.startswith("BENCH-COUNT-ERR "):
            m = re.search(r"note: counting (in [^\n]*)", t)
            if m:
                cur["where"] = m.group(1).strip()
            m = re.search(r"(\d+)(?: or more)? events lost", t)
            if m:
                cur["lost"] = max(cur["lost"], int(m.group(1)))
        elif cur:
            m = COUNT_OPENLOOP.match(t)
            if m:
                cur["count"] = int(m.group(1))
            m = COUNT_TOTAL.match(t)
            if m:
                cur["total"] = int(m.group(1))
                lost = re.search(r"(\d+) events lost", m.group(2) or "")
                if lost:
                    cur["lost"] = max(cur["lost"], int(lost.group(1)))
    for kind in runs:
        runs[kind].sort(key=lambda r: r["sample"])
    return runs


def guest_consoles(root):
    """(arch, kernel, console lines) of each lab guest, in the lab sections' order."""
    for arch in ("x86_64", "arm64"):
        for kernel in ("6.1", "newest"):
            path = os.path.join(root, "tests", "build", "lab-" + arch,
                                "console-{}.log".format(kernel))
            if os.path.exists(path):
                yield arch, kernel, open(path, errors="replace").read().splitlines()


def judge_guest(runs):
    """Per-sample ratios and the misses of one guest against the goals."""
    base, tp, hist, self_ = (runs[k] for k in ("untraced", "tp", "hist", "self"))
    j = dict(slow={k: [r["secs"] / b["secs"] for r, b in zip(runs[k], base)]
                   for k in ("tp", "hist", "self")},
             vs_tp=[h["secs"] / t["secs"] for h, t in zip(hist, tp)],
             # the fastest runs' ratio: what host load (TCG's clock is the host's) adds least to
             fastest=min(h["secs"] for h in hist) / min(t["secs"] for t in tp) if hist and tp else 0,
             rate=[b["iters"] / b["secs"] / 1e3 for b in base],
             exact={k: sum(r["count"] == r["iters"] and not r["lost"] for r in runs[k])
                    for k in ("hist", "self")},
             equal=sum(h["count"] == s["count"] for h, s in zip(hist, self_)),
             samples=min(len(base), len(tp), len(hist), len(self_)), misses=[])
    if not j["samples"]:
        j["misses"].append("no complete sample")
        return j
    med = statistics.median(j["vs_tp"])
    if med > GOAL:
        j["misses"].append("the hist trigger {:.2f}x the tracepoint alone".format(med))
    wrong = [h["where"] or "no note" for h in hist if h["where"] != IN_KERNEL]
    if wrong:
        j["misses"].append("--count=comm counted {} in {} run(s)".format(wrong[0], len(wrong)))
    if any(r["rc"] for r in hist + self_):
        j["misses"].append("ktprobe failed in {} run(s)".format(sum(1 for r in hist + self_ if r["rc"])))
    for kind, label in (("hist", "in the kernel"), ("self", "in ktprobe")):
        bad = ["{} for {}".format(r["count"], r["iters"]) + (" ({} lost)".format(r["lost"]) if r["lost"] else "")
               for r in runs[kind] if r["count"] != r["iters"] or r["lost"]]
        if bad:
            j["misses"].append("counted {}: openloop's count != its opens ({})".format(label, ", ".join(bad)))
    if j["equal"] < j["samples"]:
        j["misses"].append("the two routes' counts differ in {} of {} samples".format(
            j["samples"] - j["equal"], j["samples"]))
    return j


def lab_count_rows(root, die):
    """The section's table and goal line, from the guests' consoles."""
    rows, goal, samples = [], [], 0
    for arch, kernel, text in guest_consoles(root):
        release = next((t.split()[1] for t in text if t.startswith("BENCH-KERNEL ")), kernel)
        n = next((t.split()[1] for t in text if t.startswith("BENCH-COUNT-N ")), None)
        if n is None:
            continue
        runs = parse_runs(text, "{} {}".format(arch, release), die)
        j = judge_guest(runs)
        samples = max(samples, j["samples"])
        rows.append("| {} {} | {} | {} | {}x | {}x | {}x | **{}x** | {:.2f}x | {} / {} of {} | {} of {} |".format(
            arch, release, n, median_range(j["rate"], "{:.0f}k"), median_range(j["slow"]["tp"]),
            median_range(j["slow"]["hist"]), median_range(j["slow"]["self"]),
            median_range(j["vs_tp"]), j["fastest"], j["exact"]["hist"], j["exact"]["self"], j["samples"],
            j["equal"], j["samples"]))
        goal.append((arch, release, j))
    if not rows:
        die("lab counts: no guest console has a counting part")
    head = ["", "**Counting every openat in the lab guests** (openloop, N opens a run, one "
            "path; whole guest, busybox, TCG; {} samples: each round the four runs in one order "
            "and back, a pass a sample; slowdown of the loop's own time against the untraced "
            "run of the same pass; "
            "hist trigger: `ktprobe --count=comm t:syscalls:sys_enter_openat`, counting "
            "in the kernel; in ktprobe: the same with `--no-kernel-hist`; "
            "medians with min-max)".format(samples), "",
            "| guest | N | untraced openat/s | tracepoint alone | hist trigger | counted in ktprobe "
            "| hist trigger vs tracepoint alone | fastest vs fastest "
            "| openloop's count = its opens (kernel / ktprobe) | the two counts equal |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    misses = ["{} {}: {}".format(a, r, "; ".join(j["misses"])) for a, r, j in goal if j["misses"]]
    tail = ["", "Goal (in the kernel: the loop under the hist trigger <= {}x its time under "
            "the tracepoint alone in the same guest, median of the samples; openloop's count "
            "= its opens counted both ways, 0 lost, and the two equal, in every run): "
            "**{}**{}.".format(GOAL, "met" if not misses else "not met",
                               ": " + " | ".join(misses) if misses else ""),
            "", "fastest vs fastest: the hist trigger's fastest run against the tracepoint "
            "alone's fastest, of all samples. Under TCG the guest's clock is the host's: load "
            "on the host (2 CPUs, shared) stretches whole runs, hence the wide min-max; the "
            "fastest runs are the least stretched."]
    return head + rows + tail
