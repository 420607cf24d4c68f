// The remote protocol's command dispatcher (see session.h). Error replies
// follow gdbserver and qemu: E01 for a malformed packet or a refused
// register, E14 (EFAULT) for memory that cannot be accessed. An empty reply
// says "not supported", which GDB understands for every optional packet.
#include "runtime/gdb/session.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

#include "runtime/gdb/packet_codec.h"

namespace tiercel::gdb {

namespace {

constexpr const char *kMalformed = "E01";
constexpr const char *kMemoryFault = "E14";

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "addr,length" in hex.
bool parseAddressLength(std::string_view text, uint64_t &address, uint64_t &length) {
  size_t comma = text.find(',');
  if (comma == std::string_view::npos)
    return false;
  auto a = parseHexNumber(text.substr(0, comma));
  auto l = parseHexNumber(text.substr(comma + 1));
  if (!a || !l)
    return false;
  address = *a;
  length = *l;
  return true;
}

// A thread id of a packet (H, T, vCont): ours, "all" (-1) or "any" (0).
bool isOurThread(std::string_view id) {
  if (id == "-1" || id == "0")
    return true;
  auto value = parseHexNumber(id);
  return value && *value == static_cast<uint64_t>(kThreadId);
}

// The slice of `document` a qXfer read asks for: 'm' + data when more
// follows, 'l' + data for the last part.
std::string transferSlice(const std::string &document, uint64_t offset, uint64_t length) {
  if (offset >= document.size())
    return "l";
  // Escaping may double the size: keep the reply within the packet size.
  uint64_t room = std::min<uint64_t>(length, kMaxPacketSize / 2 - 8);
  std::string_view part = std::string_view(document).substr(offset, room);
  bool last = offset + part.size() >= document.size();
  return (last ? "l" : "m") + escapeBinary(part);
}

} // namespace

std::string Session::stopReply(const StopEvent &event) {
  char text[96];
  switch (event.kind) {
  case StopEvent::Kind::Exited: std::snprintf(text, sizeof text, "W%02x", event.value & 0xff); break;
  case StopEvent::Kind::Killed: std::snprintf(text, sizeof text, "X%02x", event.value & 0xff); break;
  case StopEvent::Kind::Signal: {
    const char *watch = nullptr;
    if (event.watch == BreakpointType::WriteWatch)
      watch = "watch";
    else if (event.watch == BreakpointType::ReadWatch)
      watch = "rwatch";
    else if (event.watch == BreakpointType::AccessWatch)
      watch = "awatch";
    if (watch != nullptr)
      std::snprintf(text, sizeof text, "T%02x%s:%" PRIx64 ";thread:%x;", event.value & 0xff,
                    watch, event.watchAddress, kThreadId);
    else
      std::snprintf(text, sizeof text, "T%02xthread:%x;", event.value & 0xff, kThreadId);
    break;
  }
  }
  lastStop_ = text;
  return lastStop_;
}

SessionReply Session::handle(std::string_view payload) {
  if (payload.empty())
    return {};
  std::string_view args = payload.substr(1);
  switch (payload[0]) {
  case '?': return {lastStop_};
  case 'g': return {readRegisters()};
  case 'G': return {writeRegisters(args)};
  case 'p': return {readRegister(args)};
  case 'P': return {writeRegister(args)};
  case 'm': return {readMemory(args)};
  case 'M': return {writeMemoryHex(args)};
  case 'X': return {writeMemoryBinary(args)};
  case 'Z': return {breakpoint(args, true)};
  case 'z': return {breakpoint(args, false)};
  case 'c':
  case 'C':
  case 's':
  case 'S': {
    SessionReply reply;
    reply.resume = parseResume(payload);
    if (!reply.resume)
      reply.payload = kMalformed;
    return reply;
  }
  case 'H': // Hg/Hc: there is one thread
    return {args.size() >= 1 && isOurThread(args.substr(1)) ? "OK" : "E02"};
  case 'T': return {isOurThread(args) ? "OK" : "E02"};
  case 'D': {
    SessionReply reply{"OK"};
    reply.detach = true;
    return reply;
  }
  case 'k': {
    SessionReply reply;
    reply.kill = true;
    return reply;
  }
  case 'q':
  case 'Q': return query(payload);
  case 'v': return vPacket(payload);
  default: return {}; // not supported
  }
}

std::string Session::readRegisters() {
  std::string hex;
  uint8_t bytes[16];
  for (unsigned regno = 0; regno < target_.gRegisterCount(); ++regno) {
    unsigned size = target_.registerSize(regno);
    target_.readRegister(regno, bytes);
    hex += toHex(bytes, size);
  }
  return hex;
}

std::string Session::writeRegisters(std::string_view hex) {
  auto bytes = fromHex(hex);
  if (!bytes)
    return kMalformed;
  size_t offset = 0;
  // GDB may send fewer registers than g returned, never a partial one.
  for (unsigned regno = 0; regno < target_.gRegisterCount() && offset < bytes->size(); ++regno) {
    unsigned size = target_.registerSize(regno);
    if (offset + size > bytes->size())
      return kMalformed;
    if (!target_.writeRegister(regno, bytes->data() + offset))
      return kMalformed;
    offset += size;
  }
  return offset == bytes->size() ? "OK" : kMalformed;
}

std::string Session::readRegister(std::string_view args) {
  auto regno = parseHexNumber(args);
  if (!regno || *regno > 0xffff)
    return kMalformed;
  unsigned size = target_.registerSize(static_cast<unsigned>(*regno));
  if (size == 0 || size > 16)
    return kMalformed;
  uint8_t bytes[16];
  target_.readRegister(static_cast<unsigned>(*regno), bytes);
  return toHex(bytes, size);
}

std::string Session::writeRegister(std::string_view args) {
  size_t equals = args.find('=');
  if (equals == std::string_view::npos)
    return kMalformed;
  auto regno = parseHexNumber(args.substr(0, equals));
  auto bytes = fromHex(args.substr(equals + 1));
  if (!regno || !bytes || *regno > 0xffff)
    return kMalformed;
  unsigned size = target_.registerSize(static_cast<unsigned>(*regno));
  if (size == 0 || bytes->size() != size)
    return kMalformed;
  return target_.writeRegister(static_cast<unsigned>(*regno), bytes->data()) ? "OK" : kMalformed;
}

std::string Session::readMemory(std::string_view args) {
  uint64_t address, length;
  if (!parseAddressLength(args, address, length))
    return kMalformed;
  // The hex reply must fit one packet.
  length = std::min<uint64_t>(length, kMaxPacketSize / 2);
  if (length == 0)
    return "";
  std::vector<uint8_t> bytes(length);
  size_t read = target_.readMemory(address, bytes.data(), length);
  if (read == 0)
    return kMemoryFault;
  return toHex(bytes.data(), read);
}

std::string Session::writeMemoryHex(std::string_view args) {
  size_t colon = args.find(':');
  uint64_t address, length;
  if (colon == std::string_view::npos || !parseAddressLength(args.substr(0, colon), address, length))
    return kMalformed;
  auto bytes = fromHex(args.substr(colon + 1));
  if (!bytes || bytes->size() != length)
    return kMalformed;
  if (length == 0)
    return "OK";
  return target_.writeMemory(address, bytes->data(), length) ? "OK" : kMemoryFault;
}

std::string Session::writeMemoryBinary(std::string_view args) {
  size_t colon = args.find(':');
  uint64_t address, length;
  if (colon == std::string_view::npos || !parseAddressLength(args.substr(0, colon), address, length))
    return kMalformed;
  auto data = unescapeBinary(args.substr(colon + 1));
  if (!data || data->size() != length)
    return kMalformed;
  // "X addr,0:" probes whether X is supported.
  if (length == 0)
    return "OK";
  return target_.writeMemory(address, reinterpret_cast<const uint8_t *>(data->data()), length)
             ? "OK"
             : kMemoryFault;
}

// Z/z type,addr,kind[;cond...]: conditions and commands are not supported
// (not announced in qSupported), so they never come.
std::string Session::breakpoint(std::string_view args, bool insert) {
  size_t first = args.find(',');
  if (first == std::string_view::npos)
    return kMalformed;
  auto type = parseHexNumber(args.substr(0, first));
  std::string_view rest = args.substr(first + 1);
  rest = rest.substr(0, rest.find(';'));
  uint64_t address, kind;
  if (!type || *type > 4 || !parseAddressLength(rest, address, kind))
    return kMalformed;
  auto breakpointType = static_cast<BreakpointType>(*type);
  if (!target_.supportsBreakpoint(breakpointType))
    return "";
  bool ok = insert ? target_.insertBreakpoint(breakpointType, address, kind)
                   : target_.removeBreakpoint(breakpointType, address, kind);
  return ok ? "OK" : kMalformed;
}

std::optional<ResumeRequest> Session::parseResume(std::string_view payload) {
  ResumeRequest request;
  request.kind = payload[0] == 'c' || payload[0] == 'C' ? ResumeRequest::Kind::Continue
                                                        : ResumeRequest::Kind::Step;
  std::string_view args = payload.substr(1);
  if (payload[0] == 'C' || payload[0] == 'S') {
    size_t semicolon = args.find(';');
    auto signal = parseHexNumber(args.substr(0, semicolon));
    if (!signal || *signal > 0xff)
      return std::nullopt;
    request.signal = static_cast<int>(*signal);
    args = semicolon == std::string_view::npos ? std::string_view() : args.substr(semicolon + 1);
  }
  if (!args.empty()) {
    auto address = parseHexNumber(args);
    if (!address)
      return std::nullopt;
    request.address = *address;
  }
  return request;
}

// vCont;ACTION[:thread];ACTION...: the first action that applies to our
// thread wins (GDB lists the specific ones first).
std::optional<ResumeRequest> Session::parseVCont(std::string_view actions) {
  while (!actions.empty()) {
    if (actions[0] != ';')
      return std::nullopt;
    actions.remove_prefix(1);
    size_t end = actions.find(';');
    std::string_view action = actions.substr(0, end);
    actions = end == std::string_view::npos ? std::string_view() : actions.substr(end);
    size_t colon = action.find(':');
    std::string_view thread =
        colon == std::string_view::npos ? std::string_view() : action.substr(colon + 1);
    action = action.substr(0, colon);
    if (!thread.empty() && !isOurThread(thread))
      continue;
    if (action.empty())
      return std::nullopt;
    ResumeRequest request;
    switch (action[0]) {
    case 'c': request.kind = ResumeRequest::Kind::Continue; break;
    case 's': request.kind = ResumeRequest::Kind::Step; break;
    case 'C':
    case 'S': {
      request.kind = action[0] == 'C' ? ResumeRequest::Kind::Continue : ResumeRequest::Kind::Step;
      auto signal = parseHexNumber(action.substr(1));
      if (!signal || *signal > 0xff)
        return std::nullopt;
      request.signal = static_cast<int>(*signal);
      break;
    }
    default: return std::nullopt; // t, r: not announced by vCont?
    }
    if (action.size() > 1 && (action[0] == 'c' || action[0] == 's'))
      return std::nullopt;
    return request;
  }
  return std::nullopt;
}

SessionReply Session::vPacket(std::string_view payload) {
  if (payload == "vCont?")
    return {"vCont;c;C;s;S"};
  if (startsWith(payload, "vCont;")) {
    SessionReply reply;
    reply.resume = parseVCont(payload.substr(5));
    if (!reply.resume)
      reply.payload = kMalformed;
    return reply;
  }
  if (startsWith(payload, "vKill")) {
    SessionReply reply{"OK"};
    reply.kill = true;
    return reply;
  }
  // vMustReplyEmpty, vFile, vRun, vAttach...: not supported.
  return {};
}

std::string Session::transfer(std::string_view args) {
  // object:read:annex:offset,length
  size_t colon = args.find(':');
  if (colon == std::string_view::npos)
    return kMalformed;
  std::string_view object = args.substr(0, colon);
  std::string_view rest = args.substr(colon + 1);
  if (!startsWith(rest, "read:"))
    return "";
  rest.remove_prefix(5);
  size_t annexEnd = rest.find(':');
  if (annexEnd == std::string_view::npos)
    return kMalformed;
  std::string_view annex = rest.substr(0, annexEnd);
  uint64_t offset, length;
  if (!parseAddressLength(rest.substr(annexEnd + 1), offset, length))
    return kMalformed;
  std::optional<std::string> document;
  if (object == "features") {
    if (annex != "target.xml")
      return "E00";
    document = target_.targetXml();
  } else if (object == "auxv") {
    document = target_.auxv();
  } else if (object == "exec-file") {
    document = target_.execFile();
  } else {
    return "";
  }
  if (!document)
    return "E00";
  return transferSlice(*document, offset, length);
}

SessionReply Session::query(std::string_view payload) {
  if (startsWith(payload, "qSupported")) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "PacketSize=%zx;qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;"
                  "QStartNoAckMode+;vContSupported+",
                  kMaxPacketSize);
    return {text};
  }
  if (payload == "QStartNoAckMode") {
    SessionReply reply{"OK"};
    reply.startNoAck = true;
    return reply;
  }
  if (startsWith(payload, "qXfer:"))
    return {transfer(payload.substr(6))};
  if (payload == "qC")
    return {"QC" + std::to_string(kThreadId)};
  if (payload == "qfThreadInfo")
    return {"m" + std::to_string(kThreadId)};
  if (payload == "qsThreadInfo")
    return {"l"};
  if (startsWith(payload, "qAttached"))
    return {"1"}; // the target is not ours to kill when GDB quits
  if (payload == "qOffsets")
    return {"Text=0;Data=0;Bss=0"}; // ELF programs: GDB takes a PIE's bias from auxv
  if (startsWith(payload, "qThreadExtraInfo,"))
    return {toHex("CPU#0 [stopped]")};
  if (startsWith(payload, "qSymbol"))
    return {"OK"};
  // qemu's single-step flags, which pwndbg and GEF probe to detect qemu.
  if (payload == "qqemu.sstepbits")
    return {"ENABLE=1,NOIRQ=2,NOTIMER=4"};
  if (payload == "qqemu.sstep") {
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", singleStepFlags_);
    return {text};
  }
  if (startsWith(payload, "Qqemu.sstep=")) {
    auto flags = parseHexNumber(payload.substr(12));
    if (!flags || *flags > 7)
      return {kMalformed};
    singleStepFlags_ = static_cast<uint32_t>(*flags);
    return {"OK"};
  }
  return {}; // qTStatus, qTfV, qGetTLSAddr, QNonStop...: not supported
}

} // namespace tiercel::gdb
