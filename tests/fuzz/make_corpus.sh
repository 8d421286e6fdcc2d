#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates tests/fuzz/corpus/ from the golden scripts: each
# tests/golden/<phase>/<name>.bt becomes corpus/<phase>_<name>.bt without
# its trailing CHECK lines. Run it after adding goldens; review the change
# with `git status tests/fuzz/corpus`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../golden"
corpus="$here/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
for file in "$golden"/*/*.bt; do
  phase=$(basename "$(dirname "$file")")
  name=$(basename "$file")
  # Everything before the first CHECK line (and the blank line before it).
  awk '/^\/\/ CHECK(-ERR)?:/ { exit } { print }' "$file" |
    sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}' >"$corpus/${phase}_${name}"
done
echo "$(ls "$corpus" | wc -l) seeds in $corpus"
