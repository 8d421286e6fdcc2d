# SPDX-License-Identifier: Apache-2.0
# Every dependency comes from Debian 12 packages; nothing is downloaded.

find_package(LLVM REQUIRED CONFIG
  HINTS /usr/lib/llvm-19/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "sonde needs LLVM 19 (llvm-19-dev); found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

find_package(BISON 3.6 REQUIRED)
find_package(FLEX 2.6 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)
# DWARF of traced programs, for `args` in uprobes (symbols/dwarf_types.cpp).
pkg_check_modules(LIBDW REQUIRED IMPORTED_TARGET libdw)
find_package(ZLIB REQUIRED)

# LLVM headers and its RTTI setting are shared by every target that includes
# LLVM (LLVMSupport may be used anywhere).
add_library(sonde_llvm_headers INTERFACE)
target_include_directories(sonde_llvm_headers SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(sonde_llvm_headers INTERFACE ${LLVM_DEFINITIONS})

# Only the static component archives sonde needs are linked, so start-up
# runs few static constructors and touches few pages.
llvm_map_components_to_libnames(SONDE_LLVM_SUPPORT_LIBS support)
llvm_map_components_to_libnames(SONDE_LLVM_CODEGEN_LIBS
  bpfcodegen bpfdesc bpfinfo bpfasmparser core scalaropts instcombine
  transformutils analysis target mc)
