# Host-side diagnostics for generated code: the x86-64 disassembler (Capstone)
# behind -d out_asm and the golden host-instruction counts, and the Linux perf
# JIT map writer. Included from jit/CMakeLists.txt (and, guarded, from
# tests/unit/jit_hostdis), so paths are relative to this file, not to the
# including directory.

# Capstone from the distribution (Debian 12: libcapstone-dev, capstone.pc).
# GLOBAL so targets in other directories can link through the static library.
if(NOT TARGET PkgConfig::CAPSTONE)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET GLOBAL capstone)
endif()

add_library(tiercel_host_disassembler STATIC ${CMAKE_CURRENT_LIST_DIR}/host_disassembler.cpp)
target_link_libraries(tiercel_host_disassembler
  PUBLIC tiercel_llvm
  PRIVATE PkgConfig::CAPSTONE tiercel_warnings)

add_library(tiercel_perf_map STATIC ${CMAKE_CURRENT_LIST_DIR}/../runtime/perf_map.cpp)
target_link_libraries(tiercel_perf_map
  PUBLIC tiercel_llvm
  PRIVATE tiercel_warnings)

# perf's jitdump format (-jitdump): code, names and guest pcs as line info.
add_library(tiercel_jitdump STATIC ${CMAKE_CURRENT_LIST_DIR}/../runtime/jitdump.cpp)
target_link_libraries(tiercel_jitdump
  PUBLIC tiercel_llvm
  PRIVATE tiercel_warnings)
