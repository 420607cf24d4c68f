// virtio-input (devices/virtio_input.h) driven like Linux's virtio_input.c:
// the configuration selects its probe reads, events delivered into the
// buffers of queue 0 (and held while there are none), LED reports taken
// from queue 1, and the guest mistakes that stop the device.
#include "devices/virtio_input.h"

#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include <string>

#include "virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;
constexpr uint16_t kQueueSize = 8;

// The configuration space as the driver sees it (5.8.4).
struct ConfigView {
  uint8_t size = 0;
  std::vector<uint8_t> u;
};

ConfigView select(VirtioTestDriver &driver, uint8_t select, uint8_t subsel) {
  // One byte per field, as virtio_cwrite_le writes a u8.
  EXPECT_TRUE(driver.transport->write(reg::Config + 0, 1, select));
  EXPECT_TRUE(driver.transport->write(reg::Config + 1, 1, subsel));
  ConfigView view;
  view.size = static_cast<uint8_t>(driver.config(2, 1));
  EXPECT_EQ(driver.config(0, 1), select);
  EXPECT_EQ(driver.config(1, 1), subsel);
  for (unsigned i = 0; i < 128; ++i)
    view.u.push_back(static_cast<uint8_t>(driver.config(8 + i, 1)));
  return view;
}

std::string stringOf(const ConfigView &view) {
  return std::string(view.u.begin(), view.u.begin() + view.size);
}

bool bitSet(const ConfigView &view, unsigned bit) {
  return bit / 8 < view.size && (view.u[bit / 8] >> (bit % 8) & 1) != 0;
}

uint32_t le32(const ConfigView &view, unsigned offset) {
  return view.u[offset] | view.u[offset + 1] << 8 | view.u[offset + 2] << 16 |
         static_cast<uint32_t>(view.u[offset + 3]) << 24;
}

TEST(VirtioInputTest, IdentifiesAsAnInputDeviceWithTwoQueues) {
  VirtioInput keyboard(VirtioInput::Kind::Keyboard);
  VirtioTestDriver driver(&keyboard);
  EXPECT_EQ(driver.reg(reg::DeviceId), 18u);
  EXPECT_EQ(driver.deviceFeatures() & 0xffffff, 0u);
  for (unsigned queue : {0u, 1u}) {
    driver.setReg(reg::QueueSel, queue);
    EXPECT_EQ(driver.reg(reg::QueueNumMax), VirtioInput::kQueueSize);
  }
  driver.setReg(reg::QueueSel, 2);
  EXPECT_EQ(driver.reg(reg::QueueNumMax), 0u);
}

TEST(VirtioInputTest, KeyboardAnswersTheSelectsLinuxProbes) {
  VirtioInput keyboard(VirtioInput::Kind::Keyboard, "kbd-serial-1");
  VirtioTestDriver driver(&keyboard);

  ConfigView name = select(driver, VirtioInput::CfgIdName, 0);
  EXPECT_EQ(stringOf(name), "QEMU Virtio Keyboard");
  EXPECT_EQ(stringOf(select(driver, VirtioInput::CfgIdSerial, 0)), "kbd-serial-1");

  ConfigView ids = select(driver, VirtioInput::CfgIdDevids, 0);
  ASSERT_EQ(ids.size, 8);
  EXPECT_EQ(ids.u[0] | ids.u[1] << 8, 0x06);   // BUS_VIRTUAL
  EXPECT_EQ(ids.u[2] | ids.u[3] << 8, 0x0627); // QEMU's vendor
  EXPECT_EQ(ids.u[4] | ids.u[5] << 8, 0x0001); // keyboard
  EXPECT_EQ(ids.u[6] | ids.u[7] << 8, 0x0001);

  EXPECT_EQ(select(driver, VirtioInput::CfgPropBits, 0).size, 0);
  ConfigView keys = select(driver, VirtioInput::CfgEvBits, EV_KEY);
  EXPECT_EQ(keys.size, KEY_MICMUTE / 8 + 1);
  EXPECT_FALSE(bitSet(keys, KEY_RESERVED));
  for (unsigned key : {KEY_ESC, KEY_A, KEY_ENTER, KEY_LEFTSHIFT, KEY_F12, KEY_UP, KEY_MICMUTE})
    EXPECT_TRUE(bitSet(keys, key)) << key;
  EXPECT_FALSE(bitSet(keys, BTN_LEFT));
  EXPECT_GT(select(driver, VirtioInput::CfgEvBits, EV_REP).size, 0); // autorepeat
  ConfigView leds = select(driver, VirtioInput::CfgEvBits, EV_LED);
  ASSERT_EQ(leds.size, 1);
  EXPECT_EQ(leds.u[0], 0x07); // NUML, CAPSL, SCROLLL
  EXPECT_EQ(select(driver, VirtioInput::CfgEvBits, EV_REL).size, 0);
  EXPECT_EQ(select(driver, VirtioInput::CfgEvBits, EV_ABS).size, 0);
  EXPECT_EQ(select(driver, VirtioInput::CfgAbsInfo, ABS_X).size, 0);
  // Unset, a subsel a select does not use, and unknown selects: size 0 (5.8.5.1).
  EXPECT_EQ(select(driver, VirtioInput::CfgUnset, 0).size, 0);
  EXPECT_EQ(select(driver, VirtioInput::CfgIdName, 1).size, 0);
  ConfigView unknown = select(driver, 0x55, 3);
  EXPECT_EQ(unknown.size, 0);
  EXPECT_EQ(unknown.u, std::vector<uint8_t>(128, 0));
}

TEST(VirtioInputTest, KeyboardWithoutSerialHasAnEmptyOne) {
  VirtioInput keyboard(VirtioInput::Kind::Keyboard);
  VirtioTestDriver driver(&keyboard);
  EXPECT_EQ(select(driver, VirtioInput::CfgIdSerial, 0).size, 0);
}

TEST(VirtioInputTest, TabletHasAbsoluteAxesButtonsAndWheel) {
  VirtioInput tablet(VirtioInput::Kind::Tablet);
  VirtioTestDriver driver(&tablet);
  EXPECT_EQ(stringOf(select(driver, VirtioInput::CfgIdName, 0)), "QEMU Virtio Tablet");
  ConfigView ids = select(driver, VirtioInput::CfgIdDevids, 0);
  EXPECT_EQ(ids.u[4] | ids.u[5] << 8, 0x0003);
  ConfigView abs = select(driver, VirtioInput::CfgEvBits, EV_ABS);
  ASSERT_EQ(abs.size, 1);
  EXPECT_EQ(abs.u[0], 1 << ABS_X | 1 << ABS_Y);
  for (unsigned axis : {ABS_X, ABS_Y}) {
    ConfigView info = select(driver, VirtioInput::CfgAbsInfo, static_cast<uint8_t>(axis));
    ASSERT_EQ(info.size, 20); // struct virtio_input_absinfo
    EXPECT_EQ(le32(info, 0), 0u);
    EXPECT_EQ(le32(info, 4), 32767u);
    EXPECT_EQ(le32(info, 8), 0u);  // fuzz
    EXPECT_EQ(le32(info, 12), 0u); // flat
    EXPECT_EQ(le32(info, 16), 0u); // res
  }
  EXPECT_EQ(select(driver, VirtioInput::CfgAbsInfo, ABS_Z).size, 0);
  ConfigView keys = select(driver, VirtioInput::CfgEvBits, EV_KEY);
  for (unsigned button : {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA})
    EXPECT_TRUE(bitSet(keys, button)) << button;
  EXPECT_FALSE(bitSet(keys, KEY_A));
  ConfigView rel = select(driver, VirtioInput::CfgEvBits, EV_REL);
  EXPECT_TRUE(bitSet(rel, REL_WHEEL));
  EXPECT_TRUE(bitSet(rel, REL_HWHEEL));
  EXPECT_FALSE(bitSet(rel, REL_X));
  EXPECT_EQ(select(driver, VirtioInput::CfgEvBits, EV_REP).size, 0);
  EXPECT_EQ(select(driver, VirtioInput::CfgEvBits, EV_LED).size, 0);
}

TEST(VirtioInputTest, MouseIsRelative) {
  VirtioInput mouse(VirtioInput::Kind::Mouse);
  VirtioTestDriver driver(&mouse);
  EXPECT_EQ(stringOf(select(driver, VirtioInput::CfgIdName, 0)), "QEMU Virtio Mouse");
  ConfigView rel = select(driver, VirtioInput::CfgEvBits, EV_REL);
  for (unsigned axis : {REL_X, REL_Y, REL_WHEEL, REL_HWHEEL})
    EXPECT_TRUE(bitSet(rel, axis)) << axis;
  EXPECT_EQ(select(driver, VirtioInput::CfgEvBits, EV_ABS).size, 0);
  EXPECT_TRUE(bitSet(select(driver, VirtioInput::CfgEvBits, EV_KEY), BTN_LEFT));
}

TEST(VirtioInputTest, AWideConfigWriteSetsSelectAndSubsel) {
  VirtioInput keyboard(VirtioInput::Kind::Keyboard);
  VirtioTestDriver driver(&keyboard);
  // Byte 2 (size) and beyond are read-only: the 0xff there is ignored.
  EXPECT_TRUE(driver.transport->write(reg::Config, 4, 0xff00'0000u | EV_LED << 8 | 0x11));
  EXPECT_EQ(driver.config(0, 2), uint64_t{EV_LED} << 8 | 0x11);
  EXPECT_EQ(driver.config(2, 1), 1u);
}

// ---- queues

struct Event {
  uint16_t type, code;
  int32_t value;
  bool operator==(const Event &) const = default;
};

std::ostream &operator<<(std::ostream &out, const Event &event) {
  return out << "{" << event.type << ", " << event.code << ", " << event.value << "}";
}

// A driver with both queues up and DRIVER_OK, like virtinput_probe leaves
// it, and the device's notifier pointed at the transport, as the board does.
class InputQueues : public ::testing::Test {
protected:
  explicit InputQueues(VirtioInput::Kind kind = VirtioInput::Kind::Keyboard)
      : input(kind), driver(&input) {
    EXPECT_TRUE(driver.negotiate(kVersion1));
    driver.setupQueue(0, kQueueSize);
    statusDescriptors = driver.alloc(16 * kQueueSize, 16);
    statusDriverRing = driver.alloc(6 + 2 * kQueueSize, 2);
    statusDeviceRing = driver.alloc(6 + 8 * kQueueSize, 4);
    driver.setupQueue(1, kQueueSize, statusDescriptors, statusDriverRing, statusDeviceRing);
    driver.driverOk();
    EXPECT_EQ(driver.reg(reg::Status), 1u | 2 | 4 | 8);
    input.setNotifier([this] { driver.transport->serviceQueue(VirtioInput::kEventQueue); });
  }

  // Makes `count` 8-byte event buffers available on queue 0 and notifies,
  // as virtinput_fill_evt does.
  std::vector<uint64_t> addEventBuffers(unsigned count) {
    std::vector<uint64_t> buffers;
    for (unsigned i = 0; i < count; ++i) {
      buffers.push_back(driver.alloc(8, 8));
      driver.addChain({{buffers.back(), 8, true}});
    }
    driver.notify(0);
    return buffers;
  }
  Event eventAt(uint64_t address) {
    return {driver.peek<uint16_t>(address), driver.peek<uint16_t>(address + 2),
            driver.peek<int32_t>(address + 4)};
  }
  // The events of used entries [from, usedIndex()), in order.
  std::vector<Event> usedEvents(const std::vector<uint64_t> &buffers, uint16_t from = 0) {
    std::vector<Event> events;
    for (uint16_t position = from; position != driver.usedIndex(); ++position) {
      EXPECT_EQ(driver.usedLength(position), 8u);
      events.push_back(eventAt(buffers.at(driver.usedId(position))));
    }
    return events;
  }
  // One LED report on queue 1 (virtinput_send_status).
  void sendStatus(uint16_t slot, uint16_t type, uint16_t code, int32_t value) {
    uint64_t buffer = driver.alloc(8, 8);
    driver.poke<uint16_t>(buffer, type);
    driver.poke<uint16_t>(buffer + 2, code);
    driver.poke<int32_t>(buffer + 4, value);
    driver.setDescriptor(statusDescriptors, slot, buffer, 8, 0, 0);
    uint16_t index = driver.peek<uint16_t>(statusDriverRing + 2);
    driver.poke<uint16_t>(statusDriverRing + 4 + 2 * (index % kQueueSize), slot);
    driver.poke<uint16_t>(statusDriverRing + 2, static_cast<uint16_t>(index + 1));
    driver.notify(1);
  }
  uint16_t statusUsedIndex() { return driver.peek<uint16_t>(statusDeviceRing + 2); }

  VirtioInput input;
  VirtioTestDriver driver;
  uint64_t statusDescriptors = 0, statusDriverRing = 0, statusDeviceRing = 0;
};

const InputEvent kPressA[] = {{EV_KEY, KEY_A, 1}};
const InputEvent kReleaseA[] = {{EV_KEY, KEY_A, 0}};

TEST_F(InputQueues, DeliversAKeyPressAndItsSynReport) {
  std::vector<uint64_t> buffers = addEventBuffers(4);
  EXPECT_EQ(driver.usedIndex(), 0); // nothing to say yet
  driver.acknowledgeInterrupts();
  EXPECT_FALSE(driver.irq.level);
  EXPECT_TRUE(input.post(kPressA));
  EXPECT_EQ(usedEvents(buffers), (std::vector<Event>{{EV_KEY, KEY_A, 1}, {EV_SYN, SYN_REPORT, 0}}));
  EXPECT_TRUE(driver.irq.level);
  EXPECT_EQ(driver.reg(reg::InterruptStatus) & 1, 1u);
  EXPECT_EQ(input.pendingEvents(), 0u);
}

TEST_F(InputQueues, HoldsEventsUntilTheGuestGivesBuffers) {
  EXPECT_TRUE(input.post(kPressA));
  EXPECT_TRUE(input.post(kReleaseA));
  const InputEvent shiftB[] = {{EV_KEY, KEY_LEFTSHIFT, 1}, {EV_KEY, KEY_B, 1}};
  EXPECT_TRUE(input.post(shiftB));
  EXPECT_EQ(driver.usedIndex(), 0);
  EXPECT_EQ(input.pendingEvents(), 7u);
  // Three buffers: the first three events; the rest wait for the refill.
  std::vector<uint64_t> buffers = addEventBuffers(3);
  std::vector<uint64_t> more = addEventBuffers(5);
  buffers.insert(buffers.end(), more.begin(), more.end());
  EXPECT_EQ(usedEvents(buffers), (std::vector<Event>{{EV_KEY, KEY_A, 1},
                                                     {EV_SYN, SYN_REPORT, 0},
                                                     {EV_KEY, KEY_A, 0},
                                                     {EV_SYN, SYN_REPORT, 0},
                                                     {EV_KEY, KEY_LEFTSHIFT, 1},
                                                     {EV_KEY, KEY_B, 1},
                                                     {EV_SYN, SYN_REPORT, 0}}));
  EXPECT_EQ(input.pendingEvents(), 0u);
}

TEST_F(InputQueues, DropsWholePacketsWhenTheQueueIsFull) {
  size_t accepted = 0;
  for (int i = 0; i < 1000; ++i)
    accepted += input.post(i % 2 == 0 ? kPressA : kReleaseA) ? 1 : 0;
  EXPECT_EQ(accepted, VirtioInput::kMaxPendingEvents / 2);
  EXPECT_EQ(input.pendingEvents(), VirtioInput::kMaxPendingEvents);
  EXPECT_EQ(input.droppedPackets(), 1000 - accepted);
  // A two-event packet never lands half: a three-event one does not fit
  // in what is left after one more event is taken.
  std::vector<uint64_t> buffers = addEventBuffers(1);
  const InputEvent two[] = {{EV_KEY, KEY_B, 1}, {EV_KEY, KEY_C, 1}};
  EXPECT_FALSE(input.post(two));
  EXPECT_EQ(input.pendingEvents(), VirtioInput::kMaxPendingEvents - 1);
}

TEST_F(InputQueues, LeavesOutCodesTheDeviceDoesNotReport) {
  std::vector<uint64_t> buffers = addEventBuffers(4);
  const InputEvent motion[] = {{EV_REL, REL_X, 5}};
  EXPECT_FALSE(input.post(motion)); // a keyboard has no REL_X
  const InputEvent mixed[] = {{EV_REL, REL_X, 5}, {EV_KEY, KEY_Z, 1}, {EV_KEY, BTN_LEFT, 1}};
  EXPECT_TRUE(input.post(mixed));
  EXPECT_EQ(usedEvents(buffers), (std::vector<Event>{{EV_KEY, KEY_Z, 1}, {EV_SYN, SYN_REPORT, 0}}));
}

TEST_F(InputQueues, ConsumesLedReportsOnTheStatusQueue) {
  EXPECT_EQ(input.leds(), 0u);
  sendStatus(0, EV_LED, LED_CAPSL, 1);
  EXPECT_EQ(statusUsedIndex(), 1);
  EXPECT_EQ(driver.peek<uint32_t>(statusDeviceRing + 8), 0u); // nothing written back
  EXPECT_EQ(input.leds(), 1u << LED_CAPSL);
  sendStatus(1, EV_LED, LED_NUML, 1);
  sendStatus(2, EV_LED, LED_CAPSL, 0);
  EXPECT_EQ(statusUsedIndex(), 3);
  EXPECT_EQ(input.leds(), 1u << LED_NUML);
  EXPECT_FALSE(driver.needsReset());
}

TEST_F(InputQueues, ADriverResetDropsWaitingEvents) {
  EXPECT_TRUE(input.post(kPressA));
  EXPECT_EQ(input.pendingEvents(), 2u);
  driver.setReg(reg::Status, 0);
  EXPECT_EQ(input.pendingEvents(), 0u);
  // Before DRIVER_OK nothing is served: events wait.
  EXPECT_TRUE(driver.negotiate(kVersion1));
  EXPECT_TRUE(input.post(kReleaseA));
  EXPECT_EQ(input.pendingEvents(), 2u);
}

TEST_F(InputQueues, AnEventBufferTooSmallNeedsAReset) {
  uint64_t small = driver.alloc(4, 8);
  driver.addChain({{small, 4, true}});
  driver.notify(0);
  EXPECT_TRUE(input.post(kPressA));
  EXPECT_TRUE(driver.needsReset());
  EXPECT_NE(driver.transport->lastError().find("an event is 8"), std::string::npos)
      << driver.transport->lastError();
}

TEST_F(InputQueues, AnEventBufferThatIsReadOnlyNeedsAReset) {
  uint64_t buffer = driver.alloc(8, 8);
  driver.addChain({{buffer, 8, false}});
  driver.notify(0);
  EXPECT_TRUE(input.post(kPressA));
  EXPECT_TRUE(driver.needsReset());
  // Once stopped, host events are not delivered anywhere.
  EXPECT_EQ(driver.usedIndex(), 1);
}

class TabletQueues : public InputQueues {
protected:
  TabletQueues() : InputQueues(VirtioInput::Kind::Tablet) {}
};

TEST_F(TabletQueues, DeliversAbsolutePositionsAndButtons) {
  std::vector<uint64_t> buffers = addEventBuffers(8);
  const InputEvent position[] = {{EV_ABS, ABS_X, 16384}, {EV_ABS, ABS_Y, 32767}};
  const InputEvent click[] = {{EV_KEY, BTN_LEFT, 1}};
  EXPECT_TRUE(input.post(position));
  EXPECT_TRUE(input.post(click));
  EXPECT_EQ(usedEvents(buffers), (std::vector<Event>{{EV_ABS, ABS_X, 16384},
                                                     {EV_ABS, ABS_Y, 32767},
                                                     {EV_SYN, SYN_REPORT, 0},
                                                     {EV_KEY, BTN_LEFT, 1},
                                                     {EV_SYN, SYN_REPORT, 0}}));
}

} // namespace
} // namespace tiercel::devices
