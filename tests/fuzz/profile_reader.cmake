# The profile reader fuzzer (tests/fuzz/profile_reader_fuzzer.cpp), included
# from tests/fuzz/CMakeLists.txt. It does not need tiercel-riscv64.
#
#   ctest -R profile_reader_fuzz      20000 runs (a minute at most) from seeds
#   build/tests/fuzz/tiercel-profile-reader-fuzzer -max_total_time=3600 \
#       CORPUS_DIR build/tests/fuzz/profile_reader_corpus/seeds      longer, locally
#
# The fuzzer compiles its own copy of the profile sources with libFuzzer's
# coverage instrumentation and ASan+UBSan (tiercel_profiles is not
# instrumented). Skipped when the compiler cannot build a libFuzzer target
# (clang's libFuzzer is in libclang-rt-19-dev).
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

# ASan cannot be linked into a ThreadSanitizer build.
if(TIERCEL_SANITIZE STREQUAL "thread")
  message(STATUS "profile_reader_fuzz: skipped in the ThreadSanitizer build")
  return()
endif()

set(profile_fuzz_flags -fsanitize=fuzzer,address,undefined)
cmake_push_check_state(RESET)
string(JOIN " " CMAKE_REQUIRED_FLAGS ${profile_fuzz_flags})
set(CMAKE_REQUIRED_QUIET ON)
check_cxx_source_compiles([[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
]] TIERCEL_HAVE_LIBFUZZER)
cmake_pop_check_state()

if(NOT TIERCEL_HAVE_LIBFUZZER)
  message(STATUS "profile_reader_fuzz: skipped, ${CMAKE_CXX_COMPILER} cannot build a libFuzzer "
                 "target (install libclang-rt-19-dev)")
  return()
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD_FOR_PROFILE_FUZZER REQUIRED IMPORTED_TARGET libzstd)

set(profile_reader_sources
  ${PROJECT_SOURCE_DIR}/profiles/profile.cpp
  ${PROJECT_SOURCE_DIR}/profiles/profile_format.cpp)

add_executable(tiercel_profile_reader_fuzzer
  ${CMAKE_CURRENT_LIST_DIR}/profile_reader_fuzzer.cpp ${profile_reader_sources})
target_compile_options(tiercel_profile_reader_fuzzer PRIVATE
  ${profile_fuzz_flags} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
target_link_options(tiercel_profile_reader_fuzzer PRIVATE ${profile_fuzz_flags})
target_link_libraries(tiercel_profile_reader_fuzzer PRIVATE
  tiercel_llvm PkgConfig::ZSTD_FOR_PROFILE_FUZZER tiercel_warnings)
set_target_properties(tiercel_profile_reader_fuzzer PROPERTIES
  OUTPUT_NAME tiercel-profile-reader-fuzzer)

# The same source as the seed writer, built like any project program.
add_executable(tiercel_profile_reader_seeds
  ${CMAKE_CURRENT_LIST_DIR}/profile_reader_fuzzer.cpp ${profile_reader_sources})
target_compile_definitions(tiercel_profile_reader_seeds PRIVATE TIERCEL_PROFILE_READER_SEEDS)
target_link_libraries(tiercel_profile_reader_seeds PRIVATE
  tiercel_llvm PkgConfig::ZSTD_FOR_PROFILE_FUZZER tiercel_warnings)

# Seeds first (a fixture), into a fresh work corpus the fuzzer adds to; the
# seed directory itself stays as written.
set(profile_corpus ${CMAKE_CURRENT_BINARY_DIR}/profile_reader_corpus)
add_test(NAME profile_reader_fuzz_seeds
  COMMAND tiercel_profile_reader_seeds ${profile_corpus}/seeds ${profile_corpus}/work)
set_tests_properties(profile_reader_fuzz_seeds PROPERTIES
  FIXTURES_SETUP profile_reader_corpus LABELS "fuzz;unit")
add_test(NAME profile_reader_fuzz
  COMMAND tiercel_profile_reader_fuzzer -runs=20000 -max_total_time=60 -timeout=10
          -rss_limit_mb=2048 ${profile_corpus}/work ${profile_corpus}/seeds)
set_tests_properties(profile_reader_fuzz PROPERTIES
  FIXTURES_REQUIRED profile_reader_corpus LABELS "fuzz;unit" TIMEOUT 180)
