#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden tests: run sonde on each script and compare with its CHECK lines.

Each tests/golden/<phase>/*.bt file is a script followed by expectation
comment lines at its end:

    // CHECK: <a line the dump prints on stdout>
    // CHECK:                    (bare: an empty stdout line)
    // CHECK-ERR: <a line sonde prints on stderr>

The folder name picks the phase and dump: parse -> --dump=ast,
sema -> --dump=types, codegen -> --dump=ir. A first line
`// RUN: <args>` replaces the sonde arguments (`%s` is the script's file
name). Files named fail_*.bt must exit 1, all others 0. See README.md.
"""

import argparse
import concurrent.futures
import dataclasses
import difflib
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile

TRACEFS_FIXTURE = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "tracefs"))

PHASE_DUMPS = {"parse": "ast", "sema": "types", "codegen": "ir"}
TIMEOUT_SECONDS = 10
RUN_PREFIX = "// RUN:"
CHECK_RE = re.compile(r"^// (CHECK|CHECK-ERR):(?: (.*))?$")


@dataclasses.dataclass
class Case:
    """One parsed golden file."""

    path: str
    phase: str
    script: str  # the file without its trailing expectation lines
    expected_out: list[str]
    expected_err: list[str]
    run_args: list[str] | None  # from a `// RUN:` first line, else None


@dataclasses.dataclass
class Result:
    path: str
    passed: bool
    messages: list[str]  # why it failed, one line each
    diff: str = ""
    updated: bool = False


def parse_case(path: str) -> Case:
    """Splits a golden file into script text and expectation lines.

    Expectation lines are only recognised in the trailing run of CHECK and
    blank lines, so a CHECK-looking comment inside the script stays script.
    """
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    end = len(lines)
    while end > 0 and (lines[end - 1].strip() == "" or CHECK_RE.match(lines[end - 1])):
        end -= 1
    expected_out, expected_err = [], []
    for line in lines[end:]:
        m = CHECK_RE.match(line)
        if m:
            (expected_out if m.group(1) == "CHECK" else expected_err).append(m.group(2) or "")
    script = "".join(line + "\n" for line in lines[:end])
    run_args = None
    if lines and lines[0].startswith(RUN_PREFIX):
        run_args = shlex.split(lines[0][len(RUN_PREFIX):])
    phase = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return Case(path, phase, script, expected_out, expected_err, run_args)


def expectation_lines(out: list[str], err: list[str]) -> list[str]:
    """The expectation block as written into the file."""
    lines = [f"// CHECK: {l}" if l else "// CHECK:" for l in out]
    lines += [f"// CHECK-ERR: {l}" if l else "// CHECK-ERR:" for l in err]
    return lines


def split_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="backslashreplace")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def sonde_args(case: Case, basename: str) -> list[str] | str:
    """The argument list for this case, or an error message."""
    if case.run_args is not None:
        return [basename if a == "%s" else a.replace("%s", basename) for a in case.run_args]
    dump = PHASE_DUMPS.get(case.phase)
    if dump is None:
        return (f"folder '{case.phase}' is not one of {', '.join(PHASE_DUMPS)}; "
                f"give the arguments with a first line '{RUN_PREFIX} ... %s'")
    return [f"--stop-after={case.phase}", f"--dump={dump}", "--no-color", basename]


def run_case(path: str, sonde: str, update: bool) -> Result:
    case = parse_case(path)
    basename = os.path.basename(path)
    args = sonde_args(case, basename)
    if isinstance(args, str):
        return Result(path, False, [args])
    cmd = [sonde] + args
    env = dict(os.environ)
    env.pop("SONDE_NOTIFY_ATTACHED", None)
    # Tracepoints come from the checked-in tracefs fixture, so sema and
    # codegen goldens do not depend on the machine's kernel.
    env["SONDE_TRACEFS"] = TRACEFS_FIXTURE
    with tempfile.TemporaryDirectory(prefix="sonde-golden-") as tmp:
        with open(os.path.join(tmp, basename), "w", encoding="utf-8",
                  errors="surrogateescape") as f:
            f.write(case.script)
        # A session of its own lets a timeout kill anything sonde started.
        try:
            proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as e:
            return Result(path, False, [f"cannot run {shlex.join(cmd)}: {e}"])
        try:
            out, err = proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            try:
                proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            return Result(path, False, [f"timed out after {TIMEOUT_SECONDS} s: "
                                        f"{shlex.join(cmd)}"])
        finally:
            kill_group(proc)

    messages = []
    status = proc.returncode
    if status < 0:
        name = signal_name(-status)
        messages.append(f"crashed ({name}): {shlex.join(cmd)}")
    want_status = 1 if basename.startswith("fail_") else 0
    if status >= 0 and status != want_status:
        rule = ("fail_* files must exit 1" if want_status else
                "only fail_* files may exit non-zero")
        messages.append(f"exit status {status}, expected {want_status} ({rule})")

    actual_out, actual_err = split_lines(out), split_lines(err)
    expected = expectation_lines(case.expected_out, case.expected_err)
    actual = expectation_lines(actual_out, actual_err)
    diff = ""
    if expected != actual:
        diff = "".join(difflib.unified_diff(
            [l + "\n" for l in expected], [l + "\n" for l in actual],
            fromfile=f"{path} (expected)", tofile=f"{path} (actual)"))
    crashed = status < 0
    if update and diff and not crashed:
        write_expectations(path, case.script, actual)
        return Result(path, not messages, messages, diff, updated=True)
    if diff:
        messages.append("output differs from the CHECK lines")
    return Result(path, not messages, messages, diff)


def write_expectations(path: str, script: str, lines: list[str]) -> None:
    """Rewrites the file as script text, a blank line, then expectations.

    The script comes first so that the line numbers in its diagnostics do
    not depend on the expectations.
    """
    text = script.rstrip("\n") + "\n" if script.strip() else ""
    if lines:
        text += ("\n" if text else "") + "\n".join(lines) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    os.replace(tmp, path)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def collect(paths: list[str]) -> list[str]:
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".bt")]
        elif os.path.isfile(p):
            files.append(p)
        else:
            raise SystemExit(f"golden.py: no such file or folder: {p}")
    return files


def main() -> int:
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(
        description="Run sonde golden tests (scripts with trailing CHECK lines).")
    parser.add_argument("--sonde", default=os.path.join(repo, "build", "sonde"),
                        help="path to the sonde binary (default: build/sonde)")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the CHECK lines of failing files from sonde's output")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel runs (default 2)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list passing files")
    parser.add_argument("paths", nargs="+", metavar="DIR_OR_FILE",
                        help="a golden folder (every *.bt in it) or single .bt files")
    opts = parser.parse_args()

    sonde = os.path.abspath(opts.sonde)
    if not os.access(sonde, os.X_OK):
        print(f"golden.py: sonde binary not found or not executable: {sonde}", file=sys.stderr)
        return 2
    files = collect(opts.paths)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        results = list(pool.map(lambda p: run_case(p, sonde, opts.update), files))

    passed = failed = updated = 0
    for r in results:
        if r.updated:
            updated += 1
            print(f"UPDATED {r.path}")
        if r.passed:
            passed += 1
            if opts.verbose and not r.updated:
                print(f"PASS {r.path}")
            continue
        failed += 1
        print(f"FAIL {r.path}")
        for m in r.messages:
            print(f"  {m}")
        if r.diff and not r.updated:
            print(r.diff, end="" if r.diff.endswith("\n") else "\n")
    if failed and not opts.update and any(r.diff for r in results if not r.passed):
        dirs = " ".join(shlex.quote(p) for p in opts.paths)
        print(f"to accept the new output: {shlex.quote(sys.argv[0])} --sonde "
              f"{shlex.quote(opts.sonde)} --update {dirs}")
    if updated:
        print(f"updated {updated} file{'s' if updated != 1 else ''}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
