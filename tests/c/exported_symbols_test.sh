#!/bin/bash
# Fails when the shared library exports any symbol other than aliasroute_*.
#
# `nm -D --defined-only` lists the dynamic symbols the library defines. An
# upper-case type letter (T, D, B, R, W, V, ...) or `u` (GNU unique) is a
# global symbol another object can bind to: each must be an aliasroute_
# function. Lower-case types are local (e.g. a TLS variable the library
# reaches through its own dynamic symbol table) and cannot be bound to.
set -euo pipefail
so="$1"
[[ -f "$so" ]] || { echo "FAIL: no shared library at $so"; exit 1; }
command -v nm >/dev/null || { echo "FAIL: nm (binutils) not found"; exit 1; }

listing="$(nm -D --defined-only "$so")"
echo "$listing"
bad="$(awk 'NF >= 3 { t = $2; n = $3 }
            NF == 2 { t = $1; n = $2 }
            (t ~ /^[A-Z]$/ || t == "u") && n !~ /^aliasroute_/ { print }' \
       <<<"$listing")"
if [[ -n "$bad" ]]; then
  echo "FAIL: symbols exported that are not aliasroute_*:"
  echo "$bad"
  exit 1
fi
# The whole C API must be there.
for f in aliasroute_api_version aliasroute_status_name aliasroute_last_error \
         aliasroute_router_open aliasroute_router_open_file \
         aliasroute_router_close aliasroute_router_swap \
         aliasroute_router_swap_file aliasroute_router_generation \
         aliasroute_resolve aliasroute_route; do
  if ! grep -qE "^[0-9a-f]+ T ${f}\$" <<<"$listing"; then
    echo "FAIL: $f is not exported"
    exit 1
  fi
done
soname="$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
if [[ "$soname" != "libaliasroute.so.1" ]]; then
  echo "FAIL: SONAME is '$soname', want libaliasroute.so.1"
  exit 1
fi
echo "PASS: only aliasroute_* symbols are exported; SONAME $soname"
