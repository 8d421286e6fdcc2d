#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake/stdlib.py refuses modules that would make a bad stdlib: an entry
# without a doc comment, a module without its describing first line, a
# name two modules define, a builtin's name (but for a call form of a
# builtin variable); and it accepts a good one.
# Usage: check_generator.sh PYTHON STDLIB_PY BUILTINS_DEF
set -u
python=$1 script=$2 builtins=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

# expect_failure NAME MESSAGE FILES...: the generator fails with MESSAGE.
expect_failure() {
  local name=$1 message=$2
  shift 2
  if out=$("$python" "$script" --builtins "$builtins" --cpp "$dir/out.cpp" "$@" 2>&1); then
    echo "FAIL $name: accepted"
    failures=$((failures + 1))
  elif [[ $out != *"$message"* ]]; then
    echo "FAIL $name: said '$out', not '$message'"
    failures=$((failures + 1))
  else
    echo "ok   $name: $out"
  fi
}

mkdir "$dir/a" "$dir/b"
printf '/// A module.\n\nmacro undocumented() { 1 }\n' > "$dir/a/nodoc.bt"
expect_failure no_doc_comment "'undocumented' needs a doc comment" "$dir/a/nodoc.bt"
printf 'macro x() { 1 }\n' > "$dir/a/nosummary.bt"
expect_failure no_module_line "the first line must be" "$dir/a/nosummary.bt"
printf '/// One.\n\n/// Doc.\nmacro same() { 1 }\n' > "$dir/a/one.bt"
printf '/// Two.\n\n/// Doc.\nmacro same() { 2 }\n' > "$dir/b/two.bt"
expect_failure duplicate "'same' is also defined in" "$dir/a/one.bt" "$dir/b/two.bt"
printf '/// Builtin.\n\n/// Doc.\nmacro comm() { 1 }\n' > "$dir/a/builtin.bt"
expect_failure builtin_name "'comm' is a builtin's name" "$dir/a/builtin.bt"
printf '/// Builtin.\n\n/// Doc.\nmacro strstr(a, b) { 1 }\n' > "$dir/a/function.bt"
expect_failure builtin_function_name "'strstr' is a builtin's name" "$dir/a/function.bt"
expect_failure unknown_prelude "no module for prelude" --prelude nosuch "$dir/a/one.bt"

if "$python" "$script" --builtins "$builtins" --prelude one --cpp "$dir/out.cpp" \
    --man "$dir/out.7" "$dir/a/one.bt" && grep -q '"same", 0, &kModules\[0\]' "$dir/out.cpp" &&
    grep -q 'macro\\fR same()' "$dir/out.7"; then
  echo "ok   good_module"
else
  echo "FAIL good_module: no index entry or man page entry"
  failures=$((failures + 1))
fi
# A call form of a builtin variable: `comm` stays the builtin.
printf '/// Calls.\n\n/// Doc.\nmacro comm(pid) { 1 }\n' > "$dir/b/call.bt"
if "$python" "$script" --builtins "$builtins" --cpp "$dir/out.cpp" "$dir/b/call.bt" &&
    grep -q '"comm", 1, &kModules\[0\]' "$dir/out.cpp"; then
  echo "ok   call_form_of_a_builtin_variable"
else
  echo "FAIL call_form_of_a_builtin_variable: refused or not indexed"
  failures=$((failures + 1))
fi
echo "$failures failures"
[[ $failures == 0 ]]
