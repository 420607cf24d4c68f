// Helpers of the exporter tests: run an export and get it as text or JSON.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "llvm/Support/JSON.h"

#include "profiles/export.h"

namespace tiercel::test {

// The export as a string; fails the test (and returns "") on an error.
inline std::string exportText(const profiles::RunProfile &profile, profiles::ExportFormat format) {
  llvm::Expected<std::vector<uint8_t>> bytes = profiles::exportProfile(profile, format);
  if (!bytes) {
    ADD_FAILURE() << "export " << profiles::exportFormatName(format) << ": "
                  << llvm::toString(bytes.takeError());
    return "";
  }
  return std::string(bytes->begin(), bytes->end());
}

// The export parsed as JSON; fails the test (and returns null) when it is not.
inline llvm::json::Value exportJson(const profiles::RunProfile &profile,
                                    profiles::ExportFormat format) {
  std::string text = exportText(profile, format);
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
  if (!value) {
    ADD_FAILURE() << profiles::exportFormatName(format)
                  << " export is not JSON: " << llvm::toString(value.takeError());
    return nullptr;
  }
  return std::move(*value);
}

} // namespace tiercel::test
