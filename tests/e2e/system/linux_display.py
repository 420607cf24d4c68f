#!/usr/bin/env python3
"""Linux on the virt board with a framebuffer and virtio-input, in one boot.

Two modes, one boot each, on the guest images of tools/guest/build-images.sh
(exit 77, skipped, when they are not built):

  --mode sdl   -display sdl under an X server: Xvfb started here (exit 77 only
               when Xvfb or xdotool is not installed), with a keyboard, a
               tablet and a mouse (virtio-keyboard/tablet/mouse-device) and
               -append "console=tty0 console=ttyS0" (kernel messages on both).
               Checks:
                 - the window exists with the title "Tiercel virt - interp";
                 - a screenshot (SIGUSR1 -> screendump=FILE) shows text: lit
                   pixels spread over many glyph rows of fbcon's 8x16 font;
                 - the window shows the same picture (read back from the X
                   server with XGetImage), and after a resize it is scaled to
                   the new size;
                 - keys typed with xdotool into the window reach the shell
                   on tty1 through virtio-keyboard: `echo typed-$((6*7)) >
                   /dev/ttyS0` prints typed-42 on the serial console, and the
                   screenshot changed where the command was drawn;
                 - moving the pointer over the window gives the guest's
                   tablet an EV_ABS ABS_X event scaled to 0..32767;
                 - Ctrl-Alt-G grabs the pointer (for the mouse) and releases
                   it, the title saying so;
                 - the run ends with status 0 after poweroff and the last
                   screenshot is written.
  --mode png   -display png:FILE,interval=0.2 with no X server at all
               (DISPLAY unset): the guest has /dev/fb0 (simplefb, 640x480),
               the periodic screenshot shows the boot text, a line written to
               /dev/tty1 from the serial shell changes it, SIGUSR1 rewrites it,
               and the last one is there after poweroff.

  linux_display.py --mode sdl|png --source-dir SRC --tool tiercel-system-riscv64 --workdir DIR
"""
import ctypes
import ctypes.util
import os
import re
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest_support import MARKER, images_or_skip, parse_test_args  # noqa: E402  (same directory)

WIDTH, HEIGHT = 640, 480
GLYPH_HEIGHT = 16  # fbcon's default font on 640x480 is 8x16: 80x30 cells
TITLE = "Tiercel virt - interp"


# ---------------------------------------------------------------------------
# PNG (8-bit RGB, what the emulator writes) without third-party modules


def read_png(path):
    """Returns (width, height, rows): rows[y] is a bytes of width * 3 RGB."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG file" % path)
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 2 or interlace != 0:
        raise ValueError("%s: expected 8-bit RGB, not interlaced" % path)
    raw = zlib.decompress(idat)
    stride, bpp = width * 3, 3
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def lit_pixels(rows):
    """Positions of pixels brighter than fbcon's black background."""
    lit = []
    for y, row in enumerate(rows):
        for x in range(len(row) // 3):
            if row[3 * x] + row[3 * x + 1] + row[3 * x + 2] > 96:
                lit.append((x, y))
    return lit


def text_rows(lit):
    return sorted({y // GLYPH_HEIGHT for _, y in lit})


def differing_pixels(a_rows, b_rows):
    count = 0
    for a, b in zip(a_rows, b_rows):
        if a != b:
            count += sum(1 for i in range(0, len(a), 3) if a[i:i + 3] != b[i:i + 3])
    return count


# ---------------------------------------------------------------------------
# Reading a window back from the X server (libX11 through ctypes)


class XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p),
                ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
                ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
                ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int),
                ("bits_per_pixel", ctypes.c_int)]


def capture_window(display, window):
    """(width, height, rows of RGB) of the window's contents, or None."""
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XGetGeometry.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_void_p] * 7
    x11.XGetImage.restype = ctypes.POINTER(XImage)
    x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                              ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        return None
    try:
        root = ctypes.c_ulong()
        x, y = ctypes.c_int(), ctypes.c_int()
        width, height, border, depth = (ctypes.c_uint() for _ in range(4))
        if not x11.XGetGeometry(connection, window, ctypes.byref(root), ctypes.byref(x),
                                ctypes.byref(y), ctypes.byref(width), ctypes.byref(height),
                                ctypes.byref(border), ctypes.byref(depth)):
            return None
        image = x11.XGetImage(connection, window, 0, 0, width.value, height.value,
                              0xFFFFFFFF, 2)  # AllPlanes, ZPixmap
        if not image or image.contents.bits_per_pixel != 32:
            return None
        im = image.contents
        raw = ctypes.string_at(im.data, im.bytes_per_line * im.height)
        rows = []
        for row in range(im.height):
            line = raw[row * im.bytes_per_line:row * im.bytes_per_line + 4 * im.width]
            rgb = bytearray(3 * im.width)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[2::4], line[1::4], line[0::4]  # BGRX
            rows.append(bytes(rgb))
        return im.width, im.height, rows
    finally:
        x11.XCloseDisplay(connection)


# ---------------------------------------------------------------------------
# The emulator and its serial console


class Guest:
    def __init__(self, command, env):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, bufsize=0, env=env)
        self.output = bytearray()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def text(self):
        with self.lock:
            return self.output.decode(errors="replace")

    def wait_for(self, pattern, timeout, start=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text()[start:], re.M)
            if match:
                return match
            if self.process.poll() is not None:
                time.sleep(0.2)
                return re.search(pattern, self.text()[start:], re.M)
            time.sleep(0.05)
        return None

    def send(self, line):
        self.process.stdin.write((line + "\n").encode())
        self.process.stdin.flush()

    def ask(self, key, command, timeout=30):
        """Runs `command` on the serial shell; returns what it printed after R:key."""
        start = len(self.text())
        self.send("echo R:%s $(%s)" % (key, command))
        match = self.wait_for(r"^R:%s ?(.*?)\s*$" % re.escape(key), timeout, start)
        return match.group(1) if match else None

    def finish(self, timeout):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def screenshot(guest, path, timeout=10):
    """Asks for a screenshot (SIGUSR1) and waits until the file is replaced."""
    before = os.stat(path).st_ino if os.path.exists(path) else None
    guest.process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.stat(path).st_ino != before:
            return read_png(path)
        time.sleep(0.05)
    raise RuntimeError("no new screenshot in %s after SIGUSR1" % path)




def check_text_picture(picture, what, failures):
    """The picture is fbcon text: lit pixels over many glyph rows, mostly background."""
    width, height, rows = picture
    if (width, height) != (WIDTH, HEIGHT):
        failures.append("%s: %dx%d, expected %dx%d" % (what, width, height, WIDTH, HEIGHT))
        return
    lit = lit_pixels(rows)
    share = len(lit) / float(width * height)
    glyph_rows = text_rows(lit)
    print("%s: %.1f%% lit pixels over %d glyph rows" % (what, 100 * share, len(glyph_rows)))
    if not 0.01 <= share <= 0.5 or len(glyph_rows) < 10:
        failures.append("%s does not look like console text: %.2f%% lit, %d glyph rows"
                        % (what, 100 * share, len(glyph_rows)))


def x_tool(*args, display):
    return subprocess.run(["xdotool"] + list(args), capture_output=True, text=True,
                          env=dict(os.environ, DISPLAY=display), timeout=30)


def start_xvfb(workdir):
    """Starts Xvfb on a free display; returns (process, ':N')."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                                "1280x1024x24", "-nolisten", "tcp"],
                               pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(workdir, "xvfb.log"), "w"))
    os.close(write_end)
    number = b""
    selector = selectors.DefaultSelector()
    selector.register(read_end, selectors.EVENT_READ)
    deadline = time.monotonic() + 20
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            chunk = os.read(read_end, 16)
            if not chunk:
                break
            number += chunk
    os.close(read_end)
    if not number.strip():
        process.kill()
        process.wait()
        raise RuntimeError("Xvfb did not start (see xvfb.log)")
    return process, ":" + number.decode().strip()


# ---------------------------------------------------------------------------


def run_sdl(args, kernel, initrd, failures):
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        print("linux_display: Xvfb or xdotool is not installed (bash tools/install-deps.sh): "
              "skipped")
        return 77
    xvfb, display = start_xvfb(args.workdir)
    shot = os.path.join(args.workdir, "sdl-screen.png")
    guest = None
    try:
        env = dict(os.environ, DISPLAY=display)
        env.pop("WAYLAND_DISPLAY", None)
        command = [args.tool, "-machine", "virt", "-m", "256M", "-bios", "default",
                   "-kernel", kernel, "-initrd", initrd,
                   "-append", "console=tty0 console=ttyS0",
                   "-display", "sdl,screendump=" + shot,
                   "-device", "virtio-keyboard-device", "-device", "virtio-tablet-device",
                   "-device", "virtio-mouse-device"]
        print("DISPLAY=%s %s" % (display, " ".join(command)))
        started = time.monotonic()
        guest = Guest(command, env)
        if not guest.wait_for(re.escape(MARKER), args.timeout):
            failures.append("no marker line: the guest did not boot")
            return 1
        print("marker after %.2f s" % (time.monotonic() - started))

        found = x_tool("search", "--sync", "--name", "^%s$" % re.escape(TITLE), display=display)
        windows = found.stdout.split()
        if not windows:
            failures.append("no window titled %r (xdotool: %s)" % (TITLE, found.stderr.strip()))
            return 1
        window = windows[0]
        name = x_tool("getwindowname", window, display=display).stdout.strip()
        if name != TITLE:
            failures.append("window title %r, expected %r" % (name, TITLE))

        names = guest.ask("inputs", "cat /sys/class/input/input*/name | tr '\\n' ,")
        if names != "QEMU Virtio Keyboard,QEMU Virtio Tablet,QEMU Virtio Mouse,":
            failures.append("input devices: guest said %r" % names)
        # The shell on tty1 must have the terminal open before keys arrive.
        ready = guest.ask("tty1", "for i in $(seq 50); do ls -l /proc/[0-9]*/fd 2>/dev/null | "
                                  "grep -q /dev/tty1 && break; sleep 0.1; done; echo $i")
        if ready is None or int(ready or 99) >= 50:
            failures.append("no shell on tty1 (%r)" % ready)

        before = screenshot(guest, shot)
        check_text_picture(before, "screenshot after boot", failures)

        # The window shows the framebuffer: compared pixel by pixel at 1:1
        # (the cursor blinks: a few cells may differ).
        time.sleep(0.3)
        captured = capture_window(display, int(window))
        if captured is None:
            print("note: libX11 not usable from Python: window contents not checked")
        else:
            now = screenshot(guest, shot)
            if captured[:2] != (WIDTH, HEIGHT):
                failures.append("window is %dx%d, expected %dx%d" % (captured[0], captured[1],
                                                                     WIDTH, HEIGHT))
            else:
                differ = differing_pixels(captured[2], now[2])
                print("window vs screenshot: %d pixels differ" % differ)
                if differ > WIDTH * HEIGHT // 50:
                    failures.append("the window does not show the framebuffer: %d of %d "
                                    "pixels differ" % (differ, WIDTH * HEIGHT))

        # Type a command on the framebuffer console: its output comes out on
        # the serial line, computed by the guest's shell.
        x_tool("windowfocus", "--sync", window, display=display)
        x_tool("mousemove", "--window", window, "10", "10", display=display)
        start = len(guest.text())
        typed = x_tool("type", "--delay", "30", "echo typed-$((6*7)) > /dev/ttyS0",
                       display=display)
        x_tool("key", "Return", display=display)
        if typed.returncode != 0:
            failures.append("xdotool type failed: %s" % typed.stderr.strip())
        if not guest.wait_for(r"^typed-42\s*$", 30, start):
            failures.append("typed command: no typed-42 on the serial console")
        time.sleep(0.3)
        after = screenshot(guest, shot)
        changed = differing_pixels(before[2], after[2])
        print("screen after typing: %d pixels changed" % changed)
        if changed < 300:  # ~35 glyphs drawn; a blinking cursor alone is a few dozen
            failures.append("the screen hardly changed after typing (%d pixels)" % changed)

        # The tablet follows the pointer: the middle of the picture is about
        # half of 0..32767 on each axis.
        event = guest.ask("tablet-event", "for d in /sys/class/input/event*; do "
                                          "[ \"$(cat $d/device/name)\" = 'QEMU Virtio Tablet' ] "
                                          "&& echo ${d##*/}; done")
        if not event:
            failures.append("no event device for the tablet")
        else:
            # Six events (struct input_event, 24 bytes on riscv64), then od
            # exits and its output is complete.
            guest.send("dd if=/dev/input/%s bs=24 count=6 2>/dev/null | od -An -tx1 -v "
                       "> /tmp/tablet.txt &" % event)
            time.sleep(0.5)
            for x, y in ((320, 240), (100, 50), (321, 241)):
                x_tool("mousemove", "--window", window, str(x), str(y), display=display)
                time.sleep(0.2)
            dump = guest.ask("tablet", "for i in $(seq 50); do [ -s /tmp/tablet.txt ] && break; "
                                       "sleep 0.1; done; cat /tmp/tablet.txt")
            data = bytes(int(b, 16) for b in (dump or "").split())
            xs = []
            for at in range(0, len(data) - 23, 24):
                kind, code, value = struct.unpack("<HHi", data[at + 16:at + 24])
                if kind == 3 and code == 0:
                    xs.append(value)
            print("tablet ABS_X values:", xs)
            if not any(15000 <= x <= 17500 for x in xs):
                failures.append("tablet: no ABS_X near the middle (got %s)" % xs)

        # Ctrl-Alt-G grabs the pointer for the relative mouse and releases
        # it; the title says so while grabbed.
        grabbed_title = TITLE + " - Press Ctrl-Alt-G to release grab"
        titles = []
        for _ in range(2):
            x_tool("key", "ctrl+alt+g", display=display)
            time.sleep(0.3)
            titles.append(x_tool("getwindowname", window, display=display).stdout.strip())
        print("titles after Ctrl-Alt-G twice:", titles)
        if titles != [grabbed_title, TITLE]:
            failures.append("Ctrl-Alt-G: titles %s, expected %s" % (titles, [grabbed_title, TITLE]))

        # Scaling: a bigger window shows the picture over all of it.
        x_tool("windowsize", "--sync", window, "960", "720", display=display)
        time.sleep(0.5)
        captured = capture_window(display, int(window))
        if captured is not None:
            width, height, rows = captured
            lit = lit_pixels(rows)
            right = max((x for x, _ in lit), default=0)
            bottom = max((y for _, y in lit), default=0)
            print("resized window %dx%d: text reaches x=%d, y=%d" % (width, height, right, bottom))
            if (width, height) != (960, 720) or right < 700 or bottom < 500:
                failures.append("after the resize to 960x720 the window is %dx%d with text to "
                                "(%d, %d): not scaled" % (width, height, right, bottom))

        guest.send("poweroff -f")
        status = guest.finish(30)
        if status != 0:
            failures.append("exit status %s, expected 0 (poweroff)" % status)
        if not os.path.exists(shot):
            failures.append("no screenshot at the end of the run")
        print("guest ran %.2f s" % (time.monotonic() - started))
    finally:
        if guest is not None and guest.process.poll() is None:
            guest.process.kill()
            guest.process.wait()
        xvfb.terminate()
        xvfb.wait()
        if failures and guest is not None:
            print(guest.text()[-4000:])
    return 1 if failures else 0


def run_png(args, kernel, initrd, failures):
    shot = os.path.join(args.workdir, "png-screen.png")
    if os.path.exists(shot):
        os.remove(shot)
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # no X server: the png display needs none
    env.pop("WAYLAND_DISPLAY", None)
    command = [args.tool, "-machine", "virt", "-m", "256M", "-bios", "default",
               "-kernel", kernel, "-initrd", initrd, "-append", "console=tty0 console=ttyS0",
               "-display", "png:%s,interval=0.2" % shot, "-device", "virtio-keyboard-device"]
    print(" ".join(command))
    started = time.monotonic()
    guest = Guest(command, env)
    try:
        if not guest.wait_for(re.escape(MARKER), args.timeout):
            failures.append("no marker line: the guest did not boot")
            return 1
        expect = {
            "fb": ("cat /proc/fb", "0 simple"),
            "size": ("cat /sys/class/graphics/fb0/virtual_size", "640,480"),
            "keyboard": ("cat /sys/class/input/input0/name", "QEMU Virtio Keyboard"),
        }
        for key, (command_line, wanted) in expect.items():
            got = guest.ask(key, command_line)
            if got != wanted:
                failures.append("%s: guest said %r, expected %r" % (key, got, wanted))
        # The periodic screenshot follows the boot text.
        deadline = time.monotonic() + 20
        while not os.path.exists(shot) and time.monotonic() < deadline:
            time.sleep(0.1)
        before = screenshot(guest, shot)
        check_text_picture(before, "screenshot after boot", failures)
        # Text written to the framebuffer console from the serial shell.
        guest.send("echo; echo 'drawn from the serial console' > /dev/tty1")
        deadline = time.monotonic() + 10
        changed = 0
        while time.monotonic() < deadline and changed < 300:
            time.sleep(0.3)
            changed = differing_pixels(before[2], read_png(shot)[2])
        print("screen after writing to tty1: %d pixels changed" % changed)
        if changed < 300:
            failures.append("the periodic screenshot did not show the line written to tty1 "
                            "(%d pixels changed)" % changed)
        guest.send("poweroff -f")
        status = guest.finish(30)
        if status != 0:
            failures.append("exit status %s, expected 0 (poweroff)" % status)
        if os.path.exists(shot):
            check_text_picture(read_png(shot), "last screenshot", failures)
        else:
            failures.append("no screenshot after the run")
        print("guest ran %.2f s" % (time.monotonic() - started))
    finally:
        if guest.process.poll() is None:
            guest.process.kill()
            guest.process.wait()
        if failures:
            print(guest.text()[-4000:])
    return 1 if failures else 0


def main():
    args = parse_test_args(__doc__, 120, lambda parser: parser.add_argument(
        "--mode", choices=["sdl", "png"], required=True))
    images = images_or_skip("linux_display", args.source_dir)
    if images is None:
        return 77
    os.makedirs(args.workdir, exist_ok=True)
    failures = []
    run = run_sdl if args.mode == "sdl" else run_png
    status = run(args, images[0], images[1], failures)
    for failure in failures:
        print("FAIL:", failure)
    if status == 0:
        print("PASS")
    return status


if __name__ == "__main__":
    sys.exit(main())
