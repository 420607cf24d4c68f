// The user-mode GDB stub (see user_stub.h).
#include "runtime/gdb/user_stub.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "machine/isa/instruction_table.h"
#include "runtime/gdb/gdb_signals.h"
#include "runtime/gdb/riscv_target_description.h"
#include "runtime/user/address_space.h"
#include "runtime/user/initial_stack.h"
#include "runtime/user/process.h"
#include "runtime/user/user_env.h"

namespace tiercel::gdb {

namespace {

constexpr size_t kMaxAuxvEntries = 256;

bool overlaps(uint64_t start, uint64_t length, uint64_t otherStart, uint64_t otherLength) {
  return start < otherStart + otherLength && otherStart < start + length;
}

} // namespace

llvm::Expected<std::unique_ptr<UserStub>> UserStub::listen(uint16_t port) {
  auto connection = Connection::listen(port);
  if (!connection)
    return connection.takeError();
  std::unique_ptr<UserStub> stub(new UserStub());
  stub->connection_ = std::move(*connection);
  return stub;
}

llvm::Error UserStub::attach(user::Process &process) {
  process_ = &process;
  auxv_ = readAuxv();
  if (llvm::Error error = connection_->accept(process.cpu().exitRequest))
    return error;
  process.prependBeforeExit([this] { reportExit(); });
  return llvm::Error::success();
}

// The auxv pairs on the initial stack, AT_NULL included: argc, argv[],
// NULL, envp[], NULL, then the pairs (initial_stack.h).
std::string UserStub::readAuxv() {
  uint64_t cursor = process_->initialStackPointer();
  auto word = [&](uint64_t &value) {
    bool ok = readMemory(cursor, reinterpret_cast<uint8_t *>(&value), 8) == 8;
    cursor += 8;
    return ok;
  };
  uint64_t argc = 0, value = 0;
  if (!word(argc))
    return {};
  cursor += (argc + 1) * 8;
  do
    if (!word(value))
      return {};
  while (value != 0);
  std::string auxv;
  for (size_t entry = 0; entry < kMaxAuxvEntries; ++entry) {
    uint64_t pair[2];
    if (!word(pair[0]) || !word(pair[1]))
      return {};
    auxv.append(reinterpret_cast<const char *>(pair), sizeof pair);
    if (pair[0] == user::kAtNull)
      break;
  }
  return auxv;
}

std::optional<std::string> UserStub::execFile() const { return process_->executablePath(); }

std::string UserStub::targetXml() const { return riscv64UserTargetXml(); }

// ---- Registers ----

unsigned UserStub::registerSize(unsigned regno) const {
  if (regno <= kRegPc || (regno >= kRegF0 && regno < kRegF0 + 32))
    return 8;
  switch (regno) {
  case kRegFflags:
  case kRegFrm:
  case kRegFcsr: return 4;
  case kRegCycle:
  case kRegTime:
  case kRegInstret:
  case kRegPriv: return 8;
  default: return 0;
  }
}

void UserStub::readRegister(unsigned regno, uint8_t *out) {
  CpuState &cpu = process_->cpu();
  uint64_t value = 0;
  if (regno < 32) {
    value = cpu.x[regno];
  } else if (regno == kRegPc) {
    value = cpu.pc;
  } else if (regno >= kRegF0 && regno < kRegF0 + 32) {
    value = cpu.f[regno - kRegF0];
  } else {
    switch (regno) {
    case kRegFflags: value = cpu.fflags; break;
    case kRegFrm: value = cpu.frm; break;
    case kRegFcsr: value = uint64_t{cpu.frm} << 5 | cpu.fflags; break;
    case kRegCycle:
    case kRegInstret: value = cpu.instret; break; // one cycle per instruction (user_env.h)
    case kRegTime: {
      user::UserEnv env(cpu, process_->addressSpace());
      env.csrRead(user::kCsrTime, value);
      break;
    }
    default: value = 0; break; // priv: always U (0) in user mode
    }
  }
  std::memcpy(out, &value, registerSize(regno));
}

bool UserStub::writeRegister(unsigned regno, const uint8_t *in) {
  CpuState &cpu = process_->cpu();
  uint64_t value = 0;
  std::memcpy(&value, in, registerSize(regno));
  if (regno < 32) {
    if (regno != 0) // x0 stays zero
      cpu.x[regno] = value;
    return true;
  }
  if (regno == kRegPc) {
    cpu.pc = value;
    return true;
  }
  if (regno >= kRegF0 && regno < kRegF0 + 32) {
    cpu.f[regno - kRegF0] = value;
    return true;
  }
  switch (regno) {
  case kRegFflags: cpu.fflags = value & 0x1f; return true;
  case kRegFrm: cpu.frm = value & 0x7; return true;
  case kRegFcsr:
    cpu.fflags = value & 0x1f;
    cpu.frm = (value >> 5) & 0x7;
    return true;
  case kRegPriv: return value == 0; // user mode cannot change privilege
  default: return false;            // the counters are read-only in U-mode
  }
}

// ---- Memory ----

// Only what the guest could read itself; a partial read stops at the
// first page it may not read (GDB then asks for less).
size_t UserStub::readMemory(uint64_t address, uint8_t *out, size_t length) {
  user::AddressSpace &space = process_->addressSpace();
  size_t done = 0;
  while (done < length) {
    uint64_t cursor = address + done;
    uint64_t pageEnd = user::pageAlignDown(cursor) + user::AddressSpace::kPageSize;
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(length - done, pageEnd - cursor));
    if (cursor < address || !space.isAccessible(cursor, chunk, false))
      break;
    std::memcpy(out + done, space.hostPointer(cursor), chunk);
    done += chunk;
  }
  return done;
}

// Any mapped guest memory, read-only code included (as ptrace may): guest
// writable pages directly, others through /proc/self/mem, which writes past
// the host protection. Translations of the bytes are dropped, so patched
// code runs patched in every tier.
bool UserStub::writeMemory(uint64_t address, const uint8_t *in, size_t length) {
  user::AddressSpace &space = process_->addressSpace();
  uint64_t end = address + length;
  if (end < address || end > user::AddressSpace::kGuestSize)
    return false;
  for (uint64_t page = user::pageAlignDown(address); page < end; page += user::AddressSpace::kPageSize)
    if (!space.isMapped(page))
      return false;
  // A watched code page is host read-only: make it writable, as a syscall does.
  space.prepareHostWrite(address, length);
  if (space.isAccessible(address, length, true)) {
    std::memcpy(space.hostPointer(address), in, length);
  } else {
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd < 0)
      return false;
    ssize_t written = pwrite(fd, in, length, reinterpret_cast<off_t>(space.hostPointer(address)));
    ::close(fd);
    if (written != static_cast<ssize_t>(length))
      return false;
  }
  if (process_->invalidateCode)
    process_->invalidateCode(address, length);
  return true;
}

// ---- Breakpoints and watchpoints ----

bool UserStub::insertBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) {
  if (type == BreakpointType::Software || type == BreakpointType::Hardware) {
    ++breakpointRefs_[{type, address}];
    if (breakpoints_.insert(address).second)
      ++breakpointsVersion_;
    return true;
  }
  if (kind == 0 || address + kind < address)
    return false;
  watchpoints_.push_back({type, address, kind, {}});
  return true;
}

bool UserStub::removeBreakpoint(BreakpointType type, uint64_t address, uint64_t kind) {
  if (type == BreakpointType::Software || type == BreakpointType::Hardware) {
    auto it = breakpointRefs_.find({type, address});
    if (it == breakpointRefs_.end())
      return false;
    if (--it->second == 0)
      breakpointRefs_.erase(it);
    // Still there under either kind?
    if (breakpointRefs_.count({BreakpointType::Software, address}) == 0 &&
        breakpointRefs_.count({BreakpointType::Hardware, address}) == 0) {
      breakpoints_.erase(address);
      ++breakpointsVersion_;
    }
    return true;
  }
  auto it = std::find_if(watchpoints_.begin(), watchpoints_.end(), [&](const Watchpoint &watch) {
    return watch.type == type && watch.address == address && watch.length == kind;
  });
  if (it == watchpoints_.end())
    return false;
  watchpoints_.erase(it);
  return true;
}

// Loads, stores and AMOs: the address is rs1 + imm (0 for LR/SC/AMO, whose
// imm the decoder leaves 0), the width funct3's low two bits.
void UserStub::beforeInstruction(const DecodedInstruction &insn, const CpuState &cpu) {
  access_ = {};
  const InstructionSpec &spec = specOf(insn.opcode);
  if (insn.opcode == Opcode::Ecall) {
    access_.syscall = true;
    for (Watchpoint &watch : watchpoints_) {
      if (watch.type == BreakpointType::ReadWatch)
        continue;
      watch.before.resize(watch.length);
      watch.before.resize(readMemory(watch.address, watch.before.data(), watch.length));
    }
    return;
  }
  if ((spec.flags & (kLoad | kStore)) == 0)
    return;
  access_.load = (spec.flags & kLoad) != 0;
  access_.store = (spec.flags & kStore) != 0;
  access_.address = cpu.x[insn.rs1] + static_cast<uint64_t>(insn.imm);
  access_.size = uint64_t{1} << ((spec.match >> 12) & 3);
}

bool UserStub::afterInstruction() {
  for (Watchpoint &watch : watchpoints_) {
    bool hit = false;
    uint64_t where = watch.address;
    if (access_.syscall && watch.type != BreakpointType::ReadWatch) {
      std::vector<uint8_t> now(watch.before.size());
      now.resize(readMemory(watch.address, now.data(), now.size()));
      hit = now != watch.before;
    } else if ((access_.load || access_.store) &&
               overlaps(access_.address, access_.size, watch.address, watch.length)) {
      switch (watch.type) {
      case BreakpointType::WriteWatch: hit = access_.store; break;
      case BreakpointType::ReadWatch: hit = access_.load; break;
      default: hit = true; break;
      }
      // GDB matches the address against the watched range.
      where = std::max(access_.address, watch.address);
    }
    if (hit) {
      watchHit_ = StopEvent{};
      watchHit_.value = kGdbSignalTrap;
      watchHit_.watch = watch.type;
      watchHit_.watchAddress = where;
      return true;
    }
  }
  return false;
}

// ---- Execution control ----

user::RunDebugger::Resume UserStub::stopped(StopKind kind, int signal) {
  int reported = kind == StopKind::Signal ? signal : 0;
  if (detached_)
    return {false, reported};
  connection_->setRunning(false);
  StopEvent event;
  switch (kind) {
  case StopKind::Start:
  case StopKind::Breakpoint:
  case StopKind::Step: event.value = kGdbSignalTrap; break;
  case StopKind::Interrupt: event.value = kGdbSignalInt; break;
  case StopKind::Signal: event.value = gdbSignalFromLinux(signal); break;
  case StopKind::Watchpoint: event = watchHit_; break;
  }
  std::string reply = session_.stopReply(event);
  // At the start GDB asks with '?'.
  if (kind != StopKind::Start && !connection_->send(reply)) {
    detach();
    return {false, reported};
  }
  return serve(reported);
}

user::RunDebugger::Resume UserStub::serve(int reportedSignal) {
  for (;;) {
    std::optional<std::string> packet = connection_->nextPacket();
    if (!packet) {
      detach();
      return {false, reportedSignal};
    }
    SessionReply reply = session_.handle(*packet);
    if (reply.resume) {
      if (reply.resume->address)
        process_->cpu().pc = *reply.resume->address;
      connection_->setRunning(true);
      return {reply.resume->kind == ResumeRequest::Kind::Step,
              linuxSignalFromGdb(reply.resume->signal)};
    }
    if (reply.kill) {
      if (!reply.payload.empty())
        connection_->send(reply.payload);
      detach();
      std::fprintf(stderr, "tiercel-riscv64: killed by the debugger\n");
      process_->terminateBySignal(SIGKILL);
    }
    if (!connection_->send(reply.payload)) {
      detach();
      return {false, reportedSignal};
    }
    if (reply.startNoAck)
      connection_->startNoAckMode();
    if (reply.detach) {
      detach();
      return {false, reportedSignal};
    }
  }
}

bool UserStub::takeInterrupt() {
  if (detached_)
    return false;
  if (connection_->closed()) {
    detach(); // the debugger went away while the guest ran: run on without it
    return false;
  }
  return connection_->takeInterrupt();
}

// Without a debugger the guest runs as if none had been there.
void UserStub::detach() {
  if (detached_)
    return;
  detached_ = true;
  breakpointRefs_.clear();
  breakpoints_.clear();
  ++breakpointsVersion_;
  watchpoints_.clear();
  connection_->close();
}

void UserStub::reportExit() {
  // A guest fork's child runs without the debugger: the connection is the
  // parent's.
  if (detached_ || process_ == nullptr || process_->isForkedChild())
    return;
  StopEvent event;
  if (int signal = process_->terminatingSignal()) {
    event.kind = StopEvent::Kind::Killed;
    event.value = gdbSignalFromLinux(signal);
  } else {
    event.kind = StopEvent::Kind::Exited;
    event.value = process_->exitStatus();
  }
  connection_->send(session_.stopReply(event));
  detach();
}

} // namespace tiercel::gdb
