# SPDX-License-Identifier: Apache-2.0
# Writes the debug information of BINARY to ROOT/.build-id/xx/yyyy.debug,
# where xxyyyy is its GNU build id, as debuginfo packages install it.
# Usage: cmake -DBINARY=... -DOBJCOPY=... -DROOT=... -P build_id_debug_file.cmake
execute_process(COMMAND readelf -n ${BINARY} OUTPUT_VARIABLE _notes
  COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCH "Build ID: ([0-9a-f]+)" _match "${_notes}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "${BINARY} has no build id")
endif()
string(SUBSTRING ${CMAKE_MATCH_1} 0 2 _head)
string(SUBSTRING ${CMAKE_MATCH_1} 2 -1 _tail)
file(MAKE_DIRECTORY ${ROOT}/.build-id/${_head})
execute_process(COMMAND ${OBJCOPY} --only-keep-debug ${BINARY}
  ${ROOT}/.build-id/${_head}/${_tail}.debug COMMAND_ERROR_IS_FATAL ANY)
