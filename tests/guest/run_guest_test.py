#!/usr/bin/env python3
"""Runs one riscv64 guest program under an emulator and checks the result.

Used by ctest for every guest test (tests/guest/CMakeLists.txt) and every
benchmark correctness test (bench/CMakeLists.txt). Standard library only.

    run_guest_test.py --emulator tiercel-riscv64 [--emulator-arg X ...]
                      [--tier interp] [--data PREFIX] [--reference NATIVE]
                      [--timeout S] [--workdir DIR] PROGRAM [ARGS...]

Expectations come from files next to the source, found through --data PREFIX
(e.g. tests/guest/c/qsort for qsort.c):
  PREFIX.stdin   fed to the guest's standard input (default: empty input)
  PREFIX.args    extra guest arguments, split like a shell command line
  PREFIX.env     VAR=VALUE lines added to the guest's environment
  PREFIX.stdout  the exact expected standard output
  PREFIX.status  the expected exit status as a shell reports it (default 0;
                 a death by signal N is 128+N)
--reference NATIVE runs a host-native build of the same program with the same
arguments and input, and expects the guest's stdout and status to equal it.
"""

import argparse
import difflib
import os
import shlex
import signal
import subprocess
import sys
import tempfile


def shellStatus(returncode):
    """Exit status as a POSIX shell reports it: 128+N for a death by signal N."""
    if returncode < 0:
        return 128 - returncode
    return returncode


def describeStatus(status):
    if status > 128:
        try:
            return "%d (signal %s)" % (status, signal.Signals(status - 128).name)
        except ValueError:
            return "%d" % status
    return "%d" % status


def readOptional(path, binary=False):
    if not os.path.exists(path):
        return None
    with open(path, "rb" if binary else "r") as f:
        return f.read()


def runProcess(command, stdinData, env, cwd, timeout):
    """Runs COMMAND; returns (stdout bytes, stderr bytes, shell status) or None on timeout."""
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=cwd,
                                start_new_session=True)
    except OSError as e:
        print("run_guest_test: cannot start %s: %s" % (command[0], e), file=sys.stderr)
        sys.exit(2)
    try:
        out, err = proc.communicate(stdinData, timeout=timeout)
    except subprocess.TimeoutExpired:
        # Kill the whole process group: the emulator and anything it spawned.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return out, err, None
    return out, err, shellStatus(proc.returncode)


def printDiff(expected, actual, label):
    expLines = expected.decode("utf-8", "replace").splitlines(keepends=True)
    actLines = actual.decode("utf-8", "replace").splitlines(keepends=True)
    diff = list(difflib.unified_diff(expLines, actLines, "expected " + label,
                                     "actual " + label))
    shown = diff[:200]
    sys.stdout.write("".join(line if line.endswith("\n") else line + "\n\\ no newline\n"
                             for line in shown))
    if len(diff) > len(shown):
        print("... (%d more diff lines)" % (len(diff) - len(shown)))


def showTail(name, data, limit=4000):
    if not data:
        return
    text = data.decode("utf-8", "replace")
    if len(text) > limit:
        text = "...\n" + text[-limit:]
    print("---- %s ----" % name)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emulator", required=True, help="emulator binary")
    parser.add_argument("--emulator-arg", action="append", default=[],
                        help="extra emulator argument placed before the program (repeatable)")
    parser.add_argument("--tier", help="pass --tier=TIER to the emulator")
    parser.add_argument("--data", help="path prefix of the .stdin/.args/.env/.stdout/.status files")
    parser.add_argument("--reference", help="native build of the program whose output is expected")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--workdir", help="working directory for the guest (created; default: a temp dir)")
    parser.add_argument("program")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()

    if not os.path.exists(opts.program):
        print("run_guest_test: guest program %s does not exist (not built?)" % opts.program)
        return 2
    if not (os.path.exists(opts.emulator) or "/" not in opts.emulator):
        print("run_guest_test: emulator %s does not exist" % opts.emulator)
        return 2

    stdinData = b""
    expectedStdout = None
    expectedStatus = 0
    guestArgs = list(opts.args)
    env = dict(os.environ)
    if opts.data:
        stdinFile = readOptional(opts.data + ".stdin", binary=True)
        if stdinFile is not None:
            stdinData = stdinFile
        argsFile = readOptional(opts.data + ".args")
        if argsFile is not None:
            guestArgs += shlex.split(argsFile, comments=True)
        envFile = readOptional(opts.data + ".env")
        if envFile is not None:
            for line in envFile.splitlines():
                # Values are taken verbatim (leading spaces included).
                if not line.strip() or line.startswith("#"):
                    continue
                key, sep, value = line.partition("=")
                if not sep:
                    print("run_guest_test: bad line in %s.env: %r" % (opts.data, line))
                    return 2
                env[key] = value
        expectedStdout = readOptional(opts.data + ".stdout", binary=True)
        statusFile = readOptional(opts.data + ".status")
        if statusFile is not None:
            expectedStatus = int(statusFile.strip())

    ownTemp = None
    workdir = opts.workdir
    if workdir:
        os.makedirs(workdir, exist_ok=True)
    else:
        ownTemp = tempfile.TemporaryDirectory(prefix="tiercel-guest-")
        workdir = ownTemp.name
    env["TMPDIR"] = workdir
    program = os.path.abspath(opts.program)

    if opts.reference:
        refOut, _, refStatus = runProcess([os.path.abspath(opts.reference)] + guestArgs,
                                               stdinData, env, workdir, opts.timeout)
        if refStatus is None:
            print("run_guest_test: native reference timed out after %gs" % opts.timeout)
            return 1
        expectedStdout = refOut
        expectedStatus = refStatus

    emulator = os.path.abspath(opts.emulator) if "/" in opts.emulator else opts.emulator
    command = [emulator] + opts.emulator_arg
    if opts.tier:
        command.append("--tier=" + opts.tier)
    command += [program] + guestArgs
    print("run: " + " ".join(shlex.quote(c) for c in command))
    out, err, status = runProcess(command, stdinData, env, workdir, opts.timeout)
    if ownTemp:
        ownTemp.cleanup()

    failed = False
    if status is None:
        print("FAIL: timed out after %gs" % opts.timeout)
        showTail("stdout (partial)", out)
        showTail("stderr (partial)", err)
        return 1
    if expectedStdout is not None and out != expectedStdout:
        print("FAIL: stdout differs from %s" % ("the native reference" if opts.reference
                                                 else opts.data + ".stdout"))
        printDiff(expectedStdout, out, "stdout")
        failed = True
    if status != expectedStatus:
        print("FAIL: exit status %s, expected %s" % (describeStatus(status),
                                                     describeStatus(expectedStatus)))
        failed = True
    if failed:
        showTail("stderr", err)
        return 1
    print("PASS (status %s, %d bytes of stdout)" % (describeStatus(status), len(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
