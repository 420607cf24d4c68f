// The SDL scancode -> Linux key code table (runtime/system/display_keymap.h),
// checked key by key against the HID usages and Linux codes as the specs
// give them, plus its shape: every mapping distinct where it should be,
// out-of-range scancodes safe.
#include "runtime/system/display_keymap.h"

#include <SDL2/SDL_scancode.h>
#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include <set>

namespace tiercel::system {
namespace {

TEST(DisplayKeymapTest, LettersDigitsAndTheMainBlock) {
  // HID usages 0x04.. 0x1d are a..z; Linux numbers keys by their PC/AT
  // position (KEY_Q = 16, KEY_A = 30, KEY_Z = 44).
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_A), 30);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_Q), 16);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_Z), 44);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_1), 2);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_0), 11);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_RETURN), 28);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_ESCAPE), 1);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_BACKSPACE), 14);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_TAB), 15);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_SPACE), 57);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_PERIOD), KEY_DOT);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_SLASH), KEY_SLASH);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_GRAVE), KEY_GRAVE);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_NONUSBACKSLASH), KEY_102ND);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_NONUSHASH), KEY_BACKSLASH);
}

TEST(DisplayKeymapTest, EveryLetterAndDigitHasItsOwnKey) {
  std::set<uint16_t> keys;
  for (int scancode = SDL_SCANCODE_A; scancode <= SDL_SCANCODE_0; ++scancode) {
    uint16_t key = linuxKeyOfScancode(scancode);
    EXPECT_NE(key, 0) << scancode;
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 36u);
}

TEST(DisplayKeymapTest, ModifiersFunctionKeysNavigationAndKeypad) {
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_LCTRL), KEY_LEFTCTRL);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_RSHIFT), KEY_RIGHTSHIFT);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_LALT), KEY_LEFTALT);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_RALT), KEY_RIGHTALT);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_LGUI), KEY_LEFTMETA);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_F1), 59);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_F10), 68);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_F11), 87); // not contiguous with F10
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_F12), 88);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_F13), KEY_F13);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_UP), KEY_UP);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_PAGEDOWN), KEY_PAGEDOWN);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_PRINTSCREEN), KEY_SYSRQ);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_NUMLOCKCLEAR), KEY_NUMLOCK);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_KP_ENTER), KEY_KPENTER);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_KP_0), KEY_KP0);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_KP_9), KEY_KP9);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_APPLICATION), KEY_COMPOSE);
}

TEST(DisplayKeymapTest, UnmappedAndOutOfRangeScancodesGiveNoKey) {
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_UNKNOWN), 0);
  EXPECT_EQ(linuxKeyOfScancode(-1), 0);
  EXPECT_EQ(linuxKeyOfScancode(SDL_NUM_SCANCODES), 0);
  EXPECT_EQ(linuxKeyOfScancode(100000), 0);
  EXPECT_EQ(linuxKeyOfScancode(SDL_SCANCODE_KP_HEXADECIMAL), 0);
}

TEST(DisplayKeymapTest, TheTableIsDenseOverTheKeyboardPage) {
  // Every scancode of the keyboard's main blocks (HID 0x04-0x65) maps;
  // what the table leaves out are the rare keys.
  for (int scancode = SDL_SCANCODE_A; scancode <= SDL_SCANCODE_APPLICATION; ++scancode)
    EXPECT_NE(linuxKeyOfScancode(scancode), 0) << "scancode " << scancode;
  unsigned mapped = 0;
  for (int scancode = 0; scancode < SDL_NUM_SCANCODES; ++scancode)
    mapped += linuxKeyOfScancode(scancode) != 0 ? 1 : 0;
  EXPECT_EQ(mapped, mappedScancodeCount());
  EXPECT_GT(mapped, 150u);
}

} // namespace
} // namespace tiercel::system
