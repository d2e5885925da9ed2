// The C API (aliasroute.h) over the C++ router (lib/router.h).
//
// Boundary rules kept here:
// - No exception leaves an extern "C" function: each catches everything and
//   turns it into ALIASROUTE_SERVICE_ERROR.
// - No C++ object crosses: aliasroute_router* is a Router* under another
//   name; aliasroute_handle is a RouteHandle's bytes plus a check word.
// - The last-error text lives in a fixed thread-local buffer (__thread, no
//   constructor or destructor), so it never allocates and nothing is left to
//   run at thread exit when the library is dlclose()d, e.g. by nginx on
//   reload.
// - The hot path (aliasroute_route) allocates nothing on success: the
//   version is formatted straight into the caller's buffer.

#include "lib/c/aliasroute.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lib/router.h"
#include "proto/registry.pb.h"

namespace aliasroute_internal {
namespace {

using ::aliasroute::ExecutedVersion;
using ::aliasroute::RouteHandle;
using ::aliasroute::Router;

// ---- Last error ----------------------------------------------------------

constexpr size_t kErrorCap = 1024;
// Written only by its own thread.
__thread char t_last_error[kErrorCap];

// Stores `message` (truncated to fit, marked with "...") as this thread's
// last error and returns `code`.
aliasroute_status Fail(aliasroute_status code, absl::string_view message) {
  size_t n = message.size();
  if (n >= kErrorCap) {
    n = kErrorCap - 4;
    std::memcpy(t_last_error, message.data(), n);
    std::memcpy(t_last_error + n, "...", 4);
  } else {
    std::memcpy(t_last_error, message.data(), n);
    t_last_error[n] = '\0';
  }
  return code;
}

// The table of lib/errors.h, as integers (absl::StatusCode's values).
aliasroute_status CodeOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return ALIASROUTE_OK;
    case absl::StatusCode::kInvalidArgument:
      return ALIASROUTE_INVALID_PARAMETER_VALUE;
    case absl::StatusCode::kNotFound:
      return ALIASROUTE_RESOURCE_NOT_FOUND;
    case absl::StatusCode::kAlreadyExists:
      return ALIASROUTE_RESOURCE_CONFLICT;
    case absl::StatusCode::kResourceExhausted:
      return ALIASROUTE_TOO_MANY_REQUESTS;
    case absl::StatusCode::kFailedPrecondition:
      return ALIASROUTE_RESOURCE_IN_USE;
    case absl::StatusCode::kAborted:
      return ALIASROUTE_PRECONDITION_FAILED;
    default:
      return ALIASROUTE_SERVICE_ERROR;
  }
}

aliasroute_status FailStatus(const absl::Status& status,
                             absl::string_view context) {
  if (context.empty()) return Fail(CodeOf(status.code()), status.message());
  return Fail(CodeOf(status.code()),
              absl::StrCat(context, ": ", status.message()));
}

aliasroute_status InvalidArg(absl::string_view message) {
  return Fail(ALIASROUTE_INVALID_PARAMETER_VALUE, message);
}

// Stores "<function><what>" as the last error without allocating (for the
// out-of-memory path) and returns ALIASROUTE_SERVICE_ERROR.
aliasroute_status FailNoAlloc(absl::string_view function,
                              absl::string_view what) {
  const size_t f = std::min(function.size(), kErrorCap - 1);
  std::memcpy(t_last_error, function.data(), f);
  const size_t w = std::min(what.size(), kErrorCap - 1 - f);
  std::memcpy(t_last_error + f, what.data(), w);
  t_last_error[f + w] = '\0';
  return ALIASROUTE_SERVICE_ERROR;
}

// Runs `body` and converts any exception into ALIASROUTE_SERVICE_ERROR.
template <typename F>
aliasroute_status Guard(absl::string_view function, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return FailNoAlloc(function, ": out of memory");
  } catch (...) {
    return FailNoAlloc(function, ": internal error");
  }
}

// ---- Routers and handles -------------------------------------------------

Router* Impl(aliasroute_router* r) { return reinterpret_cast<Router*>(r); }
const Router* Impl(const aliasroute_router* r) {
  return reinterpret_cast<const Router*>(r);
}

static_assert(std::is_trivially_copyable<RouteHandle>::value,
              "RouteHandle must be copyable as bytes");
static_assert(sizeof(RouteHandle) <= 3 * sizeof(uint64_t),
              "RouteHandle must fit in aliasroute_handle.opaque[0..2]");
static_assert(sizeof(aliasroute_handle) == 4 * sizeof(uint64_t),
              "aliasroute_handle's size is part of the ABI");

// The check word of a packed handle: it tells a handle made by
// aliasroute_resolve from zero-filled or scribbled memory before any of its
// bytes are read as a RouteHandle. Never 0 for any input that matters (a
// zero handle's words give a non-zero result).
uint64_t CheckWord(const uint64_t w[3]) {
  uint64_t h = 0x6a09e667f3bcc909ull;
  for (int i = 0; i < 3; ++i) {
    h ^= w[i];
    h *= 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return h ^ 0xa1a5a0e7ull;
}

void Pack(const RouteHandle& handle, aliasroute_handle* out) {
  aliasroute_handle h;
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.opaque, &handle, sizeof(handle));
  h.opaque[3] = CheckWord(h.opaque);
  *out = h;
}

bool Unpack(const aliasroute_handle& in, RouteHandle* handle) {
  if (in.opaque[3] != CheckWord(in.opaque)) return false;
  std::memcpy(static_cast<void*>(handle), in.opaque, sizeof(*handle));
  return true;
}

// Writes "$LATEST" or the decimal number plus NUL into buf.
aliasroute_status FormatVersion(ExecutedVersion v, char* buf, size_t buf_len,
                                size_t* out_len) {
  char tmp[ALIASROUTE_VERSION_BUFSIZE];
  size_t n = 0;
  if (v.is_latest()) {
    static constexpr char kLatest[] = "$LATEST";
    n = sizeof(kLatest) - 1;
    std::memcpy(tmp, kLatest, n);
  } else {
    char rev[ALIASROUTE_VERSION_BUFSIZE];
    uint64_t x = v.number();
    do {
      rev[n++] = static_cast<char>('0' + x % 10);
      x /= 10;
    } while (x != 0);
    for (size_t i = 0; i < n; ++i) tmp[i] = rev[n - 1 - i];
  }
  if (buf_len < n + 1) {
    return InvalidArg(absl::StrCat("buf_len: ", buf_len,
                                   " bytes cannot hold version \"",
                                   absl::string_view(tmp, n),
                                   "\" and its NUL (need ", n + 1,
                                   "; ALIASROUTE_VERSION_BUFSIZE always fits)"));
  }
  std::memcpy(buf, tmp, n);
  buf[n] = '\0';
  if (out_len != nullptr) *out_len = n;
  return ALIASROUTE_OK;
}

// ---- Snapshots -----------------------------------------------------------

// Parses `len` bytes at `data` into *snapshot; `what` names the source in
// messages ("snapshot" or "snapshot file \"/x\"").
aliasroute_status ParseSnapshot(const void* data, size_t len,
                                absl::string_view what,
                                aliasroute::v1::RegistrySnapshot* snapshot) {
  if (data == nullptr && len > 0) {
    return InvalidArg(
        absl::StrCat("data: must not be NULL when len is ", len, " (> 0)"));
  }
  if (len > static_cast<size_t>(INT_MAX)) {
    return InvalidArg(absl::StrCat(what, ": ", len,
                                   " bytes is more than the limit of ",
                                   INT_MAX, " bytes"));
  }
  if (!snapshot->ParseFromArray(data, static_cast<int>(len))) {
    return InvalidArg(absl::StrCat(
        what, ": ", len,
        " bytes are not a valid serialized aliasroute.v1.RegistrySnapshot"));
  }
  return ALIASROUTE_OK;
}

// Reads the whole regular file at `path` into *contents.
aliasroute_status ReadFile(const char* path, std::string* contents) {
  if (path == nullptr) return InvalidArg("path: must not be NULL");
  if (path[0] == '\0') return InvalidArg("path: must not be empty");
  const auto errno_fail = [path](const char* op, int err) {
    char buf[256];
    // GNU strerror_r: returns the message (maybe not in buf).
    const char* text = strerror_r(err, buf, sizeof(buf));
    return Fail(err == ENOENT ? ALIASROUTE_RESOURCE_NOT_FOUND
                              : ALIASROUTE_SERVICE_ERROR,
                absl::StrCat("snapshot file \"", path, "\": ", op, " failed: ",
                             text));
  };
  int fd;
  do {
    fd = ::open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_fail("open", errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno_fail("fstat", errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArg(absl::StrCat("snapshot file \"", path,
                                   "\": is not a regular file"));
  }
  if (st.st_size > INT_MAX) {
    return InvalidArg(absl::StrCat("snapshot file \"", path, "\": ",
                                   st.st_size,
                                   " bytes is more than the limit of ",
                                   INT_MAX, " bytes"));
  }
  contents->clear();
  contents->reserve(static_cast<size_t>(st.st_size));
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_fail("read", errno);
    }
    if (n == 0) break;
    contents->append(chunk, static_cast<size_t>(n));
    if (contents->size() > static_cast<size_t>(INT_MAX)) {
      return InvalidArg(absl::StrCat("snapshot file \"", path,
                                     "\": grew past the limit of ", INT_MAX,
                                     " bytes while being read"));
    }
  }
  return ALIASROUTE_OK;
}

aliasroute_status OpenSnapshot(const aliasroute::v1::RegistrySnapshot& snapshot,
                               absl::string_view what,
                               aliasroute_router** out) {
  absl::StatusOr<std::unique_ptr<Router>> router = Router::Create(snapshot);
  if (!router.ok()) return FailStatus(router.status(), what);
  *out = reinterpret_cast<aliasroute_router*>(router->release());
  return ALIASROUTE_OK;
}

aliasroute_status SwapSnapshot(aliasroute_router* router,
                               const aliasroute::v1::RegistrySnapshot& snapshot,
                               absl::string_view what) {
  absl::Status s = Impl(router)->Publish(snapshot);
  if (!s.ok()) return FailStatus(s, what);
  return ALIASROUTE_OK;
}

std::string FileWhat(const char* path) {
  return absl::StrCat("snapshot file \"", path, "\"");
}

}  // namespace
}  // namespace aliasroute_internal

using namespace aliasroute_internal;  // NOLINT: this file's own helpers.

extern "C" {

int aliasroute_api_version(void) { return ALIASROUTE_C_API_VERSION; }

const char* aliasroute_status_name(int status) {
  switch (status) {
    case ALIASROUTE_OK:
      return "OK";
    case ALIASROUTE_INVALID_PARAMETER_VALUE:
      return "InvalidParameterValueException";
    case ALIASROUTE_RESOURCE_NOT_FOUND:
      return "ResourceNotFoundException";
    case ALIASROUTE_RESOURCE_CONFLICT:
    case ALIASROUTE_RESOURCE_IN_USE:
      return "ResourceConflictException";
    case ALIASROUTE_TOO_MANY_REQUESTS:
      return "TooManyRequestsException";
    case ALIASROUTE_PRECONDITION_FAILED:
      return "PreconditionFailedException";
    default:
      return "ServiceException";
  }
}

const char* aliasroute_last_error(void) { return t_last_error; }

aliasroute_status aliasroute_router_open(const void* data, size_t len,
                                         aliasroute_router** out) {
  return Guard("aliasroute_router_open", [&]() -> aliasroute_status {
    if (out == nullptr) return InvalidArg("out: must not be NULL");
    aliasroute::v1::RegistrySnapshot snapshot;
    if (aliasroute_status s = ParseSnapshot(data, len, "snapshot", &snapshot);
        s != ALIASROUTE_OK) {
      return s;
    }
    return OpenSnapshot(snapshot, "snapshot", out);
  });
}

aliasroute_status aliasroute_router_open_file(const char* path,
                                              aliasroute_router** out) {
  return Guard("aliasroute_router_open_file", [&]() -> aliasroute_status {
    if (out == nullptr) return InvalidArg("out: must not be NULL");
    std::string bytes;
    if (aliasroute_status s = ReadFile(path, &bytes); s != ALIASROUTE_OK) {
      return s;
    }
    const std::string what = FileWhat(path);
    aliasroute::v1::RegistrySnapshot snapshot;
    if (aliasroute_status s =
            ParseSnapshot(bytes.data(), bytes.size(), what, &snapshot);
        s != ALIASROUTE_OK) {
      return s;
    }
    return OpenSnapshot(snapshot, what, out);
  });
}

void aliasroute_router_close(aliasroute_router* router) {
  delete Impl(router);  // Router's destructor does not throw.
}

aliasroute_status aliasroute_router_swap(aliasroute_router* router,
                                         const void* data, size_t len) {
  return Guard("aliasroute_router_swap", [&]() -> aliasroute_status {
    if (router == nullptr) return InvalidArg("router: must not be NULL");
    aliasroute::v1::RegistrySnapshot snapshot;
    if (aliasroute_status s = ParseSnapshot(data, len, "snapshot", &snapshot);
        s != ALIASROUTE_OK) {
      return s;
    }
    return SwapSnapshot(router, snapshot, "snapshot");
  });
}

aliasroute_status aliasroute_router_swap_file(aliasroute_router* router,
                                              const char* path) {
  return Guard("aliasroute_router_swap_file", [&]() -> aliasroute_status {
    if (router == nullptr) return InvalidArg("router: must not be NULL");
    std::string bytes;
    if (aliasroute_status s = ReadFile(path, &bytes); s != ALIASROUTE_OK) {
      return s;
    }
    const std::string what = FileWhat(path);
    aliasroute::v1::RegistrySnapshot snapshot;
    if (aliasroute_status s =
            ParseSnapshot(bytes.data(), bytes.size(), what, &snapshot);
        s != ALIASROUTE_OK) {
      return s;
    }
    return SwapSnapshot(router, snapshot, what);
  });
}

aliasroute_status aliasroute_router_generation(const aliasroute_router* router,
                                               uint64_t* generation) {
  return Guard("aliasroute_router_generation", [&]() -> aliasroute_status {
    if (router == nullptr) return InvalidArg("router: must not be NULL");
    if (generation == nullptr) {
      return InvalidArg("generation: must not be NULL");
    }
    *generation = Impl(router)->stats().generation;
    return ALIASROUTE_OK;
  });
}

aliasroute_status aliasroute_resolve(const aliasroute_router* router,
                                     const char* name, size_t name_len,
                                     aliasroute_handle* out) {
  return Guard("aliasroute_resolve", [&]() -> aliasroute_status {
    if (router == nullptr) return InvalidArg("router: must not be NULL");
    if (out == nullptr) return InvalidArg("out: must not be NULL");
    if (name == nullptr && name_len > 0) {
      return InvalidArg(absl::StrCat("name: must not be NULL when name_len is ",
                                     name_len, " (> 0)"));
    }
    absl::StatusOr<RouteHandle> handle = Impl(router)->Resolve(
        absl::string_view(name == nullptr ? "" : name, name_len));
    if (!handle.ok()) return FailStatus(handle.status(), "");
    Pack(*handle, out);
    return ALIASROUTE_OK;
  });
}

aliasroute_status aliasroute_route(const aliasroute_router* router,
                                   const aliasroute_handle* handle,
                                   const char* key, size_t key_len, char* buf,
                                   size_t buf_len, size_t* out_len) {
  return Guard("aliasroute_route", [&]() -> aliasroute_status {
    if (router == nullptr) return InvalidArg("router: must not be NULL");
    if (handle == nullptr) return InvalidArg("handle: must not be NULL");
    if (buf == nullptr) return InvalidArg("buf: must not be NULL");
    if (key == nullptr && key_len > 0) {
      return InvalidArg(absl::StrCat("key: must not be NULL when key_len is ",
                                     key_len, " (> 0)"));
    }
    RouteHandle h;
    if (!Unpack(*handle, &h)) {
      return InvalidArg(
          "handle: not a handle made by aliasroute_resolve (zero-filled or "
          "overwritten)");
    }
    absl::StatusOr<ExecutedVersion> v =
        key_len == 0
            ? Impl(router)->RouteRandom(h)
            : Impl(router)->Route(h, absl::string_view(key, key_len));
    if (!v.ok()) return FailStatus(v.status(), "");
    return FormatVersion(*v, buf, buf_len, out_len);
  });
}

}  // extern "C"
