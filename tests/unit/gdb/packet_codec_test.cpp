// The remote protocol's framing: checksums, escapes, hex, and the stream
// decoder's events (packets, acks, interrupts, bad checksums).
#include "runtime/gdb/packet_codec.h"

#include <gtest/gtest.h>

namespace tiercel::gdb {
namespace {

TEST(PacketCodec, FramesWithChecksum) {
  EXPECT_EQ(framePacket("OK"), "$OK#9a");
  EXPECT_EQ(framePacket(""), "$#00");
  EXPECT_EQ(packetChecksum("qSupported"), 0x37);
}

TEST(PacketCodec, EscapesBinaryBothWays) {
  std::string raw = std::string("a#b$c}d*e\x03", 10);
  std::string escaped = escapeBinary(raw);
  EXPECT_EQ(escaped, std::string("a}\x03" "b}\x04" "c}]d}\x0a" "e\x03"));
  EXPECT_EQ(unescapeBinary(escaped), raw);
  EXPECT_FALSE(unescapeBinary("abc}").has_value());
}

TEST(PacketCodec, Hex) {
  const uint8_t bytes[] = {0x00, 0xab, 0x10};
  EXPECT_EQ(toHex(bytes, 3), "00ab10");
  auto back = fromHex("00AB10");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, (std::vector<uint8_t>{0x00, 0xab, 0x10}));
  EXPECT_FALSE(fromHex("abc").has_value());
  EXPECT_FALSE(fromHex("zz").has_value());
  EXPECT_EQ(parseHexNumber("10632"), 0x10632u);
  EXPECT_FALSE(parseHexNumber("").has_value());
  EXPECT_FALSE(parseHexNumber("12345678901234567").has_value());
  EXPECT_EQ(littleEndianHex(0x1122334455667788, 8), "8877665544332211");
  EXPECT_EQ(littleEndianHex(0x1f, 4), "1f000000");
}

TEST(PacketDecoder, SplitsEventsAcrossFeeds) {
  PacketDecoder decoder;
  std::vector<InputEvent> events;
  decoder.feed("+$qSuppo", events);
  EXPECT_TRUE(decoder.inPacket());
  decoder.feed("rted#37-", events);
  decoder.feed("\x03noise$g#67", events);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, InputEvent::Kind::Ack);
  EXPECT_EQ(events[1].kind, InputEvent::Kind::Packet);
  EXPECT_EQ(events[1].payload, "qSupported");
  EXPECT_EQ(events[2].kind, InputEvent::Kind::Nack);
  EXPECT_EQ(events[3].kind, InputEvent::Kind::Interrupt);
  EXPECT_EQ(events[4].payload, "g");
  EXPECT_FALSE(decoder.inPacket());
}

TEST(PacketDecoder, ReportsBadChecksum) {
  PacketDecoder decoder;
  std::vector<InputEvent> events;
  decoder.feed("$g#00$g#6x$m0,4#fd", events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, InputEvent::Kind::BadChecksum);
  EXPECT_EQ(events[1].kind, InputEvent::Kind::BadChecksum);
  EXPECT_EQ(events[2].kind, InputEvent::Kind::Packet);
  EXPECT_EQ(events[2].payload, "m0,4");
}

TEST(PacketDecoder, InterruptByteInsideAPacketIsData) {
  // An X packet's binary data may hold 0x03: it is not a Ctrl-C there.
  std::string payload = std::string("X100,1:\x03", 8);
  PacketDecoder decoder;
  std::vector<InputEvent> events;
  decoder.feed(framePacket(payload), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, InputEvent::Kind::Packet);
  EXPECT_EQ(events[0].payload, payload);
}

} // namespace
} // namespace tiercel::gdb
