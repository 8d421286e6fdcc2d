# Helpers for the bundled tools' runtime tests (tool_*.test), sourced by
# their RUN lines: start a tool in the background, wait until its probes
# are attached, make events happen, stop it as Ctrl-C would.

# start_tool OUT COMMAND...: runs COMMAND with stdout and stderr in OUT and
# waits (10 s at most) for __SONDE_ATTACHED__. TOOL_PID is its pid.
start_tool() {
  local out=$1
  shift
  "$@" >"$out" 2>&1 &
  TOOL_PID=$!
  for _ in $(seq 100); do
    grep -q __SONDE_ATTACHED__ "$out" && return 0
    kill -0 "$TOOL_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the tool did not attach:" >&2
  cat "$out" >&2
  return 1
}

# stop_tool: SIGINT after the events had time to be read, then wait.
stop_tool() {
  sleep 0.5
  kill -INT "$TOOL_PID" 2>/dev/null
  wait "$TOOL_PID"
}
