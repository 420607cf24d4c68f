// -display sdl (see display_sdl.h).
#include "runtime/system/display_sdl.h"

#include <SDL2/SDL.h>
#include <linux/input-event-codes.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>

#include "runtime/system/display.h"
#include "runtime/system/display_keymap.h"

namespace tiercel::system {

namespace {

constexpr const char *kGrabHint = " - Press Ctrl-Alt-G to release grab";

uint16_t linuxButtonOf(uint8_t sdlButton) {
  switch (sdlButton) {
  case SDL_BUTTON_LEFT: return BTN_LEFT;
  case SDL_BUTTON_MIDDLE: return BTN_MIDDLE;
  case SDL_BUTTON_RIGHT: return BTN_RIGHT;
  case SDL_BUTTON_X1: return BTN_SIDE;
  case SDL_BUTTON_X2: return BTN_EXTRA;
  default: return 0;
  }
}

bool ctrlAltHeld() {
  SDL_Keymod mods = SDL_GetModState();
  return (mods & KMOD_CTRL) != 0 && (mods & KMOD_ALT) != 0;
}

} // namespace

SdlWindow::SdlWindow(const std::string &title, const devices::Framebuffer &framebuffer,
                     InputRouter &input, std::function<void()> quit)
    : title_(title), framebuffer_(framebuffer), input_(input), quit_(std::move(quit)),
      tracker_(framebuffer) {}

llvm::Expected<std::unique_ptr<SdlWindow>> SdlWindow::open(const std::string &title,
                                                           const devices::Framebuffer &framebuffer,
                                                           InputRouter &input,
                                                           std::function<void()> quit) {
  std::unique_ptr<SdlWindow> window(new SdlWindow(title, framebuffer, input, std::move(quit)));
  std::promise<std::string> opened;
  std::future<std::string> result = opened.get_future();
  window->thread_ = std::thread([raw = window.get(), &opened] {
    std::string error = raw->create();
    bool up = error.empty();
    opened.set_value(std::move(error)); // `opened` is gone after this
    if (up)
      raw->loop();
    raw->destroy();
  });
  std::string error = result.get();
  if (!error.empty()) {
    window->thread_.join();
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "-display sdl: %s",
                                   error.c_str());
  }
  return window;
}

SdlWindow::~SdlWindow() {
  // The loop looks at the flag at least every refresh tick.
  closing_.store(true, std::memory_order_release);
  if (thread_.joinable())
    thread_.join();
}

std::string SdlWindow::create() {
  // Tiercel's own thread takes SIGINT/SIGTERM (main.cpp); SDL must not.
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  // Leave the desktop compositor alone, grab the keyboard with the pointer.
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
  // Software rendering to the window's own X framebuffer (XShm): showing
  // one small texture needs no GPU, and it keeps Mesa (and the second LLVM
  // its llvmpipe would load next to ours) out of the process. The
  // environment overrides these (SDL_RENDER_DRIVER=opengl).
  SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
  SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  auto noWindow = [](std::string error) {
    if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr)
      error += " (no $DISPLAY: no X server to show it on; -display png:FILE or -display none "
               "run without one)";
    return error;
  };
  // No display server named: only the console's DRM device could show a
  // window (and SDL's probes of X11 and Wayland would just print noise).
  if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr &&
      std::getenv("SDL_VIDEODRIVER") == nullptr)
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "KMSDRM");
  if (SDL_Init(SDL_INIT_VIDEO) != 0)
    return noWindow(std::string("cannot open a window: ") + SDL_GetError());
  // With no display server SDL falls back to drivers that draw nowhere
  // ("offscreen", "dummy"): no window for the user, so an error, unless
  // they asked for one with SDL_VIDEODRIVER.
  const char *driver = SDL_GetCurrentVideoDriver();
  std::string current = driver != nullptr ? driver : "";
  if ((current == "offscreen" || current == "dummy" || current == "evdev") &&
      std::getenv("SDL_VIDEODRIVER") == nullptr) {
    SDL_Quit();
    return noWindow("cannot open a window: SDL found no display server (only its '" + current +
                    "' driver)");
  }
  int width = static_cast<int>(framebuffer_.width());
  int height = static_cast<int>(framebuffer_.height());
  window_ = SDL_CreateWindow(title_.c_str(), SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                             width, height, SDL_WINDOW_RESIZABLE);
  if (window_ == nullptr)
    return std::string("cannot create the window: ") + SDL_GetError();
  SDL_SetWindowMinimumSize(window_, 64, 48);
  renderer_ = SDL_CreateRenderer(window_, -1, 0);
  if (renderer_ == nullptr) // the driver asked for in the environment failed: software
    renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
  if (renderer_ == nullptr)
    return std::string("cannot create a renderer: ") + SDL_GetError();
  // Scaling with the aspect ratio kept; pointer events arrive in picture
  // coordinates.
  SDL_RenderSetLogicalSize(renderer_, width, height);
  // 0xXXRRGGBB words: the framebuffer's x8r8g8b8 on a little-endian host.
  texture_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                               width, height);
  if (texture_ == nullptr)
    return std::string("cannot create a texture: ") + SDL_GetError();
  return "";
}

void SdlWindow::destroy() {
  if (texture_ != nullptr)
    SDL_DestroyTexture(texture_);
  if (renderer_ != nullptr)
    SDL_DestroyRenderer(renderer_);
  if (window_ != nullptr)
    SDL_DestroyWindow(window_);
  texture_ = nullptr;
  renderer_ = nullptr;
  window_ = nullptr;
  SDL_Quit();
}

void SdlWindow::loop() {
  using Clock = std::chrono::steady_clock;
  const auto tick = std::chrono::microseconds(1'000'000 / kRefreshHz);
  auto nextRefresh = Clock::now();
  while (!closing_.load(std::memory_order_acquire)) {
    auto now = Clock::now();
    if (now >= nextRefresh) {
      refresh();
      nextRefresh = std::max(nextRefresh + tick, now);
    }
    if (needPresent_)
      present();
    int waitMs = static_cast<int>(
        std::chrono::ceil<std::chrono::milliseconds>(nextRefresh - Clock::now()).count());
    SDL_Event event;
    if (SDL_WaitEventTimeout(&event, std::max(waitMs, 1)) != 0) {
      handle(event);
      while (SDL_PollEvent(&event) != 0)
        handle(event);
    }
  }
  releaseKeys();
}

void SdlWindow::refresh() {
  devices::FramebufferTracker::Damage damage = tracker_.refresh();
  if (!damage.changed)
    return;
  int width = static_cast<int>(framebuffer_.width());
  SDL_Rect rows{0, static_cast<int>(damage.firstRow), width,
                static_cast<int>(damage.endRow - damage.firstRow)};
  SDL_UpdateTexture(texture_, &rows, tracker_.pixels() + size_t{damage.firstRow} * width,
                    width * 4);
  needPresent_ = true;
}

void SdlWindow::present() {
  SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
  SDL_RenderClear(renderer_);
  SDL_RenderCopy(renderer_, texture_, nullptr, nullptr);
  SDL_RenderPresent(renderer_);
  needPresent_ = false;
}

void SdlWindow::handle(const SDL_Event &event) {
  switch (event.type) {
  case SDL_QUIT:
    // The window was closed: the run ends, as QEMU's does.
    if (!quitSent_ && quit_)
      quit_();
    quitSent_ = true;
    break;
  case SDL_WINDOWEVENT:
    switch (event.window.event) {
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_RESIZED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_RESTORED: needPresent_ = true; break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
      releaseKeys();
      setGrab(false);
      break;
    default: break;
    }
    break;
  case SDL_KEYDOWN:
  case SDL_KEYUP: handleKey(event); break;
  case SDL_MOUSEMOTION:
  case SDL_MOUSEBUTTONDOWN:
  case SDL_MOUSEBUTTONUP:
  case SDL_MOUSEWHEEL: handlePointer(event); break;
  default: break;
  }
}

void SdlWindow::handleKey(const SDL_Event &event) {
  bool pressed = event.type == SDL_KEYDOWN;
  SDL_Scancode scancode = event.key.keysym.scancode;
  // Ctrl-Alt-G: the window's, never the guest's.
  if (scancode == SDL_SCANCODE_G && pressed && ctrlAltHeld()) {
    swallowGrabKey_ = true;
    if (event.key.repeat == 0)
      setGrab(!grabbed_);
    return;
  }
  if (scancode == SDL_SCANCODE_G && !pressed && swallowGrabKey_) {
    swallowGrabKey_ = false;
    return;
  }
  if (pressed && event.key.repeat != 0)
    return; // the guest repeats held keys itself (EV_REP)
  uint16_t key = linuxKeyOfScancode(scancode);
  if (key == 0 || key >= keysDown_.size())
    return;
  if (!pressed && !keysDown_.test(key))
    return; // pressed before the window had focus: the guest never saw it
  keysDown_.set(key, pressed);
  input_.key(key, pressed);
}

void SdlWindow::releaseKeys() {
  for (size_t key = 0; key < keysDown_.size(); ++key)
    if (keysDown_.test(key))
      input_.key(static_cast<uint16_t>(key), false);
  keysDown_.reset();
  swallowGrabKey_ = false;
}

int32_t SdlWindow::tabletAxis(int32_t position, uint32_t size) const {
  int64_t clamped = std::clamp<int64_t>(position, 0, int64_t{size} - 1);
  return static_cast<int32_t>(clamped * devices::VirtioInput::kTabletAxisMax /
                              std::max<int64_t>(int64_t{size} - 1, 1));
}

void SdlWindow::handlePointer(const SDL_Event &event) {
  switch (event.type) {
  case SDL_MOUSEMOTION:
    if (input_.hasTablet())
      input_.absolutePosition(tabletAxis(event.motion.x, framebuffer_.width()),
                              tabletAxis(event.motion.y, framebuffer_.height()));
    if (grabbed_)
      input_.relativeMotion(event.motion.xrel, event.motion.yrel);
    break;
  case SDL_MOUSEBUTTONDOWN:
  case SDL_MOUSEBUTTONUP: {
    bool pressed = event.type == SDL_MOUSEBUTTONDOWN;
    // A click on an ungrabbed window with a relative mouse takes the
    // pointer; the click itself stays the host's.
    if (pressed && !grabbed_ && input_.hasMouse() && !input_.hasTablet()) {
      setGrab(true);
      return;
    }
    if (uint16_t button = linuxButtonOf(event.button.button))
      input_.button(button, pressed);
    break;
  }
  case SDL_MOUSEWHEEL: {
    int32_t sign = event.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1 : 1;
    input_.wheel(sign * event.wheel.x, sign * event.wheel.y);
    break;
  }
  default: break;
  }
}

void SdlWindow::setGrab(bool grab) {
  if (grab == grabbed_)
    return;
  if (grab && !input_.hasMouse())
    return; // nothing relative to feed: a tablet needs no grab
  grabbed_ = grab;
  SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE);
  SDL_SetWindowGrab(window_, grab ? SDL_TRUE : SDL_FALSE);
  SDL_SetWindowTitle(window_, grab ? (title_ + kGrabHint).c_str() : title_.c_str());
}

} // namespace tiercel::system

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
// LeakSanitizer in sanitizer builds: libdbus, which SDL asks about the
// screensaver and input methods, keeps a buffer when there is no session
// bus to talk to (as under Xvfb in the tests). Not Tiercel's to free.
extern "C" const char *__lsan_default_suppressions() { return "leak:libdbus-1.so\n"; }
#endif
#endif
