// HTIF tohost/fromhost (see htif.h).
#include "devices/htif.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace tiercel::devices {

namespace {

constexpr uint64_t kPayloadMask = (uint64_t{1} << 48) - 1;
constexpr int64_t kEbadf = 9, kEfault = 14;

unsigned deviceOf(uint64_t command) { return static_cast<unsigned>(command >> 56); }
unsigned commandOf(uint64_t command) { return static_cast<unsigned>((command >> 48) & 0xff); }

// The command with a new payload: how responses go back in fromhost.
uint64_t respond(uint64_t command, uint64_t payload) {
  return (command & ~kPayloadMask) | (payload & kPayloadMask);
}

std::string hex(uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%" PRIx64, value);
  return text;
}

} // namespace

Htif::Htif(const PhysicalMap &memory, CharBackend &console, CharBackend &errors, HtifHost &host)
    : memory_(memory), console_(console), errors_(errors), host_(host) {
  console_.setReceiver([this](uint8_t byte) { consoleInput(byte); });
  console_.setReceiveRoom([this] { return consoleRoom(); });
}

uint64_t Htif::tohost() const {
  std::lock_guard lock(mutex_);
  return tohostValue_;
}

uint64_t Htif::fromhost() const {
  std::lock_guard lock(mutex_);
  return fromhostValue_;
}

bool Htif::Register::read(uint64_t offset, unsigned size, uint64_t &value) {
  if (!((size == 8 && offset == 0) || (size == 4 && (offset == 0 || offset == 4))))
    return false;
  std::lock_guard lock(htif_.mutex_);
  uint64_t word = isTohost_ ? htif_.tohostValue_ : htif_.fromhostValue_;
  value = size == 8 ? word : static_cast<uint32_t>(word >> (8 * offset));
  return true;
}

bool Htif::Register::write(uint64_t offset, unsigned size, uint64_t value) {
  if (!((size == 8 && offset == 0) || (size == 4 && (offset == 0 || offset == 4))))
    return false;
  std::lock_guard lock(htif_.mutex_);
  if (!isTohost_) {
    // The guest takes a response by clearing fromhost; a console read
    // waiting for room may now deliver.
    uint64_t &word = htif_.fromhostValue_;
    if (size == 8)
      word = value;
    else if (offset == 0)
      word = (word & ~uint64_t{0xffffffff}) | static_cast<uint32_t>(value);
    else
      word = (word & 0xffffffff) | value << 32;
    if (word == 0 && htif_.pendingRead_ != 0)
      htif_.console_.receiveRoomChanged();
    return true;
  }
  if (size == 8) {
    htif_.lowHalfWritten_ = false;
    htif_.command(value);
  } else if (offset == 0) {
    htif_.tohostValue_ = static_cast<uint32_t>(value);
    htif_.lowHalfWritten_ = true;
  } else {
    uint64_t low = htif_.lowHalfWritten_ ? htif_.tohostValue_ : 0;
    htif_.lowHalfWritten_ = false;
    htif_.command(low | value << 32);
  }
  return true;
}

void Htif::command(uint64_t value) {
  tohostValue_ = 0; // handled (Spike's front end and QEMU clear it too)
  if (value == 0)
    return;
  unsigned device = deviceOf(value), cmd = commandOf(value);
  uint64_t payload = value & kPayloadMask;
  if (device == kDeviceSystem && cmd == 0) {
    if (payload & 1)
      host_.htifExit(payload >> 1);
    else
      syscall(payload);
    return;
  }
  if (device == kDeviceConsole && cmd == kConsolePutChar) {
    console_.write(static_cast<uint8_t>(payload));
    fromhostValue_ = respond(value, 0x100 | (payload & 0xff));
    return;
  }
  if (device == kDeviceConsole && cmd == kConsoleGetChar) {
    pendingRead_ = value;
    if (fromhostValue_ == 0)
      console_.receiveRoomChanged();
    return;
  }
  host_.htifFailure("unimplemented: HTIF device " + std::to_string(device) + " command " +
                    std::to_string(cmd) + " (tohost " + hex(value) + ")");
}

void Htif::syscall(uint64_t address) {
  uint8_t *block = memory_.ramRange(address, kSyscallWords * 8);
  if (block == nullptr || address % 8 != 0) {
    host_.htifFailure("HTIF: the syscall block at " + hex(address) +
                      " is not 8 aligned words of RAM");
    return;
  }
  uint64_t words[kSyscallWords];
  std::memcpy(words, block, sizeof words);
  int64_t result = 0;
  switch (words[0]) {
  case kSysWrite: {
    uint64_t fd = words[1], buffer = words[2], length = words[3];
    const uint8_t *bytes = memory_.ramRange(buffer, length);
    if (fd != 1 && fd != 2) {
      result = -kEbadf;
    } else if (bytes == nullptr) {
      result = -kEfault;
    } else {
      CharBackend &out = fd == 1 ? console_ : errors_;
      for (uint64_t i = 0; i < length; ++i)
        out.write(bytes[i]);
      result = static_cast<int64_t>(length);
    }
    break;
  }
  case kSysExit: host_.htifExit(words[1]); return;
  default: host_.htifFailure("unimplemented: HTIF syscall " + std::to_string(words[0])); return;
  }
  uint64_t returned = static_cast<uint64_t>(result);
  std::memcpy(block, &returned, 8);
  fromhostValue_ = 1; // Spike's answer to a syscall
}

size_t Htif::consoleRoom() {
  std::lock_guard lock(mutex_);
  return pendingRead_ != 0 && fromhostValue_ == 0 ? 1 : 0;
}

void Htif::consoleInput(uint8_t byte) {
  std::lock_guard lock(mutex_);
  if (pendingRead_ == 0 || fromhostValue_ != 0)
    return; // no read waiting: dropped, as QEMU's HTIF does (the back end holds bytes back
            // while consoleRoom() is 0)
  fromhostValue_ = respond(pendingRead_, 0x100 | byte);
  pendingRead_ = 0;
}

} // namespace tiercel::devices
