#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks sonde-stdlib(7): the generated page lists every macro and fn of
stdlib/*.bt with its signature and the first line of its doc comment, and
the copy committed in man/man7 (which the README links) is the generated
one.

Usage: check_man.py GENERATED COMMITTED MODULE.bt...
"""
import re
import sys

generated_path, committed_path, modules = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(generated_path, encoding="utf-8") as page:
    generated = page.read()
failures = []
for path in modules:
    lines = open(path, encoding="utf-8").read().split("\n")
    for number, line in enumerate(lines):
        match = re.match(r"^(macro|fn)\s+(\w+)\s*\(([^)]*)\)", line)
        if not match:
            continue
        kind, name, params = match.groups()
        params = ", ".join(p.strip() for p in params.split(",") if p.strip())
        heading = "\\fB%s\\fR %s(%s)" % (kind, name, params)
        first = number
        while first > 0 and lines[first - 1].startswith("///"):
            first -= 1
        summary = lines[first][3:].strip()
        if heading not in generated:
            failures.append("%s:%d: '%s' is not in the man page"
                            % (path, number + 1, heading))
        elif summary.replace("\\", "\\e") not in generated:
            failures.append("%s:%d: the summary of '%s' is not in the man page"
                            % (path, number + 1, name))
with open(committed_path, encoding="utf-8") as page:
    if page.read() != generated:
        failures.append("%s differs from the generated %s; copy it: cp %s %s"
                        % (committed_path, generated_path, generated_path,
                           committed_path))
for failure in failures:
    print(failure)
print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
