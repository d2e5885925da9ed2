#!/usr/bin/env bash
# Installs the Debian 12 packages aliasroute builds and tests with, and
# nothing else. Idempotent: when every package is already installed it does
# nothing (no apt-get update, no network).
set -euo pipefail

PACKAGES=(
  # Toolchain and build system (bazel-bootstrap-source ships the stand-in
  # rules_cc / rules_java repositories WORKSPACE points at).
  g++ bazel-bootstrap bazel-bootstrap-source
  # Libraries (all from Debian; nothing is vendored or downloaded).
  libabsl-dev libprotobuf-dev protobuf-compiler libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Python binding and its tests.
  python3 python3-dev pybind11-dev python3-pytest python3-protobuf
  # clang + libFuzzer / sanitizer runtimes for the fuzz targets.
  clang libclang-rt-14-dev
  # The C API's pkg-config test, and the nginx module with its load test.
  pkg-config nginx nginx-dev wrk procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
