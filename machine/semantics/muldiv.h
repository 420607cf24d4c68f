// M extension: multiplication and division (ISA spec chapter 7). Division
// never traps on RISC-V: division by zero and signed overflow have defined
// results (ISA spec 7.2, table 7.1), so every case is decided here before a
// host division instruction could fault.
#pragma once

#include <cstdint>
#include <limits>

#include "machine/semantics/alu.h"

namespace tiercel {

// ---- Multiplication (ISA spec 7.1) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMul(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a * b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMulh(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    __int128 product = static_cast<__int128>(static_cast<int64_t>(a)) *
                       static_cast<__int128>(static_cast<int64_t>(b));
    return static_cast<uint64_t>(static_cast<unsigned __int128>(product) >> 64);
  });
}

// rs1 signed times rs2 unsigned.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMulhsu(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    __int128 product = static_cast<__int128>(static_cast<int64_t>(a)) *
                       static_cast<__int128>(static_cast<unsigned __int128>(b));
    return static_cast<uint64_t>(static_cast<unsigned __int128>(product) >> 64);
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMulhu(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(product >> 64);
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMulw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
  });
}

// ---- Division (ISA spec 7.2, table 7.1) ----
// x / 0 = all ones (-1 signed), x % 0 = x; MIN / -1 = MIN, MIN % -1 = 0.

template <class T> TIERCEL_SEMANTICS T divideSigned(T a, T b) {
  if (b == 0)
    return -1;
  if (a == std::numeric_limits<T>::min() && b == -1)
    return a;
  return a / b;
}

template <class T> TIERCEL_SEMANTICS T remainderSigned(T a, T b) {
  if (b == 0)
    return a;
  if (a == std::numeric_limits<T>::min() && b == -1)
    return 0;
  return a % b;
}

template <class T> TIERCEL_SEMANTICS T divideUnsigned(T a, T b) {
  if (b == 0)
    return std::numeric_limits<T>::max();
  return a / b;
}

template <class T> TIERCEL_SEMANTICS T remainderUnsigned(T a, T b) {
  if (b == 0)
    return a;
  return a % b;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execDiv(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<uint64_t>(
        divideSigned<int64_t>(static_cast<int64_t>(a), static_cast<int64_t>(b)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execDivu(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return divideUnsigned<uint64_t>(a, b); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRem(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<uint64_t>(
        remainderSigned<int64_t>(static_cast<int64_t>(a), static_cast<int64_t>(b)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRemu(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return remainderUnsigned<uint64_t>(a, b); });
}

// The W forms divide the low 32 bits and sign-extend the 32-bit result, so
// divuw by zero gives all ones and remuw by zero the sign-extended dividend.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execDivw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(
        divideSigned<int32_t>(static_cast<int32_t>(a), static_cast<int32_t>(b))));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execDivuw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(
        divideUnsigned<uint32_t>(static_cast<uint32_t>(a), static_cast<uint32_t>(b)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRemw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(
        remainderSigned<int32_t>(static_cast<int32_t>(a), static_cast<int32_t>(b))));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRemuw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(
        remainderUnsigned<uint32_t>(static_cast<uint32_t>(a), static_cast<uint32_t>(b)));
  });
}

} // namespace tiercel
