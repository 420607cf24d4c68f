// The 16550A UART: output, input through the FIFO, interrupts in priority
// order, the divisor latch, loopback, overrun, split wide accesses.
#include "devices/uart16550.h"

#include <gtest/gtest.h>

#include "device_test_support.h"

namespace tiercel::devices {
namespace {

struct UartTest : ::testing::Test {
  uint8_t get(unsigned reg) {
    uint64_t value = 0xdead;
    EXPECT_TRUE(uart.read(reg, 1, value));
    return static_cast<uint8_t>(value);
  }
  void put(unsigned reg, uint8_t value) { EXPECT_TRUE(uart.write(reg, 1, value)); }

  MemoryCharBackend backend;
  testing::LevelRecorder irq;
  Uart16550 uart{backend, irq};
};

TEST_F(UartTest, TransmitsToTheBackend) {
  for (char c : std::string("OpenSBI\n"))
    put(0, static_cast<uint8_t>(c));
  EXPECT_EQ(backend.output(), "OpenSBI\n");
  EXPECT_EQ(get(5) & 0x60, 0x60); // THR empty and transmitter empty, always
  EXPECT_FALSE(irq.level);        // no interrupt enabled
}

TEST_F(UartTest, ReceivesThroughTheFifoWithDataReadyAndInterrupt) {
  put(2, 0x01); // FIFOs on
  put(1, 0x01); // received-data interrupt
  EXPECT_EQ(get(2), 0xc1); // FIFOs enabled, nothing pending
  backend.type("ls");
  EXPECT_TRUE(irq.level);
  EXPECT_EQ(get(5) & 0x01, 0x01);
  EXPECT_EQ(get(2), 0xc4); // received data available
  EXPECT_EQ(get(0), 'l');
  EXPECT_TRUE(irq.level);
  EXPECT_EQ(get(0), 's');
  EXPECT_FALSE(irq.level);
  EXPECT_EQ(get(5) & 0x01, 0x00);
  EXPECT_EQ(get(0), 0); // an empty RBR reads 0
}

TEST_F(UartTest, OverrunLosesTheByteAndRaisesLineStatus) {
  put(1, 0x05); // received data + line status
  backend.type("ab"); // FIFOs off: one byte of room
  EXPECT_EQ(get(2), 0x06); // line status outranks received data
  uint8_t lsr = get(5);
  EXPECT_EQ(lsr & 0x03, 0x03); // data ready + overrun
  EXPECT_EQ(get(5) & 0x02, 0x00); // reading LSR cleared it
  EXPECT_EQ(get(2), 0x04);
  EXPECT_EQ(get(0), 'a');
  put(2, 0x01);
  backend.type("0123456789abcdefXYZ"); // 16 fit
  EXPECT_EQ(get(5) & 0x02, 0x02);
  std::string received;
  while (get(5) & 0x01)
    received += static_cast<char>(get(0));
  EXPECT_EQ(received, "0123456789abcdef");
}

TEST_F(UartTest, ThrEmptyInterruptAfterEnableAndEachWriteUntilIirIsRead) {
  put(1, 0x02);
  EXPECT_TRUE(irq.level); // enabling it with THR empty raises it
  EXPECT_EQ(get(2), 0x02);
  EXPECT_FALSE(irq.level); // reading IIR cleared it
  EXPECT_EQ(get(2), 0x01);
  put(0, 'x');
  EXPECT_TRUE(irq.level);
  put(1, 0x00);
  EXPECT_FALSE(irq.level); // disabled
}

TEST_F(UartTest, DivisorLatchAndScratch) {
  put(3, 0x83); // DLAB, 8N1
  put(0, 0x01);
  put(1, 0x00);
  EXPECT_EQ(get(0), 0x01);
  EXPECT_EQ(get(1), 0x00);
  put(3, 0x03);
  EXPECT_EQ(get(3), 0x03);
  put(0, 'k'); // DLAB off again: a character, not the divisor
  EXPECT_EQ(backend.output(), "k");
  put(7, 0x5a);
  EXPECT_EQ(get(7), 0x5a);
  EXPECT_EQ(get(6), 0xb0); // CTS, DSR, DCD
}

TEST_F(UartTest, LoopbackFeedsTheReceiverAndModemLines) {
  put(4, 0x1f); // loopback with DTR, RTS, OUT1, OUT2
  EXPECT_EQ(get(6), 0xf0);
  put(0, 'q');
  EXPECT_EQ(backend.output(), "");
  EXPECT_EQ(get(0), 'q');
}

TEST_F(UartTest, WideAccessesSplitAndOutOfRangeOffsetsFault) {
  uint64_t value = 0;
  put(7, 0x11);
  EXPECT_TRUE(uart.read(4, 4, value)); // MCR, LSR, MSR, SCR
  EXPECT_EQ(value >> 24, 0x11u);
  EXPECT_EQ((value >> 8) & 0x60, 0x60u);
  EXPECT_FALSE(uart.read(8, 1, value));
  EXPECT_FALSE(uart.read(6, 4, value)); // runs past SCR
  EXPECT_FALSE(uart.write(0x80, 1, 0));
  EXPECT_FALSE(uart.read(0, 0, value));
}

} // namespace
} // namespace tiercel::devices

namespace tiercel::devices {
namespace {

// A back end that counts the UART's "room grew" notifications and asks
// how much room there is, as the stdio console does (char_backend.h).
class FlowControlledBackend : public CharBackend {
public:
  void write(uint8_t) override {}
  void receiveRoomChanged() override { ++roomChanges; }
  void type(uint8_t byte) { deliver(byte); }
  size_t room() const { return receiveRoom(); }
  int roomChanges = 0;
};

TEST(UartFlowControlTest, ReportsFifoRoomAndWhenItGrows) {
  FlowControlledBackend backend;
  testing::LevelRecorder irq;
  Uart16550 uart(backend, irq);
  EXPECT_EQ(backend.room(), 1u); // FIFOs off: one byte
  backend.type('a');
  EXPECT_EQ(backend.room(), 0u);
  EXPECT_TRUE(uart.write(2, 1, 0x01)); // FIFOs on (empties the receiver)
  EXPECT_EQ(backend.roomChanges, 1);
  EXPECT_EQ(backend.room(), Uart16550::kFifoSize);
  for (char c : std::string("0123456789"))
    backend.type(static_cast<uint8_t>(c));
  EXPECT_EQ(backend.room(), Uart16550::kFifoSize - 10);
  uint64_t value = 0;
  EXPECT_TRUE(uart.read(5, 1, value)); // LSR: no byte taken, no notification
  EXPECT_EQ(backend.roomChanges, 1);
  EXPECT_TRUE(uart.read(0, 1, value)); // RBR
  EXPECT_EQ(value, uint64_t{'0'});
  EXPECT_EQ(backend.roomChanges, 2);
  EXPECT_EQ(backend.room(), Uart16550::kFifoSize - 9);
}

} // namespace
} // namespace tiercel::devices
