# Finds Debian's riscv64 Linux cross compiler and provides
# tiercel_riscv64_compile(), used by tests/guest and bench to build guest
# programs into the build directory. Guest code is not built through CMake's
# own C support (that is the host compiler); each program is one custom command.
include_guard(GLOBAL)

find_program(TIERCEL_RISCV64_CC NAMES riscv64-linux-gnu-gcc riscv64-linux-gnu-gcc-12)
if(NOT TIERCEL_RISCV64_CC)
  message(FATAL_ERROR
    "riscv64-linux-gnu-gcc not found: the guest tests and benchmarks need Debian's riscv64 "
    "cross compiler. Install it with `bash tools/install-deps.sh` (packages "
    "gcc-riscv64-linux-gnu libc6-dev-riscv64-cross) or set TIERCEL_RISCV64_CC.")
endif()
set(TIERCEL_RISCV64_SYSROOT /usr/riscv64-linux-gnu CACHE PATH
    "riscv64 sysroot holding the dynamic loader and shared libraries for dynamic guests")
find_program(TIERCEL_QEMU_RISCV64 qemu-riscv64)
find_program(TIERCEL_CCACHE ccache)

# tiercel_riscv64_compile(OUTPUT out SOURCE src [FLAGS ...] [LIBS ...] [DEPENDS ...])
function(tiercel_riscv64_compile)
  cmake_parse_arguments(ARG "" "OUTPUT;SOURCE" "FLAGS;LIBS;DEPENDS" ${ARGN})
  get_filename_component(dir ${ARG_OUTPUT} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  set(launcher)
  if(TIERCEL_CCACHE)
    set(launcher ${TIERCEL_CCACHE})
  endif()
  file(RELATIVE_PATH shown ${CMAKE_BINARY_DIR} ${ARG_OUTPUT})
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${launcher} ${TIERCEL_RISCV64_CC} ${ARG_FLAGS} -MD -MF ${ARG_OUTPUT}.d
            -o ${ARG_OUTPUT} ${ARG_SOURCE} ${ARG_LIBS}
    DEPENDS ${ARG_SOURCE} ${ARG_DEPENDS}
    DEPFILE ${ARG_OUTPUT}.d
    COMMENT "Building riscv64 guest ${shown}"
    VERBATIM)
endfunction()
