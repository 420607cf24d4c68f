// The golden count of host instructions tier 1 emits per guest instruction
// (model: FEX's InstructionCountCI): a change in the semantics, the stencil
// source or the compiler that makes a stencil longer shows up here, and in
// review as a diff of host_instructions.golden.
//
// To accept new counts: TIERCEL_UPDATE_GOLDEN=1 ./stencil_golden_test
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "jit/host_disassembler.h"
#include "jit/stencil_set.h"

namespace tiercel::jit {
namespace {

const char *const kVariantNames[] = {"plain", "rd!=0", "rd=0", "rne", "dyn", "counted", "rs1=0"};
const char *const kSpecialNames[] = {"BlockEntry", "ExitRequestStub", "Jump", "JumpCounted",
                                     "ExitStub",   "Indirect",          "IndirectCounted",
                                     "CallSemantics"};

std::string goldenPath() { return std::string(TIERCEL_SOURCE_DIR) + "/tests/unit/jit_stencils/host_instructions.golden"; }

// One line per stencil: name, variant, host instructions, bytes (the tail
// jump to the next stencil excluded: the translator drops it), and what the
// reload elision may use: "store" when it ends by storing a guest register
// (StencilCode::endStore), "load" when its first load can be skipped
// (beginLoad), "-" for neither.
std::string currentCounts() {
  auto disassembler = HostDisassembler::create();
  EXPECT_TRUE(static_cast<bool>(disassembler));
  if (!disassembler) {
    llvm::consumeError(disassembler.takeError());
    return "";
  }
  std::ostringstream out;
  out << "# stencil variant host-instructions bytes reload-elision "
         "(tests/unit/jit_stencils/stencil_golden_test.cpp)\n";
  auto line = [&](const std::string &name, const char *variant, const StencilCode &code) {
    size_t undecoded = 0;
    uint32_t size = code.size - code.tailJump;
    size_t count = (*disassembler)->countInstructions(code.bytes, size, &undecoded);
    EXPECT_EQ(undecoded, 0u) << name << " " << variant;
    std::string elision = code.endStore.length != 0 ? "store" : "";
    if (code.beginLoad.length != 0)
      elision += elision.empty() ? "load" : "+load";
    out << name << " " << variant << " " << count << " " << size << " "
        << (elision.empty() ? "-" : elision) << "\n";
  };
  for (size_t op = 0; op < kOpcodeCount; ++op)
    for (unsigned variant = 0; variant < kStencilVariantCount; ++variant)
      if (const StencilCode *code =
              instructionStencil(static_cast<Opcode>(op), static_cast<StencilVariant>(variant)))
        line(std::string(mnemonicOf(static_cast<Opcode>(op))), kVariantNames[variant], *code);
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    line(std::string("special.") + kSpecialNames[i], "-", specialStencil(static_cast<SpecialStencil>(i)));
  return out.str();
}

TEST(StencilGolden, HostInstructionCountsMatchTheGoldenFile) {
  std::string current = currentCounts();
  if (const char *update = std::getenv("TIERCEL_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(goldenPath()) << current;
    GTEST_SKIP() << "rewrote " << goldenPath();
  }
  std::ifstream file(goldenPath());
  ASSERT_TRUE(file.good()) << "missing " << goldenPath();
  std::stringstream golden;
  golden << file.rdbuf();
  std::istringstream expectedLines(golden.str()), actualLines(current);
  std::string expected, actual;
  int differences = 0;
  while (std::getline(expectedLines, expected) && std::getline(actualLines, actual))
    if (expected != actual && ++differences <= 40)
      ADD_FAILURE() << "golden: " << expected << "\n   now: " << actual;
  EXPECT_EQ(golden.str().size() == current.size() && differences == 0, true)
      << differences << " stencils changed; review, then rerun with TIERCEL_UPDATE_GOLDEN=1";
}

} // namespace
} // namespace tiercel::jit
