#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Soak run: a printf flood read by a slow reader, every map printed each
# second, exit() at the end. Samples sonde's RSS every SAMPLE seconds and
# checks that it stays flat, that lost events are reported while the run
# goes on, and that the run ends within a second of exit().
# Usage: dev/soak.sh [SECONDS [SAMPLE]]   (default 3600 s, samples every 60 s)
# SONDE: the binary (default build/sonde); SOAK_LATE_LIMIT: how many seconds
# after exit() the run may end (default 1). Needs root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${1:-3600}
sample=${2:-60}
sonde=${SONDE:-build/sonde}
work=$(mktemp -d)
trap 'kill $generator 2>/dev/null; rm -rf "$work"' EXIT

# The flood: getpid() as fast as one CPU can call it.
python3 -c '
import os
while True:
    for _ in range(10000):
        os.getpid()
' &
generator=$!

script="tracepoint:syscalls:sys_enter_getpid /pid == $generator/ {
  printf(\"%d %d %s\\n\", pid, nsecs, comm);
  @calls[cpu] = count();
  @spread = lhist(nsecs % 1000, 0, 1000, 100);
}
interval:s:1 { print(@calls); print(@spread); }
interval:s:$duration { exit(); }"

# From a file: the script is not on sonde's command line, where other
# tools' pkill -f could match it.
printf '%s\n' "$script" >"$work/soak.bt"

# A reader slower than the flood: sonde must drop, report, and go on. The
# pipe holds one page, so that what sonde wrote before exit() is read in
# well under a second even when the reader gets little CPU: the time the
# run takes to end is then sonde's, not a 64 KiB pipe's.
# Set before sonde starts: a pipe that holds more cannot shrink.
{
  python3 -c '
import fcntl, os, sys
F_SETPIPE_SZ = 1031
fcntl.fcntl(1, F_SETPIPE_SZ, 4096)
os.execv(sys.argv[1], sys.argv[1:])
' "$sonde" "$work/soak.bt" 2>"$work/stderr"
  echo $? >"$work/status"
} | python3 -c '
import sys, time
for line in sys.stdin.buffer:
    time.sleep(0.0002)
' &
reader=$!
for ((i = 0; i < 3000; i++)); do
  grep -q '^Attached' "$work/stderr" 2>/dev/null && break
  sleep 0.01
done
attached=$(date +%s.%N)
pid=$(pgrep -n -f "$work/soak.bt" || true)
if [[ -z $pid ]]; then
  echo "soak: sonde did not start" >&2
  cat "$work/stderr" >&2
  exit 1
fi

echo "soak: sonde pid $pid, $duration s, RSS every $sample s"
rss=()
while kill -0 "$pid" 2>/dev/null; do
  kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  if [[ -n $kb ]]; then
    rss+=("$kb")
    echo "soak: $(date +%T) RSS ${kb} KiB, lost reports so far: $(grep -c '^Lost' "$work/stderr" || true)"
  fi
  # Tenths of a second, so that the end is timed to within one.
  for ((i = 0; i < 10 * sample && i < 10 * duration; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
done
ended=$(date +%s.%N)
wait "$reader" || true
late=$(python3 -c "print(round($ended - ($attached + $duration), 2))")
first=${rss[0]}
last=${rss[-1]}
max=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
reports=$(grep -c '^Lost' "$work/stderr" || true)
echo "soak: RSS first ${first} KiB, last ${last} KiB, max ${max} KiB over ${#rss[@]} samples"
echo "soak: ${reports} lost-event reports; ended ${late} s after exit() was due"
status=0
if ((last > first + first / 10)); then
  echo "soak: FAIL: RSS grew by more than 10%" >&2
  status=1
fi
if ((reports == 0)); then
  echo "soak: FAIL: no lost events were reported" >&2
  status=1
fi
limit=${SOAK_LATE_LIMIT:-1}
if ! python3 -c "import sys; sys.exit(0 if -1.0 <= $late <= $limit else 1)"; then
  echo "soak: FAIL: the run ended ${late} s after exit() was due" >&2
  status=1
fi
if [[ $(cat "$work/status") != 0 ]]; then
  echo "soak: FAIL: sonde exited with status $(cat "$work/status"):" >&2
  grep -v '^Lost' "$work/stderr" >&2 || true
  status=1
fi
exit $status
