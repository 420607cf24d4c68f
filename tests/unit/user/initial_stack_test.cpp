// The initial stack: argc, argv, envp and auxv at a 16-byte aligned sp,
// strings above in Linux's order, AT_RANDOM bytes and AT_EXECFN, and the
// size limit on arguments.
#include "runtime/user/initial_stack.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "runtime/user/address_space.h"

namespace tiercel::user {
namespace {

constexpr uint64_t kStackTop = uint64_t{1} << 38;
constexpr uint64_t kStackSize = 8 << 20;

struct Fixture {
  std::unique_ptr<AddressSpace> space;
  Fixture() {
    auto created = AddressSpace::create();
    EXPECT_TRUE(bool(created));
    space = std::move(*created);
    EXPECT_TRUE(
        space->mapFixedAnonymous(kStackTop - kStackSize, kStackSize, kProtRead | kProtWrite));
  }
  uint64_t word(uint64_t address) {
    uint64_t value;
    std::memcpy(&value, space->hostPointer(address), 8);
    return value;
  }
  std::string string(uint64_t address) {
    return reinterpret_cast<char *>(space->hostPointer(address));
  }
};

TEST(InitialStack, LayoutMatchesLinux) {
  Fixture f;
  StackInputs inputs;
  inputs.argv = {"prog", "one", "two words"};
  inputs.envp = {"A=1", "HOME=/root"};
  inputs.execfn = "./prog";
  inputs.phdr = 0x10040;
  inputs.phnum = 9;
  inputs.base = 0x3ff0000000;
  inputs.entry = 0x10500;
  inputs.hwcap = riscvHwcap(true);
  for (int i = 0; i < 16; ++i)
    inputs.random[i] = uint8_t(i * 7 + 1);
  auto stack = buildInitialStack(*f.space, kStackTop, kStackSize, inputs);
  ASSERT_TRUE(bool(stack)) << llvm::toString(stack.takeError());
  uint64_t sp = stack->sp;
  EXPECT_EQ(sp % 16, 0u);
  EXPECT_EQ(f.word(sp), 3u); // argc
  EXPECT_EQ(stack->argvAddress, sp + 8);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(f.string(f.word(sp + 8 + 8 * i)), inputs.argv[i]);
  EXPECT_EQ(f.word(sp + 8 + 24), 0u);
  uint64_t envp = sp + 8 + 32;
  EXPECT_EQ(stack->envpAddress, envp);
  EXPECT_EQ(f.string(f.word(envp)), "A=1");
  EXPECT_EQ(f.string(f.word(envp + 8)), "HOME=/root");
  EXPECT_EQ(f.word(envp + 16), 0u);
  // argv strings are contiguous and ascending, envp strings above them.
  EXPECT_EQ(f.word(sp + 16), f.word(sp + 8) + 5);
  EXPECT_GT(f.word(envp), f.word(sp + 24));

  std::map<uint64_t, uint64_t> auxv;
  uint64_t cursor = stack->auxvAddress;
  EXPECT_EQ(cursor, envp + 24);
  for (;; cursor += 16) {
    uint64_t key = f.word(cursor);
    auxv[key] = f.word(cursor + 8);
    if (key == kAtNull)
      break;
  }
  EXPECT_EQ(auxv[kAtPhdr], 0x10040u);
  EXPECT_EQ(auxv[kAtPhent], 56u);
  EXPECT_EQ(auxv[kAtPhnum], 9u);
  EXPECT_EQ(auxv[kAtPagesz], 4096u);
  EXPECT_EQ(auxv[kAtBase], 0x3ff0000000u);
  EXPECT_EQ(auxv[kAtEntry], 0x10500u);
  EXPECT_EQ(auxv[kAtFlags], 0u);
  EXPECT_EQ(auxv[kAtUid], getuid());
  EXPECT_EQ(auxv[kAtEgid], getegid());
  EXPECT_EQ(auxv[kAtSecure], 0u);
  EXPECT_EQ(auxv[kAtClktck], 100u);
  // IMAFDC: bits 'i'-'a', 'm'-'a', 'a'-'a', 'f'-'a', 'd'-'a', 'c'-'a'.
  EXPECT_EQ(auxv[kAtHwcap], (1u << 8) | (1u << 12) | (1u << 0) | (1u << 5) | (1u << 3) | (1u << 2));
  EXPECT_EQ(stack->randomAddress, auxv[kAtRandom]);
  EXPECT_EQ(std::memcmp(f.space->hostPointer(auxv[kAtRandom]), inputs.random, 16), 0);
  EXPECT_EQ(f.string(auxv[kAtExecfn]), "./prog");
  // The end marker and the executable name sit at the very top.
  EXPECT_EQ(f.word(kStackTop - 8), 0u);
  EXPECT_EQ(auxv[kAtExecfn] + 7, kStackTop - 8);
}

TEST(InitialStack, HwcapWithoutCompressed) {
  EXPECT_EQ(riscvHwcap(false) & hwcapLetter('c'), 0u);
  EXPECT_NE(riscvHwcap(true) & hwcapLetter('c'), 0u);
}

TEST(InitialStack, TooManyArgumentsIsAnError) {
  Fixture f;
  StackInputs inputs;
  inputs.argv = {"prog", std::string(3 << 20, 'x')};
  inputs.execfn = "prog";
  auto stack = buildInitialStack(*f.space, kStackTop, kStackSize, inputs);
  ASSERT_FALSE(bool(stack));
  EXPECT_NE(llvm::toString(stack.takeError()).find("argument list too long"), std::string::npos);
}

} // namespace
} // namespace tiercel::user
