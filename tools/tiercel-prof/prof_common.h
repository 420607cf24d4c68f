// Shared pieces of tiercel-prof's commands: grouping blocks into guest
// functions, number formatting and the command entry points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "profiles/profile.h"

namespace tiercel::prof {

// The function a block belongs to: its ELF symbol, or the block itself
// when no image has a symbol for it.
struct FunctionKey {
  std::string name;  // "sieve_run", or "0x10a4c" without a symbol
  uint64_t start = 0; // the symbol's address, or the block's pc
  uint64_t end = 0;   // the symbol's end (0 when unknown)
  std::string image; // file name of the image, "" when none holds it
};
FunctionKey functionOf(const profiles::RunProfile &profile, uint64_t pc);

// A function's totals over its blocks.
struct FunctionTotals {
  FunctionKey key;
  uint64_t instructions = 0; // estimated
  uint64_t executions = 0;   // block runs
  uint64_t blocks = 0;
  uint64_t compileNs = 0;
  uint32_t tierMask = 0; // bit per profiles::TierId
};
// Every function with a block, most instructions first.
std::vector<FunctionTotals> functionTotals(const profiles::RunProfile &profile);
using profiles::totalEstimatedInstructions;

std::string tierMaskNames(uint32_t mask); // "baseline", "baseline+optimized"
std::string withCommas(uint64_t value);   // 1,234,567
std::string percent(uint64_t part, uint64_t whole); // "12.3%"
std::string hex(uint64_t value);          // 0x10a4c
std::string duration(uint64_t nanoseconds); // "12.3 ms"
std::string baseName(const std::string &path);

// The commands. `args` are the command's own arguments; the return value
// is the exit status. Errors go to stderr as "tiercel-prof: ...".
int runReport(const std::vector<std::string> &args);
int runAnnotate(const std::vector<std::string> &args);
int runDiff(const std::vector<std::string> &args);
int runExport(const std::vector<std::string> &args);
int runHtml(const std::vector<std::string> &args);

// Prints "tiercel-prof: <message>" and the --help hint; returns 2 (usage) or 1.
int usageError(const std::string &message);
int failure(const std::string &message);

} // namespace tiercel::prof

namespace tiercel::prof {

// A command's arguments: FILE operands and options. `valued` lists the
// options that take a value ("--top", "-o"), given as "--top 5" or
// "--top=5"; `flags` those that do not. Anything else is an error.
struct ParsedArgs {
  std::vector<std::string> operands;
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::string> flags;
  const std::string *value(const std::string &name) const; // the last one given
  bool flag(const std::string &name) const;
};
bool parseArgs(const std::vector<std::string> &args, const std::vector<std::string> &valued,
               const std::vector<std::string> &flags, ParsedArgs &parsed, std::string &error);
// A count option: "--top 20"; false (with `error`) if not a positive number.
bool parseCount(const std::string &text, uint64_t &value, std::string &error);
// An address: "0x10a4c" or decimal.
bool parseAddress(const std::string &text, uint64_t &value);

} // namespace tiercel::prof

namespace tiercel::prof {
// Reads a profile; on error prints "tiercel-prof: <path>: <why>" and returns false.
bool loadProfile(const std::string &path, profiles::RunProfile &profile);
} // namespace tiercel::prof
