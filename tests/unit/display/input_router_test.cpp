// InputRouter (runtime/system/display.h): the window's input reaches the
// right virtio-input devices (keys to keyboards, relative motion to mice,
// positions to tablets, buttons and the wheel to both), as whole packets,
// and nothing reaches a board after detach().
#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include "devices/virtio_input.h"
#include "runtime/system/display.h"

namespace tiercel::system {
namespace {

using devices::InputEvent;
using devices::VirtioInput;

// The device's waiting events, read by serving them into a fake queue is
// the device test's job; here the count and the notifier calls suffice,
// with the events checked through a recording notifier.
struct Recorded {
  VirtioInput device;
  int notifications = 0;
  explicit Recorded(VirtioInput::Kind kind) : device(kind) {
    device.setNotifier([this] { ++notifications; });
  }
};

TEST(InputRouterTest, RoutesEachKindOfInputToTheDevicesThatReportIt) {
  Recorded keyboard(VirtioInput::Kind::Keyboard), mouse(VirtioInput::Kind::Mouse),
      tablet(VirtioInput::Kind::Tablet);
  InputRouter router;
  EXPECT_FALSE(router.hasKeyboard());
  router.attach({&keyboard.device, &mouse.device, &tablet.device});
  EXPECT_TRUE(router.hasKeyboard());
  EXPECT_TRUE(router.hasMouse());
  EXPECT_TRUE(router.hasTablet());

  router.key(KEY_A, true); // EV_KEY + SYN
  EXPECT_EQ(keyboard.device.pendingEvents(), 2u);
  EXPECT_EQ(mouse.device.pendingEvents(), 0u);
  EXPECT_EQ(tablet.device.pendingEvents(), 0u);

  router.relativeMotion(3, -4); // REL_X, REL_Y, SYN
  EXPECT_EQ(mouse.device.pendingEvents(), 3u);
  EXPECT_EQ(tablet.device.pendingEvents(), 0u);

  router.absolutePosition(100, 200); // ABS_X, ABS_Y, SYN
  EXPECT_EQ(tablet.device.pendingEvents(), 3u);
  EXPECT_EQ(mouse.device.pendingEvents(), 3u);

  router.button(BTN_LEFT, true); // to both pointers
  EXPECT_EQ(mouse.device.pendingEvents(), 5u);
  EXPECT_EQ(tablet.device.pendingEvents(), 5u);
  EXPECT_EQ(keyboard.device.pendingEvents(), 2u);

  router.wheel(0, -1); // REL_HWHEEL 0, REL_WHEEL -1, SYN: both pointers
  EXPECT_EQ(mouse.device.pendingEvents(), 8u);
  EXPECT_EQ(tablet.device.pendingEvents(), 8u);

  EXPECT_EQ(keyboard.notifications, 1);
  EXPECT_EQ(mouse.notifications, 3);
  EXPECT_EQ(tablet.notifications, 3);
}

TEST(InputRouterTest, NoMotionAndUnknownKeysSendNothing) {
  Recorded keyboard(VirtioInput::Kind::Keyboard), mouse(VirtioInput::Kind::Mouse);
  InputRouter router;
  router.attach({&keyboard.device, &mouse.device});
  router.key(0, true);         // an unmapped scancode
  router.relativeMotion(0, 0); // the pointer did not move
  router.wheel(0, 0);
  EXPECT_EQ(keyboard.notifications + mouse.notifications, 0);
}

TEST(InputRouterTest, NothingReachesDevicesAfterDetach) {
  Recorded keyboard(VirtioInput::Kind::Keyboard);
  InputRouter router;
  router.attach({&keyboard.device});
  router.detach();
  EXPECT_FALSE(router.hasKeyboard());
  router.key(KEY_B, true);
  EXPECT_EQ(keyboard.device.pendingEvents(), 0u);
  EXPECT_EQ(keyboard.notifications, 0);
}

TEST(InputRouterTest, TwoKeyboardsBothGetTheKey) {
  Recorded first(VirtioInput::Kind::Keyboard), second(VirtioInput::Kind::Keyboard);
  InputRouter router;
  router.attach({&first.device, &second.device});
  router.key(KEY_ENTER, true);
  router.key(KEY_ENTER, false);
  EXPECT_EQ(first.device.pendingEvents(), 4u);
  EXPECT_EQ(second.device.pendingEvents(), 4u);
}

} // namespace
} // namespace tiercel::system
