// Host disassembler tests: known x86-64 encodings and their Capstone text
// (cross-checked against GNU objdump and llvm-objdump -M intel), the
// out_asm-style block format, and that undecodable bytes are reported.
#include "jit/host_disassembler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tiercel::jit {
namespace {

std::unique_ptr<HostDisassembler> makeDisassembler(bool att = false) {
  auto disassembler = HostDisassembler::create(att);
  if (!disassembler) {
    ADD_FAILURE() << llvm::toString(disassembler.takeError());
    return nullptr;
  }
  return std::move(*disassembler);
}

struct Case {
  std::vector<uint8_t> bytes;
  uint64_t address;
  const char *text;
};

TEST(HostDisassembler, KnownEncodingsIntel) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  const Case cases[] = {
      {{0x48, 0x89, 0xc8}, 0x1000, "mov rax, rcx"},
      {{0x41, 0xff, 0x24, 0x24}, 0x1000, "jmp qword ptr [r12]"},
      {{0x49, 0x8b, 0x44, 0x24, 0x08}, 0x1000, "mov rax, qword ptr [r12 + 8]"},
      // rip-relative: shown relative to rip, as QEMU's out_asm does.
      {{0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}, 0x1000, "mov rax, qword ptr [rip + 0x10]"},
      // rel32 jumps: target = address + 5 + rel32, forwards and backwards.
      {{0xe9, 0xfb, 0x0f, 0x00, 0x00}, 0x1000, "jmp 0x2000"},
      {{0xe9, 0xf6, 0xff, 0xff, 0xff}, 0x7f0000401000, "jmp 0x7f0000400ffb"},
      // rel32 call and a rel8 conditional branch.
      {{0xe8, 0x00, 0x01, 0x00, 0x00}, 0x10, "call 0x115"},
      {{0x75, 0xfe}, 0x500, "jne 0x500"},
      {{0xc3}, 0x0, "ret"},
  };
  for (const Case &c : cases) {
    size_t undecoded = 99;
    std::vector<HostInstruction> insns =
        dis->disassemble(c.bytes.data(), c.bytes.size(), c.address, &undecoded);
    ASSERT_EQ(insns.size(), 1u) << c.text;
    EXPECT_EQ(insns[0].text, c.text);
    EXPECT_EQ(insns[0].address, c.address) << c.text;
    EXPECT_EQ(insns[0].size, c.bytes.size()) << c.text;
    EXPECT_EQ(undecoded, 0u) << c.text;
  }
}

TEST(HostDisassembler, SequenceAddressesAdvance) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  const uint8_t code[] = {0x48, 0x89, 0xc8,              // mov rax, rcx
                          0x41, 0xff, 0x24, 0x24,        // jmp [r12]
                          0xe9, 0x00, 0x00, 0x00, 0x00}; // jmp next
  std::vector<HostInstruction> insns = dis->disassemble(code, sizeof(code), 0x2000);
  ASSERT_EQ(insns.size(), 3u);
  EXPECT_EQ(insns[0].address, 0x2000u);
  EXPECT_EQ(insns[1].address, 0x2003u);
  EXPECT_EQ(insns[2].address, 0x2007u);
  EXPECT_EQ(insns[1].size, 4u);
  EXPECT_EQ(insns[2].text, "jmp 0x200c");
}

TEST(HostDisassembler, AttSyntax) {
  auto dis = makeDisassembler(/*att=*/true);
  ASSERT_TRUE(dis);
  const uint8_t mov[] = {0x48, 0x89, 0xc8};
  std::vector<HostInstruction> insns = dis->disassemble(mov, sizeof(mov), 0);
  ASSERT_EQ(insns.size(), 1u);
  EXPECT_EQ(insns[0].text, "movq %rcx, %rax");
}

TEST(HostDisassembler, CountInstructions) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  // push rbp; mov rbp, rsp; movabs rax, imm64; nop dword ptr [rax]; pop rbp; ret
  const uint8_t code[] = {0x55, 0x48, 0x89, 0xe5, 0x48, 0xb8, 1,    2,    3,    4,
                          5,    6,    7,    8,    0x0f, 0x1f, 0x40, 0x00, 0x5d, 0xc3};
  size_t undecoded = 99;
  EXPECT_EQ(dis->countInstructions(code, sizeof(code), &undecoded), 6u);
  EXPECT_EQ(undecoded, 0u);
  // Agrees with disassemble() on every prefix that ends on a boundary.
  EXPECT_EQ(dis->countInstructions(code, 4), 2u);
  EXPECT_EQ(dis->disassemble(code, sizeof(code), 0).size(), 6u);
}

TEST(HostDisassembler, SizeZero) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  const uint8_t byte = 0xc3;
  size_t undecoded = 99;
  EXPECT_TRUE(dis->disassemble(&byte, 0, 0x1000, &undecoded).empty());
  EXPECT_EQ(undecoded, 0u);
  EXPECT_EQ(dis->countInstructions(&byte, 0), 0u);
  EXPECT_EQ(dis->formatBlock(&byte, 0, 0x1000), "");
  EXPECT_EQ(dis->formatBlock(nullptr, 0, 0x1000), "");
}

TEST(HostDisassembler, UndecodableBytesAreReported) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  // mov rax, rcx; 0x06 (push es, invalid in 64-bit mode); ret
  const uint8_t code[] = {0x48, 0x89, 0xc8, 0x06, 0xc3};
  size_t undecoded = 0;
  std::vector<HostInstruction> insns = dis->disassemble(code, sizeof(code), 0x1000, &undecoded);
  ASSERT_EQ(insns.size(), 1u);
  EXPECT_EQ(insns[0].text, "mov rax, rcx");
  EXPECT_EQ(undecoded, 2u);
  undecoded = 0;
  EXPECT_EQ(dis->countInstructions(code, sizeof(code), &undecoded), 1u);
  EXPECT_EQ(undecoded, 2u);
  EXPECT_EQ(dis->formatBlock(code, sizeof(code), 0x1000),
            "0x0000000000001000:  mov    rax, rcx\n"
            "  ** 2 bytes not decoded at 0x0000000000001003: 06 c3\n");
}

TEST(HostDisassembler, TruncatedInstructionIsReported) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  // ret; then the first two bytes of a 7-byte rip-relative load.
  const uint8_t code[] = {0xc3, 0x48, 0x8b};
  size_t undecoded = 0;
  EXPECT_EQ(dis->disassemble(code, sizeof(code), 0, &undecoded).size(), 1u);
  EXPECT_EQ(undecoded, 2u);
  EXPECT_EQ(dis->formatBlock(code, sizeof(code), 0x40),
            "0x0000000000000040:  ret\n"
            "  ** 2 bytes not decoded at 0x0000000000000041: 48 8b\n");
}

TEST(HostDisassembler, LongUndecodedRunIsElided) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  std::vector<uint8_t> code(20, 0x06);
  EXPECT_EQ(dis->formatBlock(code.data(), code.size(), 0x10),
            "  ** 20 bytes not decoded at 0x0000000000000010: 06 06 06 06 06 06 06 06 06 06 06 "
            "06 06 06 06 06 ...\n");
}

TEST(HostDisassembler, FormatBlockLines) {
  auto dis = makeDisassembler();
  ASSERT_TRUE(dis);
  const uint8_t code[] = {0x48, 0x89, 0xc8,       // mov rax, rcx
                          0x41, 0xff, 0x24, 0x24, // jmp qword ptr [r12]
                          0x48, 0x8b, 0x05, 0x10, 0x00, 0x00,
                          0x00, 0xe9, 0xfb, 0x0f, 0x00, 0x00, // jmp rel32
                          0xc3};
  EXPECT_EQ(dis->formatBlock(code, sizeof(code), 0x7f1234560000),
            "0x00007f1234560000:  mov    rax, rcx\n"
            "0x00007f1234560003:  jmp    qword ptr [r12]\n"
            "0x00007f1234560007:  mov    rax, qword ptr [rip + 0x10]\n"
            "0x00007f123456000e:  jmp    0x7f123456100e\n"
            "0x00007f1234560013:  ret\n");
}

} // namespace
} // namespace tiercel::jit
