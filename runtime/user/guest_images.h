// What a profile says about the guest's ELF images (profiles::GuestImage):
// the build id, a hash of the file and its function symbols at run-time
// addresses, read with LLVM's Object library.
#pragma once

#include <string>

#include "profiles/profile.h"

namespace tiercel::user {

// Reads the ELF at `path`, loaded with `loadBias` over [start, end). A file
// that cannot be read or parsed gives an image with no symbols (the
// profile still names its range and path).
profiles::GuestImage describeGuestImage(const std::string &path, uint64_t loadBias,
                                        uint64_t start, uint64_t end);

} // namespace tiercel::user
