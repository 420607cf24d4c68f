// tiercel-system-riscv64's -smp and -accel (smp_options.h): QEMU's
// spellings of the hart count, its range, the spike board's single hart,
// and the accelerators accepted, refused and not implemented.
#include <gtest/gtest.h>

#include "tests/unit/system_cli/parse_support.h"

namespace tiercel::tools {
namespace {

using namespace test;

TEST(SmpOptionsTest, HartCountSpellings) {
  EXPECT_EQ(parse({}).smp, 1u);
  EXPECT_EQ(parse({"-smp", "2"}).smp, 2u);
  EXPECT_EQ(parse({"-smp", "cpus=2"}).smp, 2u);
  EXPECT_EQ(parse({"--smp=4"}).smp, 4u);
  EXPECT_EQ(parse({"-smp", "8,maxcpus=8"}).smp, 8u);
  EXPECT_EQ(parse({"-smp", "maxcpus=3"}).smp, 3u); // QEMU: cpus defaults to maxcpus
  SystemCommandLine line = parse({"-smp", "cpus=2", "-machine", "virt"});
  EXPECT_EQ(line.smp, 2u);
  EXPECT_TRUE(line.unimplemented.empty());
}

TEST(SmpOptionsTest, OutOfRangeAndMalformedCountsAreErrors) {
  EXPECT_CONTAINS(errorOf({"-smp", "0"}), "-smp 0: 0 harts is out of range (1 to 8)");
  EXPECT_CONTAINS(errorOf({"-smp", "9"}), "-smp 9: 9 harts is out of range (1 to 8)");
  EXPECT_CONTAINS(errorOf({"-smp", "cpus=100"}), "out of range");
  EXPECT_CONTAINS(errorOf({"-smp", "two"}), "bad hart count 'two'");
  EXPECT_CONTAINS(errorOf({"-smp", "-1"}), "bad hart count");
  EXPECT_CONTAINS(errorOf({"-smp", "cpus="}), "bad hart count ''");
  EXPECT_CONTAINS(errorOf({"-smp", "2,bogus=1"}), "unknown key 'bogus'");
  EXPECT_CONTAINS(errorOf({"-smp", ""}), "no hart count");
}

TEST(SmpOptionsTest, SpikeHasOneHart) {
  EXPECT_EQ(unimplementedOf({"-smp", "2", "-machine", "spike"}), "-smp 2 on -machine spike");
  // The order of the options does not matter.
  EXPECT_EQ(unimplementedOf({"-machine", "spike", "-smp", "cpus=4"}), "-smp 4 on -machine spike");
  EXPECT_EQ(unimplementedOf({"-machine", "spike", "-smp", "1"}), "");
}

TEST(SmpOptionsTest, TopologyAndHotplugAreUnimplemented) {
  EXPECT_CONTAINS(unimplementedOf({"-smp", "2,sockets=2"}), "-smp sockets=");
  EXPECT_CONTAINS(unimplementedOf({"-smp", "2,maxcpus=4"}), "-smp maxcpus=4 other than cpus");
}

TEST(SmpOptionsTest, SmpHelp) {
  SystemCommandLine line = parse({"-smp", "help"});
  EXPECT_TRUE(line.smpHelp);
  std::string text = systemSmpHelpText();
  EXPECT_CONTAINS(text, "-smp [cpus=]N");
  EXPECT_CONTAINS(text, "1 to 8");
  EXPECT_CONTAINS(systemUsageText(), "-smp [cpus=]N|help");
}

TEST(SmpOptionsTest, Accelerators) {
  SystemCommandLine line = parse({"-accel", "tcg"});
  EXPECT_EQ(line.accel, "tcg");
  EXPECT_TRUE(line.unimplemented.empty());
  line = parse({"-accel", "tcg,thread=multi", "-smp", "2"});
  EXPECT_EQ(line.accel, "tcg,thread=multi");
  EXPECT_TRUE(line.unimplemented.empty());
  EXPECT_CONTAINS(unimplementedOf({"-accel", "tcg,thread=single"}), "-accel tcg,thread=single");
  EXPECT_CONTAINS(errorOf({"-accel", "kvm"}), "-accel kvm: unknown accelerator 'kvm'");
  EXPECT_CONTAINS(errorOf({"-accel", "tcg,thread=many"}),
                  "thread expects 'multi' or 'single', not 'many'");
  EXPECT_CONTAINS(errorOf({"-accel", "tcg,tb-size=64"}), "unknown property 'tb-size'");
  EXPECT_CONTAINS(errorOf({"-accel", ""}), "no accelerator");
}

} // namespace
} // namespace tiercel::tools
