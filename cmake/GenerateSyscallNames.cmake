# SPDX-License-Identifier: Apache-2.0
# Writes OUTPUT, one `{number, "name"},` line per `#define __NR_name number`
# in HEADER (the kernel's asm/unistd_64.h), so syscall_name() follows the
# headers sonde is built against instead of a hand-kept list.
file(STRINGS "${HEADER}" _lines REGEX "^#define __NR_[a-z0-9_]+[ \t]+[0-9]+")
set(_text "// Generated from ${HEADER} by cmake/GenerateSyscallNames.cmake.\n")
foreach(_line IN LISTS _lines)
  string(REGEX REPLACE "^#define __NR_([a-z0-9_]+)[ \t]+([0-9]+).*" "{\\2, \"\\1\"},"
    _entry "${_line}")
  string(APPEND _text "${_entry}\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${_text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
