// The generated-code side of the perf round trip (perf_roundtrip.sh): copies
// a small x86-64 loop into an executable mapping, logs it through JitDump
// with made-up guest pcs as line information, and runs it for about half a
// second so that perf samples land in it.
//
// Usage: jitdump_perf_program <dump directory>
#include "runtime/jitdump.h"

#include <sys/mman.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

// uint64_t loop(uint64_t n): counts n down to zero.
constexpr uint8_t kLoop[] = {
    0x48, 0x89, 0xf8,       // 0: mov rax, rdi    guest 0x10000
    0x48, 0x83, 0xe8, 0x01, // 3: sub rax, 1      guest 0x10004
    0x75, 0xfa,             // 7: jne 3           guest 0x10008
    0xc3,                   // 9: ret             guest 0x1000c
};
constexpr uint64_t kGuestPcs[] = {0x10000, 0x10004, 0x10008, 0x1000c};
constexpr size_t kOffsets[] = {0, 3, 7, 9};

// UBSan's -fsanitize=function (on in the sanitizer build) reads a type
// signature just before the callee; generated code has none.
__attribute__((no_sanitize("function"))) uint64_t callGenerated(void *code, uint64_t n) {
  return reinterpret_cast<uint64_t (*)(uint64_t)>(code)(n);
}

double seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <dump directory>\n", argv[0]);
    return 2;
  }
  auto dump = tiercel::JitDump::open(argv[1]);
  if (!dump) {
    std::fprintf(stderr, "%s\n", llvm::toString(dump.takeError()).c_str());
    return 1;
  }
  void *page =
      mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  auto *code = static_cast<uint8_t *>(page);
  std::memcpy(code, kLoop, sizeof(kLoop));
  tiercel::JitDump::LineEntry lines[4];
  for (size_t i = 0; i < 4; ++i)
    lines[i] = {code + kOffsets[i], kGuestPcs[i]};
  (*dump)->addCode(code, sizeof(kLoop), "tiercel:guest_loop:0x10000", lines,
                   "/guest/bin/guest.elf");
  std::printf("%s\n", (*dump)->path().c_str());

  double end = seconds() + 0.5;
  uint64_t total = 0;
  while (seconds() < end)
    total += callGenerated(page, 10000000);
  // The result keeps the calls from looking dead; it is always 0.
  return total == 0 ? 0 : 1;
}
