#!/usr/bin/env python3
"""Boot-to-marker time of a system emulator on the guest images.

Runs an emulator command line (qemu-system-riscv64 or tiercel-system-riscv64)
with the console on stdin/stdout, measures the wall time from start until the
guest's /init prints its marker line ("tiercel-guest: init ready",
tools/guest/init), then types commands into the shell, ends with
`poweroff -f` and checks that the emulator exits by itself. Repeats the boot
and prints each run and the median (machines here are noisy: quote medians).

  tools/guest/boot-time.py --runs 5 -- qemu-system-riscv64 -machine virt \\
      -nographic -bios default -kernel Image -initrd initramfs.cpio.gz \\
      -append console=ttyS0

Exit status 0 if every run reached the marker and powered off, 1 otherwise.
The full console output of a failed run is printed.
"""
import argparse
import os
import selectors
import statistics
import subprocess
import sys
import time

MARKER = "tiercel-guest: init ready"


def one_run(command, marker, commands, timeout):
    start = time.monotonic()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, bufsize=0)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    output = bytearray()
    boot_seconds = None
    exit_seconds = None
    deadline = start + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, None, output, "timed out"
            if not selector.select(timeout=min(left, 0.5)):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
            if boot_seconds is None and marker.encode() in output:
                boot_seconds = time.monotonic() - start
                script = "".join(c + "\n" for c in commands) + "poweroff -f\n"
                process.stdin.write(script.encode())
                process.stdin.flush()
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        exit_seconds = time.monotonic() - start
        if boot_seconds is None:
            return None, None, output, f"exited with status {status} before the marker"
        if status != 0:
            return boot_seconds, exit_seconds, output, f"exited with status {status}"
        return boot_seconds, exit_seconds, output, None
    except subprocess.TimeoutExpired:
        return boot_seconds, None, output, "did not exit after poweroff"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--marker", default=MARKER)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--command", action="append", default=[],
                        help="a shell command to type after the marker (repeatable)")
    parser.add_argument("--show-output", action="store_true", help="print the console of the last run")
    parser.add_argument("emulator", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.emulator[1:] if args.emulator[:1] == ["--"] else args.emulator
    if not command:
        parser.error("give the emulator command line after --")

    boots, exits = [], []
    for run in range(args.runs):
        boot, total, output, error = one_run(command, args.marker, args.command, args.timeout)
        if error:
            sys.stdout.write(output.decode(errors="replace"))
            print(f"\nboot-time: run {run + 1}: {error}", file=sys.stderr)
            return 1
        boots.append(boot)
        exits.append(total)
        print(f"run {run + 1}: marker after {boot:.3f} s, exited after {total:.3f} s")
        if args.show_output and run == args.runs - 1:
            sys.stdout.write(output.decode(errors="replace"))
    print(f"median: marker after {statistics.median(boots):.3f} s, "
          f"exited after {statistics.median(exits):.3f} s ({args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
