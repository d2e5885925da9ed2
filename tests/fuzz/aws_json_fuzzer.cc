// Feeds arbitrary bytes to every reader in lib/aws_json.h. A reader must
// return an error or a value, never crash or hang; when it returns a value,
// its writer must accept it and reading the written text must give the same
// value back (and writing that must give the same text).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/message_differencer.h"
#include "lib/aws_json.h"

namespace {

using ::google::protobuf::util::MessageDifferencer;

[[noreturn]] void Fail(const char* what, absl::string_view detail) {
  std::fprintf(stderr, "aws_json_fuzzer: %s\n%.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

bool Same(const aliasroute::AwsAlias& a, const aliasroute::AwsAlias& b) {
  return a.alias_arn == b.alias_arn && a.function_name == b.function_name &&
         MessageDifferencer::Equals(a.alias, b.alias);
}

bool Same(const aliasroute::AwsFunctionConfiguration& a,
          const aliasroute::AwsFunctionConfiguration& b) {
  if (a.last_modified.has_value() != b.last_modified.has_value()) return false;
  if (a.last_modified.has_value() &&
      !MessageDifferencer::Equals(*a.last_modified, *b.last_modified)) {
    return false;
  }
  return a.function_name == b.function_name &&
         a.function_arn == b.function_arn && a.version == b.version &&
         a.revision_id == b.revision_id &&
         MessageDifferencer::Equals(a.configuration, b.configuration);
}

template <typename T>
bool Same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!Same(a[i], b[i])) return false;
  }
  return true;
}

bool Same(const aliasroute::AwsAliasList& a, const aliasroute::AwsAliasList& b) {
  return a.next_marker == b.next_marker && Same(a.aliases, b.aliases);
}

bool Same(const aliasroute::AwsVersionList& a,
          const aliasroute::AwsVersionList& b) {
  return a.next_marker == b.next_marker && Same(a.versions, b.versions);
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return MessageDifferencer::Equals(a, b);
}

// Read -> write -> read -> write: values and texts must agree.
template <typename T, typename Read, typename Write>
void RoundTrip(absl::string_view input, Read read, Write write,
               const char* name) {
  absl::StatusOr<T> first = read(input);
  if (!first.ok()) return;
  absl::StatusOr<std::string> text = write(*first);
  if (!text.ok()) Fail(name, text.status().ToString());
  absl::StatusOr<T> second = read(*text);
  if (!second.ok()) Fail(name, second.status().ToString());
  if (!Same(*first, *second)) Fail(name, *text);
  absl::StatusOr<std::string> again = write(*second);
  if (!again.ok() || *again != *text) Fail(name, *text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aliasroute;  // NOLINT: a fuzz driver.
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  RoundTrip<AwsAlias>(input, AliasFromAwsJson, AliasToAwsJson, "alias");
  RoundTrip<AwsAliasList>(input, ListAliasesFromAwsJson, ListAliasesToAwsJson,
                          "list-aliases");
  RoundTrip<AwsFunctionConfiguration>(input, FunctionConfigurationFromAwsJson,
                                      FunctionConfigurationToAwsJson,
                                      "function-configuration");
  RoundTrip<AwsVersionList>(input, ListVersionsFromAwsJson,
                            ListVersionsToAwsJson, "list-versions");
  RoundTrip<v1::RoutingConfig>(input, RoutingConfigFromAwsJson,
                               RoutingConfigToAwsJson, "routing-config");
  RoundTrip<v1::RoutingConfig>(input, RoutingConfigFromAwsJson,
                               RoutingConfigToAwsShorthand,
                               "routing-config-shorthand");
  // The deployment-config shape keeps `name`; the bare shape drops it.
  RoundTrip<v1::TrafficRoutingConfig>(input, TrafficRoutingConfigFromAwsJson,
                                      DeploymentConfigToAwsJson,
                                      "deployment-config");
  absl::StatusOr<v1::TrafficRoutingConfig> trc =
      TrafficRoutingConfigFromAwsJson(input);
  if (trc.ok() && trc->name().empty()) {
    RoundTrip<v1::TrafficRoutingConfig>(input, TrafficRoutingConfigFromAwsJson,
                                        TrafficRoutingConfigToAwsJson,
                                        "traffic-routing-config");
  }
  return 0;
}
