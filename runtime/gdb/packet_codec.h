// The GDB remote serial protocol's framing (GDB manual, "Overview" of the
// remote protocol): packets are `$payload#cc` with cc the modulo-256 sum of
// the payload in two hex digits; '+'/'-' acknowledge them until
// QStartNoAckMode; a lone 0x03 byte outside a packet is an interrupt. Binary
// data (X packets, qXfer replies) escapes '#', '$', '}' and '*' as '}' then
// the byte xor 0x20. Nothing here knows about targets or sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tiercel::gdb {

uint8_t packetChecksum(std::string_view payload);
// `$payload#cc`. The payload must already be escaped where it holds binary.
std::string framePacket(std::string_view payload);

// Binary escaping: '}' followed by the byte xor 0x20 for '#', '$', '}', '*'.
std::string escapeBinary(std::string_view data);
// The inverse; nullopt when the data ends in a lone '}'.
std::optional<std::string> unescapeBinary(std::string_view data);

// Hex helpers: two lower-case digits per byte, in memory order.
std::string toHex(const uint8_t *data, size_t length);
std::string toHex(std::string_view text);
// nullopt on an odd length or a non-hex digit.
std::optional<std::vector<uint8_t>> fromHex(std::string_view hex);
// A hex number (no prefix); nullopt when empty, not hex or above 64 bits.
std::optional<uint64_t> parseHexNumber(std::string_view text);
// `value` as little-endian bytes of `size` bytes, in hex (register values).
std::string littleEndianHex(uint64_t value, unsigned size);

// What arrives from the debugger, one event at a time.
struct InputEvent {
  enum class Kind : uint8_t {
    Packet,      // a well-formed packet: `payload` (still escaped)
    BadChecksum, // a packet whose checksum did not match (answer '-')
    Ack,         // '+'
    Nack,        // '-': resend the last packet
    Interrupt,   // 0x03 outside a packet (Ctrl-C)
  };
  Kind kind;
  std::string payload;
};

// Splits the byte stream into events. Bytes between packets other than
// '+', '-' and 0x03 are noise and dropped (as gdbserver does).
class PacketDecoder {
public:
  // Feeds bytes; complete events are appended to `out`.
  void feed(std::string_view bytes, std::vector<InputEvent> &out);
  // Inside a packet (between '$' and its checksum).
  bool inPacket() const { return state_ != State::Idle; }

private:
  enum class State : uint8_t { Idle, Payload, Checksum1, Checksum2 };
  State state_ = State::Idle;
  std::string payload_;
  uint8_t sum_ = 0;
  uint8_t expected_ = 0;
};

} // namespace tiercel::gdb
