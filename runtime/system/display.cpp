// The display's host end (see display.h): input routing, screenshots, and
// starting and stopping the window.
#include "runtime/system/display.h"

#include <linux/input-event-codes.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "runtime/system/display_png.h"
#include "runtime/system/display_sdl.h"

namespace tiercel::system {

using devices::InputEvent;
using devices::VirtioInput;

// ---------------------------------------------------------------------------
// InputRouter

void InputRouter::attach(std::vector<VirtioInput *> devices) {
  std::lock_guard lock(mutex_);
  devices_ = std::move(devices);
}

void InputRouter::detach() {
  std::lock_guard lock(mutex_);
  devices_.clear();
}

bool InputRouter::has(VirtioInput::Kind kind) const {
  std::lock_guard lock(mutex_);
  for (VirtioInput *device : devices_)
    if (device->kind() == kind)
      return true;
  return false;
}

bool InputRouter::hasKeyboard() const { return has(VirtioInput::Kind::Keyboard); }
bool InputRouter::hasMouse() const { return has(VirtioInput::Kind::Mouse); }
bool InputRouter::hasTablet() const { return has(VirtioInput::Kind::Tablet); }

void InputRouter::send(std::initializer_list<VirtioInput::Kind> kinds,
                       std::initializer_list<InputEvent> events) {
  // Under the lock: detach() waits for a packet in flight, so the board's
  // devices are never reached after it returns.
  std::lock_guard lock(mutex_);
  for (VirtioInput *device : devices_)
    for (VirtioInput::Kind kind : kinds)
      if (device->kind() == kind)
        device->post(std::span<const InputEvent>(events.begin(), events.size()));
}

void InputRouter::key(uint16_t linuxKey, bool pressed) {
  if (linuxKey != 0)
    send({VirtioInput::Kind::Keyboard}, {{EV_KEY, linuxKey, pressed ? 1 : 0}});
}

void InputRouter::relativeMotion(int32_t dx, int32_t dy) {
  if (dx != 0 || dy != 0)
    send({VirtioInput::Kind::Mouse}, {{EV_REL, REL_X, dx}, {EV_REL, REL_Y, dy}});
}

void InputRouter::absolutePosition(int32_t x, int32_t y) {
  send({VirtioInput::Kind::Tablet}, {{EV_ABS, ABS_X, x}, {EV_ABS, ABS_Y, y}});
}

void InputRouter::button(uint16_t linuxButton, bool pressed) {
  send({VirtioInput::Kind::Mouse, VirtioInput::Kind::Tablet},
       {{EV_KEY, linuxButton, pressed ? 1 : 0}});
}

void InputRouter::wheel(int32_t horizontal, int32_t vertical) {
  if (horizontal != 0 || vertical != 0)
    send({VirtioInput::Kind::Mouse, VirtioInput::Kind::Tablet},
         {{EV_REL, REL_HWHEEL, horizontal}, {EV_REL, REL_WHEEL, vertical}});
}

// ---------------------------------------------------------------------------
// Display

void blockScreendumpSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

Display::Display(const DisplayConfig &config) : config_(config) {}

llvm::Expected<std::unique_ptr<Display>> Display::start(const DisplayConfig &config,
                                                        std::string &warning) {
  if (!config.screendump.empty()) {
    // Found out now, not when the first screenshot is due.
    std::string directory = std::filesystem::path(config.screendump).parent_path().string();
    if (access(directory.empty() ? "." : directory.c_str(), W_OK) != 0)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot write the screenshot '%s': %s",
                                     config.screendump.c_str(), std::strerror(errno));
    // Taken by sigwait: blocked in every thread, or SIGUSR1 kills the run.
    sigset_t blocked;
    pthread_sigmask(SIG_SETMASK, nullptr, &blocked);
    if (config.screendumpOnSignal && !sigismember(&blocked, SIGUSR1))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "internal error: SIGUSR1 is not blocked for the display");
  }
  std::unique_ptr<Display> display(new Display(config));
  if (config.kind == DisplayConfig::Kind::Sdl && config.framebuffer != nullptr) {
    auto window = SdlWindow::open(config.title, *config.framebuffer, display->input_, config.quit);
    if (window) {
      display->window_ = std::move(*window);
    } else if (config.fallBackToNone) {
      warning = llvm::toString(window.takeError()) + "; going on without a window";
    } else {
      return window.takeError();
    }
  }
  if (!config.screendump.empty() && config.framebuffer != nullptr) {
    if (config.screendumpOnSignal)
      display->signalThread_ = std::thread([raw = display.get()] { raw->signalLoop(); });
    if (config.kind == DisplayConfig::Kind::Png && config.intervalMs > 0)
      display->intervalThread_ = std::thread([raw = display.get()] { raw->intervalLoop(); });
  }
  return display;
}

Display::~Display() { llvm::consumeError(stop()); }

llvm::Error Display::writeScreendump() {
  if (config_.screendump.empty() || config_.framebuffer == nullptr)
    return llvm::Error::success();
  std::lock_guard lock(screendumpMutex_);
  const devices::Framebuffer &framebuffer = *config_.framebuffer;
  std::vector<uint32_t> pixels = framebuffer.snapshot();
  return writePng(config_.screendump, pixels.data(), framebuffer.width(), framebuffer.height());
}

void Display::signalLoop() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0)
      continue;
    {
      std::lock_guard lock(mutex_);
      if (stopping_)
        return; // stop()'s own SIGUSR1
    }
    if (llvm::Error error = writeScreendump())
      std::fprintf(stderr, "tiercel-system-riscv64: %s\n",
                   llvm::toString(std::move(error)).c_str());
  }
}

void Display::intervalLoop() {
  // Rewrites the file when the picture changed since the last one.
  devices::FramebufferTracker tracker(*config_.framebuffer);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, std::chrono::milliseconds(config_.intervalMs),
                       [this] { return stopping_; }))
      return;
    lock.unlock();
    if (tracker.refresh().changed)
      if (llvm::Error error = writeScreendump())
        std::fprintf(stderr, "tiercel-system-riscv64: %s\n",
                     llvm::toString(std::move(error)).c_str());
    lock.lock();
  }
}

llvm::Error Display::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_)
      return llvm::Error::success();
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (intervalThread_.joinable())
    intervalThread_.join();
  if (signalThread_.joinable()) {
    pthread_kill(signalThread_.native_handle(), SIGUSR1); // out of its sigwait
    signalThread_.join();
  }
  window_.reset();
  input_.detach();
  // The picture as the machine left it.
  return writeScreendump();
}

} // namespace tiercel::system
