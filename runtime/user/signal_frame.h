// Guest (riscv64 Linux) layouts of the signal ABI: struct sigaction as the
// kernel takes it, stack_t, siginfo_t and the rt_sigframe the kernel writes
// on the stack before running a handler (arch/riscv/kernel/signal.c,
// arch/riscv/include/uapi/asm/{ptrace,sigcontext}.h, include/uapi/
// asm-generic/{signal,ucontext,siginfo}.h). Offsets are pinned with
// static_asserts; glibc's ucontext_t/mcontext_t agree with them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tiercel::user {

inline constexpr int kGuestSignalCount = 64; // _NSIG
using GuestSigset = uint64_t;                // bit (signal - 1)

inline constexpr GuestSigset sigBit(int signal) { return GuestSigset{1} << (signal - 1); }

// struct sigaction of asm-generic/signal.h without sa_restorer (riscv has no
// SA_RESTORER: the kernel returns through the vDSO's rt_sigreturn).
struct GuestSigaction {
  uint64_t handler; // SIG_DFL = 0, SIG_IGN = 1, or a guest address
  uint64_t flags;
  GuestSigset mask;
};
static_assert(sizeof(GuestSigaction) == 24);

inline constexpr uint64_t kSigDfl = 0;
inline constexpr uint64_t kSigIgn = 1;

// sa_flags (asm-generic/signal-defs.h).
inline constexpr uint64_t kSaNoCldStop = 0x00000001;
inline constexpr uint64_t kSaNoCldWait = 0x00000002;
inline constexpr uint64_t kSaSigInfo = 0x00000004;
inline constexpr uint64_t kSaOnStack = 0x08000000;
inline constexpr uint64_t kSaRestart = 0x10000000;
inline constexpr uint64_t kSaNoDefer = 0x40000000;
inline constexpr uint64_t kSaResetHand = 0x80000000;

struct GuestStack {
  uint64_t sp;
  int32_t flags;
  int32_t padding;
  uint64_t size;
};
static_assert(sizeof(GuestStack) == 24);

inline constexpr int kSsOnStack = 1;
inline constexpr int kSsDisable = 2;
inline constexpr int kSsAutoDisarm = int(1u << 31);
inline constexpr uint64_t kMinSigStackSize = 2048; // MINSIGSTKSZ

// siginfo_t (asm-generic/siginfo.h, 64-bit): three ints, padding, then the
// union at offset 16. x86-64 has the same layout, so host siginfo for
// asynchronous signals is copied as is.
struct GuestSiginfo {
  int32_t signo;
  int32_t errnum;
  int32_t code;
  int32_t padding;
  union {
    uint8_t raw[112];
    struct {
      uint64_t addr; // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
    } fault;
    struct {
      int32_t pid; // kill, tkill, sigqueue
      uint32_t uid;
      uint64_t value;
    } kill;
  } fields;
};
static_assert(sizeof(GuestSiginfo) == 128);
static_assert(offsetof(GuestSiginfo, fields) == 16);

// si_code values.
inline constexpr int kSiUser = 0;
inline constexpr int kSiKernel = 0x80;
inline constexpr int kSiTkill = -6;
inline constexpr int kSegvMapErr = 1;
inline constexpr int kSegvAccErr = 2;
inline constexpr int kBusAdrAln = 1;
inline constexpr int kBusAdrErr = 2;
inline constexpr int kIllIllOpc = 1;
inline constexpr int kTrapBrkpt = 1;

// struct sigcontext: user_regs_struct (pc, then x1..x31) and the FP state
// union sized for the Q extension. Only the D view is written; the rest
// (and the __riscv_extra_ext_header at its end) reads as zero: no vector
// state follows.
struct alignas(16) GuestSigcontext {
  uint64_t gregs[32]; // gregs[0] = pc, gregs[i] = x[i]
  union alignas(16) {
    struct {
      uint64_t f[32];
      uint32_t fcsr;
    } d;
    uint8_t q[528]; // struct __riscv_q_ext_state
  } fpregs;
};
static_assert(sizeof(GuestSigcontext) == 256 + 528);
static_assert(offsetof(GuestSigcontext, fpregs) == 256);

struct GuestUcontext {
  uint64_t flags;
  uint64_t link;
  GuestStack stack;
  GuestSigset sigmask;
  uint8_t unused[1024 / 8 - sizeof(GuestSigset)]; // room for a larger sigset
  GuestSigcontext mcontext;
};
static_assert(offsetof(GuestUcontext, stack) == 16);
static_assert(offsetof(GuestUcontext, sigmask) == 40);
static_assert(offsetof(GuestUcontext, mcontext) == 176);
static_assert(sizeof(GuestUcontext) == 960);

struct GuestRtSigframe {
  GuestSiginfo info;
  GuestUcontext uc;
};
static_assert(offsetof(GuestRtSigframe, uc) == 128);
static_assert(sizeof(GuestRtSigframe) == 1088);

// Offsets a handler sees relative to the ucontext pointer (a2), as glibc's
// <sys/ucontext.h> spells them: uc_mcontext.__gregs[REG_PC] and
// uc_mcontext.__fpregs.__d.__f[i] / __fcsr.
inline constexpr size_t kUcontextPcOffset = offsetof(GuestUcontext, mcontext);
inline constexpr size_t kUcontextFpOffset = offsetof(GuestUcontext, mcontext) + 256;
inline constexpr size_t kUcontextFcsrOffset = kUcontextFpOffset + 32 * 8;

// The return trampoline the handler's ra points at, like the vDSO's
// __vdso_rt_sigreturn: `li a7, 139` (addi a7, zero, 139); `ecall`.
inline constexpr uint32_t kSigreturnTrampoline[2] = {0x08b00893, 0x00000073};

} // namespace tiercel::user
