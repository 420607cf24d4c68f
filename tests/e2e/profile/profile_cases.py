#!/usr/bin/env python3
"""End-to-end tests of -profile / -profile-interval and tiercel-prof.

Each case runs tiercel-riscv64 on a guest with a profile, then inspects the
profile with tiercel-prof the way a user would. Golden files hold the
report/annotate output with times, paths and host addresses masked; set
TIERCEL_UPDATE_GOLDEN=1 to rewrite them after an intended change.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(command, **kwargs):
    kwargs.setdefault("timeout", 120)
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def prof(args, *command):
    result = run([args.prof, *command])
    if result.returncode != 0:
        fail("tiercel-prof %s exited %d: %s" % (" ".join(command), result.returncode, result.stderr))
    return result.stdout


def expect(pattern, text, what):
    if not re.search(pattern, text, re.MULTILINE):
        fail("%s: no match for %r in:\n%s" % (what, pattern, text))


def normalize(text, replacements):
    for old, new in replacements:
        text = text.replace(old, new)
    text = re.sub(r"\b\d+(\.\d+)? (ns|us|ms|s)\b", "<time>", text)
    text = re.sub(r"\(\d+(\.\d+)? MIPS\)", "(<mips> MIPS)", text)
    text = re.sub(r"build-id [0-9a-f]+", "build-id <id>", text)
    text = re.sub(r"host code \d+ bytes at 0x[0-9a-f]+", "host code <n> bytes at <address>", text)
    text = re.sub(r"code cache [0-9,]+ KiB", "code cache <n> KiB", text)
    # Host code bytes per block change with every code generation change
    # (tests/unit/jit_stencils guards those); the profile's counts do not.
    text = re.sub(r"(<time>\s+)\d+(\s+0x[0-9a-f]+)", r"\1<n>\2", text)
    # Run totals move by a few instructions with the length of the guest's
    # absolute path on its stack (libc's memcpy takes another alignment
    # path); the per-function and per-block rows below them do not.
    lines = []
    for line in text.splitlines():
        if re.match(r"(Run|Tiers|Tier 1):", line):
            line = re.sub(r"\b\d[\d,]*\b", "<n>", line)
        line = re.sub(r"\(\d[\d,]* in all,", "(<n> in all,", line)
        line = re.sub(r"\(\d[\d,]* blocks\)", "(<n> blocks)", line)
        lines.append(line)
    text = "\n".join(lines)
    # Columns shift with the masked widths: compare words, not spacing.
    return "\n".join(" ".join(line.split()) for line in text.splitlines()) + "\n"


def check_golden(args, name, text):
    path = os.path.join(args.golden_dir, name)
    if os.environ.get("TIERCEL_UPDATE_GOLDEN") == "1":
        with open(path, "w") as f:
            f.write(text)
        return
    with open(path) as f:
        expected = f.read()
    if text != expected:
        import difflib
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            "golden/" + name, "actual"))
        fail("%s differs from the golden file (TIERCEL_UPDATE_GOLDEN=1 rewrites it):\n%s"
             % (name, diff))


def profile_run(args, profile, guest_args, extra=(), status=0, **kwargs):
    command = [args.tiercel, "-profile", profile, *extra, *guest_args]
    result = run(command, env={}, **kwargs)
    if result.returncode != status:
        fail("%s exited %d (expected %d): %s" % (" ".join(command), result.returncode, status,
                                                 result.stderr))
    return result


def case_report_golden(args):
    # The guest sees the same argv[0] and no environment in every build tree,
    # so its startup code runs the same instructions. Tier 1 alone: when tier
    # 2 takes a block over depends on the compile threads' timing, and with
    # it the tier-1 counts.
    import shutil
    shutil.copy(args.sieve, os.path.join(args.workdir, "sieve"))
    profile = "sieve.tprof"
    result = profile_run(args, profile, ["./sieve", "10"], extra=["--tier=baseline"],
                         cwd=args.workdir)
    expect(r"checksum", result.stdout, "sieve output")
    profile = os.path.join(args.workdir, profile)
    replacements = [(args.tiercel, "<tiercel-riscv64>"), (profile, "<profile>")]
    report = prof(args, "report", profile, "--top", "5")
    check_golden(args, "sieve_report.txt", normalize(report, replacements))
    annotate = prof(args, "annotate", profile, "--symbol", "main", "--no-host")
    check_golden(args, "sieve_annotate_main.txt", normalize(annotate, replacements))
    # With host code: each guest instruction is followed by x86-64 code.
    hot = re.search(r"^\s+[\d.]+%\s+[\d,]+\s+[\d,]+\s+\d+\s+baseline\s.*?(0x[0-9a-f]+) main",
                    report, re.MULTILINE)
    if not hot:
        fail("no hot block of main in the report:\n" + report)
    host = prof(args, "annotate", profile, "--pc", hot.group(1))
    expect(r"; block entry\n\s+0x[0-9a-f]+:  mov ", host, "annotate host code")
    expect(r"^\s+[\d,]+  0x0+%s:  [0-9a-f]{4,8}  \S+" % hot.group(1)[2:], host, "annotate guest line")
    expect(r"exit (jump|taken|fall-through)\s+-> 0x", host, "annotate exits")
    # The same run twice: diff sees the same blocks in the same tiers.
    second = os.path.join(args.workdir, "sieve2.tprof")
    profile_run(args, second, ["./sieve", "10"], extra=["--tier=baseline"], cwd=args.workdir)
    diff = prof(args, "diff", profile, second)
    expect(r"Blocks whose tier decisions differ: 0 \(every block ran in the same tiers\)", diff,
           "diff of two identical runs")
    expect(r"^\s+[\d.]+%\s+[\d.]+%\s+\+0\.0%.*main$", diff, "diff row of main")


def wait_for_report(args, profile, pattern, deadline):
    last = ""
    while time.time() < deadline:
        result = run([args.prof, "report", profile])
        last = result.stdout + result.stderr
        if result.returncode == 0 and re.search(pattern, last, re.MULTILINE | re.DOTALL):
            return last
        time.sleep(0.1)
    fail("no profile matching %r in time; last report:\n%s" % (pattern, last))


def case_live_blocked(args):
    """A server blocked in read(2) still gets snapshots."""
    profile = os.path.join(args.workdir, "serve.tprof")
    process = subprocess.Popen([args.tiercel, "-profile", profile, "-profile-interval", "0.1",
                                args.guest, "serve", "200000"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={})
    try:
        first = process.stdout.readline()
        ready = process.stdout.readline()
        if not first.startswith("compute") or ready != "ready\n":
            fail("guest did not get ready: %r %r" % (first, ready))
        report = wait_for_report(args, profile,
                                 r"snapshot of a running guest.*Top functions.*\bmix\b",
                                 time.time() + 20)
        expect(r"^\s+[\d.]+%.*\bcompute\b", report, "snapshot names compute")
        process.stdin.close()
        process.wait(timeout=60)
        err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    if process.returncode != 0:
        fail("serve exited %d: %s" % (process.returncode, err))
    report = prof(args, "report", profile)
    expect(r"\(complete; guest exit status 0\)", report, "final profile")


def case_sigterm(args):
    """A computing guest: snapshots at block boundaries; SIGTERM writes the final profile."""
    profile = os.path.join(args.workdir, "spin.tprof")
    process = subprocess.Popen([args.tiercel, "-profile", profile, "-profile-interval", "0.1",
                                args.guest, "spin"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={})
    try:
        wait_for_report(args, profile, r"snapshot of a running guest.*\bmix\b", time.time() + 20)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    if process.returncode != -signal.SIGTERM:
        fail("spin ended with %d, expected death by SIGTERM: %s" % (process.returncode, err))
    report = prof(args, "report", profile)
    expect(r"\(complete; guest killed by signal 15\)", report, "profile after SIGTERM")
    expect(r"^\s+[\d.]+%.*\bmix\b", report, "mix in the final profile")


def case_crash(args):
    profile = os.path.join(args.workdir, "crash.tprof")
    profile_run(args, profile, [args.crash], status=-signal.SIGILL)
    report = prof(args, "report", profile)
    expect(r"\(complete; guest killed by signal 4\)", report, "profile of a crashed guest")
    expect(r"Top blocks", report, "blocks of a crashed guest")


def case_interpreter(args):
    profile = os.path.join(args.workdir, "interp.tprof")
    profile_run(args, profile, [args.guest, "compute", "1000"], extra=["--tier=interp"])
    report = prof(args, "report", profile)
    expect(r"Tiers:\s+interp 100\.0%", report, "interpreter tier share")
    expect(r"No block counts: the run used the interpreter only", report, "interpreter note")


def case_bad_files(args):
    garbage = os.path.join(args.workdir, "garbage.tprof")
    with open(garbage, "wb") as f:
        f.write(b"this is not a profile at all\n" * 4)
    good = os.path.join(args.workdir, "good.tprof")
    profile_run(args, good, [args.guest, "compute", "1000"])
    with open(good, "rb") as f:
        data = f.read()
    truncated = os.path.join(args.workdir, "truncated.tprof")
    with open(truncated, "wb") as f:
        f.write(data[: len(data) // 2])
    cases = [
        (["report", garbage], 1, r"garbage\.tprof.*not a Tiercel profile"),
        (["report", truncated], 1, r"truncated\.tprof.*truncated"),
        (["report", os.path.join(args.workdir, "missing.tprof")], 1, r"missing\.tprof"),
        (["report"], 2, r"expected one profile FILE"),
        (["report", good, "--top", "0"], 2, r"--top: '0' is not a positive count"),
        (["report", good, "--bogus"], 2, r"unknown option '--bogus'"),
        (["frobnicate", good], 2, r"unknown command 'frobnicate'"),
        (["annotate", good], 2, r"exactly one of --pc ADDR and --symbol NAME"),
        (["annotate", good, "--symbol", "no_such_function"], 1, r"no function named"),
        (["annotate", good, "--pc", "zz"], 2, r"not an address"),
        (["diff", good], 2, r"expected two profiles"),
        (["export", good, "--format", "bogus"], 2, r"bogus"),
        (["html", good], 2, r"-o DIR is required"),
    ]
    for command, status, pattern in cases:
        result = run([args.prof, *command])
        if result.returncode != status:
            fail("tiercel-prof %s exited %d, expected %d: %s%s" % (
                " ".join(command), result.returncode, status, result.stdout, result.stderr))
        expect(pattern, result.stderr, "tiercel-prof " + " ".join(command))


def case_exec_children(args):
    # A guest that forks and execs riscv64 programs: the parent's profile is
    # FILE, each program a guest execve started writes FILE.PID, and a -D log
    # without %d is shared (appended to), not clobbered by the children.
    profile = os.path.join(args.workdir, "exec.tprof")
    log = os.path.join(args.workdir, "exec.log")
    for old in os.listdir(args.workdir):
        os.unlink(os.path.join(args.workdir, old))
    result = profile_run(args, profile, [args.fork_exec], extra=["-strace", "-D", log],
                         cwd=args.workdir)
    expect(r"exec child: exited 42", result.stdout, "fork_exec output")
    children = sorted(name for name in os.listdir(args.workdir)
                      if re.fullmatch(r"exec\.tprof\.\d+", name))
    # exec-mode, mask-mode, script-mode and spawn-mode each ran in a process
    # of its own.
    if len(children) != 4:
        fail("expected 4 child profiles, found %r" % children)
    expect(r"\(complete; guest exit status 0\)", prof(args, "report", profile), "parent profile")
    pids = set()
    for name in children:
        report = prof(args, "report", os.path.join(args.workdir, name))
        expect(r"Top blocks", report, "child profile " + name)
        pids.add(name.rsplit(".", 1)[1])
    with open(log) as f:
        text = f.read()
    for pid in pids:
        expect(r"^%s exit_group\(" % pid, text, "the -strace log of child " + pid)
    expect(r"^\d+ execve\(", text, "the parent's execve calls in the log")


CASES = {
    "exec_children": case_exec_children,
    "report_golden": case_report_golden,
    "live_blocked": case_live_blocked,
    "sigterm": case_sigterm,
    "crash": case_crash,
    "interpreter": case_interpreter,
    "bad_files": case_bad_files,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--tiercel", required=True)
    parser.add_argument("--prof", required=True)
    parser.add_argument("--guest", required=True, help="profile_guest")
    parser.add_argument("--sieve", required=True, help="bench sieve")
    parser.add_argument("--crash", required=True, help="a guest that dies of SIGILL")
    parser.add_argument("--fork-exec", required=True, help="tests/guest/c fork_exec (static)")
    parser.add_argument("--golden-dir", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    args.workdir = os.path.join(args.workdir, args.case)
    os.makedirs(args.workdir, exist_ok=True)
    CASES[args.case](args)
    print("PASS: " + args.case)


if __name__ == "__main__":
    main()
