// pyutil.h: the glue between aliasroute's C++ types and Python, private to
// the _aliasroute extension (bindings/python/_aliasroute.cc).
//
//   - absl::Status -> Python exception: StatusError carries a status out of a
//     binding; the translator registered by RegisterExceptions() turns it
//     into the aliasroute.Error subclass for its code (the table is in
//     aliasroute/__init__.py's docstring).
//   - Protocol buffers cross the boundary by value: a C++ message is
//     serialized and handed to Python as an instance of the generated class
//     in aliasroute.proto.<file>_pb2 (or google.protobuf.<file>_pb2); a
//     Python message (of exactly the expected type) or bytes-like object is
//     serialized / parsed into a fresh C++ message. Python never sees a
//     pointer into C++-owned state.
//   - absl::string_view parameters accept str (as UTF-8) and bytes.
//
// Example:
//   m.def("get", [](const v1::Alias& a) -> v1::Alias { ... });
//   // Python: get(alias_pb2_message) or get(serialized_bytes) -> Alias
//
// Everything here must be called with the GIL held unless it says otherwise.

#ifndef ALIASROUTE_BINDINGS_PYTHON_PYUTIL_H_
#define ALIASROUTE_BINDINGS_PYTHON_PYUTIL_H_

#include <Python.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace aliasroute_python {

namespace py = pybind11;

// A non-OK status on its way out of a binding. Safe to throw with or without
// the GIL; the translator runs once pybind11 holds it again.
class StatusError : public std::exception {
 public:
  explicit StatusError(absl::Status status) : status_(std::move(status)) {}
  const absl::Status& status() const { return status_; }
  const char* what() const noexcept override {
    return status_.message().data();
  }

 private:
  absl::Status status_;
};

// Throws StatusError for a non-OK status.
inline void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

// The value of `result`, or throws StatusError.
template <typename T>
T Unwrap(absl::StatusOr<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return *std::move(result);
}

// Creates the exception classes as attributes of `m` and registers the
// StatusError translator. Call once, from the module initializer.
void RegisterExceptions(py::module_& m);

// Sets the Python error for `status` (the class for its code, with .code and
// .lambda_error attributes). REQUIRES: !status.ok(), GIL held.
void SetPythonError(const absl::Status& status);

// ---- Protocol buffers ----------------------------------------------------

// True when `obj` is bytes, bytearray or another object with the buffer
// protocol (memoryview, ...).
bool IsBytesLike(py::handle obj);

// True when `obj` is a Python protobuf message whose type is `descriptor`'s
// (compared by full name).
bool IsMessageOf(py::handle obj, const google::protobuf::Descriptor* descriptor);

// The serialized form of `obj`: the bytes themselves, or the message's
// SerializeToString(). Throws py::type_error naming the expected type
// otherwise.
std::string MessageBytes(py::handle obj,
                         const google::protobuf::Descriptor* descriptor);

// Parses `bytes` into `out`. Throws StatusError (kInvalidArgument naming the
// type) when they are not a valid serialization. Does not need the GIL.
void ParseMessage(const std::string& bytes, google::protobuf::Message* out);

// A new Python instance of the generated class for `message`'s type holding
// a copy of it. Raises ImportError with a hint when protobuf is missing.
py::object ToPython(const google::protobuf::Message& message);

// Raises ImportError (with the same hint as ToPython) unless the generated
// modules import. Mutating calls that return a message call it first, so
// that a missing protobuf package fails the call before it changes anything.
void RequireProtobuf();

// ---- Other conversions ---------------------------------------------------

// None -> nullopt; an int or float of seconds since the Unix epoch; a
// datetime.datetime (naive means UTC, as protobuf's Timestamp.FromDatetime);
// or a google.protobuf.Timestamp. Throws py::type_error otherwise.
std::optional<absl::Time> ToTime(py::handle obj);

// "str" / "bytes" / ... for error messages.
std::string TypeName(py::handle obj);

}  // namespace aliasroute_python

namespace pybind11 {
namespace detail {

// Any generated C++ message <-> its Python class (or bytes on the way in).
template <typename T>
struct type_caster<
    T, enable_if_t<std::is_base_of<google::protobuf::Message, T>::value>> {
 public:
  PYBIND11_TYPE_CASTER(T, const_name("Message"));

  bool load(handle src, bool /*convert*/) {
    const google::protobuf::Descriptor* d = T::descriptor();
    if (!src) return false;
    // MessageBytes raises TypeError naming the expected message type for
    // anything else (a message of another type, an int, ...).
    std::string bytes = aliasroute_python::MessageBytes(src, d);
    aliasroute_python::ParseMessage(bytes, &value);
    return true;
  }

  static handle cast(const T& message, return_value_policy, handle) {
    return aliasroute_python::ToPython(message).release();
  }
};

// absl::string_view parameters: str (UTF-8, cached by the str object) or
// bytes. The view is valid for the duration of the call.
template <>
struct type_caster<absl::string_view> {
 public:
  PYBIND11_TYPE_CASTER(absl::string_view, const_name("str | bytes"));

  bool load(handle src, bool /*convert*/) {
    if (!src) return false;
    if (PyUnicode_Check(src.ptr())) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(src.ptr(), &size);
      if (data == nullptr) throw error_already_set();
      value = absl::string_view(data, static_cast<size_t>(size));
      return true;
    }
    if (PyBytes_Check(src.ptr())) {
      value = absl::string_view(PyBytes_AS_STRING(src.ptr()),
                                static_cast<size_t>(PyBytes_GET_SIZE(src.ptr())));
      return true;
    }
    return false;
  }

  static handle cast(absl::string_view s, return_value_policy, handle) {
    return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                "surrogateescape");
  }
};

}  // namespace detail
}  // namespace pybind11

#endif  // ALIASROUTE_BINDINGS_PYTHON_PYUTIL_H_
