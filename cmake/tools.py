#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads the header comments of the bundled tools (scripts/NAME.bt, format
in scripts/README.md) and writes, at build time:

  --cpp OUT      a C++ source with every tool's name and one-line
                 description, which `sonde --list-tools` prints
                 (driver/tools_list.h);
  --man-dir DIR  the man page DIR/NAME.8 of every tool.

The build fails when a header lacks a required part: the `NAME - summary`
first line (NAME being the file's name), Usage:, Options:, Replicates:,
Example: or Needs:.
"""

import argparse
import os
import re
import sys

from generated_files import write_if_changed

SECTIONS = ("Usage", "Arguments", "Options", "Replicates", "Example", "Needs")
REQUIRED = ("Usage", "Options", "Replicates", "Example", "Needs")
SECTION = re.compile(r"^(%s):\s?(.*)$" % "|".join(SECTIONS))


class Tool:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".bt")]
        self.summary = ""
        self.description = []
        self.sections = {}
        self.parse()

    def fail(self, message):
        sys.exit("%s: %s (header format: scripts/README.md)"
                 % (self.path, message))

    def parse(self):
        lines = open(self.path, encoding="utf-8").read().split("\n")
        if lines and lines[0].startswith("#!"):
            lines = lines[1:]
        header = []
        for line in lines:
            if not line.startswith("//"):
                break
            text = line[2:]
            header.append(text[1:] if text.startswith(" ") else text)
        if not header:
            self.fail("no header comment")
        first = re.match(r"^(\S+) - (.+)$", header[0])
        if not first or first.group(1) != self.name:
            self.fail("the first line must be '// %s - one-line summary'"
                      % self.name)
        self.summary = first.group(2).strip()
        current = None
        for text in header[1:]:
            match = SECTION.match(text)
            if match:
                current = match.group(1)
                if current in self.sections:
                    self.fail("two %s: sections" % current)
                self.sections[current] = [match.group(2)] if match.group(2) \
                    else []
            elif current is None:
                self.description.append(text)
            else:
                self.sections[current].append(text)
        for name in REQUIRED:
            if name not in self.sections:
                self.fail("no %s: section" % name)
        for name, body in self.sections.items():
            while body and not body[-1].strip():
                body.pop()
        while self.description and not self.description[0].strip():
            self.description.pop(0)
        while self.description and not self.description[-1].strip():
            self.description.pop()
        usage = " ".join(self.sections["Usage"])
        if not usage.startswith(self.name + " ") and usage != self.name:
            self.fail("the usage line must start with the tool's name")


def c_string(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def write_cpp(tools, path):
    out = ["// Generated from scripts/*.bt by cmake/tools.py; do not edit.",
           '#include "driver/tools_list.h"',
           "",
           "namespace sonde::driver {",
           "",
           "namespace {",
           "constexpr BundledTool kTools[] = {"]
    for tool in tools:
        out.append("    {%s, %s}," % (c_string(tool.name),
                                      c_string(tool.summary)))
    if not tools:
        out.append("    {nullptr, nullptr},")
    out += ["};",
            "} // namespace",
            "",
            "std::span<const BundledTool> bundled_tools() {",
            "  return std::span<const BundledTool>(kTools, %d);" % len(tools),
            "}",
            "",
            "} // namespace sonde::driver",
            ""]
    write_if_changed(path, "\n".join(out))


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text


def paragraphs(lines):
    out = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != ".PP":
                out.append(".PP")
        else:
            out.append(roff(line.strip()))
    return out


def preformatted(lines):
    return [".nf"] + [roff(line) for line in lines] + [".fi"]


def write_man(tool, directory, version):
    s = tool.sections
    out = ['.\\" Generated from scripts/%s.bt by cmake/tools.py; do not edit.'
           % tool.name,
           '.TH %s 8 "" "sonde %s" "sonde tools"'
           % (tool.name.upper(), version),
           ".SH NAME",
           "%s \\- %s" % (tool.name, roff(tool.summary)),
           ".SH SYNOPSIS",
           ".B " + roff(" ".join(s["Usage"])),
           ".SH DESCRIPTION"]
    out += paragraphs(tool.description)
    out += [".PP",
            "A bundled tool of \\fBsonde\\fR(8), written in its language: "
            "\\fB%s\\fR runs \\fBsonde %s.bt\\fR. sonde's own options go "
            "before the script: \\fBsonde \\-f json %s.bt\\fR prints one JSON "
            "object per output record." % (tool.name, tool.name, tool.name)]
    if "Arguments" in s:
        out += [".SH ARGUMENTS"] + preformatted(s["Arguments"])
    out += [".SH OPTIONS"] + preformatted(s["Options"])
    out += [".SH EXAMPLE"] + preformatted(s["Example"])
    out += [".SH COMPATIBILITY"] + paragraphs(s["Replicates"])
    out += [".SH REQUIREMENTS"] + paragraphs(s["Needs"])
    out += [".SH EXIT STATUS",
            "0 on success, 1 when the program cannot be compiled, loaded or "
            "attached, 2 for a wrong option or argument.",
            ".SH SEE ALSO",
            "\\fBsonde\\fR(8), \\fB%s\\-bpfcc\\fR(8)" % roff(tool.name),
            ""]
    write_if_changed(os.path.join(directory, tool.name + ".8"),
                     "\n".join(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpp")
    parser.add_argument("--man-dir")
    parser.add_argument("--version", default="")
    parser.add_argument("scripts", nargs="*")
    args = parser.parse_args()
    tools = sorted((Tool(path) for path in args.scripts),
                   key=lambda tool: tool.name)
    if args.cpp:
        write_cpp(tools, args.cpp)
    if args.man_dir:
        os.makedirs(args.man_dir, exist_ok=True)
        for tool in tools:
            write_man(tool, args.man_dir, args.version)


if __name__ == "__main__":
    main()
