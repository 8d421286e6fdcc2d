#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads the stdlib modules (stdlib/NAME.bt) and writes, at build time:

  --cpp OUT  a C++ source with every module's text as a string literal and
             the name-to-module index (every macro and fn: name, arity,
             module), which parse/stdlib.cpp serves; nothing is parsed when
             sonde starts;
  --man OUT  the man page sonde-stdlib(7), from the doc comments.

A module's first line is a `///` comment that describes it. Each macro and
fn is preceded by its doc comment: `/// one-line summary`, then lines of
description. The build fails when an entry has no doc comment, when two
modules define the same name, or when a name is a builtin's
(src/sema/builtins.def): a stdlib name must never change what a builtin
means. The one exception is a call form of a builtin variable: `comm` is
the builtin, `comm(pid)` a stdlib macro, as a bare name never calls one
that takes parameters.
"""

import argparse
import os
import re
import sys

from generated_files import write_if_changed

ENTRY = re.compile(r"^(macro|fn)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*"
                   r"(?::\s*([^{]*?))?\s*\{")
BUILTIN = re.compile(r'^(VARIABLE|FUNCTION)\(\w+,\s*"([^"]+)"')


class Entry:
    def __init__(self, kind, name, params, returns, doc, line):
        self.kind = kind
        self.name = name
        self.params = params
        self.returns = returns
        self.doc = doc
        self.line = line

    def signature(self):
        text = "%s(%s)" % (self.name, ", ".join(self.params))
        if self.returns:
            text += ": " + self.returns
        return text


class Module:
    def __init__(self, name, path, prelude):
        self.name = name
        self.path = path
        self.prelude = prelude
        with open(path, encoding="utf-8") as source:
            self.text = source.read()
        self.summary = ""
        self.entries = []
        self.parse()

    def fail(self, line, message):
        sys.exit("%s:%d: error: %s" % (self.path, line, message))

    def parse(self):
        lines = self.text.split("\n")
        if not lines[0].startswith("/// "):
            self.fail(1, "the first line must be a `/// ` comment that "
                      "describes the module")
        self.summary = lines[0][4:].strip()
        doc = None
        for number, line in enumerate(lines[1:], start=2):
            if line.startswith("///"):
                doc = (doc or []) + [line[3:].strip()]
                continue
            match = ENTRY.match(line)
            if match:
                if not doc or not doc[0]:
                    self.fail(number, "'%s' needs a doc comment: `/// one-line "
                              "summary` then lines of description"
                              % match.group(2))
                params = [p.strip() for p in match.group(3).split(",")
                          if p.strip()]
                self.entries.append(Entry(match.group(1), match.group(2),
                                          params, match.group(4), doc, number))
            elif line.startswith("macro") or line.startswith("fn "):
                self.fail(number, "cannot read this definition; write "
                          "`macro NAME(PARAMS) {` or `fn NAME(PARAMS): T {` "
                          "on one line")
            doc = None


def read_builtins(path):
    """Each builtin's name and whether it is a function (some names, like
    kstack, are both)."""
    functions = {}
    with open(path, encoding="utf-8") as source:
        for line in source:
            match = BUILTIN.match(line)
            if match:
                name = match.group(2)
                functions[name] = (functions.get(name, False)
                                   or match.group(1) == "FUNCTION")
    return functions


def check(modules, builtins):
    owner = {}
    for module in modules:
        for entry in module.entries:
            if entry.name in builtins and (builtins[entry.name]
                                           or not entry.params):
                module.fail(entry.line, "'%s' is a builtin's name"
                            % entry.name)
            previous = owner.get(entry.name)
            if previous is not None and previous is not module:
                module.fail(entry.line, "'%s' is also defined in %s"
                            % (entry.name, previous.path))
            owner[entry.name] = module


def c_string(text):
    out = ['"']
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append('\\n"\n    "')
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 32 or ord(char) > 126:
            for byte in char.encode("utf-8"):
                out.append("\\%03o" % byte)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def write_cpp(modules, path):
    out = ["// Generated from stdlib/*.bt by cmake/stdlib.py; do not edit.",
           '#include "parse/stdlib.h"', "", "namespace sonde::parse {", "",
           "namespace {", "", "constexpr StdlibModule kModules[] = {"]
    for module in modules:
        out.append("  {%s, %s, %s, %s,\n    %s},"
                   % (c_string(module.name),
                      c_string("stdlib/" + module.name + ".bt"),
                      c_string(module.summary),
                      "true" if module.prelude else "false",
                      c_string(module.text)))
    out += ["};", "", "// Sorted by name.",
            "constexpr StdlibEntry kEntries[] = {"]
    entries = sorted((entry.name, len(entry.params), index)
                     for index, module in enumerate(modules)
                     for entry in module.entries)
    for name, arity, index in entries:
        out.append("  {%s, %d, &kModules[%d]}," % (c_string(name), arity,
                                                   index))
    out += ["};", "", "} // namespace", "",
            "std::span<const StdlibModule> stdlib_modules() { return kModules; }",
            "",
            "std::span<const StdlibEntry> stdlib_entries() { return kEntries; }",
            "", "} // namespace sonde::parse", ""]
    write_if_changed(path, "\n".join(out))


def roff(text):
    text = text.replace("\\", "\\e")
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text


def write_man(modules, path, version):
    out = ['.\\" Generated from stdlib/*.bt by cmake/stdlib.py; do not edit.',
           '.TH SONDE-STDLIB 7 "" "sonde %s" "sonde"' % version,
           ".SH NAME",
           "sonde-stdlib \\- the macros and functions of sonde's standard "
           "library",
           ".SH DESCRIPTION",
           "sonde's standard library is written in sonde's own language: "
           "modules of \\fBmacro\\fRs and \\fBfn\\fRs compiled into the "
           "\\fBsonde\\fR binary and installed for reading under "
           "\\fIshare/sonde/stdlib\\fR.",
           ".PP",
           "The names of the prelude modules (%s) can be used by every "
           "script without an import. Every other module is imported by "
           "its bare name, e.g. \\fBimport \"net\";\\fR. A macro or fn the "
           "script defines itself wins over a stdlib one of the same name. "
           "Only the modules a script uses are parsed."
           % ", ".join(m.name for m in modules if m.prelude),
           ".PP",
           "A macro with no parameters can be used as a bare identifier, "
           "like a builtin variable: \\fBppid\\fR is \\fBppid()\\fR.",
           ".PP",
           "Errors inside stdlib code name the stdlib file and line "
           "(\\fIstdlib/net.bt:12:5\\fR), with a note at each call site "
           "that led there."]
    for module in modules:
        out.append(".SH MODULE %s%s" % (module.name.upper(),
                                         " (PRELUDE)" if module.prelude
                                         else ""))
        out.append(roff(module.summary))
        if not module.prelude:
            out += [".PP", "\\fBimport \"%s\";\\fR" % module.name]
        for entry in module.entries:
            out.append(".TP")
            out.append("\\fB%s\\fR %s" % (entry.kind, roff(entry.signature())))
            out.append(roff(entry.doc[0]))
            rest = [line for line in entry.doc[1:]]
            if any(rest):
                out.append(".br")
                out.append(roff(" ".join(line for line in rest if line)))
    out += [".SH SEE ALSO", "\\fBsonde\\fR(8)", ""]
    write_if_changed(path, "\n".join(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--builtins", required=True)
    parser.add_argument("--prelude", default="")
    parser.add_argument("--cpp")
    parser.add_argument("--man")
    parser.add_argument("--version", default="")
    parser.add_argument("modules", nargs="+")
    args = parser.parse_args()
    prelude = set(filter(None, args.prelude.split(",")))
    modules = []
    for path in sorted(args.modules, key=os.path.basename):
        name = os.path.basename(path)[:-len(".bt")]
        modules.append(Module(name, path, name in prelude))
    missing = prelude - {m.name for m in modules}
    if missing:
        sys.exit("stdlib.py: error: no module for prelude name(s) %s"
                 % ", ".join(sorted(missing)))
    check(modules, read_builtins(args.builtins))
    if args.cpp:
        write_cpp(modules, args.cpp)
    if args.man:
        write_man(modules, args.man, args.version)


if __name__ == "__main__":
    main()
