#!/bin/bash
# Runs examples/nginx/loadtest.sh on the C library Bazel built.
# Args: libaliasroute.so aliasroute.h aliasroute.pc registry.proto
set -euo pipefail
export ALIASROUTE_SO="$(realpath "$1")"
export ALIASROUTE_H="$(realpath "$2")"
export ALIASROUTE_PC="$(realpath "$3")"
export REGISTRY_PROTO="$(realpath "$4")"
exec examples/nginx/loadtest.sh
