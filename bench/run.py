#!/usr/bin/env python3
"""Times the guest benchmarks natively, under each Tiercel tier and under qemu-riscv64.

    python3 bench/run.py --build build [--tiers interp,...] [--runs 3] [--quick]
                         [--programs a,b] [--no-qemu] [--json PATH]

For every program in bench/programs.txt it runs the native x86-64 build
(build/bench/native/NAME), then the riscv64 build (build/bench/riscv64/NAME)
under `tiercel-riscv64 --tier=T` for each tier and under qemu-riscv64 when it
is installed, all in the same invocation, RUNS times each, interleaved so that
machine noise hits every configuration alike. It reports medians, the ratio of
each emulated time to native and of each tier to qemu, a geometric-mean row,
and writes every raw time to build/bench/results.json. The stdout of every
emulated run must equal the native run's (each program prints a checksum);
a mismatch is reported and makes the script exit non-zero.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def readPrograms():
    programs = []
    with open(os.path.join(BENCH_DIR, "programs.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, quick = line.split()[:2]
            programs.append((name, quick))
    return programs


def tiersFromHelp(binary):
    """Asks `tiercel-riscv64 --help` which tiers it offers.

    Reads the line documenting -tier/--tier, whose description lists each
    tier as `name (what it is)`:
      -tier tier   execution tier: interp (the reference interpreter), baseline (...), ...
    A tier described as running another one ("tiered (baseline until ...)")
    is left out: it would time the same code twice, and so is a tier "for
    testing" (llvm: every block compiled before it runs). Each tier-1 tier is also
    timed with --no-counters ("baseline+nocounters") to show the cost of its
    profiling counters, and with -profile and a 1 s snapshot interval
    ("baseline+profile") to show the cost of counters plus dumping. Falls back to interp, which every build has."""
    try:
        text = subprocess.run([binary, "--help"], capture_output=True, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ["interp"]
    for line in text.splitlines():
        m = re.match(r"\s*--?tier\s+\S+\s+execution tier:(.*)", line)
        if not m:
            continue
        tiers = []
        for name, what in re.findall(r"\b([a-z][a-z0-9_-]*) \(([^)]*)\)", m.group(1)):
            if re.match(r"(interp|baseline|tier\d|llvm)\b", what) and " until " in what:
                continue
            if "for testing" in what:
                continue  # --tier=llvm compiles every block before it runs: a test mode
            tiers.append(name)
            if name == "baseline":
                tiers.append("baseline+nocounters")
                tiers.append("baseline+profile")
        if tiers:
            return tiers
    return ["interp"]


def runOnce(command, timeout, cwd):
    """Returns (seconds, stdout bytes, return code, stderr tail) of one run."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, cwd=cwd,
                              env=dict(os.environ, TMPDIR=cwd))
    except subprocess.TimeoutExpired:
        return None, b"", None, "timed out after %gs" % timeout
    elapsed = time.perf_counter() - start
    return elapsed, proc.stdout, proc.returncode, proc.stderr.decode("utf-8", "replace")[-500:]


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmtTime(t):
    return "-" if t is None else ("%.3f" % t if t < 10 else "%.2f" % t)


def fmtRatio(r):
    return "-" if r is None else ("%.2fx" % r if r < 100 else "%.0fx" % r)


def writeResults(results, jsonPath, failures):
    """Writes the raw times as JSON, lists the failures; the exit status."""
    os.makedirs(os.path.dirname(jsonPath), exist_ok=True)
    with open(jsonPath, "w") as f:
        json.dump(results, f, indent=2)
    print("raw times written to %s" % jsonPath)
    if failures:
        print("\n%d failure(s):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build", help="build directory (default: build)")
    parser.add_argument("--tiers", help="comma-separated tiers (default: those --help lists)")
    parser.add_argument("--runs", type=int, default=3, help="runs per configuration (median)")
    parser.add_argument("--quick", action="store_true",
                        help="reduced sizes from programs.txt and one run (for CI)")
    parser.add_argument("--programs", help="comma-separated subset of programs")
    parser.add_argument("--qemu", default=shutil.which("qemu-riscv64"),
                        help="qemu-riscv64 binary (default: found on PATH)")
    parser.add_argument("--no-qemu", action="store_true", help="skip qemu-riscv64")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    parser.add_argument("--json", help="output file (default BUILD/bench/results.json)")
    opts = parser.parse_args()

    build = os.path.abspath(opts.build)
    tiercel = os.path.join(build, "bin", "tiercel-riscv64")
    runs = 1 if opts.quick else opts.runs
    programs = readPrograms()
    if opts.programs:
        wanted = opts.programs.split(",")
        unknown = [w for w in wanted if w not in {p for p, _ in programs}]
        if unknown:
            print("run.py: unknown program(s): %s; known: %s" %
                  (", ".join(unknown), ", ".join(p for p, _ in programs)), file=sys.stderr)
            return 2
        programs = [p for p in programs if p[0] in wanted]

    configs = [("native", None)]
    if os.path.exists(tiercel):
        tiers = opts.tiers.split(",") if opts.tiers else tiersFromHelp(tiercel)
        configs += [("tier:" + t, t) for t in tiers]
    else:
        print("run.py: %s not found (not built yet?): timing native and qemu only" % tiercel,
              file=sys.stderr)
        tiers = []
    qemu = None if opts.no_qemu else opts.qemu
    if qemu:
        configs.append(("qemu", None))

    def command(config, name, args):
        kind, tier = config
        if kind == "native":
            return [os.path.join(build, "bench", "native", name)] + args
        guest = os.path.join(build, "bench", "riscv64", name)
        if kind == "qemu":
            return [qemu, guest] + args
        tierName, _, variant = tier.partition("+")
        extra = ["--no-counters"] if variant == "nocounters" else []
        if variant == "profile":
            extra = ["-profile", os.path.join(workdir, name + ".prof"), "-profile-interval", "1"]
        if tierName == "baseline" and not variant:
            extra.append("-summary")  # its translation statistics, on stderr
        return [tiercel, "--tier=" + tierName] + extra + [guest] + args

    for name, _ in programs:
        for sub in ("native", "riscv64"):
            path = os.path.join(build, "bench", sub, name)
            if not os.path.exists(path):
                print("run.py: %s missing: build first (make build, or ninja -C %s bench_programs)"
                      % (path, opts.build), file=sys.stderr)
                return 2

    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "host": platform.node(), "machine": platform.machine(),
               "quick": opts.quick, "runs": runs,
               "configs": [c[0] for c in configs], "programs": {}}
    failures = []
    workdir = tempfile.mkdtemp(prefix="tiercel-bench-")
    print("benchmarks: %s; configurations: %s; %d run(s) each%s" %
          (", ".join(p for p, _ in programs), ", ".join(c[0] for c in configs), runs,
           " (quick sizes)" if opts.quick else ""))
    for name, quick in programs:
        args = [quick] if opts.quick else []
        times = {c[0]: [] for c in configs}
        expected = None
        entry = {"args": args, "times": times, "errors": {}}
        for run in range(runs):
            for config in configs:
                label = config[0]
                if label in entry["errors"]:
                    continue
                elapsed, out, rc, err = runOnce(command(config, name, args), opts.timeout, workdir)
                if elapsed is None or rc != 0:
                    entry["errors"][label] = "exit %s: %s" % (rc, err.strip())
                    failures.append("%s under %s: %s" % (name, label, entry["errors"][label]))
                    continue
                if label == "native" and expected is None:
                    expected = out
                    entry["checksum"] = out.decode("utf-8", "replace").strip().splitlines()[-1:]
                elif out != expected:
                    entry["errors"][label] = "output differs from native"
                    failures.append("%s under %s: output differs from native:\n  native: %r\n"
                                    "  %s: %r" % (name, label, expected[-200:], label, out[-200:]))
                    continue
                times[label].append(elapsed)
                m = re.search(r"median ([0-9.]+) ns per instruction", err)
                if m:
                    entry.setdefault("translation_ns_per_insn", []).append(float(m.group(1)))
                sys.stderr.write("  %-14s %-12s run %d: %.3fs\n" % (name, label, run + 1, elapsed))
        entry["median"] = {label: (statistics.median(t) if t and label not in entry["errors"]
                                   else None) for label, t in times.items()}
        results["programs"][name] = entry
    shutil.rmtree(workdir, ignore_errors=True)

    # Table.
    tierLabels = ["tier:" + t for t in tiers]
    header = ["program", "native s"]
    for t in tiers:
        header += [t + " s", t + "/native"]
    if qemu:
        header += ["qemu s", "qemu/native"]
        header += [t + "/qemu" for t in tiers]
    rows = []
    ratioColumns = {}

    def addRatio(key, value):
        ratioColumns.setdefault(key, []).append(value)
        return value

    for name, _ in programs:
        med = results["programs"][name]["median"]
        native = med["native"]
        row = [name, fmtTime(native)]
        for label in tierLabels:
            t = med.get(label)
            row += [fmtTime(t), fmtRatio(addRatio(label + "/native",
                                                  t / native if t and native else None))]
        if qemu:
            q = med.get("qemu")
            row += [fmtTime(q), fmtRatio(addRatio("qemu/native", q / native if q and native else None))]
            for label in tierLabels:
                t = med.get(label)
                row.append(fmtRatio(addRatio(label + "/qemu", t / q if t and q else None)))
        rows.append(row)
    geo = ["geomean", fmtTime(geomean([results["programs"][n]["median"]["native"]
                                        for n, _ in programs]))]
    summary = {}
    for label in tierLabels:
        g = geomean(ratioColumns.get(label + "/native", []))
        summary[label + "/native"] = g
        geo += [fmtTime(geomean([results["programs"][n]["median"].get(label) for n, _ in programs])),
                fmtRatio(g)]
    if qemu:
        g = geomean(ratioColumns.get("qemu/native", []))
        summary["qemu/native"] = g
        geo += [fmtTime(geomean([results["programs"][n]["median"].get("qemu") for n, _ in programs])),
                fmtRatio(g)]
        for label in tierLabels:
            g = geomean(ratioColumns.get(label + "/qemu", []))
            summary[label + "/qemu"] = g
            geo.append(fmtRatio(g))
    rows.append(geo)
    results["geomean_ratios"] = summary

    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                     for i, h in enumerate(header))
    print(line)
    print("-" * len(line))
    for r in rows:
        if r[0] == "geomean":
            print("-" * len(line))
        print("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                        for i, c in enumerate(r)))
    print("(median of %d run(s); ratios are emulated time / native time, and tier time / qemu "
          "time, from this invocation)" % runs)
    perProgram = [statistics.median(results["programs"][n]["translation_ns_per_insn"])
                  for n, _ in programs if results["programs"][n].get("translation_ns_per_insn")]
    if perProgram:
        results["translation_ns_per_insn"] = statistics.median(perProgram)
        print("tier-1 translation: %.1f ns per guest instruction (median over programs of the "
              "median over each program's blocks)" % results["translation_ns_per_insn"])

    # Profiling cost, same run: counters alone, and counters + -profile dumps.
    def pairRatio(numerator, denominator):
        values = []
        for n, _ in programs:
            med = results["programs"][n]["median"]
            a, b = med.get("tier:" + numerator), med.get("tier:" + denominator)
            if a and b:
                values.append(a / b)
        return geomean(values) if values else None
    for numerator, what in (("baseline", "counters"),
                            ("baseline+profile", "counters + -profile with 1 s snapshots")):
        r = pairRatio(numerator, "baseline+nocounters")
        if r:
            results.setdefault("profiling_cost", {})[numerator] = r
            print("profiling cost, %s: %+.1f%% (geomean of %s / baseline+nocounters)"
                  % (what, (r - 1) * 100, numerator))

    return writeResults(results, opts.json or os.path.join(build, "bench", "results.json"),
                        failures)


if __name__ == "__main__":
    sys.exit(main())
