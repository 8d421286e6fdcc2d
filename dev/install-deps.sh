#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs sonde's build and test dependencies on Debian 12 and makes sure
# tracefs is mounted. Fast when everything is already there: apt is not run
# at all unless a package is missing. Run by dev/demo.sh and
# dev/test.sh; needs root (or sudo) only when something must be installed.
set -euo pipefail

SONDE_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config python3 flex bison
  llvm-19-dev libclang-19-dev clang-19 libbpf-dev libelf-dev libdw-dev
  zlib1g-dev libzstd-dev libgtest-dev googletest libgmock-dev bpftool
  bpftrace systemtap-sdt-dev clang-format-19
)

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "install-deps: need root to run: $*" >&2
    return 1
  fi
}

missing_packages() {
  # dpkg-query prints only the packages it knows; anything not reported as
  # "install ok installed" is missing.
  local installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${SONDE_PACKAGES[@]}" \
    2>/dev/null | awk '$NF == "installed" { print $1 }' || true)
  local p
  for p in "${SONDE_PACKAGES[@]}"; do
    grep -qxF "$p" <<<"$installed" || echo "$p"
  done
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  echo "install-deps: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -q update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -q install -y "${SONDE_PACKAGES[@]}"
}

mount_tracefs() {
  if grep -qs ' /sys/kernel/tracing tracefs ' /proc/mounts; then
    return 0
  fi
  if ! as_root mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
    echo "install-deps: warning: could not mount tracefs on /sys/kernel/tracing;" \
      "tracepoint probes and runtime tests will not work" >&2
  fi
}

install_packages
mount_tracefs
