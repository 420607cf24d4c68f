#!/usr/bin/env python3
"""System mode: boot time and a guest workload, Tiercel against qemu-system-riscv64.

    python3 bench/system_boot.py --build build [--runs 5] [--quick] [--no-qemu]
                                 [--no-workload] [--programs a,b] [--size quick|full]
                                 [--smp N] [--user-tiercel PATH] [--json PATH]

Boot table. Boots the guest images of tools/guest/build-images.sh (Linux 6.1
and a busybox initramfs; `make guest-images`) under `tiercel-system-riscv64
--tier=interp` and under qemu-system-riscv64 when installed, with the same
firmware (Debian's OpenSBI fw_dynamic), kernel, initramfs, -m, -smp (--smp,
default 1) and -append, RUNS times each, interleaved. For each boot it measures the wall time until
/init prints its marker ("tiercel-guest: init ready") and until the emulator
has exited after `poweroff -f` typed at the marker (tools/guest/boot-time.py
does the timing). It prints medians and the ratio Tiercel / QEMU.

Workload. The riscv64 builds of the bench/ programs (BUILD/bench/riscv64/)
go into an initramfs variant (build-images.sh --extra; cached like the
plain one) with a small runner, /bench/run.sh. One boot per emulator and
run types `sh /bench/run.sh NAME:ARG ...`; the runner prints a line before
and after each program, and the host times each program from those lines
(the guest's clock is the host's, so nothing is lost in translation). The
same binaries run in user mode (tiercel-riscv64 --tier=interp, the tier
system mode has, and qemu-riscv64) and natively, interleaved with the boots.
Every program's output in every configuration must equal the native run's.
It prints per-program medians and the ratios system / user mode for each
emulator, and Tiercel system / QEMU system.

Everything lands in BUILD/bench/system-results.json. Exit status 0 when
every boot and every program ran and matched, 1 otherwise (ratios are
reported, never judged: machines here are noisy); 77 (skipped) when the
guest images are not built; 2 for a usage error or a missing build.
"""

import argparse
import datetime
import importlib.util
import os
import platform
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
import run as bench_run  # noqa: E402  (bench/run.py: programs.txt, the results file)
SOURCE_DIR = os.path.dirname(BENCH_DIR)
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
MARKER = "tiercel-guest: init ready"
RUNNER = """#!/bin/sh
# bench/system_boot.py's guest runner: sh /bench/run.sh NAME:ARG ...
# Runs each /bench/NAME ARG (ARG may be empty) between marker lines the host
# times, then prints every program's output.
for spec in "$@"; do
  name=${spec%%:*}
  arg=${spec#*:}
  echo "tiercel-bench: begin $name"
  /bench/$name $arg >/tmp/$name.out 2>&1
  echo "tiercel-bench: end $name $?"
done
for spec in "$@"; do
  name=${spec%%:*}
  echo "tiercel-bench: output $name"
  cat /tmp/$name.out
done
echo "tiercel-bench: done"
"""


def load_boot_time():
    path = os.path.join(SOURCE_DIR, "tools", "guest", "boot-time.py")
    spec = importlib.util.spec_from_file_location("boot_time", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def guest_images(extra=None):
    """KERNEL, INITRD of build-images.sh, building the --extra variant if asked."""
    command = ["bash", os.path.join(SOURCE_DIR, "tools", "guest", "build-images.sh")]
    command += ["--extra", extra] if extra else ["--print-paths"]
    result = subprocess.run(command, capture_output=True, text=True)
    lines = [l for l in result.stdout.splitlines() if l.startswith("KERNEL=")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stderr[-3000:])
        return None
    fields = dict(field.split("=", 1) for field in lines[-1].split())
    return fields["KERNEL"], fields["INITRD"]


def system_command(kind, binary, kernel, initrd, memory, smp=1):
    common = ["-machine", "virt", "-nographic", "-m", memory, "-bios", OPENSBI,
              "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0",
              "-smp", str(smp)]
    if kind == "tiercel":
        return [binary, "--tier=interp"] + common
    return [binary] + common


def run_workload_boot(command, specs, timeout):
    """One boot that runs the programs; returns ({name: seconds}, {name: output}, error)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, bufsize=0)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    pending = b""
    lines = []  # (arrival time, text)
    deadline = time.monotonic() + timeout
    sent = False
    error = None
    try:
        while True:
            if time.monotonic() > deadline:
                error = "timed out"
                break
            if not selector.select(timeout=0.5):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            now = time.monotonic()
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                text = line.decode(errors="replace").rstrip("\r")
                lines.append((now, text))
                if not sent and MARKER in text:
                    script = "sh /bench/run.sh %s; poweroff -f\n" % " ".join(specs)
                    process.stdin.write(script.encode())
                    process.stdin.flush()
                    sent = True
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        if error is None and status != 0:
            error = "exited with status %d" % status
    except subprocess.TimeoutExpired:
        error = "did not exit after poweroff"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    begins, times, outputs = {}, {}, {}
    current = None
    for when, text in lines:
        m = re.match(r"tiercel-bench: (begin|end|output) (\w+)( (\d+))?$", text)
        if m and m.group(1) == "begin":
            begins[m.group(2)] = when
        elif m and m.group(1) == "end":
            name = m.group(2)
            if m.group(4) != "0":
                error = error or "%s exited with status %s in the guest" % (name, m.group(4))
            elif name in begins:
                times[name] = when - begins[name]
        elif m and m.group(1) == "output":
            current = m.group(2)
            outputs[current] = []
        elif text == "tiercel-bench: done":
            current = None
        elif current is not None:
            outputs[current].append(text)
    if error is None and "tiercel-bench: done" not in [t for _, t in lines]:
        error = "the runner did not finish"
    if error:
        tail = "\n".join(t for _, t in lines[-40:])
        error += "\n--- console (tail) ---\n" + tail
    return times, {n: "\n".join(o) for n, o in outputs.items()}, error


def run_user(command, timeout):
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, cwd="/tmp")
    except subprocess.TimeoutExpired:
        return None, "", "timed out"
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        return None, "", "exit %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")[-300:])
    return elapsed, proc.stdout.decode(errors="replace").strip(), None


def median(values):
    return statistics.median(values) if values else None


def fmt_time(t):
    return "-" if t is None else "%.3f" % t


def fmt_ratio(a, b):
    return "-" if not a or not b else "%.2fx" % (a / b)


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                     for i, h in enumerate(header))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                        for i, c in enumerate(r)))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="build directory (default: build)")
    parser.add_argument("--runs", type=int, default=5, help="runs per configuration (median)")
    parser.add_argument("--quick", action="store_true",
                        help="one run, one program at its reduced size (for CI)")
    parser.add_argument("--programs", help="comma-separated bench programs for the workload "
                        "(default: all; --quick: sieve)")
    parser.add_argument("--size", choices=["quick", "full"], default="quick",
                        help="program sizes: programs.txt's reduced ones (default) or the "
                        "programs' own (1-3 s natively; minutes under the interpreter)")
    parser.add_argument("--no-workload", action="store_true", help="the boot table only")
    parser.add_argument("--qemu-system", default=shutil.which("qemu-system-riscv64"))
    parser.add_argument("--qemu-user", default=shutil.which("qemu-riscv64"))
    parser.add_argument("--no-qemu", action="store_true", help="skip both QEMUs")
    parser.add_argument("--user-tiercel", help="tiercel-riscv64 for the user-mode column "
                        "(default: BUILD/bin/tiercel-riscv64)")
    parser.add_argument("--memory", default="256M", help="guest RAM (-m) for every boot")
    parser.add_argument("--smp", type=int, default=1, help="harts (-smp) for every boot")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per boot or run")
    parser.add_argument("--json", help="output (default BUILD/bench/system-results.json)")
    opts = parser.parse_args()

    build = os.path.abspath(opts.build)
    runs = 1 if opts.quick else opts.runs
    tiercel = os.path.join(build, "bin", "tiercel-system-riscv64")
    user_tiercel = opts.user_tiercel or os.path.join(build, "bin", "tiercel-riscv64")
    qemu_system = None if opts.no_qemu else opts.qemu_system
    qemu_user = None if opts.no_qemu else opts.qemu_user
    if not os.path.exists(tiercel):
        print("system_boot: %s not built" % tiercel, file=sys.stderr)
        return 2
    if not os.path.exists(OPENSBI):
        print("system_boot: %s missing (package opensbi)" % OPENSBI, file=sys.stderr)
        return 2
    images = guest_images()
    if images is None:
        print("system_boot: guest images not built: make guest-images (skipped)",
              file=sys.stderr)
        return 77
    kernel, initrd = images
    boot_time = load_boot_time()

    systems = [("tiercel", tiercel)] + ([("qemu", qemu_system)] if qemu_system else [])
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "host": platform.node(), "runs": runs, "kernel": kernel, "initrd": initrd,
               "memory": opts.memory, "smp": opts.smp, "boot": {}, "workload": {}}
    failures = []

    # ---- Boot table ----
    boots = {kind: {"marker": [], "exit": []} for kind, _ in systems}
    print("boot: %s + %s, OpenSBI %s, -m %s, -smp %d; %d run(s) each" %
          (kernel, os.path.basename(initrd), OPENSBI, opts.memory, opts.smp, runs))
    for run in range(runs):
        for kind, binary in systems:
            command = system_command(kind, binary, kernel, initrd, opts.memory, opts.smp)
            marker, total, output, error = boot_time.one_run(command, MARKER, [], opts.timeout)
            if error:
                failures.append("boot under %s: %s\n%s" % (kind, error,
                                                          output.decode(errors="replace")[-2000:]))
                continue
            boots[kind]["marker"].append(marker)
            boots[kind]["exit"].append(total)
            sys.stderr.write("  boot %-8s run %d: marker %.3f s, exit %.3f s\n"
                             % (kind, run + 1, marker, total))
    rows = []
    for kind, _ in systems:
        label = "tiercel-system (interp)" if kind == "tiercel" else "qemu-system-riscv64"
        results["boot"][kind] = {k: {"times": v, "median": median(v)} for k, v in boots[kind].items()}
        rows.append([label, fmt_time(median(boots[kind]["marker"])),
                     fmt_time(median(boots[kind]["exit"]))])
    if qemu_system:
        ratio = {k: (median(boots["tiercel"][k]) / median(boots["qemu"][k])
                     if boots["tiercel"][k] and boots["qemu"][k] else None)
                 for k in ("marker", "exit")}
        results["boot"]["ratio_tiercel_qemu"] = ratio
        rows.append(["tiercel / qemu", fmt_ratio(median(boots["tiercel"]["marker"]),
                                                 median(boots["qemu"]["marker"])),
                     fmt_ratio(median(boots["tiercel"]["exit"]), median(boots["qemu"]["exit"]))])
    print()
    print_table(["boot to", "marker s", "poweroff s"], rows)
    print("(median of %d run(s); marker: /init's \"%s\"; poweroff: the emulator exited after "
          "`poweroff -f` typed at the marker)" % (runs, MARKER))

    # ---- Workload ----
    if not opts.no_workload:
        all_programs = bench_run.readPrograms()
        known = {name for name, _ in all_programs}
        wanted = (opts.programs.split(",") if opts.programs
                  else ["sieve"] if opts.quick else [name for name, _ in all_programs])
        unknown = [w for w in wanted if w not in known]
        if unknown:
            print("system_boot: unknown program(s): %s" % ", ".join(unknown), file=sys.stderr)
            return 2
        programs = [(n, q) for n, q in all_programs if n in wanted]
        for name, _ in all_programs:
            for sub in ("riscv64", "native"):
                if not os.path.exists(os.path.join(build, "bench", sub, name)):
                    print("system_boot: %s/bench/%s/%s missing: build bench_programs first"
                          % (build, sub, name), file=sys.stderr)
                    return 2
        # Every program goes in (a stable image, whatever --programs says).
        extra = os.path.join(build, "bench", "system", "extra")
        shutil.rmtree(extra, ignore_errors=True)
        os.makedirs(os.path.join(extra, "bench"))
        for name, _ in all_programs:
            shutil.copy2(os.path.join(build, "bench", "riscv64", name),
                         os.path.join(extra, "bench", name))
        with open(os.path.join(extra, "bench", "run.sh"), "w") as f:
            f.write(RUNNER)
        os.chmod(os.path.join(extra, "bench", "run.sh"), 0o755)
        sys.stderr.write("  building the initramfs with the bench programs (cached)...\n")
        bench_images = guest_images(extra)
        if bench_images is None:
            print("system_boot: build-images.sh --extra failed", file=sys.stderr)
            return 1
        bench_kernel, bench_initrd = bench_images
        args = {name: ([quick] if opts.size == "quick" else []) for name, quick in programs}
        specs = ["%s:%s" % (name, " ".join(args[name])) for name, _ in programs]

        configs = ["native"]
        if os.path.exists(user_tiercel):
            configs.append("tiercel-user")
        else:
            print("system_boot: %s not built: no user-mode column" % user_tiercel,
                  file=sys.stderr)
        configs.append("tiercel-system")
        if qemu_user:
            configs.append("qemu-user")
        if qemu_system:
            configs.append("qemu-system")
        times = {c: {name: [] for name, _ in programs} for c in configs}
        expected = {}
        for run in range(runs):
            for name, _ in programs:
                for config in ("native", "tiercel-user", "qemu-user"):
                    if config not in configs:
                        continue
                    binary = os.path.join(build, "bench", "native" if config == "native"
                                          else "riscv64", name)
                    prefix = {"native": [], "tiercel-user": [user_tiercel, "--tier=interp"],
                              "qemu-user": [qemu_user]}[config]
                    elapsed, out, error = run_user(prefix + [binary] + args[name], opts.timeout)
                    if error:
                        failures.append("%s under %s: %s" % (name, config, error))
                        continue
                    if config == "native" and name not in expected:
                        expected[name] = out
                    elif out != expected.get(name):
                        failures.append("%s under %s: output differs from native" % (name, config))
                        continue
                    times[config][name].append(elapsed)
            for kind, binary in systems:
                config = kind + "-system"
                command = system_command(kind, binary, bench_kernel, bench_initrd, opts.memory,
                                         opts.smp)
                measured, outputs, error = run_workload_boot(command, specs, opts.timeout)
                if error:
                    failures.append("workload under %s: %s" % (config, error))
                    continue
                for name, _ in programs:
                    if outputs.get(name, "").strip() != expected.get(name):
                        failures.append("%s under %s: output differs from native:\n  native: %r\n"
                                        "  guest: %r" % (name, config, expected.get(name),
                                                         outputs.get(name)))
                        continue
                    times[config][name].append(measured[name])
                sys.stderr.write("  workload %-14s run %d: %s\n" % (
                    config, run + 1, ", ".join("%s %.3f s" % (n, measured.get(n, 0))
                                               for n, _ in programs)))
        header = ["program", "arg"] + ["%s s" % c for c in configs]
        if "tiercel-user" in configs:
            header.append("tiercel sys/user")
        if "qemu-user" in configs and "qemu-system" in configs:
            header.append("qemu sys/user")
        if "qemu-system" in configs:
            header.append("tiercel/qemu sys")
        rows = []
        for name, _ in programs:
            med = {c: median(times[c][name]) for c in configs}
            results["workload"][name] = {"args": args[name],
                                         "times": {c: times[c][name] for c in configs},
                                         "median": med}
            row = [name, " ".join(args[name]) or "(default)"] + [fmt_time(med[c]) for c in configs]
            if "tiercel-user" in configs:
                row.append(fmt_ratio(med["tiercel-system"], med["tiercel-user"]))
            if "qemu-user" in configs and "qemu-system" in configs:
                row.append(fmt_ratio(med["qemu-system"], med["qemu-user"]))
            if "qemu-system" in configs:
                row.append(fmt_ratio(med["tiercel-system"], med["qemu-system"]))
            rows.append(row)
        print()
        print_table(header, rows)
        print("(median of %d run(s); -system: the program inside Linux on the emulator, timed "
              "from the console lines around it; -user: the same binary in user mode, "
              "tiercel-riscv64 --tier=interp; every output checked against native)" % runs)

    return bench_run.writeResults(
        results, opts.json or os.path.join(build, "bench", "system-results.json"), failures)


if __name__ == "__main__":
    sys.exit(main())
