/* aliasroute.h: the stable C API of aliasroute, for proxies and gateways
 * written in C (nginx, HAProxy, Envoy's C ABI filters) or any language with a
 * C FFI.
 *
 * It wraps the C++ router (lib/router.h) behind opaque types and plain
 * integers: no C++ type, exception or allocation contract crosses this
 * boundary. A router is built from a serialized aliasroute.v1.RegistrySnapshot
 * (proto/registry.proto), given as bytes or as a file; a new snapshot can be
 * swapped in atomically at any time; a function / alias name is resolved once
 * to a handle; each request then routes a key to a version, written into a
 * caller buffer without allocating.
 *
 * Example:
 *   aliasroute_router* router = NULL;
 *   if (aliasroute_router_open_file("/etc/registry.pb", &router) !=
 *       ALIASROUTE_OK) {
 *     fprintf(stderr, "aliasroute: %s\n", aliasroute_last_error());
 *     return 1;
 *   }
 *   aliasroute_handle live;  // once, off the hot path
 *   if (aliasroute_resolve(router, "checkout:live", 13, &live) != ALIASROUTE_OK)
 *     ...;
 *   char version[ALIASROUTE_VERSION_BUFSIZE];  // per request:
 *   size_t len;
 *   if (aliasroute_route(router, &live, user, strlen(user), version,
 *                        sizeof version, &len) == ALIASROUTE_OK)
 *     printf("X-Amz-Executed-Version: %s\n", version);  // "2" or "$LATEST"
 *   // Control plane, from any thread, concurrently with the routes above:
 *   aliasroute_router_swap_file(router, "/etc/registry.pb");
 *   aliasroute_router_close(router);
 *
 * Building and linking: the shared library is libaliasroute.so (SONAME
 * libaliasroute.so.1), which exports only the aliasroute_* functions below;
 * `pkg-config --cflags --libs aliasroute` gives the flags. The header is
 * valid C89/C99/C11 and C++.
 *
 * Errors. Every fallible function returns an aliasroute_status. The codes
 * are the Lambda API's error kinds (lib/errors.h) and their integer values
 * are those of absl::StatusCode / google.rpc.Code, so they are stable and
 * can be compared with the C++ API's codes. On failure the function also
 * stores a message naming the argument, the rule and the offending value in
 * a thread-local buffer that aliasroute_last_error() returns. A failed call
 * changes nothing: the router keeps its previous snapshot and no output
 * argument is written.
 *
 * Threads. A router is safe for concurrent use by many threads without
 * external locking: routes are wait-free (no locks, no shared writes, no
 * allocation) and may run while another thread swaps a snapshot in. Only
 * aliasroute_router_close() requires that no other call on that router is
 * running or will run.
 *
 * fork(). A router may be opened before fork(): each child then owns an
 * independent copy (copy-on-write), and swaps in one process do not reach the
 * others. Open and route in the child only if the parent had no other threads
 * inside aliasroute at the moment of fork().
 *
 * Stability. Functions are only ever added. ALIASROUTE_C_API_VERSION is
 * bumped when one is; aliasroute_api_version() reports the library's value.
 */

#ifndef ALIASROUTE_LIB_C_ALIASROUTE_H_
#define ALIASROUTE_LIB_C_ALIASROUTE_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define ALIASROUTE_EXPORT
#else
#define ALIASROUTE_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The API revision this header describes. */
#define ALIASROUTE_C_API_VERSION 1

/* Buffer size that always holds a routed version and its NUL: "$LATEST" or
 * a decimal version number of at most 20 digits. */
#define ALIASROUTE_VERSION_BUFSIZE 24

/* Result codes. Values equal absl::StatusCode's; names are Lambda's.
 * aliasroute_status_name() gives the Lambda exception name of each. */
typedef enum aliasroute_status {
  /* Success. */
  ALIASROUTE_OK = 0,
  /* InvalidParameterValueException: a NULL or malformed argument, a name
   * that is not a valid function name or ARN, an invalid or foreign handle, a
   * buffer too small, corrupt snapshot bytes, a snapshot that breaks a
   * routing rule. */
  ALIASROUTE_INVALID_PARAMETER_VALUE = 3,
  /* ResourceNotFoundException: the function, version or alias is not in the
   * current snapshot (or was removed by a swap); a snapshot file that does
   * not exist. */
  ALIASROUTE_RESOURCE_NOT_FOUND = 5,
  /* ResourceConflictException (the resource exists). Not returned by this
   * API revision; reserved so codes match the C++ API. */
  ALIASROUTE_RESOURCE_CONFLICT = 6,
  /* TooManyRequestsException: a limit is hit. Not returned by this API
   * revision; reserved. */
  ALIASROUTE_TOO_MANY_REQUESTS = 8,
  /* ResourceConflictException (the resource is in use). Reserved. */
  ALIASROUTE_RESOURCE_IN_USE = 9,
  /* PreconditionFailedException: a stale revision id. Reserved. */
  ALIASROUTE_PRECONDITION_FAILED = 10,
  /* ServiceException: an I/O error reading a snapshot file (other than "no
   * such file"), out of memory, or any other internal failure. */
  ALIASROUTE_SERVICE_ERROR = 13
} aliasroute_status;

/* A router: an immutable routing table replaced atomically by swaps.
 * Opaque; created by aliasroute_router_open*(), freed by
 * aliasroute_router_close(). */
typedef struct aliasroute_router aliasroute_router;

/* What aliasroute_resolve() found: $LATEST, a published version or an alias
 * of one function, in one router. An opaque value: copy it freely (no
 * allocation, nothing to free). It stays valid for the router's whole life
 * and keeps routing by the newest snapshot after swaps. A zero-filled handle
 * (e.g. `aliasroute_handle h = {{0}};`) is invalid and routes to
 * ALIASROUTE_INVALID_PARAMETER_VALUE. */
typedef struct aliasroute_handle {
  uint64_t opaque[4];
} aliasroute_handle;

/* ALIASROUTE_C_API_VERSION of the loaded library (it may be newer than the
 * header a program was compiled with). Thread-safe; never fails. */
ALIASROUTE_EXPORT int aliasroute_api_version(void);

/* The Lambda exception name of `status`: "OK",
 * "InvalidParameterValueException", "ResourceNotFoundException",
 * "ResourceConflictException", "TooManyRequestsException",
 * "PreconditionFailedException", or "ServiceException" for
 * ALIASROUTE_SERVICE_ERROR and any value not listed above. Returns a static
 * string (never NULL, never freed). Thread-safe; never fails. */
ALIASROUTE_EXPORT const char* aliasroute_status_name(int status);

/* The message of the last call that failed on this thread, e.g.
 * `snapshot: 17 bytes are not a valid serialized
 * aliasroute.v1.RegistrySnapshot`; "" when no call on this thread has failed
 * yet. Calls that succeed leave it unchanged (like errno). The string is
 * owned by the library and valid until the next failing aliasroute_* call
 * on this thread; copy it to keep it. Never NULL. */
ALIASROUTE_EXPORT const char* aliasroute_last_error(void);

/* Opens a router from `len` bytes at `data`: a serialized
 * aliasroute.v1.RegistrySnapshot. The bytes are copied; the caller keeps
 * ownership of `data`. On success stores a new router in *out (the caller
 * owns it: free it with aliasroute_router_close()).
 * Errors (nothing is allocated, *out is left unchanged):
 *   ALIASROUTE_INVALID_PARAMETER_VALUE  `out` is NULL; `data` is NULL while
 *       `len` > 0; `len` > INT_MAX (protobuf's limit); the bytes do not
 *       parse as a RegistrySnapshot; the snapshot breaks a routing rule
 *       (format_version, names, versions, weights, layouts: see
 *       Router::Validate in lib/router.h).
 *   ALIASROUTE_SERVICE_ERROR  out of memory.
 * Zero bytes parse as an empty snapshot whose format_version (0) is refused,
 * so `len` == 0 is ALIASROUTE_INVALID_PARAMETER_VALUE too.
 * Cost: parsing plus O(size of the snapshot). Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_router_open(
    const void* data, size_t len, aliasroute_router** out);

/* As aliasroute_router_open() with the contents of the file at `path`
 * (a NUL-terminated path, read whole, with blocking I/O).
 * Errors: as aliasroute_router_open(), plus
 *   ALIASROUTE_INVALID_PARAMETER_VALUE  `path` is NULL or empty, or names a
 *       directory or a file larger than INT_MAX bytes;
 *   ALIASROUTE_RESOURCE_NOT_FOUND  the file does not exist (ENOENT);
 *   ALIASROUTE_SERVICE_ERROR  any other error opening or reading it (the
 *       message has strerror's text).
 * Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_router_open_file(
    const char* path, aliasroute_router** out);

/* Frees `router` and everything it owns. Handles from it become meaningless.
 * NULL is a no-op. REQUIRES: no other call on `router` is running or will
 * run (the caller must synchronize its threads before closing). */
ALIASROUTE_EXPORT void aliasroute_router_close(aliasroute_router* router);

/* Replaces the router's snapshot with the one serialized in `len` bytes at
 * `data` (copied; the caller keeps ownership), atomically: every route sees
 * either the old snapshot or the new one, never a mix, and routes running
 * concurrently are never blocked. Handles resolved earlier keep working;
 * those whose target is absent from the new snapshot route to
 * ALIASROUTE_RESOURCE_NOT_FOUND until a later snapshot brings it back.
 * Errors (the old snapshot stays in place):
 *   ALIASROUTE_INVALID_PARAMETER_VALUE  `router` is NULL, or as
 *       aliasroute_router_open() for the bytes;
 *   ALIASROUTE_SERVICE_ERROR  out of memory.
 * Cost: O(size of the snapshot); concurrent swaps serialize on an internal
 * mutex. Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_router_swap(
    aliasroute_router* router, const void* data, size_t len);

/* As aliasroute_router_swap() with the contents of the file at `path`.
 * Errors: as aliasroute_router_swap() and aliasroute_router_open_file().
 * Write the file atomically (write a temporary file, then rename(2) it over
 * the old one) so that a reader never sees half a file. Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_router_swap_file(
    aliasroute_router* router, const char* path);

/* The RegistrySnapshot.generation of the snapshot now in use, into
 * *generation. Errors: ALIASROUTE_INVALID_PARAMETER_VALUE when `router` or
 * `generation` is NULL. Takes the router's writer mutex: call it from
 * monitoring, not per request. Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_router_generation(
    const aliasroute_router* router, uint64_t* generation);

/* Resolves `name_len` bytes at `name` (no NUL needed) the way Lambda's
 * Invoke resolves FunctionName: "checkout" and "checkout:$LATEST" give
 * $LATEST, "checkout:7" published version 7, "checkout:live" alias live;
 * partial ("123456789012:function:checkout:live") and full
 * ("arn:aws:lambda:us-east-1:123456789012:function:checkout:live") ARNs
 * work too. On success writes the handle to *out.
 * Errors:
 *   ALIASROUTE_INVALID_PARAMETER_VALUE  `router` or `out` is NULL; `name`
 *       is NULL while `name_len` > 0; the name is not a valid function name
 *       or ARN (e.g. empty, too long, bad characters);
 *   ALIASROUTE_RESOURCE_NOT_FOUND  the function, version or alias is not in
 *       the current snapshot, or an ARN names another partition, region or
 *       account.
 * Cost: parsing plus a hash lookup; no allocation on success. Thread-safe;
 * wait-free after the calling thread's first call. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_resolve(
    const aliasroute_router* router, const char* name, size_t name_len,
    aliasroute_handle* out);

/* Routes one request: the version that serves it under `handle`'s target,
 * written into `buf` as "$LATEST" or a decimal number and NUL-terminated;
 * its length (without the NUL) goes to *out_len when `out_len` is not NULL.
 * With `key_len` > 0 the route is sticky: the same key always gets the same
 * version while the weights keep it there (raising a canary's weight moves
 * only keys that must move). With `key_len` == 0 (`key` may then be NULL)
 * the version is drawn at random per call from a per-thread generator. For
 * $LATEST and version handles the key is ignored.
 * Errors (nothing is written to `buf` or *out_len):
 *   ALIASROUTE_INVALID_PARAMETER_VALUE  `router`, `handle` or `buf` is NULL;
 *       `key` is NULL while `key_len` > 0; the handle is invalid or comes
 *       from another router; `buf_len` is too small for the version and its
 *       NUL (ALIASROUTE_VERSION_BUFSIZE is always enough);
 *   ALIASROUTE_RESOURCE_NOT_FOUND  the handle's target is gone from the
 *       current snapshot (alias removed, version deleted, function
 *       removed).
 * Cost: one XXH3 of the key (or one generator step) plus O(1); wait-free;
 * no allocation on success. Thread-safe. */
ALIASROUTE_EXPORT aliasroute_status aliasroute_route(
    const aliasroute_router* router, const aliasroute_handle* handle,
    const char* key, size_t key_len, char* buf, size_t buf_len,
    size_t* out_len);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* ALIASROUTE_LIB_C_ALIASROUTE_H_ */
