#!/bin/bash
# Functional test of ngx_http_aliasroute_module (examples/nginx) in a real
# nginx on 127.0.0.1:
#   - `nginx -t` accepts a good configuration and refuses, with a message
#     naming the problem: a missing, corrupt or invalid snapshot, an unknown
#     alias, a malformed name, aliasroute_route without aliasroute_snapshot,
#     a duplicate aliasroute_snapshot;
#   - at run time: sticky routes, random routes, fixed versions, $LATEST,
#     inheritance by a nested location, $aliasroute_generation; a corrupt
#     snapshot file is refused and the old one keeps serving; a good one is
#     picked up by the periodic check; an alias removed by a swap makes
#     $aliasroute_version empty and logs the error.
# Args: libaliasroute.so aliasroute.h aliasroute.pc registry.proto
# Needs: nginx nginx-dev pkg-config protobuf-compiler, a C compiler.
set -euo pipefail
export ALIASROUTE_SO="$(realpath "$1")"
export ALIASROUTE_H="$(realpath "$2")"
export ALIASROUTE_PC="$(realpath "$3")"
proto="$(realpath "$4")"
protodir="$(cd "$(dirname "$proto")/.." && pwd)"
here="$(pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/aliasroute-ngxtest.XXXXXX")"
NGINX_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo "--- error.log"; cat "$WORK/error.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok:   $*"; }

MODULE="$("$here/examples/nginx/build.sh" "$WORK/build" | tail -1)"
pass "module built: $MODULE"

# snapshot FILE GENERATION CANARY_PPB [FORMAT_VERSION] [NO_LIVE]
snapshot() {
  local file="$1" gen="$2" ppb="$3" fmt="${4:-1}" live=""
  if [[ -z "${5:-}" ]]; then
    live="aliases { name: \"live\" function_version: \"1\"
      routing_config { additional_version_weights { version: \"2\" weight_ppb: $ppb } }
      routing_seed: 4242 }"
  fi
  protoc -I"$protodir" --encode=aliasroute.v1.RegistrySnapshot \
      proto/registry.proto > "$file.tmp" <<EOF
format_version: $fmt
options { routing_mode: ROUTING_MODE_AWS_COMPATIBLE }
generation: $gen
functions {
  name: "checkout"
  versions { version: "1" }
  versions { version: "2" }
  last_version_number: 2
  $live
}
EOF
  mv "$file.tmp" "$file"
}

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# conf HTTP_LEVEL_LINES SERVER_LEVEL_LINES: writes $WORK/nginx.conf.
conf() {
  cat > "$WORK/nginx.conf" <<EOF
load_module $MODULE;
daemon off;
master_process off;
pid $WORK/nginx.pid;
error_log $WORK/error.log notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  $1
  server {
    listen 127.0.0.1:$PORT;
    $2
    location /fn/     { aliasroute_route checkout:live \$arg_user;
                        return 200 "[\$aliasroute_version] \$aliasroute_generation\n"; }
    location /rand/   { aliasroute_route checkout:live;
                        return 200 "[\$aliasroute_version]\n"; }
    location /fixed/  { aliasroute_route checkout:2 \$arg_user;
                        return 200 "[\$aliasroute_version]\n"; }
    location /latest/ { aliasroute_route checkout;
                        return 200 "[\$aliasroute_version]\n"; }
    location /none/   { return 200 "[\$aliasroute_version]\n"; }
  }
}
EOF
}

# expect_t_fails DESCRIPTION FRAGMENT: nginx -t must fail and say FRAGMENT.
expect_t_fails() {
  local out
  if out="$(nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/t.log" -t 2>&1)"; then
    fail "$1: nginx -t accepted it"
  elif grep -qF -- "$2" <<<"$out$(cat "$WORK/t.log" 2>/dev/null)"; then
    pass "$1: refused ($2)"
  else
    fail "$1: refused without \"$2\": $out"
  fi
}

snap="$WORK/registry.pb"
snapshot "$snap" 1 100000000
chmod 644 "$snap"

# ---- nginx -t ---------------------------------------------------------------
conf "aliasroute_snapshot $snap;" ""
if out="$(nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/t.log" -t 2>&1)"; then
  pass "nginx -t accepts the good configuration"
else
  fail "nginx -t refused the good configuration: $out"
fi

conf "aliasroute_snapshot $WORK/missing.pb;" ""
expect_t_fails "missing snapshot" "missing.pb\" failed (2: No such file or directory)"

printf '\x0a\x05a' > "$WORK/corrupt.pb"
conf "aliasroute_snapshot $WORK/corrupt.pb;" ""
expect_t_fails "corrupt snapshot" "InvalidParameterValueException: snapshot file \"$WORK/corrupt.pb\": 3 bytes are not a valid serialized"

snapshot "$WORK/v2format.pb" 1 0 2
conf "aliasroute_snapshot $WORK/v2format.pb;" ""
expect_t_fails "unknown format_version" "format_version must be 1, got 2"

conf "aliasroute_snapshot $snap;" "location /x/ { aliasroute_route checkout:nosuch; }"
expect_t_fails "unknown alias" "aliasroute_route \"checkout:nosuch\": ResourceNotFoundException"

conf "aliasroute_snapshot $snap;" "location /x/ { aliasroute_route \"bad name!\"; }"
expect_t_fails "malformed name" "aliasroute_route \"bad name!\": InvalidParameterValueException"

conf "" ""
expect_t_fails "aliasroute_route without aliasroute_snapshot" "needs aliasroute_snapshot in the http block"

conf "aliasroute_snapshot $snap; aliasroute_snapshot $snap;" ""
expect_t_fails "duplicate aliasroute_snapshot" "\"aliasroute_snapshot\" directive is duplicate"

# ---- run time ----------------------------------------------------------------
conf "aliasroute_snapshot $snap; aliasroute_snapshot_check 200ms;" \
     "location /outer/ { aliasroute_route checkout:live \$arg_user;
        location /outer/inner/ { return 200 \"[\$aliasroute_version]\n\"; } }"
nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log" &
NGINX_PID=$!

get() {  # PATH: prints the response body's first line
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  sed -n '/^\r$/,$p' <&3 | sed -n 2p
  exec 3<&-
}
for _ in $(seq 100); do get /none/ >/dev/null 2>&1 && break; sleep 0.1; done

# expect PATH WANT
expect() {
  local got; got="$(get "$1")"
  [[ "$got" == "$2" ]] && pass "GET $1 -> $got" || fail "GET $1 -> '$got', want '$2'"
}
# Sticky: each user always gets one version; over 400 users both appear.
declare -A first
both=""
for i in $(seq 400); do
  v="$(get "/fn/?user=u$i")"
  first[$i]="$v"
  both+="${v%% *}"$'\n'
done
unstable=0
for i in $(seq 400); do
  [[ "$(get "/fn/?user=u$i")" == "${first[$i]}" ]] || unstable=$((unstable + 1))
done
[[ $unstable -eq 0 ]] && pass "sticky: 400 users, each on one version twice" || fail "sticky: $unstable users changed version"
n1="$(grep -c '^\[1\]$' <<<"$both" || true)"; n2="$(grep -c '^\[2\]$' <<<"$both" || true)"
[[ $((n1 + n2)) -eq 400 && $n1 -gt 0 && $n2 -gt 0 ]] && pass "sticky: v1=$n1 v2=$n2 users at 10 %" \
  || fail "sticky: v1=$n1 v2=$n2 of 400"
expect "/fn/?user=u1" "${first[1]}"
[[ "${first[1]}" == *" 1" ]] && pass "generation 1 reported" || fail "generation: ${first[1]}"
# Random: no key.
r=""; for i in $(seq 200); do r+="$(get /rand/)"; done
[[ "$r" == *"[1]"* && "$r" == *"[2]"* ]] && pass "random: both versions in 200 requests" || fail "random: $r"
expect "/fixed/?user=u1" "[2]"
expect "/latest/" "[\$LATEST]"
expect "/none/" "[]"
inh="$(get "/outer/inner/?user=u1")"
[[ "$inh" == "${first[1]%% *}" ]] && pass "aliasroute_route inherited by a nested location: $inh" || fail "inherit: $inh"

# A corrupt file is refused; generation 1 keeps serving.
printf '\x0a\x05a' > "$snap.tmp"; mv "$snap.tmp" "$snap"
sleep 0.8
grep -q "aliasroute: keeping generation 1: InvalidParameterValueException" "$WORK/error.log" \
  && pass "corrupt swap refused and logged" || fail "no refusal logged for the corrupt file"
expect "/fn/?user=u1" "${first[1]}"

# A good file with 100 % on version 2 is picked up.
snapshot "$snap" 2 1000000000
sleep 0.8
grep -q 'aliasroute: swapped in .*generation 1 -> 2' "$WORK/error.log" \
  && pass "swap logged" || fail "no swap logged"
expect "/fn/?user=u1" "[2] 2"
expect "/fn/?user=u77" "[2] 2"

# The alias removed: the variable is empty and the error is logged.
snapshot "$snap" 3 0 1 no-live
sleep 0.8
expect "/fn/?user=u1" "[] 3"
grep -q 'aliasroute_route "checkout:live": ResourceNotFoundException' "$WORK/error.log" \
  && pass "route to a removed alias logged" || fail "no log for the removed alias"
# ... and back.
snapshot "$snap" 4 1000000000
sleep 0.8
expect "/fn/?user=u1" "[2] 4"

if [[ $FAILS -ne 0 ]]; then
  echo "$FAILS check(s) FAILED"
  exit 1
fi
echo "PASS"
