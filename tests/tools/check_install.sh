#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install puts every bundled tool in bin/ as the plain command NAME
# (no .bt), executable, with the `#!/usr/bin/env sonde` line, and its man
# page in share/man/man8; the installed command runs through the installed
# sonde found on PATH.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
count=0
for script in "$source"/scripts/*.bt; do
  name=$(basename "$script" .bt)
  installed=$prefix/bin/$name
  test -x "$installed" || { echo "$installed is not an executable"; exit 1; }
  cmp "$script" "$installed"
  [ "$(head -1 "$installed")" = "#!/usr/bin/env sonde" ] ||
    { echo "$installed does not start with #!/usr/bin/env sonde"; exit 1; }
  test -s "$prefix/share/man/man8/$name.8" ||
    { echo "no man page $name.8"; exit 1; }
  out=$(cd / && PATH="$prefix/bin:$PATH" "$name" -h) ||
    { echo "the installed $name -h failed: $out"; exit 1; }
  case $out in
  "Usage: $name "*) ;;
  *) echo "$name -h names the tool otherwise: ${out%%$'\n'*}"; exit 1 ;;
  esac
  count=$((count + 1))
done
echo "installed $count tools"
