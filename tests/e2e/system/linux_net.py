#!/usr/bin/env python3
"""Linux on the virt board with virtio-net on user networking and a virtio
console, in one boot.

Starts an HTTP server on the host's loopback (an ephemeral port) serving
data.bin (256 KiB of a known pseudo-random pattern), picks a free host port
HOSTPORT for a forward, then boots the guest images of
tools/guest/build-images.sh (exit 77, skipped, when they are not built) with

  -append console=hvc0
  -netdev user,id=n0,hostfwd=tcp:127.0.0.1:HOSTPORT-:8080
  -device virtio-net-device,netdev=n0
  -device virtio-serial-device

so the shell the test types into runs on the virtio console (/dev/hvc0):
every command and answer crosses its receive and transmit queues. In the
guest it
  - checks that /dev/console is hvc0 and writes a line to the UART
    (/dev/ttyS0), which shares the host's stdout,
  - brings eth0 up with udhcpc (slirp's DHCP: 10.0.2.15, gateway 10.0.2.2,
    DNS 10.0.2.3),
  - fetches data.bin from the host as http://10.0.2.2:PORT with wget and
    prints its md5sum,
  - starts busybox httpd on port 8080;
then the host fetches that page through the forward (127.0.0.1:HOSTPORT)
and checks its content, the guest sends a line back to the host with nc
(guest -> 10.0.2.2 TCP, checked by a host listener), and powers off.

  linux_net.py --source-dir SRC --tool tiercel-system-riscv64 --workdir DIR
"""
import functools
import hashlib
import http.server
import os
import re
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_support import (MARKER, expect_answer, images_or_skip, parse_answers,  # noqa: E402
                           parse_test_args, report)  # (same directory)

GUEST_PAGE = "tiercel: served by the guest over hostfwd"
NC_LINE = "tiercel: sent by the guest with nc"


def data_pattern(size):
    """data.bin: a deterministic pseudo-random pattern (an LCG)."""
    out = bytearray(size)
    state = 0x2545F491
    for i in range(size):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = state >> 16 & 0xFF
    return bytes(out)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_http_server(directory):
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=directory, **k)

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_line_listener():
    """A TCP listener on the host's loopback that keeps the first line it gets."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = []

    def serve():
        try:
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(30)
                data = b""
                while b"\n" not in data:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                received.append(data.decode(errors="replace").strip())
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return listener, received


class Guest:
    """The emulator with the console on pipes: read until a pattern, type."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, bufsize=0)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.output = bytearray()
        self.closed = False

    def wait_for(self, pattern, deadline):
        """True once `pattern` (a regex) is in the output."""
        regex = re.compile(pattern.encode())
        while not regex.search(self.output):
            if self.closed or time.monotonic() > deadline:
                return False
            if not self.selector.select(timeout=0.5):
                continue
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                self.closed = True
                continue
            self.output += chunk
        return True

    def type(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def finish(self, deadline):
        """Reads the rest of the output; returns the exit status (None on a timeout)."""
        while not self.closed and time.monotonic() < deadline:
            if self.selector.select(timeout=0.5):
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    self.closed = True
                self.output += chunk
        try:
            return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return None
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def text(self):
        return self.output.decode(errors="replace")


def main():
    args = parse_test_args(__doc__, 240)
    images = images_or_skip("linux_net", args.source_dir)
    if images is None:
        return 77
    kernel, initrd = images

    www = os.path.join(args.workdir, "www")
    os.makedirs(www, exist_ok=True)
    data = data_pattern(256 * 1024)
    with open(os.path.join(www, "data.bin"), "wb") as f:
        f.write(data)
    server = start_http_server(www)
    http_port = server.server_address[1]
    listener, nc_lines = start_line_listener()
    nc_port = listener.getsockname()[1]
    host_port = free_port()

    command = [args.tool, "-machine", "virt", "-nographic", "-m", "256M", "-bios", "default",
               "-kernel", kernel, "-initrd", initrd, "-append", "console=hvc0",
               "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:8080" % host_port,
               "-device", "virtio-net-device,netdev=n0",
               "-device", "virtio-serial-device", "-d", "stats"]
    print("command:", " ".join(command))
    # Answers start with "R:" at the start of a line, so the typed command's
    # echo never matches.
    first = "\n".join([
        "echo R:console $(cat /sys/class/tty/console/active)",
        "echo R:uart-line > /dev/ttyS0",
        "udhcpc -i eth0 -n -q -t 5 >/dev/null 2>&1; echo R:dhcp $?",
        "echo R:addr $(ip -4 -o addr show dev eth0 | awk '{print $4}')",
        "echo R:route $(ip route | awk '/^default/ {print $3}')",
        "echo R:dns $(awk '/^nameserver/ {print $2}' /etc/resolv.conf)",
        "echo R:mac $(cat /sys/class/net/eth0/address)",
        "wget -q -O /tmp/data.bin http://10.0.2.2:%d/data.bin; echo R:wget $?" % http_port,
        "echo R:md5 $(md5sum /tmp/data.bin | cut -d' ' -f1)",
        "mkdir -p /www && echo '%s' > /www/index.html" % GUEST_PAGE,
        "httpd -p 8080 -h /www && echo R:httpd-up",
        "",
    ])
    second = "\n".join([
        "echo '%s' | nc 10.0.2.2 %d; echo R:nc $?" % (NC_LINE, nc_port),
        "echo R:done",
        "poweroff -f",
        "",
    ])

    started = time.monotonic()
    deadline = started + args.timeout
    guest = Guest(command)
    failures = []
    host_page = None
    booted = guest.wait_for(re.escape(MARKER), deadline)
    boot_seconds = time.monotonic() - started
    if not booted:
        failures.append("no marker line %r" % MARKER)
    else:
        guest.type(first)
        if guest.wait_for(r"(?m)^R:httpd-up", deadline):
            # The guest's web server through the forward, from the host.
            for _ in range(20):
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/index.html" % host_port,
                                                timeout=10) as response:
                        host_page = response.read().decode(errors="replace").strip()
                    break
                except OSError:
                    time.sleep(0.5)
        else:
            failures.append("the guest did not get to start httpd")
        guest.type(second)
        guest.wait_for(r"(?m)^R:done", deadline)
    status = guest.finish(deadline)
    server.shutdown()
    listener.close()
    output = guest.text()
    print("guest ran %.2f s (marker after %.2f s), status %s"
          % (time.monotonic() - started, boot_seconds, status))

    answers = parse_answers(output)
    expect = functools.partial(expect_answer, answers, failures)

    if status != 0:
        failures.append("exit status %s, expected 0 (poweroff)" % status)
    expect("console", "hvc0")
    expect("uart-line", "")
    expect("dhcp", "0")
    expect("addr", "10.0.2.15/24")
    expect("route", "10.0.2.2")
    expect("dns", "10.0.2.3")
    expect("mac", "52:54:00:12:34:56")
    expect("wget", "0")
    expect("md5", hashlib.md5(data).hexdigest())
    expect("nc", "0")
    if host_page != GUEST_PAGE:
        failures.append("host fetch through hostfwd 127.0.0.1:%d: got %r, expected %r"
                        % (host_port, host_page, GUEST_PAGE))
    if nc_lines != [NC_LINE]:
        failures.append("host listener: got %r, expected %r" % (nc_lines, [NC_LINE]))
    frames = re.search(r"stats: -netdev user,id=n0: (\d+) frames from the guest, (\d+) to it",
                       output)
    if not frames:
        failures.append("no -netdev frame counts in -d stats")
    else:
        print("frames: %s from the guest, %s to it" % frames.groups())

    return report(failures, output, answers)


if __name__ == "__main__":
    sys.exit(main())
