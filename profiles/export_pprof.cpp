// The pprof exporter: a perftools.profiles.Profile message (profile.proto of
// github.com/google/pprof), written with a small protobuf wire-format encoder
// and gzip-compressed with zlib, as `go tool pprof` and its kin read it.
//
// Each block becomes a sample whose stack (leaf first) is
//   [block location, function location, image location]
// so that pprof's flame graph shows image -> function -> block, like the other
// exporters. The block location sits at the block's startPc in the image's
// mapping; its one line names a pseudo function "0x<startPc> [tier]" (with the
// symbolized pc as system_name). Sample values are estimated instructions and
// executions; a "tier" label repeats the tier.
#include <map>
#include <string>

#include <zlib.h>

#include "profiles/export_common.h"

namespace tiercel::profiles::detail {
namespace {

// Protobuf wire types (protobuf encoding spec, "Message Structure").
enum WireType : uint32_t { Varint = 0, LengthDelimited = 2 };

// Field numbers of profile.proto.
namespace field {
enum Profile : uint32_t {
  SampleType = 1,
  Sample = 2,
  Mapping = 3,
  Location = 4,
  Function = 5,
  StringTable = 6,
  TimeNanos = 9,
  DurationNanos = 10,
  PeriodType = 11,
  Period = 12,
  Comment = 13,
  DefaultSampleType = 14,
};
enum ValueType : uint32_t { ValueTypeType = 1, ValueTypeUnit = 2 };
enum Sample : uint32_t { SampleLocationId = 1, SampleValue = 2, SampleLabel = 3 };
enum Label : uint32_t { LabelKey = 1, LabelStr = 2, LabelNum = 3 };
enum Mapping : uint32_t {
  MappingId = 1,
  MappingMemoryStart = 2,
  MappingMemoryLimit = 3,
  MappingFileOffset = 4,
  MappingFilename = 5,
  MappingBuildId = 6,
  MappingHasFunctions = 7,
};
enum Location : uint32_t {
  LocationId = 1,
  LocationMappingId = 2,
  LocationAddress = 3,
  LocationLine = 4
};
enum Line : uint32_t { LineFunctionId = 1 };
enum Function : uint32_t {
  FunctionId = 1,
  FunctionName = 2,
  FunctionSystemName = 3,
  FunctionFilename = 4,
};
} // namespace field

// Appends protobuf fields to a byte buffer. Zero-valued scalars are written
// too: the decoder sees the same thing either way, and ids stay explicit.
class ProtoWriter {
public:
  void varint(uint64_t value) {
    while (value >= 0x80) {
      bytes_.push_back(static_cast<uint8_t>(value | 0x80));
      value >>= 7;
    }
    bytes_.push_back(static_cast<uint8_t>(value));
  }
  void tag(uint32_t fieldNumber, WireType type) {
    varint(static_cast<uint64_t>(fieldNumber) << 3 | type);
  }
  // int64 and uint64 share the varint encoding (negative int64 as 10 bytes).
  void uintField(uint32_t fieldNumber, uint64_t value) {
    tag(fieldNumber, Varint);
    varint(value);
  }
  void bytesField(uint32_t fieldNumber, const uint8_t *data, size_t size) {
    tag(fieldNumber, LengthDelimited);
    varint(size);
    bytes_.insert(bytes_.end(), data, data + size);
  }
  void stringField(uint32_t fieldNumber, const std::string &text) {
    bytesField(fieldNumber, reinterpret_cast<const uint8_t *>(text.data()), text.size());
  }
  void messageField(uint32_t fieldNumber, const ProtoWriter &message) {
    bytesField(fieldNumber, message.bytes_.data(), message.bytes_.size());
  }
  // A packed repeated varint field (the proto3 default for repeated scalars).
  void packedField(uint32_t fieldNumber, const std::vector<uint64_t> &values) {
    ProtoWriter packed;
    for (uint64_t value : values)
      packed.varint(value);
    messageField(fieldNumber, packed);
  }
  const std::vector<uint8_t> &bytes() const { return bytes_; }

private:
  std::vector<uint8_t> bytes_;
};

// The profile's string table: index 0 is "" as profile.proto requires.
class StringTable {
public:
  StringTable() { index(""); }
  uint64_t index(const std::string &text) {
    std::string valid = validUtf8(text);
    auto [it, inserted] = indices_.try_emplace(valid, strings_.size());
    if (inserted)
      strings_.push_back(valid);
    return it->second;
  }
  const std::vector<std::string> &strings() const { return strings_; }

private:
  std::map<std::string, uint64_t> indices_;
  std::vector<std::string> strings_;
};

struct FunctionKey {
  std::string name, systemName, filename;
  auto operator<=>(const FunctionKey &) const = default;
};
struct LocationKey {
  uint64_t mappingId, address, functionId;
  auto operator<=>(const LocationKey &) const = default;
};

// Builds the Profile message piece by piece, deduplicating functions and
// locations.
class PprofBuilder {
public:
  explicit PprofBuilder(const RunProfile &profile) : profile_(profile) {}

  std::vector<uint8_t> build() {
    ProtoWriter message;
    message.messageField(field::SampleType, valueType("instructions", "count"));
    message.messageField(field::SampleType, valueType("executions", "count"));

    for (size_t index = 0; index < profile_.images.size(); ++index)
      message.messageField(field::Mapping, mapping(index));

    uint64_t tierKey = strings_.index("tier");
    for (const BlockProfile &block : profile_.blocks) {
      BlockFrames frames = blockFrames(profile_, block);
      uint64_t mappingId = frames.location.image ? frames.location.imageIndex + 1 : 0;
      std::string filename = frames.location.image ? frames.location.image->path : "";

      std::string symbolized = symbolize(profile_, block.startPc);
      uint64_t blockLocation = location(
          mappingId, block.startPc,
          function(frames.block, symbolized.empty() ? frames.block : symbolized, filename));
      uint64_t functionAddress =
          frames.location.symbol ? frames.location.symbol->address : block.startPc;
      uint64_t functionLocation = location(mappingId, functionAddress,
                                           function(frames.function, frames.function, filename));
      uint64_t imageAddress = frames.location.image ? frames.location.image->start : 0;
      uint64_t imageLocation =
          location(mappingId, imageAddress, function(frames.image, frames.image, filename));

      ProtoWriter sample;
      sample.packedField(field::SampleLocationId, {blockLocation, functionLocation, imageLocation});
      sample.packedField(field::SampleValue, {block.estimatedInstructions(), block.executions});
      ProtoWriter label;
      label.uintField(field::LabelKey, tierKey);
      label.uintField(field::LabelStr, strings_.index(tierName(block.tier)));
      sample.messageField(field::SampleLabel, label);
      message.messageField(field::Sample, sample);
    }

    for (const ProtoWriter &entry : locations_)
      message.messageField(field::Location, entry);
    for (const ProtoWriter &entry : functions_)
      message.messageField(field::Function, entry);

    message.uintField(field::TimeNanos, profile_.startUnixNs);
    message.uintField(field::DurationNanos, profile_.durationNs);
    message.messageField(field::PeriodType, valueType("instructions", "count"));
    message.uintField(field::Period, 1);
    for (const std::string &comment : comments())
      message.uintField(field::Comment, strings_.index(comment));
    message.uintField(field::DefaultSampleType, strings_.index("instructions"));

    // The string table goes last: every other field has added its strings.
    for (const std::string &text : strings_.strings())
      message.stringField(field::StringTable, text);
    return message.bytes();
  }

private:
  ProtoWriter valueType(const char *type, const char *unit) {
    ProtoWriter message;
    message.uintField(field::ValueTypeType, strings_.index(type));
    message.uintField(field::ValueTypeUnit, strings_.index(unit));
    return message;
  }

  ProtoWriter mapping(size_t index) {
    const GuestImage &image = profile_.images[index];
    ProtoWriter message;
    message.uintField(field::MappingId, index + 1);
    message.uintField(field::MappingMemoryStart, image.start);
    message.uintField(field::MappingMemoryLimit, image.end);
    // The profile keeps no segment file offsets; 0 is pprof's "unknown".
    message.uintField(field::MappingFileOffset, 0);
    message.uintField(field::MappingFilename, strings_.index(image.path));
    message.uintField(field::MappingBuildId, strings_.index(image.buildId));
    // Every location carries its function already: viewers must not try to
    // symbolize the guest binary with host tools.
    message.uintField(field::MappingHasFunctions, 1);
    return message;
  }

  uint64_t function(const std::string &name, const std::string &systemName,
                    const std::string &filename) {
    FunctionKey key{name, systemName, filename};
    auto [it, inserted] = functionIds_.try_emplace(key, functions_.size() + 1);
    if (inserted) {
      ProtoWriter message;
      message.uintField(field::FunctionId, it->second);
      message.uintField(field::FunctionName, strings_.index(name));
      message.uintField(field::FunctionSystemName, strings_.index(systemName));
      message.uintField(field::FunctionFilename, strings_.index(filename));
      functions_.push_back(std::move(message));
    }
    return it->second;
  }

  uint64_t location(uint64_t mappingId, uint64_t address, uint64_t functionId) {
    LocationKey key{mappingId, address, functionId};
    auto [it, inserted] = locationIds_.try_emplace(key, locations_.size() + 1);
    if (inserted) {
      ProtoWriter message;
      message.uintField(field::LocationId, it->second);
      if (mappingId != 0)
        message.uintField(field::LocationMappingId, mappingId);
      message.uintField(field::LocationAddress, address);
      ProtoWriter line;
      line.uintField(field::LineFunctionId, functionId);
      message.messageField(field::LocationLine, line);
      locations_.push_back(std::move(message));
    }
    return it->second;
  }

  std::vector<std::string> comments() const {
    std::vector<std::string> lines;
    lines.push_back("tiercel " + profile_.tiercelVersion);
    std::string commandLine = "command line:";
    for (const std::string &argument : profile_.commandLine)
      commandLine += " " + argument;
    lines.push_back(commandLine);
    if (profile_.complete)
      lines.push_back("complete run: exit status " + std::to_string(profile_.exitStatus) +
                      ", signal " + std::to_string(profile_.exitSignal));
    else
      lines.push_back("snapshot of a running guest");
    lines.push_back("guest instructions (exact): " + std::to_string(profile_.guestInstructions));
    return lines;
  }

  const RunProfile &profile_;
  StringTable strings_;
  std::map<FunctionKey, uint64_t> functionIds_;
  std::vector<ProtoWriter> functions_;
  std::map<LocationKey, uint64_t> locationIds_;
  std::vector<ProtoWriter> locations_;
};

// gzip (RFC 1952) through zlib: windowBits 15 + 16 selects the gzip wrapper.
llvm::Expected<std::vector<uint8_t>> gzipCompress(const std::vector<uint8_t> &input) {
  z_stream stream{};
  int status =
      deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  if (status != Z_OK)
    return llvm::createStringError("pprof export: zlib deflateInit2 failed (%d)", status);
  std::vector<uint8_t> output(deflateBound(&stream, input.size()) + 64);
  stream.next_in = const_cast<Bytef *>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = output.data();
  stream.avail_out = static_cast<uInt>(output.size());
  while ((status = deflate(&stream, Z_FINISH)) == Z_OK) {
    // deflateBound is an upper bound, but keep going rather than trust it.
    size_t used = output.size() - stream.avail_out;
    output.resize(output.size() * 2);
    stream.next_out = output.data() + used;
    stream.avail_out = static_cast<uInt>(output.size() - used);
  }
  size_t produced = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END)
    return llvm::createStringError("pprof export: zlib deflate failed (%d)", status);
  output.resize(produced);
  return output;
}

} // namespace

llvm::Expected<std::vector<uint8_t>> exportPprof(const RunProfile &profile) {
  // zlib counts input in 32-bit uInt; a profile that large is not a profile.
  std::vector<uint8_t> message = PprofBuilder(profile).build();
  if (message.size() > 0xffffffffull)
    return llvm::createStringError("pprof export: profile message too large (%zu bytes)",
                                   message.size());
  return gzipCompress(message);
}

} // namespace tiercel::profiles::detail
