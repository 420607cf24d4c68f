// HTIF, the Host-Target Interface of Spike (riscv-isa-sim's fesvr) and of
// QEMU's spike machine: two 64-bit words in guest RAM, `tohost` and
// `fromhost`, whose addresses are the ELF symbols of those names. The
// convention bare-metal test suites (riscv-tests, the architecture tests)
// and newlib-on-HTIF programs use to print and to report their result.
//
// A value written to tohost is a command: device in bits 63:56, command in
// 55:48, payload in 47:0.
//   device 0, command 0 (the system device):
//     payload bit 0 set:   exit with status payload >> 1 (0 = pass;
//                          riscv-tests' RVTEST_FAIL writes TESTNUM << 1 | 1)
//     payload bit 0 clear: the syscall proxy. The payload is the physical
//                          address of 8 words: the syscall number, then its
//                          arguments. SYS_write (64) to fd 1 or 2 and
//                          SYS_exit (93) are served; the result goes back
//                          into word 0 and fromhost becomes 1. Any other
//                          syscall is unimplemented (the run ends, status 1).
//   device 1 (the console):
//     command 1: print the payload's low byte; fromhost = the command with
//                payload 0x100 | byte
//     command 0: read a byte; when one arrives (and fromhost is 0),
//                fromhost = the command with payload 0x100 | byte
// Whatever the command, tohost reads 0 again once it has been handled, as
// Spike's front end and QEMU clear it. Commands are handled synchronously,
// on the hart's thread, when the guest's store completes the word: an
// 8-byte store, or the store to the upper half after the lower one (RV64
// riscv-tests write tohost as two 32-bit halves, low first; QEMU acts on
// the upper one too).
//
// The two words are separate 8-byte device windows (tohostRegister(),
// fromhostRegister()) the board maps over its RAM; bytes between them stay
// RAM. Facts from QEMU's hw/char/riscv_htif.c and Spike's fesvr; code
// written here.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "devices/char_backend.h"
#include "machine/system/device_interface.h"
#include "machine/system/physical_map.h"

namespace tiercel::devices {

// What the HTIF asks of the machine around it.
class HtifHost {
public:
  virtual ~HtifHost() = default;
  // The guest reported its result (device 0 exit, SYS_exit).
  virtual void htifExit(uint64_t code) = 0;
  // A request this HTIF does not serve, or a syscall block outside RAM:
  // the run ends with status 1 and `message` says why.
  virtual void htifFailure(const std::string &message) = 0;
};

class Htif {
public:
  static constexpr unsigned kDeviceSystem = 0, kDeviceConsole = 1;
  static constexpr unsigned kConsoleGetChar = 0, kConsolePutChar = 1;
  static constexpr uint64_t kSysWrite = 64, kSysExit = 93;
  static constexpr uint64_t kSyscallWords = 8;

  // `memory`: the physical map, for the syscall blocks and buffers.
  // `console`: device 1 and fd 1 of SYS_write; `errors`: fd 2 (the host's
  // stderr). All outlive the HTIF.
  Htif(const PhysicalMap &memory, CharBackend &console, CharBackend &errors, HtifHost &host);
  Htif(const Htif &) = delete;
  Htif &operator=(const Htif &) = delete;

  MmioDevice &tohostRegister() { return tohost_; }
  MmioDevice &fromhostRegister() { return fromhost_; }
  uint64_t tohost() const;
  uint64_t fromhost() const;

private:
  // One 8-byte register window: 4- and 8-byte accesses at offsets 0 and 4.
  class Register : public MmioDevice {
  public:
    Register(Htif &htif, bool isTohost) : htif_(htif), isTohost_(isTohost) {}
    const char *name() const override { return isTohost_ ? "htif_tohost" : "htif_fromhost"; }
    uint64_t windowSize() const override { return 8; }
    bool read(uint64_t offset, unsigned size, uint64_t &value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;

  private:
    Htif &htif_;
    bool isTohost_;
  };

  void command(uint64_t value);
  void syscall(uint64_t address);
  void consoleInput(uint8_t byte);
  size_t consoleRoom();

  const PhysicalMap &memory_;
  CharBackend &console_;
  CharBackend &errors_;
  HtifHost &host_;
  Register tohost_{*this, true};
  Register fromhost_{*this, false};
  mutable std::mutex mutex_;
  uint64_t tohostValue_ = 0;
  uint64_t fromhostValue_ = 0;
  bool lowHalfWritten_ = false; // tohost's low half is waiting for its upper half
  uint64_t pendingRead_ = 0;    // a console read command waiting for a byte; 0: none
};

} // namespace tiercel::devices
