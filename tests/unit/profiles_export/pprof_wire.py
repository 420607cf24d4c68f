"""A minimal protobuf wire-format decoder for the pprof exporter's tests.

Decodes the perftools.profiles.Profile message (profile.proto of
github.com/google/pprof) into plain dictionaries without protoc or the
protobuf package: just varints and length-delimited fields, per the protobuf
encoding spec ("Message Structure"). Repeated scalars are accepted packed or
unpacked, as a conforming parser must.
"""

VARINT, I64, LEN, I32 = 0, 1, 2, 5


class WireError(Exception):
    pass


def read_varint(data, pos):
    value = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift >= 70:
            raise WireError("varint longer than 10 bytes")
    if value >= 1 << 64:
        raise WireError("varint exceeds 64 bits")
    return value, pos


def fields(data):
    """Yields (field_number, wire_type, value) for each field of a message;
    value is an int for VARINT/I64/I32 and bytes for LEN."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire_type == VARINT:
            value, pos = read_varint(data, pos)
        elif wire_type == I64:
            if pos + 8 > len(data):
                raise WireError("truncated fixed64")
            value = int.from_bytes(data[pos:pos + 8], "little")
            pos += 8
        elif wire_type == I32:
            if pos + 4 > len(data):
                raise WireError("truncated fixed32")
            value = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        elif wire_type == LEN:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise WireError("length-delimited field overruns the message")
            value = bytes(data[pos:pos + length])
            pos += length
        else:
            raise WireError(f"unsupported wire type {wire_type} (field {number})")
        yield number, wire_type, value


def decode_message(data, schema):
    """Decodes `data` by `schema`: {number: (name, kind, repeated)} where kind
    is "int", "string", "bytes" or a nested schema dict. Unknown fields are
    kept under "_unknown" so tests can see them. Integers come back as
    unsigned 64-bit values (the exporter writes no negative int64)."""
    result = {}
    for name, kind, repeated in schema.values():
        result[name] = [] if repeated else (0 if kind == "int" else b"" if kind == "bytes"
                                            else "" if kind == "string" else None)
    result["_unknown"] = []
    for number, wire_type, value in fields(data):
        if number not in schema:
            result["_unknown"].append((number, wire_type))
            continue
        name, kind, repeated = schema[number]
        if kind == "int":
            if wire_type == LEN:  # packed
                values, pos = [], 0
                while pos < len(value):
                    item, pos = read_varint(value, pos)
                    values.append(item)
            elif wire_type == VARINT:
                values = [value]
            else:
                raise WireError(f"field {name}: wire type {wire_type} for an integer")
        else:
            if wire_type != LEN:
                raise WireError(f"field {name}: wire type {wire_type}, expected length-delimited")
            if kind == "string":
                values = [value.decode("utf-8")]  # proto3 strings are UTF-8
            elif kind == "bytes":
                values = [value]
            else:
                values = [decode_message(value, kind)]
        if repeated:
            result[name].extend(values)
        elif values:
            result[name] = values[-1]  # last one wins, as the spec says
    return result


VALUE_TYPE = {1: ("type", "int", False), 2: ("unit", "int", False)}
LABEL = {1: ("key", "int", False), 2: ("str", "int", False), 3: ("num", "int", False),
         4: ("num_unit", "int", False)}
SAMPLE = {1: ("location_id", "int", True), 2: ("value", "int", True),
          3: ("label", LABEL, True)}
MAPPING = {1: ("id", "int", False), 2: ("memory_start", "int", False),
           3: ("memory_limit", "int", False), 4: ("file_offset", "int", False),
           5: ("filename", "int", False), 6: ("build_id", "int", False),
           7: ("has_functions", "int", False), 8: ("has_filenames", "int", False),
           9: ("has_line_numbers", "int", False), 10: ("has_inline_frames", "int", False)}
LINE = {1: ("function_id", "int", False), 2: ("line", "int", False),
        3: ("column", "int", False)}
LOCATION = {1: ("id", "int", False), 2: ("mapping_id", "int", False),
            3: ("address", "int", False), 4: ("line", LINE, True),
            5: ("is_folded", "int", False)}
FUNCTION = {1: ("id", "int", False), 2: ("name", "int", False),
            3: ("system_name", "int", False), 4: ("filename", "int", False),
            5: ("start_line", "int", False)}
PROFILE = {1: ("sample_type", VALUE_TYPE, True), 2: ("sample", SAMPLE, True),
           3: ("mapping", MAPPING, True), 4: ("location", LOCATION, True),
           5: ("function", FUNCTION, True), 6: ("string_table", "string", True),
           7: ("drop_frames", "int", False), 8: ("keep_frames", "int", False),
           9: ("time_nanos", "int", False), 10: ("duration_nanos", "int", False),
           11: ("period_type", VALUE_TYPE, False), 12: ("period", "int", False),
           13: ("comment", "int", True), 14: ("default_sample_type", "int", False),
           15: ("doc_url", "int", False)}


def decode_profile(data):
    return decode_message(data, PROFILE)
