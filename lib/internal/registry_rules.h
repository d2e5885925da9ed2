// registry_rules.h: the validation rules shared by the registry's calls and
// by snapshot restore (lib/registry_rules.cc). Private to //lib:registry.
//
// All functions here are pure and thread-safe.

#ifndef ALIASROUTE_LIB_INTERNAL_REGISTRY_RULES_H_
#define ALIASROUTE_LIB_INTERNAL_REGISTRY_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "lib/registry.h"
#include "proto/registry.pb.h"

namespace aliasroute_internal {

namespace v1 = ::aliasroute::v1;

// The largest version number ValidateVersionNumber accepts (2^63 - 1).
inline constexpr uint64_t kMaxVersionNumber = 9'223'372'036'854'775'807ULL;

// `options` with 0 limits replaced by defaults and UNSPECIFIED mode by
// AWS_COMPATIBLE; kInvalidArgument when a field is malformed.
absl::StatusOr<aliasroute::RegistryOptions> EffectiveOptions(
    const aliasroute::RegistryOptions& options);

// The most additional versions an alias may have under `options`.
uint32_t RoutingLimit(const aliasroute::RegistryOptions& options);

// Every field of `config` within the Lambda API's rules; `where` prefixes the
// message (e.g. "configuration").
absl::Status ValidateConfiguration(const v1::FunctionConfiguration& config,
                                   absl::string_view where);

// Description: at most 256 bytes of valid UTF-8.
absl::Status ValidateDescription(absl::string_view description,
                                 absl::string_view where);

// A revision id in a snapshot: 1..kMaxRevisionIdBytes printable ASCII.
absl::Status ValidateRevisionId(absl::string_view id, absl::string_view where);

// An alias's primary version: "$LATEST" or a version number.
absl::Status ValidatePrimaryVersion(absl::string_view version);

// Converts a caller's time to a Timestamp; kInvalidArgument outside
// 0001-01-01..9999-12-31 or infinite.
absl::StatusOr<google::protobuf::Timestamp> ToTimestamp(absl::Time t);
absl::Status ValidateTimestamp(const google::protobuf::Timestamp& ts,
                               absl::string_view where);

// Numeric value of a valid version number.
uint64_t VersionNumberValue(absl::string_view version);

// The published version `number` of `function`, or nullptr.
const v1::FunctionVersion* FindVersion(const v1::Function& function,
                                       absl::string_view number);

// Checks that every version `primary` and `config` name exists in `function`
// (kNotFound "Function not found: <arn>:<version>", `arn_base` being the
// function's unqualified ARN) and, when the alias is weighted, that all share
// the execution role and dead-letter target (kInvalidArgument).
absl::Status CheckAliasTargets(const v1::Function& function,
                               absl::string_view arn_base,
                               absl::string_view primary,
                               const v1::RoutingConfig& config);

// Whether `alias` routes any traffic share (primary or additional, weight 0
// included) to `version`.
bool AliasReferences(const v1::Alias& alias, absl::string_view version);

}  // namespace aliasroute_internal

#endif  // ALIASROUTE_LIB_INTERNAL_REGISTRY_RULES_H_
