#!/usr/bin/env python3
"""The doorbell three ways, side by side: the real kernel (bench/doorbell-kvm),
the simulator (bench/doorbell) and the 2009 ioeventfd measurements.

    compare.py DOORBELL_KVM DOORBELL_SIM [-n N] [-q] [-o CSV] [--keep DIR]

Runs both benchmarks (one after the other, so they do not compete for the
CPUs), reads their CSVs and prints, per mode, iops and the mean round trip
of each source, the ioeventfd speed-up over exiting to userspace within each
source, and the ratios between sources. Without a usable /dev/kvm the kernel
column is left empty (the script still exits 0: the comparison is a report).
--keep DIR also keeps the two benchmarks' own CSVs, as DIR/doorbell-kvm.csv and
DIR/doorbell.csv (`make bench`: all three tables from one back-to-back run).
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile

# mode -> the 2009 row it compares with (qemu-mmio was the exit path then)
MODES = [
    ("exit-mmio", "qemu-mmio"),
    ("exit-pio", None),
    ("ioeventfd-mmio", "ioeventfd-mmio"),
    ("ioeventfd-pio", "ioeventfd-pio"),
]


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stdout + r.stderr


def read_csv(path):
    rows = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows[(row["source"], row["mode"])] = row
    return rows


def num(row, key):
    try:
        return float(row[key]) if row and row.get(key) else None
    except ValueError:
        return None


def fmt(v, spec):
    if v is not None:
        return format(v, spec)
    width = "".join(c for c in spec.split(".")[0] if c.isdigit())
    return "-".rjust(int(width) if width else 1)


def ratio(a, b):
    return a / b if a and b else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kvm_bench")
    ap.add_argument("sim_bench")
    ap.add_argument("-n", type=int, default=200000)
    ap.add_argument("-q", action="store_true", help="a smoke run (few iterations)")
    ap.add_argument("-o", default=None, help="CSV output")
    ap.add_argument("--keep", metavar="DIR", default=None,
                    help="keep the benchmarks' CSVs as DIR/doorbell-kvm.csv and DIR/doorbell.csv")
    a = ap.parse_args()
    n = 2000 if a.q else a.n

    with tempfile.TemporaryDirectory() as tmp:
        kcsv, scsv = os.path.join(tmp, "kvm.csv"), os.path.join(tmp, "sim.csv")
        krc, kout = run([a.kvm_bench, "-n", str(n), "-o", kcsv])
        if krc not in (0, 77):
            sys.stderr.write(kout)
            print(f"compare: {a.kvm_bench} failed (exit {krc})")
            return 1
        src, sout = run([a.sim_bench, "-n", str(n), "-o", scsv])
        if src != 0:
            sys.stderr.write(sout)
            print(f"compare: {a.sim_bench} failed (exit {src})")
            return 1
        kern = read_csv(kcsv) if krc == 0 else {}
        sim = read_csv(scsv)
        if a.keep:
            if krc == 0:
                shutil.copyfile(kcsv, os.path.join(a.keep, "doorbell-kvm.csv"))
            shutil.copyfile(scsv, os.path.join(a.keep, "doorbell.csv"))

    y2009 = {m: r for (s, m), r in sim.items() if s == "2009"}
    print(f"doorbell, N={n}: real kernel ({'kvm_pvm host' if kern else 'no /dev/kvm: not run'}), "
          "simulator (threads backend, checkers off), 2009 (VMX, qemu)")
    hdr = f"{'mode':<16}{'kernel iops':>12}{'rtt us':>9}{'sim iops':>12}{'rtt us':>9}" \
          f"{'2009 iops':>11}{'rtt us':>8}{'sim/kernel':>12}{'kernel/2009':>13}{'sim/2009':>10}"
    print(hdr)
    rows = []
    for mode, old in MODES:
        k = kern.get(("measured", mode))
        s = sim.get(("sim", mode))
        y = y2009.get(old) if old else None
        ki, si, yi = num(k, "iops"), num(s, "iops"), num(y, "iops")
        kr, sr, yr = num(k, "mean_rtt_us"), num(s, "mean_rtt_us"), num(y, "mean_rtt_us")
        r_sk, r_k9, r_s9 = ratio(si, ki), ratio(ki, yi), ratio(si, yi)
        print(f"{mode:<16}{fmt(ki, '12,.0f')}{fmt(kr, '9.2f')}{fmt(si, '12,.0f')}{fmt(sr, '9.2f')}"
              f"{fmt(yi, '11,.0f')}{fmt(yr, '8.2f')}{fmt(r_sk, '12.2f')}{fmt(r_k9, '13.2f')}"
              f"{fmt(r_s9, '10.2f')}")
        rows.append([mode, ki, kr, si, sr, yi, yr, r_sk, r_k9, r_s9])

    print("ioeventfd speed-up over the exit path (iops ratio):")
    for space, old_exit in (("mmio", "qemu-mmio"), ("pio", "qemu-mmio")):
        def speed(table, src, exit_mode):
            e = num(table.get((src, exit_mode)), "iops")
            i = num(table.get((src, "ioeventfd-" + space)), "iops")
            return ratio(i, e)
        ks = speed(kern, "measured", "exit-" + space)
        ss = speed(sim, "sim", "exit-" + space)
        ys = ratio(num(y2009.get("ioeventfd-" + space), "iops"), num(y2009.get(old_exit), "iops"))
        print(f"  {space:<5} kernel {fmt(ks, '.2f')}x   simulator {fmt(ss, '.2f')}x   "
              f"2009 {fmt(ys, '.2f')}x{' (vs qemu-mmio)' if space == 'pio' else ''}")

    if a.o:
        with open(a.o, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["mode", "kernel_iops", "kernel_rtt_us", "sim_iops", "sim_rtt_us",
                        "y2009_iops", "y2009_rtt_us", "sim_over_kernel", "kernel_over_2009",
                        "sim_over_2009"])
            for r in rows:
                w.writerow([r[0]] + ["" if v is None else f"{v:.3f}" for v in r[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
