// The GDB stub of Linux user mode (tiercel-riscv64 -g PORT): the Target of
// the protocol session over a user-mode Process, and the run loop's
// RunDebugger. It waits for GDB before the guest's first instruction, then
// serves packets at every stop. Breakpoints are never written into guest
// memory: the tiers stop before a breakpoint pc (setBreakpoints).
// Watchpoints (Z2 write, Z3 read, Z4 access) make the run loop execute one
// instruction at a time on the reference semantics; a watchpoint triggers
// when a load, store or AMO touches its bytes, or a syscall changes them,
// and the stop is reported after that instruction, as GDB expects on RISC-V.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/gdb/connection.h"
#include "runtime/gdb/gdb_target.h"
#include "runtime/gdb/session.h"
#include "runtime/user/run_loop.h"

namespace tiercel::user {
class Process;
}

namespace tiercel::gdb {

class UserStub final : public Target, public user::RunDebugger {
public:
  // Listens on TCP `port`; the error names the port (e.g. already in use).
  static llvm::Expected<std::unique_ptr<UserStub>> listen(uint16_t port);
  // Waits for GDB to connect and takes charge of `process`, which has not
  // run yet. The process's exit is reported to GDB (W or X).
  llvm::Error attach(user::Process &process);

  // ---- Target ----
  unsigned registerSize(unsigned regno) const override;
  void readRegister(unsigned regno, uint8_t *out) override;
  bool writeRegister(unsigned regno, const uint8_t *in) override;
  unsigned gRegisterCount() const override { return 33; } // x0..x31, pc
  size_t readMemory(uint64_t address, uint8_t *out, size_t length) override;
  bool writeMemory(uint64_t address, const uint8_t *in, size_t length) override;
  bool supportsBreakpoint(BreakpointType) const override { return true; }
  bool insertBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) override;
  bool removeBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) override;
  std::string targetXml() const override;
  std::optional<std::string> auxv() const override { return auxv_; }
  std::optional<std::string> execFile() const override;

  // ---- RunDebugger ----
  Resume stopped(StopKind kind, int signal) override;
  const std::unordered_set<uint64_t> &breakpoints() const override { return breakpoints_; }
  uint64_t breakpointsVersion() const override { return breakpointsVersion_; }
  bool watching() const override { return !watchpoints_.empty(); }
  void beforeInstruction(const DecodedInstruction &insn, const CpuState &cpu) override;
  bool afterInstruction() override;
  bool takeInterrupt() override;

private:
  struct Watchpoint {
    BreakpointType type;
    uint64_t address;
    uint64_t length;
    std::vector<uint8_t> before; // its bytes before a syscall
  };
  // The memory access of the instruction being stepped.
  struct Access {
    bool load = false, store = false, syscall = false;
    uint64_t address = 0, size = 0;
  };

  UserStub() : session_(*this) {}
  Resume serve(int reportedSignal);
  void detach();
  void reportExit();
  std::string readAuxv();

  std::unique_ptr<Connection> connection_;
  Session session_;
  user::Process *process_ = nullptr;
  std::string auxv_;
  bool detached_ = false;
  // Z0/Z1 by (type, address), counted: GDB may insert both kinds at one pc.
  std::map<std::pair<BreakpointType, uint64_t>, unsigned> breakpointRefs_;
  std::unordered_set<uint64_t> breakpoints_;
  uint64_t breakpointsVersion_ = 0;
  std::vector<Watchpoint> watchpoints_;
  Access access_;
  StopEvent watchHit_;
};

} // namespace tiercel::gdb
