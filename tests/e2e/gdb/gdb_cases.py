#!/usr/bin/env python3
"""End-to-end cases of tiercel-riscv64's GDB stub (-g), driven by gdb-multiarch.

Starts `tiercel-riscv64 -g PORT --tier=TIER GUEST` on a free port, runs a
gdb-multiarch batch session against it and checks gdb's output, the guest's
output and the exit status with regular expressions.

  gdb_cases.py session --tiercel T --gdb gdb-multiarch --guest gdb_guest --tier interp
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

TIMEOUT = 120


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Each case: gdb commands after `target remote`, then (regex, what) pairs that
# gdb's output must match in order, the guest's stdout regex, its exit status.
CASES = {
    "session": {
        "commands": [
            "break *add_values",          # a breakpoint at a function's first instruction
            "break scaled",
            "continue",
            "p $a0",
            "p/x $pc",
            "info registers a1 sp",
            "set $a1 = 5",                # the guest must use it: 40 + 5
            "stepi",
            "p $pc",
            "x/2i $pc",
            "finish",
            "next",
            "next",
            "step",                       # into scaled (and its breakpoint)
            "bt",
            "x/4gx &table",
            "set var table[2] = 99",
            "p table",
            "p $fa0",
            "info registers fcsr priv",
            "watch counter",
            "continue",
            "delete",
            "continue",
        ],
        "expect": [
            (r"Breakpoint 1 at 0x[0-9a-f]+: file .*gdb_guest\.c", "breakpoint set"),
            (r"Breakpoint 1, (0x[0-9a-f]+ in )?add_values \(", "stop at add_values"),
            (r"\$1 = 40\n", "p $a0"),
            (r"\$2 = 0x[0-9a-f]+\n", "p/x $pc"),
            (r"a1\s+0x2\s+2\nsp\s+0x[0-9a-f]+", "info registers"),
            (r"\$3 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <add_values\+[24]>", "stepi moved the pc"),
            (r"=> 0x[0-9a-f]+ <add_values\+[24]>:", "x/i"),
            (r"in main \(\) at .*gdb_guest\.c:18\n(.*\n)*?Value returned is \$[0-9]+ = 45\n",
             "finish with a1 = 5"),
            (r"^19\s+printf", "next"),
            (r"^20\s+table\[1\] = scaled", "next"),
            (r"Breakpoint 2, scaled \(x=45\)", "step into scaled"),
            (r"#1  0x[0-9a-f]+ in main \(\)", "backtrace"),
            (r"<table>:\s+0x0000000000000001\s+0x0000000000000002\n"
             r"0x[0-9a-f]+ <table\+16>:\s+0x0000000000000003\s+0x0000000000000004", "x/4gx"),
            (r"= \{1, 2, 99, 4\}", "memory written"),
            (r"= \{float = 0, double = 0\}", "FP register as riscv_double"),
            (r"fcsr\s+0x0.*\npriv\s+0x0\s+prv:0 \[User/Application\]", "fcsr and priv"),
            (r"(Hardware w|W)atchpoint 3: counter\n(.*\n)*?Old value = 45\nNew value = 46\n",
             "watchpoint triggers"),
            (r"\[Inferior 1 \(.*\) exited with code 055\]", "exit status reported"),
        ],
        "stdout": r"result=45\ntable=1,135,99,4 counter=46\n",
        "status": 45,
    },
    "signal": {
        "commands": ["continue", "p $pc", "continue"],
        "expect": [
            (r"Program received signal SIGILL", "guest signal reported"),
            (r"\$1 = \(void \(\*\)\(\)\) 0x[0-9a-f]+", "stopped at the faulting pc"),
            (r"Program terminated with signal SIGILL", "death by the signal reported"),
        ],
        "stdout": None,
        "status": 128 + 4,
    },
}


def busy_port(opts):
    """-g on a port someone else listens on: a clear error, status 1, no wait."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run([opts.tiercel, "-g", str(port), opts.guest], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
    err = proc.stderr.decode(errors="replace")
    print("status:", proc.returncode, "stderr:", err.strip())
    expected = r"-g %d: cannot listen on TCP port %d: Address already in use" % (port, port)
    ok = proc.returncode == 1 and re.search(expected, err) and not proc.stdout
    print("PASS" if ok else "FAIL: expected status 1 and /%s/ on stderr" % expected)
    return 0 if ok else 1


def interrupt(opts):
    """Ctrl-C (0x03) while the guest runs stops it with SIGINT (T02), in the raw
    protocol; after D (detach) the guest runs on without the debugger."""
    port = free_port()
    proc = subprocess.Popen([opts.tiercel, "-g", str(port), "--tier=" + opts.tier, opts.guest])
    try:
        deadline = time.time() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        conn.settimeout(30)
        received = b""

        def reply():
            nonlocal received
            while True:
                match = re.search(rb"\$([^#]*)#[0-9a-f]{2}", received)
                if match:
                    received = received[match.end():]
                    return match.group(1).decode()
                received += conn.recv(4096)

        def send(payload):
            conn.sendall(b"$%s#%02x" % (payload.encode(), sum(payload.encode()) % 256))

        send("QStartNoAckMode")
        steps = [("QStartNoAckMode", reply() == "OK")]
        send("?")
        steps.append(("initial stop", reply() == "T05thread:1;"))
        send("c")
        time.sleep(0.5)
        conn.sendall(b"\x03")
        steps.append(("^C stops with SIGINT", reply() == "T02thread:1;"))
        send("p20")
        steps.append(("pc readable", re.fullmatch("[0-9a-f]{16}", reply()) is not None))
        send("D")
        steps.append(("detach", reply() == "OK"))
        conn.close()
        time.sleep(0.3)
        steps.append(("runs on after detach", proc.poll() is None))
    finally:
        proc.kill()
        proc.wait()
    ok = True
    for what, passed in steps:
        print(("ok   " if passed else "FAIL ") + what)
        ok = ok and passed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(CASES) + ["busy_port", "interrupt"])
    parser.add_argument("--tiercel", required=True)
    parser.add_argument("--gdb", default="")
    parser.add_argument("--guest", required=True)
    parser.add_argument("--tier", default="baseline")
    opts = parser.parse_args()
    if opts.case == "busy_port":
        return busy_port(opts)
    if opts.case == "interrupt":
        return interrupt(opts)
    if not opts.gdb or not os.path.exists(opts.gdb):
        print("FAIL: gdb-multiarch not installed: run tools/install-deps.sh")
        return 1
    case = CASES[opts.case]

    port = free_port()
    tiercel = subprocess.Popen([opts.tiercel, "-g", str(port), "--tier=" + opts.tier, opts.guest],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # gdb retries a refused connection (set tcp auto-retry, on by default)
    # until tiercel listens.
    gdb_command = [opts.gdb, "-batch", "-nx", "-ex", "set pagination off",
                   "-ex", "set tcp connect-timeout 30",
                   "-ex", "file " + opts.guest, "-ex", "target remote 127.0.0.1:%d" % port]
    for command in case["commands"]:
        gdb_command += ["-ex", command]
    try:
        gdb = subprocess.run(gdb_command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=TIMEOUT)
        out, err = tiercel.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        tiercel.kill()
        print("FAIL: timed out (a hang)")
        return 1
    transcript = gdb.stdout.decode(errors="replace")
    guest_out = out.decode(errors="replace")
    guest_err = err.decode(errors="replace")
    status = 128 - tiercel.returncode if tiercel.returncode < 0 else tiercel.returncode
    print("gdb:", " ".join(gdb_command))
    print("---- gdb output ----\n" + transcript)
    print("---- guest stdout ----\n" + guest_out)
    print("---- tiercel stderr ----\n" + guest_err)
    ok = True
    position = 0
    for regex, what in case["expect"]:
        match = re.compile(regex, re.M).search(transcript, position)
        if not match:
            print("FAIL: %s: gdb output (after offset %d) does not match /%s/" % (what, position, regex))
            ok = False
            continue
        position = match.end()
    if case["stdout"] is not None and not re.search(case["stdout"], guest_out):
        print("FAIL: guest stdout does not match /%s/" % case["stdout"])
        ok = False
    if status != case["status"]:
        print("FAIL: tiercel exit status %d, expected %d" % (status, case["status"]))
        ok = False
    if "internal error" in guest_err or "Assertion" in guest_err:
        print("FAIL: internal error reported")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
