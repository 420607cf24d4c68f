// What the GDB protocol core (session.h) needs of the thing it debugs: a
// single-threaded target with registers in GDB's numbering, memory,
// breakpoints, and the documents GDB reads with qXfer. The user-mode
// implementation is user_target.h; the unit tests use an in-memory fake.
// Execution control is not here: the session only says how the debugger
// wants the target resumed (ResumeRequest), and its driver reports back how
// it stopped (StopEvent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tiercel::gdb {

// The Z/z packet types, by their numbers (GDB manual, "Packets": Z0..Z4).
enum class BreakpointType : uint8_t {
  Software = 0,
  Hardware = 1,
  WriteWatch = 2,
  ReadWatch = 3,
  AccessWatch = 4,
};

// How the target stopped, in the terms of a stop reply.
struct StopEvent {
  enum class Kind : uint8_t {
    Signal, // T packet: stopped with `value` = a GDB signal number
    Exited, // W packet: exited with status `value`
    Killed, // X packet: ended by GDB signal `value`
  };
  Kind kind = Kind::Signal;
  int value = 5; // GDB_SIGNAL_TRAP
  // A Signal stop caused by a watchpoint: its type and the address accessed.
  std::optional<BreakpointType> watch;
  uint64_t watchAddress = 0;
};

// How the debugger asked the target to run (c, C, s, S, vCont).
struct ResumeRequest {
  enum class Kind : uint8_t { Continue, Step };
  Kind kind = Kind::Continue;
  int signal = 0;                  // GDB signal number to deliver first; 0: none
  std::optional<uint64_t> address; // resume at this pc (c ADDR, s ADDR)
};

class Target {
public:
  virtual ~Target() = default;

  // Register `regno` in GDB's numbering: its size in bytes, 0 when the
  // target has no such register.
  virtual unsigned registerSize(unsigned regno) const = 0;
  // Little-endian bytes, registerSize(regno) of them.
  virtual void readRegister(unsigned regno, uint8_t *out) = 0;
  virtual bool writeRegister(unsigned regno, const uint8_t *in) = 0;
  // The g/G packets carry registers 0 .. gRegisterCount() - 1, back to back.
  virtual unsigned gRegisterCount() const = 0;

  // Reads up to `length` bytes at `address`: the number of bytes readable
  // from the start (0 when the first one is not).
  virtual size_t readMemory(uint64_t address, uint8_t *out, size_t length) = 0;
  // All or nothing.
  virtual bool writeMemory(uint64_t address, const uint8_t *in, size_t length) = 0;

  virtual bool supportsBreakpoint(BreakpointType type) const = 0;
  // `kind` is the Z packet's kind field (length for watchpoints).
  virtual bool insertBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) = 0;
  virtual bool removeBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) = 0;

  // target.xml (qXfer:features:read).
  virtual std::string targetXml() const = 0;
  // The auxiliary vector as the process got it (qXfer:auxv:read); nullopt
  // when the target has none.
  virtual std::optional<std::string> auxv() const = 0;
  // Path of the program (qXfer:exec-file:read); nullopt when unknown.
  virtual std::optional<std::string> execFile() const = 0;
};

} // namespace tiercel::gdb
