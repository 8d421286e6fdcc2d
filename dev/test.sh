#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds (RelWithDebInfo) and runs every test:
# unit, golden and runtime suites. Runtime tests need root.
# Extra arguments go to ctest, e.g. `dev/test.sh -R golden` or `-L unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash dev/install-deps.sh
bash dev/build.sh RelWithDebInfo
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 "$@"
