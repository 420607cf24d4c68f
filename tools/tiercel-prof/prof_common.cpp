// Shared pieces of tiercel-prof (see prof_common.h).
#include "tools/tiercel-prof/prof_common.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <tuple>

namespace tiercel::prof {

FunctionKey functionOf(const profiles::RunProfile &profile, uint64_t pc) {
  for (const profiles::GuestImage &image : profile.images) {
    if (pc < image.start || pc >= image.end)
      continue;
    if (const profiles::Symbol *symbol = profiles::findFunctionSymbol(image, pc)) {
      // A size-0 symbol reaches up to the next one, or the image's end.
      const profiles::Symbol *next = symbol + 1;
      uint64_t end = symbol->size != 0                              ? symbol->address + symbol->size
                     : next != image.symbols.data() + image.symbols.size() ? next->address
                                                                         : image.end;
      return {symbol->name, symbol->address, end, baseName(image.path)};
    }
    return {hex(pc), pc, 0, baseName(image.path)};
  }
  return {hex(pc), pc, 0, ""};
}

std::vector<FunctionTotals> functionTotals(const profiles::RunProfile &profile) {
  std::map<std::pair<std::string, uint64_t>, FunctionTotals> byFunction;
  for (const profiles::BlockProfile &block : profile.blocks) {
    FunctionKey key = functionOf(profile, block.startPc);
    FunctionTotals &totals = byFunction[{key.image + ":" + key.name, key.start}];
    if (totals.blocks == 0)
      totals.key = key;
    totals.instructions += block.estimatedInstructions();
    totals.executions += block.executions;
    totals.compileNs += block.compileNs;
    totals.tierMask |= 1u << static_cast<unsigned>(block.tier);
    ++totals.blocks;
  }
  std::vector<FunctionTotals> result;
  for (auto &[name, totals] : byFunction)
    result.push_back(std::move(totals));
  std::sort(result.begin(), result.end(), [](const FunctionTotals &a, const FunctionTotals &b) {
    if (a.instructions != b.instructions)
      return a.instructions > b.instructions;
    return std::tie(a.key.start, a.key.name) < std::tie(b.key.start, b.key.name);
  });
  return result;
}

std::string tierMaskNames(uint32_t mask) {
  std::string names;
  for (unsigned tier = 0; tier < profiles::kTierCount; ++tier)
    if (mask & (1u << tier)) {
      if (!names.empty())
        names += '+';
      names += profiles::tierName(static_cast<profiles::TierId>(tier));
    }
  return names.empty() ? "-" : names;
}

std::string withCommas(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string result;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      result += ',';
    result += digits[i];
  }
  return result;
}

std::string percent(uint64_t part, uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", whole ? 100.0 * double(part) / double(whole) : 0.0);
  return text;
}

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%" PRIx64, value);
  return text;
}

std::string duration(uint64_t nanoseconds) {
  char text[32];
  if (nanoseconds < 10'000)
    std::snprintf(text, sizeof text, "%" PRIu64 " ns", nanoseconds);
  else if (nanoseconds < 10'000'000)
    std::snprintf(text, sizeof text, "%.1f us", double(nanoseconds) / 1e3);
  else if (nanoseconds < 10'000'000'000)
    std::snprintf(text, sizeof text, "%.1f ms", double(nanoseconds) / 1e6);
  else
    std::snprintf(text, sizeof text, "%.2f s", double(nanoseconds) / 1e9);
  return text;
}

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int usageError(const std::string &message) {
  std::fprintf(stderr, "tiercel-prof: %s\nTry 'tiercel-prof --help' for more information.\n",
               message.c_str());
  return 2;
}

int failure(const std::string &message) {
  std::fprintf(stderr, "tiercel-prof: %s\n", message.c_str());
  return 1;
}

} // namespace tiercel::prof

namespace tiercel::prof {

const std::string *ParsedArgs::value(const std::string &name) const {
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    if (it->first == name)
      return &it->second;
  return nullptr;
}

bool ParsedArgs::flag(const std::string &name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

bool parseArgs(const std::vector<std::string> &args, const std::vector<std::string> &valued,
               const std::vector<std::string> &flags, ParsedArgs &parsed, std::string &error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.operands.push_back(arg);
      continue;
    }
    std::string name = arg, value;
    size_t equals = arg.find('=');
    bool inlineValue = equals != std::string::npos;
    if (inlineValue) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (!inlineValue) {
        if (i + 1 == args.size()) {
          error = "option " + name + " needs a value";
          return false;
        }
        value = args[++i];
      }
      parsed.values.emplace_back(name, value);
    } else if (std::find(flags.begin(), flags.end(), name) != flags.end() && !inlineValue) {
      parsed.flags.push_back(name);
    } else {
      error = "unknown option '" + arg + "'";
      return false;
    }
  }
  return true;
}

bool parseCount(const std::string &text, uint64_t &value, std::string &error) {
  char *end = nullptr;
  errno = 0;
  unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || parsed == 0 || text[0] == '-') {
    error = "'" + text + "' is not a positive count";
    return false;
  }
  value = parsed;
  return true;
}

bool parseAddress(const std::string &text, uint64_t &value) {
  if (text.empty() || text[0] == '-')
    return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long parsed = std::strtoull(text.c_str(), &end, 0);
  if (*end != '\0' || errno != 0)
    return false;
  value = parsed;
  return true;
}

} // namespace tiercel::prof

#include "profiles/profile_format.h"

namespace tiercel::prof {

bool loadProfile(const std::string &path, profiles::RunProfile &profile) {
  auto read = profiles::readProfileFile(path);
  if (!read) {
    failure(llvm::toString(read.takeError()));
    return false;
  }
  profile = std::move(*read);
  return true;
}

} // namespace tiercel::prof
