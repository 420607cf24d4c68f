"""What the Linux end-to-end tests (linux_*.py) share: their command line,
the guest images of tools/guest/build-images.sh, running a guest that is
typed a script, and reading back its answers."""
import argparse
import os
import re
import selectors
import subprocess
import time

# The line /init prints when the shell is ready for input (tools/guest/init).
MARKER = "tiercel-guest: init ready"


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


def run_guest(command, script, timeout):
    """Runs the emulator, types `script` after the marker, returns (status, output)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, bufsize=0)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    output = bytearray()
    sent = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
            if not sent and MARKER.encode() in output:
                process.stdin.write(script.encode())
                process.stdin.flush()
                sent = True
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        status = None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return status, output.decode(errors="replace")


def parse_answers(output):
    """The guest's answers: each line "R:key value" (at the start of a line,
    so the echo of the typed command never matches), as {key: value}."""
    answers = {}
    for line in output.splitlines():
        match = re.match(r"^R:(\S+) ?(.*?)\s*$", line)
        if match:
            answers[match.group(1)] = match.group(2)
    return answers


def expect_answer(answers, failures, key, wanted):
    """Adds a failure unless the guest answered `wanted` for `key`."""
    got = answers.get(key)
    if got != wanted:
        failures.append("%s: guest said %r, expected %r" % (key, got, wanted))


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
