// virtio-input (see virtio_input.h). Section numbers are the virtio 1.2
// specification's; event types and codes are Linux's input ABI
// (linux/input-event-codes.h), which virtio-input uses as is.
#include "devices/virtio_input.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cstring>

namespace tiercel::devices {

namespace {

// struct virtio_input_devids: QEMU's bus, vendor and product numbers
// (hw/input/virtio-input-hid.c), so guest-side rules that match QEMU's
// devices match these.
constexpr uint16_t kBusVirtual = 0x06; // BUS_VIRTUAL, linux/input.h
constexpr uint16_t kQemuVendor = 0x0627;
constexpr uint16_t kDevidsVersion = 0x0001;

constexpr size_t kEventBytes = 8; // struct virtio_input_event

void put16(uint8_t *at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value);
  at[1] = static_cast<uint8_t>(value >> 8);
}
void put32(uint8_t *at, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    at[i] = static_cast<uint8_t>(value >> (8 * i));
}

// A bitmap of `codes` (bit n in byte n / 8, 5.8.4), cut after its last
// non-zero byte: its length is the config's size.
std::vector<uint8_t> bitmapOf(const std::vector<uint16_t> &codes) {
  std::vector<uint8_t> bitmap;
  for (uint16_t code : codes) {
    size_t byte = code / 8;
    if (byte >= 128)
      continue; // past u[128]: not expressible (no such code is used here)
    if (bitmap.size() <= byte)
      bitmap.resize(byte + 1, 0);
    bitmap[byte] |= static_cast<uint8_t>(1u << (code % 8));
  }
  return bitmap;
}

const std::vector<uint16_t> kNoCodes;

} // namespace

VirtioInput::VirtioInput(Kind kind, std::string serial) : kind_(kind), serial_(std::move(serial)) {
  std::vector<uint16_t> buttons = {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA};
  switch (kind_) {
  case Kind::Keyboard:
    deviceName_ = "QEMU Virtio Keyboard";
    product_ = 0x0001;
    // Every key of the standard range (KEY_ESC .. KEY_MICMUTE): what a
    // host keyboard can send through the scancode table.
    for (uint16_t code = KEY_ESC; code <= KEY_MICMUTE; ++code)
      keyCodes_.push_back(code);
    ledCodes_ = {LED_NUML, LED_CAPSL, LED_SCROLLL};
    repeat_ = true;
    break;
  case Kind::Mouse:
    deviceName_ = "QEMU Virtio Mouse";
    product_ = 0x0002;
    keyCodes_ = buttons;
    relCodes_ = {REL_X, REL_Y, REL_HWHEEL, REL_WHEEL};
    repeat_ = false;
    break;
  case Kind::Tablet:
    deviceName_ = "QEMU Virtio Tablet";
    product_ = 0x0003;
    keyCodes_ = buttons;
    relCodes_ = {REL_HWHEEL, REL_WHEEL};
    absCodes_ = {ABS_X, ABS_Y};
    repeat_ = false;
    break;
  }
}

const char *VirtioInput::name() const {
  switch (kind_) {
  case Kind::Keyboard: return "virtio_keyboard";
  case Kind::Mouse: return "virtio_mouse";
  case Kind::Tablet: return "virtio_tablet";
  }
  return "virtio_input";
}

const std::vector<uint16_t> &VirtioInput::codesOf(uint16_t type) const {
  switch (type) {
  case EV_KEY: return keyCodes_;
  case EV_REL: return relCodes_;
  case EV_ABS: return absCodes_;
  case EV_LED: return ledCodes_;
  default: return kNoCodes;
  }
}

bool VirtioInput::hasEvent(uint16_t type, uint16_t code) const {
  if (type == EV_SYN)
    return code == SYN_REPORT;
  const std::vector<uint16_t> &codes = codesOf(type);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// ---------------------------------------------------------------------------
// Configuration space (5.8.4, 5.8.5)

std::vector<uint8_t> VirtioInput::selectedConfig() const {
  std::vector<uint8_t> u;
  switch (select_) {
  case CfgIdName:
    if (subsel_ == 0)
      u.assign(deviceName_.begin(), deviceName_.end());
    break;
  case CfgIdSerial:
    if (subsel_ == 0)
      u.assign(serial_.begin(), serial_.end());
    break;
  case CfgIdDevids:
    if (subsel_ == 0) {
      u.resize(8);
      put16(&u[0], kBusVirtual);
      put16(&u[2], kQemuVendor);
      put16(&u[4], product_);
      put16(&u[6], kDevidsVersion);
    }
    break;
  case CfgPropBits:
    // No INPUT_PROP_* bits: QEMU's devices set none either (the tablet is
    // an absolute pointer, not a touch screen).
    break;
  case CfgEvBits:
    if (subsel_ == EV_REP) {
      // Only the size matters to drivers: non-zero means autorepeat.
      if (repeat_)
        u.assign(1, 0);
    } else {
      u = bitmapOf(codesOf(subsel_));
    }
    break;
  case CfgAbsInfo:
    if (std::find(absCodes_.begin(), absCodes_.end(), subsel_) != absCodes_.end()) {
      // struct virtio_input_absinfo: min, max, fuzz, flat, res.
      u.assign(20, 0);
      put32(&u[4], static_cast<uint32_t>(kTabletAxisMax));
    }
    break;
  default: break; // CfgUnset and unknown selects: size 0 (5.8.5.1)
  }
  u.resize(std::min<size_t>(u.size(), 128));
  return u;
}

std::vector<uint8_t> VirtioInput::configSpace() const {
  std::vector<uint8_t> config(kConfigSize, 0);
  std::vector<uint8_t> u = selectedConfig();
  config[0] = select_;
  config[1] = subsel_;
  config[2] = static_cast<uint8_t>(u.size());
  std::copy(u.begin(), u.end(), config.begin() + 8);
  return config;
}

void VirtioInput::writeConfig(uint64_t offset, unsigned size, uint64_t value) {
  // Only select (byte 0) and subsel (byte 1) are writable; a wide write
  // that covers them sets both, the rest of the space is read-only.
  for (unsigned i = 0; i < size && i < 8; ++i) {
    uint64_t at = offset + i;
    uint8_t byte = static_cast<uint8_t>(value >> (8 * i));
    if (at == 0)
      select_ = byte;
    else if (at == 1)
      subsel_ = byte;
  }
}

void VirtioInput::reset() {
  select_ = subsel_ = 0;
  std::lock_guard lock(mutex_);
  pending_.clear();
  leds_ = 0;
}

// ---------------------------------------------------------------------------
// Queues

llvm::Error VirtioInput::processQueue(unsigned index, SplitVirtqueue &queue) {
  if (index == kStatusQueue) {
    // 5.8.6.2: the driver reports LED changes (and could send other
    // events back); each buffer holds one event, read and returned.
    return queue.serveAvailable([this](const DescriptorChain &chain) -> llvm::Expected<uint32_t> {
      uint8_t bytes[kEventBytes] = {};
      if (chain.read(0, bytes, kEventBytes) == kEventBytes) {
        uint16_t type = static_cast<uint16_t>(bytes[0] | bytes[1] << 8);
        uint16_t code = static_cast<uint16_t>(bytes[2] | bytes[3] << 8);
        uint32_t value = static_cast<uint32_t>(bytes[4]) | static_cast<uint32_t>(bytes[5]) << 8 |
                         static_cast<uint32_t>(bytes[6]) << 16 |
                         static_cast<uint32_t>(bytes[7]) << 24;
        if (type == EV_LED && code < 32) {
          std::lock_guard lock(mutex_);
          leds_ = value != 0 ? leds_ | (1u << code) : leds_ & ~(1u << code);
        }
      }
      return 0u; // nothing written back
    });
  }
  if (index != kEventQueue)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "virtio-input has queues 0 and 1, not %u", index);
  // 5.8.6.1: one event per buffer, in order, while both last.
  std::lock_guard lock(mutex_);
  while (!pending_.empty()) {
    DescriptorChain chain;
    llvm::Expected<bool> popped = queue.pop(chain);
    if (!popped)
      return popped.takeError();
    if (!*popped)
      break; // no buffer: the events wait for the driver's next refill
    if (chain.writableBytes() < kEventBytes) {
      queue.pushUsed(chain, 0);
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "event buffer of %llu device-writable bytes (an event is 8)",
                                     static_cast<unsigned long long>(chain.writableBytes()));
    }
    const InputEvent &event = pending_.front();
    uint8_t bytes[kEventBytes];
    put16(bytes, event.type);
    put16(bytes + 2, event.code);
    put32(bytes + 4, static_cast<uint32_t>(event.value));
    chain.write(0, bytes, kEventBytes);
    queue.pushUsed(chain, kEventBytes);
    pending_.pop_front();
  }
  return llvm::Error::success();
}

// ---------------------------------------------------------------------------
// Host side

bool VirtioInput::post(std::span<const InputEvent> events) {
  {
    std::lock_guard lock(mutex_);
    std::vector<InputEvent> packet;
    for (const InputEvent &event : events)
      if (event.type != EV_SYN && hasEvent(event.type, event.code))
        packet.push_back(event);
    if (packet.empty())
      return false;
    packet.push_back({EV_SYN, SYN_REPORT, 0});
    if (pending_.size() + packet.size() > kMaxPendingEvents) {
      ++dropped_;
      return false;
    }
    pending_.insert(pending_.end(), packet.begin(), packet.end());
  }
  if (notify_)
    notify_();
  return true;
}

uint32_t VirtioInput::leds() const {
  std::lock_guard lock(mutex_);
  return leds_;
}

uint64_t VirtioInput::droppedPackets() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

size_t VirtioInput::pendingEvents() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

} // namespace tiercel::devices
