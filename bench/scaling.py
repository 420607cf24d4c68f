#!/usr/bin/env python3
"""Threads: how bench/parallel scales from 1 to 2 guest threads.

    python3 bench/scaling.py --build build [--runs 3] [--quick] [--tiers baseline,tiered]
                             [--threads 1,2] [--no-qemu] [--json PATH]

Runs BUILD/bench/native/parallel and, under tiercel-riscv64 (each tier)
and qemu-riscv64 when installed, BUILD/bench/riscv64/parallel with 1 and
2 threads (`parallel THREADS ROUNDS`: the same work split into 64 chunks
the threads take from a shared counter), RUNS times each, interleaved, and
prints the median wall times, the speed-up from 1 to 2 threads of each
configuration (time with 1 / time with 2), and each configuration against
native. The issue's target: tier 1 and tiered scale by 1.7x or more on a
2-core machine.

Every run's output must equal the native run's (the checksum does not
depend on the thread count). Exit status 0 when every run matched, 1
otherwise; ratios are reported, never judged (machines here are noisy).
2 for a usage error or a missing build. The results also go to
BUILD/bench/scaling-results.json (or --json).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

FULL_ROUNDS = "6"
QUICK_ROUNDS = "2"


def timed(command, timeout):
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return time.monotonic() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True, help="the CMake build directory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROUNDS} rounds, not {FULL_ROUNDS}")
    parser.add_argument("--tiers", default="baseline,tiered")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--no-qemu", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    threads = [t.strip() for t in args.threads.split(",") if t.strip()]
    if not threads or not all(t.isdigit() and 1 <= int(t) <= 64 for t in threads):
        parser.error("--threads wants numbers 1..64, e.g. 1,2")

    build = os.path.abspath(args.build)
    native = os.path.join(build, "bench", "native", "parallel")
    guest = os.path.join(build, "bench", "riscv64", "parallel")
    tiercel = os.path.join(build, "bin", "tiercel-riscv64")
    for path in (native, guest, tiercel):
        if not os.access(path, os.X_OK):
            print(f"scaling: {path} is missing: build first (cmake --build {args.build})",
                  file=sys.stderr)
            return 2
    rounds = QUICK_ROUNDS if args.quick else FULL_ROUNDS

    configs = [("native", [native])]
    for tier in [t.strip() for t in args.tiers.split(",") if t.strip()]:
        configs.append((f"tier:{tier}", [tiercel, f"--tier={tier}", guest]))
    qemu = shutil.which("qemu-riscv64")
    if qemu and not args.no_qemu:
        configs.append(("qemu", [qemu, guest]))

    times = {(name, t): [] for name, _ in configs for t in threads}
    expected = None
    failures = 0
    for run in range(args.runs):
        for name, command in configs:
            for t in threads:
                try:
                    seconds, result = timed(command + [t, rounds], timeout=900)
                except subprocess.TimeoutExpired:
                    print(f"scaling: {name} with {t} threads timed out", file=sys.stderr)
                    failures += 1
                    continue
                if expected is None and name == "native":
                    expected = result.stdout
                if result.returncode != 0 or result.stdout != expected:
                    print(f"scaling: {name} with {t} threads: exit {result.returncode}, output "
                          f"{result.stdout.strip()!r} (native: {(expected or '').strip()!r})\n"
                          f"{result.stderr.strip()}", file=sys.stderr)
                    failures += 1
                    continue
                times[(name, t)].append(seconds)

    def median(name, t):
        values = times[(name, t)]
        return statistics.median(values) if values else None

    print(f"bench/parallel, {rounds} rounds, median of {args.runs} run(s), "
          f"{os.cpu_count()} host cores")
    header = f"{'config':<16}" + "".join(f"{t + ' thr (s)':>12}" for t in threads)
    header += f"{'speed-up':>10}{'vs native':>11}"
    print(header)
    results = {}
    first, last = threads[0], threads[-1]
    native_last = median("native", last)
    for name, _ in configs:
        row = f"{name:<16}"
        entry = {}
        for t in threads:
            value = median(name, t)
            entry[t] = value
            row += f"{value:12.3f}" if value is not None else f"{'-':>12}"
        a, b = entry.get(first), entry.get(last)
        speedup = a / b if a and b else None
        versus = b / native_last if b and native_last else None
        row += f"{speedup:9.2f}x" if speedup else f"{'-':>10}"
        row += f"{versus:10.2f}x" if versus else f"{'-':>11}"
        print(row)
        results[name] = {"seconds": entry, "speedup": speedup, "vs_native": versus}

    path = args.json or os.path.join(build, "bench", "scaling-results.json")
    with open(path, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "host": platform.node(),
                   "cores": os.cpu_count(), "rounds": rounds, "runs": args.runs,
                   "threads": threads, "results": results}, f, indent=2)
    print(f"results: {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
