// The 16550A UART (see uart16550.h). Register and bit names follow the
// PC16550D data sheet.
#include "devices/uart16550.h"

namespace tiercel::devices {

namespace {

enum Register : unsigned { Rbr = 0, Ier = 1, Iir = 2, Lcr = 3, Mcr = 4, Lsr = 5, Msr = 6, Scr = 7 };
constexpr unsigned Thr = Rbr, Fcr = Iir; // the write side of RBR and IIR; DLL and DLM (DLAB set) share Rbr and Ier

// IER
constexpr uint8_t kIerReceivedData = 1 << 0; // ERBFI
constexpr uint8_t kIerThrEmpty = 1 << 1;     // ETBEI
constexpr uint8_t kIerLineStatus = 1 << 2;   // ELSI
constexpr uint8_t kIerModemStatus = 1 << 3;  // EDSSI
// IIR: bit 0 clear while an interrupt is pending; bits 3:1 say which.
constexpr uint8_t kIirNone = 0x01;
constexpr uint8_t kIirLineStatus = 0x06;
constexpr uint8_t kIirReceivedData = 0x04;
constexpr uint8_t kIirThrEmpty = 0x02;
constexpr uint8_t kIirFifosEnabled = 0xc0;
// FCR
constexpr uint8_t kFcrEnable = 1 << 0;
constexpr uint8_t kFcrClearReceive = 1 << 1;
// LCR
constexpr uint8_t kLcrDlab = 1 << 7;
// MCR
constexpr uint8_t kMcrLoopback = 1 << 4;
// LSR
constexpr uint8_t kLsrDataReady = 1 << 0;
constexpr uint8_t kLsrOverrun = 1 << 1;
constexpr uint8_t kLsrThrEmpty = 1 << 5;
constexpr uint8_t kLsrTransmitterEmpty = 1 << 6;
// MSR: the lines as the guest sees them, not connected to anything.
constexpr uint8_t kMsrCts = 1 << 4, kMsrDsr = 1 << 5, kMsrRi = 1 << 6, kMsrDcd = 1 << 7;

} // namespace

Uart16550::Uart16550(CharBackend &backend, IrqLine &irq) : backend_(backend), irq_(irq) {
  backend_.setReceiver([this](uint8_t byte) { receive(byte); });
  backend_.setReceiveRoom([this] { return receiveRoom(); });
}

size_t Uart16550::receiveRoom() {
  std::lock_guard lock(mutex_);
  size_t capacity = fifoEnabled_ ? kFifoSize : 1;
  return rx_.size() < capacity ? capacity - rx_.size() : 0;
}

bool Uart16550::read(uint64_t offset, unsigned size, uint64_t &value) {
  if (offset > Scr || size == 0 || size > 8 || offset + size > Scr + 1)
    return false;
  std::lock_guard lock(mutex_);
  value = 0;
  for (unsigned i = 0; i < size; ++i)
    value |= uint64_t{readRegister(static_cast<unsigned>(offset) + i)} << (8 * i);
  updateIrq();
  noteReceiveRoom();
  return true;
}

bool Uart16550::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset > Scr || size == 0 || size > 8 || offset + size > Scr + 1)
    return false;
  std::lock_guard lock(mutex_);
  for (unsigned i = 0; i < size; ++i)
    writeRegister(static_cast<unsigned>(offset) + i, static_cast<uint8_t>(value >> (8 * i)));
  updateIrq();
  noteReceiveRoom();
  return true;
}

// The lock is held. The back end may now send more input.
void Uart16550::noteReceiveRoom() {
  if (!receiveRoomGrew_)
    return;
  receiveRoomGrew_ = false;
  backend_.receiveRoomChanged();
}

void Uart16550::receive(uint8_t byte) {
  std::lock_guard lock(mutex_);
  pushReceived(byte);
  updateIrq();
}

void Uart16550::pushReceived(uint8_t byte) {
  if (rx_.size() >= (fifoEnabled_ ? kFifoSize : 1)) {
    overrun_ = true; // the byte is lost, as on the chip
    return;
  }
  rx_.push_back(byte);
}

uint8_t Uart16550::modemStatus() const {
  if (mcr_ & kMcrLoopback) {
    // Loopback: DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD.
    return static_cast<uint8_t>(((mcr_ & 0x01) ? kMsrDsr : 0) | ((mcr_ & 0x02) ? kMsrCts : 0) |
                                ((mcr_ & 0x04) ? kMsrRi : 0) | ((mcr_ & 0x08) ? kMsrDcd : 0));
  }
  return kMsrCts | kMsrDsr | kMsrDcd;
}

// The highest-priority pending interrupt (data sheet table IV).
uint8_t Uart16550::interruptIdentification() const {
  uint8_t fifoBits = fifoEnabled_ ? kIirFifosEnabled : 0;
  if ((ier_ & kIerLineStatus) && overrun_)
    return fifoBits | kIirLineStatus;
  if ((ier_ & kIerReceivedData) && !rx_.empty())
    return fifoBits | kIirReceivedData;
  if ((ier_ & kIerThrEmpty) && thrEmptyPending_)
    return fifoBits | kIirThrEmpty;
  // Modem status: the lines never change, so no delta bit is ever set.
  (void)kIerModemStatus;
  return fifoBits | kIirNone;
}

uint8_t Uart16550::readRegister(unsigned reg) {
  bool dlab = lcr_ & kLcrDlab;
  switch (reg) {
  case Rbr: {
    if (dlab)
      return dll_;
    if (rx_.empty())
      return 0;
    uint8_t byte = rx_.front();
    rx_.pop_front();
    receiveRoomGrew_ = true;
    return byte;
  }
  case Ier: return dlab ? dlm_ : ier_;
  case Iir: {
    uint8_t iir = interruptIdentification();
    // Reading IIR while it reports THR empty clears that interrupt.
    if ((iir & 0x0f) == kIirThrEmpty)
      thrEmptyPending_ = false;
    return iir;
  }
  case Lcr: return lcr_;
  case Mcr: return mcr_;
  case Lsr: {
    uint8_t lsr = kLsrThrEmpty | kLsrTransmitterEmpty;
    if (!rx_.empty())
      lsr |= kLsrDataReady;
    if (overrun_)
      lsr |= kLsrOverrun;
    overrun_ = false; // error bits clear when LSR is read
    return lsr;
  }
  case Msr: return modemStatus();
  case Scr: return scr_;
  }
  return 0;
}

void Uart16550::writeRegister(unsigned reg, uint8_t value) {
  bool dlab = lcr_ & kLcrDlab;
  switch (reg) {
  case Thr:
    if (dlab) {
      dll_ = value;
      return;
    }
    if (mcr_ & kMcrLoopback)
      pushReceived(value);
    else
      backend_.write(value);
    thrEmptyPending_ = true; // sent at once: THR is empty again
    return;
  case Ier:
    if (dlab) {
      dlm_ = value;
      return;
    }
    // Enabling the THR-empty interrupt while THR is empty raises it.
    if ((value & kIerThrEmpty) && !(ier_ & kIerThrEmpty))
      thrEmptyPending_ = true;
    ier_ = value & 0x0f;
    return;
  case Fcr:
    if ((value & kFcrEnable) != fifoEnabled_) {
      rx_.clear(); // switching the FIFOs on or off empties them
      fifoEnabled_ = value & kFcrEnable;
    }
    if (value & kFcrClearReceive)
      rx_.clear();
    receiveRoomGrew_ = true; // emptied, or a FIFO where there was one byte
    return; // the trigger level only paces interrupts on real hardware
  case Lcr: lcr_ = value; return;
  case Mcr: mcr_ = value & 0x1f; return;
  case Lsr:
  case Msr: return; // read-only (factory test writes are not modelled)
  case Scr: scr_ = value; return;
  }
}

void Uart16550::updateIrq() {
  bool level = (interruptIdentification() & kIirNone) == 0;
  if (level != irqLevel_) {
    irqLevel_ = level;
    irq_.setLevel(level);
  }
}

} // namespace tiercel::devices
