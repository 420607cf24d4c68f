#!/usr/bin/env python3
"""-summary counts the guest instructions of every thread, ended ones too.

    summary_threads.py TOOL PARALLEL TIER

Runs bench/parallel (the same work split among THREADS threads) with 1
and with 2 threads under `TOOL --tier=TIER -summary` and checks that both
runs report about the same number of guest instructions (within 10%:
barrier waits differ). Counting only the main thread reports about half
with 2 threads.
"""
import re
import subprocess
import sys


def instructions(tool, parallel, tier, threads):
    result = subprocess.run([tool, "--tier=" + tier, "-summary", parallel, str(threads), "1"],
                            capture_output=True, text=True, timeout=300)
    match = re.search(r"(\d+) guest instructions in", result.stderr)
    if result.returncode != 0 or match is None:
        sys.exit("summary_threads: %d threads: exit %d, stderr:\n%s"
                 % (threads, result.returncode, result.stderr))
    return int(match.group(1))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tool, parallel, tier = sys.argv[1:]
    one = instructions(tool, parallel, tier, 1)
    two = instructions(tool, parallel, tier, 2)
    print("summary_threads: %s: %d guest instructions with 1 thread, %d with 2"
          % (tier, one, two))
    if abs(two - one) > one // 10:
        print("summary_threads: FAIL: the counts differ by more than 10%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
