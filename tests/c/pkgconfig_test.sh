#!/bin/bash
# Builds and runs a C program against an installed-style aliasroute prefix
# with cc and pkg-config only, no Bazel: the way a proxy's own build would.
#
# Usage: pkgconfig_test.sh aliasroute.h libaliasroute.so aliasroute.pc \
#                          example.c snapshot.pb
set -euo pipefail
hdr="$(realpath "$1")"; so="$(realpath "$2")"; pc="$(realpath "$3")"
src="$(realpath "$4")"; snap="$(realpath "$5")"
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/aliasroute-pc.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for tool in cc pkg-config; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found"; exit 1; }
done

# The installed layout (lib/c/BUILD.bazel describes it).
prefix="$work/prefix"
mkdir -p "$prefix/include/aliasroute" "$prefix/lib/pkgconfig"
cp "$hdr" "$prefix/include/aliasroute/aliasroute.h"
cp "$so" "$prefix/lib/libaliasroute.so.1"
ln -s libaliasroute.so.1 "$prefix/lib/libaliasroute.so"
cp "$pc" "$prefix/lib/pkgconfig/aliasroute.pc"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists --print-errors aliasroute
echo "aliasroute $(pkg-config --modversion aliasroute)"
cflags="$(pkg-config --cflags aliasroute)"
libs="$(pkg-config --libs aliasroute)"
echo "cflags: $cflags"
echo "libs:   $libs"

# Plain C11, warnings as errors; sanitizer flags are not needed for the
# program itself, but an instrumented library needs its runtime first.
extra=()
# (Read nm's whole output first: `grep -q` in a pipe under pipefail would
# fail the test when nm gets SIGPIPE.)
so_syms="$(nm -D "$so")"
if grep -q ' U __asan_init' <<<"$so_syms"; then
  extra+=(-fsanitize=address,undefined)
fi
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -pedantic "${extra[@]}" $cflags \
   -o "$work/example" "$src" $libs -Wl,-rpath,"$prefix/lib"

# The binary needs only the installed prefix (through its rpath).
ldd_out="$(ldd "$work/example")"
grep -q "$prefix/lib/libaliasroute.so.1" <<<"$ldd_out" || {
  echo "FAIL: example does not load the installed libaliasroute.so.1"
  ldd "$work/example"
  exit 1
}
out="$("$work/example" "$snap")"
echo "$out"
grep -qx "checkout:live user-1 -> [12]" <<<"$out" || {
  echo "FAIL: unexpected output"; exit 1; }
grep -qx "api 1" <<<"$out" || { echo "FAIL: api version"; exit 1; }
echo "PASS"
