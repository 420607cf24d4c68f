// The Linux perf jitdump writer: a binary log of the code the JIT generates
// (address, name, a copy of the bytes, and host-address -> guest-pc line
// tables) in the format of tools/perf/Documentation/jitdump-specification.txt
// in the kernel tree. With it,
//   perf record -k mono ... tiercel ...
//   perf inject --jit -i perf.data -o perf.jit.data
//   perf report -i perf.jit.data --sort sym,srcline
// turns each block into an ELF image (jitted-<pid>-<index>.so, written by
// perf inject next to the dump), so samples in the code cache are attributed
// to guest blocks, `perf annotate` can disassemble them, and srcline shows
// the guest pc of the instruction a sample hit.
//
// Unlike the perf map (perf_map.h), a dump outlives address reuse: a block
// evicted and a new one placed at the same address are two records with
// their own timestamps, and perf matches each sample to the code that was
// there when the sample was taken.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "llvm/Support/Error.h"

namespace tiercel {

// addCode() may be called from several threads: each call goes out as one
// write under a lock, so the debug record of a block is always directly
// followed by its load record (perf inject pairs them by position).
class JitDump {
public:
  // <directory>/jit-<getpid()>.dump, the name `perf inject --jit` looks for
  // (the directory itself is free). The directory is created if missing.
  // With an empty directory, perf's own convention (the JVMTI agent's):
  // a fresh ${JITDUMPDIR:-$HOME}/.debug/jit/tiercel-jit-YYYYMMDD.XXXXXXXX,
  // fresh so that the jitted-*.so files perf inject writes next to the dump
  // of one run never mix with those of an earlier process with the same pid.
  // The file is mapped PROT_EXEC while the dump is open: that mapping is
  // the marker `perf record` logs and `perf inject` finds the dump by.
  static llvm::Expected<std::unique_ptr<JitDump>> open(const std::string &directory = "");
  // The same at an exact path (tests). perf only finds the dump if the file
  // name is jit-<pid>.dump.
  static llvm::Expected<std::unique_ptr<JitDump>> openAt(const std::string &path);
  // Writes JIT_CODE_CLOSE (not in a forked child), removes the marker
  // mapping and closes the file. The file stays for perf inject.
  ~JitDump();
  JitDump(const JitDump &) = delete;
  JitDump &operator=(const JitDump &) = delete;

  // Where the code for one guest instruction starts in the host code.
  struct LineEntry {
    const void *hostAddress;
    uint64_t guestPc;
  };

  // Logs [start, start + size) as a function called `name`: optionally a
  // JIT_CODE_DEBUG_INFO record built from `lines`, then a JIT_CODE_LOAD
  // record with a copy of the code bytes (perf annotate disassembles that
  // copy, as the code cache may have changed by the time perf runs).
  //
  // Line information: each entry becomes a row "sourceName:line" with line =
  // the low 32 bits of the guest pc, since the jitdump line field (and the
  // DWARF line table perf inject builds from it) is 32 bits. perf prints it
  // in decimal: 65540 is guest pc 0x10004. Guest images below 4 GiB (the
  // usual ET_EXEC bases and the loader's PIE bias) keep the whole pc; the
  // block name should carry the full pc of its first instruction anyway.
  // sourceName is typically the guest binary's path; "guest" if empty.
  // Entries are sorted by host address (DWARF line tables must not go
  // backwards), entries outside the code are dropped, and a closing entry at
  // start + size repeats the last line, as perf inject ends the line
  // sequence at the last entry's address and the last instruction's code
  // would otherwise have no line.
  //
  // Nothing is written for size 0 (perf has no use for an empty range), nor
  // in a child forked after open(): its writes would land at the parent's
  // offsets, and perf wants a jit-<child pid>.dump for the child's samples
  // anyway, so a child that JITs opens its own dump.
  // Newlines and NULs in names become blanks. A failed write is reported on
  // stderr once and the partly written record is cut off the file again, as
  // the dump is a diagnostic aid and must not stop the run.
  void addCode(const void *start, size_t size, std::string_view name,
               std::span<const LineEntry> lines = {}, std::string_view sourceName = "");

  const std::string &path() const { return path_; }

private:
  JitDump(int fd, std::string path, void *marker, size_t markerSize, uint64_t fileSize,
          int ownerPid)
      : fd_(fd), path_(std::move(path)), marker_(marker), markerSize_(markerSize),
        ownerPid_(ownerPid), fileSize_(fileSize) {}

  // Appends one buffer of whole records at fileSize_, or nothing.
  void writeRecords(const std::string &records);
  void reportOnce(const char *what, const char *detail);

  int fd_;
  std::string path_;
  void *marker_;
  size_t markerSize_;
  int ownerPid_; // the process that opened the dump and alone writes to it
  std::mutex writeMutex_;
  uint64_t fileSize_;          // guarded by writeMutex_
  bool broken_ = false;        // a failed write could not be undone (writeMutex_)
  uint64_t nextCodeIndex_ = 1; // perf names the images jitted-<pid>-<index>.so
  std::atomic<bool> reportedError_{false};
};

} // namespace tiercel
