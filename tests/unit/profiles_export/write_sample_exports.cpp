// Writes the sample profiles (sample_profile.h) in every export format and as
// an HTML report, for the Python validators and the headless Chromium check:
//   OUT/<rich|empty>/{profile.pb.gz, speedscope.json, chrome.json, folded.txt,
//                     profile.json, html/index.html, manifest.json}
// manifest.json is what the validators compare against, computed here from
// the RunProfile directly (not through the exporters).
#include <cstdio>
#include <string>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "profiles/export.h"
#include "profiles/html_report.h"
#include "profiles_export/sample_profile.h"

namespace {

using namespace tiercel;

std::string hex(const std::vector<uint8_t> &bytes) {
  std::string text;
  char pair[3];
  for (uint8_t byte : bytes) {
    std::snprintf(pair, sizeof pair, "%02x", byte);
    text += pair;
  }
  return text;
}

llvm::json::Value manifest(const profiles::RunProfile &profile) {
  uint64_t instructions = 0, executions = 0, nonzero = 0;
  llvm::json::Array blocks;
  for (const profiles::BlockProfile &block : profile.blocks) {
    instructions += block.executions * block.instructionCount;
    executions += block.executions;
    nonzero += block.executions * block.instructionCount != 0;
    blocks.push_back(llvm::json::Object{
        {"startPc", block.startPc},
        {"endPc", block.endPc},
        {"codeHash", block.codeHash},
        {"tier", profiles::tierName(block.tier)},
        {"instructionCount", block.instructionCount},
        {"executions", block.executions},
        {"translations", block.translations},
        {"compileNs", block.compileNs},
        {"guestCode", hex(block.guestCode)},
        {"hostCode", hex(block.hostCode)},
        {"edgeCount", static_cast<int64_t>(block.edges.size())},
        {"indirectTargetCount", static_cast<int64_t>(block.indirectTargets.size())},
    });
  }
  static const char *const kindNames[] = {"translate", "tier-up", "invalidate", "flush"};
  llvm::json::Array events;
  for (const profiles::Event &event : profile.events)
    events.push_back(llvm::json::Object{
        {"kind", kindNames[static_cast<unsigned>(event.kind) & 3]},
        {"tier", profiles::tierName(event.tier)},
        {"timeNs", event.timeNs},
        {"durationNs", event.durationNs},
        {"pc", event.pc},
        {"length", event.length},
    });
  llvm::json::Array images, commandLine;
  for (const profiles::GuestImage &image : profile.images)
    images.push_back(
        llvm::json::Object{{"path", image.path},
                           {"start", image.start},
                           {"end", image.end},
                           {"symbolCount", static_cast<int64_t>(image.symbols.size())}});
  for (const std::string &argument : profile.commandLine)
    commandLine.push_back(argument);
  return llvm::json::Object{
      {"tiercelVersion", profile.tiercelVersion},
      {"commandLine", std::move(commandLine)},
      {"startUnixNs", profile.startUnixNs},
      {"durationNs", profile.durationNs},
      {"complete", profile.complete},
      {"exitStatus", profile.exitStatus},
      {"guestInstructions", profile.guestInstructions},
      {"eventsDropped", profile.eventsDropped},
      {"totalInstructions", instructions},
      {"totalExecutions", executions},
      {"blockCount", static_cast<int64_t>(profile.blocks.size())},
      {"nonzeroBlockCount", nonzero},
      {"images", std::move(images)},
      {"blocks", std::move(blocks)},
      {"events", std::move(events)},
      {"hostileSymbol", profile.blocks.empty() ? "" : test::kHostileSymbol},
      {"hostileArgument", profile.commandLine.empty() ? "" : test::kHostileArgument},
  };
}

bool writeFile(const std::string &path, llvm::StringRef bytes) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (!error) {
    out << bytes;
    out.close();
    error = out.error();
  }
  if (error)
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), error.message().c_str());
  return !error;
}

bool writeAll(const profiles::RunProfile &profile, const std::string &directory) {
  if (std::error_code error = llvm::sys::fs::create_directories(directory)) {
    std::fprintf(stderr, "cannot create %s: %s\n", directory.c_str(), error.message().c_str());
    return false;
  }
  struct Output {
    profiles::ExportFormat format;
    const char *file;
  };
  static const Output outputs[] = {
      {profiles::ExportFormat::Pprof, "profile.pb.gz"},
      {profiles::ExportFormat::Speedscope, "speedscope.json"},
      {profiles::ExportFormat::Chrome, "chrome.json"},
      {profiles::ExportFormat::Folded, "folded.txt"},
      {profiles::ExportFormat::Json, "profile.json"},
  };
  for (const Output &output : outputs) {
    llvm::Expected<std::vector<uint8_t>> bytes = profiles::exportProfile(profile, output.format);
    if (!bytes) {
      std::fprintf(stderr, "export %s: %s\n", profiles::exportFormatName(output.format),
                   llvm::toString(bytes.takeError()).c_str());
      return false;
    }
    llvm::StringRef text(reinterpret_cast<const char *>(bytes->data()), bytes->size());
    if (!writeFile(directory + "/" + output.file, text))
      return false;
  }
  if (llvm::Error error = profiles::writeHtmlReport(profile, directory + "/html")) {
    std::fprintf(stderr, "html report: %s\n", llvm::toString(std::move(error)).c_str());
    return false;
  }
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::formatv("{0:2}", manifest(profile)) << "\n";
  return writeFile(directory + "/manifest.json", text);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIRECTORY\n", argv[0]);
    return 2;
  }
  std::string root = argv[1];
  bool ok = writeAll(test::makeRichProfile(), root + "/rich") &&
            writeAll(test::makeEmptyProfile(), root + "/empty");
  return ok ? 0 : 1;
}
