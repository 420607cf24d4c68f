// The GDB remote protocol's command dispatcher: one packet payload in, one
// reply out, against a Target (gdb_target.h). It holds the protocol state
// (no-ack mode, the last stop, qemu's single-step flags) but no socket and
// no execution: resume packets come back as a ResumeRequest for the driver,
// which answers later with stopReply(). One thread, id 1, in every reply
// that names a thread (qC, qfThreadInfo, T stop replies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/gdb/gdb_target.h"

namespace tiercel::gdb {

inline constexpr int kThreadId = 1;
// The largest packet we accept and answer (qSupported PacketSize), in bytes.
inline constexpr size_t kMaxPacketSize = 0x4000;

struct SessionReply {
  SessionReply() = default;
  SessionReply(std::string text) : payload(std::move(text)) {}

  std::string payload;                  // what to send (unless `resume` is set)
  std::optional<ResumeRequest> resume;  // run the target; the reply is its stop reply
  bool detach = false;                  // after sending: the debugger is gone (D)
  bool kill = false;                    // end the target (k: no reply, vKill: after OK)
  bool startNoAck = false;              // after sending OK: no more '+'/'-'
};

class Session {
public:
  explicit Session(Target &target) : target_(target) {}

  SessionReply handle(std::string_view payload);

  // The stop reply for `event`, remembered for '?'.
  std::string stopReply(const StopEvent &event);

  // qemu's single-step flags (Qqemu.sstep): ENABLE=1, NOIRQ=2, NOTIMER=4.
  // User mode has no interrupts or timers to mask, so only their value is kept.
  uint32_t singleStepFlags() const { return singleStepFlags_; }

private:
  std::string readRegisters();
  std::string writeRegisters(std::string_view hex);
  std::string readRegister(std::string_view args);
  std::string writeRegister(std::string_view args);
  std::string readMemory(std::string_view args);
  std::string writeMemoryHex(std::string_view args);
  std::string writeMemoryBinary(std::string_view args);
  std::string breakpoint(std::string_view args, bool insert);
  SessionReply query(std::string_view payload);
  SessionReply vPacket(std::string_view payload);
  std::string transfer(std::string_view args);
  std::optional<ResumeRequest> parseResume(std::string_view payload);
  std::optional<ResumeRequest> parseVCont(std::string_view actions);

  Target &target_;
  std::string lastStop_ = "T05thread:1;";
  uint32_t singleStepFlags_ = 1 | 2 | 4;
};

} // namespace tiercel::gdb
