// The sifive,test0 finisher (see sifive_test.h).
#include "devices/sifive_test.h"

namespace tiercel::devices {

// 2-byte accesses: OpenSBI's sifive_test driver powers off with writew
// (QEMU's model accepts 2 to 4 bytes).
bool SifiveTest::read(uint64_t offset, unsigned size, uint64_t &value) {
  if (offset != 0 || (size != 2 && size != 4 && size != 8))
    return false;
  value = 0;
  return true;
}

bool SifiveTest::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset != 0 || (size != 2 && size != 4 && size != 8))
    return false;
  uint32_t command = static_cast<uint32_t>(value) & 0xffff;
  uint32_t code = static_cast<uint32_t>(value) >> 16;
  if (command == kPass)
    power_.powerOff(0);
  else if (command == kFail)
    power_.powerOff(static_cast<int>(code));
  else if (command == kReset)
    power_.reset();
  return true;
}

} // namespace tiercel::devices
