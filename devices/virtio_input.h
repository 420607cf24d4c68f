// virtio-input (virtio 1.2 section 5.8): a keyboard, a relative mouse or an
// absolute tablet, as QEMU's virtio-keyboard-device, virtio-mouse-device and
// virtio-tablet-device present them, so a guest sees the same evdev device
// (names, IDs, event bits) it sees under QEMU.
//
// Queue 0 ("eventq") carries Linux input events (struct virtio_input_event:
// le16 type, le16 code, le32 value) from the host to the guest in buffers the
// driver makes available; queue 1 ("statusq") carries them the other way
// (LED changes), and the device consumes them. The configuration space is a
// select/subsel window (5.8.4): the driver writes what it wants to know
// (name, serial, IDs, property bits, the codes of each event type, an
// axis's range) and reads the answer and its size.
//
// Host events (a key pressed in the SDL window) arrive on another thread:
// post() queues a packet (its events and the SYN_REPORT that ends it) and
// asks the transport to serve queue 0 (VirtioMmio::serviceQueue through the
// notifier the board sets). Events wait in a bounded queue while the guest
// has no buffers (it refills them after each event), so nothing is lost in a
// burst; a packet that does not fit is dropped whole, never half of it. A
// driver reset drops what is waiting: those events predate the driver.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "devices/virtio_mmio.h"

namespace tiercel::devices {

// One Linux input event (include/uapi/linux/input.h without the time
// stamp), as virtio_input_event carries it.
struct InputEvent {
  uint16_t type = 0;
  uint16_t code = 0;
  int32_t value = 0;
  bool operator==(const InputEvent &) const = default;
};

class VirtioInput : public VirtioDevice {
public:
  enum class Kind : uint8_t { Keyboard, Mouse, Tablet };

  static constexpr uint32_t kDeviceId = 18;
  static constexpr uint16_t kQueueSize = 64;
  static constexpr unsigned kEventQueue = 0, kStatusQueue = 1;
  // Events waiting for guest buffers, at most: a few seconds of typing.
  static constexpr size_t kMaxPendingEvents = 1024;
  // The tablet's axes run 0..kTabletAxisMax whatever the screen size (QEMU's
  // INPUT_EVENT_ABS_MAX).
  static constexpr int32_t kTabletAxisMax = 32767;
  // The configuration space (5.8.4): select, subsel, size, 5 reserved, u[128].
  static constexpr size_t kConfigSize = 8 + 128;

  // Config selects (5.8.4, enum virtio_input_config_select).
  enum ConfigSelect : uint8_t {
    CfgUnset = 0x00,
    CfgIdName = 0x01,
    CfgIdSerial = 0x02,
    CfgIdDevids = 0x03,
    CfgPropBits = 0x10,
    CfgEvBits = 0x11,
    CfgAbsInfo = 0x12,
  };

  explicit VirtioInput(Kind kind, std::string serial = "");

  const char *name() const override;
  uint32_t deviceId() const override { return kDeviceId; }
  uint64_t deviceFeatures() const override { return 0; }
  unsigned queueCount() const override { return 2; }
  uint16_t maxQueueSize() const override { return kQueueSize; }
  std::vector<uint8_t> configSpace() const override;
  void writeConfig(uint64_t offset, unsigned size, uint64_t value) override;
  void reset() override;
  llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) override;

  Kind kind() const { return kind_; }
  // QEMU's name for the device ("QEMU Virtio Keyboard"), what ID_NAME says.
  const std::string &deviceName() const { return deviceName_; }

  // Whether the device reports events of `type` with `code` (its EV_BITS).
  bool hasEvent(uint16_t type, uint16_t code) const;

  // --- host side, any thread
  // Called after post() queued events: the board points it at the
  // transport's serviceQueue(kEventQueue). Set before input starts.
  void setNotifier(std::function<void()> notify) { notify_ = std::move(notify); }
  // Queues one packet: `events` (codes this device does not report are left
  // out) and a SYN_REPORT after them; then notifies. False when it was
  // dropped (the queue is full) or nothing in it applies to this device.
  bool post(std::span<const InputEvent> events);
  // The LEDs the guest last set through the status queue: bit n = LED n
  // (LED_NUML 0, LED_CAPSL 1, LED_SCROLLL 2).
  uint32_t leds() const;
  uint64_t droppedPackets() const;
  size_t pendingEvents() const;

private:
  // The u[] bytes and size of the current select/subsel.
  std::vector<uint8_t> selectedConfig() const;
  const std::vector<uint16_t> &codesOf(uint16_t type) const;

  Kind kind_;
  std::string serial_;
  std::string deviceName_;
  uint16_t product_;
  // Codes per event type this device reports (EV_KEY, EV_REL, EV_ABS, EV_LED).
  std::vector<uint16_t> keyCodes_, relCodes_, absCodes_, ledCodes_;
  bool repeat_; // EV_REP: the guest repeats held keys itself

  // Config selection: written by the driver under the transport's lock.
  uint8_t select_ = 0, subsel_ = 0;

  // Shared between the host thread (post) and the transport (processQueue).
  mutable std::mutex mutex_;
  std::deque<InputEvent> pending_;
  uint32_t leds_ = 0;
  uint64_t dropped_ = 0;
  std::function<void()> notify_;
};

} // namespace tiercel::devices
