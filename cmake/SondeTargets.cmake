# SPDX-License-Identifier: Apache-2.0

# Warning flags live on an interface target, never in global options.
add_library(sonde_warnings INTERFACE)
target_compile_options(sonde_warnings INTERFACE
  -Wall -Wextra -Wimplicit-fallthrough -Werror=switch)
if(SONDE_WERROR)
  target_compile_options(sonde_warnings INTERFACE -Werror)
endif()
# With clang: libbpf's LIBBPF_OPTS macro initialises option structs with
# designated initialisers that name only some fields, and libstdc++ 12's
# std::stable_sort calls get_temporary_buffer, deprecated in C++20.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(sonde_warnings INTERFACE
    -Wno-missing-designated-field-initializers -Wno-deprecated-declarations)
endif()
# GCC 12 reports false -Wrestrict overlaps inside std::string at -O3
# (GCC bug 105329); the warning stays on for other compilers.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
   CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(sonde_warnings INTERFACE -Wno-restrict)
endif()

# LLVM is built without RTTI; sonde matches it so classes can derive from
# LLVM's.
add_library(sonde_options INTERFACE)
target_compile_options(sonde_options INTERFACE -fno-rtti)
target_include_directories(sonde_options INTERFACE
  ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/src)
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(sonde_options INTERFACE _GLIBCXX_ASSERTIONS)
endif()
if(SONDE_SANITIZE)
  string(REPLACE ";" "," _sanitizers "${SONDE_SANITIZE}")
  target_compile_options(sonde_options INTERFACE
    -fsanitize=${_sanitizers} -fno-omit-frame-pointer)
  target_link_options(sonde_options INTERFACE -fsanitize=${_sanitizers})
endif()

# sonde_add_library(NAME DEPS...) builds src/NAME/*.cpp (tests excluded) as
# the static library sonde_NAME.
function(sonde_add_library name)
  file(GLOB _sources CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp)
  list(FILTER _sources EXCLUDE REGEX "_test\\.cpp$")
  add_library(sonde_${name} STATIC ${_sources} ${ARGN_EXTRA})
  target_link_libraries(sonde_${name} PUBLIC sonde_options sonde_llvm_headers
    PRIVATE sonde_warnings)
  if(ARGN)
    target_link_libraries(sonde_${name} PUBLIC ${ARGN})
  endif()
endfunction()
