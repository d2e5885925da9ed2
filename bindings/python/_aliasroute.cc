// _aliasroute: the pybind11 extension behind `import aliasroute`.
//
// It binds the public C++ API of lib/ (arn, weights, layout, errors,
// registry, router, schedule, deployment, aws_json) one to one, with Python
// names (snake_case functions and methods, CamelCase classes). The package
// aliasroute/__init__.py re-exports everything and documents the error table;
// aliasroute/_aliasroute.pyi is the checked-in signature of this module
// (tests/python/stubs_test.py keeps the two in step).
//
// Rules the bindings follow:
//   - Messages cross by value (pyutil.h): arguments accept a message of the
//     exact type or its serialized bytes; results are new Python messages.
//     Properties that return a message return a copy: assign to change it.
//   - Every failed call raises the aliasroute.Error subclass of its status
//     code, with the C++ message (pyutil.h, RegisterExceptions).
//   - The GIL is released around snapshot restore/publish/create and around
//     bulk routing (large inputs), never while touching Python objects.
//
// Example (Python):
//   import aliasroute
//   router = aliasroute.Router(registry.snapshot())
//   live = router.resolve("checkout:live")
//   router.route(live, "user-42")            # "2"
//   router.route_many(live, ["a", "b", "c"])  # ["1", "1", "2"]

#include <Python.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bindings/python/pyutil.h"
#include "lib/arn.h"
#include "lib/aws_json.h"
#include "lib/deployment.h"
#include "lib/deployment_driver.h"
#include "lib/errors.h"
#include "lib/layout.h"
#include "lib/registry.h"
#include "lib/router.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/arn.pb.h"
#include "proto/deployment.pb.h"
#include "proto/registry.pb.h"
#include "proto/traffic.pb.h"

namespace aliasroute_python {
namespace {

namespace ar = ::aliasroute;
namespace v1 = ::aliasroute::v1;
using py::arg;

// Bulk calls release the GIL only when the batch is large enough to pay for
// the release and re-acquire.
constexpr size_t kReleaseGilThreshold = 256;

// ---- arn -------------------------------------------------------------------

// An owning FunctionRef: the C++ FunctionRef holds views, so Python keeps the
// parts in a v1::Arn.
struct PyFunctionRef {
  v1::Arn arn;

  ar::FunctionRef View() const {
    // Every PyFunctionRef came from a validated parse, so this succeeds.
    return Unwrap(ar::FunctionRefFromProto(arn));
  }
};

PyFunctionRef MakeRef(const ar::FunctionRef& ref) {
  return PyFunctionRef{ar::FunctionRefToProto(ref)};
}

// ---- router ----------------------------------------------------------------

// A Router plus a cache of the Python strings it returns, so a route call
// does not allocate a new str for "1" every time. The cache is touched only
// with the GIL held.
struct PyRouter {
  std::unique_ptr<ar::Router> router;
  std::vector<py::object> version_strs;

  static constexpr uint64_t kCachedVersions = 4096;

  py::object VersionStr(uint64_t number) {
    if (number < kCachedVersions) {
      if (number >= version_strs.size()) version_strs.resize(number + 1);
      py::object& s = version_strs[number];
      if (!s) s = py::str(ar::ExecutedVersion::Published(number).ToString());
      return s;
    }
    return py::str(ar::ExecutedVersion::Published(number).ToString());
  }
};

// Parses a RegistrySnapshot from a message or bytes: serialization under the
// GIL, parsing without it.
v1::RegistrySnapshot SnapshotFrom(py::handle obj) {
  std::string bytes = MessageBytes(obj, v1::RegistrySnapshot::descriptor());
  v1::RegistrySnapshot snapshot;
  {
    py::gil_scoped_release release;
    ParseMessage(bytes, &snapshot);
  }
  return snapshot;
}

// The keys of a bulk call as views. `holder` keeps every key object alive
// (a tuple copy, so another thread mutating the caller's list cannot free
// one while the GIL is released).
std::vector<absl::string_view> KeyViews(py::handle keys, py::object* holder) {
  PyObject* tuple = PySequence_Tuple(keys.ptr());
  if (tuple == nullptr) throw py::error_already_set();
  *holder = py::reinterpret_steal<py::object>(tuple);
  Py_ssize_t n = PyTuple_GET_SIZE(tuple);
  std::vector<absl::string_view> views(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PyTuple_GET_ITEM(tuple, i);
    if (PyUnicode_CheckExact(item) && PyUnicode_IS_COMPACT_ASCII(item)) {
      // ASCII str: its characters are its UTF-8 bytes, stored inline.
      views[i] = absl::string_view(static_cast<const char*>(PyUnicode_DATA(item)),
                                   static_cast<size_t>(PyUnicode_GET_LENGTH(item)));
    } else if (PyUnicode_Check(item)) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(item, &size);
      if (data == nullptr) throw py::error_already_set();
      views[i] = absl::string_view(data, static_cast<size_t>(size));
    } else if (PyBytes_Check(item)) {
      views[i] = absl::string_view(PyBytes_AS_STRING(item),
                                   static_cast<size_t>(PyBytes_GET_SIZE(item)));
    } else {
      throw py::type_error(absl::StrCat("keys[", i, "] must be str or bytes, got ",
                                        TypeName(item)));
    }
  }
  return views;
}

// Routes every view; on the first failure returns its status prefixed with
// the index. Needs no GIL.
absl::Status RouteViews(const ar::Router& router, const ar::RouteHandle& handle,
                        const std::vector<absl::string_view>& keys,
                        std::vector<uint64_t>* out) {
  out->resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<ar::ExecutedVersion> v = router.Route(handle, keys[i]);
    if (!v.ok()) {
      return absl::Status(v.status().code(),
                          absl::StrCat("keys[", i, "]: ", v.status().message()));
    }
    (*out)[i] = v->number();
  }
  return absl::OkStatus();
}

// ---- deployment ------------------------------------------------------------

// A Deployment as Python sees it: either owned by this object, or a member of
// a DeploymentSet looked up by id on every call (so removing it from the set
// can never leave Python with a dangling pointer).
struct PyDeploymentSet {
  std::shared_ptr<ar::DeploymentSet> set = std::make_shared<ar::DeploymentSet>();
};

struct PyDeployment {
  std::optional<ar::Deployment> owned;
  std::shared_ptr<ar::DeploymentSet> set;
  std::string id;

  ar::Deployment& Get() {
    if (owned.has_value()) return *owned;
    ar::Deployment* d = set->Find(id);
    if (d == nullptr) {
      throw StatusError(ar::ResourceNotFound(absl::StrCat(
          "deployment \"", id, "\" is no longer in its DeploymentSet")));
    }
    return *d;
  }
};

PyDeployment Owned(ar::Deployment d) {
  PyDeployment p;
  p.owned.emplace(std::move(d));
  return p;
}

// A DeploymentDriver plus references to the Python Registry and Router it
// points at, so they outlive it.
struct PyDeploymentDriver {
  py::object registry_ref;
  py::object router_ref;
  std::optional<ar::DeploymentDriver> driver;
};

// ---- registry --------------------------------------------------------------

std::vector<ar::VersionShare> SharesFrom(py::handle obj) {
  std::vector<ar::VersionShare> shares;
  if (py::hasattr(obj, "items") && !py::isinstance<py::str>(obj)) {
    for (py::handle item : obj.attr("items")()) {
      py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
      shares.push_back(ar::VersionShare{kv[0].cast<std::string>(),
                                        kv[1].cast<uint32_t>()});
    }
    return shares;
  }
  for (py::handle item : obj) {
    if (py::isinstance<ar::VersionShare>(item)) {
      shares.push_back(item.cast<ar::VersionShare>());
    } else {
      py::tuple kv = py::tuple(py::reinterpret_borrow<py::object>(item));
      if (kv.size() != 2) {
        throw py::type_error(
            "additional versions must be VersionShare or (version, "
            "weight_ppb) pairs");
      }
      shares.push_back(ar::VersionShare{kv[0].cast<std::string>(),
                                        kv[1].cast<uint32_t>()});
    }
  }
  return shares;
}

std::string Repr(const ar::VersionShare& s) {
  return absl::StrCat("VersionShare(version='", s.version,
                      "', weight_ppb=", s.weight_ppb, ")");
}

void CheckSegment(const ar::Schedule& s, int segment) {
  if (segment < 0 || segment >= s.segment_count()) {
    throw py::index_error(absl::StrCat("segment ", segment,
                                       " is out of range: the schedule has ",
                                       s.segment_count(), " segment(s)"));
  }
}

}  // namespace
}  // namespace aliasroute_python

using namespace aliasroute_python;  // NOLINT: the module body below.
using pybind11::arg;

PYBIND11_MODULE(_aliasroute, m) {
  m.doc() =
      "Private extension of the aliasroute package; import aliasroute "
      "instead (same names, documented there).";

  RegisterExceptions(m);

  m.def(
      "raise_for_status",
      [](const std::string& code, const std::string& message) {
        absl::StatusCode c = absl::StatusCode::kUnknown;
        bool found = false;
        for (int i = 0; i <= 16; ++i) {
          auto candidate = static_cast<absl::StatusCode>(i);
          if (absl::StatusCodeToString(candidate) == code) {
            c = candidate;
            found = true;
            break;
          }
        }
        if (!found) {
          throw StatusError(absl::InvalidArgumentError(absl::StrCat(
              "code must be an absl::StatusCode name such as NOT_FOUND, got \"",
              code, "\"")));
        }
        if (c == absl::StatusCode::kOk) return;
        throw StatusError(absl::Status(c, message));
      },
      arg("code"), arg("message"),
      "Raises the exception aliasroute maps the absl::StatusCode named `code` "
      "(e.g. 'NOT_FOUND') to, with `message`; returns None for 'OK'. For "
      "testing error handlers. InvalidParameterValueError for an unknown "
      "code name.");

  m.def(
      "lambda_error_name",
      [](const std::string& code) -> std::string {
        for (int i = 0; i <= 16; ++i) {
          auto c = static_cast<absl::StatusCode>(i);
          if (absl::StatusCodeToString(c) == code) {
            return std::string(ar::LambdaErrorName(absl::Status(c, "x")));
          }
        }
        throw StatusError(absl::InvalidArgumentError(absl::StrCat(
            "code must be an absl::StatusCode name such as NOT_FOUND, got \"",
            code, "\"")));
      },
      arg("code"),
      "The Lambda exception name for an absl::StatusCode name: "
      "'NOT_FOUND' -> 'ResourceNotFoundException', 'OK' -> 'OK', codes "
      "outside the table -> 'ServiceException'.");

  // ---- weights -------------------------------------------------------------
  m.attr("WEIGHT_SCALE") = ar::kWeightScale;
  m.def(
      "weight_from_double",
      [](double value, absl::string_view field) {
        return Unwrap(ar::WeightFromDouble(value, field));
      },
      arg("value"), arg("field") = "weight",
      "An AWS weight (float in [0.0, 1.0]) in parts per billion, rounded to "
      "the nearest ppb. InvalidParameterValueError naming `field` for NaN, "
      "infinities, negative values and values over 1.0.");
  m.def("weight_to_double", &ar::WeightToDouble, arg("ppb"),
        "Parts per billion to the AWS float; exact inverse of "
        "weight_from_double.");
  m.def(
      "weight_from_percent",
      [](int64_t percent, absl::string_view field) {
        return Unwrap(ar::WeightFromPercent(percent, field));
      },
      arg("percent"), arg("field") = "weight",
      "Whole percent (0..100) in ppb; InvalidParameterValueError above 100.");
  m.def(
      "sum_weights",
      [](const std::vector<uint32_t>& weights, absl::string_view field) {
        return Unwrap(ar::SumWeights(weights, field));
      },
      arg("weights"), arg("field") = "weights",
      "Sum of ppb weights; InvalidParameterValueError naming `field` when it "
      "exceeds WEIGHT_SCALE.");
  m.def("format_weight", &ar::FormatWeight, arg("ppb"),
        "Human form without trailing zeros: '0%', '12.5%', '100%'.");
  m.def("routing_point", &ar::RoutingPoint, arg("hash"),
        "floor(hash * WEIGHT_SCALE / 2**64): the routing point of a 64-bit "
        "hash, in [0, WEIGHT_SCALE).");
  m.def("sticky_point", &ar::StickyPoint, arg("seed"), arg("key"),
        "The routing point of a sticky key (str as UTF-8, or bytes) for an "
        "alias whose routing_seed is `seed`: "
        "routing_point(XXH3_64bits_withSeed(key, seed)).");
  m.def("default_routing_seed", &ar::DefaultRoutingSeed, arg("function_name"),
        arg("alias_name"),
        "The routing seed the registry gives a new alias: XXH3_64bits of "
        "'FUNCTION:ALIAS'.");

  // ---- arn -----------------------------------------------------------------
  m.attr("MAX_FUNCTION_NAME_LENGTH") = ar::kMaxFunctionNameLength;
  m.attr("MAX_FUNCTION_REF_LENGTH") = ar::kMaxFunctionRefLength;
  m.attr("MAX_ALIAS_NAME_LENGTH") = ar::kMaxAliasNameLength;
  m.attr("MAX_QUALIFIER_LENGTH") = ar::kMaxQualifierLength;

  py::enum_<ar::QualifierKind>(m, "QualifierKind",
                               "What a qualifier names.")
      .value("NONE", ar::QualifierKind::kNone, "Unqualified: $LATEST.")
      .value("LATEST", ar::QualifierKind::kLatest, "'$LATEST'.")
      .value("VERSION", ar::QualifierKind::kVersion, "A version number.")
      .value("ALIAS", ar::QualifierKind::kAlias, "An alias name.");

  py::class_<PyFunctionRef>(
      m, "FunctionRef",
      "A parsed function name, partial or full ARN with an optional "
      "qualifier. An immutable value; thread-safe.")
      .def_static(
          "parse",
          [](absl::string_view text) {
            return MakeRef(Unwrap(ar::ParseFunctionRef(text)));
          },
          arg("text"),
          "Parses any of the three forms (see parse_function_ref).")
      .def_static(
          "from_proto",
          [](const v1::Arn& arn) {
            return MakeRef(Unwrap(ar::FunctionRefFromProto(arn)));
          },
          arg("arn"),
          "From an aliasroute.proto.arn_pb2.Arn (or its bytes), validated "
          "like parse().")
      .def("to_proto", [](const PyFunctionRef& r) { return r.arn; },
           "The parts as an aliasroute.proto.arn_pb2.Arn.")
      .def("format",
           [](const PyFunctionRef& r) {
             return ar::FormatFunctionRef(r.View());
           },
           "The text in the form it was parsed from.")
      .def("__str__",
           [](const PyFunctionRef& r) {
             return ar::FormatFunctionRef(r.View());
           })
      .def("__repr__",
           [](const PyFunctionRef& r) {
             return absl::StrCat("FunctionRef.parse('",
                                 ar::FormatFunctionRef(r.View()), "')");
           })
      .def("__eq__",
           [](const PyFunctionRef& a, const PyFunctionRef& b) {
             return a.arn.SerializeAsString() == b.arn.SerializeAsString();
           })
      .def("__hash__",
           [](const PyFunctionRef& r) {
             return py::hash(py::str(ar::FormatFunctionRef(r.View())));
           })
      .def_property_readonly(
          "form", [](const PyFunctionRef& r) { return static_cast<int>(r.arn.form()); },
          "arn_pb2.ArnForm value: ARN_FORM_NAME (1), ARN_FORM_PARTIAL (2) or "
          "ARN_FORM_FULL (3).")
      .def_property_readonly(
          "partition", [](const PyFunctionRef& r) { return r.arn.partition(); },
          "Partition ('aws', ...); '' unless the form is full.")
      .def_property_readonly(
          "region", [](const PyFunctionRef& r) { return r.arn.region(); },
          "Region; '' unless the form is full.")
      .def_property_readonly(
          "account_id", [](const PyFunctionRef& r) { return r.arn.account_id(); },
          "12-digit account id; '' for a bare name.")
      .def_property_readonly(
          "function_name",
          [](const PyFunctionRef& r) { return r.arn.function_name(); },
          "The function name; never empty.")
      .def_property_readonly(
          "qualifier", [](const PyFunctionRef& r) { return r.arn.qualifier(); },
          "The qualifier; '' when unqualified.")
      .def_property_readonly(
          "qualifier_kind",
          [](const PyFunctionRef& r) { return r.View().qualifier_kind(); },
          "QualifierKind of the qualifier.");

  m.def(
      "parse_function_ref",
      [](absl::string_view text) {
        return MakeRef(Unwrap(ar::ParseFunctionRef(text)));
      },
      arg("text"),
      "Parses 'name[:QUALIFIER]', 'ACCOUNT:function:name[:QUALIFIER]' or "
      "'arn:PARTITION:lambda:REGION:ACCOUNT:function:name[:QUALIFIER]' as the "
      "Lambda API accepts them. InvalidParameterValueError naming the part, "
      "the rule and the value.");
  m.def(
      "format_function_ref",
      [](const PyFunctionRef& r) { return ar::FormatFunctionRef(r.View()); },
      arg("ref"), "The text of `ref` in its form.");
  m.def(
      "function_arn",
      [](absl::string_view partition, absl::string_view region,
         absl::string_view account_id, absl::string_view function_name,
         absl::string_view qualifier) {
        return ar::FunctionArn(partition, region, account_id, function_name,
                               qualifier);
      },
      arg("partition"), arg("region"), arg("account_id"), arg("function_name"),
      arg("qualifier") = "",
      "The full ARN of a function (with ':qualifier' when non-empty). No "
      "validation.");
  m.def(
      "validate_function_name",
      [](absl::string_view s) { ThrowIfError(ar::ValidateFunctionName(s)); },
      arg("name"),
      "None when `name` is 1-64 of [a-zA-Z0-9-_]; else "
      "InvalidParameterValueError.");
  m.def(
      "validate_alias_name",
      [](absl::string_view s) { ThrowIfError(ar::ValidateAliasName(s)); },
      arg("name"),
      "None when `name` is 1-128 of [a-zA-Z0-9-_] and not all digits; else "
      "InvalidParameterValueError.");
  m.def(
      "validate_version_number",
      [](absl::string_view s) { ThrowIfError(ar::ValidateVersionNumber(s)); },
      arg("version"),
      "None for a published version number (1-19 digits, no leading zero, "
      ">= 1, < 2**63); else InvalidParameterValueError.");
  m.def(
      "validate_qualifier",
      [](absl::string_view s) { ThrowIfError(ar::ValidateQualifier(s)); },
      arg("qualifier"),
      "None for '$LATEST', a version number or an alias name; else "
      "InvalidParameterValueError.");
  m.def(
      "classify_qualifier",
      [](absl::string_view s) {
        if (!s.empty()) ThrowIfError(ar::ValidateQualifier(s));
        return ar::ClassifyQualifier(s);
      },
      arg("qualifier"),
      "QualifierKind of `qualifier` (NONE for ''). InvalidParameterValueError "
      "when it is not a valid qualifier.");

  // ---- layout --------------------------------------------------------------
  m.attr("MAX_LAYOUT_SEGMENTS") = ar::kMaxLayoutSegments;

  py::class_<ar::VersionShare>(m, "VersionShare",
                               "One version's share of an alias, in ppb. A "
                               "plain value; not thread-safe to mutate.")
      .def(py::init([](std::string version, uint32_t weight_ppb) {
             return ar::VersionShare{std::move(version), weight_ppb};
           }),
           arg("version"), arg("weight_ppb"))
      .def_readwrite("version", &ar::VersionShare::version,
                     "'$LATEST' or a version number.")
      .def_readwrite("weight_ppb", &ar::VersionShare::weight_ppb,
                     "Share in parts per billion.")
      .def("__eq__",
           [](const ar::VersionShare& a, const ar::VersionShare& b) {
             return a.version == b.version && a.weight_ppb == b.weight_ppb;
           })
      .def("__repr__", &Repr);

  m.def(
      "alias_shares",
      [](absl::string_view primary, const v1::RoutingConfig& config) {
        return Unwrap(ar::AliasShares(primary, config));
      },
      arg("primary"), arg("routing_config"),
      "Each additional version with its weight, then the primary with the "
      "remainder. InvalidParameterValueError for weights over 100 %, repeated "
      "or empty versions, or an additional version equal to the primary.");
  m.def(
      "canonical_layout",
      [](absl::string_view primary, const v1::RoutingConfig& config) {
        return Unwrap(ar::CanonicalLayout(primary, config));
      },
      arg("primary"), arg("routing_config"),
      "The canonical RoutingLayout of the weights (additional versions "
      "ascending from 0, then the primary).");
  m.def(
      "next_layout",
      [](const v1::RoutingLayout& previous, absl::string_view primary,
         const v1::RoutingConfig& config) {
        return Unwrap(ar::NextLayout(previous, primary, config));
      },
      arg("previous"), arg("primary"), arg("routing_config"),
      "The RoutingLayout after moving from `previous` to the new weights with "
      "the fewest keys moved.");
  m.def(
      "validate_layout_shape",
      [](const v1::RoutingLayout& layout) {
        ThrowIfError(ar::ValidateLayoutShape(layout));
      },
      arg("layout"),
      "None when the layout is well formed; else InvalidParameterValueError.");
  m.def(
      "validate_layout",
      [](const v1::RoutingLayout& layout, absl::string_view primary,
         const v1::RoutingConfig& config) {
        ThrowIfError(ar::ValidateLayout(layout, primary, config));
      },
      arg("layout"), arg("primary"), arg("routing_config"),
      "None when the layout gives every version exactly its share; else "
      "InvalidParameterValueError naming the version.");
  m.def(
      "version_at_point",
      [](const v1::RoutingLayout& layout, uint32_t point) {
        ThrowIfError(ar::ValidateLayoutShape(layout));
        if (point >= ar::kWeightScale) {
          throw StatusError(ar::InvalidParameterValue(absl::StrCat(
              "point must be below ", ar::kWeightScale, ", got ", point)));
        }
        return std::string(ar::VersionAtPoint(layout, point));
      },
      arg("layout"), arg("point"),
      "The version owning `point` in a well-formed layout. "
      "InvalidParameterValueError for a malformed layout or point >= "
      "WEIGHT_SCALE.");
  m.def(
      "version_less",
      [](absl::string_view a, absl::string_view b) {
        return ar::VersionLess(a, b);
      },
      arg("a"), arg("b"),
      "The library's version order: '$LATEST' first, then numbers by value.");

  // ---- registry ------------------------------------------------------------
  m.attr("LATEST_VERSION") = std::string(ar::kLatestVersion);
  m.attr("REGISTRY_SNAPSHOT_FORMAT_VERSION") = ar::kRegistrySnapshotFormatVersion;
  m.attr("DEFAULT_MAX_FUNCTIONS") = ar::kDefaultMaxFunctions;
  m.attr("DEFAULT_MAX_VERSIONS_PER_FUNCTION") = ar::kDefaultMaxVersionsPerFunction;
  m.attr("DEFAULT_MAX_ALIASES_PER_FUNCTION") = ar::kDefaultMaxAliasesPerFunction;
  m.attr("DEFAULT_MAX_ROUTING_VERSIONS") = ar::kDefaultMaxRoutingVersions;
  m.attr("MAX_ROUTING_VERSIONS_CAP") = ar::kMaxRoutingVersionsCap;
  m.attr("ROUTING_MODE_AWS_COMPATIBLE") =
      static_cast<int>(v1::ROUTING_MODE_AWS_COMPATIBLE);
  m.attr("ROUTING_MODE_EXTENDED") = static_cast<int>(v1::ROUTING_MODE_EXTENDED);

  py::class_<ar::RegistryOptions>(
      m, "RegistryOptions",
      "How a Registry is set up (routing mode, limits, location, revision "
      "seed). A plain value.")
      .def(py::init([](int routing_mode, uint32_t max_functions,
                       uint32_t max_versions_per_function,
                       uint32_t max_aliases_per_function,
                       uint32_t max_routing_versions, std::string partition,
                       std::string region, std::string account_id,
                       uint64_t revision_seed) {
             ar::RegistryOptions o;
             o.routing_mode = static_cast<v1::RoutingMode>(routing_mode);
             o.max_functions = max_functions;
             o.max_versions_per_function = max_versions_per_function;
             o.max_aliases_per_function = max_aliases_per_function;
             o.max_routing_versions = max_routing_versions;
             o.partition = std::move(partition);
             o.region = std::move(region);
             o.account_id = std::move(account_id);
             o.revision_seed = revision_seed;
             return o;
           }),
           py::kw_only(),
           arg("routing_mode") = static_cast<int>(v1::ROUTING_MODE_AWS_COMPATIBLE),
           arg("max_functions") = ar::kDefaultMaxFunctions,
           arg("max_versions_per_function") = ar::kDefaultMaxVersionsPerFunction,
           arg("max_aliases_per_function") = ar::kDefaultMaxAliasesPerFunction,
           arg("max_routing_versions") = ar::kDefaultMaxRoutingVersions,
           arg("partition") = "aws", arg("region") = "us-east-1",
           arg("account_id") = "123456789012", arg("revision_seed") = 0)
      .def_property(
          "routing_mode",
          [](const ar::RegistryOptions& o) { return static_cast<int>(o.routing_mode); },
          [](ar::RegistryOptions& o, int mode) {
            o.routing_mode = static_cast<v1::RoutingMode>(mode);
          },
          "ROUTING_MODE_AWS_COMPATIBLE (1) or ROUTING_MODE_EXTENDED (2).")
      .def_readwrite("max_functions", &ar::RegistryOptions::max_functions,
                     "Most functions; 0 = default.")
      .def_readwrite("max_versions_per_function",
                     &ar::RegistryOptions::max_versions_per_function,
                     "Most versions per function; 0 = default.")
      .def_readwrite("max_aliases_per_function",
                     &ar::RegistryOptions::max_aliases_per_function,
                     "Most aliases per function; 0 = default.")
      .def_readwrite("max_routing_versions",
                     &ar::RegistryOptions::max_routing_versions,
                     "Most additional versions per alias in extended mode.")
      .def_readwrite("partition", &ar::RegistryOptions::partition)
      .def_readwrite("region", &ar::RegistryOptions::region)
      .def_readwrite("account_id", &ar::RegistryOptions::account_id)
      .def_readwrite("revision_seed", &ar::RegistryOptions::revision_seed,
                     "Seed of the deterministic revision-id generator.")
      .def("__repr__", [](const ar::RegistryOptions& o) {
        return absl::StrCat(
            "RegistryOptions(routing_mode=", static_cast<int>(o.routing_mode),
            ", max_functions=", o.max_functions,
            ", max_versions_per_function=", o.max_versions_per_function,
            ", max_aliases_per_function=", o.max_aliases_per_function,
            ", max_routing_versions=", o.max_routing_versions,
            ", partition='", o.partition, "', region='", o.region,
            "', account_id='", o.account_id,
            "', revision_seed=", o.revision_seed, ")");
      });

  py::class_<ar::Registry>(
      m, "Registry",
      "Functions, $LATEST, published versions, aliases, revision ids and "
      "snapshots (lib/registry.h). Safe for concurrent use from multiple "
      "threads. Every failed call changes nothing.")
      .def(py::init([](std::optional<ar::RegistryOptions> options) {
             return Unwrap(ar::Registry::Create(
                 options.value_or(ar::RegistryOptions())));
           }),
           arg("options") = py::none(),
           "A new, empty registry. InvalidParameterValueError for malformed "
           "options.")
      .def_static(
          "from_snapshot",
          [](py::handle snapshot) {
            v1::RegistrySnapshot s = SnapshotFrom(snapshot);
            absl::StatusOr<std::unique_ptr<ar::Registry>> r;
            {
              py::gil_scoped_release release;
              r = ar::Registry::FromSnapshot(s);
            }
            return Unwrap(std::move(r));
          },
          arg("snapshot"),
          "A registry holding a RegistrySnapshot (message or bytes); "
          "InvalidParameterValueError when it is not valid. Releases the GIL.")
      .def(
          "create_function",
          [](ar::Registry& r, std::string function_name,
             std::optional<v1::FunctionConfiguration> configuration,
             bool publish, py::handle now) {
            RequireProtobuf();
            ar::CreateFunctionRequest req;
            req.function_name = std::move(function_name);
            if (configuration) req.configuration = *std::move(configuration);
            req.publish = publish;
            req.now = ToTime(now);
            return Unwrap(r.CreateFunction(req));
          },
          arg("function_name"), arg("configuration") = py::none(), py::kw_only(),
          arg("publish") = false, arg("now") = py::none(),
          "Creates a function whose $LATEST holds `configuration` "
          "(registry_pb2.FunctionConfiguration); with publish=True also "
          "version 1. Returns the registry_pb2.Function. ResourceExistsError "
          "when the name is taken, TooManyRequestsError at max_functions.")
      .def(
          "update_function_code",
          [](ar::Registry& r, std::string function_name, std::string code_sha256,
             uint64_t code_size_bytes,
             std::optional<std::vector<std::string>> architectures,
             std::string revision_id, bool publish, py::handle now) {
            RequireProtobuf();
            ar::UpdateFunctionCodeRequest req;
            req.function_name = std::move(function_name);
            req.code_sha256 = std::move(code_sha256);
            req.code_size_bytes = code_size_bytes;
            req.architectures = std::move(architectures);
            req.revision_id = std::move(revision_id);
            req.publish = publish;
            req.now = ToTime(now);
            return Unwrap(r.UpdateFunctionCode(req));
          },
          arg("function_name"), arg("code_sha256"), py::kw_only(),
          arg("code_size_bytes") = 0, arg("architectures") = py::none(),
          arg("revision_id") = "", arg("publish") = false,
          arg("now") = py::none(),
          "New code for $LATEST; returns $LATEST (or the new version with "
          "publish=True) as a registry_pb2.FunctionVersion. "
          "PreconditionFailedError for a stale revision_id.")
      .def(
          "update_function_configuration",
          [](ar::Registry& r, std::string function_name,
             std::optional<std::string> runtime,
             std::optional<std::string> handler,
             std::optional<uint32_t> memory_size_mb,
             std::optional<uint32_t> timeout_seconds,
             std::optional<std::string> role,
             std::optional<std::string> dead_letter_target_arn,
             std::optional<std::map<std::string, std::string>> environment,
             std::optional<std::string> description, std::string revision_id,
             py::handle now) {
            RequireProtobuf();
            ar::UpdateFunctionConfigurationRequest req;
            req.function_name = std::move(function_name);
            req.runtime = std::move(runtime);
            req.handler = std::move(handler);
            req.memory_size_mb = memory_size_mb;
            req.timeout_seconds = timeout_seconds;
            req.role = std::move(role);
            req.dead_letter_target_arn = std::move(dead_letter_target_arn);
            req.environment = std::move(environment);
            req.description = std::move(description);
            req.revision_id = std::move(revision_id);
            req.now = ToTime(now);
            return Unwrap(r.UpdateFunctionConfiguration(req));
          },
          arg("function_name"), py::kw_only(), arg("runtime") = py::none(),
          arg("handler") = py::none(), arg("memory_size_mb") = py::none(),
          arg("timeout_seconds") = py::none(), arg("role") = py::none(),
          arg("dead_letter_target_arn") = py::none(),
          arg("environment") = py::none(), arg("description") = py::none(),
          arg("revision_id") = "", arg("now") = py::none(),
          "Replaces the given configuration fields of $LATEST (None keeps a "
          "field). Returns $LATEST as a registry_pb2.FunctionVersion.")
      .def(
          "get_function",
          [](const ar::Registry& r, absl::string_view name) {
            return Unwrap(r.GetFunction(name));
          },
          arg("function_name"),
          "The whole registry_pb2.Function. ResourceNotFoundError when "
          "missing.")
      .def("list_functions", &ar::Registry::ListFunctions,
           "Names of all functions, ascending.")
      .def(
          "delete_function",
          [](ar::Registry& r, absl::string_view name,
             absl::string_view qualifier) {
            ThrowIfError(r.DeleteFunction(name, qualifier));
          },
          arg("function_name"), arg("qualifier") = "",
          "Deletes the function, or with a version number that version. "
          "ResourceInUseError when an alias routes to the version.")
      .def(
          "publish_version",
          [](ar::Registry& r, std::string function_name,
             std::string code_sha256, std::string revision_id,
             std::optional<std::string> description, py::handle now) {
            RequireProtobuf();
            ar::PublishVersionRequest req;
            req.function_name = std::move(function_name);
            req.code_sha256 = std::move(code_sha256);
            req.revision_id = std::move(revision_id);
            req.description = std::move(description);
            req.now = ToTime(now);
            return Unwrap(r.PublishVersion(req));
          },
          arg("function_name"), py::kw_only(), arg("code_sha256") = "",
          arg("revision_id") = "", arg("description") = py::none(),
          arg("now") = py::none(),
          "Publishes $LATEST as the next version (or returns the newest one "
          "when nothing changed). Returns the registry_pb2.FunctionVersion.")
      .def(
          "get_function_configuration",
          [](const ar::Registry& r, absl::string_view name,
             absl::string_view qualifier) {
            return Unwrap(r.GetFunctionConfiguration(name, qualifier));
          },
          arg("function_name"), arg("qualifier") = "",
          "The registry_pb2.FunctionVersion a qualifier ($LATEST, a version, "
          "an alias) resolves to.")
      .def(
          "list_versions_by_function",
          [](const ar::Registry& r, absl::string_view name) {
            return Unwrap(r.ListVersionsByFunction(name));
          },
          arg("function_name"),
          "$LATEST, then published versions ascending, as "
          "registry_pb2.FunctionVersion.")
      .def(
          "create_alias",
          [](ar::Registry& r, std::string function_name, std::string name,
             std::string function_version, std::string description,
             std::optional<v1::RoutingConfig> routing_config) {
            RequireProtobuf();
            ar::CreateAliasRequest req;
            req.function_name = std::move(function_name);
            req.name = std::move(name);
            req.function_version = std::move(function_version);
            req.description = std::move(description);
            if (routing_config) req.routing_config = *std::move(routing_config);
            return Unwrap(r.CreateAlias(req));
          },
          arg("function_name"), arg("name"), arg("function_version"),
          py::kw_only(), arg("description") = "",
          arg("routing_config") = py::none(),
          "Creates an alias; returns the registry_pb2.Alias with its revision "
          "id, layout and routing seed.")
      .def(
          "update_alias",
          [](ar::Registry& r, std::string function_name, std::string name,
             std::optional<std::string> function_version,
             std::optional<std::string> description,
             std::optional<v1::RoutingConfig> routing_config,
             std::string revision_id) {
            RequireProtobuf();
            ar::UpdateAliasRequest req;
            req.function_name = std::move(function_name);
            req.name = std::move(name);
            req.function_version = std::move(function_version);
            req.description = std::move(description);
            req.routing_config = std::move(routing_config);
            req.revision_id = std::move(revision_id);
            return Unwrap(r.UpdateAlias(req));
          },
          arg("function_name"), arg("name"), py::kw_only(),
          arg("function_version") = py::none(), arg("description") = py::none(),
          arg("routing_config") = py::none(), arg("revision_id") = "",
          "Updates the given fields of an alias (None keeps a field); the "
          "layout moves the fewest keys. PreconditionFailedError for a stale "
          "revision_id.")
      .def(
          "set_alias_routing",
          [](ar::Registry& r, absl::string_view function_name,
             absl::string_view alias_name, absl::string_view primary_version,
             py::handle additional, absl::string_view expected_revision_id) {
            RequireProtobuf();
            std::vector<ar::VersionShare> shares = SharesFrom(additional);
            return Unwrap(r.SetAliasRouting(function_name, alias_name,
                                            primary_version, shares,
                                            expected_revision_id));
          },
          arg("function_name"), arg("alias_name"), arg("primary_version"),
          arg("additional") = py::dict(), arg("expected_revision_id") = "",
          "Sets the primary version and the additional weights ({version: "
          "ppb}, or VersionShare / (version, ppb) items), replacing the "
          "routing config. Returns the registry_pb2.Alias.")
      .def(
          "get_alias",
          [](const ar::Registry& r, absl::string_view function_name,
             absl::string_view alias_name) {
            return Unwrap(r.GetAlias(function_name, alias_name));
          },
          arg("function_name"), arg("alias_name"),
          "The registry_pb2.Alias. ResourceNotFoundError when missing.")
      .def(
          "list_aliases",
          [](const ar::Registry& r, absl::string_view function_name,
             absl::string_view function_version) {
            return Unwrap(r.ListAliases(function_name, function_version));
          },
          arg("function_name"), arg("function_version") = "",
          "Aliases ascending by name; a non-empty function_version keeps the "
          "ones that route to it.")
      .def(
          "delete_alias",
          [](ar::Registry& r, absl::string_view function_name,
             absl::string_view alias_name) {
            ThrowIfError(r.DeleteAlias(function_name, alias_name));
          },
          arg("function_name"), arg("alias_name"),
          "Deletes the alias; a missing alias is not an error.")
      .def(
          "snapshot",
          [](const ar::Registry& r) { return *r.Snapshot(); },
          "The whole registry as a registry_pb2.RegistrySnapshot (a copy).")
      .def(
          "snapshot_bytes",
          [](const ar::Registry& r) {
            std::shared_ptr<const v1::RegistrySnapshot> s = r.Snapshot();
            std::string bytes;
            {
              py::gil_scoped_release release;
              bytes = s->SerializeAsString();
            }
            return py::bytes(bytes);
          },
          "The snapshot serialized; needs no protobuf package.")
      .def(
          "restore",
          [](ar::Registry& r, py::handle snapshot) {
            v1::RegistrySnapshot s = SnapshotFrom(snapshot);
            absl::Status status;
            {
              py::gil_scoped_release release;
              status = r.Restore(s);
            }
            ThrowIfError(status);
          },
          arg("snapshot"),
          "Replaces the whole state with a RegistrySnapshot (message or "
          "bytes) after validating it; InvalidParameterValueError and no "
          "change otherwise. Releases the GIL.")
      .def_property_readonly("options", &ar::Registry::options,
                             "The effective RegistryOptions.")
      .def(
          "arn",
          [](const ar::Registry& r, absl::string_view function_name,
             absl::string_view qualifier) {
            return r.Arn(function_name, qualifier);
          },
          arg("function_name"), arg("qualifier") = "",
          "The full ARN in this registry's partition/region/account.")
      .def_property_readonly("generation", &ar::Registry::generation,
                             "Increases by one on every successful change.");

  m.def(
      "validate_registry_snapshot",
      [](py::handle snapshot) {
        v1::RegistrySnapshot s = SnapshotFrom(snapshot);
        absl::Status status;
        {
          py::gil_scoped_release release;
          status = ar::ValidateRegistrySnapshot(s);
        }
        ThrowIfError(status);
      },
      arg("snapshot"),
      "None when the RegistrySnapshot (message or bytes) is a valid registry; "
      "else InvalidParameterValueError naming the place and the rule.");
  m.def(
      "validate_routing_config",
      [](const v1::RoutingConfig& config, absl::string_view primary, int mode,
         uint32_t max_routing_versions, bool require_sorted) {
        ThrowIfError(ar::ValidateRoutingConfig(
            config, primary, static_cast<v1::RoutingMode>(mode),
            max_routing_versions, require_sorted));
      },
      arg("routing_config"), arg("primary"),
      arg("mode") = static_cast<int>(v1::ROUTING_MODE_AWS_COMPATIBLE),
      arg("max_routing_versions") = ar::kDefaultMaxRoutingVersions,
      arg("require_sorted") = false,
      "None when `routing_config` is valid for an alias with primary "
      "`primary` in `mode`; else InvalidParameterValueError.");
  m.def("make_revision_id", &ar::MakeRevisionId, arg("seed"), arg("counter"),
        "The revision id the registry's generator issues for (seed, "
        "counter).");

  // ---- router --------------------------------------------------------------
  py::class_<ar::RouteHandle>(
      m, "RouteHandle",
      "What Router.resolve found: a function's $LATEST, a version or an "
      "alias of one Router. Survives table swaps. An immutable value.")
      .def(py::init<>(), "An invalid handle (routes with it raise).")
      .def_property_readonly("valid", &ar::RouteHandle::valid,
                             "False only for a default-constructed handle.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def("__repr__", [](const ar::RouteHandle& h) {
        return h.valid() ? std::string("<aliasroute.RouteHandle>")
                         : std::string("<aliasroute.RouteHandle (invalid)>");
      });

  py::class_<ar::RouterOptions>(m, "RouterOptions",
                                "Reclamation settings of a Router.")
      .def(py::init([](size_t reclaim_batch, size_t max_retired) {
             ar::RouterOptions o;
             o.reclaim_batch = reclaim_batch;
             o.max_retired = max_retired;
             return o;
           }),
           py::kw_only(), arg("reclaim_batch") = ar::RouterOptions().reclaim_batch,
           arg("max_retired") = ar::RouterOptions().max_retired)
      .def_readwrite("reclaim_batch", &ar::RouterOptions::reclaim_batch,
                     "Retired tables that trigger a reclamation attempt.")
      .def_readwrite("max_retired", &ar::RouterOptions::max_retired,
                     "Hard bound on retired-but-unfreed tables.");

  py::class_<ar::RouterStats>(m, "RouterStats", "Counters of a Router.")
      .def_readonly("publications", &ar::RouterStats::publications)
      .def_readonly("retired_pending", &ar::RouterStats::retired_pending)
      .def_readonly("max_retired_pending", &ar::RouterStats::max_retired_pending)
      .def_readonly("reclaimed", &ar::RouterStats::reclaimed)
      .def_readonly("writer_waits", &ar::RouterStats::writer_waits)
      .def_readonly("aliases", &ar::RouterStats::aliases)
      .def_readonly("functions", &ar::RouterStats::functions)
      .def_readonly("table_bytes", &ar::RouterStats::table_bytes)
      .def_readonly("generation", &ar::RouterStats::generation)
      .def_readonly("membarrier", &ar::RouterStats::membarrier,
                    "True when reclamation uses membarrier and readers a plain "
                    "store.");

  py::class_<PyRouter>(
      m, "Router",
      "The routing table and its hot path (lib/router.h). Safe for "
      "concurrent use from multiple threads: routes never block and see "
      "either the old or the new table of a concurrent publish. Results are "
      "version strings as Lambda reports ExecutedVersion: '$LATEST' or '7'.")
      .def(py::init([](py::handle snapshot,
                       std::optional<ar::RouterOptions> options) {
             auto r = std::make_unique<PyRouter>();
             ar::RouterOptions o = options.value_or(ar::RouterOptions());
             if (snapshot.is_none()) {
               r->router = std::make_unique<ar::Router>(o);
               return r;
             }
             v1::RegistrySnapshot s = SnapshotFrom(snapshot);
             absl::StatusOr<std::unique_ptr<ar::Router>> created;
             {
               py::gil_scoped_release release;
               created = ar::Router::Create(s, o);
             }
             r->router = Unwrap(std::move(created));
             return r;
           }),
           arg("snapshot") = py::none(), arg("options") = py::none(),
           "A router over a RegistrySnapshot (message or bytes), or an empty "
           "one. InvalidParameterValueError when the snapshot cannot be "
           "routed from. Releases the GIL while building.")
      .def_static(
          "validate",
          [](py::handle snapshot) {
            v1::RegistrySnapshot s = SnapshotFrom(snapshot);
            absl::Status status;
            {
              py::gil_scoped_release release;
              status = ar::Router::Validate(s);
            }
            ThrowIfError(status);
          },
          arg("snapshot"),
          "None when a router can be built from the snapshot; else "
          "InvalidParameterValueError.")
      .def(
          "publish",
          [](PyRouter& self, py::handle snapshot) {
            v1::RegistrySnapshot s = SnapshotFrom(snapshot);
            absl::Status status;
            {
              py::gil_scoped_release release;
              status = self.router->Publish(s);
            }
            ThrowIfError(status);
          },
          arg("snapshot"),
          "Atomically replaces the whole table. Releases the GIL.")
      .def(
          "update_alias",
          [](PyRouter& self, absl::string_view function_name,
             const v1::Alias& alias) {
            ThrowIfError(self.router->UpdateAlias(function_name, alias));
          },
          arg("function_name"), arg("alias"),
          "Creates or replaces one alias (registry_pb2.Alias) in the current "
          "table. ResourceNotFoundError when the function is not there.")
      .def(
          "remove_alias",
          [](PyRouter& self, absl::string_view function_name,
             absl::string_view alias_name) {
            ThrowIfError(self.router->RemoveAlias(function_name, alias_name));
          },
          arg("function_name"), arg("alias_name"),
          "Removes an alias. ResourceNotFoundError when it is not there.")
      .def(
          "resolve",
          [](const PyRouter& self, absl::string_view name) {
            return Unwrap(self.router->Resolve(name));
          },
          arg("name"),
          "A RouteHandle for a function name or ARN with optional qualifier. "
          "InvalidParameterValueError for a malformed name, "
          "ResourceNotFoundError when absent.")
      .def(
          "route",
          [](PyRouter& self, const ar::RouteHandle& handle,
             absl::string_view key) {
            return self.VersionStr(Unwrap(self.router->Route(handle, key)).number());
          },
          arg("handle"), arg("key"),
          "Sticky route: the version serving `key` (str as UTF-8, or bytes).")
      .def(
          "route_random",
          [](PyRouter& self, const ar::RouteHandle& handle) {
            return self.VersionStr(
                Unwrap(self.router->RouteRandom(handle)).number());
          },
          arg("handle"), "Random route (a per-thread generator).")
      .def(
          "route_with_point",
          [](PyRouter& self, const ar::RouteHandle& handle, uint32_t point) {
            return self.VersionStr(
                Unwrap(self.router->RouteWithPoint(handle, point)).number());
          },
          arg("handle"), arg("point"),
          "Route with a routing point in [0, WEIGHT_SCALE).")
      .def(
          "route_by_name",
          [](PyRouter& self, absl::string_view name, absl::string_view key) {
            return self.VersionStr(
                Unwrap(self.router->RouteByName(name, key)).number());
          },
          arg("name"), arg("key"), "resolve(name) and route(handle, key) in one.")
      .def(
          "route_many",
          [](PyRouter& self, const ar::RouteHandle& handle, py::handle keys) {
            py::object holder;
            std::vector<absl::string_view> views = KeyViews(keys, &holder);
            std::vector<uint64_t> numbers;
            absl::Status status;
            if (views.size() >= kReleaseGilThreshold) {
              py::gil_scoped_release release;
              status = RouteViews(*self.router, handle, views, &numbers);
            } else {
              status = RouteViews(*self.router, handle, views, &numbers);
            }
            ThrowIfError(status);
            py::list out(numbers.size());
            for (size_t i = 0; i < numbers.size(); ++i) {
              PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i),
                              self.VersionStr(numbers[i]).release().ptr());
            }
            return out;
          },
          arg("handle"), arg("keys"),
          "Sticky routes for a sequence of str/bytes keys, in one call; a "
          "list of version strings. Releases the GIL for large batches; each "
          "key sees the table current when it is routed.")
      .def(
          "route_buffer",
          [](PyRouter& self, const ar::RouteHandle& handle, py::buffer buffer,
             size_t key_size) {
            if (key_size == 0) {
              throw StatusError(ar::InvalidParameterValue(
                  "key_size must be at least 1, got 0"));
            }
            py::buffer_info info = buffer.request();
            if (info.ndim > 1 ||
                (info.ndim == 1 && info.strides[0] != info.itemsize)) {
              throw py::type_error("route_buffer needs a contiguous buffer");
            }
            size_t total = static_cast<size_t>(info.size * info.itemsize);
            if (total % key_size != 0) {
              throw StatusError(ar::InvalidParameterValue(absl::StrCat(
                  "buffer size ", total, " is not a multiple of key_size ",
                  key_size)));
            }
            const char* data = static_cast<const char*>(info.ptr);
            size_t n = total / key_size;
            std::vector<uint64_t> numbers(n);
            absl::Status status;
            {
              std::optional<py::gil_scoped_release> release;
              if (n >= kReleaseGilThreshold) release.emplace();
              for (size_t i = 0; i < n; ++i) {
                absl::StatusOr<ar::ExecutedVersion> v = self.router->Route(
                    handle, absl::string_view(data + i * key_size, key_size));
                if (!v.ok()) {
                  status = absl::Status(
                      v.status().code(),
                      absl::StrCat("key ", i, ": ", v.status().message()));
                  break;
                }
                numbers[i] = v->number();
              }
            }
            ThrowIfError(status);
            py::object array = py::module_::import("array").attr("array")("Q");
            array.attr("frombytes")(py::bytes(
                reinterpret_cast<const char*>(numbers.data()), n * sizeof(uint64_t)));
            return array;
          },
          arg("handle"), arg("buffer"), arg("key_size"),
          "Sticky routes for the fixed-width keys packed in a bytes-like "
          "buffer (key i is bytes [i*key_size, (i+1)*key_size)); an "
          "array.array('Q') of version numbers, 0 meaning $LATEST. Releases "
          "the GIL for large batches.")
      .def(
          "stats",
          [](const PyRouter& self) { return self.router->stats(); },
          "RouterStats counters (takes the writer lock).");

  // ---- schedule ------------------------------------------------------------
  m.attr("MILLIS_PER_MINUTE") = ar::kMillisPerMinute;
  m.attr("MAX_SHIFT_SPAN_MINUTES") = ar::kMaxShiftSpanMinutes;
  m.attr("MAX_INCREMENT_PERCENT") = ar::kMaxIncrementPercent;
  m.attr("MAX_STEPS") = ar::kMaxSteps;
  m.attr("MAX_STEP_LIST_DURATION_MS") = ar::kMaxStepListDurationMs;
  m.attr("CODE_DEPLOY_DEFAULT_PREFIX") = std::string(ar::kCodeDeployDefaultPrefix);

  m.def(
      "predefined_traffic_routing_config",
      [](absl::string_view name) {
        return Unwrap(ar::PredefinedTrafficRoutingConfig(name));
      },
      arg("name"),
      "The predefined CodeDeploy Lambda config (short or "
      "'CodeDeployDefault.' name) as a traffic_pb2.TrafficRoutingConfig. "
      "ResourceNotFoundError for an unknown name.");
  m.def("predefined_traffic_routing_config_names",
        &ar::PredefinedTrafficRoutingConfigNames,
        "Full names of the nine predefined Lambda configs.");
  m.def(
      "validate_traffic_routing_config",
      [](const v1::TrafficRoutingConfig& c) {
        ThrowIfError(ar::ValidateTrafficRoutingConfig(c));
      },
      arg("config"),
      "None when Schedule(config) would succeed; else its error.");

  py::class_<ar::ScheduleChange>(m, "ScheduleChange",
                                 "One timeline entry: from at_ms on, the "
                                 "target's weight is weight_ppb.")
      .def(py::init([](int64_t at_ms, uint32_t weight_ppb) {
             return ar::ScheduleChange{at_ms, weight_ppb};
           }),
           arg("at_ms"), arg("weight_ppb"))
      .def_readwrite("at_ms", &ar::ScheduleChange::at_ms,
                     "Milliseconds since the segment began.")
      .def_readwrite("weight_ppb", &ar::ScheduleChange::weight_ppb,
                     "Parts per billion.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def("__repr__", [](const ar::ScheduleChange& c) {
        return absl::StrCat("ScheduleChange(at_ms=", c.at_ms,
                            ", weight_ppb=", c.weight_ppb, ")");
      });

  py::class_<ar::Schedule>(
      m, "Schedule",
      "A deterministic traffic-shift calculator (lib/schedule.h): the "
      "target's weight t ms after a segment began. Immutable; thread-safe. "
      "Segment arguments out of range raise IndexError.")
      .def(py::init([](py::handle config) {
             if (py::isinstance<py::str>(config)) {
               return Unwrap(ar::Schedule::Create(Unwrap(
                   ar::PredefinedTrafficRoutingConfig(config.cast<std::string>()))));
             }
             v1::TrafficRoutingConfig c;
             ParseMessage(MessageBytes(config, v1::TrafficRoutingConfig::descriptor()),
                          &c);
             return Unwrap(ar::Schedule::Create(c));
           }),
           arg("config"),
           "From a traffic_pb2.TrafficRoutingConfig (or its bytes) or a "
           "predefined config name. InvalidParameterValueError / "
           "ResourceNotFoundError as Schedule::Create.")
      .def_property_readonly("config", &ar::Schedule::config,
                             "The TrafficRoutingConfig it was built from.")
      .def_property_readonly("segment_count", &ar::Schedule::segment_count,
                             "1 + the number of pauses.")
      .def(
          "ends_in_pause",
          [](const ar::Schedule& s, int segment) {
            CheckSegment(s, segment);
            return s.EndsInPause(segment);
          },
          arg("segment"), "True when `segment` ends in a pause.")
      .def_property_readonly("final_weight", &ar::Schedule::final_weight,
                             "The weight the schedule ends at, ppb.")
      .def(
          "weight_at",
          [](const ar::Schedule& s, int64_t t_ms, int segment) {
            CheckSegment(s, segment);
            return s.WeightAt(t_ms, segment);
          },
          arg("t_ms"), arg("segment") = 0,
          "The target's weight (ppb) t_ms after `segment` began.")
      .def(
          "next_change_after",
          [](const ar::Schedule& s, int64_t t_ms, int segment) {
            CheckSegment(s, segment);
            return s.NextChangeAfter(t_ms, segment);
          },
          arg("t_ms"), arg("segment") = 0,
          "Offset of the first change strictly after t_ms, or None.")
      .def(
          "timeline",
          [](const ar::Schedule& s, int segment) {
            CheckSegment(s, segment);
            return s.Timeline(segment);
          },
          arg("segment") = 0, "The segment's ScheduleChange list.")
      .def(
          "segment_duration",
          [](const ar::Schedule& s, int segment) {
            CheckSegment(s, segment);
            return s.SegmentDuration(segment);
          },
          arg("segment"), "How long `segment` runs before it ends, ms.")
      .def_property_readonly("total_duration", &ar::Schedule::TotalDuration,
                             "Sum of all segment durations, ms.")
      .def(
          "time_to_reach",
          [](const ar::Schedule& s, uint32_t weight_ppb, int segment) {
            CheckSegment(s, segment);
            return Unwrap(s.TimeToReach(weight_ppb, segment));
          },
          arg("weight_ppb"), arg("segment") = 0,
          "First offset in `segment` with weight >= weight_ppb. "
          "ResourceNotFoundError when never reached.");

  // ---- deployment ----------------------------------------------------------
  m.attr("MAX_EVENT_TIME_MS") = ar::kMaxEventTimeMs;
  m.attr("DEFAULT_HOOK_TIMEOUT_MS") = ar::kDefaultHookTimeoutMs;
  m.attr("MAX_ALARMS") = ar::kMaxAlarms;

  py::class_<ar::Decision>(
      m, "Decision",
      "What must be in force after a Deployment call. An immutable value.")
      .def_property_readonly(
          "state", [](const ar::Decision& d) { return static_cast<int>(d.state); },
          "deployment_pb2.DeploymentState value.")
      .def_property_readonly(
          "state_name",
          [](const ar::Decision& d) { return v1::DeploymentState_Name(d.state); },
          "The state's enum name, e.g. 'DEPLOYMENT_STATE_SHIFTING'.")
      .def_property_readonly(
          "error", [](const ar::Decision& d) { return static_cast<int>(d.error); },
          "deployment_pb2.DeploymentError value.")
      .def_property_readonly(
          "error_name",
          [](const ar::Decision& d) { return v1::DeploymentError_Name(d.error); },
          "The error's enum name, e.g. 'DEPLOYMENT_ERROR_NONE'.")
      .def_readonly("primary_version", &ar::Decision::primary_version,
                    "The alias's primary version that must be in force.")
      .def_property_readonly(
          "routing_config",
          [](const ar::Decision& d) { return d.routing_config; },
          "The registry_pb2.RoutingConfig that must be in force.")
      .def_readonly("target_weight_ppb", &ar::Decision::target_weight_ppb,
                    "Weight of the target version, ppb.")
      .def_readonly("routing_changed", &ar::Decision::routing_changed,
                    "The caller must update the alias.")
      .def_readonly("state_changed", &ar::Decision::state_changed,
                    "The state differs from before the call.")
      .def_readonly("next_change_ms", &ar::Decision::next_change_ms,
                    "Absolute time (ms) of the next scheduled change, or None.")
      .def("__repr__", [](const ar::Decision& d) {
        return absl::StrCat("Decision(state=", v1::DeploymentState_Name(d.state),
                            ", primary_version='", d.primary_version,
                            "', target_weight_ppb=", d.target_weight_ppb, ")");
      });

  m.def("start_event", &ar::StartEvent, arg("time_ms"),
        "A deployment_pb2.DeploymentEvent starting the deployment.");
  m.def("tick_event", &ar::TickEvent, arg("time_ms"),
        "A tick DeploymentEvent.");
  m.def(
      "hook_result_event",
      [](int64_t time_ms, int hook, bool succeeded) {
        return ar::HookResultEvent(time_ms, static_cast<v1::LifecycleHook>(hook),
                                   succeeded);
      },
      arg("time_ms"), arg("hook"), arg("succeeded"),
      "A hook-result DeploymentEvent; hook is a deployment_pb2.LifecycleHook "
      "value.");
  m.def(
      "alarm_event",
      [](int64_t time_ms, absl::string_view name) {
        return ar::AlarmEvent(time_ms, name);
      },
      arg("time_ms"), arg("alarm_name"), "An alarm DeploymentEvent.");
  m.def("stop_event", &ar::StopEvent, arg("time_ms"), "A stop DeploymentEvent.");
  m.def("resume_event", &ar::ResumeEvent, arg("time_ms"),
        "A resume DeploymentEvent.");
  m.def(
      "validate_deployment_spec",
      [](const v1::DeploymentSpec& spec) {
        ThrowIfError(ar::ValidateDeploymentSpec(spec));
      },
      arg("spec"), "None for a valid deployment_pb2.DeploymentSpec.");
  m.def(
      "check_deployment_against_function",
      [](const v1::DeploymentSpec& spec, const v1::Function& function) {
        ThrowIfError(ar::CheckDeploymentAgainstFunction(spec, function));
      },
      arg("spec"), arg("function"),
      "The checks CodeDeploy makes when a deployment starts: "
      "ResourceNotFoundError, ResourceInUseError.");

  py::class_<PyDeployment>(
      m, "Deployment",
      "One CodeDeploy-style traffic shift as a deterministic state machine "
      "(lib/deployment.h): events in, Decisions out. Thread-compatible: do "
      "not call it from two threads at once. A Deployment obtained from a "
      "DeploymentSet is a live view of the set's member.")
      .def(py::init([](const v1::DeploymentSpec& spec) {
             return Owned(Unwrap(ar::Deployment::Create(spec)));
           }),
           arg("spec"), "A deployment in state CREATED.")
      .def_static(
          "replay",
          [](const v1::DeploymentSpec& spec,
             const std::vector<v1::DeploymentEvent>& events) {
            return Owned(Unwrap(ar::Deployment::Replay(spec, events)));
          },
          arg("spec"), arg("events"),
          "Create(spec) then apply each event; the first refused event's "
          "error is prefixed with its index.")
      .def_static(
          "from_proto",
          [](const v1::Deployment& proto) {
            return Owned(Unwrap(ar::Deployment::FromProto(proto)));
          },
          arg("proto"),
          "Replays a deployment_pb2.Deployment record and checks its derived "
          "fields.")
      .def(
          "apply",
          [](PyDeployment& self, const v1::DeploymentEvent& event) {
            return Unwrap(self.Get().Apply(event));
          },
          arg("event"), "Applies one DeploymentEvent; returns the Decision.")
      .def(
          "tick",
          [](PyDeployment& self, int64_t now_ms) {
            return Unwrap(self.Get().Tick(now_ms));
          },
          arg("now_ms"),
          "Applies the transitions due by now_ms; True when state or routing "
          "changed.")
      .def_property_readonly(
          "decision",
          [](PyDeployment& self) { return self.Get().decision(); },
          "The Decision in force (a copy).")
      .def_property_readonly(
          "state",
          [](PyDeployment& self) { return static_cast<int>(self.Get().state()); },
          "deployment_pb2.DeploymentState value.")
      .def_property_readonly(
          "is_terminal", [](PyDeployment& self) { return self.Get().is_terminal(); },
          "SUCCEEDED, ROLLED_BACK or STOPPED.")
      .def_property_readonly(
          "is_active", [](PyDeployment& self) { return self.Get().is_active(); },
          "Not terminal.")
      .def_property_readonly(
          "spec", [](PyDeployment& self) { return self.Get().spec(); },
          "The deployment_pb2.DeploymentSpec.")
      .def_property_readonly(
          "schedule", [](PyDeployment& self) { return self.Get().schedule(); },
          "The Schedule.")
      .def_property_readonly(
          "events", [](PyDeployment& self) { return self.Get().events(); },
          "Accepted events, as a list of DeploymentEvent.")
      .def(
          "to_proto", [](PyDeployment& self) { return self.Get().ToProto(); },
          "The deployment_pb2.Deployment record.")
      .def(
          "copy", [](PyDeployment& self) { return Owned(self.Get()); },
          "An independent copy (not in any set).")
      .def("__copy__", [](PyDeployment& self) { return Owned(self.Get()); })
      .def("__deepcopy__",
           [](PyDeployment& self, py::handle) { return Owned(self.Get()); },
           arg("memo"));

  py::class_<PyDeploymentSet>(
      m, "DeploymentSet",
      "Deployments by id, at most one active per (function, alias). "
      "Thread-compatible.")
      .def(py::init<>())
      .def(
          "create",
          [](PyDeploymentSet& self, const v1::DeploymentSpec& spec) {
            ar::Deployment* d = Unwrap(self.set->Create(spec));
            PyDeployment p;
            p.set = self.set;
            p.id = d->spec().deployment_id();
            return p;
          },
          arg("spec"),
          "Creates a deployment in the set and returns a live view of it. "
          "ResourceExistsError for a taken id, ResourceInUseError when the "
          "alias has an active deployment.")
      .def(
          "find",
          [](PyDeploymentSet& self,
             absl::string_view id) -> std::optional<PyDeployment> {
            ar::Deployment* d = self.set->Find(id);
            if (d == nullptr) return std::nullopt;
            PyDeployment p;
            p.set = self.set;
            p.id = std::string(id);
            return p;
          },
          arg("deployment_id"), "The deployment with this id, or None.")
      .def(
          "find_active",
          [](PyDeploymentSet& self, absl::string_view function_name,
             absl::string_view alias_name) -> std::optional<PyDeployment> {
            ar::Deployment* d = self.set->FindActive(function_name, alias_name);
            if (d == nullptr) return std::nullopt;
            PyDeployment p;
            p.set = self.set;
            p.id = d->spec().deployment_id();
            return p;
          },
          arg("function_name"), arg("alias_name"),
          "The active deployment of (function, alias), or None.")
      .def(
          "remove",
          [](PyDeploymentSet& self, absl::string_view id) {
            ThrowIfError(self.set->Remove(id));
          },
          arg("deployment_id"),
          "Removes a terminal deployment. ResourceNotFoundError for an "
          "unknown id, ResourceInUseError while active.")
      .def("__len__", [](const PyDeploymentSet& self) { return self.set->size(); });

  py::class_<PyDeploymentDriver>(
      m, "DeploymentDriver",
      "Carries a Deployment's decisions into a Registry (guarded by the "
      "alias's revision id) and a Router (lib/deployment_driver.h). Keeps "
      "the Registry and Router alive. Thread-compatible.")
      .def_static(
          "attach",
          [](py::object registry, py::object router,
             const v1::DeploymentSpec& spec) {
            if (!py::isinstance<ar::Registry>(registry)) {
              throw py::type_error(absl::StrCat(
                  "registry must be an aliasroute.Registry, got ",
                  TypeName(registry)));
            }
            if (!router.is_none() && !py::isinstance<PyRouter>(router)) {
              throw py::type_error(absl::StrCat(
                  "router must be an aliasroute.Router or None, got ",
                  TypeName(router)));
            }
            ar::Registry* reg = registry.cast<ar::Registry*>();
            ar::Router* rt = nullptr;
            if (!router.is_none()) rt = router.cast<PyRouter&>().router.get();
            PyDeploymentDriver d;
            d.driver.emplace(Unwrap(ar::DeploymentDriver::Attach(reg, rt, spec)));
            d.registry_ref = std::move(registry);
            d.router_ref = std::move(router);
            return d;
          },
          arg("registry"), arg("router"), arg("spec"),
          "Checks the spec against the registry's function "
          "(check_deployment_against_function) and remembers the alias's "
          "revision id. `router` may be None.")
      .def(
          "sync",
          [](PyDeploymentDriver& self, const ar::Decision& decision) {
            RequireProtobuf();
            return Unwrap(self.driver->Sync(decision));
          },
          arg("decision"),
          "Makes the registry's alias (and the router's) carry the "
          "Decision's routing; returns the registry_pb2.Alias. "
          "PreconditionFailedError when someone else changed the alias.")
      .def_property_readonly(
          "revision_id",
          [](const PyDeploymentDriver& self) { return self.driver->revision_id(); },
          "The alias revision id the next write will require.");

  // ---- aws_json ------------------------------------------------------------
  m.attr("MAX_AWS_JSON_BYTES") = ar::kMaxAwsJsonBytes;
  m.attr("MAX_AWS_JSON_DEPTH") = ar::kMaxAwsJsonDepth;
  m.attr("MAX_AWS_JSON_VALUES") = ar::kMaxAwsJsonValues;

  py::class_<ar::AwsAlias>(
      m, "AwsAlias",
      "One Lambda AliasConfiguration (aws lambda get-alias). A plain value; "
      "`alias` returns a copy: assign to change it.")
      .def(py::init([](std::string alias_arn, std::string function_name,
                       std::optional<v1::Alias> alias) {
             ar::AwsAlias a;
             a.alias_arn = std::move(alias_arn);
             a.function_name = std::move(function_name);
             if (alias) a.alias = *std::move(alias);
             return a;
           }),
           py::kw_only(), arg("alias_arn") = "", arg("function_name") = "",
           arg("alias") = py::none())
      .def_static(
          "from_aws_json",
          [](absl::string_view json) { return Unwrap(ar::AliasFromAwsJson(json)); },
          arg("json"), "Reads get-alias output.")
      .def(
          "to_aws_json",
          [](const ar::AwsAlias& a) { return Unwrap(ar::AliasToAwsJson(a)); },
          "Writes an AliasConfiguration.")
      .def_readwrite("alias_arn", &ar::AwsAlias::alias_arn, "'AliasArn'.")
      .def_readwrite("function_name", &ar::AwsAlias::function_name,
                     "The function name from AliasArn.")
      .def_property(
          "alias", [](const ar::AwsAlias& a) { return a.alias; },
          [](ar::AwsAlias& a, const v1::Alias& alias) { a.alias = alias; },
          "The registry_pb2.Alias (a copy).");

  py::class_<ar::AwsAliasList>(m, "AwsAliasList",
                               "list-aliases output. A plain value.")
      .def(py::init([](std::vector<ar::AwsAlias> aliases, std::string next) {
             return ar::AwsAliasList{std::move(aliases), std::move(next)};
           }),
           py::kw_only(), arg("aliases") = std::vector<ar::AwsAlias>(),
           arg("next_marker") = "")
      .def_static(
          "from_aws_json",
          [](absl::string_view json) {
            return Unwrap(ar::ListAliasesFromAwsJson(json));
          },
          arg("json"), "Reads list-aliases output.")
      .def(
          "to_aws_json",
          [](const ar::AwsAliasList& l) {
            return Unwrap(ar::ListAliasesToAwsJson(l));
          },
          "Writes list-aliases output.")
      .def_readwrite("aliases", &ar::AwsAliasList::aliases,
                     "The aliases (a copy: assign to change).")
      .def_readwrite("next_marker", &ar::AwsAliasList::next_marker);

  py::class_<ar::AwsFunctionConfiguration>(
      m, "AwsFunctionConfiguration",
      "One Lambda FunctionConfiguration ($LATEST or a version). A plain "
      "value; message properties return copies.")
      .def(py::init([](std::string function_name, std::string function_arn,
                       std::string version,
                       std::optional<v1::FunctionConfiguration> configuration,
                       std::string revision_id,
                       std::optional<google::protobuf::Timestamp> last_modified) {
             ar::AwsFunctionConfiguration c;
             c.function_name = std::move(function_name);
             c.function_arn = std::move(function_arn);
             c.version = std::move(version);
             if (configuration) c.configuration = *std::move(configuration);
             c.revision_id = std::move(revision_id);
             c.last_modified = std::move(last_modified);
             return c;
           }),
           py::kw_only(), arg("function_name") = "", arg("function_arn") = "",
           arg("version") = "", arg("configuration") = py::none(),
           arg("revision_id") = "", arg("last_modified") = py::none())
      .def_static(
          "from_aws_json",
          [](absl::string_view json) {
            return Unwrap(ar::FunctionConfigurationFromAwsJson(json));
          },
          arg("json"), "Reads get-function-configuration output.")
      .def(
          "to_aws_json",
          [](const ar::AwsFunctionConfiguration& c) {
            return Unwrap(ar::FunctionConfigurationToAwsJson(c));
          },
          "Writes a FunctionConfiguration.")
      .def_readwrite("function_name", &ar::AwsFunctionConfiguration::function_name)
      .def_readwrite("function_arn", &ar::AwsFunctionConfiguration::function_arn)
      .def_readwrite("version", &ar::AwsFunctionConfiguration::version,
                     "'$LATEST' or a version number.")
      .def_property(
          "configuration",
          [](const ar::AwsFunctionConfiguration& c) { return c.configuration; },
          [](ar::AwsFunctionConfiguration& c,
             const v1::FunctionConfiguration& v) { c.configuration = v; },
          "The registry_pb2.FunctionConfiguration (a copy).")
      .def_readwrite("revision_id", &ar::AwsFunctionConfiguration::revision_id)
      .def_property(
          "last_modified",
          [](const ar::AwsFunctionConfiguration& c) { return c.last_modified; },
          [](ar::AwsFunctionConfiguration& c,
             std::optional<google::protobuf::Timestamp> t) {
            c.last_modified = std::move(t);
          },
          "google.protobuf.Timestamp or None.")
      .def_property_readonly("is_latest",
                             &ar::AwsFunctionConfiguration::is_latest,
                             "version == '$LATEST'.");

  py::class_<ar::AwsVersionList>(m, "AwsVersionList",
                                 "list-versions-by-function output.")
      .def(py::init([](std::vector<ar::AwsFunctionConfiguration> versions,
                       std::string next) {
             return ar::AwsVersionList{std::move(versions), std::move(next)};
           }),
           py::kw_only(),
           arg("versions") = std::vector<ar::AwsFunctionConfiguration>(),
           arg("next_marker") = "")
      .def_static(
          "from_aws_json",
          [](absl::string_view json) {
            return Unwrap(ar::ListVersionsFromAwsJson(json));
          },
          arg("json"), "Reads list-versions-by-function output.")
      .def(
          "to_aws_json",
          [](const ar::AwsVersionList& l) {
            return Unwrap(ar::ListVersionsToAwsJson(l));
          },
          "Writes list-versions-by-function output.")
      .def_readwrite("versions", &ar::AwsVersionList::versions,
                     "The versions (a copy: assign to change).")
      .def_readwrite("next_marker", &ar::AwsVersionList::next_marker);

  m.def(
      "alias_from_aws_json",
      [](absl::string_view json) { return Unwrap(ar::AliasFromAwsJson(json)); },
      arg("json"), "AwsAlias.from_aws_json.");
  m.def(
      "alias_to_aws_json",
      [](const ar::AwsAlias& a) { return Unwrap(ar::AliasToAwsJson(a)); },
      arg("alias"), "AwsAlias.to_aws_json.");
  m.def(
      "list_aliases_from_aws_json",
      [](absl::string_view json) {
        return Unwrap(ar::ListAliasesFromAwsJson(json));
      },
      arg("json"), "AwsAliasList.from_aws_json.");
  m.def(
      "list_aliases_to_aws_json",
      [](const ar::AwsAliasList& l) { return Unwrap(ar::ListAliasesToAwsJson(l)); },
      arg("aliases"), "AwsAliasList.to_aws_json.");
  m.def(
      "function_configuration_from_aws_json",
      [](absl::string_view json) {
        return Unwrap(ar::FunctionConfigurationFromAwsJson(json));
      },
      arg("json"), "AwsFunctionConfiguration.from_aws_json.");
  m.def(
      "function_configuration_to_aws_json",
      [](const ar::AwsFunctionConfiguration& c) {
        return Unwrap(ar::FunctionConfigurationToAwsJson(c));
      },
      arg("config"), "AwsFunctionConfiguration.to_aws_json.");
  m.def(
      "list_versions_from_aws_json",
      [](absl::string_view json) {
        return Unwrap(ar::ListVersionsFromAwsJson(json));
      },
      arg("json"), "AwsVersionList.from_aws_json.");
  m.def(
      "list_versions_to_aws_json",
      [](const ar::AwsVersionList& l) {
        return Unwrap(ar::ListVersionsToAwsJson(l));
      },
      arg("versions"), "AwsVersionList.to_aws_json.");
  m.def(
      "to_function_version",
      [](const ar::AwsFunctionConfiguration& c) {
        return Unwrap(ar::ToFunctionVersion(c));
      },
      arg("config"),
      "The registry_pb2.FunctionVersion a published FunctionConfiguration "
      "describes; InvalidParameterValueError for $LATEST.");
  m.def(
      "to_latest_state",
      [](const ar::AwsFunctionConfiguration& c) {
        return Unwrap(ar::ToLatestState(c));
      },
      arg("config"),
      "The registry_pb2.LatestState a $LATEST FunctionConfiguration "
      "describes; InvalidParameterValueError for a version.");
  m.def(
      "routing_config_from_aws_json",
      [](absl::string_view text) {
        return Unwrap(ar::RoutingConfigFromAwsJson(text));
      },
      arg("text"),
      "Reads --routing-config as JSON or CLI shorthand; a "
      "registry_pb2.RoutingConfig.");
  m.def(
      "routing_config_to_aws_json",
      [](const v1::RoutingConfig& c) {
        return Unwrap(ar::RoutingConfigToAwsJson(c));
      },
      arg("config"), "Writes {\"AdditionalVersionWeights\": {...}}.");
  m.def(
      "routing_config_to_aws_shorthand",
      [](const v1::RoutingConfig& c) {
        return Unwrap(ar::RoutingConfigToAwsShorthand(c));
      },
      arg("config"), "Writes 'AdditionalVersionWeights={2=0.05}'.");
  m.def(
      "traffic_routing_config_from_aws_json",
      [](absl::string_view text) {
        return Unwrap(ar::TrafficRoutingConfigFromAwsJson(text));
      },
      arg("text"),
      "Reads a CodeDeploy TrafficRoutingConfig (JSON, shorthand, or "
      "get-deployment-config output).");
  m.def(
      "traffic_routing_config_to_aws_json",
      [](const v1::TrafficRoutingConfig& c) {
        return Unwrap(ar::TrafficRoutingConfigToAwsJson(c));
      },
      arg("config"), "Writes the bare TrafficRoutingConfig object.");
  m.def(
      "deployment_config_to_aws_json",
      [](const v1::TrafficRoutingConfig& c) {
        return Unwrap(ar::DeploymentConfigToAwsJson(c));
      },
      arg("config"), "Writes get-deployment-config output.");
}
