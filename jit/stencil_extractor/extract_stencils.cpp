// The stencil extractor: reads the object file the stencil source
// (jit/stencils/user_stencils.cpp) was compiled to, and writes the C++
// tables of jit/stencil_set.h: each stencil's bytes and relocations, the
// library sections they share, and the external symbols they call. It also
// decodes every stencil (LLVM's x86 disassembler) to prove the facts the
// translator's reload elision relies on (StencilCode::endStore/beginLoad).
//
//   tiercel-extract-stencils <stencils.o> <out.cpp>
//
// It fails (non-zero exit, message on stderr) on anything the patcher could
// not handle: an unknown relocation type, a hole used with a relocation its
// kind does not allow, a hole in shared code, writable data, a stencil that
// references another stencil, or a missing stencil.
#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "jit/stencils/stencil_abi.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace llvm::object;
using namespace tiercel;
using namespace tiercel::jit;

namespace {

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "tiercel-extract-stencils: error: %s\n", message.c_str());
  std::exit(1);
}

template <class T> T check(Expected<T> value, const char *what) {
  if (!value)
    fail(std::string(what) + ": " + toString(value.takeError()));
  return std::move(*value);
}

const char *const kHoleNames[] = {
#define TIERCEL_HOLE_NAME(Name, Kind) #Name,
    TIERCEL_STENCIL_HOLES(TIERCEL_HOLE_NAME)
#undef TIERCEL_HOLE_NAME
};

const char *const kSpecialNames[] = {"BlockEntry", "ExitRequestStub", "Jump",
                                     "JumpCounted", "ExitStub", "Indirect",
                                     "IndirectCounted", "CallSemantics"};
static_assert(sizeof(kSpecialNames) / sizeof(kSpecialNames[0]) == kSpecialStencilCount);

struct Relocation {
  uint64_t offset;
  std::string type; // RelocationType enumerator
  std::string target;
  unsigned index;
  int64_t addend;
};

struct Section {
  std::string name;
  std::vector<uint8_t> bytes;
  uint64_t alignment = 1;
  bool executable = false;
  std::vector<Relocation> relocations;
};

// What the reload elision may rely on in one stencil (RegisterSlotAccess).
struct SlotAccess {
  unsigned length = 0; // 0: none
  unsigned hostRegister = 0;
  unsigned hole = 0;
  int64_t addend = 0;
};
struct SlotFacts {
  SlotAccess endStore, beginLoad;
};

// Decodes a stencil with LLVM's x86-64 disassembler and proves, or gives up
// on (leaving the access empty), the two facts of StencilCode:
//  - endStore: the stencil's only reference to Continue is a `jmp rel32`,
//    the instruction right before it is `mov [r12 + disp32], reg64` with a
//    register hole in disp32, and no branch of the stencil targets the jmp:
//    every path into the next stencil ends with that store;
//  - beginLoad: the first instruction is `mov reg64, [r12 + disp32]` with a
//    register hole in disp32 and no other relocation in it, and no branch of
//    the stencil targets its bytes: the code after it is reached only by
//    falling through it, so it may be skipped when reg holds the slot.
// Stencils that could reach their own bytes in a way the decoding does not
// see (a Self relocation, a rip-relative operand without a relocation) or
// that do not decode completely get neither.
class SlotAnalyzer {
public:
  SlotAnalyzer();
  SlotFacts analyze(const Section &stencil) const;

private:
  struct Decoded {
    uint64_t offset;
    uint64_t size;
    MCInst inst;
  };
  // `mov [r12 + disp32], reg64` (store) or `mov reg64, [r12 + disp32]`
  // whose disp32 is a register hole; empty otherwise.
  SlotAccess slotMove(const Decoded &insn, bool store, const Section &stencil) const;
  std::optional<unsigned> gpr64Number(MCRegister reg) const;

  std::string triple_ = "x86_64-unknown-linux-gnu";
  std::unique_ptr<MCRegisterInfo> registers_;
  std::unique_ptr<MCAsmInfo> asmInfo_;
  std::unique_ptr<MCSubtargetInfo> subtarget_;
  std::unique_ptr<MCInstrInfo> instrInfo_;
  std::unique_ptr<MCContext> context_;
  std::unique_ptr<MCDisassembler> disassembler_;
  std::unique_ptr<MCInstrAnalysis> analysis_;
};

SlotAnalyzer::SlotAnalyzer() {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86Disassembler();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple_, error);
  if (target == nullptr)
    fail("no x86-64 target in LLVM: " + error);
  registers_.reset(target->createMCRegInfo(triple_));
  MCTargetOptions options;
  asmInfo_.reset(target->createMCAsmInfo(*registers_, triple_, options));
  subtarget_.reset(target->createMCSubtargetInfo(triple_, "", ""));
  instrInfo_.reset(target->createMCInstrInfo());
  if (!registers_ || !asmInfo_ || !subtarget_ || !instrInfo_)
    fail("cannot set up LLVM's x86-64 MC layer");
  context_ = std::make_unique<MCContext>(Triple(triple_), asmInfo_.get(), registers_.get(),
                                         subtarget_.get());
  disassembler_.reset(target->createMCDisassembler(*subtarget_, *context_));
  analysis_.reset(target->createMCInstrAnalysis(instrInfo_.get()));
  if (!disassembler_ || !analysis_)
    fail("cannot set up LLVM's x86-64 disassembler");
}

std::optional<unsigned> SlotAnalyzer::gpr64Number(MCRegister reg) const {
  static const char *const kNames[] = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                       "R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15"};
  if (!reg.isValid())
    return std::nullopt;
  StringRef name = registers_->getName(reg);
  for (unsigned i = 0; i < 16; ++i)
    if (name == kNames[i])
      return i;
  return std::nullopt;
}

SlotAccess SlotAnalyzer::slotMove(const Decoded &insn, bool store, const Section &stencil) const {
  const MCInst &inst = insn.inst;
  StringRef name = instrInfo_->getName(inst.getOpcode());
  // MOV64mr: base, scale, index, disp, segment, source.
  // MOV64rm: destination, base, scale, index, disp, segment.
  if (name != (store ? "MOV64mr" : "MOV64rm") || inst.getNumOperands() != 6 || insn.size != 8)
    return {};
  unsigned memory = store ? 0 : 1;
  const MCOperand &base = inst.getOperand(memory), &scale = inst.getOperand(memory + 1),
                  &index = inst.getOperand(memory + 2), &disp = inst.getOperand(memory + 3),
                  &segment = inst.getOperand(memory + 4);
  const MCOperand &value = inst.getOperand(store ? 5 : 0);
  if (!base.isReg() || gpr64Number(base.getReg()) != 12u || !scale.isImm() || scale.getImm() != 1 ||
      !index.isReg() || index.getReg() != 0 || !disp.isImm() || disp.getImm() != 0 ||
      !segment.isReg() || segment.getReg() != 0 || !value.isReg())
    return {};
  std::optional<unsigned> host = gpr64Number(value.getReg());
  if (!host)
    return {};
  // REX, opcode, ModRM, SIB, then the disp32 the hole is patched into.
  for (const Relocation &r : stencil.relocations)
    if (r.offset == insn.offset + 4 && r.target == "Hole" && r.type == "Absolute32S" &&
        kHoleKinds[r.index] == HoleKind::Register)
      return SlotAccess{static_cast<unsigned>(insn.size), *host, r.index, r.addend};
  return {};
}

SlotFacts SlotAnalyzer::analyze(const Section &stencil) const {
  ArrayRef<uint8_t> bytes(stencil.bytes);
  std::vector<Decoded> code;
  for (uint64_t offset = 0; offset < bytes.size();) {
    Decoded insn{offset, 0, MCInst()};
    if (disassembler_->getInstruction(insn.inst, insn.size, bytes.slice(offset), offset, nulls()) !=
            MCDisassembler::Success ||
        insn.size == 0)
      return {};
    offset += insn.size;
    code.push_back(std::move(insn));
  }
  // A pc-relative field with a relocation refers outside the stencil (Self
  // relocations are rejected below); one without refers into it.
  auto relocatedRelative = [&](const Decoded &insn) {
    for (const Relocation &r : stencil.relocations)
      if (r.offset >= insn.offset && r.offset < insn.offset + insn.size && r.type == "Relative32")
        return true;
    return false;
  };
  for (const Relocation &r : stencil.relocations)
    if (r.target == "Self")
      return {};
  // Every offset of the stencil that control can reach other than by
  // falling through: internal branch targets, and return addresses.
  std::set<uint64_t> targets;
  for (const Decoded &insn : code) {
    const MCInstrDesc &desc = instrInfo_->get(insn.inst.getOpcode());
    uint64_t target = 0;
    bool external = relocatedRelative(insn);
    if (analysis_->evaluateBranch(insn.inst, insn.offset, insn.size, target)) {
      if (!external)
        targets.insert(target);
    } else if (desc.isBranch() && !desc.isIndirectBranch()) {
      return {}; // a direct branch whose target the analysis cannot compute
    }
    if (!external && analysis_->evaluateMemoryOperandAddress(insn.inst, subtarget_.get(),
                                                             insn.offset, insn.size))
      return {}; // an address inside the stencil itself
    if (desc.isCall())
      targets.insert(insn.offset + insn.size);
  }

  SlotFacts facts;
  const Relocation *toContinue = nullptr;
  unsigned continues = 0;
  for (const Relocation &r : stencil.relocations)
    if (r.target == "Hole" && r.index == static_cast<unsigned>(Hole::Continue)) {
      toContinue = &r;
      ++continues;
    }
  if (continues == 1 && toContinue->type == "Relative32" && toContinue->addend == -4) {
    for (size_t i = 1; i < code.size(); ++i) {
      const Decoded &jump = code[i];
      if (jump.offset + 1 != toContinue->offset || jump.size != 5 || bytes[jump.offset] != 0xe9)
        continue;
      if (!targets.count(jump.offset))
        facts.endStore = slotMove(code[i - 1], true, stencil);
    }
  }
  if (!code.empty()) {
    SlotAccess load = slotMove(code.front(), false, stencil);
    bool alone = true;
    for (const Relocation &r : stencil.relocations)
      if (r.offset < load.length && r.offset != 4)
        alone = false;
    for (uint64_t target : targets)
      if (target < load.length)
        alone = false;
    if (load.length != 0 && alone)
      facts.beginLoad = load;
  }
  return facts;
}

class Extractor {
public:
  explicit Extractor(const ELFObjectFileBase &object) : object_(object) {}

  void run(const std::string &outputPath);

private:
  // Which stencil a section's function is: "i<op>_<variant>", "s<index>", or "".
  std::string stencilKey(StringRef symbolName);
  void readSection(const SectionRef &section, bool isStencil);
  Relocation convert(const SectionRef &section, const RelocationRef &relocation, bool isStencil);
  unsigned librarySectionIndex(const SectionRef &section);
  unsigned externalIndex(StringRef name);

  const ELFObjectFileBase &object_;
  std::map<uint64_t, std::string> stencilSections_;    // section index -> key
  std::map<std::string, Section> stencils_;            // key -> code
  std::map<uint64_t, unsigned> libraryIndex_;          // section index -> library slot
  std::vector<Section> library_;
  std::vector<SectionRef> libraryPending_;
  std::vector<std::string> externals_;
  std::map<uint64_t, std::vector<RelocationRef>> relocationsOf_; // section index -> relocs
};

std::string Extractor::stencilKey(StringRef symbolName) {
  if (symbolName.starts_with("stencil_special_")) {
    StringRef name = symbolName.drop_front(strlen("stencil_special_"));
    for (unsigned i = 0; i < kSpecialStencilCount; ++i)
      if (name == kSpecialNames[i])
        return "s" + std::to_string(i);
    fail("unknown special stencil " + symbolName.str());
  }
  std::string demangled = demangle(symbolName.str());
  static const std::regex kPattern(
      R"(tiercel::jit::stencil<\(tiercel::Opcode\)(\d+), \(tiercel::jit::StencilVariant\)(\d+)>)");
  std::smatch match;
  if (std::regex_search(demangled, match, kPattern))
    return "i" + match[1].str() + "_" + match[2].str();
  return "";
}

unsigned Extractor::externalIndex(StringRef name) {
  for (unsigned i = 0; i < externals_.size(); ++i)
    if (externals_[i] == name)
      return i;
  externals_.push_back(name.str());
  return static_cast<unsigned>(externals_.size() - 1);
}

unsigned Extractor::librarySectionIndex(const SectionRef &section) {
  auto it = libraryIndex_.find(section.getIndex());
  if (it != libraryIndex_.end())
    return it->second;
  unsigned index = static_cast<unsigned>(libraryIndex_.size());
  libraryIndex_[section.getIndex()] = index;
  libraryPending_.push_back(section);
  return index;
}

Relocation Extractor::convert(const SectionRef &section, const RelocationRef &relocation,
                              bool isStencil) {
  Relocation result;
  result.offset = relocation.getOffset();
  int64_t addend = check(ELFRelocationRef(relocation).getAddend(), "relocation addend");
  std::string where = check(section.getName(), "section name").str() + "+" +
                      std::to_string(result.offset);
  switch (relocation.getType()) {
  case ELF::R_X86_64_64: result.type = "Absolute64"; break;
  case ELF::R_X86_64_32: result.type = "Absolute32"; break;
  case ELF::R_X86_64_32S: result.type = "Absolute32S"; break;
  case ELF::R_X86_64_PC32:
  case ELF::R_X86_64_PLT32: result.type = "Relative32"; break;
  default: {
    SmallString<32> typeName;
    relocation.getTypeName(typeName);
    fail("unsupported relocation " + typeName.str().str() + " at " + where);
  }
  }
  symbol_iterator symbol = relocation.getSymbol();
  if (symbol == object_.symbol_end())
    fail("relocation without a symbol at " + where);
  StringRef name = check(symbol->getName(), "symbol name");
  SymbolRef::Type type = check(symbol->getType(), "symbol type");
  section_iterator target = check(symbol->getSection(), "symbol section");
  if (name.starts_with("tiercel_hole_")) {
    if (!isStencil)
      fail("hole " + name.str() + " used in shared code at " + where);
    StringRef holeName = name.drop_front(strlen("tiercel_hole_"));
    unsigned hole = kHoleCount;
    for (unsigned i = 0; i < kHoleCount; ++i)
      if (holeName == kHoleNames[i])
        hole = i;
    if (hole == kHoleCount)
      fail("unknown hole " + name.str() + " at " + where);
    HoleKind kind = kHoleKinds[hole];
    bool allowed = true;
    switch (kind) {
    case HoleKind::Register:
    case HoleKind::Small: allowed = result.type != "Absolute64"; break; // values below 2^31
    case HoleKind::Wide: allowed = result.type == "Absolute64"; break;
    case HoleKind::Code:
    case HoleKind::Data: allowed = true; break; // addresses in the low 2 GiB code cache
    }
    if (!allowed)
      fail("hole " + name.str() + " used with relocation " + result.type + " at " + where);
    result.target = "Hole";
    result.index = hole;
    result.addend = addend;
    return result;
  }
  if (target == object_.section_end()) {
    // Undefined: a host function (memcpy, fma...) or the runtime helper.
    if (type == SymbolRef::ST_Data)
      fail("reference to external data " + name.str() + " at " + where);
    result.target = "External";
    result.index = externalIndex(name);
    result.addend = addend;
    return result;
  }
  uint64_t symbolOffset = check(symbol->getAddress(), "symbol address") - target->getAddress();
  if (target->getIndex() == section.getIndex()) {
    result.target = "Self";
    result.index = 0;
    result.addend = addend + static_cast<int64_t>(symbolOffset);
    return result;
  }
  if (stencilSections_.count(target->getIndex()))
    fail("a stencil references another stencil at " + where);
  if (target->isBSS() || (!target->isText() && !check(target->getName(), "name").starts_with(".rodata")))
    fail("reference to writable or unknown section " +
         check(target->getName(), "name").str() + " at " + where);
  result.target = "Library";
  result.index = librarySectionIndex(*target);
  result.addend = addend + static_cast<int64_t>(symbolOffset);
  return result;
}

void Extractor::readSection(const SectionRef &section, bool isStencil) {
  Section out;
  out.name = check(section.getName(), "section name").str();
  StringRef contents = check(section.getContents(), "section contents");
  out.bytes.assign(contents.begin(), contents.end());
  out.alignment = section.getAlignment().value();
  out.executable = section.isText();
  for (const RelocationRef &relocation : relocationsOf_[section.getIndex()])
    out.relocations.push_back(convert(section, relocation, isStencil));
  if (isStencil) {
    stencils_[stencilSections_[section.getIndex()]] = std::move(out);
  } else {
    library_[libraryIndex_[section.getIndex()]] = std::move(out);
  }
}

void writeBytes(raw_ostream &os, const std::vector<uint8_t> &bytes) {
  for (size_t i = 0; i < bytes.size(); ++i)
    os << (i % 24 == 0 ? "\n    " : "") << static_cast<unsigned>(bytes[i]) << ",";
}

void writeRelocations(raw_ostream &os, const std::vector<Relocation> &relocations) {
  for (const Relocation &r : relocations)
    os << "\n    {" << r.offset << ", RelocationType::" << r.type << ", RelocationTarget::" << r.target
       << ", " << r.index << ", " << r.addend << "},";
}

std::string slotAccessInitializer(const SlotAccess &access) {
  if (access.length == 0)
    return "{0, 0, 0, 0}";
  return "{" + std::to_string(access.length) + ", " + std::to_string(access.hostRegister) + ", " +
         std::to_string(access.hole) + ", " + std::to_string(access.addend) + "}";
}

void Extractor::run(const std::string &outputPath) {
  for (const SectionRef &section : object_.sections()) {
    Expected<section_iterator> relocated = section.getRelocatedSection();
    if (relocated && *relocated != object_.section_end())
      for (const RelocationRef &relocation : section.relocations())
        relocationsOf_[(*relocated)->getIndex()].push_back(relocation);
  }
  for (const SymbolRef &symbol : object_.symbols()) {
    if (check(symbol.getType(), "symbol type") != SymbolRef::ST_Function)
      continue;
    std::string key = stencilKey(check(symbol.getName(), "symbol name"));
    if (key.empty())
      continue;
    section_iterator section = check(symbol.getSection(), "symbol section");
    if (section == object_.section_end() || check(symbol.getAddress(), "address") != section->getAddress())
      fail("stencil " + key + " is not alone at the start of its section (use -ffunction-sections)");
    stencilSections_[section->getIndex()] = key;
  }
  for (const SectionRef &section : object_.sections())
    if (stencilSections_.count(section.getIndex()))
      readSection(section, true);
  // Library sections, transitively.
  while (!libraryPending_.empty()) {
    SectionRef section = libraryPending_.back();
    libraryPending_.pop_back();
    if (library_.size() < libraryIndex_.size())
      library_.resize(libraryIndex_.size());
    readSection(section, false);
  }
  if (library_.size() < libraryIndex_.size())
    library_.resize(libraryIndex_.size());

  // Every stencil the ABI promises must exist.
  for (unsigned op = 0; op < kOpcodeCount; ++op)
    for (unsigned variant = 0; variant < kStencilVariantCount; ++variant)
      if (hasStencil(static_cast<Opcode>(op), static_cast<StencilVariant>(variant)) &&
          !stencils_.count("i" + std::to_string(op) + "_" + std::to_string(variant)))
        fail("missing stencil for opcode " + std::to_string(op) + " variant " + std::to_string(variant));
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    if (!stencils_.count("s" + std::to_string(i)))
      fail(std::string("missing special stencil ") + kSpecialNames[i]);

  std::error_code error;
  raw_fd_ostream os(outputPath, error);
  if (error)
    fail("cannot write " + outputPath + ": " + error.message());
  os << "// Generated by tiercel-extract-stencils from the stencil object. Do not edit.\n"
     << "#include \"jit/stencil_set.h\"\n\nnamespace tiercel::jit {\nnamespace {\n\n";
  std::map<std::string, std::string> codeName; // key -> variable
  unsigned counter = 0;
  SlotAnalyzer analyzer;
  unsigned elisionEnds = 0, elisionBegins = 0;
  for (auto &[key, section] : stencils_) {
    std::string name = "kStencil" + std::to_string(counter++);
    codeName[key] = name;
    uint32_t tailJump = 0;
    size_t size = section.bytes.size();
    if (size >= 5 && section.bytes[size - 5] == 0xe9)
      for (const Relocation &r : section.relocations)
        if (r.offset == size - 4 && r.target == "Hole" &&
            r.index == static_cast<unsigned>(Hole::Continue) && r.type == "Relative32" &&
            r.addend == -4)
          tailJump = 5;
    os << "// " << section.name << "\nconst uint8_t " << name << "Bytes[] = {";
    writeBytes(os, section.bytes);
    os << "\n};\n";
    if (!section.relocations.empty()) {
      os << "const StencilRelocation " << name << "Relocations[] = {";
      writeRelocations(os, section.relocations);
      os << "\n};\n";
    }
    SlotFacts facts = analyzer.analyze(section);
    elisionEnds += facts.endStore.length != 0;
    elisionBegins += facts.beginLoad.length != 0;
    os << "const StencilCode " << name << " = {" << name << "Bytes, " << size << ", " << tailJump
       << ", " << (section.relocations.empty() ? "nullptr" : name + "Relocations") << ", "
       << section.relocations.size() << ", " << slotAccessInitializer(facts.endStore) << ", "
       << slotAccessInitializer(facts.beginLoad) << "};\n\n";
  }
  for (size_t i = 0; i < library_.size(); ++i) {
    const Section &section = library_[i];
    os << "// " << section.name << "\nconst uint8_t kLibrary" << i << "Bytes[] = {";
    writeBytes(os, section.bytes);
    os << "\n};\n";
    if (!section.relocations.empty()) {
      os << "const StencilRelocation kLibrary" << i << "Relocations[] = {";
      writeRelocations(os, section.relocations);
      os << "\n};\n";
    }
  }
  os << "const StencilCode *const kInstructions[] = {";
  for (unsigned op = 0; op < kOpcodeCount; ++op) {
    os << "\n   ";
    for (unsigned variant = 0; variant < kStencilVariantCount; ++variant) {
      auto it = codeName.find("i" + std::to_string(op) + "_" + std::to_string(variant));
      os << " " << (it == codeName.end() ? "nullptr" : "&" + it->second) << ",";
    }
  }
  os << "\n};\nconst StencilCode *const kSpecials[] = {";
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    os << "\n    &" << codeName["s" + std::to_string(i)] << ", // " << kSpecialNames[i];
  os << "\n};\nconst LibrarySection kLibrary[] = {";
  for (size_t i = 0; i < library_.size(); ++i) {
    const Section &section = library_[i];
    os << "\n    {\"" << section.name << "\", kLibrary" << i << "Bytes, " << section.bytes.size()
       << ", " << section.alignment << ", " << (section.executable ? "true" : "false") << ", "
       << (section.relocations.empty() ? std::string("nullptr")
                                       : "kLibrary" + std::to_string(i) + "Relocations")
       << ", " << section.relocations.size() << "},";
  }
  if (library_.empty())
    os << "\n    {\"\", nullptr, 0, 1, false, nullptr, 0},";
  os << "\n};\nconst char *const kExternals[] = {";
  for (const std::string &name : externals_)
    os << "\n    \"" << name << "\",";
  if (externals_.empty())
    os << "\n    nullptr,";
  os << "\n};\n\n} // namespace\n\nconst StencilTables &stencilTables() {\n"
     << "  static const StencilTables tables = {kInstructions, kSpecials, kLibrary, "
     << library_.size() << ", kExternals, " << externals_.size() << "};\n"
     << "  return tables;\n}\n\n} // namespace tiercel::jit\n";
  std::fprintf(stderr,
               "tiercel-extract-stencils: %zu stencils, %zu library sections, %zu externals; "
               "%u end in a register store, %u begin with a skippable register load\n",
               stencils_.size(), library_.size(), externals_.size(), elisionEnds, elisionBegins);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3)
    fail("usage: tiercel-extract-stencils <stencils.o> <out.cpp>");
  auto buffer = check(errorOrToExpected(MemoryBuffer::getFile(argv[1])), argv[1]);
  auto binary = check(ObjectFile::createObjectFile(buffer->getMemBufferRef()), argv[1]);
  auto *elf = dyn_cast<ELFObjectFileBase>(binary.get());
  if (elf == nullptr || elf->getArch() != Triple::x86_64)
    fail(std::string(argv[1]) + ": not an x86-64 ELF object");
  Extractor(*elf).run(argv[2]);
  return 0;
}
