#!/bin/sh
# Boots Linux with the busybox initramfs that tools/guest/build-images.sh
# builds (only when its images are already in the cache: exit 77, skipped,
# otherwise; `make guest-images` builds them), types a few commands into the
# shell and checks that `poweroff -f` ends the emulator (tools/guest/boot-time.py).
#   linux_boot.sh SOURCE_DIR TOOL
set -eu
source_dir=$1
tool=$2
if ! output=$(bash "$source_dir/tools/guest/build-images.sh" --print-paths 2>/dev/null); then
  echo "linux_boot: guest images not built (make guest-images): skipped"
  exit 77
fi
paths=$(printf '%s\n' "$output" | grep '^KERNEL=' | tail -n 1)
[ -n "$paths" ] || { echo "linux_boot: no KERNEL= line from build-images.sh --print-paths"; exit 1; }
eval "$paths" # KERNEL=... INITRD=...
exec python3 "$source_dir/tools/guest/boot-time.py" --runs 1 --timeout 300 --show-output \
  --command "uname -m" --command "cat /proc/cpuinfo" --command "ls /sys/bus/virtio/devices" \
  -- "$tool" -machine virt -nographic -m 256M -bios default -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyS0"
