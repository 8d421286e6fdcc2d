#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install puts every stdlib module under share/sonde/stdlib and
# sonde-stdlib(7) under share/man/man7, and the installed sonde runs a
# script using the stdlib with no data files beside it (the modules are in
# the binary): the installed copies are for reading.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
for module in "$source"/stdlib/*.bt; do
  cmp "$module" "$prefix/share/sonde/stdlib/$(basename "$module")"
done
test -s "$prefix/share/man/man7/sonde-stdlib.7"
mv "$prefix/share/sonde/stdlib" "$prefix/moved-away"
out=$(cd / && "$prefix/bin/sonde" --stop-after=sema -e 'import "net"; BEGIN { $s = tcp_state(ppid > 0); print($s); }' 2>&1) || {
  echo "the installed sonde failed: $out"
  exit 1
}
echo "installed: $(ls "$prefix/moved-away" | tr '\n' ' ')"
