// Interpreter micro-benchmark: runs the riscv64 build of kernels.c (a flat
// image loaded at 0x10000) through the interpreter over a user-mode-like
// environment (guest address + base = host address), and the native build of
// the same kernels, and prints ns per guest instruction, MIPS and the
// slowdown against native. Usage: interpreter_microbench IMAGE [RUNS]
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "machine/interpreter/interpreter_impl.h"

extern "C" uint64_t runKernels(void);

namespace {

using namespace tiercel;

// A flat guest memory [0, kSize) with the user-mode addressing scheme.
struct BenchEnv {
  static constexpr uint64_t kSize = 64ull << 20;
  CpuState cpu{};
  std::unique_ptr<uint8_t[]> memory{new uint8_t[kSize]()};

  bool inRange(uint64_t addr, uint64_t size) const { return addr <= kSize - size; }
  bool fetchParcel(uint64_t addr, uint16_t &out) {
    if (!inRange(addr, 2)) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::InstructionAccessFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(&out, memory.get() + addr, 2);
    return true;
  }
  template <class T> bool load(uint64_t addr, T &out) {
    if (!inRange(addr, sizeof(T))) [[unlikely]] {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::LoadAccessFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(&out, memory.get() + addr, sizeof(T));
    return true;
  }
  template <class T> bool store(uint64_t addr, T value) {
    if (!inRange(addr, sizeof(T))) [[unlikely]] {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::StoreAccessFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(memory.get() + addr, &value, sizeof(T));
    return true;
  }
  template <class T> T *atomicPointer(uint64_t addr) {
    if (!inRange(addr, sizeof(T)) || addr % sizeof(T) != 0) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::StoreAccessFault);
      cpu.trapValue = addr;
      return nullptr;
    }
    return reinterpret_cast<T *>(memory.get() + addr);
  }
  bool csrRead(uint32_t, uint64_t &) { return false; }
  bool csrWrite(uint32_t, uint64_t) { return false; }
  bool fpEnabled() const { return true; }
  void markFpDirty() {}
  ExecStatus executeMret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeWfi(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSfenceVma(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
};
static_assert(SemanticsEnv<BenchEnv>);

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s IMAGE [RUNS]\n", argv[0]);
    return 2;
  }
  int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  FILE *file = std::fopen(argv[1], "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "error: cannot open guest image %s\n", argv[1]);
    return 1;
  }
  std::vector<uint8_t> image;
  uint8_t buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    image.insert(image.end(), buffer, buffer + n);
  std::fclose(file);
  constexpr uint64_t kLoadAddress = 0x10000;
  if (image.empty() || image.size() > BenchEnv::kSize / 2) {
    std::fprintf(stderr, "error: bad guest image size %zu\n", image.size());
    return 1;
  }

  std::vector<double> interpreted, native;
  uint64_t guestResult = 0, instructions = 0;
  for (int run = 0; run < runs; ++run) {
    auto env = std::make_unique<BenchEnv>();
    std::memcpy(env->memory.get() + kLoadAddress, image.data(), image.size());
    env->cpu.pc = kLoadAddress;
    env->cpu.x[2] = BenchEnv::kSize - 64; // sp
    Interpreter<BenchEnv> interpreter(*env);
    auto start = std::chrono::steady_clock::now();
    StopReason reason = interpreter.run();
    auto end = std::chrono::steady_clock::now();
    if (reason != StopReason::Trap ||
        env->cpu.trapCause != static_cast<uint64_t>(TrapCause::EcallFromU)) {
      std::fprintf(stderr, "error: guest stopped with cause %" PRIu64 " at pc 0x%" PRIx64 "\n",
                   env->cpu.trapCause, env->cpu.pc);
      return 1;
    }
    guestResult = env->cpu.x[10];
    instructions = interpreter.instructionsExecuted();
    interpreted.push_back(std::chrono::duration<double>(end - start).count());

    auto nativeStart = std::chrono::steady_clock::now();
    uint64_t nativeResult = runKernels();
    auto nativeEnd = std::chrono::steady_clock::now();
    native.push_back(std::chrono::duration<double>(nativeEnd - nativeStart).count());
    if (nativeResult != guestResult) {
      std::fprintf(stderr, "error: guest result 0x%" PRIx64 " != native 0x%" PRIx64 "\n",
                   guestResult, nativeResult);
      return 1;
    }
  }
  double interpretedSeconds = median(interpreted), nativeSeconds = median(native);
  std::printf("guest instructions   %" PRIu64 "\n", instructions);
  std::printf("interpreter          %.3f s (median of %d)\n", interpretedSeconds, runs);
  std::printf("ns per guest insn    %.2f\n",
              interpretedSeconds * 1e9 / static_cast<double>(instructions));
  std::printf("MIPS                 %.0f\n",
              static_cast<double>(instructions) / interpretedSeconds / 1e6);
  std::printf("native               %.4f s\n", nativeSeconds);
  std::printf("slowdown vs native   %.1fx\n", interpretedSeconds / nativeSeconds);
  return 0;
}
