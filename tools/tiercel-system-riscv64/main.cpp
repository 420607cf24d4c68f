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

#include "devices/char_backend.h"
#include "runtime/system/boot_loader.h"
#include "runtime/system/stdio_console.h"
#include "runtime/system/system_run_loop.h"
#include "runtime/system/virt_board.h"
#include "tools/tiercel-system-riscv64/options.h"

namespace {

using namespace tiercel;
using namespace tiercel::system;

constexpr const char *kTool = "tiercel-system-riscv64";
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

int dumpDeviceTree(const tools::SystemCommandLine &line, const BootImages &images) {
  devices::MemoryCharBackend console;
  VirtBoardConfig config;
  config.ramSize = line.ramBytes;
  auto board = VirtBoard::create(config, console);
  if (!board)
    return failure(llvm::toString(board.takeError()));
  auto layout = loadBootImages(**board, images);
  if (!layout)
    return failure(llvm::toString(layout.takeError()));
  FILE *out = std::fopen(line.dumpDtb.c_str(), "wb");
  if (out == nullptr ||
      std::fwrite(layout->deviceTreeBlob.data(), 1, layout->deviceTreeBlob.size(), out) !=
          layout->deviceTreeBlob.size() ||
      std::fclose(out) != 0)
    return failure("cannot write the device tree to '" + line.dumpDtb +
                   "': " + std::strerror(errno));
  std::fprintf(stderr, "%s: info: dtb dumped to %s. Exiting.\n", kTool, line.dumpDtb.c_str());
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
    std::printf("%s %s (Tiercel: RV64GC + Zba/Zbb/Zbs system mode, QEMU virt board; tiers: "
                "interp)\n",
                kTool, TIERCEL_VERSION);
    return 0;
  }
  if (line.logHelp) {
    std::fputs(tools::systemLogItemsText().c_str(), stdout);
    return 0;
  }
  if (!line.unimplemented.empty())
    return failure("unimplemented: " + line.unimplemented.front());

  auto images = readImages(line);
  if (!images)
    return failure(llvm::toString(images.takeError()));
  if (!line.dumpDtb.empty())
    return dumpDeviceTree(line, *images);

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

  // Signals: blocked before any thread starts, so only the signal thread
  // takes them.
  sigset_t quitSignals;
  sigemptyset(&quitSignals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&quitSignals, signal);
  pthread_sigmask(SIG_BLOCK, &quitSignals, nullptr);
  for (int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
    std::signal(signal, fatalSignalHandler);

  // Never destroyed: the detached signal thread may still reach it while
  // the process exits.
  StdioConsole &console = *new StdioConsole();
  if (!console.start())
    return failure(std::string("cannot start the console: ") + std::strerror(errno));
  startSignalThread(console, quitSignals);

  auto started = std::chrono::steady_clock::now();
  SystemRunResult total;
  int status = 0;
  for (unsigned boot = 0;; ++boot) {
    ConsoleCharBackend backend(console);
    VirtBoardConfig config;
    config.ramSize = line.ramBytes;
    auto board = VirtBoard::create(config, backend);
    if (!board) {
      console.stop();
      return failure(llvm::toString(board.takeError()));
    }
    auto layout = loadBootImages(**board, *images);
    if (!layout) {
      console.stop();
      return failure(llvm::toString(layout.takeError()));
    }
    VirtBoard *current = board->get();
    backend.attach([current](int quitStatus) { current->requestQuit(quitStatus); });
    SystemRunResult result = runVirtBoard(*current, options);
    backend.detach();
    total.instructions += result.instructions;
    total.interrupts += result.interrupts;
    total.exceptions += result.exceptions;
    total.sleeps += result.sleeps;
    status = result.status;
    if (result.event == VirtBoard::Event::Reset && !line.noReboot && !console.quitStatus()) {
      if (line.logStats)
        std::fprintf(log, "stats: guest reboot %u: building the board again\n", boot + 1);
      continue;
    }
    if (result.event == VirtBoard::Event::Reset)
      status = 0; // -no-reboot: a reboot ends the run cleanly
    break;
  }
  console.stop();
  if (line.logStats) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(log,
                 "stats: %.3f s, %" PRIu64 " guest instructions (%.1f MIPS), %" PRIu64
                 " exceptions, %" PRIu64 " interrupts, %" PRIu64 " wfi sleeps\n",
                 seconds, total.instructions, total.instructions / seconds / 1e6, total.exceptions,
                 total.interrupts, total.sleeps);
  }
  std::fflush(stdout);
  if (log != stderr)
    std::fclose(log);
  return status;
}
