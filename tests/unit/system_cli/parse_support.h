// Helpers for the tests of tiercel-system-riscv64's command line
// (tools/tiercel-system-riscv64/options.h): parse an argument list that
// must parse, one that must fail, or one whose first "unimplemented" item
// is wanted.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "tools/tiercel-system-riscv64/options.h"

namespace tiercel::tools::test {

inline std::vector<std::string> argv(std::initializer_list<std::string> args) {
  std::vector<std::string> out{"tiercel-system-riscv64"};
  out.insert(out.end(), args);
  return out;
}

inline SystemCommandLine parse(std::initializer_list<std::string> args) {
  auto line = parseSystemCommandLine(argv(args));
  if (!line) {
    ADD_FAILURE() << llvm::toString(line.takeError());
    return {};
  }
  return std::move(*line);
}

inline std::string errorOf(std::initializer_list<std::string> args) {
  auto line = parseSystemCommandLine(argv(args));
  if (line) {
    ADD_FAILURE() << "parsed without an error";
    return "";
  }
  return llvm::toString(line.takeError());
}

// The first unimplemented item (the tool exits 1 with it).
inline std::string unimplementedOf(std::initializer_list<std::string> args) {
  SystemCommandLine line = parse(args);
  return line.unimplemented.empty() ? "" : line.unimplemented.front();
}

} // namespace tiercel::tools::test

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)
