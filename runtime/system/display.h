// The host end of the virt board's framebuffer and input devices: what
// -display chooses.
//
//   sdl       an SDL2 window on a thread of its own (SdlWindow,
//             display_sdl.h): shows the framebuffer scaled to the window,
//             redrawn only when rows changed (FramebufferTracker, checked
//             30 times a second), and turns keys, pointer motion, buttons
//             and the wheel into virtio-input events (InputRouter)
//   png:FILE  no window: PNG screenshots to FILE (display_png.h) when the
//             run ends, on SIGUSR1, and every interval=SECONDS while the
//             picture changes
//   none      nothing (the guest still has its framebuffer if one was asked
//             for)
//
// The hart never waits for the display: the window thread reads the
// framebuffer memory while the guest writes it (a torn row is redrawn at
// the next look), and input goes through VirtioMmio::serviceQueue like a
// driver's notify. The display lives for the whole run; each board (one
// per boot) attaches its input devices while it runs.
#pragma once

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "llvm/Support/Error.h"

namespace tiercel::system {

class SdlWindow;

// Host input to the attached board's virtio-input devices: keys to the
// keyboards, relative motion to the mice, absolute positions to the
// tablets, buttons and the wheel to both. Any thread; attach/detach under
// a lock, so no event reaches a board that is going away.
class InputRouter {
public:
  void attach(std::vector<devices::VirtioInput *> devices);
  void detach();

  // What is attached (the window grabs the pointer only for a mouse).
  bool hasKeyboard() const;
  bool hasMouse() const;
  bool hasTablet() const;

  void key(uint16_t linuxKey, bool pressed);
  void relativeMotion(int32_t dx, int32_t dy);
  // x, y in 0..VirtioInput::kTabletAxisMax.
  void absolutePosition(int32_t x, int32_t y);
  void button(uint16_t linuxButton, bool pressed);
  void wheel(int32_t horizontal, int32_t vertical);

private:
  bool has(devices::VirtioInput::Kind kind) const;
  void send(std::initializer_list<devices::VirtioInput::Kind> kinds,
            std::initializer_list<devices::InputEvent> events);

  mutable std::mutex mutex_;
  std::vector<devices::VirtioInput *> devices_;
};

struct DisplayConfig {
  enum class Kind : uint8_t { None, Sdl, Png };
  Kind kind = Kind::None;
  // Sdl: when the window cannot be opened, go on headless with a warning
  // (no -display given; the framebuffer asked for one) instead of failing.
  bool fallBackToNone = false;
  std::string screendump;  // a PNG file: at stop(), on SIGUSR1; "" for none
  unsigned intervalMs = 0; // Png: rewrite the screenshot this often (0: never)
  // SIGUSR1 writes the screenshot (blockScreendumpSignal() first).
  bool screendumpOnSignal = true;
  std::string title;                           // the window's: "Tiercel virt - interp"
  devices::Framebuffer *framebuffer = nullptr; // what is shown; may be null for None
  // The user closed the window: end the run (status 0, as C-a x).
  std::function<void()> quit;
};

class Display {
public:
  // Starts the display: opens the window (an error when it cannot be:
  // no X server, or SDL fails), or the screenshot timer. `warning` gets a
  // message when the window fell back to none.
  static llvm::Expected<std::unique_ptr<Display>> start(const DisplayConfig &config,
                                                        std::string &warning);
  ~Display();

  InputRouter &input() { return input_; }
  // Writes the screenshot now (SIGUSR1; any thread). Nothing without a
  // screendump file or a framebuffer.
  llvm::Error writeScreendump();
  // Closes the window and stops the timer and the signal thread, then
  // writes the last screenshot. Idempotent.
  llvm::Error stop();
  bool hasWindow() const { return window_ != nullptr; }

private:
  explicit Display(const DisplayConfig &config);
  void intervalLoop();
  void signalLoop();

  DisplayConfig config_;
  InputRouter input_;
  std::unique_ptr<SdlWindow> window_;
  std::mutex screendumpMutex_; // one writer at a time (signal, timer, stop)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread intervalThread_;
  std::thread signalThread_;
};

// SIGUSR1 asks for a screenshot. It must be blocked in every thread before
// any starts (as main() does for SIGINT/SIGTERM), so Display's own thread
// can take it with sigwait: call this first when there is a screendump.
void blockScreendumpSignal();

} // namespace tiercel::system
