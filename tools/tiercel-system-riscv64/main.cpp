// tiercel-system-riscv64: emulates QEMU's riscv64 virt board and boots
// firmware (OpenSBI) and a kernel on it, with qemu-system-riscv64's command
// line. The exit status is the guest's power-off code.
//
// The board is built anew for each boot: a guest reboot destroys it and
// builds another (unless -no-reboot, which makes a reboot end the run).
#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "devices/block_backend.h"
#include "devices/char_backend.h"
#include "devices/framebuffer.h"
#include "runtime/system/boot_loader.h"
#include "runtime/system/console_mux.h"
#include "runtime/system/display.h"
#include "runtime/system/slirp_network.h"
#include "runtime/system/spike_board.h"
#include "runtime/system/stdio_console.h"
#include "runtime/system/system_run_loop.h"
#include "runtime/system/virt_board.h"
#include "tools/tiercel-system-riscv64/options.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace {

using namespace tiercel;
using namespace tiercel::system;

constexpr const char *kTool = "tiercel-system-riscv64";
static_assert(tools::kMaxSmpHarts == board::kMaxHarts, "-smp's limit is the board's");
// Debian's opensbi package (generic platform, fw_dynamic).
constexpr const char *kDefaultBios = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";

int usageFailure(const std::string &message) {
  std::fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", kTool, message.c_str(),
               kTool);
  return 1;
}

int failure(const std::string &message) {
  std::fprintf(stderr, "%s: %s\n", kTool, message.c_str());
  return 1;
}

// Restores the terminal and dies of the same signal (a crash of the tool).
void fatalSignalHandler(int signal) {
  StdioConsole::restoreTerminalFromSignal();
  std::signal(signal, SIG_DFL);
  raise(signal);
}

// SIGINT, SIGTERM, SIGHUP are blocked in every thread and taken here: the
// run stops at the next block boundary and the terminal is restored on the
// normal way out.
void startSignalThread(StdioConsole &console, const sigset_t &signals) {
  std::thread([&console, signals] {
    for (;;) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0)
        continue;
      std::fprintf(stderr, "\r\n%s: terminating on signal %d\r\n", kTool, signal);
      console.requestQuit(128 + signal);
    }
  }).detach();
}

llvm::Expected<BootImages> readImages(const tools::SystemCommandLine &line) {
  BootImages images;
  auto read = [](const std::string &path, const char *role,
                 std::optional<BootFile> &into) -> llvm::Error {
    if (path.empty())
      return llvm::Error::success();
    auto file = readBootFile(path, role);
    if (!file)
      return file.takeError();
    into = std::move(*file);
    return llvm::Error::success();
  };
  std::string bios = line.bios == "default" ? kDefaultBios : line.bios == "none" ? "" : line.bios;
  if (llvm::Error error = read(bios, "firmware", images.firmware)) {
    if (line.bios == "default")
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "%s (-bios default is Debian's OpenSBI: install the "
                                     "opensbi package)",
                                     llvm::toString(std::move(error)).c_str());
    return std::move(error);
  }
  if (llvm::Error error = read(line.kernel, "kernel", images.kernel))
    return std::move(error);
  if (llvm::Error error = read(line.initrd, "initrd", images.initrd))
    return std::move(error);
  if (llvm::Error error = read(line.dtb, "device tree", images.deviceTree))
    return std::move(error);
  images.bootargs = line.append;
  images.rngSeed.resize(32);
  if (getrandom(images.rngSeed.data(), images.rngSeed.size(), 0) !=
      static_cast<ssize_t>(images.rngSeed.size()))
    images.rngSeed.clear();
  return images;
}

// The disk images of every -drive, opened once for the whole run (a guest
// reboot builds a new board on the same open, locked images).
llvm::Expected<std::vector<std::unique_ptr<devices::RawFileDisk>>>
openDrives(const tools::SystemCommandLine &line) {
  std::vector<std::unique_ptr<devices::RawFileDisk>> disks;
  for (const tools::DriveSpec &drive : line.drives) {
    auto disk = devices::RawFileDisk::open(drive.file, drive.readOnly);
    if (!disk)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "-drive %s: %s",
                                     drive.text.c_str(), llvm::toString(disk.takeError()).c_str());
    disks.push_back(std::move(*disk));
  }
  return disks;
}

// The -netdev networks, started once for the whole run (hostfwd ports stay
// bound across guest reboots); each board's virtio-net card attaches.
llvm::Expected<std::vector<std::unique_ptr<SlirpNetwork>>>
openNetworks(const tools::SystemCommandLine &line) {
  std::vector<std::unique_ptr<SlirpNetwork>> networks;
  for (const tools::NetdevSpec &netdev : line.netdevs) {
    auto network = SlirpNetwork::create(netdev.user);
    if (!network)
      return network.takeError();
    networks.push_back(std::move(*network));
  }
  return networks;
}

// The stdio console's ports (console_mux.h): the UART, then one per
// virtio-serial-device.
std::vector<std::string> consolePortNames(const tools::SystemCommandLine &line) {
  std::vector<std::string> names = {"the UART (ttyS0)"};
  size_t consoles = 0;
  for (const tools::VirtioDeviceSpec &spec : line.virtioDevices)
    consoles += spec.type == tools::VirtioDeviceSpec::Type::Console ? 1 : 0;
  for (size_t index = 0; index < consoles; ++index)
    names.push_back(consoles == 1 ? "the virtio console (hvc0)"
                                  : "virtio console " + std::to_string(index));
  return names;
}

// The port input starts on: the guest's /dev/console, which is what the
// kernel command line's last console= names (hvcN: virtio console N; no
// console=: the device tree's stdout-path, the UART).
size_t initialConsoleFocus(const tools::SystemCommandLine &line, size_t ports) {
  llvm::SmallVector<llvm::StringRef, 16> words;
  llvm::StringRef(line.append).split(words, ' ', -1, false);
  size_t focus = 0;
  for (llvm::StringRef word : words) {
    if (!word.consume_front("console="))
      continue;
    llvm::StringRef name = word.split(',').first;
    unsigned index = 0;
    focus = name.consume_front("hvc") && !name.getAsInteger(10, index) && index + 1 < ports
                ? index + 1
                : 0;
  }
  return focus;
}

VirtBoardConfig boardConfig(const tools::SystemCommandLine &line,
                            const std::vector<std::unique_ptr<devices::RawFileDisk>> &disks,
                            const std::vector<std::unique_ptr<SlirpNetwork>> &networks,
                            const std::vector<devices::CharBackend *> &virtioConsoles) {
  size_t consoles = 0;
  VirtBoardConfig config;
  config.ramSize = line.ramBytes;
  config.harts = line.smp;
  for (size_t index = 0; index < line.virtioDevices.size(); ++index) {
    const tools::VirtioDeviceSpec &spec = line.virtioDevices[index];
    VirtioDeviceConfig device;
    device.slot = tools::virtioSlotOf(index);
    if (spec.type == tools::VirtioDeviceSpec::Type::Blk) {
      device.type = VirtioDeviceConfig::Type::Blk;
      device.disk = disks.at(static_cast<size_t>(spec.drive)).get();
      device.serial = spec.serial;
    } else if (spec.type == tools::VirtioDeviceSpec::Type::Keyboard ||
               spec.type == tools::VirtioDeviceSpec::Type::Mouse ||
               spec.type == tools::VirtioDeviceSpec::Type::Tablet) {
      device.type = spec.type == tools::VirtioDeviceSpec::Type::Keyboard
                        ? VirtioDeviceConfig::Type::Keyboard
                    : spec.type == tools::VirtioDeviceSpec::Type::Mouse
                        ? VirtioDeviceConfig::Type::Mouse
                        : VirtioDeviceConfig::Type::Tablet;
      device.serial = spec.serial;
    } else if (spec.type == tools::VirtioDeviceSpec::Type::Net) {
      device.type = VirtioDeviceConfig::Type::Net;
      device.network = networks.at(static_cast<size_t>(spec.netdev)).get();
      device.mac = spec.mac;
    } else if (spec.type == tools::VirtioDeviceSpec::Type::Console) {
      device.type = VirtioDeviceConfig::Type::Console;
      device.console = virtioConsoles.at(consoles++);
    } else {
      device.type = VirtioDeviceConfig::Type::Rng;
    }
    config.virtio.push_back(std::move(device));
  }
  return config;
}

// fd 2 of the HTIF's syscall proxy: the host's stderr.
class StderrCharBackend : public devices::CharBackend {
public:
  void write(uint8_t byte) override { std::fputc(byte, stderr); }
};

// What every boot of the run builds its board from.
struct Machine {
  const tools::SystemCommandLine &line;
  const std::vector<std::unique_ptr<devices::RawFileDisk>> &disks;
  std::optional<SpikeBoardConfig> spike; // -machine spike
  devices::Framebuffer *framebuffer = nullptr; // virt: -device simple-framebuffer, -display
  const std::vector<std::unique_ptr<SlirpNetwork>> *networks = nullptr; // -netdev, -nic
};

// -machine spike: the HTIF words from the program's symbols (the kernel's,
// else the firmware's, as QEMU's loader sees the last image it loads).
llvm::Expected<SpikeBoardConfig> spikeConfig(const tools::SystemCommandLine &line,
                                             const BootImages &images) {
  if (!line.drives.empty() || !line.virtioDevices.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "-machine spike has no virtio-mmio slots: -drive and -device "
                                   "need -machine virt");
  if (line.framebuffer)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "-machine spike has no framebuffer: %s needs -machine virt",
                                   line.framebuffer->text.c_str());
  SpikeBoardConfig config;
  config.ramSize = line.ramBytes;
  HtifSymbols symbols;
  for (const std::optional<BootFile> *image : {&images.firmware, &images.kernel}) {
    if (!*image)
      continue;
    auto found = findHtifSymbols(**image, image == &images.kernel ? "kernel" : "firmware");
    if (!found)
      return found.takeError();
    if (found->tohost)
      symbols = *found;
  }
  if (!symbols.tohost) {
    const std::optional<BootFile> &program = images.kernel ? images.kernel : images.firmware;
    if (!program)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "-machine spike needs a program: -bios none -kernel TEST");
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "-machine spike: %s has no `tohost` symbol (HTIF, the spike "
                                   "board's console and exit, is found through the ELF symbols "
                                   "tohost and fromhost)",
                                   program->name.c_str());
  }
  config.tohost = *symbols.tohost;
  config.fromhost = symbols.fromhost;
  return config;
}

// `virtioConsoles`: the host end of each virtio-serial-device, in order.
llvm::Expected<std::unique_ptr<Board>>
createBoard(const Machine &machine, devices::CharBackend &console, devices::CharBackend &errors,
            const std::vector<devices::CharBackend *> &virtioConsoles) {
  if (machine.spike) {
    auto board = SpikeBoard::create(*machine.spike, console, errors);
    if (!board)
      return board.takeError();
    return std::unique_ptr<Board>(std::move(*board));
  }
  VirtBoardConfig config =
      boardConfig(machine.line, machine.disks, *machine.networks, virtioConsoles);
  config.framebuffer = machine.framebuffer;
  auto board = VirtBoard::create(config, console);
  if (!board)
    return board.takeError();
  return std::unique_ptr<Board>(std::move(*board));
}

// The -display host end: a window, screenshots, or nothing (null). With
// no -display, a framebuffer gets a window when one can be opened.
llvm::Expected<std::unique_ptr<Display>>
startDisplay(const tools::SystemCommandLine &line, devices::Framebuffer *framebuffer,
             StdioConsole &console) {
  using Type = tools::DisplaySpec::Type;
  DisplayConfig config;
  config.framebuffer = framebuffer;
  config.screendump = line.display.screendump;
  config.intervalMs = line.display.intervalMs;
  config.title = "Tiercel " + line.machine + " - " + line.tier; // as QEMU's "QEMU (name)"
  config.quit = [&console] { console.requestQuit(0); };
  switch (line.display.type) {
  case Type::Sdl: config.kind = DisplayConfig::Kind::Sdl; break;
  case Type::Png: config.kind = DisplayConfig::Kind::Png; break;
  case Type::None: config.kind = DisplayConfig::Kind::None; break;
  case Type::Default:
    config.kind = framebuffer != nullptr ? DisplayConfig::Kind::Sdl : DisplayConfig::Kind::None;
    config.fallBackToNone = true;
    break;
  }
  if (config.kind == DisplayConfig::Kind::None && config.screendump.empty())
    return nullptr;
  std::string warning;
  auto display = Display::start(config, warning);
  if (display && !warning.empty())
    std::fprintf(stderr, "%s: warning: %s\n", kTool, warning.c_str());
  return display;
}

int dumpDeviceTree(const Machine &machine, const BootImages &images) {
  devices::MemoryCharBackend console;
  auto board = createBoard(machine, console, console,
                           std::vector<devices::CharBackend *>(virt::kVirtioSlots, &console));
  if (!board)
    return failure(llvm::toString(board.takeError()));
  auto layout = loadBootImages(**board, images);
  if (!layout)
    return failure(llvm::toString(layout.takeError()));
  const std::string &path = machine.line.dumpDtb;
  FILE *out = std::fopen(path.c_str(), "wb");
  if (out == nullptr ||
      std::fwrite(layout->deviceTreeBlob.data(), 1, layout->deviceTreeBlob.size(), out) !=
          layout->deviceTreeBlob.size() ||
      std::fclose(out) != 0)
    return failure("cannot write the device tree to '" + path + "': " + std::strerror(errno));
  std::fprintf(stderr, "%s: info: dtb dumped to %s. Exiting.\n", kTool, path.c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  auto parsed = tools::parseSystemCommandLine(args);
  if (!parsed)
    return usageFailure(llvm::toString(parsed.takeError()));
  tools::SystemCommandLine &line = *parsed;
  if (line.help) {
    std::fputs(tools::systemUsageText().c_str(), stdout);
    return 0;
  }
  if (line.version) {
    std::printf(
        "%s %s (Tiercel: RV64GC + Zba/Zbb/Zbs system mode, QEMU virt and spike boards; tiers: "
        "interp)\n",
        kTool, TIERCEL_VERSION);
    return 0;
  }
  if (line.logHelp) {
    std::fputs(tools::systemLogItemsText().c_str(), stdout);
    return 0;
  }
  if (line.deviceHelp) {
    std::fputs(tools::systemDeviceTypesText().c_str(), stdout);
    return 0;
  }
  if (line.displayHelp) {
    std::fputs(tools::systemDisplayTypesText().c_str(), stdout);
    return 0;
  }
  if (line.smpHelp) {
    std::fputs(tools::systemSmpHelpText().c_str(), stdout);
    return 0;
  }
  if (line.netdevHelp || line.chardevHelp) {
    std::fputs((line.netdevHelp ? tools::systemNetdevTypesText() : tools::systemChardevTypesText())
                   .c_str(),
               stdout);
    return 0;
  }
  if (!line.unimplemented.empty())
    return failure("unimplemented: " + line.unimplemented.front());

  auto images = readImages(line);
  if (!images)
    return failure(llvm::toString(images.takeError()));
  auto disks = openDrives(line);
  if (!disks)
    return failure(llvm::toString(disks.takeError()));
  for (const std::string &warning : line.warnings)
    std::fprintf(stderr, "%s: warning: %s\n", kTool, warning.c_str());
  // slirp writes to host sockets whose peers may be gone (slirp_network.h).
  if (!line.netdevs.empty())
    std::signal(SIGPIPE, SIG_IGN);
  auto networks = openNetworks(line);
  if (!networks)
    return failure(llvm::toString(networks.takeError()));
  Machine machine{line, *disks, std::nullopt, nullptr, &*networks};
  if (line.machine == "spike") {
    auto spike = spikeConfig(line, *images);
    if (!spike)
      return failure(llvm::toString(spike.takeError()));
    machine.spike = *spike;
  }
  std::unique_ptr<devices::Framebuffer> framebuffer;
  if (line.framebuffer && !machine.spike) {
    auto created = devices::Framebuffer::create(line.framebuffer->width, line.framebuffer->height,
                                                virt::kFramebufferWindow);
    if (!created)
      return failure("-device " + line.framebuffer->text + ": " +
                     llvm::toString(created.takeError()));
    framebuffer = std::move(*created);
    machine.framebuffer = framebuffer.get();
  }
  if (!line.dumpDtb.empty())
    return dumpDeviceTree(machine, *images);

  FILE *log = stderr;
  if (!line.logFile.empty()) {
    log = std::fopen(line.logFile.c_str(), "w");
    if (log == nullptr)
      return failure("cannot open log file '" + line.logFile + "': " + std::strerror(errno));
    setvbuf(log, nullptr, _IOLBF, 0);
  }
  SystemRunOptions options;
  options.log.file = log;
  options.log.interrupts = line.logInt;
  options.log.mmu = line.logMmu;
  options.log.guestErrors = line.logGuestErrors;
  options.log.unimp = line.logUnimp;
  options.interpreter.log = log;
  options.interpreter.logInAsm = line.logInAsm;
  options.interpreter.logExec = line.logExec;
  options.interpreter.logCpu = line.logCpu;
  options.interpreter.logFpu = line.logFpu;
  if (line.logGuestErrors)
    for (const std::unique_ptr<SlirpNetwork> &network : *networks)
      network->setGuestErrorReporter([log](const std::string &message) {
        std::fprintf(log, "guest_errors: %s\n", message.c_str());
      });

  // Signals: blocked before any thread starts, so only the signal thread
  // takes them.
  sigset_t quitSignals;
  sigemptyset(&quitSignals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&quitSignals, signal);
  pthread_sigmask(SIG_BLOCK, &quitSignals, nullptr);
  if (!line.display.screendump.empty())
    blockScreendumpSignal(); // SIGUSR1: a screenshot (display.h)
  for (int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
    std::signal(signal, fatalSignalHandler);

  // Never destroyed: the detached signal thread may still reach it while
  // the process exits.
  StdioConsole &console = *new StdioConsole();
  if (!console.start())
    return failure(std::string("cannot start the console: ") + std::strerror(errno));
  startSignalThread(console, quitSignals);
  auto display = startDisplay(line, machine.framebuffer, console);
  if (!display) {
    console.stop();
    return failure(llvm::toString(display.takeError()));
  }

  auto started = std::chrono::steady_clock::now();
  SystemRunResult total;
  std::vector<HartRunCounts> perHart(line.smp); // summed over the boots
  int status = 0;
  std::string failureMessage;
  StderrCharBackend errors;
  for (unsigned boot = 0;; ++boot) {
    // The UART and the virtio consoles share the stdio console (Ctrl-A c).
    std::vector<std::string> portNames = consolePortNames(line);
    ConsoleMux consoles(console, portNames, initialConsoleFocus(line, portNames.size()));
    devices::CharBackend &backend = consoles.port(0);
    std::vector<devices::CharBackend *> virtioConsoles;
    for (size_t port = 1; port < consoles.portCount(); ++port)
      virtioConsoles.push_back(&consoles.port(port));
    auto board = createBoard(machine, backend, errors, virtioConsoles);
    if (!board) {
      console.stop();
      return failure(llvm::toString(board.takeError()));
    }
    auto layout = loadBootImages(**board, *images);
    if (!layout) {
      console.stop();
      std::string message = llvm::toString(layout.takeError());
      if (machine.spike && line.bios == "default")
        message += " (-machine spike runs bare-metal programs with -bios none)";
      return failure(message);
    }
    Board *current = board->get();
    consoles.attach([current](int quitStatus) { current->requestQuit(quitStatus); });
    if (*display && !machine.spike) // the window's keys and pointer go to this boot's devices
      (*display)->input().attach(static_cast<VirtBoard *>(current)->inputDevices());
    SystemRunResult result = runBoard(*current, options);
    if (*display)
      (*display)->input().detach();
    consoles.detach();
    failureMessage = current->failureMessage();
    total.instructions += result.instructions;
    total.interrupts += result.interrupts;
    total.exceptions += result.exceptions;
    total.sleeps += result.sleeps;
    for (size_t hart = 0; hart < result.harts.size() && hart < perHart.size(); ++hart)
      perHart[hart] += result.harts[hart];
    status = result.status;
    if (result.event == Board::Event::Reset && !line.noReboot && !console.quitStatus()) {
      if (line.logStats)
        std::fprintf(log, "stats: guest reboot %u: building the board again\n", boot + 1);
      continue;
    }
    if (result.event == Board::Event::Reset)
      status = 0; // -no-reboot: a reboot ends the run cleanly
    break;
  }
  if (*display)
    if (llvm::Error error = (*display)->stop()) // the last screenshot
      std::fprintf(stderr, "%s: %s\n", kTool, llvm::toString(std::move(error)).c_str());
  console.stop();
  if (!failureMessage.empty())
    std::fprintf(stderr, "%s: %s\n", kTool, failureMessage.c_str());
  if (line.logStats) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(log,
                 "stats: %.3f s, %" PRIu64 " guest instructions (%.1f MIPS), %" PRIu64
                 " exceptions, %" PRIu64 " interrupts, %" PRIu64 " wfi sleeps\n",
                 seconds, total.instructions, total.instructions / seconds / 1e6, total.exceptions,
                 total.interrupts, total.sleeps);
    if (perHart.size() > 1)
      for (size_t hart = 0; hart < perHart.size(); ++hart)
        std::fprintf(log,
                     "stats: hart %zu: %" PRIu64 " guest instructions, %" PRIu64
                     " exceptions, %" PRIu64 " interrupts, %" PRIu64 " wfi sleeps\n",
                     hart, perHart[hart].instructions, perHart[hart].exceptions,
                     perHart[hart].interrupts, perHart[hart].sleeps);
    for (const std::unique_ptr<SlirpNetwork> &network : *networks)
      std::fprintf(log, "stats: -netdev user,id=%s: %" PRIu64 " frames from the guest, %" PRIu64
                        " to it\n",
                   network->config().id.c_str(), network->framesFromGuest(),
                   network->framesToGuest());
  }
  std::fflush(stdout);
  if (log != stderr)
    std::fclose(log);
  return status;
}
