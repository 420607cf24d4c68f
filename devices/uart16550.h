// A 16550A UART (National Semiconductor PC16550D data sheet), as the QEMU
// virt board has it at 0x10000000 ("ns16550a", reg-shift 0, IRQ 10): the
// console OpenSBI and Linux write to before any other driver runs.
//
// Modelled: the eight byte-wide registers with the divisor latch (DLAB),
// the 16-byte receive FIFO (1 byte with FIFOs off) with overrun, the four
// interrupt sources in the data sheet's priority order (line status,
// received data, transmitter empty, modem status) reported in IIR, and
// loopback. Transmission is instant: THR is always empty again by the time
// the guest looks, so the THR-empty interrupt fires after each write while
// enabled. Baud rate, parity and stop bits are kept but mean nothing to a
// byte stream. Modem lines read as connected (CTS, DSR, DCD).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

#include "devices/char_backend.h"
#include "machine/system/device_interface.h"

namespace tiercel::devices {

class Uart16550 : public MmioDevice {
public:
  static constexpr uint64_t kWindowSize = 0x100; // as the virt board's device tree says
  static constexpr unsigned kFifoSize = 16;

  // `backend` and `irq` outlive the UART. Input from the backend lands in
  // the receive FIFO.
  Uart16550(CharBackend &backend, IrqLine &irq);

  const char *name() const override { return "uart16550"; }
  uint64_t windowSize() const override { return kWindowSize; }
  // Byte registers at offsets 0-7. A wider access is split into byte
  // accesses, lowest address first (as QEMU's 16550 does); offsets 8 and up
  // decode nothing.
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

  // A byte from the host side (also called by the backend's receiver).
  void receive(uint8_t byte);
  // Bytes the receive FIFO (one byte with FIFOs off) can take now: the
  // back end's flow control (char_backend.h), so pasted input is not lost
  // to overruns.
  size_t receiveRoom();

private:
  uint8_t readRegister(unsigned reg);
  void writeRegister(unsigned reg, uint8_t value);
  uint8_t interruptIdentification() const;
  uint8_t modemStatus() const;
  void pushReceived(uint8_t byte);
  void updateIrq();
  void noteReceiveRoom();

  CharBackend &backend_;
  IrqLine &irq_;
  std::mutex mutex_;
  std::deque<uint8_t> rx_;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0x0c, dlm_ = 0;
  bool fifoEnabled_ = false;
  bool overrun_ = false;        // LSR.OE, until LSR is read
  bool thrEmptyPending_ = false; // the THRE interrupt condition
  bool irqLevel_ = false;
  bool receiveRoomGrew_ = false; // RBR read or FIFO reset since the back end was told
};

} // namespace tiercel::devices
