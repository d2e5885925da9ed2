/* Tests of the C API (lib/c/aliasroute.h), compiled as C11: every function,
 * every error path, and for each failure the exact code, a fragment of the
 * message, and that nothing was written or changed.
 *
 * Arguments (from tests/c/BUILD.bazel): the encoded test snapshots
 *   argv[1] canary10.pb  generation 1: checkout:live 90 % v1 / 10 % v2,
 *                        checkout:half 50/50, checkout:stable v1 only
 *   argv[2] canary50.pb  generation 2: live 50/50, "stable" removed
 *   argv[3] invalid_latest_weighted.pb  parses, breaks a routing rule
 *
 * Statistics: the share of 20000 fixed keys ("user-0".."user-19999") routed
 * by checkout:live is checked with a chi-square test (1 degree of freedom,
 * significance 0.001, critical value 10.828). The keys are fixed, so the
 * outcome is deterministic. */

#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "lib/c/aliasroute.h"

static int g_failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                \
      ++g_failures;                                                  \
    }                                                                \
  } while (0)

/* Checks that `call` returns `code` and that the last error contains
 * `fragment`. */
#define CHECK_FAILS(call, code, fragment)                                   \
  do {                                                                      \
    aliasroute_status s_ = (call);                                          \
    if (s_ != (code)) {                                                     \
      fprintf(stderr, "%s:%d: %s returned %d (%s), want %d; error: %s\n",   \
              __FILE__, __LINE__, #call, (int)s_, aliasroute_status_name(s_), \
              (int)(code), aliasroute_last_error());                        \
      ++g_failures;                                                         \
    } else if (strstr(aliasroute_last_error(), (fragment)) == NULL) {       \
      fprintf(stderr, "%s:%d: %s: error \"%s\" lacks \"%s\"\n", __FILE__,   \
              __LINE__, #call, aliasroute_last_error(), (fragment));        \
      ++g_failures;                                                         \
    }                                                                       \
  } while (0)

#define CHECK_OK(call)                                                       \
  do {                                                                       \
    aliasroute_status s_ = (call);                                           \
    if (s_ != ALIASROUTE_OK) {                                               \
      fprintf(stderr, "%s:%d: %s returned %d (%s): %s\n", __FILE__, __LINE__, \
              #call, (int)s_, aliasroute_status_name(s_),                    \
              aliasroute_last_error());                                      \
      ++g_failures;                                                          \
    }                                                                        \
  } while (0)

typedef struct {
  char* data;
  size_t len;
} bytes;

static bytes read_all(const char* path) {
  bytes b = {NULL, 0};
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    b.data = realloc(b.data, b.len + n);
    memcpy(b.data + b.len, chunk, n);
    b.len += n;
  }
  fclose(f);
  return b;
}

static const char* g_canary10_path;
static const char* g_canary50_path;
static const char* g_invalid_path;
static bytes g_canary10, g_canary50, g_invalid;

/* Routes `key` (NUL-terminated; "" = random) and returns the version as a
 * static string, or "ERR". */
static const char* route_str(const aliasroute_router* r,
                             const aliasroute_handle* h, const char* key) {
  static char buf[ALIASROUTE_VERSION_BUFSIZE];
  size_t len = 0;
  if (aliasroute_route(r, h, key, strlen(key), buf, sizeof buf, &len) !=
      ALIASROUTE_OK) {
    return "ERR";
  }
  if (len != strlen(buf)) return "BADLEN";
  return buf;
}

static aliasroute_handle resolve_or_die(const aliasroute_router* r,
                                        const char* name) {
  aliasroute_handle h;
  if (aliasroute_resolve(r, name, strlen(name), &h) != ALIASROUTE_OK) {
    fprintf(stderr, "resolve %s: %s\n", name, aliasroute_last_error());
    exit(2);
  }
  return h;
}

static aliasroute_router* open_or_die(bytes b) {
  aliasroute_router* r = NULL;
  if (aliasroute_router_open(b.data, b.len, &r) != ALIASROUTE_OK) {
    fprintf(stderr, "open: %s\n", aliasroute_last_error());
    exit(2);
  }
  return r;
}

/* ---- version, names, last error --------------------------------------- */

static void test_api_version(void) {
  CHECK(aliasroute_api_version() == ALIASROUTE_C_API_VERSION);
  CHECK(ALIASROUTE_VERSION_BUFSIZE >= 21);
}

static void test_status_names(void) {
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_OK), "OK") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_INVALID_PARAMETER_VALUE),
               "InvalidParameterValueException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_RESOURCE_NOT_FOUND),
               "ResourceNotFoundException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_RESOURCE_CONFLICT),
               "ResourceConflictException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_RESOURCE_IN_USE),
               "ResourceConflictException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_TOO_MANY_REQUESTS),
               "TooManyRequestsException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_PRECONDITION_FAILED),
               "PreconditionFailedException") == 0);
  CHECK(strcmp(aliasroute_status_name(ALIASROUTE_SERVICE_ERROR),
               "ServiceException") == 0);
  CHECK(strcmp(aliasroute_status_name(42), "ServiceException") == 0);
  CHECK(strcmp(aliasroute_status_name(-1), "ServiceException") == 0);
  /* The values are absl::StatusCode's (part of the ABI). */
  CHECK(ALIASROUTE_INVALID_PARAMETER_VALUE == 3);
  CHECK(ALIASROUTE_RESOURCE_NOT_FOUND == 5);
  CHECK(ALIASROUTE_RESOURCE_CONFLICT == 6);
  CHECK(ALIASROUTE_TOO_MANY_REQUESTS == 8);
  CHECK(ALIASROUTE_RESOURCE_IN_USE == 9);
  CHECK(ALIASROUTE_PRECONDITION_FAILED == 10);
  CHECK(ALIASROUTE_SERVICE_ERROR == 13);
}

/* Runs on a fresh thread: its last error starts empty, and a failure there
 * does not change the main thread's. */
static int last_error_thread(void* arg) {
  (void)arg;
  int bad = 0;
  if (strcmp(aliasroute_last_error(), "") != 0) bad |= 1;
  aliasroute_router* r = NULL;
  if (aliasroute_router_open(NULL, 0, &r) !=
      ALIASROUTE_INVALID_PARAMETER_VALUE) {
    bad |= 2;
  }
  if (strstr(aliasroute_last_error(), "format_version") == NULL &&
      strstr(aliasroute_last_error(), "format") == NULL) {
    bad |= 4;
  }
  return bad;
}

static void test_last_error_is_thread_local(void) {
  aliasroute_router* r = NULL;
  CHECK_FAILS(aliasroute_router_open(g_canary10.data, g_canary10.len, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "out: must not be NULL");
  thrd_t t;
  int rc = -1;
  CHECK(thrd_create(&t, last_error_thread, NULL) == thrd_success);
  CHECK(thrd_join(t, &rc) == thrd_success);
  CHECK(rc == 0);
  /* Unchanged by the other thread's failure. */
  CHECK(strcmp(aliasroute_last_error(), "out: must not be NULL") == 0);
  /* A success leaves it unchanged (errno-like). */
  r = open_or_die(g_canary10);
  CHECK(strcmp(aliasroute_last_error(), "out: must not be NULL") == 0);
  aliasroute_router_close(r);
}

/* ---- open ------------------------------------------------------------- */

static void test_open(void) {
  aliasroute_router* r = NULL;
  CHECK_OK(aliasroute_router_open(g_canary10.data, g_canary10.len, &r));
  CHECK(r != NULL);
  uint64_t gen = 0;
  CHECK_OK(aliasroute_router_generation(r, &gen));
  CHECK(gen == 1);
  aliasroute_router_close(r);
}

static void test_open_errors(void) {
  aliasroute_router* const sentinel = (aliasroute_router*)&g_failures;
  aliasroute_router* r = sentinel;
  static const char corrupt[] = {0x0a, 0x05, 'a'}; /* truncated field */

  CHECK_FAILS(aliasroute_router_open(g_canary10.data, g_canary10.len, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "out: must not be NULL");
  CHECK_FAILS(aliasroute_router_open(NULL, 5, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "data: must not be NULL when len is 5");
  CHECK_FAILS(aliasroute_router_open(g_canary10.data, (size_t)INT_MAX + 1, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "more than the limit of 2147483647 bytes");
  CHECK_FAILS(aliasroute_router_open(corrupt, sizeof corrupt, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "snapshot: 3 bytes are not a valid serialized "
              "aliasroute.v1.RegistrySnapshot");
  /* Zero bytes: an empty snapshot, whose format_version 0 is refused. */
  CHECK_FAILS(aliasroute_router_open("", 0, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "snapshot: ");
  CHECK_FAILS(aliasroute_router_open(NULL, 0, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "format_version");
  CHECK_FAILS(aliasroute_router_open(g_invalid.data, g_invalid.len, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "live");
  CHECK(r == sentinel); /* never written on failure */
}

/* ---- open_file -------------------------------------------------------- */

static char g_tmpdir[4096];

static void make_path(char* out, size_t cap, const char* name) {
  snprintf(out, cap, "%s/%s", g_tmpdir, name);
}

static void write_file(const char* path, const void* data, size_t len) {
  FILE* f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
}

static void test_open_file(void) {
  aliasroute_router* r = NULL;
  CHECK_OK(aliasroute_router_open_file(g_canary50_path, &r));
  CHECK(r != NULL);
  uint64_t gen = 0;
  CHECK_OK(aliasroute_router_generation(r, &gen));
  CHECK(gen == 2);
  aliasroute_router_close(r);
}

static void test_open_file_errors(void) {
  aliasroute_router* const sentinel = (aliasroute_router*)&g_failures;
  aliasroute_router* r = sentinel;
  char path[4200];

  CHECK_FAILS(aliasroute_router_open_file(g_canary10_path, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "out: must not be NULL");
  CHECK_FAILS(aliasroute_router_open_file(NULL, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "path: must not be NULL");
  CHECK_FAILS(aliasroute_router_open_file("", &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "path: must not be empty");
  make_path(path, sizeof path, "does-not-exist.pb");
  CHECK_FAILS(aliasroute_router_open_file(path, &r),
              ALIASROUTE_RESOURCE_NOT_FOUND, "does-not-exist.pb\": open failed");
  /* A directory. */
  CHECK_FAILS(aliasroute_router_open_file(g_tmpdir, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "is not a regular file");
  /* Another I/O error: a path through a regular file (ENOTDIR). */
  char through[4300];
  snprintf(through, sizeof through, "%s/x.pb", g_canary10_path);
  CHECK_FAILS(aliasroute_router_open_file(through, &r),
              ALIASROUTE_SERVICE_ERROR, "open failed: Not a directory");
  /* Corrupt contents. */
  make_path(path, sizeof path, "corrupt.pb");
  write_file(path, "\x0a\x05" "a", 3);
  CHECK_FAILS(aliasroute_router_open_file(path, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "corrupt.pb\": 3 bytes are not a valid serialized");
  /* Parses but breaks a routing rule: the message names the file. */
  CHECK_FAILS(aliasroute_router_open_file(g_invalid_path, &r),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "invalid_latest_weighted.pb\": ");
  /* Larger than protobuf's limit: a sparse file, never read. */
  make_path(path, sizeof path, "huge.pb");
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(ftruncate(fd, (off_t)INT_MAX + 1) == 0);
    close(fd);
    CHECK_FAILS(aliasroute_router_open_file(path, &r),
                ALIASROUTE_INVALID_PARAMETER_VALUE,
                "2147483648 bytes is more than the limit of 2147483647");
    unlink(path);
  }
  CHECK(r == sentinel);
}

/* ---- close ------------------------------------------------------------ */

static void test_close(void) {
  aliasroute_router_close(NULL); /* no-op */
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle h = resolve_or_die(r, "checkout:live");
  CHECK(strcmp(route_str(r, &h, "u"), "ERR") != 0);
  aliasroute_router_close(r); /* LeakSanitizer checks it frees everything */
}

/* ---- resolve ---------------------------------------------------------- */

static void test_resolve(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle h;
  static const char* const names[] = {
      "checkout:live",
      "checkout",
      "checkout:$LATEST",
      "checkout:2",
      "123456789012:function:checkout:live",
      "arn:aws:lambda:us-east-1:123456789012:function:checkout:live",
  };
  static const char* const want[] = {NULL, "$LATEST", "$LATEST", "2",
                                     NULL, NULL};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    memset(&h, 0, sizeof h);
    CHECK_OK(aliasroute_resolve(r, names[i], strlen(names[i]), &h));
    const char* v = route_str(r, &h, "some-user");
    if (want[i] != NULL) {
      CHECK(strcmp(v, want[i]) == 0);
    } else {
      CHECK(strcmp(v, "1") == 0 || strcmp(v, "2") == 0);
    }
  }
  /* A name is (pointer, length): bytes after name_len are ignored. */
  CHECK_OK(aliasroute_resolve(r, "checkout:2XYZ", 10, &h));
  CHECK(strcmp(route_str(r, &h, "k"), "2") == 0);
  /* The same name gives the same handle (handles are values). */
  aliasroute_handle a = resolve_or_die(r, "checkout:live");
  aliasroute_handle b = resolve_or_die(r, "checkout:live");
  CHECK(memcmp(&a, &b, sizeof a) == 0);
  aliasroute_router_close(r);
}

static void test_resolve_errors(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle h;
  memset(&h, 0xAB, sizeof h);
  aliasroute_handle before = h;

  CHECK_FAILS(aliasroute_resolve(NULL, "checkout", 8, &h),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "router: must not be NULL");
  CHECK_FAILS(aliasroute_resolve(r, "checkout", 8, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "out: must not be NULL");
  CHECK_FAILS(aliasroute_resolve(r, NULL, 3, &h),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "name: must not be NULL when name_len is 3");
  /* Empty name (also NULL with length 0). */
  CHECK_FAILS(aliasroute_resolve(r, NULL, 0, &h),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "");
  CHECK(strlen(aliasroute_last_error()) > 0);
  CHECK_FAILS(aliasroute_resolve(r, "check out", 9, &h),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "check out");
  /* An embedded NUL is a bad character, not the end of the name. */
  CHECK_FAILS(aliasroute_resolve(r, "checkout\0x", 10, &h),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "");
  CHECK(strlen(aliasroute_last_error()) > 0);
  /* All-digit qualifier that is not a published version. */
  CHECK_FAILS(aliasroute_resolve(r, "checkout:7", 10, &h),
              ALIASROUTE_RESOURCE_NOT_FOUND, "checkout");
  CHECK_FAILS(aliasroute_resolve(r, "nosuchfn:live", 13, &h),
              ALIASROUTE_RESOURCE_NOT_FOUND, "Function not found");
  CHECK_FAILS(aliasroute_resolve(r, "checkout:nosuch", 15, &h),
              ALIASROUTE_RESOURCE_NOT_FOUND, "nosuch");
  /* Another region. */
  const char* arn =
      "arn:aws:lambda:us-west-2:123456789012:function:checkout:live";
  CHECK_FAILS(aliasroute_resolve(r, arn, strlen(arn), &h),
              ALIASROUTE_RESOURCE_NOT_FOUND, "us-west-2");
  CHECK(memcmp(&h, &before, sizeof h) == 0);
  aliasroute_router_close(r);
}

/* ---- route ------------------------------------------------------------ */

static void test_route_sticky_and_accurate(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle live = resolve_or_die(r, "checkout:live");
  enum { kKeys = 20000 };
  static char first[kKeys];
  long n1 = 0, n2 = 0, other = 0, unstable = 0;
  char key[32];
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < kKeys; ++i) {
      snprintf(key, sizeof key, "user-%d", i);
      const char* v = route_str(r, &live, key);
      char c = strcmp(v, "1") == 0 ? '1' : strcmp(v, "2") == 0 ? '2' : '?';
      if (pass == 0) {
        first[i] = c;
        if (c == '1') ++n1;
        else if (c == '2') ++n2;
        else ++other;
      } else if (first[i] != c) {
        ++unstable;
      }
    }
  }
  CHECK(other == 0);
  CHECK(unstable == 0); /* sticky: same key, same version */
  /* Chi-square, 1 dof, alpha = 0.001: critical value 10.828. */
  const double e1 = kKeys * 0.9, e2 = kKeys * 0.1;
  const double chi2 =
      (n1 - e1) * (n1 - e1) / e1 + (n2 - e2) * (n2 - e2) / e2;
  if (!(chi2 < 10.828)) {
    fprintf(stderr, "live: v1=%ld v2=%ld chi2=%f\n", n1, n2, chi2);
  }
  CHECK(chi2 < 10.828);
  aliasroute_router_close(r);
}

static void test_route_random(void) {
  /* Empty key: a fresh random choice per call. With 50/50 weights, 400
   * draws all landing on one version has probability 2^-399. */
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle half = resolve_or_die(r, "checkout:half");
  int seen1 = 0, seen2 = 0, other = 0;
  char buf[ALIASROUTE_VERSION_BUFSIZE];
  for (int i = 0; i < 400; ++i) {
    size_t len = 99;
    /* key may be NULL when key_len is 0 */
    CHECK_OK(aliasroute_route(r, &half, NULL, 0, buf, sizeof buf, &len));
    if (strcmp(buf, "1") == 0 && len == 1) ++seen1;
    else if (strcmp(buf, "2") == 0 && len == 1) ++seen2;
    else ++other;
  }
  CHECK(seen1 > 0 && seen2 > 0 && other == 0);
  aliasroute_router_close(r);
}

static void test_route_versions_and_buffers(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle latest = resolve_or_die(r, "checkout");
  aliasroute_handle v2 = resolve_or_die(r, "checkout:2");
  char buf[ALIASROUTE_VERSION_BUFSIZE];
  size_t len = 0;
  /* Exactly big enough: "$LATEST" + NUL. out_len may be NULL. */
  CHECK_OK(aliasroute_route(r, &latest, "k", 1, buf, 8, NULL));
  CHECK(strcmp(buf, "$LATEST") == 0);
  CHECK_OK(aliasroute_route(r, &v2, "k", 1, buf, 2, &len));
  CHECK(strcmp(buf, "2") == 0 && len == 1);
  /* Version handles ignore the key, and route with an empty key too. */
  CHECK(strcmp(route_str(r, &v2, ""), "2") == 0);
  CHECK(strcmp(route_str(r, &v2, "anything"), "2") == 0);
  aliasroute_router_close(r);
}

static void test_route_errors(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_router* r2 = open_or_die(g_canary10);
  aliasroute_handle live = resolve_or_die(r, "checkout:live");
  aliasroute_handle latest = resolve_or_die(r, "checkout");
  aliasroute_handle stable = resolve_or_die(r, "checkout:stable");
  char buf[ALIASROUTE_VERSION_BUFSIZE];
  size_t len = 77;
  memset(buf, 'X', sizeof buf);

  CHECK_FAILS(aliasroute_route(NULL, &live, "k", 1, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "router: must not be NULL");
  CHECK_FAILS(aliasroute_route(r, NULL, "k", 1, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "handle: must not be NULL");
  CHECK_FAILS(aliasroute_route(r, &live, "k", 1, NULL, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "buf: must not be NULL");
  CHECK_FAILS(aliasroute_route(r, &live, NULL, 4, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "key: must not be NULL when key_len is 4");
  aliasroute_handle zero;
  memset(&zero, 0, sizeof zero);
  CHECK_FAILS(aliasroute_route(r, &zero, "k", 1, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "not a handle made by aliasroute_resolve");
  aliasroute_handle scribbled = live;
  scribbled.opaque[0] ^= 1;
  CHECK_FAILS(aliasroute_route(r, &scribbled, "k", 1, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "not a handle made by aliasroute_resolve");
  /* A handle from another router. */
  CHECK_FAILS(aliasroute_route(r2, &live, "k", 1, buf, sizeof buf, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "");
  CHECK(strlen(aliasroute_last_error()) > 0);
  /* Buffer too small for "$LATEST" and its NUL, and for "1" + NUL. */
  CHECK_FAILS(aliasroute_route(r, &latest, "k", 1, buf, 7, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "buf_len: 7 bytes cannot hold version \"$LATEST\" and its NUL "
              "(need 8");
  CHECK_FAILS(aliasroute_route(r, &stable, "k", 1, buf, 0, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "buf_len: 0 bytes");
  CHECK_FAILS(aliasroute_route(r, &stable, "k", 1, buf, 1, &len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "need 2");
  /* Nothing was written by any failure. */
  for (size_t i = 0; i < sizeof buf; ++i) CHECK(buf[i] == 'X');
  CHECK(len == 77);
  aliasroute_router_close(r2);
  aliasroute_router_close(r);
}

/* ---- swap, swap_file, generation ------------------------------------- */

static void test_swap(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle live = resolve_or_die(r, "checkout:live");
  aliasroute_handle stable = resolve_or_die(r, "checkout:stable");
  CHECK(strcmp(route_str(r, &stable, "k"), "1") == 0);

  /* Record who is on v2 at 10 %. */
  enum { kKeys = 5000 };
  static char at10[kKeys];
  char key[32];
  long on2_at10 = 0;
  for (int i = 0; i < kKeys; ++i) {
    snprintf(key, sizeof key, "user-%d", i);
    at10[i] = route_str(r, &live, key)[0];
    on2_at10 += at10[i] == '2';
  }

  CHECK_OK(aliasroute_router_swap(r, g_canary50.data, g_canary50.len));
  uint64_t gen = 0;
  CHECK_OK(aliasroute_router_generation(r, &gen));
  CHECK(gen == 2);
  /* The old handle follows the new snapshot: 10 % -> 50 % moves keys only
   * from v1 to v2 (minimal, monotone movement). */
  long on2_at50 = 0, moved_back = 0;
  for (int i = 0; i < kKeys; ++i) {
    snprintf(key, sizeof key, "user-%d", i);
    char c = route_str(r, &live, key)[0];
    on2_at50 += c == '2';
    if (at10[i] == '2' && c != '2') ++moved_back;
  }
  CHECK(moved_back == 0);
  CHECK(on2_at50 > on2_at10);
  /* "stable" is gone from generation 2. */
  CHECK_FAILS(aliasroute_route(r, &stable, "k", 1, (char[24]){0}, 24, NULL),
              ALIASROUTE_RESOURCE_NOT_FOUND, "stable");

  /* Swap back from a file: the same handle routes again (rollback restores
   * the old assignment exactly). */
  CHECK_OK(aliasroute_router_swap_file(r, g_canary10_path));
  CHECK_OK(aliasroute_router_generation(r, &gen));
  CHECK(gen == 1);
  CHECK(strcmp(route_str(r, &stable, "k"), "1") == 0);
  long restored = 0;
  for (int i = 0; i < kKeys; ++i) {
    snprintf(key, sizeof key, "user-%d", i);
    restored += route_str(r, &live, key)[0] == at10[i];
  }
  CHECK(restored == kKeys);
  aliasroute_router_close(r);
}

static void test_swap_errors(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  aliasroute_handle stable = resolve_or_die(r, "checkout:stable");
  static const char corrupt[] = {0x0a, 0x05, 'a'};
  char path[4200];

  CHECK_FAILS(aliasroute_router_swap(NULL, g_canary50.data, g_canary50.len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "router: must not be NULL");
  CHECK_FAILS(aliasroute_router_swap(r, NULL, 9),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "data: must not be NULL when len is 9");
  CHECK_FAILS(aliasroute_router_swap(r, g_canary50.data, (size_t)INT_MAX + 1),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "more than the limit");
  CHECK_FAILS(aliasroute_router_swap(r, corrupt, sizeof corrupt),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "3 bytes are not a valid serialized");
  CHECK_FAILS(aliasroute_router_swap(r, g_invalid.data, g_invalid.len),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "snapshot: ");

  CHECK_FAILS(aliasroute_router_swap_file(NULL, g_canary50_path),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "router: must not be NULL");
  CHECK_FAILS(aliasroute_router_swap_file(r, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "path: must not be NULL");
  CHECK_FAILS(aliasroute_router_swap_file(r, ""),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "path: must not be empty");
  make_path(path, sizeof path, "missing.pb");
  CHECK_FAILS(aliasroute_router_swap_file(r, path),
              ALIASROUTE_RESOURCE_NOT_FOUND, "missing.pb\": open failed");
  CHECK_FAILS(aliasroute_router_swap_file(r, g_tmpdir),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "is not a regular file");
  char through[4300];
  snprintf(through, sizeof through, "%s/x.pb", g_canary10_path);
  CHECK_FAILS(aliasroute_router_swap_file(r, through),
              ALIASROUTE_SERVICE_ERROR, "Not a directory");
  make_path(path, sizeof path, "corrupt-swap.pb");
  write_file(path, corrupt, sizeof corrupt);
  CHECK_FAILS(aliasroute_router_swap_file(r, path),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "corrupt-swap.pb\": 3 bytes are not a valid serialized");
  CHECK_FAILS(aliasroute_router_swap_file(r, g_invalid_path),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "invalid_latest_weighted.pb");

  /* A failed swap changes nothing. */
  uint64_t gen = 0;
  CHECK_OK(aliasroute_router_generation(r, &gen));
  CHECK(gen == 1);
  CHECK(strcmp(route_str(r, &stable, "k"), "1") == 0);

  /* generation's own errors. */
  uint64_t g2 = 42;
  CHECK_FAILS(aliasroute_router_generation(NULL, &g2),
              ALIASROUTE_INVALID_PARAMETER_VALUE, "router: must not be NULL");
  CHECK_FAILS(aliasroute_router_generation(r, NULL),
              ALIASROUTE_INVALID_PARAMETER_VALUE,
              "generation: must not be NULL");
  CHECK(g2 == 42);
  aliasroute_router_close(r);
}

/* ---- concurrency: routes while another thread swaps ------------------- */

typedef struct {
  aliasroute_router* router;
  aliasroute_handle live;
  long bad;
} route_worker;

static int route_worker_main(void* arg) {
  route_worker* w = arg;
  char buf[ALIASROUTE_VERSION_BUFSIZE];
  char key[32];
  for (int i = 0; i < 50000; ++i) {
    snprintf(key, sizeof key, "u%d", i % 997);
    size_t len = 0;
    if (aliasroute_route(w->router, &w->live, key, strlen(key), buf,
                         sizeof buf, &len) != ALIASROUTE_OK ||
        !(strcmp(buf, "1") == 0 || strcmp(buf, "2") == 0)) {
      ++w->bad;
    }
  }
  return 0;
}

static void test_concurrent_swaps(void) {
  aliasroute_router* r = open_or_die(g_canary10);
  route_worker w[2];
  thrd_t t[2];
  for (int i = 0; i < 2; ++i) {
    w[i].router = r;
    w[i].live = resolve_or_die(r, "checkout:live");
    w[i].bad = 0;
    CHECK(thrd_create(&t[i], route_worker_main, &w[i]) == thrd_success);
  }
  for (int i = 0; i < 200; ++i) {
    const bytes b = (i % 2 == 0) ? g_canary50 : g_canary10;
    CHECK_OK(aliasroute_router_swap(r, b.data, b.len));
  }
  for (int i = 0; i < 2; ++i) {
    CHECK(thrd_join(t[i], NULL) == thrd_success);
    CHECK(w[i].bad == 0);
  }
  aliasroute_router_close(r);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s canary10.pb canary50.pb invalid.pb\n", argv[0]);
    return 2;
  }
  g_canary10_path = argv[1];
  g_canary50_path = argv[2];
  g_invalid_path = argv[3];
  g_canary10 = read_all(argv[1]);
  g_canary50 = read_all(argv[2]);
  g_invalid = read_all(argv[3]);
  const char* tmp = getenv("TEST_TMPDIR");
  snprintf(g_tmpdir, sizeof g_tmpdir, "%s", tmp != NULL ? tmp : "/tmp");

  /* Must run first: nothing has failed on this thread yet. */
  CHECK(strcmp(aliasroute_last_error(), "") == 0);

  test_api_version();
  test_status_names();
  test_last_error_is_thread_local();
  test_open();
  test_open_errors();
  test_open_file();
  test_open_file_errors();
  test_close();
  test_resolve();
  test_resolve_errors();
  test_route_sticky_and_accurate();
  test_route_random();
  test_route_versions_and_buffers();
  test_route_errors();
  test_swap();
  test_swap_errors();
  test_concurrent_swaps();

  free(g_canary10.data);
  free(g_canary50.data);
  free(g_invalid.data);
  if (g_failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  printf("all C API checks passed\n");
  return 0;
}
