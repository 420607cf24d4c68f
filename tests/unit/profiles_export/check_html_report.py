#!/usr/bin/env python3
"""Loads an HTML report in headless Chromium and checks the DOM it built.

usage: check_html_report.py --chromium PATH --report DIR/index.html --manifest manifest.json

The report must be self-contained (no URL it could fetch), and after Chromium
parsed it (--dump-dom) it must hold the three plots (svg#plot-hot-ranges,
svg#plot-tier-timeline, svg#plot-compile-latency), the summary and the tables.
For a profile with blocks (manifest blockCount > 0) every plot must have drawn
shapes and none may say "no data"; for an empty profile every plot must say
"no data". Hostile strings from the profile must come out as text: no <b> or
<script> element may appear in the DOM.
"""

import argparse
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

PLOT_IDS = ("plot-hot-ranges", "plot-tier-timeline", "plot-compile-latency")
SHAPES = {"rect", "path", "line", "polyline", "polygon", "circle"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class DomSummary(html.parser.HTMLParser):
    """Counts, per plot svg, its shapes and its text; and the tags seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, plot id of the enclosing plot or None)
        self.shapes = {plot: 0 for plot in PLOT_IDS}
        self.plot_text = {plot: "" for plot in PLOT_IDS}
        self.seen_plots = []
        self.tags = {}
        self.ids = set()
        self.text = []

    def current_plot(self):
        return self.stack[-1][1] if self.stack else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in attrs:
            self.ids.add(attrs["id"])
        plot = self.current_plot()
        if tag == "svg" and attrs.get("id") in PLOT_IDS:
            plot = attrs["id"]
            self.seen_plots.append(plot)
        if plot and tag in SHAPES:
            self.shapes[plot] += 1
        if tag not in VOID:
            self.stack.append((tag, plot))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Pop to the matching open element (Chromium's serialization is well nested).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.text.append(data)
        plot = self.current_plot()
        if plot:
            self.plot_text[plot] += data


def fail(message):
    sys.exit(f"FAIL: {message}")


def check_self_contained(source):
    # The only URL allowed is the SVG namespace name, which is never fetched.
    without_namespace = source.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for pattern in (r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import", r"https?://", r"//cdn"):
        match = re.search(pattern, without_namespace, re.IGNORECASE)
        if match:
            fail(f"report refers to an external resource: {source[match.start():match.start() + 80]!r}")


def dump_dom(chromium, report):
    with tempfile.TemporaryDirectory(prefix="tiercel-chromium-") as profile_dir:
        command = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                   "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                   f"--user-data-dir={profile_dir}", "--dump-dom",
                   "file://" + os.path.abspath(report)]
        try:
            result = subprocess.run(command, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            fail("chromium did not finish within 120 s")
    if result.returncode != 0:
        fail(f"chromium exited with {result.returncode}: {result.stderr.decode(errors='replace')}")
    dom = result.stdout.decode("utf-8", errors="strict")
    if "<html" not in dom:
        fail(f"chromium printed no DOM; stderr: {result.stderr.decode(errors='replace')}")
    return dom


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()

    with open(args.manifest, encoding="utf-8") as handle:
        manifest = json.load(handle)
    with open(args.report, encoding="utf-8", errors="strict") as handle:
        source = handle.read()
    check_self_contained(source)

    dom = dump_dom(args.chromium, args.report)
    summary = DomSummary()
    summary.feed(dom)
    summary.close()

    if sorted(summary.seen_plots) != sorted(PLOT_IDS):
        fail(f"plots in the DOM: {summary.seen_plots}, expected one each of {PLOT_IDS}")
    for table in ("summary", "table-top-functions", "table-top-blocks", "table-images"):
        if table not in summary.ids:
            fail(f"no element #{table} in the DOM")
    for tag in ("b", "script", "iframe", "img"):
        if summary.tags.get(tag):
            fail(f"the DOM has {summary.tags[tag]} <{tag}> element(s): escaping failed")
    text = "".join(summary.text)

    if manifest["blockCount"] > 0:
        for plot in PLOT_IDS:
            if summary.shapes[plot] == 0:
                fail(f"{plot} has no drawn shapes")
            if "no data" in summary.plot_text[plot]:
                fail(f"{plot} says 'no data' for a profile with data")
        if "no data" in text:
            fail("the report says 'no data' for a profile with data")
        # Hostile strings are back to their text once parsed, not markup.
        for key in ("hostileSymbol", "hostileArgument"):
            first_line = manifest[key].split("\n")[0]
            if first_line and first_line not in text:
                fail(f"{key} {first_line!r} is not in the page text")
        if summary.tags.get("tr", 0) < 2 + min(manifest["blockCount"], 30):
            fail("the tables have too few rows")
    else:
        for plot in PLOT_IDS:
            if "no data" not in summary.plot_text[plot]:
                fail(f"{plot} of an empty profile does not say 'no data'")
    print("ok: " + ", ".join(f"{p}: {summary.shapes[p]} shapes" for p in PLOT_IDS))


if __name__ == "__main__":
    main()
