// tiercel-prof: inspects the profiles tiercel-riscv64 writes with
// -profile FILE (format: docs/PROFILE-FORMAT.md).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "profiles/profile_format.h"
#include "tools/tiercel-prof/prof_common.h"

namespace {

constexpr const char *kHelp =
    R"(Usage: tiercel-prof COMMAND [options] FILE...

Inspects a profile written by `tiercel-riscv64 -profile FILE prog args`.

Commands:
  report FILE [--top N]
      Where guest time went: run summary (instructions per tier, translation
      time, flushes, invalidations), then the top N guest functions and the
      top N blocks by estimated guest instructions (default N = 20) with
      their share, tier and translation time. Functions are named from the
      guest ELF's symbol table (function+offset); blocks outside any symbol
      are shown by address.
  annotate FILE (--symbol NAME | --pc ADDR) [--no-host] [-M numeric]
      The guest disassembly of a function (--symbol) or of the blocks
      holding an address (--pc) with per-instruction execution counts,
      branch taken ratios and indirect-jump target histograms; under each
      guest instruction, the host (x86-64) code each tier generated for it.
  diff A B [--top N]
      Which functions gained or lost share of guest instructions from
      profile A to profile B, and the blocks whose tier decisions differ.
  export FILE --format FORMAT [-o OUT]
      Converts to pprof (gzipped protobuf), speedscope (JSON), chrome (trace
      events of translations and tier-ups), folded (FlameGraph stacks) or
      json (the whole profile, docs/PROFILE-JSON.md). Writes to stdout
      unless -o names a file.
  html FILE -o DIR
      Writes DIR/index.html: a self-contained report with plots (hot
      address ranges, tier timeline, compile latency histogram).

Options:
  -h, --help     this text
  --version      the version

Estimated guest instructions are block executions times block length;
the run's exact instruction count is in the report's header.
)";

} // namespace

int main(int argc, char **argv) {
  using namespace tiercel::prof;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usageError("no command given");
  const std::string command = args[0];
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("tiercel-prof %s (profile format %u.%u)\n", TIERCEL_VERSION,
                unsigned(tiercel::profiles::kProfileFormatVersion),
                unsigned(tiercel::profiles::kProfileFormatMinorVersion));
    return 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const std::string &arg : rest)
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
  if (command == "report")
    return runReport(rest);
  if (command == "annotate")
    return runAnnotate(rest);
  if (command == "diff")
    return runDiff(rest);
  if (command == "export")
    return runExport(rest);
  if (command == "html")
    return runHtml(rest);
  return usageError("unknown command '" + command +
                    "' (expected report, annotate, diff, export or html)");
}
