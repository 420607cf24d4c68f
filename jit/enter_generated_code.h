// The one way host C++ code runs generated code. Blocks use the
// preserve_none convention (stencil_abi.h), under which every register but
// rsp and rbp is the callee's to clobber. Calling such a block straight from
// C++ relies on the compiler spilling everything it needs around the call,
// which fails where it keeps a frame base in rbx (stack realignment under
// ASan, for one). This trampoline saves every callee-saved register of the
// C convention itself, pins the CPU state in r12 and the memory base in
// r13, and calls the block: callers see an ordinary C function.
#pragma once

#include <cstdint>

#include "jit/stencils/stencil_abi.h"

extern "C" uint64_t tiercel_enter_generated_code(tiercel::CpuState *cpu, uint8_t *memoryBase,
                                                 tiercel::jit::GeneratedCode entry);
