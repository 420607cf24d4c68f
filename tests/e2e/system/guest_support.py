"""What the Linux end-to-end tests (linux_*.py) share: their command line
and the guest images of tools/guest/build-images.sh."""
import argparse
import os
import subprocess


def guest_images(source_dir):
    """(kernel, initrd) of the cached guest images, or None when not built."""
    try:
        output = subprocess.run(
            ["bash", os.path.join(source_dir, "tools/guest/build-images.sh"), "--print-paths"],
            capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        return None
    paths = [line for line in output.splitlines() if line.startswith("KERNEL=")]
    if not paths:
        return None
    fields = dict(field.split("=", 1) for field in paths[-1].split())
    return fields["KERNEL"], fields["INITRD"]


def parse_test_args(doc, timeout, extra=None):
    """--source-dir, --tool, --workdir, --timeout (default `timeout`), and
    whatever `extra(parser)` adds."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    if extra is not None:
        extra(parser)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--timeout", type=float, default=timeout)
    return parser.parse_args()


def images_or_skip(name, source_dir):
    """The guest images, or None after saying the test is skipped (exit 77)."""
    images = guest_images(source_dir)
    if images is None:
        print("%s: guest images not built (make guest-images): skipped" % name)
    return images


def report(failures, output, answers):
    """The end of a test: the failures (with the tail of the guest's
    output) and status 1, or the guest's answers and status 0."""
    if failures:
        print(output[-6000:])
        for failure in failures:
            print("FAIL:", failure)
        return 1
    print("answers:", answers)
    print("PASS")
    return 0
