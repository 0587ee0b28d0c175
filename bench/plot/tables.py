#!/usr/bin/env python3
"""The tables of docs/benchmarks.md, from the CSVs of one `make bench` run.

    tables.py [-r RESULTS] [--update DOC] [BLOCK...]

Without --update, prints the blocks (all, or the ones named). With
--update, rewrites in DOC every region between
    <!-- tables.py: NAME -->   and   <!-- tables.py: end -->
with block NAME, and leaves the rest of DOC alone.

Every figure comes from a CSV in RESULTS (default bench/results); a missing
CSV or row prints "no data", never a number. Each target of the project's
issues gets a verdict, met or not met, computed here from the same CSVs,
and when it is not met, the reason (REASONS below).
"""
import argparse
import csv
import os
import re
import sys

RESULTS = "bench/results"

# Why a target can be missed, shown under a "not met" verdict. These are the
# design reasons (what the bench measures and what bounds it), not guesses
# about one run: a run's own load shows in the run block.
REASONS = {
    "runtime-off": "the runtime's primitive does more than the raw call it is compared "
                   "with (the table's last column names the raw call).",
    "runtime-on": "with checkers on, every primitive also updates the checkers' state "
                  "(held-lock stack, RCU nesting depth, context).",
    "sched-switch": "a scheduler switch is a choice (the seeded scheduler picks the next "
                    "task) plus a coroutine switch; on a loaded 2-core machine the "
                    "median moves with the load.",
    "kvm-rate": "the real ioctl is cheap: one syscall into the host kernel's routing, "
                "IOAPIC and LAPIC code, which sets a bit in the vCPU's IRR without entering "
                "the guest. The simulator runs the same logic in user space without the "
                "syscall, so the gap is the syscall plus the difference between the two "
                "implementations.",
    "flat": "the single-destination paths go through the APIC map; a growth with vCPUs "
            "means the map lookup is no longer O(1), or a noisy sample (each size is "
            "one timed pass, not a median; see the run's load).",
    "doorbell-ring": "each figure is one timed pass of N rings, not a median of "
                     "repetitions, so a preemption during the pass inflates it; the "
                     "full ioeventfd mode of the same run (ring plus consumer, above) "
                     "bounds what one ring costs.",
    "irqfd-ratio": "the slow path's latency is a workqueue worker's wake-up; if the "
                   "host is idle and wake-ups are fast, the ratio shrinks.",
    "irqfd-write": "a fast-path injection is a simulated eventfd write plus the MSI "
                   "delivery to the LAPIC, compared with a bare write(2).",
    "iobus": "the bus is a sorted array searched by bsearch, as in the kernel: the "
             "search probes log2(1000)/log2(10) = 3x as many entries, so when the rest "
             "of the guest access is cheap, the ratio tends towards 3x.",
    "scenario": "the rate is statements per wall-clock second of the whole run (parse, "
                "run, teardown), so it counts time the process was not running: the "
                "load of other builds on the shared 2-core machine lowers it.",
    "explore": "every schedule is a fresh simulation (VM, eventfds, routing, irqfds, "
               "three tasks) run to the end.",
    "fuzz": "every input creates and tears down a simulation and runs the model's "
            "invariant checks, under ASan+UBSan. Each figure is one 20 s run of one "
            "process on a shared machine: the other targets, whose two configurations "
            "differ only by LSan, move in both directions between them in the table "
            "above, which gives the size of that noise.",
}


def read(res, name):
    path = os.path.join(res, name + ".csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(row, key):
    try:
        v = row.get(key) if row else None
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def find(rows, **kw):
    for r in rows or []:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def n0(v):
    return "–" if v is None else f"{v:,.0f}"


def n1(v):
    return "–" if v is None else f"{v:,.1f}"


def n2(v):
    return "–" if v is None else f"{v:,.2f}"


def x(v, d=2):
    return "–" if v is None else f"{v:.{d}f}x"


def ns(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:,.2f} ms"
    if v >= 1e4:
        return f"{v / 1e3:,.1f} µs"
    if v >= 1e3:
        return f"{v / 1e3:,.2f} µs"
    return f"{v:,.1f} ns" if v < 100 else f"{v:,.0f} ns"


def rate(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:,.2f} M"
    return f"{v:,.0f}"


def table(head, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(head) - 1)
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


class Target:
    """One target of the issues: what, the figure measured, met or not."""

    def __init__(self, bench, what, measured, met, reason=None):
        self.bench, self.what, self.measured, self.met = bench, what, measured, met
        self.reason = reason

    def verdict(self):
        if self.met is None:
            return "no data" if self.measured == "no data" else "reported"
        return "**met**" if self.met else "**not met**"

    def line(self):
        s = f"- Target: {self.what}. Measured: {self.measured}. {self.verdict()}."
        if self.met is False and self.reason:
            s += f" Why: {REASONS[self.reason]}"
        return s


def no_data(bench, what):
    return Target(bench, what, "no data", None)


# ---------------------------------------------------------------- blocks

def b_run(res):
    m = {r["key"]: r["value"] for r in read(res, "run-machine") or []}
    runs = read(res, "run") or []
    if not m:
        return "No run information (bench/results/run-machine.csv is missing)."
    out = []
    if "mode" in m:
        out.append(f"**{m['mode']}**\n")
    out += [table(["", ""], [
        ["date", m.get("date", "?")],
        ["machine", f"{m.get('cores', '?')} cores, {m.get('cpu', '?')}, Linux {m.get('kernel', '?')}"],
        ["compiler", m.get("compiler", "?")],
        ["source", f"commit {m.get('commit', '?')}"],
        ["priority", f"every bench under nice -n {m.get('nice', '?')}"],
        ["load average at start (1 / 5 / 15 min)",
         f"{m.get('load_start', '?')} / {m.get('load_start_5min', '?')} / {m.get('load_start_15min', '?')}"],
        ["load average at end (1 min)", m.get("load_end", "?")],
    ], ["---", "---"])]
    if runs:
        out.append("")
        out.append(table(["bench", "status", "seconds", "load avg (1 min) start → end"],
                         [[r["bench"], r["status"], r["seconds"] or "–",
                           f"{r['load_start']} → {r['load_end']}" if r["load_start"] else "–"]
                          for r in runs], ["---", "---", "---:", "---"]))
    return "\n".join(out)


def runtime(res):
    rows = read(res, "runtime")
    T = "runtime"
    if not rows:
        return "no data", [no_data(T, "checkers off <= 1.5x raw"),
                           no_data(T, "checkers on <= 5x raw"),
                           no_data(T, "sched task switch < 100 ns")]
    prim = [r for r in rows if r["operation"] != "sched task switch"]
    sw = find(rows, operation="sched task switch")
    body = [[f"`{r['operation']}`", n2(num(r, "checkers_off_ns")), n2(num(r, "checkers_on_ns")),
             n2(num(r, "raw_ns")), x(num(r, "off_ratio")), x(num(r, "on_ratio")), r["raw_baseline"]]
            for r in prim]
    if sw:
        body.append(["sched task switch", n2(num(sw, "checkers_off_ns")), "–", n2(num(sw, "raw_ns")),
                     x(num(sw, "off_ratio")), "–", sw["raw_baseline"]])
    md = table(["operation", "checkers off (ns)", "checkers on (ns)", "raw (ns)", "off / raw",
                "on / raw", "raw baseline"], body, ["---"] + ["---:"] * 5 + ["---"])
    tg = []
    for key, limit, what, reason in (("off_ratio", 1.5, "checkers off <= 1.5x raw", "runtime-off"),
                                     ("on_ratio", 5.0, "checkers on <= 5x raw", "runtime-on")):
        vals = [(r["operation"], num(r, key)) for r in prim if num(r, key) is not None]
        miss = [f"`{o}` {v:.2f}x" for o, v in vals if v > limit]
        ok = len(vals) - len(miss)
        meas = f"{ok} of {len(vals)} operations within" + (f"; over: {', '.join(miss)}" if miss else
                                                         f" (worst {max(v for _, v in vals):.2f}x)")
        tg.append(Target(T, what, meas, not miss and bool(vals), reason))
    v = num(sw, "checkers_off_ns")
    tg.append(Target(T, "sched task switch < 100 ns",
                     "no data" if v is None else f"{v:.1f} ns (bare coroutine switch {num(sw, 'raw_ns'):.1f} ns)",
                     None if v is None or v < 0 else v < 100, "sched-switch"))
    return md, tg


def delivery(res):
    rows = read(res, "delivery")
    T = "delivery"
    if not rows:
        return "no data", [no_data(T, "KVM_IRQ_LINE / KVM_SIGNAL_MSI in the simulator >= 10x the real /dev/kvm rate"),
                           no_data(T, "single-destination delivery independent of the vCPU count")]
    sim = [r for r in rows if r["backend"] != "kvm"]
    sizes = sorted({int(r["vcpus"]) for r in sim if r["case"] in ("physical", "broadcast")})
    cases = [("physical", "physical, one destination (fast path)"),
             ("logical_fast", "logical, one destination, APIC map (fast path)"),
             ("logical_slow", "logical, mixed DFR (slow path)"),
             ("broadcast", "broadcast 0xff (every vCPU)")]
    body = []
    for c, label in cases:
        body.append([label] + [ns(num(find(sim, case=c, vcpus=str(n)), "ns_per_op")) for n in sizes])
    md = "ns per KVM_SIGNAL_MSI against the vCPUs in the VM:\n\n"
    md += table(["MSI", *[f"{n} vCPU" + ("s" if n > 1 else "") for n in sizes]], body)
    body = []
    ratios = []
    for c, label in (("irq_line", "`KVM_IRQ_LINE_STATUS` (IOAPIC edge pin)"),
                     ("signal_msi", "`KVM_SIGNAL_MSI` (fixed, physical)")):
        s = find(sim, case=c, vcpus="1")
        k = find(rows, case=c, backend="kvm")
        si, ki = num(s, "ops_per_sec"), num(k, "ops_per_sec")
        r = si / ki if si and ki else None
        ratios.append((c, r))
        body.append([label, f"{rate(si)}/s ({ns(num(s, 'ns_per_op'))})",
                     f"{rate(ki)}/s ({ns(num(k, 'ns_per_op'))})" if k else "not run", x(r, 1)])
    md += "\n\nOne vCPU, the rate of the ioctl:\n\n"
    md += table(["ioctl", "simulator", "real /dev/kvm", "simulator / real"], body)
    have = [r for _, r in ratios if r is not None]
    tg = [Target(T, "KVM_IRQ_LINE / KVM_SIGNAL_MSI in the simulator >= 10x the real /dev/kvm rate",
                 "; ".join(f"`{c}` {x(r, 1)}" for c, r in ratios) if have else "no data (no /dev/kvm)",
                 all(r >= 10 for r in have) if len(have) == len(ratios) else None, "kvm-rate")]
    spread = []
    for c in ("physical", "logical_fast"):
        v = [num(find(sim, case=c, vcpus=str(n)), "ns_per_op") for n in sizes]
        v = [a for a in v if a]
        if v:
            spread.append((c, min(v), max(v)))
    # "independent": within 25% of each other from 1 to 255 vCPUs (run-to-run noise here is ~10-20%)
    tg.append(Target(T, "single-destination delivery independent of the vCPU count "
                     f"(here: from {sizes[0]} to {sizes[-1]} vCPUs, slowest <= 1.25x fastest)",
                     "; ".join(f"`{c}` {lo:.1f}–{hi:.1f} ns ({hi / lo:.2f}x)" for c, lo, hi in spread),
                     all(hi <= 1.25 * lo for _, lo, hi in spread) if spread else None, "flat"))
    return md, tg


def doorbell(res):
    rows = read(res, "doorbell")
    T = "doorbell"
    what = "one simulated ioeventfd ring (checkers off) cheaper than one real eventfd write(2)"
    if not rows:
        return "no data", [no_data(T, what)]
    body = []
    for r in rows:
        src, mode = r["source"], r["mode"]
        body.append([src, mode, rate(num(r, "iops")), n2(num(r, "mean_rtt_us")),
                     x(num(r, "ratio_vs_exit")) if r.get("ratio_vs_exit") else "",
                     ns(num(r, "ns_per_op")) if r.get("ns_per_op") else ""])
    md = table(["source", "mode", "iops", "mean round trip (µs)", "vs exit", "per ring"], body,
               ["---", "---", "---:", "---:", "---:", "---:"])
    host = num(find(rows, source="host", mode="eventfd-write"), "ns_per_op")
    rings = [(m, num(find(rows, source="sim", mode=m), "ns_per_op")) for m in ("ring-only-mmio", "ring-only-pio")]
    rings = [(m, v) for m, v in rings if v is not None]
    met = all(v < host for _, v in rings) if rings and host else None
    meas = ", ".join(f"{m} {ns(v)}" for m, v in rings) + f" vs write(2) {ns(host)}"
    if met is False:
        full = [(m, num(find(rows, source="sim", mode=m), "ns_per_op"))
                for m in ("ioeventfd-mmio", "ioeventfd-pio")]
        meas += " (same run, ring plus consumer: " + ", ".join(
            f"{m} {ns(v)} per ring" for m, v in full if v is not None) + ")"
    return md, [Target(T, what, meas, met, "doorbell-ring")]


def doorbell_kvm(res):
    cmp_rows = read(res, "doorbell-compare")
    kvm = read(res, "doorbell-kvm")
    T = "doorbell-kvm"
    what = "the real-KVM doorbell beside the simulator and the 2009 table (qemu-mmio 110,000 iops; " \
           "ioeventfd-mmio 200,100; ioeventfd-pio 367,300)"
    if not cmp_rows:
        return "no data", [no_data(T, what)]
    body = [[r["mode"], rate(num(r, "kernel_iops")), n2(num(r, "kernel_rtt_us")),
             rate(num(r, "sim_iops")), n2(num(r, "sim_rtt_us")),
             rate(num(r, "y2009_iops")), n2(num(r, "y2009_rtt_us")),
             x(num(r, "sim_over_kernel")), x(num(r, "kernel_over_2009")), x(num(r, "sim_over_2009"))]
            for r in cmp_rows]
    md = table(["mode", "kernel iops", "µs", "simulator iops", "µs", "2009 iops", "µs",
                "sim / kernel", "kernel / 2009", "sim / 2009"], body)
    extra = [r for r in kvm or [] if r["source"] == "measured" and r["mode"].startswith("irqfd")]
    if extra:
        md += "\n\nThe real kernel's MSI irqfd (same run, `doorbell-kvm.csv`):\n\n"
        b = []
        for r in extra:
            took = num(r, "consumed")
            secs = num(r, "seconds")
            b.append([r["mode"], f"{rate(num(r, 'iops'))}/s", n2(num(r, "mean_rtt_us")),
                      f"{n0(took)} ({rate(took / secs)}/s)" if took and secs else "–"])
        md += table(["mode", "host writes", "µs per write", "interrupts the guest took"], b)
    k = find(cmp_rows, mode="ioeventfd-mmio")
    meas = "ioeventfd-mmio: kernel {} iops, simulator {}, 2009 {}".format(
        rate(num(k, "kernel_iops")), rate(num(k, "sim_iops")), rate(num(k, "y2009_iops")))
    return md, [Target(T, what, meas, None)]


def irqfd(res):
    rows = read(res, "irqfd")
    T = "irqfd"
    w1 = "fast-path latency >= 5x lower than the slow path"
    w2 = "a fast-path injection cheaper than a real eventfd write(2)"
    if not rows:
        return "no data", [no_data(T, w1), no_data(T, w2)]
    f, s, h = find(rows, path="fast"), find(rows, path="slow"), find(rows, path="host-eventfd-write")
    body = []
    for r, label in ((f, "fast (MSI, injected in the wakeup)"), (s, "slow (IOAPIC pin, worker)"),
                     (h, "host: a real eventfd write(2)")):
        if r:
            body.append([label, ns(num(r, "latency_ns")),
                         f"{rate(num(r, 'writes_per_s'))}/s" if r.get("writes_per_s") else "",
                         f"{rate(num(r, 'injections_per_s'))}/s" if r.get("injections_per_s") else ""])
    md = table(["path", "latency (write → IRR)", "back-to-back writes", "injections"], body)
    lf, ls, lh = num(f, "latency_ns"), num(s, "latency_ns"), num(h, "latency_ns")
    per = 1e9 / num(f, "writes_per_s") if num(f, "writes_per_s") else None
    t1 = Target(T, w1, f"fast {ns(lf)}, slow {ns(ls)}: {x(ls / lf, 0)}" if lf and ls else "no data",
                ls >= 5 * lf if lf and ls else None, "irqfd-ratio")
    t2 = Target(T, w2, f"{ns(per)} per fast-path write (back to back; {ns(lf)} write-to-IRR latency) "
                f"vs {ns(lh)} per write(2)" if per and lh else "no data",
                per < lh if per and lh else None, "irqfd-write")
    return md, [t1, t2]


def iobus(res):
    rows = read(res, "iobus")
    T = "iobus"
    what = "a guest access with 1000 devices on the bus <= 2x the cost with 10"
    if not rows:
        return "no data", [no_data(T, what)]
    dev = [r for r in rows if r["devices"].isdigit()]
    body = [[r["devices"], n1(num(r, "guest_ns")), x(num(r, "guest_vs_10")),
             n1(num(r, "per_exit_ns")), x(num(r, "per_exit_vs_10")),
             n1(num(r, "search_ns")), x(num(r, "search_vs_10")), ns(num(r, "register_ns_mean"))]
            for r in dev]
    md = table(["devices", "guest write (ns)", "vs 10", "io-bus layer per exit (ns)", "vs 10",
                "search + callback (ns)", "vs 10", "register (mean)"], body)
    un = find(rows, devices="unregister-from-1000")
    if un:
        # the unregister row carries its cost in the 6th column
        v = [c for c in un.values() if c][-1] if any(un.values()) else None
        md += f"\n\nUnregistering (from 1000 devices; each waits for a `kvm->srcu` grace period): {ns(float(v))} each."
    r1000 = find(dev, devices="1000")
    g = num(r1000, "guest_vs_10")
    return md, [Target(T, what, f"{x(g)} (io-bus layer alone {x(num(r1000, 'per_exit_vs_10'))}, "
                       f"search alone {x(num(r1000, 'search_vs_10'))})" if g else "no data",
                       g <= 2 if g else None, "iobus")]


def dpci(res):
    rows = read(res, "dpci")
    T = "dpci"
    what = "figures for 8, 64 and 512 sources"
    if not rows:
        return "no data", [no_data(T, what)]
    sizes = sorted({int(r["sources"]) for r in rows})
    body = []
    for load, ln in (("highest-busy", "only source N-1 busy"), ("all-busy", "all sources busy")):
        for d, dn in (("per-vm", "per-VM scan"), ("per-source", "per-source work")):
            cells = []
            for n in sizes:
                r = find(rows, load=load, design=d, sources=str(n))
                cells.append(f"{ns(num(r, 'latency_ns'))}, {num(r, 'scan_per_delivery'):g}" if r else "–")
            body.append([ln, dn] + cells)
    md = "Mean signal-to-delivery latency of source N-1, and bitmap entries examined per delivery:\n\n"
    md += table(["load", "design", *[f"N = {n}" for n in sizes]], body,
                ["---", "---"] + ["---:"] * len(sizes))
    have = {8, 64, 512} <= set(sizes)
    return md, [Target(T, what, ", ".join(str(n) for n in sizes) + " sources measured", have)]


def scenario(res):
    rows = read(res, "scenario")
    T = "scenario"
    what = ">= 1,000,000 simple statements/s without tracing"
    if not rows:
        return "no data", [no_data(T, what)]
    body = [[f"`{r['config']}`", n0(num(r, "statements")), f"{num(r, 'seconds'):.3f}",
             n0(num(r, "statements_per_second")), x(num(r, "ratio_to_off"))] for r in rows]
    md = table(["configuration", "statements", "seconds (wall)", "statements/s", "vs tracing off"], body)
    off = num(find(rows, config="trace_off"), "statements_per_second")
    so = num(find(rows, config="trace_off_settle_off"), "statements_per_second")
    meas = f"{n0(off)} statements/s (tracing off)" + (f"; {n0(so)} with `settle off`" if so else "")
    return md, [Target(T, what, meas, off >= 1e6 if off else None, "scenario")]


def explore(res):
    rows = read(res, "explore")
    asan = read(res, "explore-asan")
    T = "explore"
    what = ">= 10,000 schedules/s (random strategy, per CPU second) for a 3-thread, 34-statement scenario"
    if not rows:
        return "no data", [no_data(T, what), no_data(T, "the same under ASan+UBSan")]
    body = []
    for r in rows:
        a = find(asan, config=r["config"])
        body.append([f"`{r['config']}`", n0(num(r, "schedules")), n0(num(r, "schedules_per_s_wall")),
                     n0(num(r, "schedules_per_s_cpu")), x(num(r, "ratio_to_run")),
                     n0(num(a, "schedules_per_s_cpu")) if a else "not run"])
    md = table(["strategy", "schedules", "per wall s", "per CPU s", "vs `run schedules=N`",
                "ASan+UBSan, per CPU s"], body)
    rnd = num(find(rows, config="random"), "schedules_per_s_cpu")
    ra = num(find(asan, config="random"), "schedules_per_s_cpu")
    return md, [Target(T, what, f"{n0(rnd)} schedules/s" if rnd else "no data",
                       rnd >= 1e4 if rnd else None, "explore"),
                Target(T, "the ASan+UBSan figure (no target)",
                       f"{n0(ra)} schedules/s (random, per CPU second)" if ra else "no data", None)]


def fuzz(res):
    rows = read(res, "fuzz")
    T = "fuzz"
    what = "fuzz_api >= 2,000 execs/s under ASan (current settings, per CPU second of the fuzzer)"
    if not rows:
        return "no data (bench/fuzz did not run)", [no_data(T, what)]
    body = [[f"`{r['target']}`", r["config"], n0(num(r, "execs")), n1(num(r, "cpu_s")),
             n0(num(r, "execs_per_cpu_s")), n0(num(r, "execs_per_wall_s"))] for r in rows]
    md = table(["target", "configuration", "executions", "CPU s", "execs per CPU s",
                "execs per wall s"], body, ["---", "---", "---:", "---:", "---:", "---:"])
    r = find(rows, target="fuzz_api", config="tuned")
    v, w = num(r, "execs_per_cpu_s"), num(r, "execs_per_wall_s")
    return md, [Target(T, what, f"{n0(v)} execs per CPU second ({n0(w)} per wall second)" if v else "no data",
                       v >= 2000 if v else None, "fuzz")]


BENCHES = [("runtime", runtime), ("delivery", delivery), ("doorbell", doorbell),
           ("doorbell-kvm", doorbell_kvm), ("irqfd", irqfd), ("iobus", iobus), ("dpci", dpci),
           ("scenario", scenario), ("explore", explore), ("fuzz", fuzz)]


def blocks(res):
    out = {"run": b_run(res)}
    targets = []
    for name, fn in BENCHES:
        md, tg = fn(res)
        out[name] = md + "\n\n" + "\n".join(t.line() for t in tg)
        targets += tg
    out["summary"] = table(["bench", "target", "measured", "verdict"],
                           [[f"[{t.bench}](#{t.bench})", t.what, t.measured, t.verdict()]
                            for t in targets], ["---", "---", "---", "---"])
    return out


MARK = re.compile(r"(<!-- tables\.py: ([\w-]+) -->\n)(.*?)(<!-- tables\.py: end -->)", re.S)


def update(doc, out):
    with open(doc) as f:
        text = f.read()
    seen = set()

    def repl(m):
        name = m.group(2)
        if name not in out:
            sys.exit(f"tables.py: {doc}: unknown block '{name}'")
        seen.add(name)
        return m.group(1) + "\n" + out[name] + "\n\n" + m.group(4)

    text = MARK.sub(repl, text)
    with open(doc, "w") as f:
        f.write(text)
    missing = sorted(set(out) - seen)
    if missing:
        print(f"tables.py: {doc} has no region for: {', '.join(missing)}", file=sys.stderr)
    print(f"tables.py: updated {len(seen)} tables in {doc}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-r", "--results", default=RESULTS)
    ap.add_argument("--update", metavar="DOC")
    ap.add_argument("block", nargs="*")
    a = ap.parse_args()
    out = blocks(a.results)
    if a.update:
        update(a.update, out)
        return 0
    for name in a.block or out:
        print(f"<!-- {name} -->\n{out[name]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
