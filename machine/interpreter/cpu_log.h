// Text dump of a hart's architectural state, for -d cpu.
#pragma once

#include <cstdio>

#include "machine/cpu_state.h"

namespace tiercel {

// All integer and FP registers, pc, privilege, fflags/frm and instret.
// The FP registers only `withFloat` (-d fpu; the lockstep report always).
void logCpuState(FILE *log, const CpuState &cpu, bool withFloat = true);

} // namespace tiercel
