#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the bundled tools' headers against the tools themselves: the
header's Usage: line and Options: block are what `sonde NAME.bt -h` prints
(so the man page, generated from the header, cannot drift from the
getopt() declarations), `sonde --list-tools` lists every tool with its
header's summary, and the man pages committed in man/man8 are the
generated ones.

Usage: check_tools.py SONDE GENERATED_MAN_DIR COMMITTED_MAN_DIR NAME.bt...
"""
import os
import subprocess
import sys

sonde, generated_dir, committed_dir, scripts = (sys.argv[1], sys.argv[2],
                                                sys.argv[3], sys.argv[4:])
failures = []
listed = subprocess.run([sonde, "--list-tools"], capture_output=True,
                        text=True).stdout.splitlines()
for path in scripts:
    name = os.path.basename(path)[:-3]
    lines = open(path, encoding="utf-8").read().split("\n")
    header = [line[3:] if line.startswith("// ") else line[2:]
              for line in lines[1:] if line.startswith("//")]
    help_text = subprocess.run([sonde, path, "-h"], capture_output=True,
                               text=True)
    if help_text.returncode != 0:
        failures.append("%s: -h exits with %d: %s"
                        % (path, help_text.returncode, help_text.stderr))
        continue
    shown = help_text.stdout.split("\n")
    usage = [line for line in header if line.startswith("Usage: ")]
    if not usage or usage[0] != shown[0]:
        failures.append("%s: the header's usage line is not -h's '%s'"
                        % (path, shown[0]))
    options = shown[shown.index("Options:") + 1:]
    while options and not options[-1]:
        options.pop()
    if "Options:" not in header:
        failures.append("%s: no Options: block" % path)
        continue
    start = header.index("Options:") + 1
    block = header[start:start + len(options)]
    if block != options or (start + len(options) < len(header) and
                            header[start + len(options)].strip()):
        failures.append("%s: the header's Options: block is not what -h "
                        "prints:\n%s" % (path, "\n".join(options)))
    summary = header[0].split(" - ", 1)[1]
    if "%-16s %s" % (name, summary) not in listed:
        failures.append("%s: --list-tools does not list '%s'" % (path, name))
    generated = os.path.join(generated_dir, name + ".8")
    committed = os.path.join(committed_dir, name + ".8")
    if not os.path.exists(committed) or \
            open(committed).read() != open(generated).read():
        failures.append("%s differs from the generated %s; copy it: cp %s %s"
                        % (committed, generated, generated, committed))
for failure in failures:
    print(failure)
print("%d tools checked, %d failures" % (len(scripts), len(failures)))
sys.exit(1 if failures else 0)
