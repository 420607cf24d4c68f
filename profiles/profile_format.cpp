// The Tiercel profile file format (profiles/profile_format.h): the encoder,
// the bounded decoder and atomic file I/O. docs/PROFILE-FORMAT.md is the
// specification; a change here is a change there.
#include "profiles/profile_format.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <zstd.h>

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tiercel::profiles {
namespace {

constexpr uint8_t kMagic[8] = {'T', 'I', 'E', 'R', 'C', 'E', 'L', 'P'};
constexpr int kZstdLevel = 3; // fast: snapshots are written while the guest runs
constexpr uint32_t kZstdFrameMagic = 0xFD2FB528;
constexpr uint8_t kZstdChecksumFlag = 0x04; // Frame_Header_Descriptor bit 2 (RFC 8878 3.1.1.1.1)

// Section tags: four ASCII characters, read as a little-endian u32.
constexpr uint32_t fourCC(const char (&name)[5]) {
  return uint32_t(uint8_t(name[0])) | uint32_t(uint8_t(name[1])) << 8 |
         uint32_t(uint8_t(name[2])) << 16 | uint32_t(uint8_t(name[3])) << 24;
}
constexpr uint32_t kTagRun = fourCC("META");
constexpr uint32_t kTagImages = fourCC("IMGS");
constexpr uint32_t kTagBlocks = fourCC("BLKS");
constexpr uint32_t kTagEvents = fourCC("EVTS");

// The fewest bytes one element can take: a count read from the file must fit
// in the bytes left at this rate before anything is reserved for it.
constexpr size_t kMinStringBytes = 1;         // length 0
constexpr size_t kMinSymbolBytes = 3;         // address, size, name
constexpr size_t kMinImageBytes = 14;         // 2 strings, hash (8), 3 varints, symbol count
constexpr size_t kMinEdgeBytes = 3;           // kind, target, count
constexpr size_t kMinIndirectTargetBytes = 2; // target, count
constexpr size_t kMinHostOffsetBytes = 1;     // one varint
constexpr size_t kMinBlockBytes = 23;         // hash (8) + 15 one-byte fields
constexpr size_t kMinEventBytes = 6;          // kind, tier, 4 varints

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buffer[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

llvm::Error makeError(const std::string &message) {
  return llvm::make_error<llvm::StringError>(message, llvm::inconvertibleErrorCode());
}
llvm::Error corrupt(const std::string &what) { return makeError("corrupt profile: " + what); }
llvm::Error truncated(const std::string &what) { return makeError("truncated profile: " + what); }

std::string tagName(uint32_t tag) {
  char name[5];
  for (unsigned i = 0; i < 4; ++i) {
    name[i] = char(tag >> (8 * i));
    if (name[i] < 0x20 || name[i] > 0x7e)
      return format("0x%08" PRIx32, tag);
  }
  name[4] = 0;
  return std::string("'") + name + "'";
}

uint16_t readLe16(const uint8_t *p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t readLe32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t readLe64(const uint8_t *p) { return readLe32(p) | uint64_t(readLe32(p + 4)) << 32; }
void writeLe(uint8_t *p, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    p[i] = uint8_t(value >> (8 * i));
}

// ---------------------------------------------------------------- encoding

class Writer {
public:
  explicit Writer(std::vector<uint8_t> &out) : out_(out) {}

  void u8(uint8_t value) { out_.push_back(value); }
  void fixed32(uint32_t value) {
    uint8_t bytes[4];
    writeLe(bytes, value, 4);
    out_.insert(out_.end(), bytes, bytes + 4);
  }
  void fixed64(uint64_t value) {
    uint8_t bytes[8];
    writeLe(bytes, value, 8);
    out_.insert(out_.end(), bytes, bytes + 8);
  }
  void varint(uint64_t value) {
    uint8_t bytes[10];
    size_t size = 0;
    while (value >= 0x80) {
      bytes[size++] = uint8_t(value) | 0x80;
      value >>= 7;
    }
    bytes[size++] = uint8_t(value);
    out_.insert(out_.end(), bytes, bytes + size);
  }
  void signed32(int32_t value) {
    // Zigzag, so small negative numbers stay short.
    varint((uint32_t(value) << 1) ^ uint32_t(value >> 31));
  }
  void bytes(const uint8_t *data, size_t size) {
    varint(size);
    out_.insert(out_.end(), data, data + size);
  }
  void bytes(const std::vector<uint8_t> &data) { bytes(data.data(), data.size()); }
  void string(const std::string &text) {
    bytes(reinterpret_cast<const uint8_t *>(text.data()), text.size());
  }

private:
  std::vector<uint8_t> &out_;
};

void encodeRun(Writer &w, const RunProfile &profile) {
  w.string(profile.tiercelVersion);
  w.varint(profile.commandLine.size());
  for (const std::string &argument : profile.commandLine)
    w.string(argument);
  w.varint(profile.startUnixNs);
  w.varint(profile.durationNs);
  w.u8(profile.complete ? 1 : 0);
  w.signed32(profile.exitStatus);
  w.signed32(profile.exitSignal);
  w.varint(profile.guestInstructions);
  w.varint(kTierCount);
  for (uint64_t instructions : profile.instructionsPerTier)
    w.varint(instructions);
  w.varint(profile.translationNs);
  w.varint(profile.compileNs);
  w.varint(profile.cacheFlushes);
  w.varint(profile.invalidations);
  w.varint(profile.blocksTranslated);
  w.varint(profile.hostCodeBytes);
  w.varint(profile.eventsDropped);
}

void encodeImages(Writer &w, const RunProfile &profile) {
  w.varint(profile.images.size());
  for (const GuestImage &image : profile.images) {
    w.string(image.path);
    w.string(image.buildId);
    w.fixed64(image.contentHash);
    w.varint(image.loadBias);
    w.varint(image.start);
    w.varint(image.end);
    w.varint(image.symbols.size());
    for (const Symbol &symbol : image.symbols) {
      w.varint(symbol.address);
      w.varint(symbol.size);
      w.string(symbol.name);
    }
  }
}

void encodeBlock(Writer &w, const BlockProfile &block) {
  w.varint(block.startPc);
  w.varint(block.endPc - block.startPc); // wraps for a bad block; the reader rejects it
  w.fixed64(block.codeHash);
  w.u8(uint8_t(block.tier));
  w.varint(block.instructionCount);
  w.varint(block.executions);
  w.varint(block.edges.size());
  for (const Edge &edge : block.edges) {
    w.u8(uint8_t(edge.kind));
    w.varint(edge.targetPc);
    w.varint(edge.count);
  }
  w.varint(block.indirectTargets.size());
  for (const IndirectTarget &target : block.indirectTargets) {
    w.varint(target.targetPc);
    w.varint(target.count);
  }
  w.varint(block.indirectOther);
  w.varint(block.translatedAtNs);
  w.varint(block.compileNs);
  w.varint(block.translations);
  w.bytes(block.guestCode);
  w.varint(block.hostAddress);
  w.bytes(block.hostCode);
  // Offsets increase: each as the (32-bit, wrapping) difference from the previous.
  w.varint(block.hostOffsets.size());
  uint32_t previous = 0;
  for (uint32_t offset : block.hostOffsets) {
    w.varint(uint32_t(offset - previous));
    previous = offset;
  }
}

void encodeBlocks(Writer &w, const RunProfile &profile) {
  w.varint(profile.blocks.size());
  for (const BlockProfile &block : profile.blocks)
    encodeBlock(w, block);
}

void encodeEvents(Writer &w, const RunProfile &profile) {
  w.varint(profile.events.size());
  for (const Event &event : profile.events) {
    w.u8(uint8_t(event.kind));
    w.u8(uint8_t(event.tier));
    w.varint(event.timeNs);
    w.varint(event.durationNs);
    w.varint(event.pc);
    w.varint(event.length);
  }
}

// Appends one section: tag, body length, body.
template <class EncodeBody>
void encodeSection(std::vector<uint8_t> &payload, std::vector<uint8_t> &scratch, uint32_t tag,
                   const RunProfile &profile, EncodeBody encodeBody) {
  scratch.clear();
  Writer body(scratch);
  encodeBody(body, profile);
  Writer out(payload);
  out.fixed32(tag);
  out.bytes(scratch);
}

std::vector<uint8_t> encodePayload(const RunProfile &profile) {
  size_t estimate = 4096 + profile.events.size() * 16;
  for (const BlockProfile &block : profile.blocks)
    estimate += 64 + block.edges.size() * 12 + block.indirectTargets.size() * 12 +
                block.guestCode.size() + block.hostCode.size() + block.hostOffsets.size() * 2;
  std::vector<uint8_t> payload, scratch;
  payload.reserve(estimate);
  scratch.reserve(estimate);
  encodeSection(payload, scratch, kTagRun, profile, encodeRun);
  encodeSection(payload, scratch, kTagImages, profile, encodeImages);
  encodeSection(payload, scratch, kTagBlocks, profile, encodeBlocks);
  encodeSection(payload, scratch, kTagEvents, profile, encodeEvents);
  return payload;
}

// ---------------------------------------------------------------- decoding

// Reads one section body. Every read is checked against the bytes left; the
// first failure is kept (later reads return zeros) and reported by the caller
// with the element it was reading.
class Cursor {
public:
  // `container` names the bytes in messages: "section", "payload".
  Cursor(const uint8_t *data, size_t size, const char *container = "section")
      : next_(data), end_(data + size), container_(container) {}

  size_t remaining() const { return size_t(end_ - next_); }
  bool failed() const { return failed_; }
  const std::string &error() const { return error_; }

  void fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = std::move(message);
    }
    next_ = end_;
  }

  uint8_t u8(const char *what) {
    if (next_ == end_)
      return failEnd(what), 0;
    return *next_++;
  }
  uint32_t fixed32(const char *what) {
    if (remaining() < 4)
      return failEnd(what), 0;
    uint32_t value = readLe32(next_);
    next_ += 4;
    return value;
  }
  uint64_t fixed64(const char *what) {
    if (remaining() < 8)
      return failEnd(what), 0;
    uint64_t value = readLe64(next_);
    next_ += 8;
    return value;
  }
  uint64_t varint(const char *what) {
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (next_ == end_)
        return failEnd(what), 0;
      uint8_t byte = *next_++;
      // The tenth byte holds bit 63 only.
      if (shift == 63 && byte > 1)
        return fail(format("%s: varint longer than 64 bits", what)), 0;
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
  }
  uint32_t varint32(const char *what) {
    uint64_t value = varint(what);
    if (value > UINT32_MAX)
      return fail(format("%s %" PRIu64 " does not fit in 32 bits", what, value)), 0;
    return uint32_t(value);
  }
  int32_t signed32(const char *what) {
    uint32_t zigzag = varint32(what);
    return int32_t((zigzag >> 1) ^ (0u - (zigzag & 1)));
  }
  bool boolean(const char *what) {
    uint8_t value = u8(what);
    if (value > 1)
      fail(format("%s is %u, not 0 or 1", what, value));
    return value == 1;
  }
  // A count of elements of at least minBytes each: they must fit in what is left.
  size_t count(const char *what, size_t minBytes) {
    uint64_t value = varint(what);
    if (value > remaining() / minBytes)
      return fail(format("%s %" PRIu64 " does not fit in the %zu bytes left", what, value,
                         remaining())),
             0;
    return size_t(value);
  }
  // Length-prefixed bytes.
  const uint8_t *bytes(const char *what, size_t &size) {
    uint64_t length = varint(what);
    if (length > remaining()) {
      fail(format("%s length %" PRIu64 " runs past the %zu bytes left", what, length, remaining()));
      size = 0;
      return nullptr;
    }
    const uint8_t *data = next_;
    next_ += length;
    size = size_t(length);
    return data;
  }
  void bytes(const char *what, std::vector<uint8_t> &out) {
    size_t size;
    const uint8_t *data = bytes(what, size);
    out.assign(data, data + size);
  }
  std::string string(const char *what) {
    size_t size;
    const uint8_t *data = bytes(what, size);
    return std::string(reinterpret_cast<const char *>(data), size);
  }

private:
  void failEnd(const char *what) {
    fail(format("the %s ends in the middle of %s", container_, what));
  }

  const uint8_t *next_;
  const uint8_t *end_;
  const char *container_;
  bool failed_ = false;
  std::string error_;
};

llvm::Error decodeRun(Cursor &c, RunProfile &profile) {
  profile.tiercelVersion = c.string("tiercelVersion");
  size_t arguments = c.count("commandLine count", kMinStringBytes);
  profile.commandLine.reserve(arguments);
  for (size_t i = 0; i < arguments && !c.failed(); ++i)
    profile.commandLine.push_back(c.string("commandLine argument"));
  profile.startUnixNs = c.varint("startUnixNs");
  profile.durationNs = c.varint("durationNs");
  profile.complete = c.boolean("complete");
  profile.exitStatus = c.signed32("exitStatus");
  profile.exitSignal = c.signed32("exitSignal");
  profile.guestInstructions = c.varint("guestInstructions");
  uint64_t tiers = c.varint("tier count");
  if (!c.failed() && tiers != kTierCount)
    c.fail(format("instructionsPerTier has %" PRIu64 " tiers, not %u", tiers, kTierCount));
  for (uint64_t &instructions : profile.instructionsPerTier)
    instructions = c.varint("instructionsPerTier");
  profile.translationNs = c.varint("translationNs");
  profile.compileNs = c.varint("compileNs");
  profile.cacheFlushes = c.varint("cacheFlushes");
  profile.invalidations = c.varint("invalidations");
  profile.blocksTranslated = c.varint("blocksTranslated");
  profile.hostCodeBytes = c.varint("hostCodeBytes");
  profile.eventsDropped = c.varint("eventsDropped");
  if (c.failed())
    return corrupt("run section: " + c.error());
  return llvm::Error::success();
}

llvm::Error decodeImages(Cursor &c, RunProfile &profile) {
  size_t images = c.count("image count", kMinImageBytes);
  profile.images.reserve(images);
  for (size_t i = 0; i < images && !c.failed(); ++i) {
    GuestImage &image = profile.images.emplace_back();
    image.path = c.string("path");
    image.buildId = c.string("buildId");
    image.contentHash = c.fixed64("contentHash");
    image.loadBias = c.varint("loadBias");
    image.start = c.varint("start");
    image.end = c.varint("end");
    size_t symbols = c.count("symbol count", kMinSymbolBytes);
    image.symbols.reserve(symbols);
    for (size_t s = 0; s < symbols && !c.failed(); ++s) {
      Symbol &symbol = image.symbols.emplace_back();
      symbol.address = c.varint("symbol address");
      symbol.size = c.varint("symbol size");
      symbol.name = c.string("symbol name");
    }
    if (c.failed())
      return corrupt(format("image %zu: ", i) + c.error());
  }
  if (c.failed())
    return corrupt("images section: " + c.error());
  return llvm::Error::success();
}

void decodeBlock(Cursor &c, BlockProfile &block) {
  block.startPc = c.varint("startPc");
  uint64_t length = c.varint("block length");
  if (!c.failed() && length > UINT64_MAX - block.startPc)
    return c.fail(
        format("block length 0x%" PRIx64 " runs past the end of the address space", length));
  block.endPc = block.startPc + length;
  block.codeHash = c.fixed64("codeHash");
  block.tier = TierId(c.u8("tier")); // range checked by validateProfile
  block.instructionCount = c.varint32("instructionCount");
  block.executions = c.varint("executions");
  size_t edges = c.count("edge count", kMinEdgeBytes);
  block.edges.reserve(edges);
  for (size_t i = 0; i < edges && !c.failed(); ++i) {
    Edge &edge = block.edges.emplace_back();
    edge.kind = EdgeKind(c.u8("edge kind"));
    edge.targetPc = c.varint("edge targetPc");
    edge.count = c.varint("edge count");
  }
  size_t targets = c.count("indirect target count", kMinIndirectTargetBytes);
  block.indirectTargets.reserve(targets);
  for (size_t i = 0; i < targets && !c.failed(); ++i) {
    IndirectTarget &target = block.indirectTargets.emplace_back();
    target.targetPc = c.varint("indirect targetPc");
    target.count = c.varint("indirect target count");
  }
  block.indirectOther = c.varint("indirectOther");
  block.translatedAtNs = c.varint("translatedAtNs");
  block.compileNs = c.varint("compileNs");
  block.translations = c.varint32("translations");
  c.bytes("guestCode", block.guestCode);
  block.hostAddress = c.varint("hostAddress");
  c.bytes("hostCode", block.hostCode);
  size_t offsets = c.count("hostOffsets count", kMinHostOffsetBytes);
  block.hostOffsets.reserve(offsets);
  uint32_t offset = 0;
  for (size_t i = 0; i < offsets && !c.failed(); ++i) {
    offset += c.varint32("hostOffsets delta"); // wraps; validateProfile sees the decrease
    block.hostOffsets.push_back(offset);
  }
}

llvm::Error decodeBlocks(Cursor &c, RunProfile &profile) {
  size_t blocks = c.count("block count", kMinBlockBytes);
  profile.blocks.reserve(blocks);
  for (size_t i = 0; i < blocks && !c.failed(); ++i) {
    BlockProfile &block = profile.blocks.emplace_back();
    decodeBlock(c, block);
    if (c.failed())
      return corrupt(format("block %zu at 0x%" PRIx64 ": ", i, block.startPc) + c.error());
  }
  if (c.failed())
    return corrupt("blocks section: " + c.error());
  return llvm::Error::success();
}

llvm::Error decodeEvents(Cursor &c, RunProfile &profile) {
  size_t events = c.count("event count", kMinEventBytes);
  profile.events.reserve(events);
  for (size_t i = 0; i < events && !c.failed(); ++i) {
    Event &event = profile.events.emplace_back();
    event.kind = EventKind(c.u8("event kind")); // range checked by validateProfile
    event.tier = TierId(c.u8("event tier"));
    event.timeNs = c.varint("timeNs");
    event.durationNs = c.varint("durationNs");
    event.pc = c.varint("pc");
    event.length = c.varint("length");
    if (c.failed())
      return corrupt(format("event %zu: ", i) + c.error());
  }
  if (c.failed())
    return corrupt("events section: " + c.error());
  return llvm::Error::success();
}

struct SectionKind {
  uint32_t tag;
  const char *name;
  llvm::Error (*decode)(Cursor &, RunProfile &);
};
constexpr SectionKind kSections[] = {
    {kTagRun, "run", decodeRun},
    {kTagImages, "images", decodeImages},
    {kTagBlocks, "blocks", decodeBlocks},
    {kTagEvents, "events", decodeEvents},
};

llvm::Expected<RunProfile> decodePayload(const uint8_t *data, size_t size) {
  RunProfile profile;
  bool seen[std::size(kSections)] = {};
  Cursor payload(data, size, "payload");
  while (payload.remaining() > 0) {
    uint32_t tag = payload.fixed32("a section tag");
    if (payload.failed())
      return corrupt(payload.error());
    size_t length;
    const uint8_t *body = payload.bytes("body", length);
    if (payload.failed())
      return corrupt(format("section %s: ", tagName(tag).c_str()) + payload.error());
    const SectionKind *kind = std::find_if(std::begin(kSections), std::end(kSections),
                                           [&](const SectionKind &k) { return k.tag == tag; });
    if (kind == std::end(kSections))
      continue; // added by a later minor version: skipped
    size_t index = size_t(kind - std::begin(kSections));
    if (seen[index])
      return corrupt(format("the %s section appears twice", kind->name));
    seen[index] = true;
    Cursor section(body, length);
    if (llvm::Error error = kind->decode(section, profile))
      return std::move(error);
    if (section.remaining() != 0)
      return corrupt(format("%zu unexpected bytes at the end of the %s section",
                            section.remaining(), kind->name));
  }
  for (size_t i = 0; i < std::size(kSections); ++i)
    if (!seen[i])
      return corrupt(format("the %s section (%s) is missing", kSections[i].name,
                            tagName(kSections[i].tag).c_str()));
  if (llvm::Error error = validateProfile(profile))
    return corrupt(llvm::toString(std::move(error)));
  return std::move(profile);
}

// Decompresses the single zstd frame of the payload. The output grows as
// data actually comes out, never to more than the header declared, so a
// small file claiming a huge payload costs nothing.
llvm::Expected<std::vector<uint8_t>> decompressPayload(const uint8_t *data, size_t size,
                                                       uint64_t declaredSize) {
  if (size < 5 || readLe32(data) != kZstdFrameMagic)
    return corrupt("the payload is not a zstd frame");
  if (!(data[4] & kZstdChecksumFlag))
    return corrupt("the payload's zstd frame has no content checksum");
  unsigned long long frameSize = ZSTD_getFrameContentSize(data, size);
  if (frameSize == ZSTD_CONTENTSIZE_ERROR)
    return corrupt("bad zstd frame header");
  if (frameSize == ZSTD_CONTENTSIZE_UNKNOWN)
    return corrupt("the payload's zstd frame does not declare its size");
  if (frameSize != declaredSize)
    return corrupt(format("the zstd frame holds %llu bytes, the header says %" PRIu64, frameSize,
                          declaredSize));

  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!context)
    llvm::report_fatal_error("out of memory creating a zstd decompression context");
  std::vector<uint8_t> out;
  size_t produced = 0;
  ZSTD_inBuffer input{data, size, 0};
  constexpr uint64_t kInitialOutput = 1 << 16;
  for (;;) {
    if (produced == out.size() && out.size() < declaredSize) {
      uint64_t grown = std::max<uint64_t>(kInitialOutput, uint64_t(out.size()) * 2);
      out.resize(size_t(std::min(grown, declaredSize)));
    }
    ZSTD_outBuffer output{out.data(), out.size(), produced};
    size_t inputBefore = input.pos;
    size_t result = ZSTD_decompressStream(context.get(), &output, &input);
    if (ZSTD_isError(result))
      return corrupt(std::string("payload: ") + ZSTD_getErrorName(result));
    bool progress = input.pos != inputBefore || output.pos != produced;
    produced = output.pos;
    if (result == 0)
      break; // the frame is complete and its checksum matched
    if (!progress) {
      if (input.pos == input.size)
        return corrupt("the zstd frame ends before its data does");
      return corrupt(format("the zstd frame holds more than the %" PRIu64
                            " bytes the header declares",
                            declaredSize));
    }
  }
  if (input.pos != input.size)
    return corrupt(format("%zu bytes after the payload's zstd frame", input.size - input.pos));
  if (produced != declaredSize)
    return corrupt(
        format("the payload is %zu bytes, the header says %" PRIu64, produced, declaredSize));
  return std::move(out);
}

} // namespace

std::vector<uint8_t> encodeProfile(const RunProfile &profile) {
  std::vector<uint8_t> payload = encodePayload(profile);
  std::vector<uint8_t> file(kProfileHeaderSize + ZSTD_compressBound(payload.size()));

  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!context)
    llvm::report_fatal_error("out of memory creating a zstd compression context");
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1);
  size_t compressed =
      ZSTD_compress2(context.get(), file.data() + kProfileHeaderSize,
                     file.size() - kProfileHeaderSize, payload.data(), payload.size());
  // The output is compressBound-sized: only running out of memory fails.
  if (ZSTD_isError(compressed))
    llvm::report_fatal_error(llvm::Twine("zstd compression of a profile failed: ") +
                             ZSTD_getErrorName(compressed));
  file.resize(kProfileHeaderSize + compressed);

  uint8_t *header = file.data();
  std::memcpy(header, kMagic, sizeof kMagic);
  writeLe(header + 8, kProfileFormatVersion, 2);
  writeLe(header + 10, kProfileFormatMinorVersion, 2);
  writeLe(header + 12, 0, 4); // flags
  writeLe(header + 16, payload.size(), 8);
  writeLe(header + 24, compressed, 8);
  return file;
}

llvm::Expected<RunProfile> decodeProfile(const uint8_t *data, size_t size) {
  if (size == 0)
    return truncated("the file is empty");
  if (std::memcmp(data, kMagic, std::min(size, sizeof kMagic)) != 0)
    return makeError("not a Tiercel profile (bad magic)");
  if (size < kProfileHeaderSize)
    return truncated(format("%zu bytes, less than the %zu-byte header", size, kProfileHeaderSize));
  uint16_t major = readLe16(data + 8);
  uint16_t minor = readLe16(data + 10);
  uint32_t flags = readLe32(data + 12);
  uint64_t payloadSize = readLe64(data + 16);
  uint64_t compressedSize = readLe64(data + 24);
  if (major == 0)
    return corrupt(format("format version 0.%u does not exist", minor));
  if (major > kProfileFormatVersion)
    return makeError(format("profile format version %u.%u is newer than this Tiercel reads (%u); "
                            "read it with a newer Tiercel",
                            major, minor, kProfileFormatVersion));
  if (flags != 0)
    return makeError(format("unsupported profile: unknown header flags 0x%" PRIx32
                            " (format %u.%u defines none); read it with a newer Tiercel",
                            flags, major, minor));
  if (payloadSize > kMaxProfilePayloadSize)
    return makeError(format("profile too large: a payload of %" PRIu64
                            " bytes is more than the %" PRIu64 " this Tiercel reads",
                            payloadSize, kMaxProfilePayloadSize));
  size_t available = size - kProfileHeaderSize;
  if (compressedSize > available)
    return truncated(format("the header promises %" PRIu64 " compressed bytes, the file has %zu",
                            compressedSize, available));
  if (compressedSize < available)
    return corrupt(format("%" PRIu64 " unexpected bytes after the compressed payload",
                          uint64_t(available - compressedSize)));

  llvm::Expected<std::vector<uint8_t>> payload =
      decompressPayload(data + kProfileHeaderSize, available, payloadSize);
  if (!payload)
    return payload.takeError();
  return decodePayload(payload->data(), payload->size());
}

llvm::Error validateProfile(const RunProfile &profile) {
  for (size_t i = 0; i < profile.blocks.size(); ++i) {
    const BlockProfile &block = profile.blocks[i];
    auto bad = [&](const std::string &what) {
      return makeError(format("block %zu at 0x%" PRIx64 ": ", i, block.startPc) + what);
    };
    if (uint8_t(block.tier) >= kTierCount)
      return bad(format("tier %u is out of range", unsigned(block.tier)));
    if (block.endPc < block.startPc)
      return bad(format("endPc 0x%" PRIx64 " is below startPc", block.endPc));
    for (size_t e = 0; e < block.edges.size(); ++e)
      if (uint8_t(block.edges[e].kind) > uint8_t(EdgeKind::Jump))
        return bad(format("edge %zu: kind %u is out of range", e, unsigned(block.edges[e].kind)));
    if (!block.guestCode.empty() && block.guestCode.size() != block.endPc - block.startPc)
      return bad(format("%zu bytes of guest code for a block of %" PRIu64 " bytes",
                        block.guestCode.size(), block.endPc - block.startPc));
    if (block.hostOffsets.empty())
      continue;
    if (block.hostOffsets.size() != block.instructionCount)
      return bad(format("%zu host offsets for %u instructions", block.hostOffsets.size(),
                        block.instructionCount));
    for (size_t k = 0; k < block.hostOffsets.size(); ++k) {
      uint32_t offset = block.hostOffsets[k];
      if (k > 0 && offset < block.hostOffsets[k - 1])
        return bad(format("host offset %zu (%u) is below the one before it (%u)", k, offset,
                          block.hostOffsets[k - 1]));
      if (offset >= block.hostCode.size())
        return bad(format("host offset %zu (%u) is past the end of the host code (%zu bytes)", k,
                          offset, block.hostCode.size()));
    }
  }
  for (size_t i = 0; i < profile.events.size(); ++i) {
    const Event &event = profile.events[i];
    if (uint8_t(event.kind) > uint8_t(EventKind::Flush))
      return makeError(format("event %zu: kind %u is out of range", i, unsigned(event.kind)));
    if (uint8_t(event.tier) >= kTierCount)
      return makeError(format("event %zu: tier %u is out of range", i, unsigned(event.tier)));
  }
  return llvm::Error::success();
}

llvm::Error writeProfileFile(const std::string &path, const RunProfile &profile) {
  std::vector<uint8_t> file = encodeProfile(profile);
  auto failure = [&](const std::string &what, int error) {
    return makeError("cannot write profile " + path + ": " + what + std::strerror(error));
  };

  // A unique name next to the target: snapshots from a background thread and
  // the final profile may be written at the same time.
  static std::atomic<uint64_t> serial{0};
  std::string temporary;
  int fd = -1;
  for (unsigned attempt = 0; fd < 0; ++attempt) {
    temporary = path + format(".tmp.%d.%" PRIu64, int(getpid()), serial.fetch_add(1));
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100))
      return failure("", errno);
  }
  const uint8_t *next = file.data();
  size_t left = file.size();
  while (left > 0) {
    ssize_t written = ::write(fd, next, left);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      int error = written < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(temporary.c_str());
      return failure("writing " + temporary + ": ", error);
    }
    next += written;
    left -= size_t(written);
  }
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return failure("closing " + temporary + ": ", error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return failure("renaming " + temporary + ": ", error);
  }
  return llvm::Error::success();
}

llvm::Expected<RunProfile> readProfileFile(const std::string &path) {
  // Volatile: read, not mapped, so a file truncated under us is an error, not a SIGBUS.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false, /*IsVolatile=*/true);
  if (!buffer)
    return makeError("cannot read profile " + path + ": " + buffer.getError().message());
  llvm::Expected<RunProfile> profile = decodeProfile(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()), (*buffer)->getBufferSize());
  if (!profile)
    return makeError(path + ": " + llvm::toString(profile.takeError()));
  return profile;
}

} // namespace tiercel::profiles
