// System instructions: ecall/ebreak, fences (ISA spec 2.7, 2.8, chapter 3),
// the Zicsr instructions (ISA spec chapter 9) and the privileged
// instructions, which are forwarded to the environment (privileged spec 3.3).
//
// The FP CSRs fflags/frm/fcsr live in CpuState (ISA spec 11.2) and are
// handled here; every other CSR goes through env.csrRead/env.csrWrite.
#pragma once

#include <cstdint>

#include "machine/semantics/common.h"

namespace tiercel {

inline constexpr uint32_t kCsrFflags = 0x001;
inline constexpr uint32_t kCsrFrm = 0x002;
inline constexpr uint32_t kCsrFcsr = 0x003;

// Undefined instruction (Opcode::Illegal): tval holds the instruction bits.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execIllegal(Env &env, const Insn &insn) {
  return raiseIllegal(env.cpu, insn);
}

// ---- Environment call and breakpoint (ISA spec 2.8, privileged spec 3.3.1) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execEcall(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  TrapCause cause = cpu.privilege == Privilege::Machine      ? TrapCause::EcallFromM
                    : cpu.privilege == Privilege::Supervisor ? TrapCause::EcallFromS
                                                             : TrapCause::EcallFromU;
  return raiseTrap(cpu, insn, cause, 0);
}

// tval is the address of the ebreak (privileged spec 3.1.16).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execEbreak(Env &env, const Insn &insn) {
  return raiseTrap(env.cpu, insn, TrapCause::Breakpoint, insn.pc);
}

// ---- Fences (ISA spec 2.7, chapter 3) ----

// FENCE fm:pred:succ, with pred/succ bits I=8 O=4 R=2 W=1. For one hart the
// order is already program order; for several harts on an x86 (TSO) host,
// only "earlier stores before later loads" needs a real barrier (mfence).
// Everything else only has to stop the compiler from moving guest accesses
// across the fence. FENCE.TSO (fm=1000) never orders W->R.
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execFence(Env &, const Insn &insn) {
  uint64_t bits = static_cast<uint64_t>(insn.imm);
  uint64_t fm = (bits >> 8) & 0xf, pred = (bits >> 4) & 0xf, succ = bits & 0xf;
  constexpr uint64_t kInput = 8, kOutput = 4, kRead = 2, kWrite = 1;
  bool storeToLoad = (pred & (kWrite | kOutput)) != 0 && (succ & (kRead | kInput)) != 0;
  if (fm != 0b1000 && storeToLoad)
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  else
    __atomic_thread_fence(__ATOMIC_ACQ_REL);
  return ExecStatus::Continue;
}

// FENCE.I: later fetches see earlier stores; translated code must be dropped.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFenceI(Env &env, const Insn &insn) {
  env.cpu.pc = insn.nextPc();
  return ExecStatus::FlushCode;
}

// ---- Zicsr (ISA spec chapter 9, privileged spec 2.1) ----

enum class CsrOperation : uint8_t { Write, Set, Clear };

// Writes to these CSRs can change how later instructions are translated or
// whether an interrupt is now pending, so they end the block (Resync):
// frm/fcsr (rounding mode), sstatus/mstatus (MPRV, SUM, MXR, FS, SIE/MIE),
// misa, satp, interrupt enables/pending/delegation, and the PMP registers.
constexpr bool csrWriteNeedsResync(uint32_t csr) {
  switch (csr) {
  case kCsrFrm:
  case kCsrFcsr:
  case 0x100: // sstatus
  case 0x104: // sie
  case 0x144: // sip
  case 0x180: // satp
  case 0x300: // mstatus
  case 0x301: // misa
  case 0x303: // mideleg
  case 0x304: // mie
  case 0x344: // mip
    return true;
  default: return csr >= 0x3a0 && csr <= 0x3ef; // pmpcfg0-15, pmpaddr0-63
  }
}

TIERCEL_SEMANTICS uint64_t applyCsrOperation(CsrOperation op, uint64_t old, uint64_t source) {
  switch (op) {
  case CsrOperation::Write: return source;
  case CsrOperation::Set: return old | source;
  default: return old & ~source;
  }
}

// The shared body of the six CSR instructions. `source` is x[rs1] or the
// zero-extended uimm; `doesRead`/`doesWrite` follow ISA spec 9.1: csrrw(i)
// with rd=x0 does not read, csrrs(i)/csrrc(i) with rs1=x0 / uimm=0 do not
// write (and so may access read-only CSRs).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus csrAccess(Env &env, const Insn &insn, CsrOperation op,
                                       uint64_t source, bool doesRead, bool doesWrite) {
  CpuState &cpu = env.cpu;
  uint32_t csr = static_cast<uint32_t>(insn.imm) & 0xfff;
  // csr[9:8] is the lowest privilege that may access it, csr[11:10] == 3
  // marks it read-only (privileged spec 2.1).
  if (static_cast<unsigned>(cpu.privilege) < ((csr >> 8) & 3))
    return raiseIllegal(cpu, insn);
  if (doesWrite && (csr >> 10) == 3)
    return raiseIllegal(cpu, insn);

  uint64_t old = 0;
  if (csr == kCsrFflags || csr == kCsrFrm || csr == kCsrFcsr) {
    // FP CSRs are inaccessible while mstatus.FS is Off (privileged spec 3.1.6.6).
    if (!env.fpEnabled())
      return raiseIllegal(cpu, insn);
    old = csr == kCsrFflags ? cpu.fflags
          : csr == kCsrFrm  ? cpu.frm
                            : static_cast<uint64_t>(cpu.frm) << 5 | cpu.fflags;
    if (doesWrite) {
      uint64_t value = applyCsrOperation(op, old, source);
      if (csr == kCsrFflags) {
        cpu.fflags = static_cast<uint8_t>(value & 0x1f);
      } else if (csr == kCsrFrm) {
        cpu.frm = static_cast<uint8_t>(value & 0x7);
      } else {
        cpu.fflags = static_cast<uint8_t>(value & 0x1f);
        cpu.frm = static_cast<uint8_t>((value >> 5) & 0x7);
      }
      env.markFpDirty();
    }
  } else {
    if (doesRead && !env.csrRead(csr, old))
      return raiseIllegal(cpu, insn);
    if (doesWrite && !env.csrWrite(csr, applyCsrOperation(op, old, source)))
      return raiseIllegal(cpu, insn);
  }
  writeX(cpu, insn.rd, old);
  if (doesWrite && csrWriteNeedsResync(csr)) {
    cpu.pc = insn.nextPc();
    return ExecStatus::Resync;
  }
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrw(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Write, readX(env.cpu, insn.rs1), insn.rd != 0, true);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrs(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Set, readX(env.cpu, insn.rs1), true, insn.rs1 != 0);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrc(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Clear, readX(env.cpu, insn.rs1), true, insn.rs1 != 0);
}
// The immediate forms carry uimm[4:0] in the rs1 field.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrwi(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Write, insn.rs1, insn.rd != 0, true);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrsi(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Set, insn.rs1, true, insn.rs1 != 0);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCsrrci(Env &env, const Insn &insn) {
  return csrAccess(env, insn, CsrOperation::Clear, insn.rs1, true, insn.rs1 != 0);
}

// ---- Privileged instructions: the environment owns trap and MMU state ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMret(Env &env, const Insn &insn) {
  return env.executeMret(insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSret(Env &env, const Insn &insn) {
  return env.executeSret(insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execWfi(Env &env, const Insn &insn) {
  return env.executeWfi(insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSfenceVma(Env &env, const Insn &insn) {
  return env.executeSfenceVma(insn);
}

} // namespace tiercel
