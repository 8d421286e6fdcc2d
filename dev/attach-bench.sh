#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Attach and detach times of many tracepoints, sonde and (when installed)
# bpftrace side by side, for the same script: N tracepoints counting
# into one map, then an interval probe printing TICK every 100 ms. The
# attach time is the first TICK less 100 ms; detach is SIGINT to exit.
# Usage: dev/attach-bench.sh [N ...]   (default 100 360 1000). Needs root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sonde=${SONDE:-build/sonde}
counts=("$@")
((${#counts[@]})) || counts=(100 360 1000)

tracefs=/sys/kernel/tracing
# Syscall tracepoints first, then other common categories, in a fixed order.
mapfile -t events < <(
  { grep '^syscalls:sys_' "$tracefs/available_events"
    grep -E '^(sched|irq|timer|workqueue|block|writeback|ext4|net|sock|tcp|skb|kmem|signal|task|power|filemap|pagemap|vmscan|compaction|rcu|printk|module|oom|random|jbd2|migrate|cgroup):' \
      "$tracefs/available_events"; } | sort -u | sed 's/^/tracepoint:/')

measure() { # tool n
  local tool=$1 n=$2 out start first now pid
  local probes
  probes=$(printf '%s\n' "${events[@]:0:$n}" | paste -sd, -)
  out=$(mktemp)
  start=$(date +%s%N)
  "$tool" -e "$probes { @ = count(); } interval:ms:100 { printf(\"TICK\\n\"); }" \
    >"$out" 2>/dev/null &
  pid=$!
  until grep -q TICK "$out" 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null; then
      echo "$tool failed with $n probes" >&2
      rm -f "$out"
      return
    fi
    sleep 0.01
  done
  first=$(date +%s%N)
  kill -INT $pid
  wait $pid || true
  now=$(date +%s%N)
  printf '%-10s %5d  attach %7.2f s  detach %7.2f s\n' "$(basename "$tool")" "$n" \
    "$(echo "($first - $start) / 1000000000 - 0.1" | bc -l)" \
    "$(echo "($now - $first) / 1000000000" | bc -l)"
  rm -f "$out"
}

for n in "${counts[@]}"; do
  if ((n > ${#events[@]})); then
    echo "only ${#events[@]} tracepoints here" >&2
    n=${#events[@]}
  fi
  measure "$sonde" "$n"
  if command -v bpftrace >/dev/null; then
    measure bpftrace "$n"
  fi
done
