#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runtime tests: run sonde on the real kernel and check what it prints.

A suite file (*.test) holds test blocks separated by blank lines, in the
directive format of bpftrace's runtime tests (NAME, PROG or RUN, EXPECT...).
Lines starting with '#' are comments. The directives are described in
README.md next to this file. Must run as root.
"""

import argparse
import ctypes
import dataclasses
import os
import platform
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time

ATTACHED_MARKER = b"__SONDE_ATTACHED__"
DEFAULT_TIMEOUT = 5.0
SIGINT_GRACE = 5.0  # seconds sonde has to exit after SIGINT
HARD_EXTRA = 15.0  # per-test hard limit is TIMEOUT + this
REQUIRES_TIMEOUT = 10.0
SHOW_BYTES = 4096  # captured output shown on failure
KEEP_BYTES = 16 << 20  # captured output kept per stream

EXPECT_KINDS = (
    "EXPECT", "EXPECT_REGEX", "EXPECT_NONE", "EXPECT_REGEX_NONE", "EXPECT_FILE",
    "EXPECT_STDERR", "EXPECT_STDERR_REGEX", "EXPECT_STDERR_NONE",
)
SINGLE = ("NAME", "PROG", "RUN", "ARGS", "EXIT_CODE", "TIMEOUT", "SIGINT_AFTER", "ARCH")
MULTI = ("BEFORE", "AFTER", "REQUIRES", "ENV") + EXPECT_KINDS
DIRECTIVES = SINGLE + MULTI


class SuiteError(Exception):
    pass


class Interrupted(Exception):
    pass


@dataclasses.dataclass
class Test:
    name: str
    line: int  # where the block starts in the suite file
    fields: dict[str, str]  # single-valued directives
    lists: dict[str, list[str]]  # repeatable directives, in order
    expects: list[tuple[str, str]]  # (kind, value), in file order
    timeout: float = DEFAULT_TIMEOUT
    exit_code: int = 0
    sigint_after: float | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)


# ---------------------------------------------------------------------------
# Parsing


def parse_suite(path: str) -> list[Test]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for num, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        if line.strip() == "":
            if current:
                blocks.append(current)
            current = []
            continue
        current.append((num, line))
    if current:
        blocks.append(current)
    tests = [parse_block(path, b) for b in blocks]
    seen: dict[str, int] = {}
    for t in tests:
        if t.name in seen:
            raise SuiteError(f"{path}:{t.line}: duplicate test name '{t.name}' "
                             f"(first at line {seen[t.name]})")
        seen[t.name] = t.line
    return tests


def parse_block(path: str, block: list[tuple[int, str]]) -> Test:
    items: list[list] = []  # [keyword, value, line]
    for num, line in block:
        if line.startswith("  "):
            if not items:
                raise SuiteError(f"{path}:{num}: continuation line without a directive")
            # Strip the indentation up to the value column of the directive,
            # so continuation lines can be aligned under the first value.
            keyword = items[-1][0]
            indent = len(line) - len(line.lstrip(" "))
            items[-1][1] += "\n" + line[min(indent, len(keyword) + 1):]
            continue
        if line[0].isspace():
            raise SuiteError(f"{path}:{num}: continuation lines need at least 2 spaces")
        keyword, _, value = line.partition(" ")
        if keyword not in DIRECTIVES:
            raise SuiteError(f"{path}:{num}: unknown directive '{keyword}'")
        items.append([keyword, value, num])

    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {k: [] for k in MULTI}
    expects: list[tuple[str, str]] = []
    for keyword, value, num in items:
        if keyword in SINGLE:
            if keyword in fields:
                raise SuiteError(f"{path}:{num}: {keyword} given twice")
            fields[keyword] = value
        else:
            lists[keyword].append(value)
            if keyword in EXPECT_KINDS:
                expects.append((keyword, value))

    start = block[0][0]
    where = f"{path}:{start}"
    name = fields.get("NAME", "").strip()
    if not name:
        raise SuiteError(f"{where}: test block without NAME")
    if ("PROG" in fields) == ("RUN" in fields):
        raise SuiteError(f"{where}: test '{name}' needs exactly one of PROG or RUN")
    if "ARGS" in fields and "RUN" in fields:
        raise SuiteError(f"{where}: test '{name}': ARGS goes with PROG; put them in RUN")
    test = Test(name, start, fields, lists, expects)
    try:
        if "TIMEOUT" in fields:
            test.timeout = float(fields["TIMEOUT"])
        if "EXIT_CODE" in fields:
            test.exit_code = int(fields["EXIT_CODE"])
        if "SIGINT_AFTER" in fields:
            test.sigint_after = float(fields["SIGINT_AFTER"])
        for value in lists["ENV"]:
            for item in shlex.split(value):
                key, eq, val = item.partition("=")
                if not eq or not key:
                    raise ValueError(f"ENV wants K=V, got '{item}'")
                test.env[key] = val
        for kind, value in expects:
            if "REGEX" in kind:
                for pattern in value.split("\n"):
                    re.compile(pattern)
    except (ValueError, re.error) as e:
        raise SuiteError(f"{where}: test '{name}': {e}") from None
    if "EXPECT_FILE" in lists and lists["EXPECT_FILE"]:
        target = os.path.join(os.path.dirname(os.path.abspath(path)),
                              lists["EXPECT_FILE"][0].strip())
        if len(lists["EXPECT_FILE"]) > 1 or not os.path.isfile(target):
            raise SuiteError(f"{where}: test '{name}': one EXPECT_FILE naming an "
                             f"existing file is allowed")
    return test


# ---------------------------------------------------------------------------
# Processes


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None
PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    # A new session makes the child a process group we can signal and kill as
    # a whole; PDEATHSIG kills it too if the runner itself is killed, so no
    # probe outlives the runner.
    os.setsid()
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def command_argv(cmd: str) -> list[str]:
    # bash execs a simple command in place (so {{BEFORE_PID}} is the
    # command's own pid), and when a child it waits for handles SIGINT and
    # exits normally, bash goes on instead of dying of the signal.
    return ["/bin/bash", "-c", cmd]


def sonde_pids(pgid: int, sonde: str) -> list[int]:
    """Processes of group `pgid` that run the sonde binary."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            if int(stat[stat.rindex(b")") + 2:].split()[2]) != pgid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")[:2]
            exe = os.readlink(f"/proc/{entry}/exe")
        except (OSError, ValueError, IndexError):
            continue
        # argv is checked too, for a sonde run by an interpreter (test fakes).
        names = [exe] + [os.path.realpath(a.decode(errors="replace")) for a in argv if a]
        if sonde in names:
            pids.append(int(entry))
    return pids


def interrupt(proc: subprocess.Popen, sonde: str) -> None:
    """Sends SIGINT to the sonde processes of the test (all of them, for a
    RUN line that starts several), or to the whole group when none is found.
    Other commands of a RUN pipeline then end on EOF, as they would in a
    terminal where sonde was stopped."""
    pids = sonde_pids(proc.pid, sonde)
    if not pids:
        signal_group(proc, signal.SIGINT)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass


def spawn(argv: list[str], env: dict[str, str], cwd: str, capture: bool) -> subprocess.Popen:
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=out, stderr=out, preexec_fn=_child_setup)


def signal_group(proc: subprocess.Popen | None, sig: int) -> None:
    if proc is None:
        return
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_and_reap(proc: subprocess.Popen | None) -> None:
    """Kills the whole process group and reaps the leader."""
    if proc is None:
        return
    signal_group(proc, signal.SIGKILL)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


@dataclasses.dataclass
class Run:
    """What one sonde run produced."""

    cmd: str
    stdout: bytes = b""
    stderr: bytes = b""
    status: int | None = None
    attached_at: float | None = None  # seconds after start
    problems: list[str] = dataclasses.field(default_factory=list)


def run_sonde(argv: list[str], test: Test, env: dict[str, str], cwd: str,
              hard_deadline: float, after_cmds: list[str], sonde: str) -> Run:
    """Runs the test's command, starts AFTER once sonde reports that its
    probes are attached, and stops it with SIGINT (TIMEOUT, SIGINT_AFTER) or
    SIGKILL (no exit within SIGINT_GRACE, hard deadline)."""
    run = Run(argv[2] if argv[:2] == ["/bin/bash", "-c"] else shlex.join(argv))
    start = time.monotonic()
    proc = spawn(argv, env, cwd, capture=True)
    afters: list[subprocess.Popen] = []
    sel = selectors.DefaultSelector()
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    bufs = {out_fd: bytearray(), err_fd: bytearray()}
    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
        sel.register(f.fileno(), selectors.EVENT_READ)
    timeout_at = start + test.timeout
    sigint_sent: float | None = None
    sigint_after_at: float | None = None
    exited_at: float | None = None
    try:
        while True:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                # Whatever the command left running in its group goes now.
                signal_group(proc, signal.SIGKILL)
            open_fds = len(sel.get_map())
            if exited_at is not None and (open_fds == 0 or now > exited_at + 2):
                break
            if now >= hard_deadline:
                run.problems.append(
                    f"hard timeout: killed after {now - start:.1f} s (TIMEOUT + {HARD_EXTRA:.0f} s)")
                break
            if exited_at is None:
                if sigint_after_at is not None and sigint_sent is None and now >= sigint_after_at:
                    interrupt(proc, sonde)
                    sigint_sent = now
                if sigint_sent is None and now >= timeout_at:
                    interrupt(proc, sonde)
                    sigint_sent = now
                if sigint_sent is not None and now >= sigint_sent + SIGINT_GRACE:
                    run.problems.append(
                        f"still running {SIGINT_GRACE:.0f} s after SIGINT (sent at "
                        f"{sigint_sent - start:.1f} s); killed")
                    break
            for key, _ in sel.select(timeout=0.05):
                fd = key.fd
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    sel.unregister(fd)
                    continue
                buf = bufs[fd]
                if len(buf) < KEEP_BYTES:
                    buf += data[:KEEP_BYTES - len(buf)]
                if fd == out_fd and run.attached_at is None and attached_line_in(buf):
                    run.attached_at = time.monotonic() - start
                    if test.sigint_after is not None:
                        sigint_after_at = time.monotonic() + test.sigint_after
                    for cmd in after_cmds:
                        afters.append(spawn(command_argv(cmd), env, cwd, capture=False))
    finally:
        sel.close()
        kill_and_reap(proc)
        for a in afters:
            kill_and_reap(a)
        proc.stdout.close()
        proc.stderr.close()
    run.status = proc.returncode
    run.stdout = bytes(bufs[out_fd])
    run.stderr = bytes(bufs[err_fd])
    return run


def attached_line_in(buf: bytearray) -> bool:
    return buf.startswith(ATTACHED_MARKER + b"\n") or (b"\n" + ATTACHED_MARKER + b"\n") in buf


# ---------------------------------------------------------------------------
# Expectations


def to_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="backslashreplace")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def window_match(lines: list[str], wanted: list[str], regex: bool) -> bool:
    """True if some run of consecutive lines matches `wanted` line by line."""
    n = len(wanted)
    for i in range(len(lines) - n + 1):
        if regex:
            if all(re.fullmatch(p, l) for p, l in zip(wanted, lines[i:i + n])):
                return True
        elif lines[i:i + n] == wanted:
            return True
    return False


def check_expectations(test: Test, out: list[str], err: list[str], suite_dir: str) -> list[str]:
    failed = []
    for kind, value in test.expects:
        wanted = value.split("\n")
        lines = err if "STDERR" in kind else out
        regex = "REGEX" in kind
        if kind == "EXPECT_FILE":
            with open(os.path.join(suite_dir, value.strip()), encoding="utf-8") as f:
                expected = to_lines(f.read().encode())
            ok = out == expected
        elif kind.endswith("_NONE"):
            ok = not window_match(lines, wanted, regex)
        else:
            ok = window_match(lines, wanted, regex)
        if not ok:
            failed.append(f"{kind} {value}".replace("\n", "\n    "))
    return failed


# ---------------------------------------------------------------------------
# Running a test


def first_line(*outputs: bytes) -> str:
    for data in outputs:
        for line in data.decode("utf-8", errors="replace").split("\n"):
            if line.strip():
                return line.strip()
    return ""


def show(label: str, data: bytes) -> str:
    text = data.decode("utf-8", errors="backslashreplace")
    if len(data) > SHOW_BYTES:
        half = SHOW_BYTES // 2
        text = (data[:half].decode("utf-8", errors="backslashreplace")
                + f"\n[... {len(data) - SHOW_BYTES} bytes left out ...]\n"
                + data[-half:].decode("utf-8", errors="backslashreplace"))
    body = "".join(f"  | {l}\n" for l in text.rstrip("\n").split("\n")) if text else "  (empty)\n"
    return f"  {label} ({len(data)} bytes):\n{body}"


def substitute(text: str, sonde: str, before_pid: int | None) -> str:
    text = text.replace("{{SONDE}}", shlex.quote(sonde))
    if before_pid is not None:
        text = text.replace("{{BEFORE_PID}}", str(before_pid))
    return text


def run_test(test: Test, sonde: str, suite_path: str, verbose: bool) -> str:
    """Runs one test and prints its result; returns 'ok', 'failed' or 'skipped'."""
    print(f"[ RUN ] {test.name}", flush=True)
    started = time.monotonic()
    hard_deadline = started + test.timeout + HARD_EXTRA
    suite_dir = os.path.dirname(os.path.abspath(suite_path))
    env = dict(os.environ)
    env.update(test.env)
    env["SONDE_NOTIFY_ATTACHED"] = "1"

    def skipped(reason: str) -> str:
        print(f"SKIP {test.name}: {reason}")
        print(f"[ SKIPPED ] {test.name}", flush=True)
        return "skipped"

    def failed(lines: list[str], run: Run | None = None) -> str:
        for l in lines:
            print(f"  {l}")
        if run is not None:
            print(show("stdout", run.stdout) + show("stderr", run.stderr), end="")
        print(f"[ FAILED ] {test.name} ({time.monotonic() - started:.2f} s)", flush=True)
        return "failed"

    arch = test.fields.get("ARCH")
    if arch:
        wanted = [a.strip() for a in arch.split("|")]
        if platform.machine() not in wanted:
            return skipped(f"needs ARCH {arch}, this machine is {platform.machine()}")

    for req in test.lists["REQUIRES"]:
        cmd = substitute(req, sonde, None)
        try:
            proc = spawn(command_argv(cmd), env, suite_dir, capture=True)
        except OSError as e:
            return skipped(f"{cmd}: {e}")
        try:
            out, err = proc.communicate(timeout=min(REQUIRES_TIMEOUT, max(
                0.1, hard_deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            kill_and_reap(proc)
            return failed([f"REQUIRES did not finish in time: {cmd}"])
        finally:
            kill_and_reap(proc)
        if proc.returncode != 0:
            return skipped(first_line(err, out) or cmd)

    befores: list[subprocess.Popen] = []
    run: Run | None = None
    try:
        before_pid = None
        for cmd in test.lists["BEFORE"]:
            cmd = substitute(cmd, sonde, None)
            try:
                befores.append(spawn(command_argv(cmd), env, suite_dir, capture=False))
            except OSError as e:
                return failed([f"BEFORE could not start: {cmd}: {e}"])
            before_pid = befores[-1].pid
        if "PROG" in test.fields:
            prog = substitute(test.fields["PROG"], sonde, before_pid)
            # sonde reads every argument after the program as a positional
            # parameter: options go before -e, and ARGS after a `--` after it.
            extra = shlex.split(substitute(test.fields.get("ARGS", ""), sonde, before_pid))
            cut = extra.index("--") if "--" in extra else len(extra)
            argv = [sonde] + extra[:cut] + ["-e", prog] + extra[cut + 1:]
        else:
            argv = command_argv(substitute(test.fields["RUN"], sonde, before_pid))
        after_cmds = [substitute(c, sonde, before_pid) for c in test.lists["AFTER"]]
        try:
            run = run_sonde(argv, test, env, suite_dir, hard_deadline, after_cmds, sonde)
        except OSError as e:
            return failed([f"could not start {shlex.join(argv)}: {e}"])
    finally:
        for b in befores:
            kill_and_reap(b)

    problems = list(run.problems)
    if run.status is not None and run.status < 0 and not problems:
        try:
            name = signal.Signals(-run.status).name
        except ValueError:
            name = f"signal {-run.status}"
        problems.append(f"killed by {name}")
    elif run.status != test.exit_code and not problems:
        problems.append(f"exit code {run.status}, expected {test.exit_code}")
    if test.lists["AFTER"] and run.attached_at is None:
        problems.append("AFTER never ran: no __SONDE_ATTACHED__ line on stdout")
    out = [l for l in to_lines(run.stdout) if l != ATTACHED_MARKER.decode()]
    err = to_lines(run.stderr)
    problems += [f"failed: {e}" for e in check_expectations(test, out, err, suite_dir)]
    if problems:
        return failed([f"command: {run.cmd}"] + problems, run)
    if verbose:
        print(f"  command: {run.cmd}")
        print(show("stdout", run.stdout) + show("stderr", run.stderr), end="")
    print(f"[ OK ] {test.name} ({time.monotonic() - started:.2f} s)", flush=True)
    return "ok"


def main() -> int:
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(
        description="Run sonde runtime test suites (bpftrace directive format).")
    parser.add_argument("--sonde", default=os.path.join(repo, "build", "sonde"),
                        help="path to the sonde binary (default: build/sonde)")
    parser.add_argument("--filter", metavar="REGEX",
                        help="run only tests whose name (or suite.name) matches")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show the command and output of passing tests too")
    parser.add_argument("suites", nargs="+", metavar="FILE.test")
    opts = parser.parse_args()

    try:
        suites = [(path, parse_suite(path)) for path in opts.suites]
        name_filter = re.compile(opts.filter) if opts.filter else None
    except (OSError, SuiteError, re.error) as e:
        print(f"runner.py: {e}", file=sys.stderr)
        return 2
    selected = []
    for path, tests in suites:
        suite = os.path.splitext(os.path.basename(path))[0]
        for t in tests:
            if name_filter and not (name_filter.search(t.name)
                                    or name_filter.search(f"{suite}.{t.name}")):
                continue
            selected.append((path, t))
    if opts.list:
        for path, t in selected:
            print(f"{os.path.splitext(os.path.basename(path))[0]}.{t.name}")
        return 0

    if os.geteuid() != 0:
        print("runner.py: runtime tests load BPF programs into the kernel and must "
              "run as root (try: sudo, or dev/test.sh as root)")
        return 1
    sonde = os.path.realpath(opts.sonde)
    if not os.access(sonde, os.X_OK):
        print(f"runner.py: sonde binary not found or not executable: {sonde}")
        return 1

    def on_signal(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    counts = {"ok": 0, "failed": 0, "skipped": 0}
    try:
        for path, test in selected:
            counts[run_test(test, sonde, path, opts.verbose)] += 1
    except (Interrupted, KeyboardInterrupt) as e:
        # run_test's cleanup has already killed the test's processes.
        print(f"runner.py: interrupted ({e or 'SIGINT'})")
        counts["failed"] += 1
    print(f"{counts['ok']} passed, {counts['failed']} failed, {counts['skipped']} skipped",
          flush=True)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
