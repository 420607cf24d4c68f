#!/usr/bin/env python3
"""Linux on the virt board with two harts (-smp 2), in one boot.

Boots the guest images of tools/guest/build-images.sh (exit 77, skipped,
when they are not built; the kernel has CONFIG_SMP=y) with

  -smp 2 -accel tcg,thread=multi

and checks that OpenSBI saw both harts and that Linux started the second
through SBI HSM ("smp: Brought up 1 node, 2 CPUs"); then types a script into
the busybox shell that
  - reads nproc, the harts /proc/cpuinfo lists and /sys/.../cpu/online,
  - samples /proc/stat's cpu0 and cpu1 lines, runs two busybox shell loops
    in the background (real work: arithmetic and a string built up),
    waits for both, and samples /proc/stat again,
then powers off. The host checks the exit status (0), every answer, and
that both cpu0 and cpu1 gained user time while the loops ran: the two
shells ran on both harts, each on its own host thread.

  linux_smp.py --source-dir SRC --tool tiercel-system-riscv64 --workdir DIR [--harts 2]
"""
import functools
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_support import (expect_answer, images_or_skip, parse_answers,  # noqa: E402
                           parse_test_args, report, run_guest)  # (same directory)

# Iterations of each background loop: enough for many scheduler ticks at
# the interpreter's speed, few enough to keep the test under a minute.
LOOP_ITERATIONS = 4000


def stat_user(line):
    """The user time (ticks) of a /proc/stat "cpuN user nice system ..." line."""
    fields = line.split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None


def main():
    args = parse_test_args(__doc__, 120,
                           lambda p: p.add_argument("--harts", type=int, default=2))
    images = images_or_skip("linux_smp", args.source_dir)
    if images is None:
        return 77
    kernel, initrd = images
    harts = args.harts
    os.makedirs(args.workdir, exist_ok=True)

    loop = ("i=0; s=; while [ $i -lt %d ]; do i=$((i+1)); s=${s}x; "
            "[ ${#s} -gt 64 ] && s=; done" % LOOP_ITERATIONS)
    # One answer per line, starting with "R:" so the typed command's echo
    # never matches.
    script = "\n".join([
        "echo R:nproc $(nproc)",
        "echo R:cpuinfo $(grep -c '^processor' /proc/cpuinfo)",
        # Sorted: OpenSBI 1.1 cold-boots on any hart (a lottery), and that
        # hart is Linux's CPU 0.
        "echo R:harts $(grep '^hart' /proc/cpuinfo | tr -d ' \\t' | sort | tr '\\n' ' ')",
        "echo R:online $(cat /sys/devices/system/cpu/online)",
        "echo R:before $(grep '^cpu[0-9]' /proc/stat | cut -d' ' -f1-2 | tr '\\n' ' ')",
        "t0=$(cut -d' ' -f1 /proc/uptime)",
        " ".join("(%s) &" % loop for _ in range(harts)) + " wait",
        "t1=$(cut -d' ' -f1 /proc/uptime)",
        "echo R:after $(grep '^cpu[0-9]' /proc/stat | cut -d' ' -f1-2 | tr '\\n' ' ')",
        "echo R:uptime $t0 $t1",
        "poweroff -f",
        "",
    ])
    command = [args.tool, "-machine", "virt", "-nographic", "-m", "256M", "-bios", "default",
               "-smp", str(harts), "-accel", "tcg,thread=multi", "-d", "stats",
               "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0"]
    print("command:", " ".join(command))
    started = time.monotonic()
    status, output = run_guest(command, script, args.timeout)
    print("guest ran %.2f s, status %s" % (time.monotonic() - started, status))

    answers = parse_answers(output)
    failures = []
    expect = functools.partial(expect_answer, answers, failures)

    if status != 0:
        failures.append("exit status %s, expected 0 (poweroff)" % status)
    if "Platform HART Count       : %d" % harts not in output:
        failures.append("OpenSBI did not report %d harts" % harts)
    brought_up = "smp: Brought up 1 node, %d CPUs" % harts
    if brought_up not in output:
        failures.append("the kernel did not say %r" % brought_up)
    expect("nproc", str(harts))
    expect("cpuinfo", str(harts))
    expect("harts", " ".join("hart:%d" % h for h in range(harts)))
    expect("online", "0-%d" % (harts - 1))

    def per_cpu(key):
        words = answers.get(key, "").split()
        return {words[i]: stat_user(words[i] + " " + words[i + 1])
                for i in range(0, len(words) - 1, 2)}

    before, after = per_cpu("before"), per_cpu("after")
    gained = {}
    for hart in range(harts):
        cpu = "cpu%d" % hart
        if before.get(cpu) is None or after.get(cpu) is None:
            failures.append("/proc/stat has no %s line: before %r, after %r"
                            % (cpu, answers.get("before"), answers.get("after")))
            continue
        gained[cpu] = after[cpu] - before[cpu]
        if gained[cpu] <= 0:
            failures.append("%s gained no user time while %d loops ran (%d -> %d)"
                            % (cpu, harts, before[cpu], after[cpu]))
    uptime = answers.get("uptime", "").split()
    if len(uptime) == 2:
        print("workload: %.2f s of guest time, user ticks gained %s"
              % (float(uptime[1]) - float(uptime[0]), gained))
    for line in output.splitlines():
        if line.startswith("stats:"):
            print(line)
    return report(failures, output, answers)


if __name__ == "__main__":
    sys.exit(main())
