// The virt board's device tree (see virt_fdt.h). Node order and properties
// follow QEMU 7.2's create_fdt(); the phandles are virt_fdt.h's. With N
// harts: N cpu nodes, each with its interrupt controller, one cluster of N
// cores in cpu-map, and the CLINT's and PLIC's interrupts-extended list
// every hart's inputs, hart by hart (what Linux's and OpenSBI's CLINT and
// PLIC drivers parse: the Nth pair is hart N's, or PLIC context 2N/2N+1).
#include "runtime/system/virt_fdt.h"

#include <cstdio>
#include <cstring>

#include <libfdt.h>

#include "runtime/system/fdt_writer.h"
#include "runtime/system/virt_board.h"

namespace tiercel::system {

llvm::Expected<std::vector<uint8_t>> buildVirtDeviceTree(const VirtTreeSettings &settings) {
  const unsigned harts = settings.harts;
  if (harts == 0 || harts > board::kMaxHarts)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "device tree: %u harts (1 to %u)", harts, board::kMaxHarts);
  const uint32_t kPlicPhandle = virtPlicPhandle(harts), kTestPhandle = virtTestPhandle(harts);
  fdt::TreeWriter w(64 * 1024);
  w.reserveMap();
  w.begin("");
  w.cell("#address-cells", 2);
  w.cell("#size-cells", 2);
  w.string("compatible", "riscv-virtio");
  w.string("model", "riscv-virtio,tiercel");

  w.begin("chosen");
  w.string("stdout-path", "/soc/serial@10000000");
  if (!settings.rngSeed.empty())
    w.bytes("rng-seed", settings.rngSeed);
  if (settings.framebuffer) {
    // Documentation/devicetree/bindings/display/simple-framebuffer.yaml;
    // /chosen gets the cells and an identity "ranges" so the node's reg
    // translates (Linux creates its device from /chosen explicitly).
    const VirtTreeSettings::FramebufferNode &fb = *settings.framebuffer;
    w.cell("#address-cells", 2);
    w.cell("#size-cells", 2);
    w.empty("ranges");
    w.begin(fdt::nodeName("framebuffer", fb.base));
    w.string("compatible", "simple-framebuffer");
    w.reg(fb.base, fb.size);
    w.cell("width", fb.width);
    w.cell("height", fb.height);
    w.cell("stride", fb.stride);
    w.string("format", fb.format.c_str());
    w.string("status", "okay");
    w.end();
  }
  w.end();

  // Linux's syscon-poweroff and syscon-reboot drivers write these values
  // to the finisher (devices/sifive_test.h).
  w.begin("poweroff");
  w.cell("value", 0x5555);
  w.cell("offset", 0);
  w.cell("regmap", kTestPhandle);
  w.string("compatible", "syscon-poweroff");
  w.end();
  w.begin("reboot");
  w.cell("value", 0x7777);
  w.cell("offset", 0);
  w.cell("regmap", kTestPhandle);
  w.string("compatible", "syscon-reboot");
  w.end();

  w.begin(fdt::nodeName("memory", settings.ramBase));
  w.string("device_type", "memory");
  w.reg(settings.ramBase, settings.ramSize);
  w.end();

  w.begin("cpus");
  w.cell("#address-cells", 1);
  w.cell("#size-cells", 0);
  w.cell("timebase-frequency", static_cast<uint32_t>(virt::kTimebaseHz));
  for (unsigned hart = 0; hart < harts; ++hart) {
    w.begin("cpu@" + std::to_string(hart));
    w.cell("phandle", virtCpuPhandle(hart));
    w.string("device_type", "cpu");
    w.cell("reg", hart);
    w.string("status", "okay");
    w.string("compatible", "riscv");
    w.string("riscv,isa", kIsaString);
    // The ISA again in the form kernels from 6.6 on prefer.
    w.string("riscv,isa-base", "rv64i");
    w.strings("riscv,isa-extensions",
              {"i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "zbs"});
    w.string("mmu-type", "riscv,sv48");
    w.begin("interrupt-controller");
    w.cell("#interrupt-cells", 1);
    w.empty("interrupt-controller");
    w.string("compatible", "riscv,cpu-intc");
    w.cell("phandle", virtIntcPhandle(hart));
    w.end();
    w.end(); // cpu@hart
  }
  w.begin("cpu-map");
  w.begin("cluster0");
  for (unsigned hart = 0; hart < harts; ++hart) {
    w.begin("core" + std::to_string(hart));
    w.cell("cpu", virtCpuPhandle(hart));
    w.end();
  }
  w.end();
  w.end();
  w.end(); // cpus

  w.begin("soc");
  w.cell("#address-cells", 2);
  w.cell("#size-cells", 2);
  w.string("compatible", "simple-bus");
  w.empty("ranges");

  w.begin(fdt::nodeName("rtc", virt::kRtcBase));
  w.cell("interrupts", virt::kRtcIrq);
  w.cell("interrupt-parent", kPlicPhandle);
  w.reg(virt::kRtcBase, devices::GoldfishRtc::kWindowSize);
  w.string("compatible", "google,goldfish-rtc");
  w.end();

  w.begin(fdt::nodeName("serial", virt::kUartBase));
  w.cell("interrupts", virt::kUartIrq);
  w.cell("interrupt-parent", kPlicPhandle);
  w.cell("clock-frequency", virt::kUartClockHz);
  w.reg(virt::kUartBase, devices::Uart16550::kWindowSize);
  w.string("compatible", "ns16550a");
  w.end();

  w.begin(fdt::nodeName("test", virt::kTestBase));
  w.cell("phandle", kTestPhandle);
  w.reg(virt::kTestBase, devices::SifiveTest::kWindowSize);
  w.strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
  w.end();

  for (unsigned slot = virt::kVirtioSlots; slot-- > 0;) {
    uint64_t base = virt::kVirtioBase + slot * virt::kVirtioStride;
    w.begin(fdt::nodeName("virtio_mmio", base));
    w.cell("interrupts", virt::kVirtioFirstIrq + slot);
    w.cell("interrupt-parent", kPlicPhandle);
    w.reg(base, virt::kVirtioStride);
    w.string("compatible", "virtio,mmio");
    w.end();
  }

  w.begin(fdt::nodeName("plic", virt::kPlicBase));
  w.cell("phandle", kPlicPhandle);
  w.cell("riscv,ndev", virt::kPlicNdev);
  w.reg(virt::kPlicBase, devices::Plic::kWindowSize);
  // Context 2h: hart h's M external interrupt (11), context 2h + 1: S (9).
  std::vector<uint32_t> plicInputs, clintInputs;
  for (unsigned hart = 0; hart < harts; ++hart) {
    plicInputs.insert(plicInputs.end(), {virtIntcPhandle(hart), 11, virtIntcPhandle(hart), 9});
    clintInputs.insert(clintInputs.end(), {virtIntcPhandle(hart), 3, virtIntcPhandle(hart), 7});
  }
  w.cells("interrupts-extended", plicInputs);
  w.empty("interrupt-controller");
  w.strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
  w.cell("#address-cells", 0);
  w.cell("#interrupt-cells", 1);
  w.end();

  w.begin(fdt::nodeName("clint", virt::kClintBase));
  // Each hart's M software (3) and M timer (7) interrupts.
  w.cells("interrupts-extended", clintInputs);
  w.reg(virt::kClintBase, devices::Clint::kWindowSize);
  w.strings("compatible", {"sifive,clint0", "riscv,clint0"});
  w.end();

  w.end(); // soc
  w.end(); // root
  llvm::Expected<std::vector<uint8_t>> tree = w.finish();
  if (!tree)
    return tree.takeError();
  return fdt::pad(*tree, "pad");
}

llvm::Expected<std::vector<uint8_t>> openDeviceTree(std::vector<uint8_t> blob,
                                                    const std::string &name) {
  if (blob.size() < sizeof(fdt_header) || fdt_check_header(blob.data()) != 0 ||
      fdt_totalsize(blob.data()) > blob.size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: not a flattened device tree (dtb) file", name.c_str());
  return fdt::pad(blob, name.c_str());
}

llvm::Error setChosen(std::vector<uint8_t> &tree, const ChosenSettings &settings) {
  void *fdt = tree.data();
  int chosen = fdt_path_offset(fdt, "/chosen");
  if (chosen == -FDT_ERR_NOTFOUND)
    chosen = fdt_add_subnode(fdt, 0, "chosen");
  if (chosen < 0)
    return fdt::fdtError("/chosen", chosen);
  if (!settings.bootargs.empty()) {
    if (int code = fdt_setprop_string(fdt, chosen, "bootargs", settings.bootargs.c_str()); code < 0)
      return fdt::fdtError("bootargs", code);
  }
  if (settings.initrd) {
    if (int code = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", settings.initrd->first);
        code < 0)
      return fdt::fdtError("linux,initrd-start", code);
    if (int code = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", settings.initrd->second);
        code < 0)
      return fdt::fdtError("linux,initrd-end", code);
  }
  return llvm::Error::success();
}

} // namespace tiercel::system
