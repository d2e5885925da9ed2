// Implementation of pyutil.h.

#include "bindings/python/pyutil.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/timestamp.pb.h"
#include "lib/errors.h"

namespace aliasroute_python {
namespace {

// The exception classes, created once by RegisterExceptions and kept for the
// life of the process (never released: they outlive the module object).
struct ExceptionTypes {
  PyObject* error = nullptr;
  PyObject* invalid_parameter_value = nullptr;
  PyObject* resource_not_found = nullptr;
  PyObject* resource_conflict = nullptr;
  PyObject* resource_exists = nullptr;
  PyObject* resource_in_use = nullptr;
  PyObject* precondition_failed = nullptr;
  PyObject* too_many_requests = nullptr;
};
ExceptionTypes g_types;

PyObject* NewException(py::module_& m, const char* name, const char* doc,
                       py::tuple bases) {
  std::string qualified = absl::StrCat("aliasroute.", name);
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc,
                                             bases.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  // The module attribute holds one reference; g_types keeps its own.
  m.add_object(name, py::reinterpret_borrow<py::object>(type));
  return type;
}

PyObject* TypeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return g_types.invalid_parameter_value;
    case absl::StatusCode::kNotFound:
      return g_types.resource_not_found;
    case absl::StatusCode::kAlreadyExists:
      return g_types.resource_exists;
    case absl::StatusCode::kFailedPrecondition:
      return g_types.resource_in_use;
    case absl::StatusCode::kAborted:
      return g_types.precondition_failed;
    case absl::StatusCode::kResourceExhausted:
      return g_types.too_many_requests;
    default:
      return g_types.error;
  }
}

// "proto/registry.proto" -> "aliasroute.proto.registry_pb2";
// "google/protobuf/timestamp.proto" -> "google.protobuf.timestamp_pb2".
std::string ModuleFor(const google::protobuf::FileDescriptor* file) {
  std::string name = file->name();
  if (absl::EndsWith(name, ".proto")) name.resize(name.size() - 6);
  std::string module;
  if (absl::StartsWith(name, "proto/")) {
    module = absl::StrCat("aliasroute.", name);
  } else {
    module = name;
  }
  for (char& c : module) {
    if (c == '/') c = '.';
  }
  return absl::StrCat(module, "_pb2");
}

py::object ImportMessageModule(const std::string& module_name,
                               const std::string& type_name) {
  try {
    return py::module_::import(module_name.c_str());
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_ImportError)) throw;
    std::string cause = py::str(e.value()).cast<std::string>();
    throw py::import_error(absl::StrCat(
        "aliasroute returns ", type_name, " as a ", module_name,
        " message, which needs the protobuf package (Debian: "
        "python3-protobuf; pip: the 'proto' extra): ", cause));
  }
}

}  // namespace

void RequireProtobuf() {
  static bool available = false;  // Guarded by the GIL.
  if (available) return;
  ImportMessageModule("aliasroute.proto.deployment_pb2", "a message");
  available = true;
}

void RegisterExceptions(py::module_& m) {
  py::object exception = py::reinterpret_borrow<py::object>(PyExc_Exception);
  py::object value_error = py::reinterpret_borrow<py::object>(PyExc_ValueError);
  py::object key_error = py::reinterpret_borrow<py::object>(PyExc_KeyError);

  g_types.error = NewException(
      m, "Error",
      "Base class of every error aliasroute raises for a failed call. "
      "str(e) is the C++ message; e.code is the absl::StatusCode name "
      "(e.g. 'NOT_FOUND') and e.lambda_error the Lambda exception name "
      "(e.g. 'ResourceNotFoundException').",
      py::make_tuple(exception));
  py::object error = py::reinterpret_borrow<py::object>(g_types.error);
  g_types.invalid_parameter_value = NewException(
      m, "InvalidParameterValueError",
      "InvalidParameterValueException (absl INVALID_ARGUMENT): a malformed "
      "name, ARN, weight, configuration or serialized message.",
      py::make_tuple(error, value_error));
  g_types.resource_not_found = NewException(
      m, "ResourceNotFoundError",
      "ResourceNotFoundException (absl NOT_FOUND): the function, version, "
      "alias, configuration or deployment does not exist.",
      py::make_tuple(error, key_error));
  // KeyError's __str__ repr-quotes its argument; show the message as is.
  py::module_::import("builtins")
      .attr("setattr")(py::reinterpret_borrow<py::object>(
                           g_types.resource_not_found),
                       "__str__",
                       py::module_::import("builtins")
                           .attr("BaseException")
                           .attr("__str__"));
  g_types.resource_conflict = NewException(
      m, "ResourceConflictError",
      "ResourceConflictException: the resource exists already "
      "(ResourceExistsError) or is in use (ResourceInUseError).",
      py::make_tuple(error));
  py::object conflict =
      py::reinterpret_borrow<py::object>(g_types.resource_conflict);
  g_types.resource_exists = NewException(
      m, "ResourceExistsError",
      "ResourceConflictException (absl ALREADY_EXISTS): the function, alias "
      "or deployment id is taken.",
      py::make_tuple(conflict));
  g_types.resource_in_use = NewException(
      m, "ResourceInUseError",
      "ResourceConflictException (absl FAILED_PRECONDITION): the resource is "
      "in use or in the wrong state (a version an alias routes to, an event "
      "the deployment's state does not allow).",
      py::make_tuple(conflict));
  g_types.precondition_failed = NewException(
      m, "PreconditionFailedError",
      "PreconditionFailedException (absl ABORTED): a stale revision id.",
      py::make_tuple(error));
  g_types.too_many_requests = NewException(
      m, "TooManyRequestsError",
      "TooManyRequestsException (absl RESOURCE_EXHAUSTED): a configured "
      "limit is reached.",
      py::make_tuple(error));

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      SetPythonError(e.status());
    }
  });
}

void SetPythonError(const absl::Status& status) {
  PyObject* type = TypeFor(status.code());
  py::str message(PyUnicode_DecodeUTF8(status.message().data(),
                                       static_cast<Py_ssize_t>(
                                           status.message().size()),
                                       "replace"));
  py::object instance =
      py::reinterpret_borrow<py::object>(type)(std::move(message));
  instance.attr("code") = py::str(absl::StatusCodeToString(status.code()));
  std::string lambda(aliasroute::LambdaErrorName(status));
  instance.attr("lambda_error") = py::str(lambda);
  PyErr_SetObject(type, instance.ptr());
}

bool IsBytesLike(py::handle obj) {
  return PyBytes_Check(obj.ptr()) || PyByteArray_Check(obj.ptr()) ||
         PyMemoryView_Check(obj.ptr());
}

bool IsMessageOf(py::handle obj,
                 const google::protobuf::Descriptor* descriptor) {
  if (PyType_Check(obj.ptr())) return false;
  PyObject* d = PyObject_GetAttrString(obj.ptr(), "DESCRIPTOR");
  if (d == nullptr) {
    PyErr_Clear();
    return false;
  }
  py::object desc = py::reinterpret_steal<py::object>(d);
  PyObject* full = PyObject_GetAttrString(desc.ptr(), "full_name");
  if (full == nullptr) {
    PyErr_Clear();
    return false;
  }
  py::object full_name = py::reinterpret_steal<py::object>(full);
  if (!PyUnicode_Check(full_name.ptr())) return false;
  if (full_name.cast<std::string>() != descriptor->full_name()) return false;
  return py::hasattr(obj, "SerializeToString");
}

std::string MessageBytes(py::handle obj,
                         const google::protobuf::Descriptor* descriptor) {
  if (PyBytes_Check(obj.ptr())) {
    return std::string(PyBytes_AS_STRING(obj.ptr()),
                       static_cast<size_t>(PyBytes_GET_SIZE(obj.ptr())));
  }
  if (IsBytesLike(obj)) {
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(obj).request();
    if (info.ndim > 1 || (info.ndim == 1 && info.strides[0] != info.itemsize)) {
      throw py::type_error("a serialized message must be a contiguous buffer");
    }
    return std::string(static_cast<const char*>(info.ptr),
                       static_cast<size_t>(info.size * info.itemsize));
  }
  if (IsMessageOf(obj, descriptor)) {
    py::object bytes = obj.attr("SerializeToString")();
    return bytes.cast<std::string>();
  }
  throw py::type_error(absl::StrCat("expected ", descriptor->full_name(),
                                    " (or its serialized bytes), got ",
                                    TypeName(obj)));
}

void ParseMessage(const std::string& bytes, google::protobuf::Message* out) {
  out->Clear();
  if (!out->ParseFromString(bytes)) {
    out->Clear();
    throw StatusError(absl::InvalidArgumentError(absl::StrCat(
        "cannot parse ", bytes.size(), " bytes as ",
        out->GetDescriptor()->full_name(),
        ": not a valid serialized message (truncated or corrupt)")));
  }
}

py::object ToPython(const google::protobuf::Message& message) {
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  std::string module_name = ModuleFor(d->file());
  py::object cls = ImportMessageModule(module_name, d->full_name());
  // Nested types: walk "Outer.Inner" below the package.
  std::string path = d->full_name();
  const std::string& package = d->file()->package();
  if (!package.empty()) path = path.substr(package.size() + 1);
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    cls = cls.attr(std::string(part).c_str());
  }
  std::string bytes = message.SerializeAsString();
  return cls.attr("FromString")(py::bytes(bytes));
}

std::optional<absl::Time> ToTime(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  if (PyBool_Check(obj.ptr())) {
    throw py::type_error("a time must be seconds, a datetime or a Timestamp, "
                         "not bool");
  }
  if (PyLong_Check(obj.ptr())) {
    return absl::FromUnixSeconds(obj.cast<int64_t>());
  }
  if (PyFloat_Check(obj.ptr())) {
    double seconds = obj.cast<double>();
    if (!std::isfinite(seconds)) {
      throw StatusError(absl::InvalidArgumentError(
          absl::StrCat("time must be finite, got ", seconds)));
    }
    return absl::UnixEpoch() + absl::Seconds(seconds);
  }
  py::module_ datetime = py::module_::import("datetime");
  if (py::isinstance(obj, datetime.attr("datetime"))) {
    py::object dt = py::reinterpret_borrow<py::object>(obj);
    py::object utc = datetime.attr("timezone").attr("utc");
    if (!dt.attr("tzinfo").is_none()) {
      dt = dt.attr("astimezone")(utc).attr("replace")(
          py::arg("tzinfo") = py::none());
    }
    py::object epoch = datetime.attr("datetime")(1970, 1, 1);
    py::object delta = dt - epoch;
    int64_t days = delta.attr("days").cast<int64_t>();
    int64_t secs = delta.attr("seconds").cast<int64_t>();
    int64_t micros = delta.attr("microseconds").cast<int64_t>();
    return absl::UnixEpoch() + absl::Hours(24 * days) + absl::Seconds(secs) +
           absl::Microseconds(micros);
  }
  if (IsMessageOf(obj, google::protobuf::Timestamp::descriptor())) {
    int64_t seconds = obj.attr("seconds").cast<int64_t>();
    int64_t nanos = obj.attr("nanos").cast<int64_t>();
    return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  }
  throw py::type_error(absl::StrCat(
      "a time must be None, seconds since the epoch (int or float), a "
      "datetime.datetime or a google.protobuf.Timestamp, got ",
      TypeName(obj)));
}

std::string TypeName(py::handle obj) {
  return py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>();
}

}  // namespace aliasroute_python
