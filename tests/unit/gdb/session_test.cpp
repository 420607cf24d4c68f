// The command dispatcher against an in-memory target: packet in, reply out.
#include "runtime/gdb/session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>

#include "runtime/gdb/gdb_signals.h"
#include "runtime/gdb/packet_codec.h"
#include "runtime/gdb/riscv_target_description.h"

namespace tiercel::gdb {
namespace {

// 33 x/pc registers of 8 bytes, fcsr of 4; 64 KiB of memory at 0x10000.
class FakeTarget : public Target {
public:
  static constexpr uint64_t kBase = 0x10000;
  uint64_t regs[33] = {};
  uint32_t fcsr = 0;
  std::vector<uint8_t> memory = std::vector<uint8_t>(0x10000);
  std::set<std::pair<BreakpointType, uint64_t>> breakpoints;
  std::string xml = riscv64UserTargetXml();

  unsigned registerSize(unsigned regno) const override {
    return regno <= kRegPc ? 8 : regno == kRegFcsr ? 4 : 0;
  }
  void readRegister(unsigned regno, uint8_t *out) override {
    if (regno == kRegFcsr)
      std::memcpy(out, &fcsr, 4);
    else
      std::memcpy(out, &regs[regno], 8);
  }
  bool writeRegister(unsigned regno, const uint8_t *in) override {
    if (regno == kRegFcsr)
      std::memcpy(&fcsr, in, 4);
    else if (regno != 0)
      std::memcpy(&regs[regno], in, 8);
    return true;
  }
  unsigned gRegisterCount() const override { return 33; }
  size_t readMemory(uint64_t address, uint8_t *out, size_t length) override {
    if (address < kBase || address >= kBase + memory.size())
      return 0;
    size_t n = std::min<size_t>(length, kBase + memory.size() - address);
    std::memcpy(out, &memory[address - kBase], n);
    return n;
  }
  bool writeMemory(uint64_t address, const uint8_t *in, size_t length) override {
    if (address < kBase || address + length > kBase + memory.size())
      return false;
    std::memcpy(&memory[address - kBase], in, length);
    return true;
  }
  bool supportsBreakpoint(BreakpointType type) const override {
    return type != BreakpointType::ReadWatch; // one kind missing, to see the empty reply
  }
  bool insertBreakpoint(BreakpointType type, uint64_t address, uint64_t) override {
    return breakpoints.insert({type, address}).second;
  }
  bool removeBreakpoint(BreakpointType type, uint64_t address, uint64_t) override {
    return breakpoints.erase({type, address}) != 0;
  }
  std::string targetXml() const override { return xml; }
  std::optional<std::string> auxv() const override { return std::string("\x06\0\0\0\0\0\0\0", 8); }
  std::optional<std::string> execFile() const override { return std::string("/bin/guest"); }
};

class SessionTest : public ::testing::Test {
protected:
  FakeTarget target;
  Session session{target};
  std::string reply(std::string_view packet) { return session.handle(packet).payload; }
};

TEST_F(SessionTest, AnswersTheConnectionQueries) {
  std::string supported = reply("qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
  EXPECT_NE(supported.find("PacketSize=4000"), std::string::npos);
  EXPECT_NE(supported.find("qXfer:features:read+"), std::string::npos);
  EXPECT_NE(supported.find("qXfer:auxv:read+"), std::string::npos);
  EXPECT_NE(supported.find("qXfer:exec-file:read+"), std::string::npos);
  EXPECT_NE(supported.find("QStartNoAckMode+"), std::string::npos);
  SessionReply noAck = session.handle("QStartNoAckMode");
  EXPECT_EQ(noAck.payload, "OK");
  EXPECT_TRUE(noAck.startNoAck);
  EXPECT_EQ(reply("?"), "T05thread:1;");
  EXPECT_EQ(reply("qC"), "QC1");
  EXPECT_EQ(reply("qfThreadInfo"), "m1");
  EXPECT_EQ(reply("qsThreadInfo"), "l");
  EXPECT_EQ(reply("qAttached"), "1");
  EXPECT_EQ(reply("qAttached:1"), "1");
  EXPECT_EQ(reply("qOffsets"), "Text=0;Data=0;Bss=0");
  EXPECT_EQ(reply("Hg0"), "OK");
  EXPECT_EQ(reply("Hc-1"), "OK");
  EXPECT_EQ(reply("T1"), "OK");
  EXPECT_EQ(reply("T2"), "E02");
  EXPECT_EQ(reply("vCont?"), "vCont;c;C;s;S");
  EXPECT_EQ(reply("vMustReplyEmpty"), "");
  EXPECT_EQ(reply("qTStatus"), "");
  EXPECT_EQ(reply("qSymbol::"), "OK");
}

// pwndbg and GEF detect qemu by these.
TEST_F(SessionTest, AnswersQemuSingleStepQueries) {
  EXPECT_EQ(reply("qqemu.sstepbits"), "ENABLE=1,NOIRQ=2,NOTIMER=4");
  EXPECT_EQ(reply("qqemu.sstep"), "0x7");
  EXPECT_EQ(reply("Qqemu.sstep=1"), "OK");
  EXPECT_EQ(reply("qqemu.sstep"), "0x1");
  EXPECT_EQ(session.singleStepFlags(), 1u);
  EXPECT_EQ(reply("Qqemu.sstep=zz"), "E01");
}

TEST_F(SessionTest, ReadsAndWritesRegisters) {
  target.regs[10] = 40;
  target.regs[32] = 0x10632;
  std::string g = reply("g");
  ASSERT_EQ(g.size(), 33u * 16);
  EXPECT_EQ(g.substr(10 * 16, 16), "2800000000000000");
  EXPECT_EQ(reply("p20"), "3206010000000000"); // pc is register 0x20
  EXPECT_EQ(reply("pa"), "2800000000000000");
  EXPECT_EQ(reply("Pb=0500000000000000"), "OK");
  EXPECT_EQ(target.regs[11], 5u);
  EXPECT_EQ(reply("P44=e0000000"), "OK"); // fcsr: 4 bytes
  EXPECT_EQ(target.fcsr, 0xe0u);
  EXPECT_EQ(reply("p44"), "e0000000");
  EXPECT_EQ(reply("P44=e0"), "E01");   // wrong size
  EXPECT_EQ(reply("p1000"), "E01");    // no such register
  EXPECT_EQ(reply("Pzz=00"), "E01");
  // G writes them all back; x0 stays zero.
  std::string all(33 * 16, '0');
  all.replace(0, 16, "0100000000000000");
  all.replace(2 * 16, 16, "f0ffffff3f000000");
  EXPECT_EQ(reply("G" + all), "OK");
  EXPECT_EQ(target.regs[0], 0u);
  EXPECT_EQ(target.regs[2], 0x3ffffffff0u);
  EXPECT_EQ(target.regs[10], 0u);
  EXPECT_EQ(reply("G123"), "E01");
}

TEST_F(SessionTest, ReadsAndWritesMemory) {
  EXPECT_EQ(reply("M10000,4:deadbeef"), "OK");
  EXPECT_EQ(reply("m10000,4"), "deadbeef");
  EXPECT_EQ(reply("m1fffe,4"), "0000"); // partial: up to the end of memory
  EXPECT_EQ(reply("m0,4"), "E14");      // unmapped: an error, never a crash
  EXPECT_EQ(reply("M0,1:00"), "E14");
  EXPECT_EQ(reply("M10000,2:00"), "E01"); // length does not match the data
  EXPECT_EQ(reply("mzz,4"), "E01");
  // X carries binary with '}' escapes.
  std::string data = std::string("}\x03}\x04\x03", 5); // '#', '$', 0x03
  EXPECT_EQ(reply("X10010,3:" + data), "OK");
  EXPECT_EQ(reply("m10010,3"), "232403");
  EXPECT_EQ(reply("X10010,0:"), "OK"); // the probe GDB sends first
  EXPECT_EQ(reply("X0,1:a"), "E14");
}

TEST_F(SessionTest, InsertsAndRemovesBreakpoints) {
  EXPECT_EQ(reply("Z0,10632,2"), "OK");
  EXPECT_EQ(reply("Z1,10640,4"), "OK");
  EXPECT_EQ(reply("Z2,75000,8"), "OK");
  EXPECT_EQ(reply("Z3,75000,8"), ""); // unsupported by this target: empty reply
  EXPECT_EQ(target.breakpoints.size(), 3u);
  EXPECT_TRUE(target.breakpoints.count({BreakpointType::Software, 0x10632}));
  EXPECT_EQ(reply("z0,10632,2"), "OK");
  EXPECT_EQ(reply("z0,10632,2"), "E01"); // not there
  EXPECT_EQ(reply("Z9,0,0"), "E01");
  EXPECT_EQ(reply("Z0,10700,2;X1,0"), "OK"); // conditions are ignored
}

TEST_F(SessionTest, ParsesResumePackets) {
  SessionReply c = session.handle("c");
  ASSERT_TRUE(c.resume.has_value());
  EXPECT_EQ(c.resume->kind, ResumeRequest::Kind::Continue);
  EXPECT_EQ(c.resume->signal, 0);
  EXPECT_FALSE(c.resume->address.has_value());
  SessionReply s = session.handle("s10640");
  ASSERT_TRUE(s.resume.has_value());
  EXPECT_EQ(s.resume->kind, ResumeRequest::Kind::Step);
  EXPECT_EQ(s.resume->address, 0x10640u);
  SessionReply cs = session.handle("C0b");
  EXPECT_EQ(cs.resume->signal, 11);
  SessionReply v = session.handle("vCont;s:1;c");
  ASSERT_TRUE(v.resume.has_value());
  EXPECT_EQ(v.resume->kind, ResumeRequest::Kind::Step);
  SessionReply other = session.handle("vCont;s:2;c");
  EXPECT_EQ(other.resume->kind, ResumeRequest::Kind::Continue); // the step was for another thread
  SessionReply vs = session.handle("vCont;C05:-1");
  EXPECT_EQ(vs.resume->signal, 5);
  EXPECT_EQ(reply("vCont;x"), "E01");
  EXPECT_EQ(reply("Czz"), "E01");
}

TEST_F(SessionTest, FormatsStopReplies) {
  EXPECT_EQ(session.stopReply({}), "T05thread:1;");
  StopEvent interrupt;
  interrupt.value = kGdbSignalInt;
  EXPECT_EQ(session.stopReply(interrupt), "T02thread:1;");
  EXPECT_EQ(reply("?"), "T02thread:1;");
  StopEvent watch;
  watch.watch = BreakpointType::WriteWatch;
  watch.watchAddress = 0x75000;
  EXPECT_EQ(session.stopReply(watch), "T05watch:75000;thread:1;");
  watch.watch = BreakpointType::AccessWatch;
  EXPECT_EQ(session.stopReply(watch), "T05awatch:75000;thread:1;");
  StopEvent exited{StopEvent::Kind::Exited, 45, std::nullopt, 0};
  EXPECT_EQ(session.stopReply(exited), "W2d");
  StopEvent killed{StopEvent::Kind::Killed, 11, std::nullopt, 0};
  EXPECT_EQ(session.stopReply(killed), "X0b");
}

TEST_F(SessionTest, TransfersDocumentsInSlices) {
  std::string first = reply("qXfer:features:read:target.xml:0,40");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0], 'm');
  EXPECT_EQ(first.substr(1), target.xml.substr(0, 0x40));
  // Read it all back in pieces and compare.
  std::string whole;
  for (size_t offset = 0;;) {
    char packet[64];
    std::snprintf(packet, sizeof packet, "qXfer:features:read:target.xml:%zx,100", offset);
    std::string part = reply(packet);
    ASSERT_FALSE(part.empty());
    auto data = unescapeBinary(std::string_view(part).substr(1));
    ASSERT_TRUE(data.has_value());
    whole += *data;
    offset += data->size();
    if (part[0] == 'l')
      break;
  }
  EXPECT_EQ(whole, target.xml);
  EXPECT_EQ(reply("qXfer:features:read:other.xml:0,100"), "E00");
  EXPECT_EQ(reply("qXfer:auxv:read::0,100"), std::string("l\x06\0\0\0\0\0\0\0", 9));
  EXPECT_EQ(reply("qXfer:exec-file:read:1:0,100"), "l/bin/guest");
  EXPECT_EQ(reply("qXfer:exec-file:read::100,100"), "l");
  EXPECT_EQ(reply("qXfer:threads:read::0,100"), "");
  EXPECT_EQ(reply("qXfer:features:read:target.xml"), "E01");
}

TEST_F(SessionTest, DetachAndKill) {
  SessionReply detach = session.handle("D");
  EXPECT_EQ(detach.payload, "OK");
  EXPECT_TRUE(detach.detach);
  SessionReply kill = session.handle("k");
  EXPECT_TRUE(kill.kill);
  EXPECT_TRUE(kill.payload.empty());
  SessionReply vKill = session.handle("vKill;1");
  EXPECT_TRUE(vKill.kill);
  EXPECT_EQ(vKill.payload, "OK");
}

TEST(RiscvTargetDescription, NamesGdbsFeaturesAndRegisters) {
  std::string xml = riscv64UserTargetXml();
  for (const char *needle :
       {"<feature name=\"org.gnu.gdb.riscv.cpu\">", "<feature name=\"org.gnu.gdb.riscv.fpu\">",
        "<feature name=\"org.gnu.gdb.riscv.virtual\">", "<union id=\"riscv_double\">",
        "name=\"zero\" bitsize=\"64\" type=\"int\" regnum=\"0\"",
        "name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"2\"",
        "name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"",
        "name=\"ft0\" bitsize=\"64\" type=\"riscv_double\" regnum=\"33\"",
        "name=\"ft11\" bitsize=\"64\" type=\"riscv_double\" regnum=\"64\"",
        "name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"66\"",
        "name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"67\"",
        "name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"68\"",
        "name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"4161\""})
    EXPECT_NE(xml.find(needle), std::string::npos) << needle;
}

TEST(GdbSignals, MapsLinuxNumbers) {
  EXPECT_EQ(gdbSignalFromLinux(11), 11); // SIGSEGV
  EXPECT_EQ(gdbSignalFromLinux(7), 10);  // SIGBUS
  EXPECT_EQ(gdbSignalFromLinux(10), 30); // SIGUSR1
  EXPECT_EQ(gdbSignalFromLinux(17), 20); // SIGCHLD
  EXPECT_EQ(gdbSignalFromLinux(34), 46); // SIGRTMIN+2
  EXPECT_EQ(gdbSignalFromLinux(64), 78);
  for (int signal = 1; signal <= 64; ++signal)
    if (signal != 16) // SIGSTKFLT has no GDB number
      EXPECT_EQ(linuxSignalFromGdb(gdbSignalFromLinux(signal)), signal) << signal;
  EXPECT_EQ(linuxSignalFromGdb(0), 0);
  EXPECT_EQ(linuxSignalFromGdb(kGdbSignalUnknown), 0);
}

} // namespace
} // namespace tiercel::gdb
