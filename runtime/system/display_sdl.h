// -display sdl: the framebuffer in an SDL2 window, and the window's keys
// and pointer as virtio-input events (see display.h for where it sits).
//
// The window has a thread of its own, which does every SDL call (SDL_Init
// included: SDL's video functions belong to one thread) and never waits
// for the hart. 30 times a second it asks the FramebufferTracker which rows
// changed and uploads only those; it presents a frame only when something
// changed or the window was exposed or resized, so an idle guest costs a
// memcmp of the picture per tick and no drawing. The picture is scaled to
// the window with its aspect ratio kept (black bars).
//
// Input, as QEMU's SDL display does it:
//   - keys: SDL scancodes through display_keymap.h to the keyboards; the
//     host's key repeat is dropped (the guest repeats, EV_REP); keys held
//     when the window loses focus are released;
//   - a tablet follows the pointer over the picture (absolute, 0..32767);
//   - a mouse is relative: a click in the window grabs the pointer
//     (relative mode, keyboard grabbed too) and Ctrl-Alt-G releases it;
//     the title says so while grabbed;
//   - buttons and the wheel go to mice and tablets;
//   - closing the window ends the run.
#pragma once

#include <atomic>
#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "devices/framebuffer.h"
#include "llvm/Support/Error.h"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;
union SDL_Event;

namespace tiercel::system {

class InputRouter;

class SdlWindow {
public:
  static constexpr unsigned kRefreshHz = 30;

  // Opens the window (on its own thread) and returns once it is up; an
  // error says why it could not be (no X server, SDL failing).
  static llvm::Expected<std::unique_ptr<SdlWindow>> open(const std::string &title,
                                                         const devices::Framebuffer &framebuffer,
                                                         InputRouter &input,
                                                         std::function<void()> quit);
  // Closes the window and joins its thread.
  ~SdlWindow();
  SdlWindow(const SdlWindow &) = delete;
  SdlWindow &operator=(const SdlWindow &) = delete;

private:
  SdlWindow(const std::string &title, const devices::Framebuffer &framebuffer, InputRouter &input,
            std::function<void()> quit);
  // On the window's thread.
  std::string create(); // "" when the window is up
  void destroy();
  void loop();
  void handle(const SDL_Event &event);
  void handleKey(const SDL_Event &event);
  void handlePointer(const SDL_Event &event);
  void refresh();
  void present();
  void setGrab(bool grab);
  void releaseKeys();
  int32_t tabletAxis(int32_t position, uint32_t size) const;

  std::string title_;
  const devices::Framebuffer &framebuffer_;
  InputRouter &input_;
  std::function<void()> quit_;
  std::thread thread_;
  std::atomic<bool> closing_{false};

  SDL_Window *window_ = nullptr;
  SDL_Renderer *renderer_ = nullptr;
  SDL_Texture *texture_ = nullptr;
  devices::FramebufferTracker tracker_;
  bool needPresent_ = true;
  bool grabbed_ = false;
  bool quitSent_ = false;
  bool swallowGrabKey_ = false; // the G of Ctrl-Alt-G: its release is ours too
  std::bitset<0x300> keysDown_; // Linux key codes (KEY_CNT) pressed in the guest's view
};

} // namespace tiercel::system
