#!/usr/bin/env python3
"""Validates one export of a sample profile by parsing it back.

usage: validate_exports.py FORMAT DIR
  FORMAT  pprof | speedscope | chrome | folded | json
  DIR     a directory written by profiles_export_writer: the export files and
          manifest.json (facts computed from the RunProfile itself)

pprof is decoded with pprof_wire.py (and `protoc --decode_raw` when protoc is
installed); the JSON formats are checked against their schemas; every format
is checked against the manifest's totals and blocks.
"""

import collections
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pprof_wire  # noqa: E402

HEX = re.compile(r"^0x[0-9a-f]+$")
TIERS = ("interp", "baseline", "optimized")
EVENT_KINDS = ("translate", "tier-up", "invalidate", "flush")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def block_label(block):
    return f"0x{block['startPc']:x} [{block['tier']}]"


def nonzero_blocks(manifest):
    return [b for b in manifest["blocks"] if b["executions"] * b["instructionCount"] != 0]


def load_json(path):
    with open(path, encoding="utf-8", errors="strict") as handle:
        return json.load(handle)


# --- pprof -------------------------------------------------------------------

def validate_pprof(directory, manifest):
    with open(os.path.join(directory, "profile.pb.gz"), "rb") as handle:
        compressed = handle.read()
    check(compressed[:2] == b"\x1f\x8b", "pprof: not gzip (magic bytes)")
    data = gzip.decompress(compressed)
    profile = pprof_wire.decode_profile(data)
    check(not profile["_unknown"], f"pprof: unknown fields {profile['_unknown']}")

    strings = profile["string_table"]
    check(strings and strings[0] == "", "pprof: string_table[0] must be \"\"")

    def string(index, what):
        check(0 <= index < len(strings), f"pprof: {what}: string index {index} out of range")
        return strings[index]

    sample_types = [(string(t["type"], "sample_type"), string(t["unit"], "sample_type"))
                    for t in profile["sample_type"]]
    check(sample_types == [("instructions", "count"), ("executions", "count")],
          f"pprof: sample types {sample_types}")
    period_type = profile["period_type"]
    check(period_type is not None and string(period_type["type"], "period_type") == "instructions",
          "pprof: period_type")
    check(profile["period"] == 1, "pprof: period")
    check(string(profile["default_sample_type"], "default_sample_type") == "instructions",
          "pprof: default_sample_type")
    check(profile["time_nanos"] == manifest["startUnixNs"], "pprof: time_nanos")
    check(profile["duration_nanos"] == manifest["durationNs"], "pprof: duration_nanos")
    comments = [string(c, "comment") for c in profile["comment"]]
    check(f"tiercel {manifest['tiercelVersion']}" in comments, f"pprof: comments {comments}")
    check(any(c.startswith("command line:") for c in comments), "pprof: no command line comment")

    mappings = {}
    for mapping in profile["mapping"]:
        check(mapping["id"] != 0 and mapping["id"] not in mappings, "pprof: mapping ids")
        mappings[mapping["id"]] = mapping
    check([string(m["filename"], "mapping") for m in profile["mapping"]] ==
          [i["path"] for i in manifest["images"]], "pprof: mapping filenames != image paths")
    for mapping, image in zip(profile["mapping"], manifest["images"]):
        check((mapping["memory_start"], mapping["memory_limit"]) == (image["start"], image["end"]),
              "pprof: mapping range")

    functions = {}
    for function in profile["function"]:
        check(function["id"] != 0 and function["id"] not in functions, "pprof: function ids")
        for key in ("name", "system_name", "filename"):
            string(function[key], f"function.{key}")
        functions[function["id"]] = function
    locations = {}
    for location in profile["location"]:
        check(location["id"] != 0 and location["id"] not in locations, "pprof: location ids")
        check(location["mapping_id"] == 0 or location["mapping_id"] in mappings,
              f"pprof: location {location['id']}: mapping {location['mapping_id']} unresolved")
        check(len(location["line"]) == 1, "pprof: a location must have one line")
        check(location["line"][0]["function_id"] in functions,
              f"pprof: location {location['id']}: function unresolved")
        locations[location["id"]] = location

    samples = profile["sample"]
    check(len(samples) == manifest["blockCount"], f"pprof: {len(samples)} samples")
    totals = [0, 0]
    seen_blocks = collections.Counter()
    for sample in samples:
        check(len(sample["value"]) == 2, "pprof: a sample must have 2 values")
        totals[0] += sample["value"][0]
        totals[1] += sample["value"][1]
        check(len(sample["location_id"]) == 3, "pprof: stack must be block, function, image")
        for location_id in sample["location_id"]:
            check(location_id in locations, f"pprof: sample location {location_id} unresolved")
        leaf = locations[sample["location_id"][0]]
        leaf_name = string(functions[leaf["line"][0]["function_id"]]["name"], "leaf")
        tiers = [string(l["str"], "label") for l in sample["label"]
                 if string(l["key"], "label") == "tier"]
        check(len(tiers) == 1 and tiers[0] in TIERS, f"pprof: tier label {tiers}")
        check(leaf_name == f"0x{leaf['address']:x} [{tiers[0]}]", f"pprof: leaf name {leaf_name}")
        seen_blocks[(leaf["address"], tiers[0], sample["value"][0], sample["value"][1])] += 1
    expected_blocks = collections.Counter(
        (b["startPc"], b["tier"], b["executions"] * b["instructionCount"], b["executions"])
        for b in manifest["blocks"])
    check(seen_blocks == expected_blocks, "pprof: samples do not match the blocks")
    check(totals[0] == manifest["totalInstructions"],
          f"pprof: instructions {totals[0]} != {manifest['totalInstructions']}")
    check(totals[1] == manifest["totalExecutions"],
          f"pprof: executions {totals[1]} != {manifest['totalExecutions']}")
    if manifest["hostileSymbol"]:
        names = {string(f["name"], "function") for f in functions.values()}
        check(manifest["hostileSymbol"] in names, "pprof: hostile symbol name not kept verbatim")

    protoc = shutil.which("protoc")
    if protoc:
        result = subprocess.run([protoc, "--decode_raw"], input=data, capture_output=True,
                                timeout=60)
        check(result.returncode == 0, f"pprof: protoc --decode_raw failed: {result.stderr!r}")
        print("protoc --decode_raw accepted the message")
    else:
        print("protoc not installed: skipped the protoc --decode_raw cross-check")


# --- speedscope ----------------------------------------------------------------

def validate_speedscope(directory, manifest):
    document = load_json(os.path.join(directory, "speedscope.json"))
    check(document.get("$schema") == "https://www.speedscope.app/file-format-schema.json",
          "speedscope: $schema")
    for key, kind in (("shared", dict), ("profiles", list), ("name", str), ("exporter", str),
                      ("activeProfileIndex", int)):
        check(isinstance(document.get(key), kind), f"speedscope: {key} missing or not {kind}")
    frames = document["shared"].get("frames")
    check(isinstance(frames, list), "speedscope: shared.frames")
    for frame in frames:
        check(isinstance(frame, dict) and isinstance(frame.get("name"), str),
              f"speedscope: frame {frame}")
        check(set(frame) <= {"name", "file", "line", "col"}, f"speedscope: frame keys {frame}")
        check("file" not in frame or isinstance(frame["file"], str), "speedscope: frame file")
    check(len(document["profiles"]) == 1, "speedscope: one profile")
    check(document["activeProfileIndex"] == 0, "speedscope: activeProfileIndex")
    profile = document["profiles"][0]
    check(profile.get("type") == "sampled", "speedscope: type")
    check(profile.get("name") == "guest instructions (estimated)", "speedscope: name")
    check(profile.get("unit") == "none", "speedscope: unit")
    check(profile.get("startValue") == 0, "speedscope: startValue")
    check(profile.get("endValue") == manifest["totalInstructions"], "speedscope: endValue")
    samples, weights = profile.get("samples"), profile.get("weights")
    check(isinstance(samples, list) and isinstance(weights, list), "speedscope: samples/weights")
    check(len(samples) == len(weights) == len(nonzero_blocks(manifest)),
          f"speedscope: {len(samples)} samples, {len(weights)} weights")
    leaves = collections.Counter()
    for stack, weight in zip(samples, weights):
        check(isinstance(stack, list) and len(stack) == 3, f"speedscope: stack {stack}")
        for index in stack:
            check(isinstance(index, int) and 0 <= index < len(frames),
                  f"speedscope: frame index {index} out of range")
        check(isinstance(weight, int) and weight > 0, f"speedscope: weight {weight}")
        leaves[(frames[stack[-1]]["name"], weight)] += 1
    check(sum(weights) == manifest["totalInstructions"], "speedscope: weights sum")
    expected = collections.Counter((block_label(b), b["executions"] * b["instructionCount"])
                                   for b in nonzero_blocks(manifest))
    check(leaves == expected, "speedscope: leaf frames do not match the blocks")
    if manifest["hostileSymbol"]:
        check(any(f["name"] == manifest["hostileSymbol"] for f in frames),
              "speedscope: hostile symbol name not kept verbatim")


# --- chrome --------------------------------------------------------------------

def validate_chrome(directory, manifest):
    document = load_json(os.path.join(directory, "chrome.json"))
    check(document.get("displayTimeUnit") == "ns", "chrome: displayTimeUnit")
    events = document.get("traceEvents")
    check(isinstance(events, list), "chrome: traceEvents")
    thread_names = {}
    timed = []
    used_tids = set()
    for event in events:
        check(isinstance(event, dict), "chrome: event not an object")
        for key, kind in (("ph", str), ("name", str), ("pid", int), ("tid", int)):
            check(isinstance(event.get(key), kind), f"chrome: {key} in {event}")
        phase = event["ph"]
        check(phase in ("X", "i", "M"), f"chrome: phase {phase}")
        if phase == "M":
            check(event["name"] in ("process_name", "thread_name"), f"chrome: metadata {event}")
            check(isinstance(event.get("args", {}).get("name"), str), "chrome: metadata name")
            if event["name"] == "thread_name":
                thread_names[event["tid"]] = event["args"]["name"]
            continue
        check(isinstance(event.get("ts"), (int, float)) and event["ts"] >= 0, "chrome: ts")
        check(isinstance(event.get("cat"), str) and event["cat"] in EVENT_KINDS, "chrome: cat")
        if phase == "X":
            check(isinstance(event.get("dur"), (int, float)) and event["dur"] >= 0, "chrome: dur")
            check(event["cat"] in ("translate", "tier-up"), "chrome: X event kind")
        else:
            check(event.get("s") in ("t", "p", "g"), "chrome: instant scope")
            check(event["cat"] in ("invalidate", "flush"), "chrome: i event kind")
        args = event.get("args")
        check(isinstance(args, dict) and args.get("tier") in TIERS, "chrome: args.tier")
        used_tids.add(event["tid"])
        timed.append((event["cat"], round(event["ts"] * 1000), round(event.get("dur", 0) * 1000),
                      args.get("durationNs")))
    check(used_tids <= set(thread_names), f"chrome: unnamed threads {used_tids - set(thread_names)}")
    expected = [(e["kind"], e["timeNs"], e["durationNs"] if e["kind"] in ("translate", "tier-up")
                 else 0, e["durationNs"]) for e in manifest["events"]]
    check(timed == expected, f"chrome: events differ from the profile:\n{timed}\n{expected}")
    other = document.get("otherData", {})
    check(other.get("eventsDropped") == manifest["eventsDropped"], "chrome: otherData")


# --- folded --------------------------------------------------------------------

FOLDED_LINE = re.compile(r"^([^;\s]+);([^;\s]+);([^;\s]+) ([1-9][0-9]*)$")


def folded_name(name):
    return re.sub(r"[;\s\x00-\x1f\x7f]", "_", name)


def validate_folded(directory, manifest):
    with open(os.path.join(directory, "folded.txt"), encoding="utf-8", errors="strict") as handle:
        text = handle.read()
    check(text == "" or text.endswith("\n"), "folded: missing final newline")
    lines = text.splitlines()
    stacks, total = [], 0
    leaves = collections.Counter()
    for line in lines:
        match = FOLDED_LINE.match(line)
        check(match, f"folded: bad line {line!r}")
        stacks.append(line.rsplit(" ", 1)[0])
        total += int(match.group(4))
        leaves[match.group(3)] += int(match.group(4))
    check(stacks == sorted(stacks), "folded: lines not sorted")
    check(len(set(stacks)) == len(stacks), "folded: duplicate stacks")
    check(total == manifest["totalInstructions"], f"folded: total {total}")
    expected = collections.Counter()
    for block in nonzero_blocks(manifest):
        expected[folded_name(block_label(block))] += block["executions"] * block["instructionCount"]
    check(leaves == expected, "folded: per-block counts differ")
    if manifest["hostileSymbol"]:
        check(any(f";{folded_name(manifest['hostileSymbol'])};" in line for line in lines),
              "folded: hostile symbol not found (sanitized)")


# --- json ----------------------------------------------------------------------

PROFILE_FIELDS = {
    "format": str, "schemaVersion": int, "tiercelVersion": str, "commandLine": list,
    "startUnixNs": int, "durationNs": int, "complete": bool, "exitStatus": int,
    "exitSignal": int, "guestInstructions": int, "instructionsPerTier": dict,
    "estimatedInstructions": int, "translationNs": int, "compileNs": int, "cacheFlushes": int,
    "invalidations": int, "blocksTranslated": int, "hostCodeBytes": int, "eventsDropped": int,
    "images": list, "blocks": list, "events": list,
}
IMAGE_FIELDS = {"path": str, "buildId": str, "contentHash": "hex", "loadBias": "hex",
                "start": "hex", "end": "hex", "symbols": list}
SYMBOL_FIELDS = {"address": "hex", "size": int, "name": str}
BLOCK_FIELDS = {
    "startPc": "hex", "endPc": "hex", "codeHash": "hex", "tier": str, "function": str,
    "instructionCount": int, "executions": int, "estimatedInstructions": int, "edges": list,
    "indirectTargets": list, "indirectOther": int, "translatedAtNs": int, "compileNs": int,
    "translations": int, "guestCode": "bytes", "hostAddress": "hex", "hostCode": "bytes",
    "hostOffsets": list,
}
EDGE_FIELDS = {"kind": str, "targetPc": "hex", "count": int}
TARGET_FIELDS = {"targetPc": "hex", "count": int}
EVENT_FIELDS = {"kind": str, "tier": str, "timeNs": int, "durationNs": int, "pc": "hex",
                "length": int}


def check_fields(value, schema, where):
    check(isinstance(value, dict), f"json: {where} is not an object")
    check(set(value) == set(schema), f"json: {where} keys {sorted(set(value) ^ set(schema))}")
    for key, kind in schema.items():
        item = value[key]
        if kind == "hex":
            check(isinstance(item, str) and HEX.match(item), f"json: {where}.{key} = {item!r}")
        elif kind == "bytes":
            check(isinstance(item, str) and re.match(r"^([0-9a-f]{2})*$", item),
                  f"json: {where}.{key} not hex bytes")
        elif kind is int:
            check(isinstance(item, int) and not isinstance(item, bool), f"json: {where}.{key}")
        else:
            check(isinstance(item, kind), f"json: {where}.{key} not {kind.__name__}")


def validate_json(directory, manifest):
    document = load_json(os.path.join(directory, "profile.json"))
    check_fields(document, PROFILE_FIELDS, "profile")
    check(document["format"] == "tiercel-profile-json" and document["schemaVersion"] == 1,
          "json: format/schemaVersion")
    for key in ("tiercelVersion", "commandLine", "startUnixNs", "durationNs", "complete",
                "exitStatus", "guestInstructions", "eventsDropped"):
        check(document[key] == manifest[key], f"json: {key} {document[key]!r}")
    check(set(document["instructionsPerTier"]) == set(TIERS), "json: instructionsPerTier keys")
    check(document["estimatedInstructions"] == manifest["totalInstructions"],
          "json: estimatedInstructions")
    check(sum(document["instructionsPerTier"].values()) == manifest["totalInstructions"],
          "json: instructionsPerTier sum")

    check(len(document["images"]) == len(manifest["images"]), "json: image count")
    symbol_names = []
    for index, (image, expected) in enumerate(zip(document["images"], manifest["images"])):
        check_fields(image, IMAGE_FIELDS, f"images[{index}]")
        check(image["path"] == expected["path"], "json: image path")
        check(int(image["start"], 16) == expected["start"] and
              int(image["end"], 16) == expected["end"], "json: image range")
        check(len(image["symbols"]) == expected["symbolCount"], "json: symbol count")
        for symbol in image["symbols"]:
            check_fields(symbol, SYMBOL_FIELDS, f"images[{index}].symbols[]")
            symbol_names.append(symbol["name"])
    if manifest["hostileSymbol"]:
        check(manifest["hostileSymbol"] in symbol_names, "json: hostile symbol not verbatim")

    check(len(document["blocks"]) == manifest["blockCount"], "json: block count")
    for index, (block, expected) in enumerate(zip(document["blocks"], manifest["blocks"])):
        where = f"blocks[{index}]"
        check_fields(block, BLOCK_FIELDS, where)
        for key in ("startPc", "endPc", "codeHash"):
            check(int(block[key], 16) == expected[key], f"json: {where}.{key}")
        for key in ("tier", "instructionCount", "executions", "translations", "compileNs",
                    "guestCode", "hostCode"):
            check(block[key] == expected[key], f"json: {where}.{key}")
        check(block["estimatedInstructions"] == block["executions"] * block["instructionCount"],
              f"json: {where}.estimatedInstructions")
        check(len(block["edges"]) == expected["edgeCount"], f"json: {where}.edges")
        check(len(block["indirectTargets"]) == expected["indirectTargetCount"],
              f"json: {where}.indirectTargets")
        for edge in block["edges"]:
            check_fields(edge, EDGE_FIELDS, f"{where}.edges[]")
            check(edge["kind"] in ("taken", "fallthrough", "jump"), "json: edge kind")
        for target in block["indirectTargets"]:
            check_fields(target, TARGET_FIELDS, f"{where}.indirectTargets[]")
        offsets = block["hostOffsets"]
        check(all(isinstance(o, int) for o in offsets) and offsets == sorted(offsets),
              f"json: {where}.hostOffsets")

    check(len(document["events"]) == len(manifest["events"]), "json: event count")
    for index, (event, expected) in enumerate(zip(document["events"], manifest["events"])):
        check_fields(event, EVENT_FIELDS, f"events[{index}]")
        check(event["kind"] in EVENT_KINDS and event["tier"] in TIERS, "json: event enums")
        check(int(event["pc"], 16) == expected["pc"], "json: event pc")
        for key in ("kind", "tier", "timeNs", "durationNs", "length"):
            check(event[key] == expected[key], f"json: events[{index}].{key}")


VALIDATORS = {
    "pprof": validate_pprof,
    "speedscope": validate_speedscope,
    "chrome": validate_chrome,
    "folded": validate_folded,
    "json": validate_json,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in VALIDATORS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(VALIDATORS)}}} DIR")
    directory = sys.argv[2]
    manifest = load_json(os.path.join(directory, "manifest.json"))
    try:
        VALIDATORS[sys.argv[1]](directory, manifest)
    except (Failure, pprof_wire.WireError, ValueError, OSError) as error:
        sys.exit(f"FAIL {sys.argv[1]} {directory}: {error}")
    print(f"ok: {sys.argv[1]} export in {directory} parses back and matches the profile")


if __name__ == "__main__":
    main()
