# The GDB stub (-g), end to end: gdb-multiarch drives tiercel-riscv64 under
# each tier (gdb_cases.py). Included from tests/e2e/CMakeLists.txt.
find_program(TIERCEL_GDB_MULTIARCH gdb-multiarch)
if(NOT TIERCEL_GDB_MULTIARCH)
  # The tests still exist, and fail saying what is missing.
  set(TIERCEL_GDB_MULTIARCH "")
endif()
tiercel_riscv64_compile(OUTPUT ${e2e_out}/gdb_guest SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_guest.c
                        FLAGS -g -O0 -static)
tiercel_riscv64_compile(OUTPUT ${e2e_out}/gdb_spin SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/gdb/spin.c
                        FLAGS -O1 -static)
add_custom_target(e2e_gdb_guest ALL DEPENDS ${e2e_out}/gdb_guest ${e2e_out}/gdb_spin)
foreach(tier interp baseline)
  add_test(NAME e2e.gdb.session.${tier}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_cases.py session
            --tiercel $<TARGET_FILE:tiercel-riscv64> "--gdb=${TIERCEL_GDB_MULTIARCH}"
            --guest ${e2e_out}/gdb_guest --tier ${tier})
  add_test(NAME e2e.gdb.signal.${tier}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_cases.py signal
            --tiercel $<TARGET_FILE:tiercel-riscv64> "--gdb=${TIERCEL_GDB_MULTIARCH}"
            --guest ${e2e_out}/illegal_instruction --tier ${tier})
  add_test(NAME e2e.gdb.interrupt.${tier}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_cases.py interrupt
            --tiercel $<TARGET_FILE:tiercel-riscv64> --guest ${e2e_out}/gdb_spin --tier ${tier})
  set_tests_properties(e2e.gdb.session.${tier} e2e.gdb.signal.${tier} e2e.gdb.interrupt.${tier}
                       PROPERTIES LABELS e2e TIMEOUT 180)
endforeach()
tiercel_e2e(gdb_bad_port 1 "-g: 'http' is not a TCP port number" -- ${tool} -g http ${guest})
add_test(NAME e2e.gdb.busy_port
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_cases.py busy_port
          --tiercel $<TARGET_FILE:tiercel-riscv64> --guest ${guest})
set_tests_properties(e2e.gdb.busy_port PROPERTIES LABELS e2e TIMEOUT 90)
