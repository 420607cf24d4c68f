// The spike board (see spike_board.h).
#include "runtime/system/spike_board.h"

#include <cinttypes>
#include <cstdio>

#include "runtime/system/fdt_writer.h"
#include "runtime/system/virt_fdt.h"

namespace tiercel::system {

namespace {

std::string hex(uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%" PRIx64, value);
  return text;
}

llvm::Error checkHtifWord(const char *name, uint64_t address, uint64_t ramSize) {
  if (address % 8 != 0)
    return boardError(std::string("-machine spike: the program's `") + name + "` (" + hex(address) +
                      ") is not 8-byte aligned");
  if (address < board::kRamBase || address - board::kRamBase > ramSize - 8)
    return boardError(std::string("-machine spike: the program's `") + name + "` (" + hex(address) +
                      ") is not in RAM (0x80000000, -m " + std::to_string(ramSize >> 20) + "M)");
  return llvm::Error::success();
}

} // namespace

int htifExitStatus(uint64_t code) {
  if (code == 0)
    return 0;
  return (code & 0xff) != 0 ? static_cast<int>(code & 0xff) : 255;
}

llvm::Expected<std::unique_ptr<SpikeBoard>> SpikeBoard::create(const SpikeBoardConfig &config,
                                                               devices::CharBackend &console,
                                                               devices::CharBackend &errors) {
  if (llvm::Error error = checkRamSize(config.ramSize))
    return std::move(error);
  if (llvm::Error error = checkHtifWord("tohost", config.tohost, config.ramSize))
    return std::move(error);
  if (config.fromhost) {
    if (llvm::Error error = checkHtifWord("fromhost", *config.fromhost, config.ramSize))
      return std::move(error);
    if (*config.fromhost == config.tohost)
      return boardError("-machine spike: `tohost` and `fromhost` are the same word");
  }
  std::unique_ptr<SpikeBoard> board(new SpikeBoard(config.ramSize));
  if (llvm::Error error = board->build(config, console, errors))
    return std::move(error);
  return board;
}

llvm::Error SpikeBoard::build(const SpikeBoardConfig &config, devices::CharBackend &console,
                              devices::CharBackend &errors) {
  std::vector<Range> holes = {{config.tohost, config.tohost + 8}};
  if (config.fromhost)
    holes.push_back({*config.fromhost, *config.fromhost + 8});
  if (llvm::Error error = buildCommon(holes))
    return error;
  htif_ = std::make_unique<devices::Htif>(map_, console, errors,
                                          static_cast<devices::HtifHost &>(*this));
  if (llvm::Error error = map_.addDevice(config.tohost, htif_->tohostRegister()))
    return error;
  if (config.fromhost)
    if (llvm::Error error = map_.addDevice(*config.fromhost, htif_->fromhostRegister()))
      return error;
  finishBuild({});
  return llvm::Error::success();
}

SpikeBoard::~SpikeBoard() { stopTimer(); }

void SpikeBoard::htifExit(uint64_t code) { powerOff(htifExitStatus(code)); }

void SpikeBoard::htifFailure(const std::string &message) { fail(message); }

llvm::Expected<std::vector<uint8_t>>
SpikeBoard::buildDeviceTree(const std::vector<uint8_t> &rngSeed) const {
  // QEMU's spike tree (hw/riscv/spike.c, create_fdt), one hart.
  constexpr uint32_t kIntcPhandle = 1;
  fdt::TreeWriter w(16 * 1024);
  w.reserveMap();
  w.begin("");
  w.cell("#address-cells", 2);
  w.cell("#size-cells", 2);
  w.string("compatible", "ucbbar,spike-bare-dev");
  w.string("model", "ucbbar,spike-bare,tiercel");

  w.begin("htif");
  w.string("compatible", "ucb,htif0");
  w.end();

  w.begin("chosen");
  if (!rngSeed.empty())
    w.bytes("rng-seed", rngSeed);
  w.end();

  w.begin(fdt::nodeName("memory", ramBase()));
  w.string("device_type", "memory");
  w.reg(ramBase(), ramSize());
  w.end();

  w.begin("cpus");
  w.cell("#address-cells", 1);
  w.cell("#size-cells", 0);
  w.cell("timebase-frequency", static_cast<uint32_t>(board::kTimebaseHz));
  w.begin("cpu@0");
  w.string("device_type", "cpu");
  w.cell("reg", 0);
  w.string("status", "okay");
  w.string("compatible", "riscv");
  w.string("riscv,isa", kIsaString);
  w.string("mmu-type", "riscv,sv48");
  w.begin("interrupt-controller");
  w.cell("#interrupt-cells", 1);
  w.empty("interrupt-controller");
  w.string("compatible", "riscv,cpu-intc");
  w.cell("phandle", kIntcPhandle);
  w.end();
  w.end(); // cpu@0
  w.end(); // cpus

  w.begin("soc");
  w.cell("#address-cells", 2);
  w.cell("#size-cells", 2);
  w.string("compatible", "simple-bus");
  w.empty("ranges");
  w.begin(fdt::nodeName("clint", board::kClintBase));
  // The hart's M software (3) and M timer (7) interrupts.
  w.cells("interrupts-extended", {kIntcPhandle, 3, kIntcPhandle, 7});
  w.reg(board::kClintBase, devices::Clint::kWindowSize);
  w.strings("compatible", {"sifive,clint0", "riscv,clint0"});
  w.end();
  w.end(); // soc

  w.end(); // root
  auto tree = w.finish();
  if (!tree)
    return tree.takeError();
  return fdt::pad(*tree, "pad");
}

} // namespace tiercel::system
