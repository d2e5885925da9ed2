#!/bin/bash
# Builds ngx_http_aliasroute_module.so for Debian 12's nginx (1.22.1, built
# --with-compat) against the nginx-dev package's tree in /usr/share/nginx/src,
# and the aliasroute C library it links, laid out as an installed prefix.
#
# Usage: examples/nginx/build.sh OUT_DIR
# Results:
#   OUT_DIR/ngx_http_aliasroute_module.so     load_module this (absolute path)
#   OUT_DIR/prefix/{include/aliasroute/aliasroute.h,lib/libaliasroute.so*,
#                   lib/pkgconfig/aliasroute.pc}
#
# The C library comes from Bazel (bazel build --config=opt //lib/c:...),
# unless ALIASROUTE_SO, ALIASROUTE_H and ALIASROUTE_PC name prebuilt files
# (the Bazel test passes its runfiles that way). BAZEL (default "bazel") and
# BAZEL_STARTUP_OPTS (e.g. "--output_base=/x") adjust the Bazel call.
# Needs: nginx nginx-dev pkg-config (Debian packages), a C compiler, make.
set -euo pipefail

out="${1:?usage: build.sh OUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [[ ! -f /usr/share/nginx/src/conf_flags ]]; then
  echo "build.sh: /usr/share/nginx/src/conf_flags missing: apt-get install nginx-dev" >&2
  exit 1
fi

# ---- the C library -------------------------------------------------------
if [[ -z "${ALIASROUTE_SO:-}" ]]; then
  repo="$(cd "$here/../.." && pwd)"
  bazel="${BAZEL:-bazel}"
  # shellcheck disable=SC2086
  (cd "$repo" && "$bazel" ${BAZEL_STARTUP_OPTS:-} build --config=opt \
      //lib/c:libaliasroute.so //lib/c:aliasroute_pc >&2)
  # shellcheck disable=SC2086
  bin="$(cd "$repo" && "$bazel" ${BAZEL_STARTUP_OPTS:-} info --config=opt bazel-bin 2>/dev/null)"
  ALIASROUTE_SO="$bin/lib/c/libaliasroute.so"
  ALIASROUTE_PC="$bin/lib/c/aliasroute.pc"
  ALIASROUTE_H="$repo/lib/c/aliasroute.h"
fi
prefix="$out/prefix"
rm -rf "$prefix"
mkdir -p "$prefix/include/aliasroute" "$prefix/lib/pkgconfig"
cp "$ALIASROUTE_H" "$prefix/include/aliasroute/aliasroute.h"
cp "$ALIASROUTE_SO" "$prefix/lib/libaliasroute.so.1"
chmod u+w "$prefix/lib/libaliasroute.so.1"
ln -s libaliasroute.so.1 "$prefix/lib/libaliasroute.so"
cp "$ALIASROUTE_PC" "$prefix/lib/pkgconfig/aliasroute.pc"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

# ---- the module ----------------------------------------------------------
# The module folder nginx's configure reads: the config file and the source.
moddir="$out/module"
rm -rf "$moddir"
mkdir -p "$moddir"
cp "$here/config" "$here/ngx_http_aliasroute_module.c" "$moddir/"

src="$out/nginx-src"
rm -rf "$src"
cp -rL /usr/share/nginx/src "$src"
chmod -R u+w "$src"
(
  cd "$src"
  # shellcheck disable=SC1091
  . ./conf_flags
  ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$moddir" \
      > "$out/configure.log" 2>&1 || {
    tail -30 "$out/configure.log" >&2; exit 1; }
  make -f objs/Makefile modules > "$out/make.log" 2>&1 || {
    tail -30 "$out/make.log" >&2; exit 1; }
)
cp "$src/objs/ngx_http_aliasroute_module.so" "$out/"
echo "$out/ngx_http_aliasroute_module.so"
