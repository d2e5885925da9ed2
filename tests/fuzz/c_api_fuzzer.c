/* libFuzzer target for the C API boundary, written in C: arbitrary bytes as
 * a snapshot (open, then swap into a router opened from a valid one),
 * arbitrary names to resolve, arbitrary keys, arbitrary handle bytes and
 * buffer sizes to route with. None may crash, leak or hang; every failure
 * must come with a known code and a non-empty message; every success must
 * write a NUL-terminated version that fits the buffer.
 *
 * Input layout: byte 0 picks the buffer size (0..31), then the rest is split
 * at the first 0xFF byte into SNAPSHOT | NAME_AND_KEY; NAME_AND_KEY is split
 * at its first ' ' into NAME and KEY.
 *
 * Build and run:
 *   bazel build --config=fuzz //tests/fuzz:c_api_fuzzer
 *   bazel-bin/tests/fuzz/c_api_fuzzer -max_total_time=20 \
 *       tests/fuzz/corpus/c_api */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/c/aliasroute.h"

/* A valid snapshot, encoded with
 *   protoc --encode=aliasroute.v1.RegistrySnapshot proto/registry.proto
 * from: format_version: 1 functions { name: "f" versions { version: "1" }
 *   versions { version: "2" } last_version_number: 2
 *   aliases { name: "a" function_version: "1" }
 *   aliases { name: "w" function_version: "1" routing_config {
 *     additional_version_weights { version: "2" weight_ppb: 300000000 } } } }
 */
static const unsigned char kValid[] = {
    0x08, 0x01, 0x32, 0x2c, 0x0a, 0x01, 0x66, 0x1a, 0x03, 0x0a, 0x01, 0x31,
    0x1a, 0x03, 0x0a, 0x01, 0x32, 0x22, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01,
    0x31, 0x22, 0x13, 0x0a, 0x01, 0x77, 0x12, 0x01, 0x31, 0x22, 0x0b, 0x0a,
    0x09, 0x0a, 0x01, 0x32, 0x10, 0x80, 0xc6, 0x86, 0x8f, 0x01, 0x28, 0x02};

static int known(aliasroute_status s) {
  switch (s) {
    case ALIASROUTE_OK:
    case ALIASROUTE_INVALID_PARAMETER_VALUE:
    case ALIASROUTE_RESOURCE_NOT_FOUND:
    case ALIASROUTE_SERVICE_ERROR:
      return 1;
    default:
      return 0;
  }
}

static void check_failure(aliasroute_status s) {
  if (!known(s)) abort();
  if (s != ALIASROUTE_OK && aliasroute_last_error()[0] == '\0') abort();
}

static void route_all(const aliasroute_router* r, const char* name,
                      size_t name_len, const char* key, size_t key_len,
                      size_t buf_len, const uint8_t* raw, size_t raw_len) {
  char buf[32];
  size_t len = 0;
  aliasroute_handle h;
  aliasroute_status s = aliasroute_resolve(r, name, name_len, &h);
  check_failure(s);
  if (s == ALIASROUTE_OK) {
    memset(buf, 0x55, sizeof buf);
    s = aliasroute_route(r, &h, key, key_len, buf, buf_len, &len);
    check_failure(s);
    if (s == ALIASROUTE_OK && (len + 1 > buf_len || buf[len] != '\0' ||
                               strlen(buf) != len)) {
      abort();
    }
  }
  /* Arbitrary handle bytes must be refused or routed, never trusted. */
  memset(&h, 0, sizeof h);
  memcpy(&h, raw, raw_len < sizeof h ? raw_len : sizeof h);
  s = aliasroute_route(r, &h, key, key_len, buf, buf_len, &len);
  check_failure(s);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t buf_len = data[0] % 32;
  const uint8_t* rest = data + 1;
  size_t rest_len = size - 1;
  const uint8_t* sep = memchr(rest, 0xFF, rest_len);
  const size_t snap_len = sep ? (size_t)(sep - rest) : rest_len;
  const char* nk = sep ? (const char*)sep + 1 : "";
  const size_t nk_len = sep ? rest_len - snap_len - 1 : 0;
  const char* sp = memchr(nk, ' ', nk_len);
  const size_t name_len = sp ? (size_t)(sp - nk) : nk_len;
  const char* key = sp ? sp + 1 : "";
  const size_t key_len = sp ? nk_len - name_len - 1 : 0;

  /* The fuzzed bytes as a snapshot of their own. */
  aliasroute_router* r = NULL;
  aliasroute_status s = aliasroute_router_open(rest, snap_len, &r);
  check_failure(s);
  if (s == ALIASROUTE_OK) {
    route_all(r, nk, name_len, key, key_len, buf_len, data, size);
    aliasroute_router_close(r);
  } else if (r != NULL) {
    abort(); /* a failed open wrote *out */
  }

  /* Swapped into a router that holds a valid snapshot: a failed swap must
   * leave the valid one routing. */
  r = NULL;
  s = aliasroute_router_open(kValid, sizeof kValid, &r);
  if (s != ALIASROUTE_OK) abort();
  s = aliasroute_router_swap(r, rest, snap_len);
  check_failure(s);
  if (s != ALIASROUTE_OK) {
    char buf[ALIASROUTE_VERSION_BUFSIZE];
    aliasroute_handle h;
    if (aliasroute_resolve(r, "f:a", 3, &h) != ALIASROUTE_OK) abort();
    if (aliasroute_route(r, &h, key, key_len, buf, sizeof buf, NULL) !=
        ALIASROUTE_OK) {
      abort();
    }
    if (strcmp(buf, "1") != 0) abort(); /* "a" has no weights */
  }
  route_all(r, nk, name_len, key, key_len, buf_len, data, size);
  aliasroute_router_close(r);
  return 0;
}
