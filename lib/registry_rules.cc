// The validation rules of the registry (lib/internal/registry_rules.h) and
// the public pure functions of lib/registry.h: ValidateRoutingConfig,
// ValidateRegistrySnapshot, MakeRevisionId.
//
// Sources for the rules, quoted in ../shared/notes/aws-semantics.md:
//   [CreateAlias] / [UpdateAlias]: Lambda API reference pages CreateAlias and
//     UpdateAlias, and the developer guide "Lambda function aliases"
//     (configuration-aliases.md): "You can point an alias to a maximum of two
//     Lambda function versions ... Both versions must have the same execution
//     role ... the same dead-letter queue configuration ... Both versions must
//     be published. The alias cannot point to $LATEST." Error messages as
//     recorded against real AWS (LocalStack snapshot
//     test_notfound_and_invalid_routingconfigs).
//   [AliasRoutingConfiguration]: AdditionalVersionWeights keys match [0-9]+,
//     values are doubles in [0.0, 1.0].
//   [FunctionConfiguration]: CreateFunction / UpdateFunctionConfiguration
//     parameter constraints (MemorySize 128-10240, Timeout >= 1 (900 max per
//     the quotas page), Description 0-256, Handler max 128, Role pattern,
//     Environment variable name pattern [a-zA-Z]([a-zA-Z0-9_])+ and 4 KB in
//     total, Architectures: one of x86_64 / arm64).

#include "lib/internal/registry_rules.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "lib/arn.h"
#include "lib/errors.h"
#include "lib/layout.h"
#include "lib/registry.h"
#include "lib/weights.h"
#include "xxhash.h"

namespace aliasroute_internal {

using ::aliasroute::InvalidParameterValue;
using ::aliasroute::kLatestVersion;
using ::aliasroute::ResourceNotFound;

namespace {

// Quotes a value for a message, escaping anything unprintable and cutting
// long values so a message stays short.
std::string Q(absl::string_view value) {
  constexpr size_t kMax = 80;
  if (value.size() <= kMax)
    return absl::StrCat("\"", absl::CHexEscape(value), "\"");
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMax)), "\"... (",
                      value.size(), " bytes)");
}

bool IsPrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= n) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
        (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

absl::Status Prefixed(absl::string_view where, const absl::Status& s) {
  if (s.ok() || where.empty()) return s;
  return absl::Status(s.code(), absl::StrCat(where, ": ", s.message()));
}

// [FunctionConfiguration] Role pattern:
// arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
bool IsRoleArn(absl::string_view s) {
  if (!absl::ConsumePrefix(&s, "arn:")) return false;
  size_t colon = s.find(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view partition = s.substr(0, colon);
  if (!partition.empty()) {
    if (!absl::StartsWith(partition, "aws")) return false;
    for (char c : partition.substr(3)) {
      if (!absl::ascii_isalpha(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
  }
  s.remove_prefix(colon + 1);
  if (!absl::ConsumePrefix(&s, "iam::")) return false;
  if (s.size() < 13 || !IsDigits(s.substr(0, 12)) || s[12] != ':') return false;
  s.remove_prefix(13);
  if (!absl::ConsumePrefix(&s, "role")) return false;
  absl::ConsumePrefix(&s, "/");
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::strchr("_+=,.@-/", c) == nullptr) {
      return false;
    }
  }
  return true;
}

// Environment variable names: [a-zA-Z]([a-zA-Z0-9_])+ (Lambda API
// reference, Environment.Variables key pattern).
bool IsEnvName(absl::string_view s) {
  if (s.size() < 2 || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s.substr(1)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

absl::Status ValidateLocation(absl::string_view partition,
                              absl::string_view region,
                              absl::string_view account_id) {
  if (partition.empty() || region.empty() || account_id.empty()) {
    return InvalidParameterValue(absl::StrCat(
        "registry location: partition, region and account id must all be "
        "set, got partition ",
        Q(partition), ", region ", Q(region), ", account id ", Q(account_id)));
  }
  const std::string arn =
      aliasroute::FunctionArn(partition, region, account_id, "x");
  absl::StatusOr<aliasroute::FunctionRef> ref =
      aliasroute::ParseFunctionRef(arn);
  if (!ref.ok()) {
    return InvalidParameterValue(
        absl::StrCat("registry location: ", ref.status().message()));
  }
  if (ref->partition != partition || ref->region != region ||
      ref->account_id != account_id || ref->function_name != "x") {
    return InvalidParameterValue(absl::StrCat(
        "registry location: partition ", Q(partition), ", region ", Q(region),
        " and account id ", Q(account_id), " do not form a valid ARN"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<aliasroute::RegistryOptions> EffectiveOptions(
    const aliasroute::RegistryOptions& options) {
  aliasroute::RegistryOptions out = options;
  switch (out.routing_mode) {
    case v1::ROUTING_MODE_UNSPECIFIED:
      out.routing_mode = v1::ROUTING_MODE_AWS_COMPATIBLE;
      break;
    case v1::ROUTING_MODE_AWS_COMPATIBLE:
    case v1::ROUTING_MODE_EXTENDED:
      break;
    default:
      return InvalidParameterValue(
          absl::StrCat("options.routing_mode: unknown routing mode ",
                       static_cast<int>(out.routing_mode)));
  }
  if (out.max_functions == 0)
    out.max_functions = aliasroute::kDefaultMaxFunctions;
  if (out.max_versions_per_function == 0) {
    out.max_versions_per_function = aliasroute::kDefaultMaxVersionsPerFunction;
  }
  if (out.max_aliases_per_function == 0) {
    out.max_aliases_per_function = aliasroute::kDefaultMaxAliasesPerFunction;
  }
  if (out.max_routing_versions == 0) {
    out.max_routing_versions = aliasroute::kDefaultMaxRoutingVersions;
  }
  if (out.max_routing_versions > aliasroute::kMaxRoutingVersionsCap) {
    return InvalidParameterValue(
        absl::StrCat("options.max_routing_versions must be at most ",
                     aliasroute::kMaxRoutingVersionsCap, ", got ",
                     out.max_routing_versions));
  }
  absl::Status s = ValidateLocation(out.partition, out.region, out.account_id);
  if (!s.ok()) return s;
  return out;
}

uint32_t RoutingLimit(const aliasroute::RegistryOptions& options) {
  return options.routing_mode == v1::ROUTING_MODE_EXTENDED
             ? options.max_routing_versions
             : 1;
}

absl::Status ValidateDescription(absl::string_view description,
                                 absl::string_view where) {
  if (description.size() > aliasroute::kMaxDescriptionBytes) {
    return InvalidParameterValue(absl::StrCat(
        where, " must be at most ", aliasroute::kMaxDescriptionBytes,
        " bytes, got ", description.size()));
  }
  if (!IsValidUtf8(description)) {
    return InvalidParameterValue(
        absl::StrCat(where, " must be valid UTF-8, got ", Q(description)));
  }
  return absl::OkStatus();
}

absl::Status ValidateConfiguration(const v1::FunctionConfiguration& c,
                                   absl::string_view where) {
  auto field = [&](absl::string_view name) {
    return absl::StrCat(where, where.empty() ? "" : ".", name);
  };
  auto printable = [&](absl::string_view name, absl::string_view value,
                       size_t max) -> absl::Status {
    if (value.size() > max) {
      return InvalidParameterValue(absl::StrCat(
          field(name), " must be at most ", max, " bytes, got ", value.size()));
    }
    if (!IsPrintableAscii(value)) {
      return InvalidParameterValue(absl::StrCat(
          field(name), " must be printable ASCII, got ", Q(value)));
    }
    return absl::OkStatus();
  };
  absl::Status s;
  if (!(s = printable("runtime", c.runtime(), aliasroute::kMaxRuntimeBytes))
           .ok() ||
      !(s = printable("handler", c.handler(), aliasroute::kMaxHandlerBytes))
           .ok() ||
      !(s = printable("code_sha256", c.code_sha256(),
                      aliasroute::kMaxCodeSha256Bytes))
           .ok() ||
      !(s = printable("role", c.role(), aliasroute::kMaxArnFieldBytes)).ok() ||
      !(s = printable("dead_letter_target_arn", c.dead_letter_target_arn(),
                      aliasroute::kMaxArnFieldBytes))
           .ok()) {
    return s;
  }
  // [FunctionConfiguration] MemorySize: 128-10240 MB.
  if (c.memory_size_mb() != 0 &&
      (c.memory_size_mb() < 128 || c.memory_size_mb() > 10240)) {
    return InvalidParameterValue(absl::StrCat(
        field("memory_size_mb"), " must be 0 (not set) or 128..10240 MB, got ",
        c.memory_size_mb()));
  }
  // [FunctionConfiguration] Timeout: at least 1 s; 900 s is the quota.
  if (c.timeout_seconds() > 900) {
    return InvalidParameterValue(absl::StrCat(
        field("timeout_seconds"),
        " must be 0 (not set) or 1..900 seconds, got ", c.timeout_seconds()));
  }
  if (!c.role().empty() && !IsRoleArn(c.role())) {
    return InvalidParameterValue(absl::StrCat(
        field("role"),
        " must match "
        "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+, got ",
        Q(c.role())));
  }
  // DeadLetterConfig.TargetArn has the generic ARN shape: "arn:" and at least
  // five colons (arn:partition:service:region:account:resource).
  if (!c.dead_letter_target_arn().empty() &&
      (!absl::StartsWith(c.dead_letter_target_arn(), "arn:") ||
       std::count(c.dead_letter_target_arn().begin(),
                  c.dead_letter_target_arn().end(), ':') < 5)) {
    return InvalidParameterValue(absl::StrCat(
        field("dead_letter_target_arn"),
        " must be an ARN (arn:partition:service:region:account:resource), got ",
        Q(c.dead_letter_target_arn())));
  }
  size_t env_bytes = 0;
  for (const auto& [key, value] : c.environment()) {
    if (!IsEnvName(key)) {
      return InvalidParameterValue(
          absl::StrCat(field("environment"), " variable name ", Q(key),
                       " must match [a-zA-Z]([a-zA-Z0-9_])+"));
    }
    if (!IsValidUtf8(value)) {
      return InvalidParameterValue(absl::StrCat(
          field("environment"), " value of ", Q(key), " must be valid UTF-8"));
    }
    env_bytes += key.size() + value.size();
  }
  if (env_bytes > aliasroute::kMaxEnvironmentBytes) {
    return InvalidParameterValue(
        absl::StrCat(field("environment"), " must total at most ",
                     aliasroute::kMaxEnvironmentBytes,
                     " bytes of names and values, got ", env_bytes));
  }
  if (s = ValidateDescription(c.description(), field("description")); !s.ok()) {
    return s;
  }
  // [FunctionConfiguration] Architectures: at most one, x86_64 or arm64.
  if (c.architectures_size() > 1) {
    return InvalidParameterValue(absl::StrCat(field("architectures"),
                                              " must have at most 1 item, got ",
                                              c.architectures_size()));
  }
  for (const std::string& a : c.architectures()) {
    if (a != "x86_64" && a != "arm64") {
      return InvalidParameterValue(
          absl::StrCat(field("architectures"),
                       " must be \"x86_64\" or \"arm64\", got ", Q(a)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRevisionId(absl::string_view id, absl::string_view where) {
  if (id.empty()) {
    return InvalidParameterValue(absl::StrCat(where, " must not be empty"));
  }
  if (id.size() > aliasroute::kMaxRevisionIdBytes || !IsPrintableAscii(id)) {
    return InvalidParameterValue(
        absl::StrCat(where, " must be 1..", aliasroute::kMaxRevisionIdBytes,
                     " printable ASCII characters, got ", Q(id)));
  }
  return absl::OkStatus();
}

absl::Status ValidatePrimaryVersion(absl::string_view version) {
  // [CreateAlias] FunctionVersion pattern (\$LATEST|[0-9]+).
  if (version == kLatestVersion) return absl::OkStatus();
  absl::Status s = aliasroute::ValidateVersionNumber(version);
  if (!s.ok()) {
    return InvalidParameterValue(absl::StrCat(
        "alias function version ", Q(version),
        " must be \"$LATEST\" or a version number: ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<google::protobuf::Timestamp> ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return InvalidParameterValue("now must be a finite time");
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  const absl::Duration rem = t - absl::FromUnixSeconds(seconds);
  int64_t nanos = absl::ToInt64Nanoseconds(rem);
  int64_t secs = seconds;
  if (nanos < 0) {  // ToUnixSeconds rounds toward negative infinity.
    nanos += 1'000'000'000;
    --secs;
  }
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>(nanos));
  absl::Status s = ValidateTimestamp(ts, "now");
  if (!s.ok()) return s;
  return ts;
}

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& ts,
                               absl::string_view where) {
  // google.protobuf.Timestamp's documented range.
  constexpr int64_t kMin = -62'135'596'800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMax = 253'402'300'799;  // 9999-12-31T23:59:59Z
  if (ts.seconds() < kMin || ts.seconds() > kMax || ts.nanos() < 0 ||
      ts.nanos() > 999'999'999) {
    return InvalidParameterValue(
        absl::StrCat(where, " must be between 0001-01-01 and 9999-12-31, got ",
                     ts.seconds(), " s + ", ts.nanos(), " ns"));
  }
  return absl::OkStatus();
}

uint64_t VersionNumberValue(absl::string_view version) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(version, &v)) return 0;
  return v;
}

const v1::FunctionVersion* FindVersion(const v1::Function& function,
                                       absl::string_view number) {
  // Versions are ascending by number: binary search.
  const auto& versions = function.versions();
  auto it =
      std::lower_bound(versions.begin(), versions.end(), number,
                       [](const v1::FunctionVersion& v, absl::string_view n) {
                         return aliasroute::VersionLess(v.version(), n);
                       });
  if (it != versions.end() && it->version() == number) return &*it;
  return nullptr;
}

absl::Status CheckAliasTargets(const v1::Function& function,
                               absl::string_view arn_base,
                               absl::string_view primary,
                               const v1::RoutingConfig& config) {
  // [CreateAlias] "version 10 does not exist (primary or additional)" ->
  // ResourceNotFoundException "Function not found: arn:...:function:fn:10".
  const v1::FunctionConfiguration* primary_config = nullptr;
  if (primary != kLatestVersion) {
    const v1::FunctionVersion* v = FindVersion(function, primary);
    if (v == nullptr) {
      return ResourceNotFound(
          absl::StrCat("Function not found: ", arn_base, ":", primary));
    }
    primary_config = &v->configuration();
  }
  for (const v1::VersionWeight& w : config.additional_version_weights()) {
    const v1::FunctionVersion* v = FindVersion(function, w.version());
    if (v == nullptr) {
      return ResourceNotFound(
          absl::StrCat("Function not found: ", arn_base, ":", w.version()));
    }
    // Weighted aliases never have a $LATEST primary (checked before), so
    // primary_config is set here.
    if (primary_config == nullptr) continue;
    // configuration-aliases.md: "Both versions must have the same execution
    // role." Message as AWS returns it.
    if (v->configuration().role() != primary_config->role()) {
      return InvalidParameterValue(absl::StrCat(
          "Specified versions must be associated with the same execution "
          "role (version ",
          primary, ": ", Q(primary_config->role()), ", version ", w.version(),
          ": ", Q(v->configuration().role()), ")"));
    }
    // "Both versions must have the same dead-letter queue configuration, or
    // no dead-letter queue configuration." (AWS's message is not recorded;
    // this one follows the role message.)
    if (v->configuration().dead_letter_target_arn() !=
        primary_config->dead_letter_target_arn()) {
      return InvalidParameterValue(absl::StrCat(
          "Specified versions must be associated with the same dead-letter "
          "queue configuration (version ",
          primary, ": ", Q(primary_config->dead_letter_target_arn()),
          ", version ", w.version(), ": ",
          Q(v->configuration().dead_letter_target_arn()), ")"));
    }
  }
  return absl::OkStatus();
}

bool AliasReferences(const v1::Alias& alias, absl::string_view version) {
  if (alias.function_version() == version) return true;
  for (const v1::VersionWeight& w :
       alias.routing_config().additional_version_weights()) {
    if (w.version() == version) return true;
  }
  return false;
}

}  // namespace aliasroute_internal

namespace aliasroute {

using aliasroute_internal::Q;

absl::Status ValidateRoutingConfig(const v1::RoutingConfig& config,
                                   absl::string_view primary,
                                   v1::RoutingMode mode,
                                   uint32_t max_routing_versions,
                                   bool require_sorted) {
  const auto& weights = config.additional_version_weights();
  const uint32_t limit =
      mode == v1::ROUTING_MODE_EXTENDED ? max_routing_versions : 1;
  // [CreateAlias] AWS: "Number of items in AdditionalVersionWeights cannot be
  // greater than 1".
  if (static_cast<uint64_t>(weights.size()) > limit) {
    return InvalidParameterValue(absl::StrCat(
        "Number of items in AdditionalVersionWeights cannot be greater than ",
        limit, " (got ", weights.size(), ")"));
  }
  uint64_t sum = 0;
  for (int i = 0; i < weights.size(); ++i) {
    const v1::VersionWeight& w = weights[i];
    // [AliasRoutingConfiguration] keys: [0-9]+ (so never $LATEST), and a
    // version number (no leading zero, at least 1).
    if (!aliasroute_internal::IsDigits(w.version()) ||
        !ValidateVersionNumber(w.version()).ok()) {
      return InvalidParameterValue(absl::StrCat(
          "AdditionalVersionWeights key ", Q(w.version()),
          " must be a published version number: Map keys must satisfy "
          "constraint: [Member must satisfy regular expression pattern: "
          "[0-9]+]"));
    }
    // [AliasRoutingConfiguration] values: [0.0, 1.0].
    if (w.weight_ppb() > kWeightScale) {
      return InvalidParameterValue(
          absl::StrCat("AdditionalVersionWeights value for version ",
                       w.version(), " is ", FormatWeight(w.weight_ppb()),
                       ": Member must have value less than or equal to 1.0"));
    }
    if (i > 0) {
      const std::string& prev = weights[i - 1].version();
      if (prev == w.version()) {
        return InvalidParameterValue(
            absl::StrCat("AdditionalVersionWeights: version ", w.version(),
                         " appears more than once"));
      }
      if (require_sorted && !VersionLess(prev, w.version())) {
        return InvalidParameterValue(absl::StrCat(
            "AdditionalVersionWeights must be sorted ascending by version "
            "number: ",
            prev, " comes before ", w.version()));
      }
    }
    if (!require_sorted) {
      for (int j = 0; j < i; ++j) {
        if (weights[j].version() == w.version()) {
          return InvalidParameterValue(
              absl::StrCat("AdditionalVersionWeights: version ", w.version(),
                           " appears more than once"));
        }
      }
    }
    // [CreateAlias] AWS: "Invalid function version 1. Function version 1 is
    // already included in routing configuration."
    if (w.version() == primary) {
      return InvalidParameterValue(absl::StrCat(
          "Invalid function version ", primary, ". Function version ", primary,
          " is already included in routing configuration."));
    }
    sum += w.weight_ppb();
  }
  if (sum > kWeightScale) {
    return InvalidParameterValue(absl::StrCat(
        "AdditionalVersionWeights sum to ",
        FormatWeight(sum > UINT32_MAX ? UINT32_MAX
                                      : static_cast<uint32_t>(sum)),
        ", more than 100% (", sum, " ppb)"));
  }
  absl::Status s = aliasroute_internal::ValidatePrimaryVersion(primary);
  if (!s.ok()) return s;
  // [CreateAlias] AWS: "$LATEST is not supported for an alias pointing to
  // more than 1 version".
  if (primary == kLatestVersion && !weights.empty()) {
    return InvalidParameterValue(
        "$LATEST is not supported for an alias pointing to more than 1 "
        "version");
  }
  return absl::OkStatus();
}

std::string MakeRevisionId(uint64_t seed, uint64_t counter) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<unsigned char>(counter >> (8 * i));
  const XXH128_hash_t h = XXH3_128bits_withSeed(bytes, sizeof(bytes), seed);
  const std::string hex = absl::StrFormat("%016x%016x", h.high64, h.low64);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20, 12));
}

absl::Status ValidateRegistrySnapshot(const v1::RegistrySnapshot& snapshot) {
  using namespace aliasroute_internal;  // NOLINT: local use of the rules.
  if (snapshot.format_version() != kRegistrySnapshotFormatVersion) {
    return InvalidParameterValue(absl::StrCat(
        "snapshot format_version must be ", kRegistrySnapshotFormatVersion,
        ", got ", snapshot.format_version()));
  }
  RegistryOptions raw;
  raw.routing_mode = snapshot.options().routing_mode();
  raw.max_functions = snapshot.options().max_functions();
  raw.max_versions_per_function =
      snapshot.options().max_versions_per_function();
  raw.max_aliases_per_function = snapshot.options().max_aliases_per_function();
  raw.max_routing_versions = snapshot.options().max_routing_versions();
  raw.partition = snapshot.partition();
  raw.region = snapshot.region();
  raw.account_id = snapshot.account_id();
  raw.revision_seed = snapshot.revision_seed();
  absl::StatusOr<RegistryOptions> options = EffectiveOptions(raw);
  if (!options.ok()) {
    return InvalidParameterValue(
        absl::StrCat("snapshot: ", options.status().message()));
  }
  if (static_cast<uint64_t>(snapshot.functions_size()) >
      options->max_functions) {
    return InvalidParameterValue(
        absl::StrCat("snapshot has ", snapshot.functions_size(),
                     " functions, more than the limit max_functions = ",
                     options->max_functions));
  }
  const uint32_t routing_limit = RoutingLimit(*options);
  for (int fi = 0; fi < snapshot.functions_size(); ++fi) {
    const v1::Function& f = snapshot.functions(fi);
    const std::string fwhere =
        absl::StrCat("snapshot function #", fi, " ", Q(f.name()));
    absl::Status s = ValidateFunctionName(f.name());
    if (!s.ok()) return Prefixed(fwhere, s);
    if (fi > 0 && !(snapshot.functions(fi - 1).name() < f.name())) {
      return InvalidParameterValue(
          absl::StrCat(fwhere,
                       ": functions must be sorted ascending by name without "
                       "duplicates, but it follows ",
                       Q(snapshot.functions(fi - 1).name())));
    }
    s = ValidateConfiguration(f.latest().configuration(),
                              "$LATEST configuration");
    if (!s.ok()) return Prefixed(fwhere, s);
    s = ValidateRevisionId(f.latest().revision_id(), "$LATEST revision_id");
    if (!s.ok()) return Prefixed(fwhere, s);
    if (f.latest().has_last_modified()) {
      s = ValidateTimestamp(f.latest().last_modified(),
                            "$LATEST last_modified");
      if (!s.ok()) return Prefixed(fwhere, s);
    }
    if (!f.published_latest_revision_id().empty()) {
      s = ValidateRevisionId(f.published_latest_revision_id(),
                             "published_latest_revision_id");
      if (!s.ok()) return Prefixed(fwhere, s);
    }
    if (f.last_version_number() > kMaxVersionNumber) {
      return InvalidParameterValue(absl::StrCat(
          fwhere, ": last_version_number ", f.last_version_number(),
          " is more than ", kMaxVersionNumber));
    }
    if (static_cast<uint64_t>(f.versions_size()) >
        options->max_versions_per_function) {
      return InvalidParameterValue(absl::StrCat(
          fwhere, ": ", f.versions_size(),
          " versions, more than the limit max_versions_per_function = ",
          options->max_versions_per_function));
    }
    uint64_t prev_number = 0;
    for (int vi = 0; vi < f.versions_size(); ++vi) {
      const v1::FunctionVersion& v = f.versions(vi);
      const std::string vwhere =
          absl::StrCat(fwhere, " version ", Q(v.version()));
      s = ValidateVersionNumber(v.version());
      if (!s.ok()) return Prefixed(vwhere, s);
      const uint64_t n = VersionNumberValue(v.version());
      if (n <= prev_number) {
        return InvalidParameterValue(
            absl::StrCat(vwhere,
                         ": versions must be ascending by number without "
                         "duplicates, but it follows ",
                         prev_number));
      }
      if (n > f.last_version_number()) {
        return InvalidParameterValue(
            absl::StrCat(vwhere, ": version number ", n,
                         " is more than the function's last_version_number ",
                         f.last_version_number()));
      }
      prev_number = n;
      s = ValidateConfiguration(v.configuration(), "configuration");
      if (!s.ok()) return Prefixed(vwhere, s);
      s = ValidateRevisionId(v.revision_id(), "revision_id");
      if (!s.ok()) return Prefixed(vwhere, s);
      if (v.has_created()) {
        s = ValidateTimestamp(v.created(), "created");
        if (!s.ok()) return Prefixed(vwhere, s);
      }
    }
    if (static_cast<uint64_t>(f.aliases_size()) >
        options->max_aliases_per_function) {
      return InvalidParameterValue(absl::StrCat(
          fwhere, ": ", f.aliases_size(),
          " aliases, more than the limit max_aliases_per_function = ",
          options->max_aliases_per_function));
    }
    const std::string arn_base = FunctionArn(
        options->partition, options->region, options->account_id, f.name());
    for (int ai = 0; ai < f.aliases_size(); ++ai) {
      const v1::Alias& a = f.aliases(ai);
      const std::string awhere = absl::StrCat(fwhere, " alias ", Q(a.name()));
      s = ValidateAliasName(a.name());
      if (!s.ok()) return Prefixed(awhere, s);
      if (ai > 0 && !(f.aliases(ai - 1).name() < a.name())) {
        return InvalidParameterValue(
            absl::StrCat(awhere,
                         ": aliases must be sorted ascending by name without "
                         "duplicates, but it follows ",
                         Q(f.aliases(ai - 1).name())));
      }
      s = ValidateDescription(a.description(), "description");
      if (!s.ok()) return Prefixed(awhere, s);
      s = ValidateRevisionId(a.revision_id(), "revision_id");
      if (!s.ok()) return Prefixed(awhere, s);
      s = ValidateRoutingConfig(a.routing_config(), a.function_version(),
                                options->routing_mode, routing_limit,
                                /*require_sorted=*/true);
      if (!s.ok()) return Prefixed(awhere, s);
      s = CheckAliasTargets(f, arn_base, a.function_version(),
                            a.routing_config());
      if (!s.ok()) {
        return InvalidParameterValue(absl::StrCat(awhere, ": ", s.message()));
      }
      if (a.layout().segments_size() > 0) {
        s = ValidateLayout(a.layout(), a.function_version(),
                           a.routing_config());
        if (!s.ok()) return Prefixed(absl::StrCat(awhere, " layout"), s);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace aliasroute
