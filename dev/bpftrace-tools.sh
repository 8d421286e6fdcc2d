#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every tool of the installed bpftrace package (Debian puts them in
# /usr/sbin/NAME.bt) under bpftrace and under sonde, a few seconds each
# with some load on the machine, and prints a table: whether each attaches
# and runs, and sonde's first error line where it does not. A tool that
# bpftrace itself cannot attach here, or that needs kprobes or fentry, is
# listed as such.
# Usage: dev/bpftrace-tools.sh [SECONDS]   (default 3). Needs root.
# SONDE: the binary (default build/sonde); TOOLS: a directory of .bt files
# to use instead of the bpftrace package's.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-3}
sonde=${SONDE:-build/sonde}

if [[ -n ${TOOLS:-} ]]; then
  mapfile -t tools < <(ls "$TOOLS"/*.bt)
else
  mapfile -t tools < <(dpkg -L bpftrace 2>/dev/null | grep '\.bt$' | sort)
fi
((${#tools[@]})) || { echo "no bpftrace tools found" >&2; exit 1; }

# Something for the tools to see: files opened, processes started, disk
# written, sockets used.
load() {
  while :; do
    ls /usr/bin > /dev/null
    cat /etc/hostname > /dev/null
    dd if=/dev/zero of=/tmp/bpftrace-tools.load bs=64k count=16 \
      conv=fsync status=none
    getent hosts localhost > /dev/null
    sleep 0.1
  done
}
load &
loader=$!
trap 'kill $loader 2>/dev/null; rm -f /tmp/bpftrace-tools.load' EXIT

# run TOOL-COMMAND SCRIPT: prints "ok", or "fails: FIRST ERROR LINE".
run() {
  local err status
  err=$(mktemp)
  timeout -s INT -k 5 "$seconds" "$1" "$2" > /dev/null 2> "$err"
  status=$?
  # bpftrace 0.17 reports a failed setrlimit as an ERROR and goes on.
  sed -i '/RLIMIT_MEMLOCK/d' "$err"
  # 124: still running when the time was up, i.e. it attached and ran.
  if ((status == 0 || status == 124)) && ! grep -qiE 'error|abort' "$err"; then
    echo ok
  else
    echo "fails: $(grep -m1 -iE 'error|fail|abort|cannot' "$err" || head -1 "$err")"
  fi
  rm -f "$err"
}

passed=0 attachable=0
printf '%-22s %-10s %s\n' TOOL BPFTRACE SONDE
for tool in "${tools[@]}"; do
  name=$(basename "$tool")
  # bpftrace 0.17 starts such a tool here but its wildcard matches nothing.
  if grep -qE '^[[:space:]]*(kprobe|kretprobe|kfunc|kretfunc|fentry|fexit):' "$tool"; then
    printf '%-22s %-10s %s\n' "$name" "no-attach" "(skipped: needs kprobes or fentry, not on this kernel)"
    continue
  fi
  theirs=$(run bpftrace "$tool")
  if [[ $theirs != ok ]]; then
    printf '%-22s %-10s %s\n' "$name" "no-attach" "(skipped: bpftrace cannot attach it here)"
    continue
  fi
  attachable=$((attachable + 1))
  ours=$(run "$sonde" "$tool")
  [[ $ours == ok ]] && passed=$((passed + 1))
  printf '%-22s %-10s %s\n' "$name" ok "$ours"
done
echo "sonde runs $passed of the $attachable tools bpftrace attaches here"
