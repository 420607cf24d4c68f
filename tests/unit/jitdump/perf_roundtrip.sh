#!/bin/sh
# The jitdump round trip through real perf: record the program with
# CLOCK_MONOTONIC stamps, inject the dump, and check that the report names
# the generated block and gives guest pcs as its source lines
# (guest.elf:65540 is guest pc 0x10004, the loop's hottest instruction).
# Exits 77 (skipped) when perf cannot sample here (paranoid settings,
# containers without perf_event_open).
#
# Usage: perf_roundtrip.sh <perf> <jitdump_perf_program> <work directory>
set -eu
perf=$1
program=$2
work=$3

rm -rf "$work"
mkdir -p "$work"

if ! "$perf" record -k mono -e cpu-clock -o "$work/probe.data" -- true >"$work/probe.log" 2>&1; then
  echo "perf record cannot sample here, skipping:"
  cat "$work/probe.log"
  exit 77
fi

"$perf" record -k mono -e cpu-clock -o "$work/perf.data" -- "$program" "$work/dump"
"$perf" inject --jit -i "$work/perf.data" -o "$work/perf.jit.data"
ls "$work/dump"
"$perf" report -i "$work/perf.jit.data" --stdio --sort sym,srcline >"$work/report.txt" 2>&1
cat "$work/report.txt"

fail=0
if ! grep -q 'tiercel:guest_loop:0x10000' "$work/report.txt"; then
  echo "FAIL: samples not attributed to the generated block"
  fail=1
fi
if ! grep -Eq 'guest\.elf:6554[048]' "$work/report.txt"; then
  echo "FAIL: no guest pc as source line (guest.elf:65540..65544)"
  fail=1
fi
exit $fail
