// The pprof exporter: gunzipped with zlib and walked with a small protobuf
// wire-format reader (the thorough decode is validate_exports.py, run by
// ctest on the same sample profiles).
#include <map>

#include <gtest/gtest.h>
#include <zlib.h>

#include "profiles/export.h"
#include "profiles_export/sample_profile.h"

namespace tiercel::profiles {
namespace {

std::vector<uint8_t> gunzip(const std::vector<uint8_t> &input) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK); // gzip only
  std::vector<uint8_t> output;
  uint8_t buffer[4096];
  stream.next_in = const_cast<Bytef *>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  int status;
  do {
    stream.next_out = buffer;
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    output.insert(output.end(), buffer, buffer + (sizeof buffer - stream.avail_out));
  } while (status == Z_OK);
  EXPECT_EQ(status, Z_STREAM_END);
  EXPECT_EQ(stream.avail_in, 0u); // nothing after the gzip member
  inflateEnd(&stream);
  return output;
}

// One field of a protobuf message: a varint or a length-delimited payload.
struct Field {
  uint32_t number = 0;
  uint32_t wireType = 0;
  uint64_t value = 0; // wire type 0
  std::string bytes;  // wire type 2
};

// Splits a message into its fields; fails the test on malformed input.
std::vector<Field> parseMessage(const std::string &data) {
  std::vector<Field> fields;
  size_t pos = 0;
  auto varint = [&](uint64_t &out) {
    out = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos >= data.size())
        return false;
      uint8_t byte = static_cast<uint8_t>(data[pos++]);
      out |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false;
  };
  while (pos < data.size()) {
    uint64_t key;
    if (!varint(key)) {
      ADD_FAILURE() << "bad key varint at " << pos;
      return {};
    }
    Field field;
    field.number = static_cast<uint32_t>(key >> 3);
    field.wireType = static_cast<uint32_t>(key & 7);
    if (field.wireType == 0) {
      if (!varint(field.value)) {
        ADD_FAILURE() << "bad varint";
        return {};
      }
    } else if (field.wireType == 2) {
      uint64_t length;
      if (!varint(length) || length > data.size() - pos) {
        ADD_FAILURE() << "bad length";
        return {};
      }
      field.bytes = data.substr(pos, length);
      pos += length;
    } else {
      ADD_FAILURE() << "unexpected wire type " << field.wireType;
      return {};
    }
    fields.push_back(field);
  }
  return fields;
}

std::vector<uint64_t> packed(const std::string &data) {
  std::vector<uint64_t> values;
  uint64_t value = 0;
  unsigned shift = 0;
  for (char c : data) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(c) & 0x7f) << shift;
    shift += 7;
    if (!(static_cast<uint8_t>(c) & 0x80)) {
      values.push_back(value);
      value = 0;
      shift = 0;
    }
  }
  EXPECT_EQ(shift, 0u) << "truncated packed varint";
  return values;
}

struct DecodedProfile {
  std::vector<std::string> strings;
  std::vector<std::vector<Field>> samples, mappings, locations, functions, sampleTypes;
  std::map<uint32_t, uint64_t> scalars; // last value of each varint field
};

DecodedProfile decode(const RunProfile &profile) {
  llvm::Expected<std::vector<uint8_t>> bytes = exportProfile(profile, ExportFormat::Pprof);
  EXPECT_TRUE(static_cast<bool>(bytes)) << llvm::toString(bytes.takeError());
  std::vector<uint8_t> raw = gunzip(*bytes);
  DecodedProfile decoded;
  for (const Field &field : parseMessage(std::string(raw.begin(), raw.end()))) {
    switch (field.number) {
    case 1: decoded.sampleTypes.push_back(parseMessage(field.bytes)); break;
    case 2: decoded.samples.push_back(parseMessage(field.bytes)); break;
    case 3: decoded.mappings.push_back(parseMessage(field.bytes)); break;
    case 4: decoded.locations.push_back(parseMessage(field.bytes)); break;
    case 5: decoded.functions.push_back(parseMessage(field.bytes)); break;
    case 6: decoded.strings.push_back(field.bytes); break;
    default:
      if (field.wireType == 0)
        decoded.scalars[field.number] = field.value;
    }
  }
  return decoded;
}

uint64_t scalar(const std::vector<Field> &message, uint32_t number) {
  for (const Field &field : message)
    if (field.number == number && field.wireType == 0)
      return field.value;
  return 0;
}

TEST(PprofExportTest, EmptyProfile) {
  DecodedProfile decoded = decode(test::makeEmptyProfile());
  ASSERT_FALSE(decoded.strings.empty());
  EXPECT_EQ(decoded.strings[0], "");
  EXPECT_EQ(decoded.sampleTypes.size(), 2u);
  EXPECT_TRUE(decoded.samples.empty());
  EXPECT_TRUE(decoded.locations.empty());
  EXPECT_TRUE(decoded.mappings.empty());
}

TEST(PprofExportTest, RichProfileSamplesAndReferences) {
  RunProfile input = test::makeRichProfile();
  DecodedProfile decoded = decode(input);
  ASSERT_FALSE(decoded.strings.empty());
  EXPECT_EQ(decoded.strings[0], "");
  auto string = [&](uint64_t index) {
    EXPECT_LT(index, decoded.strings.size());
    return index < decoded.strings.size() ? decoded.strings[index] : std::string();
  };
  ASSERT_EQ(decoded.sampleTypes.size(), 2u);
  EXPECT_EQ(string(scalar(decoded.sampleTypes[0], 1)), "instructions");
  EXPECT_EQ(string(scalar(decoded.sampleTypes[1], 1)), "executions");
  EXPECT_EQ(string(scalar(decoded.sampleTypes[0], 2)), "count");
  EXPECT_EQ(decoded.scalars[9], input.startUnixNs);       // time_nanos
  EXPECT_EQ(decoded.scalars[10], input.durationNs);       // duration_nanos
  EXPECT_EQ(string(decoded.scalars[14]), "instructions"); // default_sample_type

  ASSERT_EQ(decoded.mappings.size(), input.images.size());
  for (size_t i = 0; i < input.images.size(); ++i) {
    EXPECT_EQ(scalar(decoded.mappings[i], 1), i + 1);
    EXPECT_EQ(scalar(decoded.mappings[i], 2), input.images[i].start);
    EXPECT_EQ(scalar(decoded.mappings[i], 3), input.images[i].end);
    EXPECT_EQ(string(scalar(decoded.mappings[i], 5)), input.images[i].path);
  }

  std::map<uint64_t, std::vector<Field>> functions, locations;
  for (const auto &function : decoded.functions)
    functions[scalar(function, 1)] = function;
  for (const auto &location : decoded.locations)
    locations[scalar(location, 1)] = location;
  EXPECT_EQ(functions.size(), decoded.functions.size()) << "duplicate function ids";
  EXPECT_EQ(locations.size(), decoded.locations.size()) << "duplicate location ids";

  // A sample per block; its leaf is the block at startPc, named by pc and tier.
  ASSERT_EQ(decoded.samples.size(), input.blocks.size());
  uint64_t instructions = 0, executions = 0;
  for (size_t i = 0; i < input.blocks.size(); ++i) {
    const BlockProfile &block = input.blocks[i];
    std::vector<uint64_t> locationIds, values;
    for (const Field &field : decoded.samples[i]) {
      if (field.number == 1)
        locationIds = packed(field.bytes);
      if (field.number == 2)
        values = packed(field.bytes);
    }
    ASSERT_EQ(locationIds.size(), 3u);
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], block.estimatedInstructions());
    EXPECT_EQ(values[1], block.executions);
    instructions += values[0];
    executions += values[1];
    for (uint64_t id : locationIds)
      ASSERT_EQ(locations.count(id), 1u) << "unresolved location " << id;
    const std::vector<Field> &leaf = locations[locationIds[0]];
    EXPECT_EQ(scalar(leaf, 3), block.startPc);
    uint64_t mappingId = scalar(leaf, 2);
    EXPECT_LE(mappingId, input.images.size());
    uint64_t functionId = 0;
    for (const Field &field : leaf)
      if (field.number == 4)
        functionId = scalar(parseMessage(field.bytes), 1);
    ASSERT_EQ(functions.count(functionId), 1u);
    char name[64];
    std::snprintf(name, sizeof name, "0x%llx [%s]", static_cast<unsigned long long>(block.startPc),
                  tierName(block.tier));
    EXPECT_EQ(string(scalar(functions[functionId], 2)), name);
  }
  uint64_t expectedInstructions = 0, expectedExecutions = 0;
  for (const BlockProfile &block : input.blocks) {
    expectedInstructions += block.estimatedInstructions();
    expectedExecutions += block.executions;
  }
  EXPECT_EQ(instructions, expectedInstructions);
  EXPECT_EQ(executions, expectedExecutions);

  // Names kept verbatim (valid UTF-8) or repaired (not).
  bool hostile = false, repaired = false;
  for (const std::string &text : decoded.strings) {
    hostile |= text == test::kHostileSymbol;
    repaired |= text.find("weird") != std::string::npos && text.find('\xff') == std::string::npos;
    EXPECT_EQ(text.find('\xff'), std::string::npos);
  }
  EXPECT_TRUE(hostile);
  EXPECT_TRUE(repaired);
}

} // namespace
} // namespace tiercel::profiles
