// Exporters of a RunProfile to formats other tools read: pprof (gzipped
// protobuf), speedscope JSON, Chrome trace events, FlameGraph folded stacks
// and a complete JSON rendering (docs/PROFILE-JSON.md). Used by
// `tiercel-prof export`; the HTML report is profiles/html_report.h.
//
// A profile has no call stacks, so every exporter that wants a stack uses the
// same three frames per block, root first:
//   image    the file name of the GuestImage holding the block ("[unknown]")
//   function the ELF function symbol holding startPc, or "0x<startPc>"
//   block    "0x<startPc> [tier]"
// and weighs it by BlockProfile::estimatedInstructions() (pprof also carries
// executions as a second sample value).
//
//   pprof       perftools.profiles.Profile, gzipped: a sample per block (stack
//               [block, function, image] locations, values instructions and
//               executions, label "tier"), a mapping per image.
//   speedscope  speedscope's file format, one "sampled" profile
//               "guest instructions (estimated)", unit "none".
//   chrome      Trace Event Format: translations and tier-ups as complete
//               events on a thread per tier, invalidations and flushes as
//               instant events on a "code cache" thread; ts/dur in us.
//   folded      FlameGraph folded stacks "image;function;block count", sorted;
//               ';', ' ' and control characters in names become '_'.
//   json        every field of the profile: docs/PROFILE-JSON.md.
#pragma once

#include <cstdint>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include "profiles/profile.h"

namespace tiercel::profiles {

enum class ExportFormat { Pprof, Speedscope, Chrome, Folded, Json };

// "pprof", "speedscope", "chrome", "folded" or "json"; the error lists the
// valid names.
llvm::Expected<ExportFormat> parseExportFormat(llvm::StringRef name);
const char *exportFormatName(ExportFormat format);

// The exported bytes (pprof: gzip-compressed protobuf; the others: UTF-8
// text ending in a newline).
llvm::Expected<std::vector<uint8_t>> exportProfile(const RunProfile &profile, ExportFormat format);

} // namespace tiercel::profiles
