// Command line of tiercel-system-riscv64: the qemu-system-riscv64 options
// the virt and spike boards support, plus Tiercel's --tier. Options may be spelled
// -opt or --opt, with the value as the next argument or after '='.
// Options this tool knows from QEMU but does not implement yet (-netdev tap,
// -smp N > 1 on spike, JIT tiers, QEMU -drive keys and -device types it
// lacks) are parsed and reported as "unimplemented: ..." by the caller,
// which exits 1. -smp and -accel: smp_options.h.
//
// -drive and -device follow QEMU's syntax (key=value lists, ",," for a
// comma inside a value) and semantics: an if=none drive is attached by a
// -device naming its id; an if=virtio drive gets a virtio-blk device of its
// own. The virtio devices fill the board's virtio-mmio slots in QEMU's
// order (see SystemCommandLine::virtioDevices).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/tiercel-system-riscv64/net_options.h"
#include "tools/tiercel-system-riscv64/smp_options.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace tiercel::tools {

// One -drive.
struct DriveSpec {
  enum class Interface : uint8_t { None, Virtio };
  std::string text; // the -drive argument as given, for messages
  std::string id;   // given, or QEMU's automatic name ("none0", "virtio1")
  std::string file;
  Interface interface = Interface::None;
  bool readOnly = false; // readonly=on
};

// One virtio device on the board, in slot-filling order.
struct VirtioDeviceSpec {
  enum class Type : uint8_t {
    Blk,
    Rng,
    Keyboard, // virtio-keyboard-device, virtio-mouse-device, virtio-tablet-device
    Mouse,
    Tablet,
    Net,     // virtio-net-device, -nic (net_options.h)
    Console, // virtio-serial-device: a virtio console with one port
  };
  Type type = Type::Blk;
  std::string text;    // the -device (or -drive if=virtio) argument, for messages
  std::string driveId; // Blk: drive=
  int drive = -1;      // Blk: index into SystemCommandLine::drives
  std::string serial;  // Blk: serial=, what the guest reads as the disk's ID; input: ID_SERIAL
  // Net: the -netdev it is plugged into (netdev=, an index into
  // SystemCommandLine::netdevs once resolved) and its MAC address.
  std::string netdevId;
  int netdev = -1;
  std::array<uint8_t, 6> mac{};
  bool macGiven = false;
  // Console: whether a -device virtconsole gave its port, and that port's
  // chardev= ("" for the stdio console, which is also what a chardev is).
  bool hasPort = false;
  std::string chardevId;
};

// QEMU's option-list syntax (-drive, -device, -netdev ...): comma-separated
// key=value pairs, ",," standing for a comma inside a value; `key` alone
// (hasValue false) for a bare word such as the -device type.
struct OptionPair {
  std::string key;
  std::string value;
  bool hasValue = false;
};
std::vector<OptionPair> splitOptionList(llvm::StringRef text);

// -display: where the framebuffer is shown (runtime/system/display.h).
struct DisplaySpec {
  enum class Type : uint8_t {
    Default, // no -display: none, or sdl when a framebuffer was asked for
    None,    // -display none, -nographic
    Sdl,     // -display sdl[,screendump=FILE]
    Png,     // -display png:FILE[,interval=SECONDS]: headless, screenshots to FILE
  };
  Type type = Type::Default;
  std::string text;       // the -display argument, for messages
  std::string screendump; // PNG file written at the end of the run and on SIGUSR1
  unsigned intervalMs = 0; // png: also every this often while the picture changes
};

// -device simple-framebuffer[,xres=W][,yres=H], or the one -display sdl|png
// implies.
struct FramebufferSpec {
  uint32_t width = 640, height = 480;
  std::string text;
};

struct SystemCommandLine {
  bool help = false;
  bool version = false;
  std::string machine = "virt";            // -machine/-M type
  std::string dumpDtb;                     // -machine virt,dumpdtb=FILE
  uint64_t ramBytes = uint64_t{128} << 20; // -m
  std::string bios = "default";            // -bios FILE|default|none
  std::string kernel, initrd, append, dtb;
  bool noReboot = false;     // -no-reboot
  unsigned smp = 1;          // -smp: harts, 1 to kMaxSmpHarts (smp_options.h)
  bool smpHelp = false;      // -smp help
  std::string accel = "tcg"; // -accel: tcg[,thread=multi]
  std::string tier = "interp";
  std::string logFile; // -D
  bool logInt = false, logMmu = false, logGuestErrors = false, logUnimp = false;
  bool logInAsm = false, logExec = false, logCpu = false, logFpu = false, logStats = false;
  bool logHelp = false;          // -d help
  bool deviceHelp = false;       // -device help
  std::vector<DriveSpec> drives; // every -drive, in order
  // The -device devices in command-line order, then one virtio-blk per
  // if=virtio drive in -drive order. QEMU's virt board fills its
  // virtio-mmio slots from the highest address down, so entry i goes to
  // slot 7 - i (0x10008000 - i * 0x1000) and the first disk is Linux's
  // /dev/vda. At most 8.
  std::vector<VirtioDeviceSpec> virtioDevices;
  DisplaySpec display;
  bool nographic = false;   // -nographic
  bool displayHelp = false; // -display help
  // The board's framebuffer: -device simple-framebuffer, else a default one
  // when -display is sdl or png.
  std::optional<FramebufferSpec> framebuffer;
  // -netdev networks (and those of -nic), their cards until resolved,
  // -chardev back ends, -serial chardev:ID (net_options.h).
  std::vector<NetdevSpec> netdevs;
  std::vector<VirtioDeviceSpec> nics;
  std::vector<ChardevSpec> chardevs;
  std::string serialChardev;
  bool netdevHelp = false;                // -netdev help
  bool chardevHelp = false;               // -chardev help
  std::vector<std::string> warnings;      // printed on stderr, not fatal
  std::vector<std::string> unimplemented; // options recognised but not implemented
};

llvm::Expected<SystemCommandLine> parseSystemCommandLine(const std::vector<std::string> &args);

// Parses a -m size: a number with an optional K/M/G/T suffix (no suffix:
// MiB, as QEMU), or "size=..." (QEMU's long form).
llvm::Expected<uint64_t> parseRamSize(const std::string &text);

// The virtio-mmio slot (0..7) of virtioDevices[index]: QEMU's order.
unsigned virtioSlotOf(size_t index);

std::string systemUsageText();
std::string systemDeviceTypesText();
std::string systemLogItemsText();
std::string systemDisplayTypesText();

} // namespace tiercel::tools
