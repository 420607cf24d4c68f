// tiercel-prof export and html: other tools' formats and the browser report
// (profiles/export.h, profiles/html_report.h).
#include <cstdio>
#include <cstring>

#include "profiles/export.h"
#include "profiles/html_report.h"
#include "tools/tiercel-prof/prof_common.h"

namespace tiercel::prof {

int runExport(const std::vector<std::string> &args) {
  ParsedArgs parsed;
  std::string error;
  if (!parseArgs(args, {"--format", "-o"}, {}, parsed, error))
    return usageError("export: " + error);
  if (parsed.operands.size() != 1)
    return usageError("export: expected one profile FILE");
  const std::string *formatName = parsed.value("--format");
  if (formatName == nullptr)
    return usageError("export: --format is required (pprof, speedscope, chrome, folded, json)");
  auto format = profiles::parseExportFormat(*formatName);
  if (!format)
    return usageError("export: " + llvm::toString(format.takeError()));
  profiles::RunProfile profile;
  if (!loadProfile(parsed.operands[0], profile))
    return 1;
  auto bytes = profiles::exportProfile(profile, *format);
  if (!bytes)
    return failure("export: " + llvm::toString(bytes.takeError()));
  const std::string *output = parsed.value("-o");
  FILE *file = output ? std::fopen(output->c_str(), "wb") : stdout;
  if (file == nullptr)
    return failure("export: cannot write " + *output + ": " + std::strerror(errno));
  bool ok = std::fwrite(bytes->data(), 1, bytes->size(), file) == bytes->size();
  ok = (output ? std::fclose(file) : std::fflush(file)) == 0 && ok;
  if (!ok)
    return failure("export: cannot write " + (output ? *output : std::string("stdout")) + ": " +
                   std::strerror(errno));
  return 0;
}

int runHtml(const std::vector<std::string> &args) {
  ParsedArgs parsed;
  std::string error;
  if (!parseArgs(args, {"-o"}, {}, parsed, error))
    return usageError("html: " + error);
  if (parsed.operands.size() != 1)
    return usageError("html: expected one profile FILE");
  const std::string *directory = parsed.value("-o");
  if (directory == nullptr)
    return usageError("html: -o DIR is required");
  profiles::RunProfile profile;
  if (!loadProfile(parsed.operands[0], profile))
    return 1;
  if (llvm::Error error = profiles::writeHtmlReport(profile, *directory))
    return failure("html: " + llvm::toString(std::move(error)));
  std::printf("wrote %s/index.html\n", directory->c_str());
  return 0;
}

} // namespace tiercel::prof
