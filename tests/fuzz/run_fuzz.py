#!/usr/bin/env python3
"""Differential fuzzing of Tiercel's tiers with random riscv64 programs.

For every seed, tiercel-fuzz-gen writes a static riscv64 program (random
RV64GC+Zba/Zbb/Zbs instructions between a prologue that sets every register
and an epilogue that prints them; tests/fuzz/program.h). The program runs
under each tier (`tiercel-riscv64 --tier=T prog`) and under qemu-riscv64
when available; stdout bytes and exit status must equal the first tier's.
Standard library only.

    run_fuzz.py --gen build/bin/tiercel-fuzz-gen --tiercel build/bin/tiercel-riscv64
                --tiers interp,baseline --qemu auto|PATH|none --seeds A:B
                --length L [--keep-failures DIR] [--minimize] [-j N]

Seeds A:B run A, A+1, ..., B-1. On a mismatch the seed, the differing
registers / fcsr / scratch bytes and the commands to reproduce are printed;
--minimize also finds the shortest body that still fails (item k of a body
depends only on the seed and k, so a shorter --length is a prefix) and
--keep-failures saves programs, listings and every emulator's output.
A program that no emulator runs to completion is a failure too (the
generator promises programs that end in exit_group(0)).

qemu is an independent oracle, not a reference: where it is verifiably
wrong (KNOWN_QEMU_BUGS, each checked against the ISA manual) and only it
disagrees, the seed is compared with qemu again on the variant without the
instruction (tiercel-fuzz-gen --exclude); the tiers are always compared with
each other on the original program. --exclude sets instructions aside
altogether (triage of one known bug while looking for others).

Exit status: 0 all passed, 1 a mismatch, 2 a usage or setup problem.
"""

import argparse
import concurrent.futures
import os
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

# Output layout, kept in step with tests/fuzz/program.h: the dump area
# (x1..x31, f0..f31, fcsr; 8 bytes each, little-endian), then the scratch buffer.
DUMP_SIZE = 31 * 8 + 32 * 8 + 8
SCRATCH_SIZE = 4096
OUTPUT_SIZE = DUMP_SIZE + SCRATCH_SIZE

X_NAMES = ["ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
           "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3",
           "t4", "t5", "t6"]
ROUNDING = ["rne", "rtz", "rdn", "rup", "rmm", "5?", "6?", "7?"]
FLAGS = [(16, "NV"), (8, "DZ"), (4, "OF"), (2, "UF"), (1, "NX")]

# Instructions the installed qemu-riscv64 is known to execute wrongly, checked
# against the ISA manual. When only qemu disagrees and the program holds one,
# qemu is compared on the variant of the seed without them (see
# checkAroundQemuBugs); the tiers still run the original program.
KNOWN_QEMU_BUGS = {
    # Zbb: "if the least-significant word is 0, the output is 32". qemu 7.2
    # (Debian 1:7.2+dfsg-7) returns the trailing-zero count of the whole
    # register instead (ctzw of 0x1000000000 gives 36).
    "ctzw": "qemu 7.2 counts past bit 31 when the low word is zero",
}


def shellStatus(returncode):
    """Exit status as a POSIX shell reports it: 128+N for a death by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def describeStatus(status):
    if status is None:
        return "timeout"
    if status > 128:
        try:
            return "%d (signal %s)" % (status, signal.Signals(status - 128).name)
        except ValueError:
            pass
    return "%d" % status


class Oracle:
    def __init__(self, name, prefix, isQemu=False):
        self.name = name
        self.prefix = prefix
        self.isQemu = isQemu

    def command(self, program):
        return self.prefix + [program]


class Result:
    def __init__(self, stdout, stderr, status):
        self.stdout = stdout
        self.stderr = stderr
        self.status = status  # None: timed out

    def same(self, other):
        return self.status == other.status and self.stdout == other.stdout


def run(command, timeout):
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        raise SystemExit("run_fuzz: cannot start %s: %s" % (command[0], e))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return Result(out, err, None)
    return Result(out, err, shellStatus(proc.returncode))


def generate(opts, seed, length, elf, listing=None, exclude=None):
    command = [opts.gen, "--seed", str(seed), "--length", str(length), "--out", elf]
    if listing:
        command += ["--listing", listing]
    exclude = ",".join(e for e in (opts.exclude, exclude) if e)
    if exclude:
        command += ["--exclude", exclude]
    result = run(command, opts.timeout)
    if result.status != 0:
        # An encoder/decoder self-check failure lands here: a real finding.
        return "tiercel-fuzz-gen failed (status %s):\n%s" % (
            describeStatus(result.status), result.stderr.decode("utf-8", "replace"))
    return None


def runAll(opts, oracles, elf):
    return [run(o.command(elf), opts.timeout) for o in oracles]


# ---- Describing a difference ----

def floatText(bits):
    d = struct.unpack("<d", struct.pack("<Q", bits))[0]
    text = "%r" % d
    if bits >> 32 == 0xffffffff:
        s = struct.unpack("<f", struct.pack("<I", bits & 0xffffffff))[0]
        text += ", single %r" % s
    return text


def fcsrText(value):
    flags = [name for bit, name in FLAGS if value & bit]
    return "0x%02x (frm=%s flags=%s)" % (value, ROUNDING[(value >> 5) & 7],
                                          "|".join(flags) or "none")


def dumpFields(data):
    """(name, value, text) for every field of a complete output."""
    fields = []
    for i in range(31):
        v = struct.unpack_from("<Q", data, 8 * i)[0]
        fields.append(("x%d/%s" % (i + 1, X_NAMES[i]), v, "0x%016x" % v))
    for i in range(32):
        v = struct.unpack_from("<Q", data, 248 + 8 * i)[0]
        fields.append(("f%d" % i, v, "0x%016x (%s)" % (v, floatText(v))))
    v = struct.unpack_from("<Q", data, 504)[0]
    fields.append(("fcsr", v, fcsrText(v)))
    return fields


def describeDifference(ref, refName, other, otherName, limit=24):
    lines = []
    if ref.status != other.status:
        lines.append("exit status: %s %s, %s %s" % (refName, describeStatus(ref.status),
                                                    otherName, describeStatus(other.status)))
    if len(ref.stdout) != OUTPUT_SIZE or len(other.stdout) != OUTPUT_SIZE:
        lines.append("stdout length: %s %d bytes, %s %d bytes (a complete run prints %d)" % (
            refName, len(ref.stdout), otherName, len(other.stdout), OUTPUT_SIZE))
    for label, result in ((refName, ref), (otherName, other)):
        if result.stderr:
            tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-6:]
            lines.append("stderr of %s:" % label)
            lines += ["    " + t for t in tail]
    common = min(len(ref.stdout), len(other.stdout))
    if common >= DUMP_SIZE:
        for (name, a, ta), (_, b, tb) in zip(dumpFields(ref.stdout), dumpFields(other.stdout)):
            if a != b:
                lines.append("%-8s %s: %s" % (name, refName, ta))
                lines.append("%-8s %s: %s" % ("", otherName, tb))
    if common > DUMP_SIZE:
        diffs = []
        for off in range(0, min(common, OUTPUT_SIZE) - DUMP_SIZE, 8):
            a = ref.stdout[DUMP_SIZE + off:DUMP_SIZE + off + 8]
            b = other.stdout[DUMP_SIZE + off:DUMP_SIZE + off + 8]
            if a != b:
                diffs.append((off, a, b))
        for off, a, b in diffs[:limit]:
            lines.append("scratch+0x%03x (s10%+d): %s %s, %s %s" % (
                off, off - 2048, refName, a[::-1].hex(), otherName, b[::-1].hex()))
        if len(diffs) > limit:
            lines.append("... %d more differing scratch words" % (len(diffs) - limit))
    if not lines:
        lines.append("outputs differ in a way the dump layout does not explain")
    return lines


# ---- One seed ----

class Check:
    """Outcome of one seed: failure is None when it passed; runs are the
    (oracle, result) pairs the verdict rests on; knownBug names the qemu bug
    the seed was compared around, if any."""

    def __init__(self, failure, elf, listing, runs, knownBug=None):
        self.failure = failure
        self.elf = elf
        self.listing = listing
        self.runs = runs
        self.knownBug = knownBug


def complete(result):
    return result.status == 0 and len(result.stdout) == OUTPUT_SIZE


def checkSeed(opts, oracles, seed, length, workdir, listing=False):
    elf = os.path.join(workdir, "seed-%d-len-%d.elf" % (seed, length))
    lst = elf[:-4] + ".txt" if listing else None
    error = generate(opts, seed, length, elf, lst)
    if error:
        return Check(error, elf, lst, [])
    runs = list(zip(oracles, runAll(opts, oracles, elf)))
    ref = runs[0][1]
    for oracle, result in runs[1:]:
        if result.same(ref):
            continue
        tiersAgree = all(r.same(ref) for o, r in runs if not o.isQemu)
        if oracle.isQemu and tiersAgree:
            return checkAroundQemuBugs(opts, seed, length, elf, lst, runs)
        return Check("%s differs from %s" % (oracle.name, runs[0][0].name), elf, lst, runs)
    if not complete(ref):
        # Every emulator agrees, yet the program did not finish: a generator bug
        # (it must only produce programs that run to exit_group(0)).
        return Check("every emulator agrees but the program did not run to completion",
                     elf, lst, runs)
    return Check(None, elf, lst, runs)


def checkAroundQemuBugs(opts, seed, length, elf, lst, runs):
    """The tiers agree and qemu alone differs. If the program holds an
    instruction qemu is known to get wrong, compare qemu with the reference
    tier on the variant without it (only the items that held it change);
    a difference that remains there is a real finding."""
    refOracle, qemuOracle = runs[0][0], next(o for o, _ in runs if o.isQemu)
    failure = "%s differs from %s" % (qemuOracle.name, refOracle.name)
    variant = elf[:-4] + "-variant.elf"
    bugs = ",".join(sorted(KNOWN_QEMU_BUGS))
    error = generate(opts, seed, length, variant, exclude=bugs)
    if error:
        return Check(error, elf, lst, runs)
    with open(elf, "rb") as a, open(variant, "rb") as b:
        unchanged = a.read() == b.read()
    if unchanged:
        os.unlink(variant)
        return Check(failure, elf, lst, runs)
    variantRuns = [(refOracle, run(refOracle.command(variant), opts.timeout)),
                   (qemuOracle, run(qemuOracle.command(variant), opts.timeout))]
    os.unlink(variant)
    if variantRuns[0][1].same(variantRuns[1][1]) and complete(variantRuns[0][1]):
        return Check(None, elf, lst, runs, knownBug=bugs)
    return Check(failure + ", also on the variant without " + bugs, elf, lst, variantRuns)


def reproduction(opts, seed, length):
    me = os.path.abspath(__file__)
    stem = "/tmp/fuzz-%d" % seed
    exclude = " --exclude " + shlex.quote(opts.exclude) if opts.exclude else ""
    cmds = ["%s --seed %d --length %d --out %s.elf --listing %s.txt%s" % (
        shlex.quote(opts.gen), seed, length, stem, stem, exclude)]
    for t in opts.tierList:
        cmds.append("%s --tier=%s %s.elf | xxd | head" % (shlex.quote(opts.tiercel), t, stem))
    cmds.append("%s %s --gen %s --tiercel %s --tiers %s --qemu %s --seeds %d:%d --length %d%s" % (
        sys.executable, shlex.quote(me), shlex.quote(opts.gen), shlex.quote(opts.tiercel),
        ",".join(opts.tierList), shlex.quote(opts.qemuPath or "none"), seed, seed + 1, length,
        exclude))
    return cmds


def minimize(opts, oracles, seed, length, workdir):
    """Smallest length whose program still fails (binary search over prefixes)."""
    lo, hi = 1, length
    while lo < hi:
        mid = (lo + hi) // 2
        check = checkSeed(opts, oracles, seed, mid, workdir)
        if os.path.exists(check.elf):
            os.unlink(check.elf)
        if check.failure:
            hi = mid
        else:
            lo = mid + 1
    return hi


def bodyTail(listingPath, items=3):
    """The last few body items of a listing (where a minimized failure sits)."""
    with open(listingPath) as f:
        lines = f.read().splitlines()
    end = next((i for i, l in enumerate(lines) if l.startswith("# ---- epilogue")), len(lines))
    starts = [i for i in range(end) if lines[i].startswith("# [")]
    begin = starts[-items] if len(starts) >= items else (starts[0] if starts else end)
    return lines[begin:end]


def describeRuns(runs):
    out = []
    if not runs:
        return out
    refOracle, ref = runs[0]
    for oracle, result in runs[1:]:
        if not result.same(ref):
            out.append("  %s vs %s:" % (refOracle.name, oracle.name))
            out += ["    " + l for l in describeDifference(ref, refOracle.name,
                                                          result, oracle.name)]
    if all(r.same(ref) for _, r in runs):
        out.append("  status %s, %d bytes of stdout" % (describeStatus(ref.status),
                                                        len(ref.stdout)))
        out += ["    " + l for l in ref.stderr.decode("utf-8", "replace").splitlines()[-6:]]
    return out


def reportFailure(opts, oracles, seed, check, workdir):
    out = ["", "FAIL seed %d (length %d): %s" % (seed, opts.length, check.failure)]
    out += describeRuns(check.runs)
    keepDir = None
    if opts.keep_failures:
        keepDir = os.path.join(opts.keep_failures, "seed-%d" % seed)
        os.makedirs(keepDir, exist_ok=True)
        generate(opts, seed, opts.length, os.path.join(keepDir, "program.elf"),
                 os.path.join(keepDir, "program.txt"))
        for oracle, result in check.runs:
            stem = os.path.join(keepDir, oracle.name.replace(" ", "-"))
            with open(stem + ".stdout", "wb") as f:
                f.write(result.stdout)
            with open(stem + ".stderr", "wb") as f:
                f.write(result.stderr)
    if opts.minimize and check.runs:
        shortest = minimize(opts, oracles, seed, opts.length, workdir)
        small = checkSeed(opts, oracles, seed, shortest, workdir, listing=True)
        out.append("  minimized: --length %d still fails; its last body items:" % shortest)
        out += ["    " + l for l in bodyTail(small.listing)]
        out.append("  minimized program:")
        out += ["  " + l for l in describeRuns(small.runs)]
        if keepDir:
            shutil.copy(small.elf, os.path.join(keepDir, "minimized-%d.elf" % shortest))
            shutil.copy(small.listing, os.path.join(keepDir, "minimized-%d.txt" % shortest))
        for path in (small.elf, small.listing):
            if path and os.path.exists(path):
                os.unlink(path)
    if keepDir:
        out.append("  kept in %s" % keepDir)
    out.append("  reproduce:")
    out += ["    " + c for c in reproduction(opts, seed, opts.length)]
    return "\n".join(out)


# ---- Main ----

def parseSeeds(text):
    a, sep, b = text.partition(":")
    try:
        first, last = int(a), int(b) if sep else int(a) + 1
    except ValueError:
        raise SystemExit("run_fuzz: --seeds wants A:B (B excluded), got %r" % text)
    if first < 0 or last <= first:
        raise SystemExit("run_fuzz: --seeds A:B needs 0 <= A < B, got %r" % text)
    return first, last


def findQemu(choice):
    if choice == "none":
        return None
    if choice == "auto":
        return shutil.which("qemu-riscv64")
    if not os.access(choice, os.X_OK):
        raise SystemExit("run_fuzz: qemu %s is not an executable" % choice)
    return choice


def probe(opts, oracles, workdir):
    """Every oracle must run a tiny program to completion, or nothing else is meaningful."""
    elf = os.path.join(workdir, "probe.elf")
    error = generate(opts, 0, 1, elf)
    if error:
        raise SystemExit("run_fuzz: " + error)
    for oracle, result in zip(oracles, runAll(opts, oracles, elf)):
        if result.status != 0 or len(result.stdout) != OUTPUT_SIZE:
            print("run_fuzz: %s cannot run a minimal program (status %s, %d bytes of stdout):\n%s"
                  % (oracle.name, describeStatus(result.status), len(result.stdout),
                     result.stderr.decode("utf-8", "replace")), file=sys.stderr)
            print("run_fuzz: command: %s" % " ".join(map(shlex.quote, oracle.command(elf))),
                  file=sys.stderr)
            sys.exit(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gen", required=True, help="tiercel-fuzz-gen binary")
    parser.add_argument("--tiercel", required=True, help="tiercel-riscv64 binary")
    parser.add_argument("--tiers", default="interp", help="comma list; the first is the reference")
    parser.add_argument("--qemu", default="auto", help="auto (from PATH), a path, or none")
    parser.add_argument("--qemu-cpu", default="", help="-cpu for qemu-riscv64 (default: its own)")
    parser.add_argument("--seeds", default="0:100", help="A:B, seeds A..B-1 (default 0:100)")
    parser.add_argument("--length", type=int, default=300, help="body instructions (default 300)")
    parser.add_argument("--keep-failures", help="copy failing programs, listings and outputs here")
    parser.add_argument("--minimize", action="store_true",
                        help="on a failure, find the shortest failing length")
    parser.add_argument("--exclude", default="",
                        help="mnemonics kept out of the programs (triage: set a known bug aside "
                             "to look for others; passed to tiercel-fuzz-gen)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="seeds run in parallel")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run (default 60)")
    parser.add_argument("--max-failures", type=int, default=5,
                        help="stop after this many failing seeds (default 5; 0: never)")
    parser.add_argument("--progress", type=float, default=10.0,
                        help="seconds between progress lines (default 10)")
    opts = parser.parse_args()

    opts.gen = os.path.abspath(opts.gen)
    opts.tiercel = os.path.abspath(opts.tiercel)
    for path in (opts.gen, opts.tiercel):
        if not os.access(path, os.X_OK):
            print("run_fuzz: %s is not an executable (not built?)" % path, file=sys.stderr)
            return 2
    opts.tierList = [t for t in opts.tiers.split(",") if t]
    if not opts.tierList or opts.length < 1 or opts.jobs < 1:
        print("run_fuzz: need at least one tier, --length >= 1 and -j >= 1", file=sys.stderr)
        return 2
    first, last = parseSeeds(opts.seeds)
    opts.qemuPath = findQemu(opts.qemu)

    oracles = [Oracle("tier " + t, [opts.tiercel, "--tier=" + t]) for t in opts.tierList]
    if opts.qemuPath:
        prefix = [opts.qemuPath] + (["-cpu", opts.qemu_cpu] if opts.qemu_cpu else [])
        oracles.append(Oracle("qemu", prefix, isQemu=True))
    workdir = tempfile.mkdtemp(prefix="tiercel-fuzz-")
    try:
        probe(opts, oracles, workdir)
        print("run_fuzz: seeds %d:%d, length %d, %s; %d job(s)" % (
            first, last, opts.length, ", ".join(o.name for o in oracles), opts.jobs), flush=True)
        return fuzz(opts, oracles, first, last, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fuzz(opts, oracles, first, last, workdir):
    passed = failed = knownBug = 0
    lock = threading.Lock()
    start = lastProgress = time.monotonic()
    stop = threading.Event()

    def work(seed):
        """(seed, outcome, report): outcome is "pass", "known-bug", "fail" or "skipped"."""
        if stop.is_set():
            return seed, "skipped", None
        check = checkSeed(opts, oracles, seed, opts.length, workdir)
        report = None
        if check.failure:
            with lock:  # one report at a time; minimizing runs many more programs
                report = reportFailure(opts, oracles, seed, check, workdir)
        for path in (check.elf, check.listing):
            if path and os.path.exists(path):
                os.unlink(path)
        if check.failure:
            return seed, "fail", report
        return seed, "known-bug" if check.knownBug else "pass", None

    seeds = iter(range(first, last))
    seed = first
    interrupted = False
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs)
    pending = set()
    try:
        while True:
            while not stop.is_set() and len(pending) < 2 * opts.jobs:
                nextSeed = next(seeds, None)
                if nextSeed is None:
                    break
                pending.add(pool.submit(work, nextSeed))
            if not pending:
                break
            done, pending = concurrent.futures.wait(
                pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                seed, outcome, report = future.result()
                if outcome in ("pass", "known-bug"):
                    passed += 1
                    knownBug += outcome == "known-bug"
                elif outcome == "fail":
                    failed += 1
                    print(report, flush=True)
                    if opts.max_failures and failed >= opts.max_failures:
                        stop.set()
            now = time.monotonic()
            if now - lastProgress >= opts.progress:
                lastProgress = now
                total = passed + failed
                print("  ... %d/%d seeds, %d failed, %.1f seeds/s, at seed %d" % (
                    total, last - first, failed, total / (now - start), seed), flush=True)
    except KeyboardInterrupt:
        # A long run stopped by hand still reports what it did.
        interrupted = True
        stop.set()
    pool.shutdown(wait=True, cancel_futures=True)
    elapsed = time.monotonic() - start
    if interrupted:
        print("run_fuzz: interrupted at seed %d" % seed)
    elif stop.is_set():
        print("run_fuzz: stopped after %d failures" % failed)
    if knownBug:
        print("run_fuzz: %d seeds met a known qemu bug (%s) and were compared with qemu on "
              "the variant without it" % (knownBug, ", ".join(sorted(KNOWN_QEMU_BUGS))))
    print("%d passed, %d failed (%.1fs, %.0f ms per seed)" % (
        passed, failed, elapsed, 1000.0 * elapsed / max(1, passed + failed)))
    return 1 if failed else (130 if interrupted else 0)


if __name__ == "__main__":
    sys.exit(main())
