#include "tools/cli_inputs.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "lib/arn.h"
#include "lib/aws_json.h"
#include "lib/deployment.h"
#include "lib/registry.h"
#include "lib/router.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "tools/cli_util.h"

namespace aliasroute_cli {
namespace {

namespace v1 = ::aliasroute::v1;
using ::google::protobuf::Value;

// protobuf 3.21 takes its own StringPiece; go through std::string.
absl::Status JsonStringToMessage(absl::string_view text,
                                 google::protobuf::Message* message) {
  google::protobuf::util::Status s = google::protobuf::util::JsonStringToMessage(
      std::string(text), message);
  if (s.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(s.message()));
}

// Drops `prefix` from the front of `s` when it is there.
void DropPrefix(std::string* s, absl::string_view prefix) {
  if (absl::StartsWith(*s, prefix)) s->erase(0, prefix.size());
}

absl::string_view TrimText(absl::string_view text) {
  absl::string_view t = text;
  absl::ConsumePrefix(&t, "\xEF\xBB\xBF");  // UTF-8 byte order mark.
  return absl::StripAsciiWhitespace(t);
}

bool LooksLikeText(absl::string_view t) {
  if (t.empty() || t.size() > 64 * 1024) return false;
  for (char c : t) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    if (u >= 0x7f) return false;
  }
  return true;
}

absl::StatusOr<Value> ParseJsonValue(absl::string_view text) {
  Value v;
  absl::Status s = JsonStringToMessage(text, &v);
  if (!s.ok()) {
    absl::string_view m = s.message();
    m = m.substr(0, m.find('\n'));  // protobuf adds a caret line.
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON: ", absl::StripAsciiWhitespace(m)));
  }
  return v;
}

// Message of a status without the "INVALID_ARGUMENT:" style prefix protobuf's
// util statuses carry.
std::string Msg(const absl::Status& s) { return std::string(s.message()); }

std::string Plural(int64_t n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

}  // namespace

const char* DocKindName(DocKind kind) {
  switch (kind) {
    case DocKind::kSnapshotJson: return "registry snapshot (protobuf JSON)";
    case DocKind::kSnapshotBinary: return "registry snapshot (binary protobuf)";
    case DocKind::kAwsListAliases: return "AWS list-aliases output";
    case DocKind::kAwsGetAlias: return "AWS get-alias output";
    case DocKind::kAwsListVersions: return "AWS list-versions-by-function output";
    case DocKind::kAwsFunctionConfig: return "AWS get-function-configuration output";
    case DocKind::kAwsRoutingConfig: return "AWS alias routing config";
    case DocKind::kCodeDeployConfig: return "CodeDeploy traffic routing config";
    case DocKind::kTrafficConfigJson: return "traffic routing config (protobuf JSON)";
    case DocKind::kStepListJson: return "step list (protobuf JSON)";
    case DocKind::kDeploymentSpecJson: return "deployment spec (protobuf JSON)";
    case DocKind::kStepListText: return "step list";
    case DocKind::kPredefinedName: return "predefined deployment config name";
  }
  return "document";
}

absl::StatusOr<DocKind> DetectKind(absl::string_view text) {
  const absl::string_view t = TrimText(text);
  if (!t.empty() && (t[0] == '{' || t[0] == '[')) {
    absl::StatusOr<Value> v = ParseJsonValue(t);
    if (!v.ok()) return v.status();
    if (!v->has_struct_value()) {
      return absl::InvalidArgumentError(
          "the JSON document must be an object, got an array");
    }
    const auto& fields = v->struct_value().fields();
    const auto has = [&](absl::string_view k) {
      return fields.find(std::string(k)) != fields.end();
    };
    if (has("Aliases")) return DocKind::kAwsListAliases;
    if (has("Versions")) return DocKind::kAwsListVersions;
    if (has("AliasArn") || (has("Name") && has("FunctionVersion"))) {
      return DocKind::kAwsGetAlias;
    }
    if (has("FunctionName")) return DocKind::kAwsFunctionConfig;
    if (has("AdditionalVersionWeights")) return DocKind::kAwsRoutingConfig;
    if (has("type") || has("trafficRoutingConfig") ||
        has("deploymentConfigInfo") || has("deploymentConfigName") ||
        has("computePlatform")) {
      return DocKind::kCodeDeployConfig;
    }
    for (absl::string_view k :
         {"deploymentId", "deployment_id", "trafficRouting", "traffic_routing",
          "targetVersion", "target_version", "currentVersion",
          "current_version"}) {
      if (has(k)) return DocKind::kDeploymentSpecJson;
    }
    for (absl::string_view k :
         {"stepList", "step_list", "allAtOnce", "all_at_once",
          "timeBasedCanary", "time_based_canary", "timeBasedLinear",
          "time_based_linear"}) {
      if (has(k)) return DocKind::kTrafficConfigJson;
    }
    if (has("steps") || has("maxWeightPpb") || has("max_weight_ppb")) {
      return DocKind::kStepListJson;
    }
    for (absl::string_view k :
         {"formatVersion", "format_version", "functions", "options",
          "partition", "region", "accountId", "account_id", "revisionCounter",
          "revision_counter", "revisionSeed", "revision_seed", "generation"}) {
      if (has(k)) return DocKind::kSnapshotJson;
    }
    if (fields.size() == 1 && has("name")) return DocKind::kTrafficConfigJson;
    std::vector<std::string> keys;
    for (const auto& kv : fields) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    if (keys.size() > 8) keys.resize(8);
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown JSON document: its top-level keys (",
        keys.empty() ? "none" : absl::StrJoin(keys, ", "),
        ") match no registry, AWS or deployment-config shape"));
  }
  if (LooksLikeText(t)) {
    if (absl::StrContains(t, "type=")) return DocKind::kCodeDeployConfig;
    if (absl::StrContains(t, "%") || absl::StrContains(t, ":")) {
      return DocKind::kStepListText;
    }
    bool name_chars = true;
    for (char c : t) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.') {
        name_chars = false;
      }
    }
    if (name_chars) return DocKind::kPredefinedName;
    return absl::InvalidArgumentError(absl::StrCat(
        "unrecognised text \"", t.substr(0, 60),
        "\": not JSON, a step list, a CodeDeploy shorthand or a predefined "
        "config name"));
  }
  if (text.empty()) {
    return absl::InvalidArgumentError("the document is empty");
  }
  return DocKind::kSnapshotBinary;
}

// ---------------------------------------------------------------------------
// Registries.

namespace {

struct FunctionBuild {
  bool has_version_doc = false;
  std::optional<v1::LatestState> latest;
  std::map<uint64_t, v1::FunctionVersion> versions;
  std::map<std::string, v1::Alias> aliases;
};

struct Location {
  std::string partition, region, account_id;
};

absl::Status ParseSnapshot(const std::string& path, absl::string_view text,
                           DocKind kind, v1::RegistrySnapshot* out) {
  if (kind == DocKind::kSnapshotJson) {
    absl::Status s = JsonStringToMessage(TrimText(text), out);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": not a valid RegistrySnapshot (protobuf JSON): ", Msg(s)));
    }
    return absl::OkStatus();
  }
  if (!out->ParseFromArray(text.data(), static_cast<int>(text.size()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": not a valid binary RegistrySnapshot (truncated or corrupt protobuf)"));
  }
  if (out->format_version() == 0 && out->functions_size() == 0 &&
      out->partition().empty() && out->region().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not a RegistrySnapshot (binary data without a format_version "
              "or any function)"));
  }
  return absl::OkStatus();
}

absl::Status CheckRoutable(const std::string& path,
                           const v1::RegistrySnapshot& snap) {
  absl::Status s = aliasroute::ValidateRegistrySnapshot(snap);
  if (s.ok()) s = aliasroute::Router::Validate(snap);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", Msg(s)));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RegistrySnapshot> SnapshotFromAwsDocuments(
    const std::vector<AwsDocument>& docs, bool allow_extended,
    absl::string_view default_function) {
  std::map<std::string, FunctionBuild> fns;
  std::optional<Location> loc;
  std::vector<std::pair<std::string, aliasroute::AwsAlias>> orphans;

  const auto note_arn = [&](const std::string& path,
                            const std::string& arn) -> absl::Status {
    if (arn.empty()) return absl::OkStatus();
    absl::StatusOr<aliasroute::FunctionRef> ref =
        aliasroute::ParseFunctionRef(arn);
    if (!ref.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ARN \"", arn, "\": ", Msg(ref.status())));
    }
    if (ref->form != v1::ARN_FORM_FULL) return absl::OkStatus();
    Location here{std::string(ref->partition), std::string(ref->region),
                  std::string(ref->account_id)};
    if (!loc.has_value()) {
      loc = here;
    } else if (loc->partition != here.partition || loc->region != here.region ||
               loc->account_id != here.account_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ARN \"", arn, "\" is in ", here.partition, "/", here.region,
          "/", here.account_id, ", but earlier ARNs are in ", loc->partition,
          "/", loc->region, "/", loc->account_id,
          "; one registry holds one partition, region and account"));
    }
    return absl::OkStatus();
  };

  const auto add_config =
      [&](const std::string& path,
          const aliasroute::AwsFunctionConfiguration& c) -> absl::Status {
    absl::Status s = note_arn(path, c.function_arn);
    if (!s.ok()) return s;
    FunctionBuild& fb = fns[c.function_name];
    fb.has_version_doc = true;
    if (c.is_latest()) {
      absl::StatusOr<v1::LatestState> latest = aliasroute::ToLatestState(c);
      if (!latest.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", Msg(latest.status())));
      }
      if (fb.latest.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": function \"", c.function_name,
            "\" has $LATEST twice in the documents"));
      }
      fb.latest = *latest;
      return absl::OkStatus();
    }
    absl::StatusOr<v1::FunctionVersion> v = aliasroute::ToFunctionVersion(c);
    if (!v.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", Msg(v.status())));
    }
    uint64_t n = 0;
    if (!absl::SimpleAtoi(v->version(), &n)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": version \"", v->version(), "\" is not a version number"));
    }
    if (!fb.versions.emplace(n, *v).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": function \"", c.function_name, "\" has version ", n,
          " twice in the documents"));
    }
    return absl::OkStatus();
  };

  const auto add_alias = [&](const std::string& path,
                             const aliasroute::AwsAlias& a) -> absl::Status {
    absl::Status s = note_arn(path, a.alias_arn);
    if (!s.ok()) return s;
    if (a.function_name.empty()) {
      orphans.emplace_back(path, a);
      return absl::OkStatus();
    }
    if (!fns[a.function_name].aliases.emplace(a.alias.name(), a.alias).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": alias \"", a.function_name, ":", a.alias.name(),
                       "\" appears twice in the documents"));
    }
    return absl::OkStatus();
  };

  for (const AwsDocument& doc : docs) {
    absl::Status s;
    switch (doc.kind) {
      case DocKind::kAwsListVersions: {
        absl::StatusOr<aliasroute::AwsVersionList> l =
            aliasroute::ListVersionsFromAwsJson(doc.text);
        if (!l.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(doc.path, ": ", Msg(l.status())));
        }
        for (const auto& c : l->versions) {
          s = add_config(doc.path, c);
          if (!s.ok()) return s;
        }
        break;
      }
      case DocKind::kAwsFunctionConfig: {
        absl::StatusOr<aliasroute::AwsFunctionConfiguration> c =
            aliasroute::FunctionConfigurationFromAwsJson(doc.text);
        if (!c.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(doc.path, ": ", Msg(c.status())));
        }
        s = add_config(doc.path, *c);
        if (!s.ok()) return s;
        break;
      }
      case DocKind::kAwsListAliases: {
        absl::StatusOr<aliasroute::AwsAliasList> l =
            aliasroute::ListAliasesFromAwsJson(doc.text);
        if (!l.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(doc.path, ": ", Msg(l.status())));
        }
        for (const auto& a : l->aliases) {
          s = add_alias(doc.path, a);
          if (!s.ok()) return s;
        }
        break;
      }
      case DocKind::kAwsGetAlias: {
        absl::StatusOr<aliasroute::AwsAlias> a =
            aliasroute::AliasFromAwsJson(doc.text);
        if (!a.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(doc.path, ": ", Msg(a.status())));
        }
        s = add_alias(doc.path, *a);
        if (!s.ok()) return s;
        break;
      }
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            doc.path, ": a ", DocKindName(doc.kind),
            " cannot be part of a registry (expected list-versions-by-function, "
            "get-function-configuration, list-aliases or get-alias output)"));
    }
  }
  if (fns.empty() && !orphans.empty() && !default_function.empty()) {
    fns[std::string(default_function)];
  }
  for (const auto& [path, a] : orphans) {
    if (fns.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": alias \"", a.alias.name(),
          "\" has no AliasArn, so its function is unknown (the documents name ",
          fns.size(), " functions)"));
    }
    FunctionBuild& fb = fns.begin()->second;
    if (!fb.aliases.emplace(a.alias.name(), a.alias).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": alias \"", a.alias.name(), "\" appears twice in the documents"));
    }
  }
  if (fns.empty()) {
    return absl::InvalidArgumentError("the documents name no function");
  }

  v1::RegistrySnapshot snap;
  snap.set_format_version(aliasroute::kRegistrySnapshotFormatVersion);
  const Location where = loc.value_or(Location{"aws", "us-east-1", "123456789012"});
  snap.set_partition(where.partition);
  snap.set_region(where.region);
  snap.set_account_id(where.account_id);
  uint64_t counter = 0;
  const auto next_id = [&] { return aliasroute::MakeRevisionId(0, ++counter); };
  bool extended = false;
  for (auto& [name, fb] : fns) {
    if (!fb.has_version_doc) {
      // Only aliases are known: give the function every version they name.
      for (const auto& [alias_name, a] : fb.aliases) {
        std::vector<std::string> named = {a.function_version()};
        for (const auto& w : a.routing_config().additional_version_weights()) {
          named.push_back(w.version());
        }
        for (const std::string& v : named) {
          uint64_t n = 0;
          if (!absl::SimpleAtoi(v, &n) || n == 0) continue;
          v1::FunctionVersion fv;
          fv.set_version(v);
          fb.versions.emplace(n, fv);
        }
      }
    }
    v1::Function* f = snap.add_functions();
    f->set_name(name);
    if (fb.latest.has_value()) *f->mutable_latest() = *fb.latest;
    if (f->latest().revision_id().empty()) {
      f->mutable_latest()->set_revision_id(next_id());
    }
    uint64_t last = 0;
    for (auto& [n, v] : fb.versions) {
      if (v.revision_id().empty()) v.set_revision_id(next_id());
      *f->add_versions() = v;
      last = n;
    }
    f->set_last_version_number(last);
    for (auto& [alias_name, a] : fb.aliases) {
      if (a.revision_id().empty()) a.set_revision_id(next_id());
      a.set_routing_seed(aliasroute::DefaultRoutingSeed(name, alias_name));
      if (a.routing_config().additional_version_weights_size() > 1) {
        extended = true;
      }
      *f->add_aliases() = a;
    }
  }
  snap.mutable_options()->set_routing_mode(
      extended && allow_extended ? v1::ROUTING_MODE_EXTENDED
                                 : v1::ROUTING_MODE_AWS_COMPATIBLE);
  snap.set_revision_counter(counter);
  snap.set_generation(1);
  return snap;
}

absl::StatusOr<v1::RegistrySnapshot> LoadRegistry(
    const std::vector<std::string>& paths) {
  if (paths.empty()) return absl::InvalidArgumentError("no registry file given");
  std::vector<AwsDocument> aws;
  std::optional<std::pair<std::string, DocKind>> snapshot_doc;
  std::string snapshot_text;
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    absl::StatusOr<DocKind> kind = DetectKind(*text);
    if (!kind.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", Msg(kind.status())));
    }
    switch (*kind) {
      case DocKind::kSnapshotJson:
      case DocKind::kSnapshotBinary:
        if (snapshot_doc.has_value() || paths.size() > 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ": a registry snapshot must be the only registry file"));
        }
        snapshot_doc.emplace(path, *kind);
        snapshot_text = std::move(*text);
        break;
      case DocKind::kAwsListAliases:
      case DocKind::kAwsGetAlias:
      case DocKind::kAwsListVersions:
      case DocKind::kAwsFunctionConfig:
        aws.push_back(AwsDocument{path, *kind, std::move(*text)});
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": this is a ", DocKindName(*kind),
            ", not a registry (expected a RegistrySnapshot or AWS Lambda "
            "list-versions-by-function / list-aliases output)"));
    }
  }
  v1::RegistrySnapshot snap;
  std::string where;
  if (snapshot_doc.has_value()) {
    absl::Status s = ParseSnapshot(snapshot_doc->first, snapshot_text,
                                   snapshot_doc->second, &snap);
    if (!s.ok()) return s;
    where = snapshot_doc->first;
  } else {
    absl::StatusOr<v1::RegistrySnapshot> built =
        SnapshotFromAwsDocuments(aws, /*allow_extended=*/true);
    if (!built.ok()) return built.status();
    snap = *std::move(built);
    where = absl::StrJoin(paths, " + ");
  }
  absl::Status s = CheckRoutable(where, snap);
  if (!s.ok()) return s;
  return snap;
}

// ---------------------------------------------------------------------------
// Traffic-shift configurations.

absl::StatusOr<v1::StepList> ParseStepList(absl::string_view text) {
  v1::StepList list;
  std::vector<absl::string_view> items =
      absl::StrSplit(TrimText(text), ',');
  for (size_t i = 0; i < items.size(); ++i) {
    const absl::string_view item = absl::StripAsciiWhitespace(items[i]);
    const std::string what = absl::StrCat("step ", i + 1, " (\"", item, "\")");
    const size_t colon = item.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " must be WEIGHT:HOLD, e.g. 10%:5m or 25%:pause"));
    }
    const absl::string_view left = item.substr(0, colon);
    const absl::string_view right = item.substr(colon + 1);
    if (left == "max") {
      if (i + 1 != items.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": max:PERCENT must be the last item"));
      }
      absl::StatusOr<uint32_t> max =
          ParsePercent(right, absl::StrCat(what, " maximum weight"));
      if (!max.ok()) return max.status();
      list.set_max_weight_ppb(*max);
      continue;
    }
    absl::StatusOr<uint32_t> w = ParsePercent(left, absl::StrCat(what, " weight"));
    if (!w.ok()) return w.status();
    v1::Step* step = list.add_steps();
    step->set_weight_ppb(*w);
    if (right == "pause") {
      step->set_pause(true);
    } else {
      absl::StatusOr<int64_t> hold =
          ParseDuration(right, absl::StrCat(what, " hold"));
      if (!hold.ok()) return hold.status();
      step->set_hold_ms(*hold);
    }
  }
  if (list.steps_size() == 0) {
    return absl::InvalidArgumentError("a step list needs at least one step");
  }
  return list;
}

namespace {

absl::StatusOr<v1::TrafficRoutingConfig> ConfigFromText(absl::string_view text,
                                                        DocKind kind) {
  v1::TrafficRoutingConfig config;
  switch (kind) {
    case DocKind::kPredefinedName:
      return aliasroute::PredefinedTrafficRoutingConfig(text);
    case DocKind::kCodeDeployConfig:
      return aliasroute::TrafficRoutingConfigFromAwsJson(text);
    case DocKind::kTrafficConfigJson: {
      absl::Status s = JsonStringToMessage(text, &config);
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "not a valid TrafficRoutingConfig (protobuf JSON): ", Msg(s)));
      }
      return config;
    }
    case DocKind::kStepListJson: {
      absl::Status s = JsonStringToMessage(text, config.mutable_step_list());
      if (!s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("not a valid StepList (protobuf JSON): ", Msg(s)));
      }
      return config;
    }
    case DocKind::kStepListText: {
      absl::StatusOr<v1::StepList> list = ParseStepList(text);
      if (!list.ok()) return list.status();
      *config.mutable_step_list() = *std::move(list);
      return config;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "this is a ", DocKindName(kind),
          ", not a traffic-shift configuration"));
  }
}

}  // namespace

absl::StatusOr<v1::TrafficRoutingConfig> ParseTrafficConfig(
    const std::string& arg) {
  std::string text = arg;
  std::string prefix;
  if (IsRegularFile(arg)) {
    absl::StatusOr<std::string> contents = ReadFile(arg);
    if (!contents.ok()) return contents.status();
    text = *std::move(contents);
    prefix = absl::StrCat(arg, ": ");
  } else if (absl::StrContains(arg, "/") || absl::EndsWith(arg, ".json")) {
    absl::StatusOr<std::string> contents = ReadFile(arg);  // The error.
    if (!contents.ok()) return contents.status();
    text = *std::move(contents);
    prefix = absl::StrCat(arg, ": ");
  }
  const absl::string_view t = TrimText(text);
  absl::StatusOr<DocKind> kind = DetectKind(t);
  if (!kind.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, Msg(kind.status())));
  }
  absl::StatusOr<v1::TrafficRoutingConfig> config = ConfigFromText(t, *kind);
  absl::Status s = config.status();
  if (s.ok()) s = aliasroute::ValidateTrafficRoutingConfig(*config);
  if (!s.ok()) {
    std::string extra;
    if (s.code() == absl::StatusCode::kNotFound &&
        *kind == DocKind::kPredefinedName) {
      extra = absl::StrCat(
          "; predefined configs are: ",
          absl::StrJoin(aliasroute::PredefinedTrafficRoutingConfigNames(), ", "));
    }
    return absl::Status(s.code(), absl::StrCat(prefix, Msg(s), extra));
  }
  return config;
}

std::string DescribeConfig(const v1::TrafficRoutingConfig& config) {
  const auto minutes = [](uint32_t m) {
    return absl::StrCat(m, m == 1 ? " minute" : " minutes");
  };
  switch (config.kind_case()) {
    case v1::TrafficRoutingConfig::kAllAtOnce:
      return "all at once: 100% at the start";
    case v1::TrafficRoutingConfig::kTimeBasedCanary:
      return absl::StrCat("canary: ",
                          config.time_based_canary().canary_percentage(),
                          "%, then 100% after ",
                          minutes(config.time_based_canary().canary_interval_minutes()));
    case v1::TrafficRoutingConfig::kTimeBasedLinear:
      return absl::StrCat("linear: ",
                          config.time_based_linear().linear_percentage(),
                          "% more every ",
                          minutes(config.time_based_linear().linear_interval_minutes()));
    case v1::TrafficRoutingConfig::kStepList: {
      int pauses = 0;
      for (const auto& s : config.step_list().steps()) pauses += s.pause() ? 1 : 0;
      std::string out = absl::StrCat(
          "step list: ", Plural(config.step_list().steps_size(), "step", "steps"));
      if (pauses > 0) absl::StrAppend(&out, ", ", Plural(pauses, "pause", "pauses"));
      if (config.step_list().max_weight_ppb() != 0) {
        absl::StrAppend(&out, ", at most ",
                        aliasroute::FormatWeight(config.step_list().max_weight_ppb()));
      }
      return out;
    }
    case v1::TrafficRoutingConfig::KIND_NOT_SET:
      break;
  }
  return "unset";
}

// ---------------------------------------------------------------------------
// validate.

namespace {

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// Every problem of a snapshot: the header, then each function on its own
// (without aliases), then each alias on its own, then the whole (limits) and
// the router's rules. `json_paths` picks "functions[0].aliases[1] (f:a)"
// locations (for a snapshot file) or "function f alias a" (for a registry
// built from AWS documents).
std::vector<Problem> SnapshotProblems(const v1::RegistrySnapshot& snap,
                                      bool json_paths, std::string* summary) {
  std::vector<Problem> problems;
  v1::RegistrySnapshot header = snap;
  header.clear_functions();
  absl::Status s = aliasroute::ValidateRegistrySnapshot(header);
  if (!s.ok()) {
    problems.push_back({"snapshot", Msg(s)});
    return problems;
  }
  int versions = 0, aliases = 0;
  for (int i = 0; i < snap.functions_size(); ++i) {
    const v1::Function& f = snap.functions(i);
    versions += f.versions_size();
    aliases += f.aliases_size();
    const std::string floc =
        json_paths ? absl::StrCat("functions[", i, "] (", f.name(), ")")
                   : absl::StrCat("function ", Quoted(f.name()));
    if (i > 0 && !(snap.functions(i - 1).name() < f.name())) {
      problems.push_back(
          {floc, absl::StrCat("functions must be sorted ascending by name "
                              "without duplicates, but it follows ",
                              Quoted(snap.functions(i - 1).name()))});
    }
    v1::RegistrySnapshot one = header;
    v1::Function* g = one.add_functions();
    *g = f;
    g->clear_aliases();
    s = aliasroute::ValidateRegistrySnapshot(one);
    // The location already names the function (and alias): drop the
    // library's "snapshot function #0 \"f\"" prefix, whose index is that of
    // the one-function snapshot checked here.
    const std::string from = absl::StrCat("snapshot function #0 ", Quoted(f.name()));
    const auto fix = [&](const absl::Status& st, absl::string_view alias) {
      std::string m = Msg(st);
      if (!absl::StartsWith(m, from)) return m;
      m.erase(0, from.size());
      const std::string alias_part = absl::StrCat(" alias ", Quoted(alias), ": ");
      if (!alias.empty() && absl::StartsWith(m, alias_part)) {
        m.erase(0, alias_part.size());
      } else if (absl::StartsWith(m, ": ")) {
        m.erase(0, 2);
      } else if (absl::StartsWith(m, " ")) {
        m.erase(0, 1);
      }
      return m;
    };
    if (!s.ok()) {
      problems.push_back({floc, fix(s, "")});
      continue;
    }
    for (int j = 0; j < f.aliases_size(); ++j) {
      const v1::Alias& a = f.aliases(j);
      const std::string aloc =
          json_paths ? absl::StrCat("functions[", i, "].aliases[", j, "] (",
                                    f.name(), ":", a.name(), ")")
                     : absl::StrCat("function ", Quoted(f.name()), " alias ",
                                    Quoted(a.name()));
      if (j > 0 && !(f.aliases(j - 1).name() < a.name())) {
        problems.push_back(
            {aloc, absl::StrCat("aliases must be sorted ascending by name "
                                "without duplicates, but it follows ",
                                Quoted(f.aliases(j - 1).name()))});
      }
      v1::RegistrySnapshot with_alias = one;
      *with_alias.mutable_functions(0)->add_aliases() = a;
      s = aliasroute::ValidateRegistrySnapshot(with_alias);
      if (s.ok()) s = aliasroute::Router::Validate(with_alias);
      if (!s.ok()) problems.push_back({aloc, fix(s, a.name())});
    }
  }
  if (problems.empty()) {
    s = aliasroute::ValidateRegistrySnapshot(snap);
    if (s.ok()) s = aliasroute::Router::Validate(snap);
    if (!s.ok()) problems.push_back({"snapshot", Msg(s)});
  }
  *summary = absl::StrCat(Plural(snap.functions_size(), "function", "functions"),
                          ", ", Plural(versions, "published version",
                                       "published versions"),
                          ", ", Plural(aliases, "alias", "aliases"));
  return problems;
}

// Each element of the array `key` of a JSON object, re-serialized, checked
// with `check`; problems are located "key[i]".
template <typename Check>
void ElementProblems(absl::string_view text, absl::string_view key, Check check,
                     std::vector<Problem>* problems) {
  absl::StatusOr<Value> root = ParseJsonValue(text);
  if (!root.ok() || !root->has_struct_value()) return;
  auto it = root->struct_value().fields().find(std::string(key));
  if (it == root->struct_value().fields().end() ||
      !it->second.has_list_value()) {
    return;
  }
  const auto& values = it->second.list_value().values();
  for (int i = 0; i < values.size(); ++i) {
    std::string element;
    if (!google::protobuf::util::MessageToJsonString(values[i], &element).ok()) {
      continue;
    }
    absl::Status s = check(element);
    if (!s.ok()) {
      problems->push_back({absl::StrCat(key, "[", i, "]"), Msg(s)});
    }
  }
}

}  // namespace

std::vector<Problem> ValidateDocument(absl::string_view text, DocKind kind,
                                      std::string* summary) {
  std::vector<Problem> problems;
  const absl::string_view t =
      kind == DocKind::kSnapshotBinary ? text : TrimText(text);
  const auto one = [&](absl::string_view location, const absl::Status& s) {
    if (!s.ok()) problems.push_back({std::string(location), Msg(s)});
  };
  std::string what;
  switch (kind) {
    case DocKind::kSnapshotJson:
    case DocKind::kSnapshotBinary: {
      v1::RegistrySnapshot snap;
      absl::Status s = ParseSnapshot("", t, kind, &snap);
      if (!s.ok()) {
        std::string m = Msg(s);
        DropPrefix(&m, ": ");
        problems.push_back({"(document)", m});
        break;
      }
      problems = SnapshotProblems(snap, /*json_paths=*/true, &what);
      break;
    }
    case DocKind::kAwsListAliases:
    case DocKind::kAwsGetAlias:
    case DocKind::kAwsListVersions:
    case DocKind::kAwsFunctionConfig: {
      if (kind == DocKind::kAwsListAliases) {
        ElementProblems(
            t, "Aliases",
            [](const std::string& e) {
              return aliasroute::AliasFromAwsJson(e).status();
            },
            &problems);
      } else if (kind == DocKind::kAwsListVersions) {
        ElementProblems(
            t, "Versions",
            [](const std::string& e) {
              return aliasroute::FunctionConfigurationFromAwsJson(e).status();
            },
            &problems);
      }
      if (!problems.empty()) break;
      absl::StatusOr<v1::RegistrySnapshot> snap = SnapshotFromAwsDocuments(
          {AwsDocument{"", kind, std::string(t)}}, /*allow_extended=*/false,
          /*default_function=*/"unnamed-function");
      if (!snap.ok()) {
        std::string m = Msg(snap.status());
        DropPrefix(&m, ": ");
        problems.push_back({"(document)", m});
        break;
      }
      problems = SnapshotProblems(*snap, /*json_paths=*/false, &what);
      break;
    }
    case DocKind::kAwsRoutingConfig: {
      absl::StatusOr<v1::RoutingConfig> rc =
          aliasroute::RoutingConfigFromAwsJson(t);
      one("RoutingConfig", rc.status());
      if (rc.ok()) {
        what = Plural(rc->additional_version_weights_size(),
                      "additional version", "additional versions");
      }
      break;
    }
    case DocKind::kDeploymentSpecJson: {
      v1::DeploymentSpec spec;
      absl::Status s = JsonStringToMessage(t, &spec);
      if (!s.ok()) {
        one("(document)", absl::InvalidArgumentError(absl::StrCat(
                              "not a valid DeploymentSpec (protobuf JSON): ",
                              Msg(s))));
        break;
      }
      one("(document)", aliasroute::ValidateDeploymentSpec(spec));
      what = absl::StrCat("function ", Quoted(spec.function_name()), " alias ",
                          Quoted(spec.alias_name()), ", version ",
                          spec.current_version(), " -> ", spec.target_version());
      break;
    }
    case DocKind::kStepListText: {
      // Every step's syntax on its own, so every bad step is reported.
      std::vector<absl::string_view> items = absl::StrSplit(t, ',');
      for (size_t i = 0; i < items.size(); ++i) {
        absl::StatusOr<v1::StepList> l = ParseStepList(items[i]);
        if (!l.ok() && !absl::StartsWith(absl::StripAsciiWhitespace(items[i]),
                                         "max:")) {
          std::string m = Msg(l.status());
          DropPrefix(&m, "step 1 ");
          problems.push_back({absl::StrCat("step ", i + 1), m});
        }
      }
      if (!problems.empty()) break;
      ABSL_FALLTHROUGH_INTENDED;
    }
    default: {
      absl::StatusOr<v1::TrafficRoutingConfig> c = ConfigFromText(t, kind);
      absl::Status s = c.status();
      if (s.ok()) s = aliasroute::ValidateTrafficRoutingConfig(*c);
      one(kind == DocKind::kCodeDeployConfig ? "trafficRoutingConfig"
                                             : "(config)",
          s);
      if (s.ok()) {
        what = absl::StrCat(c->name().empty() ? "" : c->name() + ": ",
                            DescribeConfig(*c));
      }
      break;
    }
  }
  *summary = absl::StrCat(DocKindName(kind), what.empty() ? "" : ", ", what);
  return problems;
}

}  // namespace aliasroute_cli
