// Writing a flattened device tree with libfdt's sequential-write calls: the
// piece the boards' trees (virt_fdt.cpp, spike_board.cpp) share. Only for
// runtime/system's sources (libfdt is their private dependency).
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include <libfdt.h>

#include "runtime/system/virt_fdt.h"
#include "llvm/Support/Error.h"

namespace tiercel::system::fdt {

inline llvm::Error fdtError(const char *what, int code) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "device tree: %s: %s", what,
                                 fdt_strerror(code));
}

// The sequential-write calls, with the first error kept.
class TreeWriter {
public:
  explicit TreeWriter(size_t size) : buffer_(size) { check("create", fdt_create(data(), size)); }

  void *data() { return buffer_.data(); }
  // The (empty) memory reservation map: the first thing after creation.
  void reserveMap() { check("reserve map", fdt_finish_reservemap(data())); }
  void check(const char *what, int code) {
    if (code < 0 && error_ == 0) {
      error_ = code;
      failedAt_ = what;
    }
  }
  void begin(const std::string &name) { check("begin node", fdt_begin_node(data(), name.c_str())); }
  void end() { check("end node", fdt_end_node(data())); }
  void string(const char *name, const char *value) {
    check(name, fdt_property_string(data(), name, value));
  }
  // A string list ("a\0b\0").
  void strings(const char *name, std::initializer_list<const char *> values) {
    std::string joined;
    for (const char *value : values) {
      joined += value;
      joined.push_back('\0');
    }
    check(name, fdt_property(data(), name, joined.data(), static_cast<int>(joined.size())));
  }
  void cell(const char *name, uint32_t value) {
    check(name, fdt_property_u32(data(), name, value));
  }
  void cells(const char *name, std::initializer_list<uint32_t> values) {
    cells(name, std::vector<uint32_t>(values));
  }
  void cells(const char *name, const std::vector<uint32_t> &values) {
    std::vector<fdt32_t> big;
    for (uint32_t value : values)
      big.push_back(cpu_to_fdt32(value));
    check(name, fdt_property(data(), name, big.data(), static_cast<int>(big.size() * 4)));
  }
  // reg = <address size> with 2 address and 2 size cells.
  void reg(uint64_t address, uint64_t size) {
    cells("reg", {static_cast<uint32_t>(address >> 32), static_cast<uint32_t>(address),
                  static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)});
  }
  void empty(const char *name) { check(name, fdt_property(data(), name, nullptr, 0)); }
  void bytes(const char *name, const std::vector<uint8_t> &value) {
    check(name, fdt_property(data(), name, value.data(), static_cast<int>(value.size())));
  }

  llvm::Expected<std::vector<uint8_t>> finish() {
    check("finish", fdt_finish(data()));
    if (error_ != 0)
      return fdtError(failedAt_, error_);
    return std::move(buffer_);
  }

private:
  std::vector<uint8_t> buffer_;
  int error_ = 0;
  const char *failedAt_ = "";
};

inline std::string nodeName(const char *name, uint64_t address) {
  char text[64];
  std::snprintf(text, sizeof text, "%s@%llx", name, static_cast<unsigned long long>(address));
  return text;
}

// The padded copy of a finished tree.
inline llvm::Expected<std::vector<uint8_t>> pad(const std::vector<uint8_t> &tree,
                                                const char *what) {
  uint32_t size = fdt_totalsize(tree.data());
  uint32_t padded = size + 0x10000 > kFdtPaddedSize ? size + 0x10000 : kFdtPaddedSize;
  std::vector<uint8_t> out(padded);
  int code = fdt_open_into(tree.data(), out.data(), static_cast<int>(padded));
  if (code < 0)
    return fdtError(what, code);
  return out;
}

} // namespace tiercel::system::fdt
