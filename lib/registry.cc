// The Registry class (lib/registry.h). The rules it applies live in
// lib/registry_rules.cc; this file holds the state, its copy-on-write
// updates and the Lambda API calls.
//
// Lambda API reference pages behind the behaviour here (quoted in
// ../shared/notes/aws-semantics.md, sections 2-3):
//   [PublishVersion]  numbering, no-op publish, CodeSha256 / RevisionId
//                     preconditions and their messages.
//   [DeleteFunction]  whole function vs one version, alias-referenced
//                     versions, $LATEST, alias qualifiers, missing versions.
//   [CreateAlias] [UpdateAlias] [GetAlias] [ListAliases] [DeleteAlias]
//                     alias rules and their not-found messages.
//   [GetFunctionConfiguration] [ListVersionsByFunction] reads.
//   [FunctionName]    name / partial ARN / full ARN forms and the cross-region
//                     message "Functions from 'R' are not reachable in this
//                     region ('R2')".

#include "lib/registry.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "lib/arn.h"
#include "lib/errors.h"
#include "lib/internal/registry_rules.h"
#include "lib/layout.h"
#include "lib/weights.h"

namespace aliasroute {
namespace {

using aliasroute_internal::CheckAliasTargets;
using aliasroute_internal::EffectiveOptions;
using aliasroute_internal::FindVersion;
using aliasroute_internal::RoutingLimit;
using aliasroute_internal::ToTimestamp;
using aliasroute_internal::ValidateConfiguration;
using aliasroute_internal::ValidateDescription;
using google::protobuf::Timestamp;

// The functions of one state, copy-on-write in two levels: kBuckets buckets
// (by hash of the name), each an immutable sorted map shared between states.
// Replacing one function copies one bucket (about F / kBuckets entries) and
// the bucket array, instead of an index of all F functions.
class FunctionIndex {
 public:
  static constexpr size_t kBuckets = 64;

  FunctionIndex() {
    auto empty = std::make_shared<const Bucket>();
    buckets_.fill(empty);
  }

  const v1::Function* Find(absl::string_view name) const {
    const Bucket& b = *buckets_[BucketOf(name)];
    auto it = b.find(name);
    return it == b.end() ? nullptr : it->second.get();
  }

  size_t size() const { return size_; }

  // Sets `name` to `f`, or erases it when `f` is null.
  void Set(const std::string& name, std::shared_ptr<const v1::Function> f) {
    std::shared_ptr<const Bucket>& slot = buckets_[BucketOf(name)];
    auto copy = std::make_shared<Bucket>(*slot);
    const size_t before = copy->size();
    if (f == nullptr) {
      copy->erase(name);
    } else {
      (*copy)[name] = std::move(f);
    }
    size_ = size_ - before + copy->size();
    slot = std::move(copy);
  }

  // An index of `functions` (distinct names), built in O(F log F).
  static FunctionIndex Of(
      std::vector<std::shared_ptr<const v1::Function>> functions) {
    std::array<Bucket, kBuckets> buckets;
    for (auto& f : functions) {
      const std::string& name = f->name();
      buckets[BucketOf(name)].emplace(name, std::move(f));
    }
    FunctionIndex index;
    for (size_t i = 0; i < kBuckets; ++i) {
      index.size_ += buckets[i].size();
      index.buckets_[i] = std::make_shared<const Bucket>(std::move(buckets[i]));
    }
    return index;
  }

  // Every function, ascending by name. O(F log F).
  std::vector<const v1::Function*> Sorted() const {
    std::vector<const v1::Function*> out;
    out.reserve(size_);
    for (const auto& b : buckets_) {
      for (const auto& entry : *b) out.push_back(entry.second.get());
    }
    std::sort(out.begin(), out.end(),
              [](const v1::Function* a, const v1::Function* b) {
                return a->name() < b->name();
              });
    return out;
  }

 private:
  using Bucket =
      std::map<std::string, std::shared_ptr<const v1::Function>, std::less<>>;
  static size_t BucketOf(absl::string_view name) {
    return std::hash<std::string_view>()(
               std::string_view(name.data(), name.size())) %
           kBuckets;
  }
  std::array<std::shared_ptr<const Bucket>, kBuckets> buckets_;
  size_t size_ = 0;
};

// Everything a registry holds except the lazily built snapshot.
struct StateData {
  RegistryOptions options;  // Effective: no 0 limits, mode set.
  FunctionIndex functions;
  uint64_t revision_counter = 0;
  uint64_t generation = 0;
  // Every revision id present in the snapshot this state was restored from
  // (null for a registry that was never restored). A snapshot's
  // revision_counter cannot prove which ids it already issued: a stale or
  // edited counter would reissue an id that is still in use, and a stale id
  // would then pass a RevisionId precondition or make PublishVersion think
  // nothing changed. IdGen skips these ids, which is deterministic, so replay
  // still gives identical snapshots. Ids issued after the restore have fresh
  // counters and cannot collide with each other.
  std::shared_ptr<const absl::flat_hash_set<std::string>> restored_ids;
};

std::string Quote(absl::string_view value) {
  constexpr size_t kMax = 80;
  if (value.size() <= kMax) {
    return absl::StrCat("\"", absl::CHexEscape(value), "\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMax)), "\"...");
}

// Issues revision ids from a working copy of the counter; the counter only
// reaches the registry when the call commits.
struct IdGen {
  uint64_t seed;
  uint64_t counter;
  const absl::flat_hash_set<std::string>* taken = nullptr;  // May be null.
  std::string Next() {
    std::string id = MakeRevisionId(seed, counter++);
    while (taken != nullptr && taken->contains(id)) {
      id = MakeRevisionId(seed, counter++);
    }
    return id;
  }
};

// A function name argument, resolved against the registry's location.
struct Resolved {
  std::string name;
  std::string qualifier;  // Empty when none.
};

std::string ArnOf(const RegistryOptions& o, absl::string_view name,
                  absl::string_view qualifier = {}) {
  return FunctionArn(o.partition, o.region, o.account_id, name, qualifier);
}

// [FunctionName]: accepts a name, a partial ARN or a full ARN, each with an
// optional qualifier. `qualifier_arg` is the call's separate qualifier (empty
// when none); `takes_qualifier` says whether the call accepts one at all.
absl::StatusOr<Resolved> Resolve(const RegistryOptions& o,
                                 absl::string_view text,
                                 absl::string_view qualifier_arg,
                                 bool takes_qualifier, absl::string_view call) {
  absl::StatusOr<FunctionRef> ref = ParseFunctionRef(text);
  if (!ref.ok()) {
    return InvalidParameterValue(
        absl::StrCat(call, ": function name: ", ref.status().message()));
  }
  if (ref->form == v1::ARN_FORM_FULL) {
    if (ref->region != o.region) {
      // Observed AWS message for an ARN from another region.
      return ResourceNotFound(absl::StrCat(
          "Functions from '", ref->region,
          "' are not reachable in this region ('", o.region, "')"));
    }
    if (ref->partition != o.partition || ref->account_id != o.account_id) {
      return ResourceNotFound(
          absl::StrCat("Function not found: ",
                       FunctionArn(ref->partition, ref->region, ref->account_id,
                                   ref->function_name)));
    }
  } else if (ref->form == v1::ARN_FORM_PARTIAL &&
             ref->account_id != o.account_id) {
    return ResourceNotFound(
        absl::StrCat("Function not found: ",
                     FunctionArn(o.partition, o.region, ref->account_id,
                                 ref->function_name)));
  }
  Resolved out{std::string(ref->function_name), std::string(ref->qualifier)};
  if (!takes_qualifier) {
    if (!out.qualifier.empty()) {
      return InvalidParameterValue(absl::StrCat(
          call, ": function name ", Quote(text),
          " must not include a qualifier (got \"", out.qualifier, "\")"));
    }
    return out;
  }
  if (!qualifier_arg.empty()) {
    absl::Status s = ValidateQualifier(qualifier_arg);
    if (!s.ok()) {
      return InvalidParameterValue(absl::StrCat(call, ": ", s.message()));
    }
    if (out.qualifier.empty()) {
      out.qualifier = std::string(qualifier_arg);
    } else if (out.qualifier != qualifier_arg) {
      // Observed AWS message ([FunctionName]).
      return InvalidParameterValue(
          "The derived qualifier from the function name does not match the "
          "specified qualifier.");
    }
  }
  return out;
}

const v1::Function* FindFunction(const StateData& d, absl::string_view name) {
  return d.functions.Find(name);
}

absl::Status FunctionNotFound(const RegistryOptions& o, absl::string_view name,
                              absl::string_view qualifier = {}) {
  return ResourceNotFound(
      absl::StrCat("Function not found: ", ArnOf(o, name, qualifier)));
}

// Looks up a resolved function; kNotFound when missing.
absl::StatusOr<const v1::Function*> GetExisting(const StateData& d,
                                                absl::string_view name) {
  const v1::Function* f = FindFunction(d, name);
  if (f == nullptr) return FunctionNotFound(d.options, name);
  return f;
}

// What an alias call names: the resolved function and its current record,
// after the checks every alias call makes first, in this order: the
// function name or ARN, the alias name, the function's existence.
struct AliasCallTarget {
  Resolved fn;
  const v1::Function* function;
};

absl::StatusOr<AliasCallTarget> ResolveAliasCall(
    const StateData& d, absl::string_view function_name,
    absl::string_view alias_name, absl::string_view call) {
  absl::StatusOr<Resolved> r =
      Resolve(d.options, function_name, {}, false, call);
  if (!r.ok()) return r.status();
  if (absl::Status s = ValidateAliasName(alias_name); !s.ok()) return s;
  absl::StatusOr<const v1::Function*> f = GetExisting(d, r->name);
  if (!f.ok()) return f.status();
  return AliasCallTarget{*std::move(r), *f};
}

int FindAliasIndex(const v1::Function& f, absl::string_view name) {
  const auto& aliases = f.aliases();
  auto it = std::lower_bound(
      aliases.begin(), aliases.end(), name,
      [](const v1::Alias& a, absl::string_view n) { return a.name() < n; });
  if (it != aliases.end() && it->name() == name) {
    return static_cast<int>(it - aliases.begin());
  }
  return -1;
}

v1::FunctionVersion LatestView(const v1::Function& f) {
  v1::FunctionVersion v;
  v.set_version(std::string(kLatestVersion));
  *v.mutable_configuration() = f.latest().configuration();
  v.set_revision_id(f.latest().revision_id());
  if (f.latest().has_last_modified()) {
    *v.mutable_created() = f.latest().last_modified();
  }
  return v;
}

absl::Status CheckRevision(absl::string_view expected,
                           absl::string_view actual) {
  if (expected.empty() || expected == actual) return absl::OkStatus();
  // [PublishVersion] / [UpdateAlias] observed AWS message.
  return PreconditionFailed(absl::StrCat(
      "The Revision Id provided does not match the latest Revision Id. Call "
      "the GetFunction/GetAlias API to retrieve the latest Revision Id "
      "(expected \"",
      expected, "\", latest is \"", actual, "\")"));
}

absl::StatusOr<std::optional<Timestamp>> MaybeTimestamp(
    const std::optional<absl::Time>& now) {
  if (!now.has_value()) return std::optional<Timestamp>();
  absl::StatusOr<Timestamp> ts = ToTimestamp(*now);
  if (!ts.ok()) return ts.status();
  return std::optional<Timestamp>(*ts);
}

void SetLastModified(v1::LatestState* latest,
                     const std::optional<Timestamp>& ts) {
  if (ts.has_value()) {
    *latest->mutable_last_modified() = *ts;
  } else {
    latest->clear_last_modified();
  }
}

bool SameMessage(const google::protobuf::Message& a,
                 const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// [PublishVersion] Publishes $LATEST of `f` (a working copy). Sets
// *created_new. Returns the published (or unchanged newest) version.
absl::StatusOr<v1::FunctionVersion> PublishInto(
    v1::Function& f, IdGen& gen, const RegistryOptions& o,
    const std::optional<std::string>& description,
    const std::optional<Timestamp>& now, bool* created_new) {
  *created_new = false;
  // "Lambda doesn't publish a version if the function's configuration and
  // code haven't changed since the last version": $LATEST's revision id is
  // unchanged since the newest publish, and that version still exists (a
  // deleted newest version is republished under a new number). The
  // Description of a no-op publish is ignored, as AWS does.
  if (!f.published_latest_revision_id().empty() &&
      f.published_latest_revision_id() == f.latest().revision_id()) {
    const std::string newest = absl::StrCat(f.last_version_number());
    if (const v1::FunctionVersion* v = FindVersion(f, newest)) return *v;
  }
  if (static_cast<uint64_t>(f.versions_size()) >= o.max_versions_per_function) {
    return LimitExceeded(absl::StrCat(
        "function \"", f.name(), "\" already has ", f.versions_size(),
        " versions, the limit max_versions_per_function = ",
        o.max_versions_per_function));
  }
  if (f.last_version_number() >= aliasroute_internal::kMaxVersionNumber) {
    return LimitExceeded(absl::StrCat("function \"", f.name(),
                                      "\" has used every version number up to ",
                                      f.last_version_number()));
  }
  if (description.has_value()) {
    absl::Status s =
        ValidateDescription(*description, "PublishVersion description");
    if (!s.ok()) return s;
  }
  // Numbers grow by one from the highest ever issued and are never reused,
  // also after deletions ([PublishVersion]; developer guide: "Version numbers
  // are never reused").
  const uint64_t number = f.last_version_number() + 1;
  v1::FunctionVersion* v = f.add_versions();
  v->set_version(absl::StrCat(number));
  *v->mutable_configuration() = f.latest().configuration();
  if (description.has_value()) {
    v->mutable_configuration()->set_description(*description);
  }
  v->set_revision_id(gen.Next());
  if (now.has_value()) *v->mutable_created() = *now;
  f.set_last_version_number(number);
  // $LATEST's revision id changes on every PublishVersion (observed).
  f.mutable_latest()->set_revision_id(gen.Next());
  f.set_published_latest_revision_id(f.latest().revision_id());
  *created_new = true;
  return *v;
}

// The routing config sorted ascending by version number (the stored form).
v1::RoutingConfig Sorted(const v1::RoutingConfig& config) {
  v1::RoutingConfig out = config;
  auto* w = out.mutable_additional_version_weights();
  std::stable_sort(w->begin(), w->end(),
                   [](const v1::VersionWeight& a, const v1::VersionWeight& b) {
                     return VersionLess(a.version(), b.version());
                   });
  return out;
}

// Validates an alias's new (primary, config, description) against function
// `f` under the registry's rules; returns the layout to store.
absl::StatusOr<v1::RoutingLayout> CheckAlias(
    const StateData& d, const v1::Function& f, absl::string_view primary,
    const v1::RoutingConfig& sorted_config, absl::string_view description,
    const v1::RoutingLayout& previous_layout) {
  absl::Status s = ValidateDescription(description, "alias description");
  if (!s.ok()) return s;
  s = ValidateRoutingConfig(sorted_config, primary, d.options.routing_mode,
                            RoutingLimit(d.options), /*require_sorted=*/true);
  if (!s.ok()) return s;
  s = CheckAliasTargets(f, ArnOf(d.options, f.name()), primary, sorted_config);
  if (!s.ok()) return s;
  return NextLayout(previous_layout, primary, sorted_config);
}

std::string AliasListText(const std::vector<std::string>& names) {
  return absl::StrCat("[", absl::StrJoin(names, ", "), "]");
}

// A copy of `cur` with function `name` replaced by `f` (erased when null),
// the revision counter advanced to `counter` and the generation bumped.
StateData WithFunction(const StateData& cur, const std::string& name,
                       std::shared_ptr<const v1::Function> f,
                       uint64_t counter) {
  StateData next;
  next.options = cur.options;
  next.functions = cur.functions;  // Shares every unchanged bucket.
  next.functions.Set(name, std::move(f));
  next.revision_counter = counter;
  next.generation = cur.generation + 1;
  next.restored_ids = cur.restored_ids;
  return next;
}

v1::RegistrySnapshot BuildSnapshot(const StateData& d) {
  v1::RegistrySnapshot s;
  s.set_format_version(kRegistrySnapshotFormatVersion);
  v1::RegistryOptions* o = s.mutable_options();
  o->set_routing_mode(d.options.routing_mode);
  o->set_max_functions(d.options.max_functions);
  o->set_max_versions_per_function(d.options.max_versions_per_function);
  o->set_max_aliases_per_function(d.options.max_aliases_per_function);
  o->set_max_routing_versions(d.options.max_routing_versions);
  s.set_partition(d.options.partition);
  s.set_region(d.options.region);
  s.set_account_id(d.options.account_id);
  s.mutable_functions()->Reserve(static_cast<int>(d.functions.size()));
  for (const v1::Function* f : d.functions.Sorted()) *s.add_functions() = *f;
  s.set_revision_counter(d.revision_counter);
  s.set_revision_seed(d.options.revision_seed);
  s.set_generation(d.generation);
  return s;
}

// REQUIRES: ValidateRegistrySnapshot(snapshot) is OK.
StateData StateFromSnapshot(const v1::RegistrySnapshot& snapshot) {
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
  StateData d;
  d.options = EffectiveOptions(raw).value();
  std::vector<std::shared_ptr<const v1::Function>> functions;
  functions.reserve(snapshot.functions_size());
  for (const v1::Function& f : snapshot.functions()) {
    functions.push_back(std::make_shared<const v1::Function>(f));
  }
  d.functions = FunctionIndex::Of(std::move(functions));
  d.revision_counter = snapshot.revision_counter();
  d.generation = snapshot.generation();
  auto ids = std::make_shared<absl::flat_hash_set<std::string>>();
  for (const v1::Function& f : snapshot.functions()) {
    ids->insert(f.latest().revision_id());
    if (!f.published_latest_revision_id().empty()) {
      ids->insert(f.published_latest_revision_id());
    }
    for (const v1::FunctionVersion& v : f.versions()) ids->insert(v.revision_id());
    for (const v1::Alias& a : f.aliases()) ids->insert(a.revision_id());
  }
  d.restored_ids = std::move(ids);
  return d;
}

}  // namespace

struct Registry::State {
  explicit State(StateData d) : data(std::move(d)) {}
  const StateData data;
  // Built on first use by Snapshot(), then shared. std::once_flag (not
  // absl::once_flag) so ThreadSanitizer sees the synchronization.
  mutable std::once_flag snapshot_once;
  mutable std::shared_ptr<const v1::RegistrySnapshot> snapshot;
};

Registry::Registry(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

Registry::~Registry() = default;

absl::StatusOr<std::unique_ptr<Registry>> Registry::Create(
    const RegistryOptions& options) {
  absl::StatusOr<RegistryOptions> effective = EffectiveOptions(options);
  if (!effective.ok()) return effective.status();
  StateData d;
  d.options = *std::move(effective);
  return std::unique_ptr<Registry>(
      new Registry(std::make_shared<const State>(std::move(d))));
}

absl::StatusOr<std::unique_ptr<Registry>> Registry::FromSnapshot(
    const v1::RegistrySnapshot& snapshot) {
  absl::Status s = ValidateRegistrySnapshot(snapshot);
  if (!s.ok()) return s;
  return std::unique_ptr<Registry>(
      new Registry(std::make_shared<const State>(StateFromSnapshot(snapshot))));
}

std::shared_ptr<const Registry::State> Registry::Load() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return state_;
}

void Registry::Store(std::shared_ptr<const State> state) {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    state_.swap(state);
  }
  // `state` now holds the old state; it is released here, outside the lock.
}

// ---- Functions ----------------------------------------------------------

absl::StatusOr<v1::Function> Registry::CreateFunction(
    const CreateFunctionRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r =
      Resolve(d.options, request.function_name, {}, false, "CreateFunction");
  if (!r.ok()) return r.status();
  absl::Status s =
      ValidateConfiguration(request.configuration, "configuration");
  if (!s.ok()) return s;
  absl::StatusOr<std::optional<Timestamp>> now = MaybeTimestamp(request.now);
  if (!now.ok()) return now.status();
  if (FindFunction(d, r->name) != nullptr) {
    // AWS's message for CreateFunction on an existing name (sic).
    return ResourceAlreadyExists(
        absl::StrCat("Function already exist: ", r->name));
  }
  if (d.functions.size() >= d.options.max_functions) {
    return LimitExceeded(absl::StrCat(
        "registry already has ", d.functions.size(),
        " functions, the limit max_functions = ", d.options.max_functions));
  }
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  v1::Function f;
  f.set_name(r->name);
  *f.mutable_latest()->mutable_configuration() = request.configuration;
  f.mutable_latest()->set_revision_id(gen.Next());
  SetLastModified(f.mutable_latest(), *now);
  if (request.publish) {
    bool created_new = false;
    absl::StatusOr<v1::FunctionVersion> v =
        PublishInto(f, gen, d.options, std::nullopt, *now, &created_new);
    if (!v.ok()) return v.status();
  }
  auto shared = std::make_shared<const v1::Function>(std::move(f));
  Store(std::make_shared<const State>(
      WithFunction(d, r->name, shared, gen.counter)));
  return *shared;
}

absl::StatusOr<v1::FunctionVersion> Registry::UpdateFunctionCode(
    const UpdateFunctionCodeRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r = Resolve(d.options, request.function_name, {},
                                       false, "UpdateFunctionCode");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> old = GetExisting(d, r->name);
  if (!old.ok()) return old.status();
  if (request.code_sha256.empty()) {
    return InvalidParameterValue(
        "UpdateFunctionCode: code_sha256 must not be empty");
  }
  absl::StatusOr<std::optional<Timestamp>> now = MaybeTimestamp(request.now);
  if (!now.ok()) return now.status();
  absl::Status s =
      CheckRevision(request.revision_id, (*old)->latest().revision_id());
  if (!s.ok()) return s;
  v1::FunctionConfiguration config = (*old)->latest().configuration();
  config.set_code_sha256(request.code_sha256);
  config.set_code_size_bytes(request.code_size_bytes);
  if (request.architectures.has_value()) {
    config.clear_architectures();
    for (const std::string& a : *request.architectures)
      config.add_architectures(a);
  }
  s = ValidateConfiguration(config, "configuration");
  if (!s.ok()) return s;
  v1::Function f = **old;
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  bool changed = false;
  // An update that changes nothing leaves $LATEST (and its revision id) alone.
  if (!SameMessage(config, f.latest().configuration())) {
    *f.mutable_latest()->mutable_configuration() = std::move(config);
    f.mutable_latest()->set_revision_id(gen.Next());
    SetLastModified(f.mutable_latest(), *now);
    changed = true;
  }
  v1::FunctionVersion result = LatestView(f);
  if (request.publish) {
    bool created_new = false;
    absl::StatusOr<v1::FunctionVersion> v =
        PublishInto(f, gen, d.options, std::nullopt, *now, &created_new);
    if (!v.ok()) return v.status();
    result = *std::move(v);
    changed = changed || created_new;
  }
  if (changed) {
    Store(std::make_shared<const State>(WithFunction(
        d, r->name, std::make_shared<const v1::Function>(std::move(f)),
        gen.counter)));
  }
  return result;
}

absl::StatusOr<v1::FunctionVersion> Registry::UpdateFunctionConfiguration(
    const UpdateFunctionConfigurationRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r = Resolve(d.options, request.function_name, {},
                                       false, "UpdateFunctionConfiguration");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> old = GetExisting(d, r->name);
  if (!old.ok()) return old.status();
  absl::StatusOr<std::optional<Timestamp>> now = MaybeTimestamp(request.now);
  if (!now.ok()) return now.status();
  absl::Status s =
      CheckRevision(request.revision_id, (*old)->latest().revision_id());
  if (!s.ok()) return s;
  v1::FunctionConfiguration config = (*old)->latest().configuration();
  if (request.runtime) config.set_runtime(*request.runtime);
  if (request.handler) config.set_handler(*request.handler);
  if (request.memory_size_mb)
    config.set_memory_size_mb(*request.memory_size_mb);
  if (request.timeout_seconds)
    config.set_timeout_seconds(*request.timeout_seconds);
  if (request.role) config.set_role(*request.role);
  if (request.dead_letter_target_arn) {
    config.set_dead_letter_target_arn(*request.dead_letter_target_arn);
  }
  if (request.environment) {
    config.clear_environment();
    for (const auto& [k, v] : *request.environment) {
      (*config.mutable_environment())[k] = v;
    }
  }
  if (request.description) config.set_description(*request.description);
  s = ValidateConfiguration(config, "configuration");
  if (!s.ok()) return s;
  if (SameMessage(config, (*old)->latest().configuration())) {
    return LatestView(**old);
  }
  v1::Function f = **old;
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  *f.mutable_latest()->mutable_configuration() = std::move(config);
  f.mutable_latest()->set_revision_id(gen.Next());
  SetLastModified(f.mutable_latest(), *now);
  v1::FunctionVersion result = LatestView(f);
  Store(std::make_shared<const State>(WithFunction(
      d, r->name, std::make_shared<const v1::Function>(std::move(f)),
      gen.counter)));
  return result;
}

absl::StatusOr<v1::Function> Registry::GetFunction(
    absl::string_view function_name) const {
  const std::shared_ptr<const State> cur = Load();
  absl::StatusOr<Resolved> r =
      Resolve(cur->data.options, function_name, {}, false, "GetFunction");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> f = GetExisting(cur->data, r->name);
  if (!f.ok()) return f.status();
  return **f;
}

std::vector<std::string> Registry::ListFunctions() const {
  const std::shared_ptr<const State> cur = Load();
  std::vector<std::string> names;
  names.reserve(cur->data.functions.size());
  for (const v1::Function* f : cur->data.functions.Sorted()) {
    names.push_back(f->name());
  }
  return names;
}

absl::Status Registry::DeleteFunction(absl::string_view function_name,
                                      absl::string_view qualifier) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r =
      Resolve(d.options, function_name, qualifier, true, "DeleteFunction");
  if (!r.ok()) return r.status();
  // [DeleteFunction] A missing function, with or without a qualifier:
  // "Function not found: <unqualified arn>".
  absl::StatusOr<const v1::Function*> old = GetExisting(d, r->name);
  if (!old.ok()) return old.status();
  if (r->qualifier.empty()) {
    // "Otherwise, all versions and aliases are deleted."
    Store(std::make_shared<const State>(
        WithFunction(d, r->name, nullptr, d.revision_counter)));
    return absl::OkStatus();
  }
  switch (ClassifyQualifier(r->qualifier)) {
    case QualifierKind::kLatest:
      return InvalidParameterValue(
          "$LATEST version cannot be deleted without deleting the function.");
    case QualifierKind::kAlias:
      return InvalidParameterValue(
          "Deletion of aliases is not currently supported.");
    default:
      break;
  }
  const v1::Function& f = **old;
  int version_index = -1;
  for (int i = 0; i < f.versions_size(); ++i) {
    if (f.versions(i).version() == r->qualifier) version_index = i;
  }
  // A missing version of an existing function is a no-op (AWS returns 204).
  if (version_index < 0) return absl::OkStatus();
  // [DeleteFunction] Qualifier: "You can't delete a version that an alias
  // references." We count weighted (additional) references too: deleting
  // such a version would leave the alias routing to nothing.
  std::vector<std::string> users;
  for (const v1::Alias& a : f.aliases()) {
    if (aliasroute_internal::AliasReferences(a, r->qualifier)) {
      users.push_back(a.name());
    }
  }
  if (!users.empty()) {
    return ResourceInUse(absl::StrCat(
        "Unable to delete version because the following aliases reference "
        "it: ",
        AliasListText(users)));
  }
  v1::Function next = f;
  next.mutable_versions()->DeleteSubrange(version_index, 1);
  Store(std::make_shared<const State>(WithFunction(
      d, r->name, std::make_shared<const v1::Function>(std::move(next)),
      d.revision_counter)));
  return absl::OkStatus();
}

// ---- Versions -----------------------------------------------------------

absl::StatusOr<v1::FunctionVersion> Registry::PublishVersion(
    const PublishVersionRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r =
      Resolve(d.options, request.function_name, {}, false, "PublishVersion");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> old = GetExisting(d, r->name);
  if (!old.ok()) return old.status();
  absl::StatusOr<std::optional<Timestamp>> now = MaybeTimestamp(request.now);
  if (!now.ok()) return now.status();
  const v1::LatestState& latest = (*old)->latest();
  // [PublishVersion] CodeSha256: "Only publish a version if the hash value
  // matches the value that's specified." AWS answers a mismatch with
  // InvalidParameterValueException and this message (observed).
  if (!request.code_sha256.empty() &&
      request.code_sha256 != latest.configuration().code_sha256()) {
    return InvalidParameterValue(
        absl::StrCat("CodeSHA256 (", request.code_sha256,
                     ") is different from current CodeSHA256 in $LATEST (",
                     latest.configuration().code_sha256(),
                     "). Please try again with the CodeSHA256 in $LATEST."));
  }
  // [PublishVersion] RevisionId: PreconditionFailedException (observed).
  absl::Status s = CheckRevision(request.revision_id, latest.revision_id());
  if (!s.ok()) return s;
  v1::Function f = **old;
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  bool created_new = false;
  absl::StatusOr<v1::FunctionVersion> v =
      PublishInto(f, gen, d.options, request.description, *now, &created_new);
  if (!v.ok()) return v.status();
  if (created_new) {
    Store(std::make_shared<const State>(WithFunction(
        d, r->name, std::make_shared<const v1::Function>(std::move(f)),
        gen.counter)));
  }
  return v;
}

absl::StatusOr<v1::FunctionVersion> Registry::GetFunctionConfiguration(
    absl::string_view function_name, absl::string_view qualifier) const {
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r = Resolve(d.options, function_name, qualifier,
                                       true, "GetFunctionConfiguration");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> f = GetExisting(d, r->name);
  if (!f.ok()) return f.status();
  std::string version = r->qualifier;
  if (ClassifyQualifier(version) == QualifierKind::kAlias) {
    const int i = FindAliasIndex(**f, version);
    if (i < 0) return FunctionNotFound(d.options, r->name, r->qualifier);
    version = (*f)->aliases(i).function_version();
  }
  if (version.empty() || version == kLatestVersion) return LatestView(**f);
  const v1::FunctionVersion* v = FindVersion(**f, version);
  if (v == nullptr) return FunctionNotFound(d.options, r->name, version);
  return *v;
}

absl::StatusOr<std::vector<v1::FunctionVersion>>
Registry::ListVersionsByFunction(absl::string_view function_name) const {
  const std::shared_ptr<const State> cur = Load();
  absl::StatusOr<Resolved> r = Resolve(cur->data.options, function_name, {},
                                       false, "ListVersionsByFunction");
  if (!r.ok()) return r.status();
  absl::StatusOr<const v1::Function*> f = GetExisting(cur->data, r->name);
  if (!f.ok()) return f.status();
  std::vector<v1::FunctionVersion> out;
  out.reserve((*f)->versions_size() + 1);
  out.push_back(LatestView(**f));
  for (const v1::FunctionVersion& v : (*f)->versions()) out.push_back(v);
  return out;
}

// ---- Aliases ------------------------------------------------------------

absl::StatusOr<v1::Alias> Registry::CreateAlias(
    const CreateAliasRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<AliasCallTarget> target =
      ResolveAliasCall(d, request.function_name, request.name, "CreateAlias");
  if (!target.ok()) return target.status();
  const Resolved& fn = target->fn;
  const v1::Function& f = *target->function;
  if (FindAliasIndex(f, request.name) >= 0) {
    // [CreateAlias] observed: ResourceConflictException "Alias already
    // exists: <alias arn>".
    return ResourceAlreadyExists(absl::StrCat(
        "Alias already exists: ", ArnOf(d.options, fn.name, request.name)));
  }
  const v1::RoutingConfig config = Sorted(request.routing_config);
  absl::StatusOr<v1::RoutingLayout> layout =
      CheckAlias(d, f, request.function_version, config, request.description,
                 v1::RoutingLayout());
  if (!layout.ok()) return layout.status();
  if (static_cast<uint64_t>(f.aliases_size()) >=
      d.options.max_aliases_per_function) {
    return LimitExceeded(absl::StrCat(
        "function \"", f.name(), "\" already has ", f.aliases_size(),
        " aliases, the limit max_aliases_per_function = ",
        d.options.max_aliases_per_function));
  }
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  v1::Alias alias;
  alias.set_name(request.name);
  alias.set_function_version(request.function_version);
  alias.set_description(request.description);
  *alias.mutable_routing_config() = config;
  alias.set_revision_id(gen.Next());
  *alias.mutable_layout() = *std::move(layout);
  alias.set_routing_seed(DefaultRoutingSeed(f.name(), request.name));
  v1::Function next = f;
  // Keep aliases ascending by name: append, then rotate into place.
  auto* aliases = next.mutable_aliases();
  *aliases->Add() = alias;
  for (int i = aliases->size() - 1;
       i > 0 && aliases->Get(i - 1).name() > aliases->Get(i).name(); --i) {
    aliases->SwapElements(i - 1, i);
  }
  Store(std::make_shared<const State>(WithFunction(
      d, fn.name, std::make_shared<const v1::Function>(std::move(next)),
      gen.counter)));
  return alias;
}

absl::StatusOr<v1::Alias> Registry::UpdateAlias(
    const UpdateAliasRequest& request) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<AliasCallTarget> target =
      ResolveAliasCall(d, request.function_name, request.name, "UpdateAlias");
  if (!target.ok()) return target.status();
  const Resolved& fn = target->fn;
  const v1::Function& f = *target->function;
  const int index = FindAliasIndex(f, request.name);
  if (index < 0) {
    // [UpdateAlias] observed: 404 "Alias not found: <alias arn>".
    return ResourceNotFound(absl::StrCat(
        "Alias not found: ", ArnOf(d.options, fn.name, request.name)));
  }
  const v1::Alias& prev = f.aliases(index);
  // [UpdateAlias] RevisionId: "Only update the alias if the revision ID
  // matches the ID that's specified."
  absl::Status s = CheckRevision(request.revision_id, prev.revision_id());
  if (!s.ok()) return s;
  const std::string primary =
      request.function_version.value_or(prev.function_version());
  const std::string description =
      request.description.value_or(prev.description());
  // An unset routing config keeps the current one (so moving the primary
  // onto the additional version needs an explicit empty config, as in AWS).
  const v1::RoutingConfig config = request.routing_config.has_value()
                                       ? Sorted(*request.routing_config)
                                       : prev.routing_config();
  v1::RoutingLayout previous_layout = prev.layout();
  if (previous_layout.segments_size() == 0) {
    // An empty stored layout stands for the canonical one.
    absl::StatusOr<v1::RoutingLayout> canonical =
        CanonicalLayout(prev.function_version(), prev.routing_config());
    if (canonical.ok()) previous_layout = *std::move(canonical);
  }
  absl::StatusOr<v1::RoutingLayout> layout =
      CheckAlias(d, f, primary, config, description, previous_layout);
  if (!layout.ok()) return layout.status();
  if (primary == prev.function_version() && description == prev.description() &&
      SameMessage(config, prev.routing_config())) {
    return prev;  // Nothing changes: same revision id.
  }
  IdGen gen{d.options.revision_seed, d.revision_counter,
            d.restored_ids.get()};
  v1::Function next = f;
  v1::Alias* alias = next.mutable_aliases(index);
  alias->set_function_version(primary);
  alias->set_description(description);
  *alias->mutable_routing_config() = config;
  *alias->mutable_layout() = *std::move(layout);
  alias->set_revision_id(gen.Next());
  v1::Alias result = *alias;
  Store(std::make_shared<const State>(WithFunction(
      d, fn.name, std::make_shared<const v1::Function>(std::move(next)),
      gen.counter)));
  return result;
}

absl::StatusOr<v1::Alias> Registry::SetAliasRouting(
    absl::string_view function_name, absl::string_view alias_name,
    absl::string_view primary_version,
    absl::Span<const VersionShare> additional,
    absl::string_view expected_revision_id) {
  UpdateAliasRequest request;
  request.function_name = std::string(function_name);
  request.name = std::string(alias_name);
  request.function_version = std::string(primary_version);
  v1::RoutingConfig config;
  for (const VersionShare& share : additional) {
    v1::VersionWeight* w = config.add_additional_version_weights();
    w->set_version(share.version);
    w->set_weight_ppb(share.weight_ppb);
  }
  request.routing_config = std::move(config);
  request.revision_id = std::string(expected_revision_id);
  return UpdateAlias(request);
}

absl::StatusOr<v1::Alias> Registry::GetAlias(
    absl::string_view function_name, absl::string_view alias_name) const {
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<AliasCallTarget> target =
      ResolveAliasCall(d, function_name, alias_name, "GetAlias");
  if (!target.ok()) return target.status();
  const int index = FindAliasIndex(*target->function, alias_name);
  if (index < 0) {
    // [GetAlias] observed: 404 "Cannot find alias arn: <alias arn>".
    return ResourceNotFound(absl::StrCat(
        "Cannot find alias arn: ",
        ArnOf(d.options, target->fn.name, alias_name)));
  }
  return target->function->aliases(index);
}

absl::StatusOr<std::vector<v1::Alias>> Registry::ListAliases(
    absl::string_view function_name, absl::string_view function_version) const {
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<Resolved> r =
      Resolve(d.options, function_name, {}, false, "ListAliases");
  if (!r.ok()) return r.status();
  if (!function_version.empty()) {
    absl::Status s =
        aliasroute_internal::ValidatePrimaryVersion(function_version);
    if (!s.ok()) {
      return InvalidParameterValue(
          absl::StrCat("ListAliases function_version filter: ", s.message()));
    }
  }
  absl::StatusOr<const v1::Function*> f = GetExisting(d, r->name);
  if (!f.ok()) return f.status();
  std::vector<v1::Alias> out;
  for (const v1::Alias& a : (*f)->aliases()) {
    if (function_version.empty() ||
        aliasroute_internal::AliasReferences(a, function_version)) {
      out.push_back(a);
    }
  }
  return out;
}

absl::Status Registry::DeleteAlias(absl::string_view function_name,
                                   absl::string_view alias_name) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  const std::shared_ptr<const State> cur = Load();
  const StateData& d = cur->data;
  absl::StatusOr<AliasCallTarget> target =
      ResolveAliasCall(d, function_name, alias_name, "DeleteAlias");
  if (!target.ok()) return target.status();
  const int index = FindAliasIndex(*target->function, alias_name);
  // [DeleteAlias] observed: deleting a missing alias returns 204.
  if (index < 0) return absl::OkStatus();
  v1::Function next = *target->function;
  next.mutable_aliases()->DeleteSubrange(index, 1);
  Store(std::make_shared<const State>(
      WithFunction(d, target->fn.name,
                   std::make_shared<const v1::Function>(std::move(next)),
                   d.revision_counter)));
  return absl::OkStatus();
}

// ---- Snapshot -----------------------------------------------------------

std::shared_ptr<const v1::RegistrySnapshot> Registry::Snapshot() const {
  const std::shared_ptr<const State> cur = Load();
  std::call_once(cur->snapshot_once, [&cur] {
    cur->snapshot =
        std::make_shared<const v1::RegistrySnapshot>(BuildSnapshot(cur->data));
  });
  return cur->snapshot;
}

absl::Status Registry::Restore(const v1::RegistrySnapshot& snapshot) {
  absl::Status s = ValidateRegistrySnapshot(snapshot);
  if (!s.ok()) return s;
  StateData d = StateFromSnapshot(snapshot);
  std::lock_guard<std::mutex> writer(writer_mu_);
  Store(std::make_shared<const State>(std::move(d)));
  return absl::OkStatus();
}

// ---- Small helpers ------------------------------------------------------

RegistryOptions Registry::options() const { return Load()->data.options; }

std::string Registry::Arn(absl::string_view function_name,
                          absl::string_view qualifier) const {
  return ArnOf(Load()->data.options, function_name, qualifier);
}

uint64_t Registry::generation() const { return Load()->data.generation; }

}  // namespace aliasroute
