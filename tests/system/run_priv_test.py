#!/usr/bin/env python3
"""Runs one privileged-architecture test program (tests/system) and checks it.

  run_priv_test.py --status 0 --stdout 'trap: [0-9]+ checks passed' [--timeout S] -- CMD...

Passes when CMD exits with --status, was not killed by a signal or the
timeout, and its stdout matches every --stdout regex. On failure it prints
what the program printed (its failing check, an unexpected trap's CSRs) and
what the exit status means (tests/system/priv.h).
"""
import argparse
import re
import subprocess
import sys


def describe(status):
    if status == 0:
        return "passed"
    if status == 255:
        return "unexpected M-mode trap"
    if status == 254:
        return "unexpected S-mode trap"
    if 0 < status < 254:
        return "check %d failed" % status
    return "killed by signal %d" % -status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=int, default=0)
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    try:
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=opts.timeout)
    except subprocess.TimeoutExpired as timeout:
        sys.stdout.write((timeout.stdout or b"").decode("utf-8", "replace"))
        sys.stderr.write((timeout.stderr or b"").decode("utf-8", "replace"))
        print("FAILED: no exit after %g s (a check waiting for an interrupt that never came?)"
              % opts.timeout)
        return 1
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    sys.stdout.write(out)
    sys.stderr.write(err)
    ok = True
    if proc.returncode != opts.status:
        print("FAILED: exit status %d (%s), expected %d"
              % (proc.returncode, describe(proc.returncode), opts.status))
        ok = False
    for regex in opts.stdout:
        if not re.search(regex, out, re.S):
            print("FAILED: stdout does not match %r" % regex)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
