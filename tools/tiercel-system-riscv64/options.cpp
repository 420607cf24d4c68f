// Option parsing for tiercel-system-riscv64 (see options.h). One table lists
// every option with its help line; parsing and --help both come from it.
#include "tools/tiercel-system-riscv64/options.h"

#include <algorithm>

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace tiercel::tools {

namespace {

enum class OptionId {
  Help,
  Version,
  Machine,
  Memory,
  Bios,
  Kernel,
  Initrd,
  Append,
  Dtb,
  Nographic,
  Display,
  Serial,
  NoReboot,
  Smp, // smp_options.cpp
  Accel,
  Log,
  LogFile,
  Tier,
  Drive,
  Device,
  Netdev, // net_options.cpp
  Nic,
  Chardev,
  Unimplemented, // QEMU options for devices this board does not have yet
};

struct OptionSpec {
  OptionId id;
  const char *name;     // without leading dashes
  const char *argument; // nullptr: a flag
  const char *help;
};

constexpr OptionSpec kOptions[] = {
    {OptionId::Help, "help", nullptr, "print this help and exit"},
    {OptionId::Help, "h", nullptr, "same as -help"},
    {OptionId::Version, "version", nullptr, "print the version and exit"},
    {OptionId::Machine, "machine", "virt|spike[,dumpdtb=FILE]",
     "the board: virt (QEMU's riscv64 virt machine) or spike (RAM, CLINT and HTIF, for "
     "bare-metal tests); dumpdtb writes its device tree to FILE and exits"},
    {OptionId::Machine, "M", "virt|spike[,dumpdtb=FILE]", "same as -machine"},
    {OptionId::Memory, "m", "size",
     "guest RAM at 0x80000000, K/M/G suffixes allowed, plain numbers in MiB (default 128M)"},
    {OptionId::Bios, "bios", "file|default|none",
     "the M-mode firmware: a raw binary loaded at 0x80000000 or an ELF file; default: Debian's "
     "OpenSBI (fw_dynamic); none: the kernel is started in M-mode at 0x80000000"},
    {OptionId::Kernel, "kernel", "file",
     "the kernel: a raw image (Linux's Image) at the first 2 MiB boundary after the firmware, or "
     "an ELF file at its addresses"},
    {OptionId::Initrd, "initrd", "file", "initial RAM disk, placed at the top of RAM"},
    {OptionId::Append, "append", "args", "the kernel command line (/chosen/bootargs)"},
    {OptionId::Dtb, "dtb", "file", "use this device tree instead of the board's"},
    {OptionId::Nographic, "nographic", nullptr,
     "no window: the console is the UART on stdin/stdout (a -device simple-framebuffer "
     "still exists, unseen)"},
    {OptionId::Display, "display", "sdl|none|png:FILE|help",
     "where the framebuffer is shown: sdl (a window; ,screendump=FILE), none, png:FILE "
     "(headless: a PNG screenshot at the end, on SIGUSR1 and with ,interval=SECONDS every so "
     "often); sdl and png add a 640x480 framebuffer if no -device simple-framebuffer gives one"},
    {OptionId::Serial, "serial", "mon:stdio|stdio", "the UART's host end (stdin/stdout)"},
    {OptionId::NoReboot, "no-reboot", nullptr,
     "exit when the guest reboots (default: reboot the board)"},
    {OptionId::Smp, "smp", "[cpus=]N|help",
     "number of harts, 1 to 8 (virt; spike has 1), each on its own host thread ('-smp help')"},
    {OptionId::Accel, "accel", "tcg[,thread=multi]",
     "accepted for QEMU's command lines: harts always run one host thread each"},
    {OptionId::Log, "d", "items",
     "log items, comma separated: int, mmu, guest_errors, unimp, in_asm, exec, cpu, fpu, stats "
     "('-d help' lists them)"},
    {OptionId::LogFile, "D", "logfile", "write the -d log here (default stderr)"},
    {OptionId::Tier, "tier", "tier",
     "execution tier: interp (the reference interpreter, the only one in system mode so far)"},
    {OptionId::Drive, "drive", "file=PATH[,format=raw][,if=none|virtio][,id=ID][,readonly=on]",
     "a raw disk image: if=none is attached by -device virtio-blk-device,drive=ID; if=virtio "
     "gets a virtio-blk device of its own"},
    {OptionId::Device, "device", "TYPE[,prop=value...]",
     "a virtio-mmio device: virtio-blk-device,drive=ID[,serial=S], virtio-rng-device, "
     "virtio-keyboard-device, virtio-mouse-device, virtio-tablet-device; or the framebuffer: "
     "simple-framebuffer[,xres=W,yres=H] ('-device help' lists them)"},
    {OptionId::Netdev, "netdev", "user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...",
     "user-mode networking (slirp) for -device virtio-net-device,netdev=ID[,mac=MAC] "
     "('-netdev help')"},
    {OptionId::Nic, "nic", "user[,hostfwd=...][,mac=MAC]|none",
     "a virtio-net-device on its own user-mode network (-netdev user and -device in one)"},
    {OptionId::Chardev, "chardev", "stdio,id=ID[,mux=on]",
     "the stdio console as a chardev, for -serial chardev:ID and -device virtconsole,chardev=ID"},
};

struct LogItem {
  const char *name;
  bool SystemCommandLine::*flag;
  const char *help;
};

constexpr LogItem kLogItems[] = {
    {"int", &SystemCommandLine::logInt, "every exception and interrupt taken (QEMU's format)"},
    {"mmu", &SystemCommandLine::logMmu, "page faults with satp, and sfence.vma flushes"},
    {"guest_errors", &SystemCommandLine::logGuestErrors,
     "guest accesses to unmapped physical memory or that a device refused"},
    {"unimp", &SystemCommandLine::logUnimp,
     "illegal instructions, unknown CSRs included (the firmware probes some)"},
    {"in_asm", &SystemCommandLine::logInAsm, "each block's guest code when it is decoded"},
    {"exec", &SystemCommandLine::logExec, "each block's pc as it runs"},
    {"cpu", &SystemCommandLine::logCpu, "the registers at each block entry"},
    {"fpu", &SystemCommandLine::logFpu, "the FP registers in the -d cpu dump"},
    {"stats", &SystemCommandLine::logStats,
     "at exit: instructions, run time, MIPS, traps, wfi sleeps"},
};

llvm::Error optionError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

const OptionSpec *findOption(llvm::StringRef name) {
  for (const OptionSpec &spec : kOptions)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

llvm::Error parseLogItems(SystemCommandLine &line, llvm::StringRef items) {
  llvm::SmallVector<llvm::StringRef, 8> names;
  items.split(names, ',', -1, false);
  for (llvm::StringRef name : names) {
    if (name == "help") {
      line.logHelp = true;
      continue;
    }
    bool found = false;
    for (const LogItem &item : kLogItems)
      if (name == item.name) {
        line.*item.flag = true;
        found = true;
      }
    if (!found)
      return optionError("-d: unknown log item '" + name.str() + "' ('-d help' lists them)");
  }
  return llvm::Error::success();
}

llvm::Error parseMachine(SystemCommandLine &line, llvm::StringRef value) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  value.split(parts, ',');
  llvm::StringRef type = parts.empty() ? "" : parts[0];
  type.consume_front("type="); // QEMU's long form
  if (type != "virt" && type != "spike")
    return optionError("-machine: unknown machine '" + type.str() +
                       "' (this tool has: virt, spike)");
  line.machine = type.str();
  for (size_t i = 1; i < parts.size(); ++i) {
    llvm::StringRef property = parts[i];
    if (property.consume_front("dumpdtb=") && !property.empty())
      line.dumpDtb = property.str();
    else
      return optionError("-machine: unknown property '" + parts[i].str() + "' (" + type.str() +
                         " has: dumpdtb=FILE)");
  }
  return llvm::Error::success();
}

// ---- -drive and -device ----

constexpr unsigned kVirtioSlots = 8; // the virt board's virtio-mmio slots

} // namespace

// QEMU's option-list syntax (options.h): comma-separated key=value pairs;
// ",," stands for a comma inside a value (a file name with a comma in it).
std::vector<OptionPair> splitOptionList(llvm::StringRef text) {
  std::vector<OptionPair> pairs;
  std::string current;
  auto flush = [&] {
    OptionPair pair;
    size_t equals = current.find('=');
    if (equals == std::string::npos) {
      pair.key = current;
    } else {
      pair.key = current.substr(0, equals);
      pair.value = current.substr(equals + 1);
      pair.hasValue = true;
    }
    pairs.push_back(std::move(pair));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ',') {
      current.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == ',') {
      current.push_back(',');
      ++i;
    } else {
      flush();
    }
  }
  flush();
  return pairs;
}

namespace {

// QEMU's -drive keys this board does not implement: accepted by QEMU, so
// they are "unimplemented" here rather than unknown.
constexpr const char *kUnimplementedDriveKeys[] = {"cache",        "aio",
                                                   "discard",      "detect-zeroes",
                                                   "snapshot",     "index",
                                                   "bus",          "unit",
                                                   "werror",       "rerror",
                                                   "copy-on-read", "throttling.iops-total",
                                                   "node-name",    "auto-read-only",
                                                   "bps",          "iops"};

llvm::Error parseDrive(SystemCommandLine &line, const std::string &text) {
  auto fail = [&](const std::string &why) { return optionError("-drive " + text + ": " + why); };
  DriveSpec drive;
  drive.text = text;
  std::string format = "raw", interface;
  bool haveFile = false, haveId = false;
  for (const OptionPair &pair : splitOptionList(text)) {
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not key=value (the image is given as file=PATH)");
    if (pair.key == "file") {
      if (pair.value.empty())
        return fail("file= is empty");
      drive.file = pair.value;
      haveFile = true;
    } else if (pair.key == "format") {
      format = pair.value;
    } else if (pair.key == "if") {
      interface = pair.value;
    } else if (pair.key == "id") {
      if (pair.value.empty())
        return fail("id= is empty");
      drive.id = pair.value;
      haveId = true;
    } else if (pair.key == "readonly") {
      if (pair.value != "on" && pair.value != "off")
        return fail("readonly expects 'on' or 'off', not '" + pair.value + "'");
      drive.readOnly = pair.value == "on";
    } else if (pair.key == "media") {
      if (pair.value != "disk") {
        line.unimplemented.push_back("-drive media=" + pair.value + " (disks only)");
        return llvm::Error::success();
      }
    } else if (llvm::is_contained(kUnimplementedDriveKeys, llvm::StringRef(pair.key))) {
      line.unimplemented.push_back("-drive " + pair.key + "=" + pair.value);
      return llvm::Error::success();
    } else {
      return fail("unknown key '" + pair.key +
                  "' (this board knows file, format, if, id, readonly, media)");
    }
  }
  if (!haveFile)
    return fail("no file= (the disk image)");
  if (format != "raw") {
    line.unimplemented.push_back("-drive format=" + format + " (raw images only)");
    return llvm::Error::success();
  }
  if (interface.empty())
    return fail("no if= (give if=virtio, or if=none,id=ID with -device virtio-blk-device,drive=ID; "
                "QEMU's default interface attaches nothing on this board)");
  if (interface == "virtio") {
    drive.interface = DriveSpec::Interface::Virtio;
  } else if (interface == "none") {
    drive.interface = DriveSpec::Interface::None;
  } else if (interface == "ide" || interface == "scsi" || interface == "sd" || interface == "mtd" ||
             interface == "floppy" || interface == "pflash" || interface == "xen") {
    line.unimplemented.push_back("-drive if=" + interface + " (this board has virtio only)");
    return llvm::Error::success();
  } else {
    return fail("unknown interface if=" + interface + " (none, virtio)");
  }
  if (!haveId) {
    // QEMU's automatic name: the interface and a count per interface.
    unsigned unit = 0;
    for (const DriveSpec &other : line.drives)
      unit += other.interface == drive.interface ? 1 : 0;
    drive.id = interface + std::to_string(unit);
  }
  for (const DriveSpec &other : line.drives)
    if (other.id == drive.id)
      return fail("duplicate drive id '" + drive.id + "'");
  line.drives.push_back(std::move(drive));
  return llvm::Error::success();
}

struct DeviceType {
  const char *name;
  VirtioDeviceSpec::Type type;
  const char *help;
};

constexpr DeviceType kDeviceTypes[] = {
    {"virtio-blk-device", VirtioDeviceSpec::Type::Blk,
     "a disk: drive=ID (an if=none -drive), serial=S (its ID string)"},
    {"virtio-rng-device", VirtioDeviceSpec::Type::Rng,
     "an entropy source filled from the host's getrandom()"},
    {"virtio-keyboard-device", VirtioDeviceSpec::Type::Keyboard,
     "a keyboard fed by the display window's keys (serial=S)"},
    {"virtio-mouse-device", VirtioDeviceSpec::Type::Mouse,
     "a relative mouse fed by the window (click to grab, Ctrl-Alt-G releases; serial=S)"},
    {"virtio-tablet-device", VirtioDeviceSpec::Type::Tablet,
     "an absolute pointer that follows the host pointer over the window (serial=S)"},
    {"virtio-net-device", VirtioDeviceSpec::Type::Net,
     "a network card: netdev=ID (a -netdev user), mac=52:54:00:12:34:56 (the default, then "
     ":57, ...)"},
    {"virtio-serial-device", VirtioDeviceSpec::Type::Console,
     "a virtio console with one port, the guest's hvc0: it shares the stdio console with the "
     "UART (input goes where -append's last console= says, Ctrl-A c switches); "
     "virtconsole[,chardev=ID] after it is accepted (chardev: a -chardev stdio)"},
};

// The framebuffer is no virtio device (devices/framebuffer.h): its own
// -device type, outside the virtio-mmio slots.
constexpr const char *kFramebufferDevice = "simple-framebuffer";
constexpr const char *kFramebufferHelp =
    "the framebuffer (fbcon in Linux): xres=W, yres=H (default 640x480); -display shows it";

bool isInputType(VirtioDeviceSpec::Type type) {
  return type == VirtioDeviceSpec::Type::Keyboard || type == VirtioDeviceSpec::Type::Mouse ||
         type == VirtioDeviceSpec::Type::Tablet;
}

// "virtio-blk-device, virtio-rng-device, ...": every -device type, for messages.
std::string deviceTypeList() {
  std::string list;
  for (const DeviceType &type : kDeviceTypes)
    list += std::string(type.name) + ", ";
  return list + kFramebufferDevice;
}

llvm::Error parseFramebufferDevice(SystemCommandLine &line, const std::string &text,
                                   const std::vector<OptionPair> &pairs) {
  auto fail = [&](const std::string &why) { return optionError("-device " + text + ": " + why); };
  if (line.framebuffer)
    return fail("the board has one framebuffer, and -device " + line.framebuffer->text +
                " gives it already");
  FramebufferSpec framebuffer;
  framebuffer.text = text;
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not property=value");
    if (pair.key == "id")
      continue;
    uint32_t *side = pair.key == "xres"   ? &framebuffer.width
                     : pair.key == "yres" ? &framebuffer.height
                                          : nullptr;
    if (side == nullptr)
      return fail("unknown property '" + pair.key + "' of " + kFramebufferDevice +
                  " (it has xres, yres, id)");
    if (llvm::StringRef(pair.value).getAsInteger(10, *side) || *side < 16 || *side > 4096)
      return fail(pair.key + " must be a number of pixels from 16 to 4096, not '" + pair.value +
                  "'");
  }
  line.framebuffer = framebuffer;
  return llvm::Error::success();
}

// QEMU device types this board does not have (yet): "unimplemented", not
// unknown. The PCI ones need a PCI bus, which the virt board here lacks.
constexpr const char *kUnimplementedDeviceTypes[] = {
    "virtio-gpu-device",     "virtio-9p-device",         "virtio-scsi-device",
    "virtio-balloon-device", "virtio-input-host-device", "ramfb"};

llvm::Error parseDevice(SystemCommandLine &line, const std::string &text,
                        std::vector<VirtioDeviceSpec> &devices) {
  auto fail = [&](const std::string &why) { return optionError("-device " + text + ": " + why); };
  std::vector<OptionPair> pairs = splitOptionList(text);
  std::string typeName = pairs.front().hasValue && pairs.front().key == "driver"
                             ? pairs.front().value
                             : pairs.front().key;
  if (pairs.front().hasValue && pairs.front().key != "driver")
    return fail("the device type comes first (e.g. virtio-blk-device,drive=ID)");
  if (typeName == "help" || typeName == "?") {
    line.deviceHelp = true;
    return llvm::Error::success();
  }
  if (typeName == kFramebufferDevice)
    return parseFramebufferDevice(line, text, pairs);
  if (typeName == "virtconsole" || typeName == "virtserialport")
    return parseConsolePort(line, text, pairs, devices); // net_options.cpp
  const DeviceType *type = nullptr;
  for (const DeviceType &candidate : kDeviceTypes)
    if (typeName == candidate.name)
      type = &candidate;
  if (type == nullptr) {
    llvm::StringRef name(typeName);
    if (name.ends_with("-pci") || name == "virtio-blk" || name == "virtio-rng" ||
        name == "virtio-net" || name == "virtio-serial") {
      std::string mmio = (name.ends_with("-pci") ? name.drop_back(4) : name).str() + "-device";
      return fail("this board has no PCI bus: use " + mmio + " (virtio-mmio)");
    }
    if (llvm::is_contained(kUnimplementedDeviceTypes, name)) {
      line.unimplemented.push_back("-device " + typeName);
      return llvm::Error::success();
    }
    return fail("unknown device type '" + typeName + "' (this board has: " + deviceTypeList() +
                "; '-device help')");
  }
  VirtioDeviceSpec device;
  device.type = type->type;
  device.text = text;
  if (device.type == VirtioDeviceSpec::Type::Net || device.type == VirtioDeviceSpec::Type::Console)
    return parseNetworkOrConsoleDevice(line, text, pairs, std::move(device), devices);
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not property=value");
    if (pair.key == "id")
      continue; // a name for QEMU's monitor; nothing refers to it here
    if (device.type == VirtioDeviceSpec::Type::Blk && pair.key == "drive") {
      if (pair.value.empty())
        return fail("drive= is empty");
      device.driveId = pair.value; // resolved once every -drive is known, as QEMU does
    } else if ((device.type == VirtioDeviceSpec::Type::Blk || isInputType(device.type)) &&
               pair.key == "serial") {
      device.serial = pair.value;
    } else {
      return fail("unknown property '" + pair.key + "' of " + typeName +
                  (device.type == VirtioDeviceSpec::Type::Blk ? " (it has drive, serial, id)"
                   : isInputType(device.type)                 ? " (it has serial, id)"
                                                              : " (it has id)"));
    }
  }
  if (device.type == VirtioDeviceSpec::Type::Blk && device.driveId.empty())
    return fail("drive property not set (drive=ID of an if=none -drive)");
  devices.push_back(std::move(device));
  return llvm::Error::success();
}

// ---- -display ----

struct DisplayType {
  const char *name;
  const char *help;
};

constexpr DisplayType kDisplayTypes[] = {
    {"sdl", "a window (SDL2) showing the framebuffer scaled to its size; keys, pointer,\n"
            "buttons and wheel go to the virtio keyboard, mouse and tablet devices;\n"
            "a click grabs the pointer for a mouse, Ctrl-Alt-G releases it; closing\n"
            "the window quits. Option: screendump=FILE (a PNG on SIGUSR1 and at the end)"},
    {"none", "no window (a -device simple-framebuffer is still there for the guest)"},
    {"png:FILE", "no window, no X server: a PNG screenshot to FILE when the machine stops\n"
                 "and on SIGUSR1 (written whole, then renamed into place). Option:\n"
                 "interval=SECONDS (also rewritten that often while the picture changes)"},
};

// QEMU display types this tool lacks: "unimplemented", not unknown.
constexpr const char *kUnimplementedDisplayTypes[] = {"gtk", "curses", "vnc", "egl-headless",
                                                      "spice-app", "dbus", "cocoa"};

llvm::Error parseDisplay(SystemCommandLine &line, const std::string &text) {
  auto fail = [&](const std::string &why) { return optionError("-display " + text + ": " + why); };
  std::vector<OptionPair> pairs = splitOptionList(text);
  llvm::StringRef type = pairs.front().key;
  if (pairs.front().hasValue)
    return fail("the display type comes first (sdl, none, png:FILE)");
  DisplaySpec display;
  display.text = text;
  if (type == "help" || type == "?") {
    line.displayHelp = true;
    return llvm::Error::success();
  }
  if (type == "sdl") {
    display.type = DisplaySpec::Type::Sdl;
  } else if (type == "none") {
    display.type = DisplaySpec::Type::None;
  } else if (type.consume_front("png:") || type == "png") {
    if (type.empty() || type == "png")
      return fail("png needs a file: -display png:FILE");
    display.type = DisplaySpec::Type::Png;
    display.screendump = type.str();
  } else if (llvm::is_contained(kUnimplementedDisplayTypes, type.split(':').first)) {
    line.unimplemented.push_back("-display " + type.str() + " (this tool has sdl, none, png:FILE)");
    return llvm::Error::success();
  } else {
    return fail("unknown display type '" + type.str() + "' ('-display help' lists them)");
  }
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (display.type == DisplaySpec::Type::Sdl && pair.key == "screendump" && pair.hasValue &&
        !pair.value.empty()) {
      display.screendump = pair.value;
    } else if (display.type == DisplaySpec::Type::Png && pair.key == "interval" &&
               pair.hasValue) {
      double seconds = 0;
      if (llvm::StringRef(pair.value).getAsDouble(seconds) || !(seconds >= 0.05) ||
          seconds > 86400)
        return fail("interval is in seconds, from 0.05 to 86400, not '" + pair.value + "'");
      display.intervalMs = static_cast<unsigned>(seconds * 1000 + 0.5);
    } else {
      const char *has = display.type == DisplaySpec::Type::Sdl   ? "screendump=FILE"
                        : display.type == DisplaySpec::Type::Png ? "interval=SECONDS"
                                                                 : "no options";
      return fail("unknown option '" + pair.key + "' (" + type.str() + " has " + has + ")");
    }
  }
  line.display = display;
  return llvm::Error::success();
}

// Checks the drive references and puts the devices in slot order: the
// -device ones, then each if=virtio drive's own virtio-blk.
llvm::Error assignVirtioDevices(SystemCommandLine &line, std::vector<VirtioDeviceSpec> devices) {
  // A drive or device left out as unimplemented would make the checks
  // below misleading; the caller reports the unimplemented part instead.
  if (!line.unimplemented.empty())
    return llvm::Error::success();
  std::vector<int> users(line.drives.size(), 0);
  for (VirtioDeviceSpec &device : devices) {
    if (device.type != VirtioDeviceSpec::Type::Blk)
      continue;
    auto found = std::find_if(line.drives.begin(), line.drives.end(),
                              [&](const DriveSpec &drive) { return drive.id == device.driveId; });
    if (found == line.drives.end())
      return optionError("-device " + device.text + ": no -drive with id '" + device.driveId + "'");
    device.drive = static_cast<int>(found - line.drives.begin());
    const DriveSpec &drive = *found;
    if (drive.interface == DriveSpec::Interface::Virtio)
      return optionError("-device " + device.text + ": drive '" + drive.id +
                         "' already has a device of its own (if=virtio); give it if=none");
    if (users[static_cast<size_t>(device.drive)]++ > 0)
      return optionError("-device " + device.text + ": drive '" + drive.id +
                         "' is already in use by another device");
  }
  for (size_t index = 0; index < line.drives.size(); ++index) {
    const DriveSpec &drive = line.drives[index];
    if (drive.interface == DriveSpec::Interface::Virtio) {
      VirtioDeviceSpec device;
      device.type = VirtioDeviceSpec::Type::Blk;
      device.text = "virtio-blk-device,drive=" + drive.id + " (from -drive " + drive.text + ")";
      device.driveId = drive.id;
      device.drive = static_cast<int>(index);
      devices.push_back(std::move(device));
    } else if (users[index] == 0) {
      line.warnings.push_back("-drive " + drive.text + ": no device uses drive '" + drive.id +
                              "' (attach it with -device virtio-blk-device,drive=" + drive.id +
                              ")");
    }
  }
  if (devices.size() > kVirtioSlots)
    return optionError("too many virtio devices: " + std::to_string(devices.size()) +
                       " (-device and if=virtio drives; the board has " +
                       std::to_string(kVirtioSlots) + " virtio-mmio slots)");
  line.virtioDevices = std::move(devices);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<uint64_t> parseRamSize(const std::string &text) {
  llvm::StringRef value(text);
  value.consume_front("size=");
  auto bad = [&] { return optionError("-m: bad size '" + text + "' (e.g. 128M, 1G)"); };
  if (value.empty())
    return bad();
  uint64_t multiplier = uint64_t{1} << 20; // QEMU: plain numbers are MiB
  char suffix = static_cast<char>(llvm::toUpper(value.back()));
  if (!llvm::isDigit(value.back())) {
    value = value.drop_back();
    value.consume_back("i"); // "128Mi" is not QEMU's, but unambiguous
    switch (suffix) {
    case 'B': multiplier = 1; break;
    case 'K': multiplier = uint64_t{1} << 10; break;
    case 'M': multiplier = uint64_t{1} << 20; break;
    case 'G': multiplier = uint64_t{1} << 30; break;
    case 'T': multiplier = uint64_t{1} << 40; break;
    default: return bad();
    }
  }
  uint64_t number;
  if (value.getAsInteger(10, number) || number == 0 || number > (~uint64_t{0} >> 1) / multiplier)
    return bad();
  uint64_t bytes = number * multiplier;
  if (bytes % 4096 != 0)
    return optionError("-m: " + text + " is not a multiple of 4 KiB");
  if (bytes < (uint64_t{2} << 20))
    return optionError("-m: " + text + " is too small (at least 2M)");
  if (bytes > (uint64_t{64} << 30))
    return optionError("-m: " + text + " is too large (at most 64G)");
  return bytes;
}

llvm::Expected<SystemCommandLine> parseSystemCommandLine(const std::vector<std::string> &args) {
  SystemCommandLine line;
  std::vector<VirtioDeviceSpec> devices; // the -device ones, before if=virtio drives join
  for (size_t index = 1; index < args.size(); ++index) {
    llvm::StringRef arg = args[index];
    if (!arg.starts_with("-") || arg == "-")
      return optionError("unexpected argument '" + arg.str() +
                         "' (the kernel is given with -kernel)");
    llvm::StringRef name = arg.drop_front(arg.starts_with("--") ? 2 : 1);
    std::optional<std::string> inlineValue;
    if (size_t equals = name.find('='); equals != llvm::StringRef::npos) {
      inlineValue = name.substr(equals + 1).str();
      name = name.substr(0, equals);
    }
    const OptionSpec *spec = findOption(name);
    if (spec == nullptr)
      return optionError("unknown option '" + arg.str() + "'");
    std::string value;
    if (spec->argument != nullptr) {
      if (inlineValue) {
        value = *inlineValue;
      } else {
        if (index + 1 >= args.size())
          return optionError("option '-" + std::string(spec->name) + "' needs an argument (" +
                             spec->argument + ")");
        value = args[++index];
      }
    } else if (inlineValue) {
      return optionError("option '-" + std::string(spec->name) + "' takes no argument");
    }
    switch (spec->id) {
    case OptionId::Help: line.help = true; break;
    case OptionId::Version: line.version = true; break;
    case OptionId::Machine:
      if (llvm::Error error = parseMachine(line, value))
        return std::move(error);
      break;
    case OptionId::Memory: {
      auto bytes = parseRamSize(value);
      if (!bytes)
        return bytes.takeError();
      line.ramBytes = *bytes;
      break;
    }
    case OptionId::Bios: line.bios = value; break;
    case OptionId::Kernel: line.kernel = value; break;
    case OptionId::Initrd: line.initrd = value; break;
    case OptionId::Append: line.append = value; break;
    case OptionId::Dtb: line.dtb = value; break;
    case OptionId::Nographic: line.nographic = true; break;
    case OptionId::Display:
      if (llvm::Error error = parseDisplay(line, value))
        return std::move(error);
      break;
    case OptionId::Serial:
      if (llvm::StringRef(value).starts_with("chardev:"))
        noteSerialChardev(line, value.substr(8)); // net_options.h: a -chardev stdio
      else if (value != "mon:stdio" && value != "stdio")
        line.unimplemented.push_back("-serial " + value +
                                     " (only mon:stdio, stdio and chardev:ID of a -chardev stdio)");
      break;
    case OptionId::NoReboot: line.noReboot = true; break;
    case OptionId::Smp:
      if (llvm::Error error = parseSmp(line, value))
        return std::move(error);
      break;
    case OptionId::Accel:
      if (llvm::Error error = parseAccel(line, value))
        return std::move(error);
      break;
    case OptionId::Log:
      if (llvm::Error error = parseLogItems(line, value))
        return std::move(error);
      break;
    case OptionId::LogFile: line.logFile = value; break;
    case OptionId::Tier:
      if (value != "interp" && value != "baseline" && value != "tiered" && value != "llvm")
        return optionError("unknown tier '" + value +
                           "' (interp, baseline, tiered, llvm; system mode runs interp)");
      line.tier = value;
      if (value != "interp")
        line.unimplemented.push_back("tier " + value + " in system mode");
      break;
    case OptionId::Drive:
      if (llvm::Error error = parseDrive(line, value))
        return std::move(error);
      break;
    case OptionId::Device:
      if (llvm::Error error = parseDevice(line, value, devices))
        return std::move(error);
      break;
    case OptionId::Netdev:
      if (llvm::Error error = parseNetdev(line, value))
        return std::move(error);
      break;
    case OptionId::Nic:
      if (llvm::Error error = parseNic(line, value))
        return std::move(error);
      break;
    case OptionId::Chardev:
      if (llvm::Error error = parseChardev(line, value))
        return std::move(error);
      break;
    case OptionId::Unimplemented:
      line.unimplemented.push_back("-" + std::string(spec->name) + " " + value);
      break;
    }
  }
  checkSmpMachine(line);
  if (llvm::Error error = resolveNetworkDevices(line, devices))
    return std::move(error);
  if (llvm::Error error = assignVirtioDevices(line, std::move(devices)))
    return std::move(error);
  // QEMU's rule: -nographic means no display at all.
  if (line.nographic && line.display.type != DisplaySpec::Type::Default &&
      line.display.type != DisplaySpec::Type::None)
    return optionError("-nographic cannot be used with -display " + line.display.text);
  if (line.nographic)
    line.display.type = DisplaySpec::Type::None;
  // A window or a screenshot needs a picture: a framebuffer of the default
  // size unless -device simple-framebuffer gave one.
  if ((line.display.type == DisplaySpec::Type::Sdl ||
       line.display.type == DisplaySpec::Type::Png) &&
      !line.framebuffer) {
    line.framebuffer = FramebufferSpec{};
    line.framebuffer->text = kFramebufferDevice + std::string(" (from -display ") +
                             line.display.text + ")";
  }
  return line;
}

unsigned virtioSlotOf(size_t index) { return kVirtioSlots - 1 - static_cast<unsigned>(index); }

std::string systemUsageText() {
  std::string text =
      "usage: tiercel-system-riscv64 -machine virt [options]\n"
      "       tiercel-system-riscv64 -machine spike -bios none -kernel TEST\n"
      "Emulates QEMU's riscv64 virt board (1 to 8 RV64GC harts with M/S/U modes, Sv39/Sv48) and\n"
      "boots firmware and a kernel on it, like qemu-system-riscv64; or the spike board, which\n"
      "runs a bare-metal test and exits with the status it reports through HTIF.\n\n"
      "Options:\n";
  for (const OptionSpec &spec : kOptions) {
    if (spec.id == OptionId::Unimplemented)
      continue;
    std::string left = "  -" + std::string(spec.name);
    if (spec.argument != nullptr)
      left += " " + std::string(spec.argument);
    text += left;
    text += left.size() < 28 ? std::string(28 - left.size(), ' ') : "\n" + std::string(28, ' ');
    text += spec.help;
    text += "\n";
  }
  text += "\nConsole keys (escape Ctrl-A): C-a x quits, C-a h lists the keys, C-a C-a sends C-a,\n"
          "C-a c switches input between the UART and the virtio consoles.\n"
          "Exit status: the guest's power-off code (0 for a clean power-off; on spike, the\n"
          "HTIF exit code), 0 after C-a x, 128+N after signal N.\n";
  return text;
}

std::string systemDeviceTypesText() {
  std::string text = "Devices (-device TYPE,...), on the virt board's virtio-mmio slots:\n";
  for (const DeviceType &type : kDeviceTypes) {
    std::string name = "  " + std::string(type.name);
    text += name + std::string(name.size() < 26 ? 26 - name.size() : 1, ' ') + type.help + "\n";
  }
  text += "Other devices:\n";
  std::string name = "  " + std::string(kFramebufferDevice);
  text += name + std::string(name.size() < 26 ? 26 - name.size() : 1, ' ') + kFramebufferHelp +
          "\n";
  return text;
}

std::string systemDisplayTypesText() {
  std::string text = "Display types (-display TYPE[,option=value...]):\n";
  for (const DisplayType &type : kDisplayTypes) {
    std::string name = "  " + std::string(type.name);
    std::string help = type.help;
    for (size_t at = help.find('\n'); at != std::string::npos; at = help.find('\n', at + 1))
      help.insert(at + 1, 12, ' ');
    text += name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + help + "\n";
  }
  text += "Without -display: none, or sdl when there is a -device simple-framebuffer (falling\n"
          "back to none when no window can be opened). -nographic is -display none.\n";
  return text;
}

std::string systemLogItemsText() {
  std::string text = "Log items (-d item,...):\n";
  for (const LogItem &item : kLogItems) {
    std::string name = "  " + std::string(item.name);
    text += name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') + item.help + "\n";
  }
  return text;
}

} // namespace tiercel::tools
