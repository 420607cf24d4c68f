// The riscv64 target description (see riscv_target_description.h). Written
// out as GDB's own features/riscv/64bit-*.xml lay them out: ABI names for
// the x registers, ft0.. for the FP registers with the riscv_double union
// (so `p $fa0` shows both the float and the double view), fflags/frm/fcsr
// as 32-bit registers in the FPU feature.
#include "runtime/gdb/riscv_target_description.h"

#include <cstdio>

namespace tiercel::gdb {

namespace {

constexpr const char *kXNames[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

constexpr const char *kFNames[32] = {
    "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",  "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3",  "fa4",  "fa5", "fa6", "fa7",  "fs2",  "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8",  "fs9",  "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

const char *xType(unsigned index) {
  switch (index) {
  case 1: return "code_ptr";                      // ra
  case 2: case 3: case 4: case 8: return "data_ptr"; // sp, gp, tp, fp
  default: return "int";
  }
}

void addReg(std::string &xml, const char *name, unsigned bits, const char *type, unsigned regnum) {
  char line[160];
  std::snprintf(line, sizeof line, "    <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n",
                name, bits, type, regnum);
  xml += line;
}

} // namespace

std::string riscv64UserTargetXml() {
  std::string xml = "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                    "<target version=\"1.0\">\n"
                    "  <architecture>riscv:rv64</architecture>\n"
                    "  <osabi>GNU/Linux</osabi>\n"
                    "  <feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < 32; ++i)
    addReg(xml, kXNames[i], 64, xType(i), kRegX0 + i);
  addReg(xml, "pc", 64, "code_ptr", kRegPc);
  xml += "  </feature>\n"
         "  <feature name=\"org.gnu.gdb.riscv.fpu\">\n"
         "    <union id=\"riscv_double\">\n"
         "      <field name=\"float\" type=\"ieee_single\"/>\n"
         "      <field name=\"double\" type=\"ieee_double\"/>\n"
         "    </union>\n";
  for (unsigned i = 0; i < 32; ++i)
    addReg(xml, kFNames[i], 64, "riscv_double", kRegF0 + i);
  addReg(xml, "fflags", 32, "int", kRegFflags);
  addReg(xml, "frm", 32, "int", kRegFrm);
  addReg(xml, "fcsr", 32, "int", kRegFcsr);
  xml += "  </feature>\n"
         "  <feature name=\"org.gnu.gdb.riscv.csr\">\n";
  addReg(xml, "cycle", 64, "int", kRegCycle);
  addReg(xml, "time", 64, "int", kRegTime);
  addReg(xml, "instret", 64, "int", kRegInstret);
  xml += "  </feature>\n"
         "  <feature name=\"org.gnu.gdb.riscv.virtual\">\n";
  addReg(xml, "priv", 64, "int", kRegPriv);
  xml += "  </feature>\n"
         "</target>\n";
  return xml;
}

} // namespace tiercel::gdb
