// CSR number -> name, for the disassembler. Numbers from the privileged
// spec, tables 2.2-2.6 (CSR listing), as an RV64 hart sees them: the
// RV32-only high halves (cycleh, pmpcfg1, ...) have no name here.
#include <algorithm>
#include <array>

#include "machine/isa/disassembler.h"

namespace tiercel {
namespace {

struct CsrEntry {
  uint16_t number = 0;
  char name[16] = {};
};

// The names that stand alone.
struct FixedCsr {
  uint16_t number;
  std::string_view name;
};
// clang-format off
constexpr FixedCsr kFixedCsrs[] = {
    // Unprivileged floating-point and counter CSRs (privileged spec table 2.2).
    {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"},
    {0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
    // Supervisor (table 2.3), with Sstc's stimecmp and Sscofpmf's scountovf.
    {0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
    {0x10a, "senvcfg"}, {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"},
    {0x143, "stval"}, {0x144, "sip"}, {0x14d, "stimecmp"}, {0x180, "satp"},
    {0xda0, "scountovf"},
    // Machine (table 2.5).
    {0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
    {0xf15, "mconfigptr"}, {0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"},
    {0x303, "mideleg"}, {0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"},
    {0x30a, "menvcfg"}, {0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"},
    {0x342, "mcause"}, {0x343, "mtval"}, {0x344, "mip"}, {0x34a, "mtinst"},
    {0x34b, "mtval2"}, {0x747, "mseccfg"}, {0xb00, "mcycle"}, {0xb02, "minstret"},
    // Debug/trace (table 2.6).
    {0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"}, {0x7a3, "tdata3"},
    {0x7a8, "mcontext"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch0"},
    {0x7b3, "dscratch1"},
};
// clang-format on

// Numbered families: prefix, first index, last index, CSR number of index 0,
// index step (pmpcfg: only even indices exist on RV64).
struct CsrFamily {
  std::string_view prefix;
  unsigned first, last, base, step;
};
constexpr CsrFamily kCsrFamilies[] = {
    {"hpmcounter", 3, 31, 0xc00, 1}, {"mhpmcounter", 3, 31, 0xb00, 1},
    {"mhpmevent", 3, 31, 0x320, 1},  {"pmpcfg", 0, 14, 0x3a0, 2},
    {"pmpaddr", 0, 63, 0x3b0, 1},
};

consteval size_t countCsrs() {
  size_t n = std::size(kFixedCsrs);
  for (const CsrFamily &f : kCsrFamilies)
    n += (f.last - f.first) / f.step + 1;
  return n;
}

consteval CsrEntry makeEntry(uint16_t number, std::string_view prefix, int index) {
  CsrEntry e;
  e.number = number;
  size_t len = 0;
  for (char c : prefix)
    e.name[len++] = c;
  if (index >= 10)
    e.name[len++] = static_cast<char>('0' + index / 10);
  if (index >= 0)
    e.name[len++] = static_cast<char>('0' + index % 10);
  if (len >= sizeof(e.name))
    throw "CSR name too long";
  return e;
}

consteval std::array<CsrEntry, countCsrs()> buildCsrTable() {
  std::array<CsrEntry, countCsrs()> table{};
  size_t n = 0;
  for (const FixedCsr &c : kFixedCsrs)
    table[n++] = makeEntry(c.number, c.name, -1);
  for (const CsrFamily &f : kCsrFamilies)
    for (unsigned i = f.first; i <= f.last; i += f.step)
      table[n++] = makeEntry(static_cast<uint16_t>(f.base + i), f.prefix, static_cast<int>(i));
  std::sort(table.begin(), table.end(),
            [](const CsrEntry &a, const CsrEntry &b) { return a.number < b.number; });
  for (size_t i = 1; i < table.size(); ++i)
    if (table[i - 1].number == table[i].number)
      throw "two CSR names for one number";
  return table;
}

constexpr auto kCsrTable = buildCsrTable();

} // namespace

std::optional<std::string_view> csrName(unsigned csr) {
  auto it = std::lower_bound(kCsrTable.begin(), kCsrTable.end(), csr,
                             [](const CsrEntry &e, unsigned n) { return e.number < n; });
  if (it == kCsrTable.end() || it->number != csr)
    return std::nullopt;
  return std::string_view(it->name);
}

} // namespace tiercel
