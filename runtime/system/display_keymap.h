// The SDL window's keys as Linux key codes, for virtio-keyboard-device.
// SDL scancodes are USB HID keyboard usages (page 7: SDL_SCANCODE_A = 4), a
// key's position, not its symbol, so the guest applies its own layout, as
// it would to a real keyboard. The table follows the usage-to-key mapping
// of the HID specification's keyboard page and Linux's input ABI
// (linux/input-event-codes.h).
#pragma once

#include <cstdint>

namespace tiercel::system {

// The Linux KEY_* code of SDL scancode `scancode`, or 0 (KEY_RESERVED) for
// one with no Linux key.
uint16_t linuxKeyOfScancode(int scancode);

// The number of scancodes the table maps (for tests).
unsigned mappedScancodeCount();

} // namespace tiercel::system
