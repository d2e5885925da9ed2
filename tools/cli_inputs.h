// cli_inputs.h: how the `aliasroute` CLI reads its inputs: registries (the
// project's protobuf JSON or binary RegistrySnapshot, or AWS CLI output
// shapes), traffic-shift configurations (predefined CodeDeploy names,
// CodeDeploy JSON / shorthand, the project's protobuf JSON, or the CLI's step
// list syntax), and the document-type detection `validate` uses.
//
// Example:
//   absl::StatusOr<aliasroute::v1::RegistrySnapshot> snap =
//       aliasroute_cli::LoadRegistry({"examples/registry.json"});
//   absl::StatusOr<aliasroute::v1::TrafficRoutingConfig> config =
//       aliasroute_cli::ParseTrafficConfig("1%:10m,5%:10m,25%:pause,50%:30m");
//
// All functions are thread-compatible (they read files; no shared state).

#ifndef ALIASROUTE_TOOLS_CLI_INPUTS_H_
#define ALIASROUTE_TOOLS_CLI_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/registry.pb.h"
#include "proto/traffic.pb.h"

namespace aliasroute_cli {

// What a document is, as detected from its contents.
enum class DocKind {
  kSnapshotJson,           // RegistrySnapshot, protobuf JSON mapping.
  kSnapshotBinary,         // RegistrySnapshot, binary protobuf.
  kAwsListAliases,         // aws lambda list-aliases.
  kAwsGetAlias,            // aws lambda get-alias.
  kAwsListVersions,        // aws lambda list-versions-by-function.
  kAwsFunctionConfig,      // aws lambda get-function-configuration.
  kAwsRoutingConfig,       // --routing-config JSON.
  kCodeDeployConfig,       // CodeDeploy TrafficRoutingConfig JSON/shorthand.
  kTrafficConfigJson,      // v1.TrafficRoutingConfig, protobuf JSON.
  kStepListJson,           // v1.StepList, protobuf JSON ({"steps": [...]}).
  kDeploymentSpecJson,     // v1.DeploymentSpec, protobuf JSON.
  kStepListText,           // "10%:5m,50%:pause" (see ParseStepList).
  kPredefinedName,         // "LambdaCanary10Percent5Minutes".
};

// A short human name for `kind`, e.g. "registry snapshot (protobuf JSON)".
const char* DocKindName(DocKind kind);

// Detects the kind of `text`. JSON objects are told apart by their
// top-level keys; text that is not JSON is a step list, a CodeDeploy
// shorthand, a predefined name, or else binary protobuf. kInvalidArgument
// for malformed JSON (with the parser's message) or a JSON document of no
// known kind (listing the keys seen).
[[nodiscard]] absl::StatusOr<DocKind> DetectKind(absl::string_view text);

// Reads registry documents from files and builds one snapshot:
//   - exactly one file holding a RegistrySnapshot (JSON or binary), or
//   - one or more AWS CLI documents (list-versions-by-function,
//     get-function-configuration, list-aliases, get-alias), merged by
//     function name (see SnapshotFromAwsDocuments).
// The result passed ValidateRegistrySnapshot and Router::Validate. Errors
// (kInvalidArgument / kNotFound) name the file and the problem.
[[nodiscard]] absl::StatusOr<aliasroute::v1::RegistrySnapshot> LoadRegistry(
    const std::vector<std::string>& paths);

// One parsed AWS document, for SnapshotFromAwsDocuments.
struct AwsDocument {
  std::string path;
  DocKind kind;
  std::string text;
};

// Builds a snapshot from AWS Lambda CLI output: versions from
// list-versions-by-function / get-function-configuration, aliases from
// list-aliases / get-alias (the function comes from AliasArn; without one,
// from the only function the documents name, or `default_function` when they
// name none and it is not empty). Location (partition, region,
// account) comes from the first full ARN, else aliasroute's defaults.
// Missing revision ids are generated deterministically; a function with no
// version document gets each version its aliases name, with an empty
// configuration, and an empty $LATEST. With `allow_extended`, an alias with
// more than one additional version makes the registry EXTENDED; otherwise the
// registry is AWS_COMPATIBLE and such an alias is a problem. The result is
// not validated.
[[nodiscard]] absl::StatusOr<aliasroute::v1::RegistrySnapshot>
SnapshotFromAwsDocuments(const std::vector<AwsDocument>& docs,
                         bool allow_extended,
                         absl::string_view default_function = "");

// Parses a traffic-shift configuration given on the command line or read
// from a file (when `arg` names an existing file its contents are used):
//   - a predefined name, "LambdaCanary10Percent5Minutes" or
//     "CodeDeployDefault.LambdaCanary10Percent5Minutes";
//   - CodeDeploy JSON or shorthand (lib/aws_json.h), e.g.
//     {"type":"TimeBasedLinear","timeBasedLinear":{"linearPercentage":10,
//      "linearInterval":1}};
//   - the project's protobuf JSON of v1.TrafficRoutingConfig or v1.StepList;
//   - a step list "WEIGHT:HOLD,WEIGHT:HOLD,...", see ParseStepList.
// The result passed ValidateTrafficRoutingConfig. kInvalidArgument (or
// kNotFound for an unknown predefined name) naming the problem.
[[nodiscard]] absl::StatusOr<aliasroute::v1::TrafficRoutingConfig>
ParseTrafficConfig(const std::string& arg);

// Parses the CLI step-list syntax: comma-separated steps WEIGHT:HOLD where
// WEIGHT is a percentage ("1%", "12.5%") and HOLD is a duration with a unit
// ("500ms", "90s", "10m", "2h") or "pause" (hold until resumed). An optional
// last item "max:PERCENT" sets the final weight (default 100 %). Example:
// "1%:10m,5%:10m,25%:pause,50%:30m". Not validated beyond syntax (see
// ParseTrafficConfig). kInvalidArgument naming the step ("step 2 ...").
[[nodiscard]] absl::StatusOr<aliasroute::v1::StepList> ParseStepList(
    absl::string_view text);

// A one-line description of a configuration, e.g.
// "canary: 10%, then 100% after 5 minutes".
std::string DescribeConfig(const aliasroute::v1::TrafficRoutingConfig& config);

// One problem `validate` found.
struct Problem {
  std::string location;  // JSON path, "function f", "function f alias a", ...
  std::string message;
};

// Checks a document of any kind and returns every problem found (empty when
// the document is valid) plus, in `summary`, a description of what was
// checked for the "OK" line.
std::vector<Problem> ValidateDocument(absl::string_view text, DocKind kind,
                                      std::string* summary);

}  // namespace aliasroute_cli

#endif  // ALIASROUTE_TOOLS_CLI_INPUTS_H_
