#!/bin/sh
# The binfmt_misc round trip, in a user namespace with its own binfmt_misc
# instance (Linux 6.7+), so the host's registrations are never touched:
# register tiercel-riscv64 with tools/tiercel-binfmt, run a riscv64 program
# directly (plain, then with the P, O, C, F flags: argv[0] preserved,
# program handed over as AT_EXECFD), unregister.
#
# Usage: binfmt_roundtrip.sh TIERCEL_BINFMT TIERCEL_RISCV64 GUEST WORKDIR
# Exit 77 (skipped) with the reason when the machine cannot do it.
set -u
script=$1 tiercel=$2 guest=$3 work=$4

if [ "${TIERCEL_BINFMT_INSIDE:-}" != 1 ]; then
  command -v unshare >/dev/null || { echo "SKIP: unshare not installed"; exit 77; }
  if ! unshare --user --map-root-user --mount true 2>/dev/null; then
    echo "SKIP: cannot create a user namespace here (unprivileged user namespaces disabled)"
    exit 77
  fi
  TIERCEL_BINFMT_INSIDE=1 exec unshare --user --map-root-user --mount sh "$0" "$@"
fi

if ! mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null; then
  echo "SKIP: cannot mount binfmt_misc in a user namespace (needs Linux 6.7+; this is $(uname -r))"
  exit 77
fi

fail() {
  echo "FAIL: $*"
  exit 1
}

rm -rf "$work" && mkdir -p "$work" || fail "cannot make $work"
cp "$guest" "$work/prog" && chmod 755 "$work/prog" || fail "cannot copy the guest"

# Plain registration: the guest's argv[0] is the program path.
"$script" register --tiercel "$tiercel" --name tiercel-test --flags "" || fail "register"
"$script" status --name tiercel-test | grep -q "^interpreter $tiercel" || fail "status does not name $tiercel"
out=$("$work/prog" 42)
status=$?
[ $status -eq 42 ] || fail "direct run exited $status, expected 42 (output: $out)"
echo "$out" | grep -q "^argv\[0\]=$work/prog$" || fail "argv[0] is not the program path: $out"
"$script" unregister --name tiercel-test || fail "unregister"
[ ! -e /proc/sys/fs/binfmt_misc/tiercel-test ] || fail "still registered after unregister"

# P, O, C, F: argv[0] as the caller chose it, the program read from AT_EXECFD.
"$script" register --tiercel "$tiercel" --name tiercel-test --flags POCF || fail "register POCF"
out=$(python3 -c 'import os, sys; os.execv(sys.argv[1], ["chosen-argv0", "7"])' "$work/prog")
status=$?
[ $status -eq 7 ] || fail "POCF run exited $status, expected 7 (output: $out)"
echo "$out" | grep -q "^argv\[0\]=chosen-argv0$" || fail "argv[0] not preserved: $out"
echo "$out" | grep -q "^argv\[1\]=7$" || fail "arguments shifted: $out"
"$script" unregister --name tiercel-test || fail "unregister POCF"

# Errors: a second registration, unregistering what is not there.
"$script" register --tiercel "$tiercel" --name tiercel-test >/dev/null || fail "register again"
"$script" register --tiercel "$tiercel" --name tiercel-test 2>&1 | grep -q "already registered" ||
  fail "double registration not reported"
"$script" unregister --name tiercel-test >/dev/null || fail "unregister again"
"$script" unregister --name tiercel-test 2>&1 | grep -q "is not registered" ||
  fail "unregistering twice not reported"
echo PASS
