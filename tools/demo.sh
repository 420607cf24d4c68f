#!/usr/bin/env bash
# `make demo`: runs the bundled demo workload (tools/demo/demo.c, cross-compiled
# for riscv64 by the build into BUILD_DIR/demo/tiercel-demo) under
# tiercel-riscv64 --summary, showing the program's output followed by the
# emulator's one-line run summary (guest instructions, time, MIPS).
#   usage: tools/demo.sh BUILD_DIR
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$1
emulator="$build/bin/tiercel-riscv64"
guest="$build/demo/tiercel-demo"

if [ ! -x "$emulator" ]; then
  echo "demo: $emulator does not exist: build Tiercel first (make build, or" >&2
  echo "      cmake --build $build --target tiercel-riscv64)" >&2
  exit 1
fi
if [ ! -f "$guest" ]; then
  echo "demo: the demo guest program $guest does not exist: build it first" >&2
  echo "      (cmake --build $build --target bench_programs)" >&2
  exit 1
fi

echo "== Running the riscv64 demo program under Tiercel:"
echo "   $emulator --summary $guest"
echo
"$emulator" --summary "$guest"
status=$?
echo
if [ $status -ne 0 ]; then
  echo "demo: the guest exited with status $status" >&2
fi
exit $status
