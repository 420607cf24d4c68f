// A fuzzer for every virtio device through the virtio-mmio transport:
// virtio-blk (on a temporary image), virtio-rng, virtio console, virtio-net
// (on a counting back end) and virtio-input (keyboard, mouse, tablet). Each
// round builds one device and plays a random sequence of what a guest and
// the host can do to it: register writes (well-formed bring-ups and random
// words at random offsets and widths), configuration space accesses, random
// descriptor chains (direct, indirect, looping, wild addresses and lengths,
// broken flags), scribbles over the rings, notifications of any queue
// index, host events (console input, frames, input events) and resets.
//
// After every step that can make the device touch guest memory, it checks
// that the device wrote only where the driver let it: the used rings of
// the ready queues and the buffers of device-writable descriptors (in the
// descriptor tables and the indirect tables they point at). After every
// step: NEEDS_RESET comes with an error message, and the interrupt line is
// high exactly while InterruptStatus is non-zero. The sanitizer build runs
// it like any unit test: ASan and UBSan watch the host side.
//
// CI runs a fixed seed and round count (a few seconds). For long runs:
//   TIERCEL_FUZZ_SECONDS=3600 [TIERCEL_FUZZ_SEED=N] virtio_fuzz_test
// runs rounds until the time is up, from the seed given or a random one,
// printing the seed so a failure can be replayed (a failing round names
// its seed and round).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "devices/block_backend.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_console.h"
#include "devices/virtio_input.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "devices/virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kRamBase = VirtioTestDriver::kRamBase;
constexpr uint64_t kRamBytes = VirtioTestDriver::kRamBytes;
// Rings live in [kRingArea, kArena), buffers and indirect tables above.
constexpr uint64_t kRingArea = kRamBase + 0x1000;
constexpr uint64_t kRingStride = 0x4000; // per queue: descriptors, driver ring, device ring
constexpr uint64_t kArena = kRamBase + 0x40000;
constexpr uint64_t kArenaEnd = kRamBase + kRamBytes;
constexpr unsigned kMaxQueues = 4; // more than any device here has: notify past the end too

constexpr uint16_t kFlagNext = 1, kFlagWrite = 2, kFlagIndirect = 4;

// Host ends that only count, so long runs stay small.
class CountingCharBackend : public CharBackend {
public:
  void write(uint8_t) override { ++written; }
  void type(uint8_t byte) { deliver(byte); }
  size_t room() const { return receiveRoom(); }
  uint64_t written = 0;
};

class CountingNetBackend : public NetBackend {
public:
  void transmit(const uint8_t *, size_t) override { ++frames; }
  void inject(const std::vector<uint8_t> &frame) { deliver(frame.data(), frame.size()); }
  uint64_t frames = 0;
};

using Random = std::mt19937_64;

enum class Kind { Blk, Rng, Console, Net, Keyboard, Mouse, Tablet, Count };

const char *kindName(Kind kind) {
  switch (kind) {
  case Kind::Blk: return "virtio-blk";
  case Kind::Rng: return "virtio-rng";
  case Kind::Console: return "virtio-console";
  case Kind::Net: return "virtio-net";
  case Kind::Keyboard: return "virtio-keyboard";
  case Kind::Mouse: return "virtio-mouse";
  case Kind::Tablet: return "virtio-tablet";
  default: return "?";
  }
}

// One round: a device, its transport and fake RAM, and the random driver.
class Round {
public:
  Round(Kind kind, Random &random, BlockBackend &disk) : kind_(kind), random_(random) {
    switch (kind) {
    case Kind::Blk: device_ = std::make_unique<VirtioBlk>(disk, "fuzz"); break;
    case Kind::Rng: device_ = std::make_unique<VirtioRng>(); break;
    case Kind::Console: device_ = std::make_unique<VirtioConsole>(chars_); break;
    case Kind::Net:
      device_ = std::make_unique<VirtioNet>(network_, MacAddress{0x52, 0x54, 0, 0x12, 0x34, 0x56});
      break;
    case Kind::Keyboard:
    case Kind::Mouse:
    case Kind::Tablet:
      device_ = std::make_unique<VirtioInput>(kind == Kind::Keyboard ? VirtioInput::Kind::Keyboard
                                              : kind == Kind::Mouse  ? VirtioInput::Kind::Mouse
                                                                     : VirtioInput::Kind::Tablet);
      break;
    default: break;
    }
    driver_ = std::make_unique<VirtioTestDriver>(device_.get());
    auto serve = [transport = driver_->transport.get()](unsigned queue) {
      transport->serviceQueue(queue);
    };
    if (kind == Kind::Console)
      static_cast<VirtioConsole *>(device_.get())->setServiceQueue(serve);
    if (kind == Kind::Net)
      static_cast<VirtioNet *>(device_.get())->setServiceQueue(serve);
    if (input() != nullptr)
      input()->setNotifier([serve] { serve(VirtioInput::kEventQueue); });
    queueCount_ = device_->queueCount();
    // How hostile this round's driver is: the percentage of its choices
    // that break a rule. Some rounds are nearly well-behaved, so the
    // devices get far into their work; others are mostly noise.
    static constexpr unsigned kChaos[] = {0, 1, 3, 10, 30};
    chaos_ = kChaos[below(std::size(kChaos))];
    bringUp();
  }

  ~Round() {
    // The net card detaches from the back end first (it is destroyed before
    // the transport would be, as on the board).
    driver_.reset();
    device_.reset();
  }

  void step() {
    // A driver that sees NEEDS_RESET starts over, most of the time.
    if (driver_->needsReset() && chance(30))
      bringUp();
    switch (below(24)) {
    case 0: randomRegisterWrite(); break;
    case 1: randomRead(); break;
    case 2: configWrite(); break;
    case 3: bringUp(); break;
    case 4:
    case 5:
    case 6:
    case 7:
    case 8: addChains(); break;
    case 9:
    case 10:
    case 11:
    case 12:
    case 13: checkedDma([&] { driver_->notify(queueToNotify()); }); break;
    case 14:
    case 15:
    case 16: checkedDma([&] { hostEvent(); }); break;
    case 17: scribble(); break;
    case 18: driver_->acknowledgeInterrupts(); break;
    case 19:
      if (wild())
        driver_->setReg(reg::InterruptAck, static_cast<uint32_t>(random_()));
      break;
    case 20:
      if (wild())
        driver_->setReg(reg::Status, below(4) == 0 ? 0 : static_cast<uint32_t>(below(256)));
      break;
    case 21: setupQueue(static_cast<unsigned>(below(kMaxQueues)), wild()); break;
    case 22:
      if (wild())
        randomRegisterWrite();
      break;
    default: driver_->setReg(reg::Status, driver_->reg(reg::Status) | 4); break; // DRIVER_OK
    }
    checkInvariants();
  }

  bool needsReset() { return driver_->needsReset(); }
  // Steps after which the device had written guest memory (used rings,
  // buffers): the rounds reach the devices' real work, not only errors.
  uint64_t dmaSteps() const { return dmaSteps_; }

private:
  uint64_t below(uint64_t n) { return random_() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  // A rule broken, at this round's rate.
  bool wild() { return below(100) < chaos_; }
  unsigned queueToNotify() {
    if (wild())
      return static_cast<unsigned>(below(kMaxQueues + 1));
    // Mostly the queue that just got chains, as a driver kicks it.
    return chance(60) ? lastFilledQueue_ : static_cast<unsigned>(below(queueCount_));
  }
  VirtioInput *input() {
    return kind_ == Kind::Keyboard || kind_ == Kind::Mouse || kind_ == Kind::Tablet
               ? static_cast<VirtioInput *>(device_.get())
               : nullptr;
  }

  // An address: mostly in the arena, sometimes anywhere.
  uint64_t bufferAddress(uint32_t length) {
    if (wild())
      return chance(50) ? random_() : kRamBase + kRamBytes - below(64);
    uint64_t room = kArenaEnd - kArena - length;
    return kArena + below(room == 0 ? 1 : room);
  }
  uint32_t bufferLength() {
    if (wild())
      return chance(50) ? static_cast<uint32_t>(random_()) : 0;
    return static_cast<uint32_t>(chance(20) ? below(20000) : 1 + below(2048));
  }

  // --- registers
  void randomRegisterWrite() {
    static constexpr uint64_t kRegisters[] = {reg::DeviceFeaturesSel,
                                              reg::DriverFeatures,
                                              reg::DriverFeaturesSel,
                                              reg::QueueSel,
                                              reg::QueueNum,
                                              reg::QueueReady,
                                              reg::QueueNotify,
                                              reg::InterruptAck,
                                              reg::Status,
                                              reg::QueueDescLow,
                                              reg::QueueDescHigh,
                                              reg::QueueDriverLow,
                                              reg::QueueDriverHigh,
                                              reg::QueueDeviceLow,
                                              reg::QueueDeviceHigh,
                                              reg::ShmSel,
                                              0x0c0 /* QueueReset */};
    uint64_t offset = chance(80) ? kRegisters[below(std::size(kRegisters))] : below(0x200);
    unsigned size = chance(85) ? 4 : static_cast<unsigned>(1u << below(4));
    uint64_t value = chance(50) ? below(512) : random_();
    if (offset == reg::QueueSel && size == 4)
      queueSelect_ = static_cast<uint32_t>(value);
    checkedDma([&] { driver_->transport->write(offset, size, value); });
  }
  void randomRead() {
    uint64_t value = 0;
    driver_->transport->read(below(0x300), static_cast<unsigned>(1u << below(4)), value);
  }
  void configWrite() {
    uint64_t offset = reg::Config + below(chance(80) ? 0x90 : 0x1000);
    checkedDma([&] {
      driver_->transport->write(offset, static_cast<unsigned>(1u << below(4)), random_());
    });
  }

  // --- a driver's bring-up (3.1.1), features a random subset of the offer
  void bringUp() {
    uint64_t offered = driver_->deviceFeatures();
    uint64_t features = offered & random_();
    if (!wild())
      features |= uint64_t{1} << 32; // VERSION_1, or FEATURES_OK is refused
    if (wild())
      features |= random_(); // not a subset: refused
    driver_->negotiate(features);
    for (unsigned queue = 0; queue < queueCount_; ++queue)
      if (!wild())
        setupQueue(queue, wild());
    if (!wild())
      driver_->driverOk();
  }

  void setupQueue(unsigned queue, bool wild) {
    uint16_t max = device_->maxQueueSize();
    uint16_t size = max == 0 ? 1 : static_cast<uint16_t>(1u << below(std::bit_width(max)));
    if (wild && chance(50))
      size = static_cast<uint16_t>(random_());
    uint64_t base = kRingArea + kRingStride * (queue % kMaxQueues);
    uint64_t descriptors = base, driverRing = base + 0x1000, deviceRing = base + 0x2000;
    if (wild) {
      uint64_t *field = below(3) == 0 ? &descriptors : below(2) ? &driverRing : &deviceRing;
      *field = chance(50) ? random_() : *field + below(8);
    }
    if (descriptors >= kRingArea && descriptors + 0x4000 <= kArena)
      std::memset(driver_->host(base), 0, kRingStride);
    driver_->setReg(reg::QueueSel, queue);
    driver_->setReg(reg::QueueReady, 0);
    driver_->setReg(reg::QueueNum, size);
    driver_->setReg(reg::QueueDescLow, static_cast<uint32_t>(descriptors));
    driver_->setReg(reg::QueueDescHigh, static_cast<uint32_t>(descriptors >> 32));
    driver_->setReg(reg::QueueDriverLow, static_cast<uint32_t>(driverRing));
    driver_->setReg(reg::QueueDriverHigh, static_cast<uint32_t>(driverRing >> 32));
    driver_->setReg(reg::QueueDeviceLow, static_cast<uint32_t>(deviceRing));
    driver_->setReg(reg::QueueDeviceHigh, static_cast<uint32_t>(deviceRing >> 32));
    driver_->setReg(reg::QueueReady, 1);
    queueSelect_ = queue;
    if (queue < kMaxQueues)
      nextDescriptor_[queue] = 0;
  }

  // What the device has for queue `index` (read back through the registers,
  // whatever the fuzzer wrote to them).
  struct QueueView {
    bool ready = false;
    uint16_t size = 0;
    uint64_t descriptors = 0, driverRing = 0, deviceRing = 0;
  };
  QueueView queueView(unsigned index) {
    QueueView view;
    driver_->setReg(reg::QueueSel, index);
    view.ready = driver_->reg(reg::QueueReady) != 0;
    view.size = static_cast<uint16_t>(driver_->reg(reg::QueueNum));
    view.descriptors =
        uint64_t{driver_->reg(reg::QueueDescHigh)} << 32 | driver_->reg(reg::QueueDescLow);
    view.driverRing =
        uint64_t{driver_->reg(reg::QueueDriverHigh)} << 32 | driver_->reg(reg::QueueDriverLow);
    view.deviceRing =
        uint64_t{driver_->reg(reg::QueueDeviceHigh)} << 32 | driver_->reg(reg::QueueDeviceLow);
    driver_->setReg(reg::QueueSel, queueSelect_);
    return view;
  }
  bool inRam(uint64_t address, uint64_t size) {
    return address >= kRamBase && size <= kRamBytes && address - kRamBase <= kRamBytes - size;
  }

  // --- descriptor chains, in the ring areas the bring-up used
  void fillReadable(uint64_t address, uint32_t length) {
    if (!inRam(address, length))
      return;
    uint8_t *at = driver_->host(address);
    for (uint32_t i = 0; i < length; ++i)
      at[i] = static_cast<uint8_t>(random_());
    if (length >= 16 && chance(60)) {
      // Something like a request header: a small type and a small sector
      // (virtio-blk), or a zero virtio_net_hdr.
      uint32_t type = static_cast<uint32_t>(below(9));
      uint64_t sector = below(80);
      std::memcpy(at, &type, 4);
      std::memset(at + 4, 0, 4);
      std::memcpy(at + 8, &sector, 8);
    }
  }

  // One buffer of a chain before it becomes descriptors.
  struct Piece {
    uint32_t bytes;
    bool writable;
  };

  // The shape a driver for this device gives a chain on `queue`, with
  // random sizes: virtio-blk's header, data and status; receive buffers;
  // transmit buffers (a virtio_net_hdr and a frame); input events and LED
  // status; entropy buffers.
  std::vector<Piece> chainShape(unsigned queue) {
    std::vector<Piece> pieces;
    auto split = [&](uint32_t total, bool writable) {
      unsigned parts = static_cast<unsigned>(1 + below(chance(80) ? 1 : 4));
      for (unsigned i = 0; i < parts; ++i) {
        uint32_t share = i + 1 == parts ? total : static_cast<uint32_t>(below(total + 1));
        pieces.push_back({share, writable});
        total -= share;
      }
    };
    switch (kind_) {
    case Kind::Blk: {
      split(16, false);
      uint32_t data = static_cast<uint32_t>(512 * below(4) + (chance(10) ? below(512) : 0));
      if (data > 0)
        split(data, chance(50));
      pieces.push_back({1, true});
      break;
    }
    case Kind::Rng: split(static_cast<uint32_t>(1 + below(256)), true); break;
    case Kind::Console:
      split(static_cast<uint32_t>(1 + below(chance(80) ? 256 : 8192)), queue == 0);
      break;
    case Kind::Net:
      if (queue == 0)
        split(chance(90) ? 1526 : static_cast<uint32_t>(below(2000)), true);
      else
        split(static_cast<uint32_t>(12 + below(1515)), false);
      break;
    default: // virtio-input: 8-byte events on both queues
      split(8 * static_cast<uint32_t>(1 + below(chance(90) ? 1 : 4)), queue == 0);
      break;
    }
    return pieces;
  }

  // Descriptors for `pieces` starting at `table[first]`, consecutive slots
  // modulo `tableSize`; readable buffers get contents.
  void writeDescriptors(uint64_t table, uint32_t first, uint32_t tableSize,
                        const std::vector<Piece> &pieces, bool allowIndirect) {
    for (size_t i = 0; i < pieces.size(); ++i) {
      uint32_t slot = (first + static_cast<uint32_t>(i)) % tableSize;
      bool last = i + 1 == pieces.size();
      uint32_t bytes = wild() ? bufferLength() : pieces[i].bytes;
      uint64_t address = bufferAddress(bytes);
      uint16_t flags = static_cast<uint16_t>((last ? 0 : kFlagNext) |
                                             (pieces[i].writable != wild() ? kFlagWrite : 0));
      uint16_t next = static_cast<uint16_t>(wild() ? random_() : (slot + 1) % tableSize);
      if (!(flags & kFlagWrite))
        fillReadable(address, std::min<uint32_t>(bytes, 4096));
      if (allowIndirect && wild())
        flags |= kFlagIndirect; // a buffer that is no table, or NEXT with INDIRECT
      if (wild())
        flags = static_cast<uint16_t>(below(8));
      driver_->setDescriptor(table, slot, address, bytes, flags, next);
    }
  }

  void addChains() {
    unsigned queue = static_cast<unsigned>(below(queueCount_));
    QueueView view = queueView(queue);
    if (!view.ready || view.size == 0 || !inRam(view.descriptors, 16 * uint64_t{view.size}) ||
        !inRam(view.driverRing, 6 + 2 * uint64_t{view.size}))
      return;
    lastFilledQueue_ = queue;
    unsigned chains = static_cast<unsigned>(1 + below(4));
    for (unsigned c = 0; c < chains; ++c) {
      std::vector<Piece> pieces = chainShape(queue);
      uint16_t head = static_cast<uint16_t>(nextDescriptor_[queue] % view.size);
      bool indirect = (driver_->negotiated & (uint64_t{1} << 28)) != 0; // INDIRECT_DESC
      if ((indirect || wild()) && (chance(15) || pieces.size() > view.size)) {
        // The chain in an indirect table in the arena, behind one
        // descriptor (refused unless INDIRECT_DESC was negotiated).
        uint32_t entries = static_cast<uint32_t>(pieces.size());
        uint64_t table = kArena + 16 * below((kArenaEnd - kArena) / 16 - entries);
        writeDescriptors(table, 0, entries, pieces, true);
        uint32_t bytes = wild() ? static_cast<uint32_t>(below(200)) : 16 * entries;
        uint16_t flags = static_cast<uint16_t>(kFlagIndirect | (wild() ? below(4) : 0));
        driver_->setDescriptor(view.descriptors, head, table, bytes, flags,
                               static_cast<uint16_t>(random_()));
        ++nextDescriptor_[queue];
      } else {
        writeDescriptors(view.descriptors, head, view.size, pieces, false);
        nextDescriptor_[queue] += static_cast<uint32_t>(pieces.size());
      }
      uint16_t availIndex = driver_->peek<uint16_t>(view.driverRing + 2);
      driver_->poke<uint16_t>(view.driverRing + 4 + 2 * (availIndex % view.size),
                              wild() ? static_cast<uint16_t>(random_()) : head);
      uint16_t step = wild() ? static_cast<uint16_t>(random_()) : 1;
      driver_->poke<uint16_t>(view.driverRing + 2, static_cast<uint16_t>(availIndex + step));
    }
    if (chance(30))
      driver_->poke<uint16_t>(view.driverRing, static_cast<uint16_t>(below(2))); // NO_INTERRUPT
    if (chance(30) && inRam(view.driverRing, 6 + 2 * uint64_t{view.size}))
      driver_->poke<uint16_t>(view.driverRing + 4 + 2 * uint64_t{view.size},
                              static_cast<uint16_t>(random_())); // used_event
  }

  // Random bytes over the rings and the arena.
  void scribble() {
    if (!wild() && chance(80))
      return;
    uint64_t at = chance(70) ? kRingArea + below(kArena - kRingArea - 8)
                             : kArena + below(kArenaEnd - kArena - 8);
    driver_->poke<uint64_t>(at, random_());
  }

  // --- the host side
  void hostEvent() {
    switch (kind_) {
    case Kind::Console: {
      unsigned count = static_cast<unsigned>(1 + below(64));
      for (unsigned i = 0; i < count && chars_.room() > 0; ++i)
        chars_.type(static_cast<uint8_t>(random_()));
      break;
    }
    case Kind::Net: {
      std::vector<uint8_t> frame(chance(90) ? 14 + below(1500) : below(70000));
      for (uint8_t &byte : frame)
        byte = static_cast<uint8_t>(random_());
      network_.inject(frame);
      break;
    }
    case Kind::Keyboard:
    case Kind::Mouse:
    case Kind::Tablet: {
      std::vector<InputEvent> events(below(6));
      for (InputEvent &event : events)
        event = {static_cast<uint16_t>(below(6)), static_cast<uint16_t>(below(0x150)),
                 static_cast<int32_t>(random_())};
      input()->post(events);
      break;
    }
    default: driver_->notify(static_cast<unsigned>(below(queueCount_))); break;
    }
  }

  // --- checks
  struct Range {
    uint64_t begin, end; // RAM offsets
  };
  void allow(std::vector<Range> &ranges, uint64_t address, uint64_t size) {
    if (size == 0 || address < kRamBase || address - kRamBase >= kRamBytes)
      return;
    uint64_t begin = address - kRamBase;
    ranges.push_back({begin, std::min(begin + size, kRamBytes)});
  }
  // Where the device may write: the used rings of ready queues and every
  // device-writable buffer their descriptor tables (and indirect tables)
  // name.
  std::vector<Range> writableRanges() {
    std::vector<Range> ranges;
    for (unsigned queue = 0; queue < queueCount_; ++queue) {
      QueueView view = queueView(queue);
      if (!view.ready)
        continue;
      allow(ranges, view.deviceRing, 6 + 8 * uint64_t{view.size});
      if (!inRam(view.descriptors, 16 * uint64_t{view.size}))
        continue;
      for (uint32_t i = 0; i < view.size; ++i) {
        uint64_t at = view.descriptors + 16 * uint64_t{i};
        uint64_t address = driver_->peek<uint64_t>(at);
        uint32_t length = driver_->peek<uint32_t>(at + 8);
        uint16_t flags = driver_->peek<uint16_t>(at + 12);
        if (flags & kFlagIndirect) {
          if (!inRam(address, length))
            continue;
          for (uint32_t e = 0; e < length / 16; ++e) {
            uint64_t entry = address + 16 * uint64_t{e};
            if (driver_->peek<uint16_t>(entry + 12) & kFlagWrite)
              allow(ranges, driver_->peek<uint64_t>(entry), driver_->peek<uint32_t>(entry + 8));
          }
        } else if (flags & kFlagWrite) {
          allow(ranges, address, length);
        }
      }
    }
    return ranges;
  }

  // Runs `action` and checks that guest memory changed only where allowed.
  template <class Action> void checkedDma(Action action) {
    std::vector<Range> allowed = writableRanges();
    before_.assign(driver_->ramBytes(), driver_->ramBytes() + kRamBytes);
    action();
    const uint8_t *after = driver_->ramBytes();
    bool wrote = false;
    // Page-sized comparisons first: few calls, even under ASan's
    // interceptors; bytes only where a page changed.
    constexpr uint64_t kChunk = 4096;
    for (uint64_t chunk = 0; chunk < kRamBytes; chunk += kChunk) {
      if (std::memcmp(before_.data() + chunk, after + chunk, kChunk) == 0)
        continue;
      wrote = true;
      for (uint64_t byte = chunk; byte < chunk + kChunk; ++byte) {
        if (before_[byte] == after[byte])
          continue;
        bool inside = std::any_of(allowed.begin(), allowed.end(), [&](const Range &range) {
          return byte >= range.begin && byte < range.end;
        });
        ASSERT_TRUE(inside) << kindName(kind_) << " wrote guest RAM at 0x" << std::hex
                            << kRamBase + byte << ", outside the used rings and writable buffers";
      }
    }
    dmaSteps_ += wrote ? 1 : 0;
  }

  void checkInvariants() {
    uint32_t status = driver_->reg(reg::Status);
    if (status & 0x40)
      ASSERT_FALSE(driver_->transport->lastError().empty()) << "NEEDS_RESET without a reason";
    ASSERT_EQ(driver_->irq.level, driver_->reg(reg::InterruptStatus) != 0)
        << "the interrupt line disagrees with InterruptStatus";
  }

  Kind kind_;
  Random &random_;
  CountingCharBackend chars_;
  CountingNetBackend network_;
  std::unique_ptr<VirtioDevice> device_;
  std::unique_ptr<VirtioTestDriver> driver_;
  unsigned queueCount_ = 0;
  uint32_t queueSelect_ = 0;
  uint32_t nextDescriptor_[kMaxQueues] = {};
  uint64_t dmaSteps_ = 0;
  unsigned chaos_ = 0;
  std::vector<uint8_t> before_; // guest RAM before a step that may DMA
  unsigned lastFilledQueue_ = 0;
};

// A temporary raw image for virtio-blk.
class TemporaryDisk {
public:
  TemporaryDisk() {
    std::string pattern = ::testing::TempDir() + "tiercel-virtio-fuzz-XXXXXX";
    path_.assign(pattern.begin(), pattern.end());
    path_.push_back('\0');
    int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, 64 * 512), 0);
    ::close(fd);
    auto disk = RawFileDisk::open(path_.data(), false);
    EXPECT_TRUE(static_cast<bool>(disk));
    if (disk)
      disk_ = std::move(*disk);
  }
  ~TemporaryDisk() { ::unlink(path_.data()); }
  BlockBackend &disk() { return *disk_; }

private:
  std::vector<char> path_;
  std::unique_ptr<RawFileDisk> disk_;
};

TEST(VirtioFuzzTest, RandomRingsAndRegistersNeverHurtTheHost) {
  const char *secondsText = std::getenv("TIERCEL_FUZZ_SECONDS");
  const char *seedText = std::getenv("TIERCEL_FUZZ_SEED");
  double seconds = secondsText != nullptr ? std::atof(secondsText) : 0;
  uint64_t seed = seedText != nullptr ? std::strtoull(seedText, nullptr, 0)
                  : seconds > 0       ? std::random_device{}()
                                      : 20261122;
  // The CI run: a fixed number of rounds, a few seconds even under ASan.
  constexpr uint64_t kCiRounds = 1000;
  constexpr unsigned kStepsPerRound = 60;
  std::printf("virtio fuzz: seed %llu, %s\n", static_cast<unsigned long long>(seed),
              seconds > 0 ? (std::to_string(seconds) + " s").c_str() : "fixed rounds");
  TemporaryDisk disk;
  auto started = std::chrono::steady_clock::now();
  uint64_t rounds = 0, resets = 0, dmaSteps = 0;
  uint64_t perKind[static_cast<size_t>(Kind::Count)] = {};
  for (;; ++rounds) {
    if (seconds > 0) {
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (elapsed >= seconds)
        break;
      if (rounds % 20000 == 0 && rounds > 0)
        std::printf("virtio fuzz: %llu rounds, %.0f s\n", static_cast<unsigned long long>(rounds),
                    elapsed);
    } else if (rounds >= kCiRounds) {
      break;
    }
    // Each round has its own seed, so one can be replayed alone.
    Random random(seed * 0x9e3779b97f4a7c15ull + rounds);
    Kind kind = static_cast<Kind>(random() % static_cast<uint64_t>(Kind::Count));
    SCOPED_TRACE(std::string(kindName(kind)) + ", seed " + std::to_string(seed) + ", round " +
                 std::to_string(rounds));
    Round round(kind, random, disk.disk());
    for (unsigned step = 0; step < kStepsPerRound; ++step) {
      round.step();
      if (::testing::Test::HasFatalFailure())
        return;
    }
    resets += round.needsReset() ? 1 : 0;
    dmaSteps += round.dmaSteps();
    ++perKind[static_cast<size_t>(kind)];
  }
  std::printf("virtio fuzz: %llu rounds (%llu ended in NEEDS_RESET, %llu steps wrote guest "
              "memory):",
              static_cast<unsigned long long>(rounds), static_cast<unsigned long long>(resets),
              static_cast<unsigned long long>(dmaSteps));
  for (size_t kind = 0; kind < static_cast<size_t>(Kind::Count); ++kind)
    std::printf(" %s %llu", kindName(static_cast<Kind>(kind)),
                static_cast<unsigned long long>(perKind[kind]));
  std::printf("\n");
  // Both outcomes happen: the rounds explore past the first malformed ring.
  EXPECT_GT(resets, 0u);
  EXPECT_LT(resets, rounds);
  EXPECT_GT(dmaSteps, rounds); // and they reach the devices' work
}

} // namespace
} // namespace tiercel::devices
