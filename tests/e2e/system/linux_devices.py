#!/usr/bin/env python3
"""Linux on the virt board with virtio disks and an entropy device, in one boot.

Makes two raw images in WORKDIR: disk.img (1 MiB, a known pattern in every
sector) and ro.img (64 KiB), then boots the guest images of
tools/guest/build-images.sh (exit 77, skipped, when they are not built) with

  -drive file=disk.img,format=raw,if=none,id=d0
  -device virtio-blk-device,drive=d0,serial=tiercel-d0
  -drive file=ro.img,format=raw,if=virtio,readonly=on
  -device virtio-rng-device

and types a script into the busybox shell that
  - reads sector 0 and sector 2047 of /dev/vda (md5sum, compared with the
    host's),
  - reads the disk's serial (VIRTIO_BLK_T_GET_ID) and size from sysfs,
  - writes a known string to sector 5 (dd conv=sync,fsync) and runs sync,
  - checks that /dev/vdb is read-only and that a write to it fails,
  - reads 64 bytes from /dev/hwrng (virtio-rng) and shows them,
then powers off. Afterwards the host checks the exit status, every answer,
that sector 5 of disk.img holds the string (zero-padded), that no other
sector changed, and that ro.img did not change.

  linux_devices.py --source-dir SRC --tool tiercel-system-riscv64 --workdir DIR
"""
import functools
import hashlib
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_support import (expect_answer, images_or_skip, parse_answers,  # noqa: E402
                           parse_test_args, report, run_guest)  # (same directory)

SECTOR = 512
DISK_SECTORS = 2048
WRITTEN_SECTOR = 5
WRITTEN_TEXT = b"tiercel: written by the guest to sector 5"
SERIAL = "tiercel-d0"


def sector_pattern(index):
    """Sector `index` of disk.img: its number and a byte pattern."""
    head = b"tiercel-disk sector %04d " % index
    body = bytes((index * 7 + i) & 0xFF for i in range(SECTOR - len(head)))
    return head + body




def main():
    args = parse_test_args(__doc__, 300)
    images = images_or_skip("linux_devices", args.source_dir)
    if images is None:
        return 77
    kernel, initrd = images

    os.makedirs(args.workdir, exist_ok=True)
    disk = os.path.join(args.workdir, "disk.img")
    readonly = os.path.join(args.workdir, "ro.img")
    original = b"".join(sector_pattern(i) for i in range(DISK_SECTORS))
    with open(disk, "wb") as f:
        f.write(original)
    readonly_bytes = b"tiercel read-only disk\n" + bytes(64 * 1024 - 23)
    with open(readonly, "wb") as f:
        f.write(readonly_bytes)

    # One line per check, each answer on a line of its own that starts with
    # "R:" so the echo of the typed command never matches.
    script = "\n".join([
        "echo R:sector0 $(dd if=/dev/vda bs=512 count=1 2>/dev/null | md5sum)",
        "echo R:sector2047 $(dd if=/dev/vda bs=512 skip=2047 count=1 2>/dev/null | md5sum)",
        "echo R:serial $(cat /sys/block/vda/serial)",
        "echo R:size $(cat /sys/block/vda/size)",
        "printf '%s' '" + WRITTEN_TEXT.decode() + "' | dd of=/dev/vda bs=512 seek=5 count=1 "
        "conv=sync,fsync 2>/dev/null && echo R:write-ok",
        "sync",
        "echo R:ro $(cat /sys/block/vdb/ro) $(head -c 22 /dev/vdb)",
        "echo x | dd of=/dev/vdb bs=512 conv=sync 2>/dev/null && echo R:ro-write-succeeded"
        " || echo R:ro-write-refused",
        "echo R:rng-source $(cat /sys/class/misc/hw_random/rng_current)",
        "echo R:rng $(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n')",
        "poweroff -f",
        "",
    ])
    command = [args.tool, "-machine", "virt", "-nographic", "-m", "256M", "-bios", "default",
               "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0",
               "-drive", "file=%s,format=raw,if=none,id=d0" % disk,
               "-device", "virtio-blk-device,drive=d0,serial=" + SERIAL,
               "-drive", "file=%s,format=raw,if=virtio,readonly=on" % readonly,
               "-device", "virtio-rng-device"]
    print("command:", " ".join(command))
    started = time.monotonic()
    status, output = run_guest(command, script, args.timeout)
    print("guest ran %.2f s, status %s" % (time.monotonic() - started, status))

    answers = parse_answers(output)
    failures = []
    expect = functools.partial(expect_answer, answers, failures)

    if status != 0:
        failures.append("exit status %s, expected 0 (poweroff)" % status)
    md5 = lambda data: hashlib.md5(data).hexdigest() + " -"  # echo joins the words
    expect("sector0", md5(sector_pattern(0)))
    expect("sector2047", md5(sector_pattern(2047)))
    expect("serial", SERIAL)
    expect("size", str(DISK_SECTORS))
    expect("write-ok", "")
    expect("ro", "1 tiercel read-only disk")
    expect("ro-write-refused", "")
    expect("rng-source", "virtio_rng.0")
    rng = answers.get("rng", "")
    if not re.fullmatch(r"[0-9a-f]{128}", rng) or rng == "0" * 128:
        failures.append("rng: expected 64 random bytes in hex, got %r" % rng)

    with open(disk, "rb") as f:
        after = f.read()
    expected = bytearray(original)
    written = WRITTEN_TEXT + bytes(SECTOR - len(WRITTEN_TEXT))
    expected[WRITTEN_SECTOR * SECTOR:(WRITTEN_SECTOR + 1) * SECTOR] = written
    if after != bytes(expected):
        changed = [i for i in range(DISK_SECTORS)
                   if after[i * SECTOR:(i + 1) * SECTOR] != expected[i * SECTOR:(i + 1) * SECTOR]]
        failures.append("disk.img: sectors differ from the expected contents: %s (sector 5 "
                        "holds %r)" % (changed[:10], after[5 * SECTOR:5 * SECTOR + 48]))
    with open(readonly, "rb") as f:
        if f.read() != readonly_bytes:
            failures.append("ro.img changed")

    return report(failures, output, answers)


if __name__ == "__main__":
    sys.exit(main())
