# The tier-1 stencils: user_stencils.cpp (the one semantics instantiated per
# opcode and variant) is compiled by the project's own clang-19 to an object
# that is never linked; the extractor turns it into stencil_tables.cpp, the
# tables of jit/stencil_set.h. Generated into the build directory only.
#
# The flags are part of the stencil ABI (jit/stencils/stencil_abi.h):
#  -mcmodel=medium -fno-pic: holes declared small become 32-bit fields,
#     holes declared large become 64-bit ones;
#  -ffunction-sections: one stencil per section, so its code is the section;
#  -fno-jump-tables, no unwind tables, no stack protector: nothing a stencil
#     needs outside its own bytes besides what the extractor checks.
# No sanitizer flags: stencils are copied, never linked.
add_executable(tiercel-extract-stencils ${CMAKE_CURRENT_LIST_DIR}/stencil_extractor/extract_stencils.cpp)
target_link_libraries(tiercel-extract-stencils PRIVATE tiercel_llvm tiercel_warnings)
target_compile_options(tiercel-extract-stencils PRIVATE -fno-sanitize=all)
target_link_options(tiercel-extract-stencils PRIVATE -fno-sanitize=all)

set(TIERCEL_STENCIL_SOURCE ${CMAKE_CURRENT_LIST_DIR}/stencils/user_stencils.cpp)
set(TIERCEL_STENCIL_OBJECT ${CMAKE_CURRENT_BINARY_DIR}/user_stencils.o)
set(TIERCEL_STENCIL_TABLES ${CMAKE_CURRENT_BINARY_DIR}/stencil_tables.cpp)
set(TIERCEL_STENCIL_FLAGS
  -std=c++20 -O2 -I${PROJECT_SOURCE_DIR}
  -fno-pic -mcmodel=medium -ffunction-sections -fdata-sections
  -fno-jump-tables -fno-asynchronous-unwind-tables -fno-unwind-tables
  -fno-stack-protector -fno-rtti -Wall -Wextra -Werror)
add_custom_command(
  OUTPUT ${TIERCEL_STENCIL_OBJECT}
  COMMAND ${CMAKE_CXX_COMPILER} ${TIERCEL_STENCIL_FLAGS} -MD -MF ${TIERCEL_STENCIL_OBJECT}.d
          -c ${TIERCEL_STENCIL_SOURCE} -o ${TIERCEL_STENCIL_OBJECT}
  DEPENDS ${TIERCEL_STENCIL_SOURCE}
  DEPFILE ${TIERCEL_STENCIL_OBJECT}.d
  COMMENT "Compiling the tier-1 stencils from the semantics"
  VERBATIM)
add_custom_command(
  OUTPUT ${TIERCEL_STENCIL_TABLES}
  COMMAND tiercel-extract-stencils ${TIERCEL_STENCIL_OBJECT} ${TIERCEL_STENCIL_TABLES}
  DEPENDS tiercel-extract-stencils ${TIERCEL_STENCIL_OBJECT}
  COMMENT "Extracting the stencil tables"
  VERBATIM)

# The tables and the patcher that applies them.
add_library(tiercel_stencils STATIC ${TIERCEL_STENCIL_TABLES} ${CMAKE_CURRENT_LIST_DIR}/stencil_patcher.cpp
  ${CMAKE_CURRENT_LIST_DIR}/enter_generated_code.cpp)
target_link_libraries(tiercel_stencils PUBLIC tiercel_isa)

# Block translation on the stencils and the code cache.
add_library(tiercel_translator STATIC ${CMAKE_CURRENT_LIST_DIR}/translator.cpp)
target_link_libraries(tiercel_translator PUBLIC tiercel_stencils tiercel_jit_cache PRIVATE tiercel_warnings)
