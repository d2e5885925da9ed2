// aws_json.h: read and write the JSON shapes of the Lambda and CodeDeploy
// APIs, so registries and deployment configs can come straight from the AWS
// CLI's output and go back out in the same shape.
//
// Shapes (field names and order from the Lambda API reference and the
// service model's member order, see ../shared/notes/aws-semantics.md):
//   aws lambda get-alias                  AliasConfiguration
//   aws lambda list-aliases               {"NextMarker", "Aliases": [...]}
//   aws lambda get-function-configuration FunctionConfiguration
//   aws lambda list-versions-by-function  {"NextMarker", "Versions": [...]}
//   --routing-config of create-alias / update-alias, as JSON
//     {"AdditionalVersionWeights": {"2": 0.05}} or CLI shorthand
//     AdditionalVersionWeights={2=0.05}
//   CodeDeploy TrafficRoutingConfig, as JSON
//     {"type": "TimeBasedCanary",
//      "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5}}
//     or shorthand, alone or inside get-deployment-config's
//     {"deploymentConfigInfo": {...}} output.
//
// Reading rules, the same for every reader:
// - Input is at most kMaxAwsJsonBytes bytes, nested at most
//   kMaxAwsJsonDepth deep, strict RFC 8259 JSON in UTF-8 (no comments, no
//   trailing commas, no NaN, no duplicate keys). Anything else, including
//   truncated input, is kInvalidArgument naming the line and column.
// - Unknown fields are ignored (AWS keeps adding fields); `null` is the same
//   as an absent field.
// - A known field of the wrong type, a missing required field or a value
//   that breaks a rule is kInvalidArgument whose message starts with the
//   JSON path, e.g.
//     RoutingConfig.AdditionalVersionWeights["2"]: must be in [0.0, 1.0], got 1.5
//     Aliases[0].FunctionVersion: expected a string, got number
// - Weights convert to parts per billion with lib/weights.h; routing
//   entries come out sorted by version number (VersionLess in layout.h).
// - Readers check the shape and the per-field rules of the API model
//   (version numbers are digits, weights in [0.0, 1.0] summing to at most 1,
//   alias names, ARNs consistent with names). They do not check registry
//   rules: that versions exist, AWS's limit of one additional version, or
//   that an additional version differs from the primary.
//
// Writing rules: writers produce pretty-printed JSON (2-space indent, one
// member per line, a final newline) with the fields in AWS's order, empty
// optional fields left out, and weights as the shortest decimal that reads
// back to the same ppb. Output is a pure function of the input, so it is
// diffable and tests compare exact text. A writer refuses (kInvalidArgument)
// what the matching reader would refuse, so everything written reads back
// equal: Read(Write(x)) == x for every x that Write accepts.
//
// Example:
//   absl::StatusOr<aliasroute::AwsAlias> a = aliasroute::AliasFromAwsJson(
//       R"({"AliasArn": "arn:aws:lambda:us-west-2:123456789012:function:my-function:LIVE",
//           "Name": "LIVE", "FunctionVersion": "1",
//           "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.05}}})");
//   if (!a.ok()) return a.status();
//   a->function_name;  // "my-function"
//   a->alias.routing_config().additional_version_weights(0).weight_ppb();
//                      // 50'000'000
//   std::string json = aliasroute::AliasToAwsJson(*a).value();
//
// All functions here are pure and thread-safe. Cost: linear in the input
// size; a reader holds a parse tree of the whole document while it runs
// (about 100 bytes per JSON value), and a writer parses its own output once
// more to check it.

#ifndef ALIASROUTE_LIB_AWS_JSON_H_
#define ALIASROUTE_LIB_AWS_JSON_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/registry.pb.h"
#include "proto/traffic.pb.h"

namespace aliasroute {

// Largest document a reader accepts, in bytes (a merged list-versions output
// of a few thousand versions fits).
inline constexpr size_t kMaxAwsJsonBytes = size_t{8} << 20;
// Deepest nesting of arrays and objects a reader accepts.
inline constexpr int kMaxAwsJsonDepth = 64;
// Most JSON values (scalars, arrays, objects) in one document; bounds the
// memory of the parse tree.
inline constexpr size_t kMaxAwsJsonValues = 500'000;

// ---------------------------------------------------------------------------
// Lambda: aliases.

// One AliasConfiguration. Plain data: thread-compatible. Intentionally
// copyable.
struct AwsAlias {
  // "AliasArn", e.g. "arn:aws:lambda:us-west-2:123456789012:function:f:LIVE";
  // empty when absent.
  std::string alias_arn;
  // The function name taken from AliasArn; empty when AliasArn is absent.
  std::string function_name;
  // Name, FunctionVersion, Description, RoutingConfig and RevisionId.
  // `layout` and `routing_seed` are aliasroute's own: readers leave them
  // unset and writers ignore them.
  v1::Alias alias;
};

// Reads get-alias output (an AliasConfiguration object). Required: Name
// (1-128 of [a-zA-Z0-9-_], not all digits) and FunctionVersion ("$LATEST" or
// a version number). When AliasArn is present it must be a Lambda function
// ARN whose qualifier is Name. kInvalidArgument on any violation (see the
// file comment).
[[nodiscard]] absl::StatusOr<AwsAlias> AliasFromAwsJson(absl::string_view json);

// Writes an AliasConfiguration: AliasArn, Name, FunctionVersion, Description
// (always, as AWS does), RoutingConfig (when it has entries), RevisionId.
// kInvalidArgument for what AliasFromAwsJson would refuse.
[[nodiscard]] absl::StatusOr<std::string> AliasToAwsJson(const AwsAlias& alias);

// list-aliases output. Plain data: thread-compatible. Intentionally copyable.
struct AwsAliasList {
  std::vector<AwsAlias> aliases;  // In document order.
  std::string next_marker;        // "NextMarker"; empty when absent.
};

// Reads list-aliases output: {"NextMarker": ..., "Aliases": [...]}. A
// missing "Aliases" is an empty list. Each element follows AliasFromAwsJson's
// rules; errors name it ("Aliases[3].Name: ...").
[[nodiscard]] absl::StatusOr<AwsAliasList> ListAliasesFromAwsJson(
    absl::string_view json);

// Writes list-aliases output ("Aliases" always, "NextMarker" when set).
[[nodiscard]] absl::StatusOr<std::string> ListAliasesToAwsJson(
    const AwsAliasList& list);

// ---------------------------------------------------------------------------
// Lambda: function configurations and versions.

// One FunctionConfiguration: the state of $LATEST or of a published version.
// Plain data: thread-compatible. Intentionally copyable.
struct AwsFunctionConfiguration {
  std::string function_name;  // "FunctionName", required, non-empty.
  // "FunctionArn"; empty when absent. Qualified (":1", ":$LATEST") or not.
  std::string function_arn;
  std::string version;  // "Version": "$LATEST" or a version number.
  // Runtime, Handler, MemorySize, Timeout, Role, DeadLetterConfig.TargetArn,
  // Environment.Variables, Description, CodeSha256, CodeSize, Architectures.
  v1::FunctionConfiguration configuration;
  std::string revision_id;  // "RevisionId"; empty when absent.
  // "LastModified" (AWS writes "2019-08-14T22:26:11.234+0000"); absent when
  // the document has none.
  std::optional<google::protobuf::Timestamp> last_modified;

  bool is_latest() const { return version == "$LATEST"; }
};

// Reads get-function-configuration output. Required: FunctionName and
// Version. Integers (MemorySize, Timeout, CodeSize) must be whole,
// non-negative and fit their field; LastModified must be ISO-8601 with a
// UTC offset ("+0000", "+00:00" or "Z") between years 1 and 9999. When
// FunctionArn is present its function name must be FunctionName and its
// qualifier, if any, Version. kInvalidArgument on any violation.
[[nodiscard]] absl::StatusOr<AwsFunctionConfiguration>
FunctionConfigurationFromAwsJson(absl::string_view json);

// Writes a FunctionConfiguration in AWS's member order: FunctionName,
// FunctionArn, Runtime, Role, Handler, CodeSize, Description (always),
// Timeout, MemorySize, LastModified, CodeSha256, Version, DeadLetterConfig,
// Environment (variables sorted by name), RevisionId, Architectures. Zero
// numbers and empty strings are left out. LastModified has milliseconds as
// AWS writes it, or nanoseconds when the time is not a whole millisecond.
[[nodiscard]] absl::StatusOr<std::string> FunctionConfigurationToAwsJson(
    const AwsFunctionConfiguration& config);

// list-versions-by-function output. Plain data: thread-compatible.
// Intentionally copyable.
struct AwsVersionList {
  std::vector<AwsFunctionConfiguration> versions;  // In document order.
  std::string next_marker;                         // Empty when absent.
};

// Reads list-versions-by-function output: {"NextMarker", "Versions": [...]}.
// A missing "Versions" is an empty list.
[[nodiscard]] absl::StatusOr<AwsVersionList> ListVersionsFromAwsJson(
    absl::string_view json);

// Writes list-versions-by-function output ("Versions" always, "NextMarker"
// when set).
[[nodiscard]] absl::StatusOr<std::string> ListVersionsToAwsJson(
    const AwsVersionList& list);

// The published version a FunctionConfiguration describes: version,
// configuration, revision_id, and `created` = LastModified.
// kInvalidArgument when `config` is $LATEST.
[[nodiscard]] absl::StatusOr<v1::FunctionVersion> ToFunctionVersion(
    const AwsFunctionConfiguration& config);

// The $LATEST state a FunctionConfiguration describes. kInvalidArgument
// when `config` is a published version.
[[nodiscard]] absl::StatusOr<v1::LatestState> ToLatestState(
    const AwsFunctionConfiguration& config);

// ---------------------------------------------------------------------------
// Lambda: the --routing-config argument (AliasRoutingConfiguration).

// Reads JSON {"AdditionalVersionWeights": {"2": 0.05}} or CLI shorthand
// AdditionalVersionWeights={2=0.05}; the first non-blank character decides
// ('{' is JSON). `{}`, `AdditionalVersionWeights={}` and an empty map clear
// the routing. Keys are version numbers (digits, no leading zero), weights
// are in [0.0, 1.0] and sum to at most 1.0; entries come out sorted.
// Errors name "RoutingConfig.AdditionalVersionWeights[\"KEY\"]".
[[nodiscard]] absl::StatusOr<v1::RoutingConfig> RoutingConfigFromAwsJson(
    absl::string_view text);

// Writes {"AdditionalVersionWeights": {...}} with the entries sorted by
// version number (the input need not be sorted). kInvalidArgument for an
// invalid or repeated version, a weight over kWeightScale or a sum over it.
[[nodiscard]] absl::StatusOr<std::string> RoutingConfigToAwsJson(
    const v1::RoutingConfig& config);

// Same, as the one-line CLI shorthand: "AdditionalVersionWeights={2=0.05}"
// (no newline).
[[nodiscard]] absl::StatusOr<std::string> RoutingConfigToAwsShorthand(
    const v1::RoutingConfig& config);

// ---------------------------------------------------------------------------
// CodeDeploy: TrafficRoutingConfig (camelCase).

// Reads a CodeDeploy TrafficRoutingConfig in any of these forms:
//   {"type": "TimeBasedLinear", "timeBasedLinear": {...}}      (JSON)
//   type=TimeBasedCanary,timeBasedCanary={canaryPercentage=10,canaryInterval=5}
//                                                              (shorthand)
//   {"deploymentConfigName": ..., "trafficRoutingConfig": {...}}
//   {"deploymentConfigInfo": {...}}           (get-deployment-config output)
// `type` is "TimeBasedCanary", "TimeBasedLinear" or "AllAtOnce"; the block
// for the type is required and the others are ignored. Percentages are
// whole numbers in 1..99 (CodeDeploy's limit per increment), intervals whole
// minutes in 1..2880 (its limit between first and last shift). The
// deployment config name, when present, goes to `name`; a computePlatform
// other than "Lambda" is refused. This reads JSON only: predefined names such
// as "CodeDeployDefault.LambdaCanary10Percent5Minutes" are lib/schedule.h's.
[[nodiscard]] absl::StatusOr<v1::TrafficRoutingConfig>
TrafficRoutingConfigFromAwsJson(absl::string_view text);

// Writes the bare TrafficRoutingConfig object (type, timeBasedCanary,
// timeBasedLinear); `name` is not part of this shape and is not written.
// kInvalidArgument for a step list (CodeDeploy has no such type), an unset
// kind, or values out of range.
[[nodiscard]] absl::StatusOr<std::string> TrafficRoutingConfigToAwsJson(
    const v1::TrafficRoutingConfig& config);

// Writes get-deployment-config output: {"deploymentConfigInfo":
// {"deploymentConfigName" (when `name` is set), "computePlatform": "Lambda",
// "trafficRoutingConfig": {...}}}. Same errors as
// TrafficRoutingConfigToAwsJson.
[[nodiscard]] absl::StatusOr<std::string> DeploymentConfigToAwsJson(
    const v1::TrafficRoutingConfig& config);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_AWS_JSON_H_
