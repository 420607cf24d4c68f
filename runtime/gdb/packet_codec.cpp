// The remote protocol's framing and encodings (see packet_codec.h).
#include "runtime/gdb/packet_codec.h"

namespace tiercel::gdb {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool needsEscape(char c) { return c == '#' || c == '$' || c == '}' || c == '*'; }

} // namespace

uint8_t packetChecksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload)
    sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string framePacket(std::string_view payload) {
  uint8_t sum = packetChecksum(payload);
  std::string packet;
  packet.reserve(payload.size() + 4);
  packet += '$';
  packet += payload;
  packet += '#';
  packet += kHexDigits[sum >> 4];
  packet += kHexDigits[sum & 15];
  return packet;
}

std::string escapeBinary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char c : data) {
    if (needsEscape(c)) {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescapeBinary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '}') {
      out += data[i];
      continue;
    }
    if (++i == data.size())
      return std::nullopt;
    out += static_cast<char>(data[i] ^ 0x20);
  }
  return out;
}

std::string toHex(const uint8_t *data, size_t length) {
  std::string out;
  out.reserve(length * 2);
  for (size_t i = 0; i < length; ++i) {
    out += kHexDigits[data[i] >> 4];
    out += kHexDigits[data[i] & 15];
  }
  return out;
}

std::string toHex(std::string_view text) {
  return toHex(reinterpret_cast<const uint8_t *>(text.data()), text.size());
}

std::optional<std::vector<uint8_t>> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int high = hexValue(hex[2 * i]), low = hexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0)
      return std::nullopt;
    out[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return out;
}

std::optional<uint64_t> parseHexNumber(std::string_view text) {
  if (text.empty() || text.size() > 16)
    return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit = hexValue(c);
    if (digit < 0)
      return std::nullopt;
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value;
}

std::string littleEndianHex(uint64_t value, unsigned size) {
  uint8_t bytes[8];
  for (unsigned i = 0; i < size && i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(value >> (8 * i));
  return toHex(bytes, size < 8 ? size : 8);
}

void PacketDecoder::feed(std::string_view bytes, std::vector<InputEvent> &out) {
  for (char c : bytes) {
    switch (state_) {
    case State::Idle:
      if (c == '$') {
        state_ = State::Payload;
        payload_.clear();
        sum_ = 0;
      } else if (c == '+') {
        out.push_back({InputEvent::Kind::Ack, {}});
      } else if (c == '-') {
        out.push_back({InputEvent::Kind::Nack, {}});
      } else if (c == '\x03') {
        out.push_back({InputEvent::Kind::Interrupt, {}});
      }
      break;
    case State::Payload:
      // '#' cannot occur in the payload: binary data escapes it.
      if (c == '#') {
        state_ = State::Checksum1;
      } else if (c == '$') {
        // A new packet before the old one ended: the old one was garbled.
        payload_.clear();
        sum_ = 0;
      } else {
        payload_ += c;
        sum_ = static_cast<uint8_t>(sum_ + static_cast<uint8_t>(c));
      }
      break;
    case State::Checksum1: {
      int digit = hexValue(c);
      expected_ = static_cast<uint8_t>(digit < 0 ? 0 : digit << 4);
      state_ = digit < 0 ? State::Idle : State::Checksum2;
      if (digit < 0)
        out.push_back({InputEvent::Kind::BadChecksum, {}});
      break;
    }
    case State::Checksum2: {
      int digit = hexValue(c);
      state_ = State::Idle;
      if (digit < 0 || static_cast<uint8_t>(expected_ | digit) != sum_)
        out.push_back({InputEvent::Kind::BadChecksum, {}});
      else
        out.push_back({InputEvent::Kind::Packet, std::move(payload_)});
      payload_.clear();
      break;
    }
    }
  }
}

} // namespace tiercel::gdb
