// The F and D extensions (ISA spec chapters 11 and 12): one exec<Name>
// function per F/D opcode of machine/isa/instructions.def.
//   fp_common.h   formats, NaN-boxing, rounding modes, fflags, MXCSR protocol
//   fp_soft.h     exact integer paths: RMM, conversions, roundPack
//   fp_fast.h     RNE fast path: exact flags by error-free transformations
//   fp_arith.h    add/sub/mul/div/sqrt/fma on host SSE + fix-ups
//   fp_convert.h  fcvt.*, fmv.*
//   fp_compare.h  fsgnj*, fmin/fmax, feq/flt/fle, fclass
//   fp_memory.h   flw/fsw/fld/fsd
#pragma once

#include "machine/semantics/fp_arith.h"
#include "machine/semantics/fp_compare.h"
#include "machine/semantics/fp_convert.h"
#include "machine/semantics/fp_memory.h"
