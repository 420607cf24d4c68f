// tiercel-fuzz-gen: writes a random riscv64 test program for differential
// fuzzing of Tiercel's tiers (tests/fuzz/run_fuzz.py runs it everywhere and
// compares the outputs).
//
//   tiercel-fuzz-gen --seed N --length L --out prog.elf [--listing FILE|-]
//                    [--exclude MNEMONIC,...]
//
// The program sets every register to special or random values, runs at
// least L random valid RV64GC+Zba/Zbb/Zbs instructions (forward branches,
// jumps, bounded loops, every memory width, atomics, every F/D operation
// and rounding mode), then prints its registers, fcsr and its scratch
// buffer and exits with status 0. The same seed and length always give the
// same file. program.h documents the layout; --listing writes one line per
// instruction with the items annotated (the reproduction aid). --exclude
// keeps instructions out of the body by mnemonic (as the disassembler
// names the 32-bit form: "ctzw", "fmadd.d"); every other item stays the same.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fuzz/program.h"

namespace {

constexpr unsigned kMaxLength = 1000000;

[[noreturn]] void usage(const char *message) {
  if (message)
    std::fprintf(stderr, "tiercel-fuzz-gen: %s\n", message);
  std::fprintf(stderr, "usage: tiercel-fuzz-gen --seed N --length L --out FILE [--listing FILE|-]\n"
                       "                        [--exclude MNEMONIC,...]\n");
  std::exit(message ? 1 : 0);
}

bool parseNumber(const std::string &text, unsigned long long &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  value = std::strtoull(text.c_str(), &end, 0);
  return errno == 0 && *end == '\0' && text[0] != '-';
}

bool writeFile(const std::string &path, const void *bytes, size_t size, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return false;
  const char *p = static_cast<const char *>(bytes);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  // The program is executed right after: make the mode stick even when the
  // file existed with other permissions.
  ::fchmod(fd, mode);
  return ::close(fd) == 0;
}

// Parses a comma-separated --exclude list into `set`; false after
// reporting an unknown mnemonic.
bool parseExcluded(const std::string &list, tiercel::fuzz::OpcodeSet &set) {
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos)
      end = list.size();
    std::string name = list.substr(start, end - start);
    start = end + 1;
    if (name.empty())
      continue;
    bool found = false;
    for (size_t op = 0; op + 1 < tiercel::kOpcodeCount; ++op) {
      if (tiercel::kInstructionSpecs[op].mnemonic == name) {
        set.set(op);
        found = true;
      }
    }
    if (!found) {
      std::fprintf(stderr, "tiercel-fuzz-gen: --exclude: unknown mnemonic '%s'\n", name.c_str());
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::string seedText, lengthText, out, listing, exclude;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    auto take = [&](const char *name, std::string &slot) {
      std::string prefix = std::string(name) + "=";
      if (arg == name) {
        if (i + 1 >= argc)
          usage((std::string(name) + " needs an argument").c_str());
        slot = argv[++i];
        return true;
      }
      if (arg.rfind(prefix, 0) == 0) {
        slot = arg.substr(prefix.size());
        return true;
      }
      return false;
    };
    if (arg == "--help" || arg == "-h")
      usage(nullptr);
    if (take("--seed", seedText) || take("--length", lengthText) || take("--out", out) ||
        take("--listing", listing) || take("--exclude", exclude))
      continue;
    usage(("unknown argument '" + arg + "'").c_str());
  }
  unsigned long long seed = 0, length = 0;
  if (!parseNumber(seedText, seed))
    usage("--seed needs a non-negative integer");
  if (!parseNumber(lengthText, length) || length == 0 || length > kMaxLength)
    usage("--length needs an integer in 1..1000000");
  if (out.empty())
    usage("--out is required");

  tiercel::fuzz::OpcodeSet excluded;
  if (!parseExcluded(exclude, excluded))
    return 1;

  tiercel::fuzz::GeneratedProgram program =
      tiercel::fuzz::generateProgram(seed, static_cast<unsigned>(length), excluded);
  std::vector<uint8_t> elf = tiercel::fuzz::buildElf(program);
  if (!writeFile(out, elf.data(), elf.size(), 0755)) {
    std::fprintf(stderr, "tiercel-fuzz-gen: cannot write %s: %s\n", out.c_str(),
                 std::strerror(errno));
    return 1;
  }
  if (listing == "-") {
    std::fwrite(program.listing.data(), 1, program.listing.size(), stdout);
  } else if (!listing.empty() &&
             !writeFile(listing, program.listing.data(), program.listing.size(), 0644)) {
    std::fprintf(stderr, "tiercel-fuzz-gen: cannot write %s: %s\n", listing.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
