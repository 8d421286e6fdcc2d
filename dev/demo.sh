#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# From a fresh Debian 12 machine to a running trace: installs what is
# missing, builds sonde (Release) and traces the files opened on the system
# for 3 seconds while generating some file activity. Run as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $EUID -ne 0 ]]; then
  echo "demo: sonde loads BPF programs into the kernel; run as root" >&2
  exit 1
fi
bash dev/install-deps.sh
bash dev/build.sh Release

# Something to see: a process that keeps opening files while sonde runs.
(while :; do
  cat /etc/os-release /etc/hostname >/dev/null
  sleep 0.3
done) &
activity=$!
trap 'kill "$activity" 2>/dev/null || true' EXIT

echo "demo: tracing openat() for 3 seconds" >&2
"${BUILD_DIR:-./build}/sonde" -e 'tracepoint:syscalls:sys_enter_openat { printf("%-16s %s\n", comm, str(args.filename)); } interval:s:3 { exit(); }'
