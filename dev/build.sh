#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds sonde with CMake + Ninja.
# Usage: dev/build.sh [BUILD_TYPE]   (default RelWithDebInfo)
# The build folder is `build` at the top of the repo, or $BUILD_DIR.
# ccache is used when installed (the top-level CMakeLists.txt picks it up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_type=${1:-RelWithDebInfo}
build_dir=${BUILD_DIR:-build}

if [[ -f $build_dir/CMakeCache.txt ]] &&
  ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$build_dir/CMakeCache.txt"; then
  echo "build: $build_dir was configured with another generator;" \
    "remove it or set BUILD_DIR" >&2
  exit 1
fi
cmake -G Ninja -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type"
cmake --build "$build_dir"
