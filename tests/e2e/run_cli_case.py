#!/usr/bin/env python3
"""One end-to-end case of tiercel-riscv64's command line and error handling.

Runs COMMAND (after optional preparation of input files) and checks its exit
status, that it was not killed by a signal unless that was expected, and
that stderr (or stdout) matches a regular expression.

  run_cli_case.py --status 1 --stderr 'not an ELF' --text-file F -- tiercel-riscv64 F
"""
import argparse
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=int, required=True,
                        help="expected exit status; 128+N for a death by signal N")
    parser.add_argument("--stderr", help="regex that stderr must match")
    parser.add_argument("--stdout", help="regex that stdout must match")
    parser.add_argument("--stderr-absent", help="regex that stderr must not match")
    parser.add_argument("--text-file", help="create this file with plain text first")
    parser.add_argument("--truncate", nargs=3, metavar=("SRC", "BYTES", "DEST"),
                        help="copy the first BYTES bytes of SRC to DEST first")
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set this variable for the command")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command

    if opts.text_file:
        with open(opts.text_file, "w") as f:
            f.write("#!/bin/sh\necho this is a shell script, not an ELF program\n")
    if opts.truncate:
        src, size, dest = opts.truncate
        with open(src, "rb") as f:
            data = f.read(int(size))
        with open(dest, "wb") as f:
            f.write(data)

    try:
        env = dict(os.environ)
        for assignment in opts.env:
            name, _, value = assignment.partition("=")
            env[name] = value
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=opts.timeout, env=env)
    except subprocess.TimeoutExpired:
        print("FAIL: timed out (a hang)")
        return 1
    status = 128 - proc.returncode if proc.returncode < 0 else proc.returncode
    out = proc.stdout.decode(errors="replace")
    err = proc.stderr.decode(errors="replace")
    print("command:", " ".join(command))
    print("status:", status)
    print("stderr:", err.strip())
    ok = True
    if status != opts.status:
        print("FAIL: status %d, expected %d" % (status, opts.status))
        ok = False
    if proc.returncode < 0 and opts.status < 128:
        print("FAIL: killed by signal %d (a crash)" % -proc.returncode)
        ok = False
    if opts.stderr and not re.search(opts.stderr, err, re.S):
        print("FAIL: stderr does not match /%s/" % opts.stderr)
        ok = False
    if opts.stderr_absent and re.search(opts.stderr_absent, err, re.S):
        print("FAIL: stderr matches /%s/, which it must not" % opts.stderr_absent)
        ok = False
    if opts.stdout and not re.search(opts.stdout, out, re.S):
        print("FAIL: stdout does not match /%s/" % opts.stdout)
        ok = False
    if "internal error" in err or "Assertion" in err or "Stack dump" in err:
        print("FAIL: internal error reported")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
