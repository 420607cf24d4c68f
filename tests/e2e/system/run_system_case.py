#!/usr/bin/env python3
"""One end-to-end run of tiercel-system-riscv64 with a conversation on the console.

Starts COMMAND with stdin and stdout as pipes, watches stdout, and when
stdout has matched --send-after REGEX (in order) writes the TEXT that goes
with it to stdin (escapes like \\n and \\x01 are decoded). At the end it
checks the exit status, that the process did not crash, and that stdout
matches every --stdout REGEX (and stderr every --stderr REGEX).

  run_system_case.py --status 0 --stdout 'OpenSBI v' --send-after 'ready' 'ping\\n' -- CMD...
"""
import argparse
import codecs
import re
import subprocess
import sys
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("--send-after", nargs=2, action="append", default=[],
                        metavar=("REGEX", "TEXT"))
    parser.add_argument("--count", nargs=2, action="append", default=[],
                        metavar=("REGEX", "N"), help="stdout must match REGEX exactly N times")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command

    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out = bytearray()
    err = bytearray()
    changed = threading.Condition()

    def pump(stream, into):
        while True:
            chunk = stream.read1(4096)
            if not chunk:
                break
            with changed:
                into.extend(chunk)
                changed.notify_all()

    readers = [threading.Thread(target=pump, args=(proc.stdout, out), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err), daemon=True)]
    for reader in readers:
        reader.start()

    deadline = time.time() + opts.timeout
    pending = list(opts.send_after)
    timed_out = False
    searched = 0
    while pending:
        regex, text = pending[0]
        with changed:
            match = re.compile(regex.encode()).search(out, searched)
            if not match:
                if proc.poll() is not None or time.time() > deadline:
                    break
                changed.wait(0.1)
                continue
        searched = match.end()
        data = codecs.decode(text, "unicode_escape").encode("latin-1")
        # One byte at a time, as typed: the guest's UART FIFO is small.
        for byte in data:
            proc.stdin.write(bytes([byte]))
            proc.stdin.flush()
            time.sleep(0.01)
        pending.pop(0)
    try:
        proc.wait(timeout=max(1.0, deadline - time.time()))
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        proc.wait()
    for reader in readers:
        reader.join(5)
    stdout = out.decode(errors="replace")
    stderr = err.decode(errors="replace")
    status = 128 - proc.returncode if proc.returncode < 0 else proc.returncode
    print("command:", " ".join(command))
    print("status:", status)
    print("stdout (tail):", stdout[-3000:])
    print("stderr (tail):", stderr[-2000:])
    ok = True
    if timed_out:
        print("FAIL: timed out (a hang)")
        ok = False
    if pending:
        print("FAIL: never saw /%s/ to send %r" % (pending[0][0], pending[0][1]))
        ok = False
    if status != opts.status:
        print("FAIL: status %d, expected %d" % (status, opts.status))
        ok = False
    if proc.returncode < 0 and not timed_out and opts.status < 128:
        print("FAIL: killed by signal %d (a crash)" % -proc.returncode)
        ok = False
    for regex in opts.stdout:
        if not re.search(regex, stdout, re.S):
            print("FAIL: stdout does not match /%s/" % regex)
            ok = False
    for regex in opts.stderr:
        if not re.search(regex, stderr, re.S):
            print("FAIL: stderr does not match /%s/" % regex)
            ok = False
    for regex, count in opts.count:
        found = len(re.findall(regex, stdout))
        if found != int(count):
            print("FAIL: /%s/ found %d times in stdout, expected %s" % (regex, found, count))
            ok = False
    if "internal error" in stderr or "Assertion" in stderr or "Stack dump" in stderr:
        print("FAIL: internal error reported")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
