#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs sonde and sends it signals once lines appear in its output, then
# prints that output and exits with sonde's status.
#   signals.sh SONDE SIGNAL=LINE... -- SONDE_ARGS...
# Each SIGNAL (USR1, INT, ...) is sent, in order, once the exact LINE is in
# sonde's stdout (waiting at most 5 s for each).
set -u
sonde=$1
shift
steps=()
while [[ $# -gt 0 && $1 != -- ]]; do
  steps+=("$1")
  shift
done
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$sonde" "$@" >"$out" &
pid=$!
for step in "${steps[@]}"; do
  for _ in $(seq 100); do
    grep -qxF -- "${step#*=}" "$out" && break
    sleep 0.05
  done
  kill -s "${step%%=*}" "$pid"
done
wait "$pid"
status=$?
cat "$out"
exit "$status"
