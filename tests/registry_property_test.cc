// Randomized property tests for lib/registry.h.
//
// Thousands of random calls (fixed seeds) run against the registry and
// against a small reference model kept in this file. The model decides, for
// each call, the set of rules the call breaks: an empty set means the call
// must succeed and the model applies it; otherwise the call must fail with
// one of the codes of the broken rules (the registry may check them in any
// order) and must leave Snapshot() byte-identical. After every step:
//   - functions, versions (numbers and frozen configurations), $LATEST and
//     aliases (primary, description, weights) equal the model's;
//   - version numbers are issued as last+1, never reused (also after
//     deletions and restores);
//   - revision ids change exactly when the model says the resource changed,
//     and a new id is one never seen before;
//   - the snapshot validates (referential integrity, layouts) and the
//     generation grows by one per successful change and only then.
// Snapshot round trips: every so often the registry is restored from its own
// snapshot (byte-identical result) and from a corrupted copy (refused,
// unchanged), and randomized registries round-trip through FromSnapshot.

#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "lib/registry.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using Code = absl::StatusCode;

std::string Bytes(const v1::RegistrySnapshot& s) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    s.SerializeToCodedStream(&coded);
  }
  return out;
}

bool Same(const google::protobuf::Message& a,
          const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

const char* const kRoles[] = {"arn:aws:iam::123456789012:role/a",
                              "arn:aws:iam::123456789012:role/b"};
const char* const kDlqs[] = {"", "arn:aws:sqs:us-east-1:123456789012:dlq"};
const char* const kShas[] = {"s1", "s2", "s3"};
const char* const kDescriptions[] = {"", "x", "y"};
const char* const kFunctions[] = {"a", "b", "c", "d"};
const char* const kAliases[] = {"beta", "dev", "live"};
const uint32_t kWeights[] = {0, 100'000'000, 500'000'000, kWeightScale,
                             kWeightScale + 1};

struct MVersion {
  v1::FunctionConfiguration config;
};
struct MAlias {
  std::string primary;
  std::string description;
  std::map<uint64_t, uint32_t> weights;  // Sorted, as the registry stores.
};
struct MFunction {
  v1::FunctionConfiguration latest;
  bool dirty = true;  // $LATEST changed since the newest publish.
  std::map<uint64_t, MVersion> versions;
  uint64_t last = 0;
  std::map<std::string, MAlias> aliases;
};

class Harness {
 public:
  Harness(v1::RoutingMode mode, uint32_t seed) : rng_(seed) {
    options_.routing_mode = mode;
    options_.max_functions = 3;
    options_.max_versions_per_function = 6;
    options_.max_aliases_per_function = 2;
    options_.max_routing_versions = 2;
    options_.revision_seed = seed;
    registry_ = Registry::Create(options_).value();
  }

  // Every kind of call must have both succeeded and been refused, and
  // weighted aliases must have been made: otherwise the run tested little.
  void ExpectCoverage() const {
    for (const char* op :
         {"CreateFunction", "UpdateFunctionCode", "UpdateFunctionConfiguration",
          "PublishVersion", "DeleteFunction", "CreateAlias", "UpdateAlias",
          "DeleteAlias", "Restore(corrupt snapshot)"}) {
      auto it = stats_.find(op);
      ASSERT_NE(it, stats_.end()) << op;
      if (std::string(op) != "Restore(corrupt snapshot)") {
        EXPECT_GT(it->second.first, 5) << op << " (almost) never succeeded";
      }
      if (std::string(op) != "DeleteAlias") {
        EXPECT_GT(it->second.second, 5) << op << " never refused";
      }
      std::cout << op << ": " << it->second.first << " ok, "
                << it->second.second << " refused\n";
    }
    EXPECT_GT(weighted_aliases_, 10);
    std::cout << "weighted alias states: " << weighted_aliases_ << "\n";
  }

  void Run(int steps) {
    for (int step = 0; step < steps && !::testing::Test::HasFailure(); ++step) {
      step_ = step;
      const std::string before = Bytes(*registry_->Snapshot());
      const uint64_t generation = registry_->generation();
      changed_.clear();
      std::set<Code> violations;
      absl::Status status = RandomCall(&violations);
      if (violations.empty()) {
        ASSERT_TRUE(status.ok()) << Where() << status;
      } else {
        ASSERT_FALSE(status.ok())
            << Where() << "expected one of the broken rules";
        ASSERT_TRUE(violations.count(status.code()))
            << Where() << "unexpected code: " << status;
        ASSERT_FALSE(status.message().empty());
        ASSERT_EQ(Bytes(*registry_->Snapshot()), before)
            << Where() << "a refused call changed the state: " << status;
        ASSERT_EQ(registry_->generation(), generation);
      }
      if (!changed_.empty() || structural_change_) {
        ASSERT_EQ(registry_->generation(), generation + 1) << Where();
      } else {
        ASSERT_EQ(registry_->generation(), generation) << Where();
        ASSERT_EQ(Bytes(*registry_->Snapshot()), before) << Where();
      }
      structural_change_ = false;
      (status.ok() ? stats_[op_].first : stats_[op_].second)++;
      Compare();
    }
  }

 private:
  std::string Where() const {
    return absl::StrCat("step ", step_, " ", op_, ": ");
  }

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng_)];
  }
  bool Coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng_); }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  v1::FunctionConfiguration RandomConfig() {
    v1::FunctionConfiguration c;
    c.set_role(kRoles[Coin(0.85) ? 0 : 1]);
    c.set_dead_letter_target_arn(kDlqs[Coin(0.85) ? 0 : 1]);
    c.set_code_sha256(Pick(kShas));
    c.set_description(Pick(kDescriptions));
    return c;
  }

  // The function name as the caller spells it: any of the three forms.
  std::string Spell(const std::string& name) {
    switch (Int(0, 2)) {
      case 0:
        return name;
      case 1:
        return "123456789012:function:" + name;
      default:
        return "arn:aws:lambda:us-east-1:123456789012:function:" + name;
    }
  }

  // What the registry holds now, keyed "f/$LATEST", "f/3", "f/@live".
  std::map<std::string, std::string> CurrentRevisions() {
    std::map<std::string, std::string> out;
    for (const v1::Function& f : registry_->Snapshot()->functions()) {
      out[f.name() + "/$LATEST"] = f.latest().revision_id();
      for (const auto& v : f.versions())
        out[f.name() + "/" + v.version()] = v.revision_id();
      for (const auto& a : f.aliases())
        out[f.name() + "/@" + a.name()] = a.revision_id();
    }
    return out;
  }

  std::string Rev(const std::string& key) {
    auto it = revisions_.find(key);
    return it == revisions_.end() ? "" : it->second;
  }

  // The set of codes for an alias (primary, weights) on `f`.
  void AliasRules(const MFunction& f, const std::string& primary,
                  const std::vector<std::pair<uint64_t, uint32_t>>& weights,
                  std::set<Code>* v) {
    const uint32_t limit = options_.routing_mode == v1::ROUTING_MODE_EXTENDED
                               ? options_.max_routing_versions
                               : 1;
    if (weights.size() > limit) v->insert(Code::kInvalidArgument);
    uint64_t sum = 0;
    std::set<uint64_t> seen;
    for (const auto& [n, w] : weights) {
      if (w > kWeightScale) v->insert(Code::kInvalidArgument);
      if (!seen.insert(n).second) v->insert(Code::kInvalidArgument);
      if (absl::StrCat(n) == primary) v->insert(Code::kInvalidArgument);
      sum += w;
    }
    if (sum > kWeightScale) v->insert(Code::kInvalidArgument);
    if (primary == "$LATEST" && !weights.empty())
      v->insert(Code::kInvalidArgument);
    const MVersion* p = nullptr;
    if (primary != "$LATEST") {
      auto it = f.versions.find(std::stoull(primary));
      if (it == f.versions.end()) {
        v->insert(Code::kNotFound);
      } else {
        p = &it->second;
      }
    }
    for (const auto& [n, w] : weights) {
      auto it = f.versions.find(n);
      if (it == f.versions.end()) {
        v->insert(Code::kNotFound);
      } else if (p != nullptr &&
                 (it->second.config.role() != p->config.role() ||
                  it->second.config.dead_letter_target_arn() !=
                      p->config.dead_letter_target_arn())) {
        v->insert(Code::kInvalidArgument);
      }
    }
  }

  // Mostly versions that exist, sometimes $LATEST or any number.
  std::string RandomVersionText(const MFunction* f) {
    if (Coin(0.1)) return "$LATEST";
    if (f != nullptr && !f->versions.empty() && Coin(0.8)) {
      auto it = f->versions.begin();
      std::advance(it, Int(0, static_cast<int>(f->versions.size()) - 1));
      return absl::StrCat(it->first);
    }
    return absl::StrCat(Int(1, 8));
  }
  uint32_t RandomWeight() {
    return Coin(0.9) ? static_cast<uint32_t>(Int(0, 40)) * 12'500'000u
                     : Pick(kWeights);
  }
  std::vector<std::pair<uint64_t, uint32_t>> RandomWeights(const MFunction* f) {
    std::vector<std::pair<uint64_t, uint32_t>> w;
    const int n = Coin(0.3) ? 0 : (Coin(0.7) ? 1 : Int(2, 3));
    for (int i = 0; i < n; ++i) {
      std::string version = RandomVersionText(f);
      if (version == "$LATEST") version = "1";  // Keys are numbers here.
      w.push_back({std::stoull(version), RandomWeight()});
    }
    return w;
  }
  std::string RandomAliasName(const MFunction* f) {
    if (f != nullptr && !f->aliases.empty() && Coin(0.8)) {
      auto it = f->aliases.begin();
      std::advance(it, Int(0, static_cast<int>(f->aliases.size()) - 1));
      return it->first;
    }
    return Pick(kAliases);
  }
  v1::RoutingConfig ToConfig(
      const std::vector<std::pair<uint64_t, uint32_t>>& w) {
    v1::RoutingConfig c;
    for (const auto& [n, weight] : w) {
      auto* e = c.add_additional_version_weights();
      e->set_version(absl::StrCat(n));
      e->set_weight_ppb(weight);
    }
    return c;
  }

  // Publishes in the model (REQUIRES the limit check passed).
  void ModelPublish(const std::string& name, MFunction& f,
                    const std::optional<std::string>& description) {
    if (!f.dirty && f.versions.count(f.last)) return;  // No-op.
    const uint64_t n = f.last + 1;
    f.versions[n].config = f.latest;
    if (description) f.versions[n].config.set_description(*description);
    f.last = n;
    f.dirty = false;
    changed_.insert(name + "/" + absl::StrCat(n));
    changed_.insert(name + "/$LATEST");
    ASSERT_TRUE(issued_[name].insert(n).second) << Where() << "number reused";
  }
  bool WouldPublish(const MFunction& f) const {
    return f.dirty || !f.versions.count(f.last);
  }

  absl::Status RandomCall(std::set<Code>* v) {
    const std::string name = Pick(kFunctions);
    auto fit = model_.find(name);
    MFunction* f = fit == model_.end() ? nullptr : &fit->second;
    const int op = Int(0, 99);
    if (op < 8) {
      op_ = "CreateFunction";
      CreateFunctionRequest req;
      req.function_name = Spell(name);
      req.configuration = RandomConfig();
      req.publish = Coin(0.3);
      if (f != nullptr) v->insert(Code::kAlreadyExists);
      if (model_.size() >= options_.max_functions)
        v->insert(Code::kResourceExhausted);
      absl::Status s = registry_->CreateFunction(req).status();
      if (v->empty() && s.ok()) {
        MFunction& m = model_[name];
        m.latest = req.configuration;
        issued_[name].clear();
        changed_.insert(name + "/$LATEST");
        if (req.publish) ModelPublish(name, m, std::nullopt);
      }
      return s;
    }
    if (op < 20) {
      op_ = "UpdateFunctionCode";
      UpdateFunctionCodeRequest req;
      req.function_name = Spell(name);
      req.code_sha256 = Pick(kShas);
      req.publish = Coin(0.3);
      const int rev = Int(0, 2);
      if (rev == 1) req.revision_id = Rev(name + "/$LATEST");
      if (rev == 2) req.revision_id = "stale";
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->UpdateFunctionCode(req).status();
      }
      if (rev == 2) v->insert(Code::kAborted);
      const bool change = f->latest.code_sha256() != req.code_sha256;
      if (req.publish && (change || WouldPublish(*f)) &&
          f->versions.size() >= options_.max_versions_per_function) {
        v->insert(Code::kResourceExhausted);
      }
      absl::Status s = registry_->UpdateFunctionCode(req).status();
      if (v->empty() && s.ok()) {
        if (change) {
          f->latest.set_code_sha256(req.code_sha256);
          f->dirty = true;
          changed_.insert(name + "/$LATEST");
        }
        if (req.publish) ModelPublish(name, *f, std::nullopt);
      }
      return s;
    }
    if (op < 30) {
      op_ = "UpdateFunctionConfiguration";
      UpdateFunctionConfigurationRequest req;
      req.function_name = Spell(name);
      if (Coin()) req.role = kRoles[Coin(0.85) ? 0 : 1];
      if (Coin()) req.dead_letter_target_arn = kDlqs[Coin(0.85) ? 0 : 1];
      if (Coin()) req.description = Pick(kDescriptions);
      if (Coin(0.05)) req.memory_size_mb = 1;  // Invalid.
      if (Coin(0.2))
        req.revision_id = Coin() ? "stale" : Rev(name + "/$LATEST");
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->UpdateFunctionConfiguration(req).status();
      }
      if (!req.revision_id.empty() &&
          req.revision_id != Rev(name + "/$LATEST")) {
        v->insert(Code::kAborted);
      }
      if (req.memory_size_mb) v->insert(Code::kInvalidArgument);
      absl::Status s = registry_->UpdateFunctionConfiguration(req).status();
      if (v->empty() && s.ok()) {
        v1::FunctionConfiguration c = f->latest;
        if (req.role) c.set_role(*req.role);
        if (req.dead_letter_target_arn)
          c.set_dead_letter_target_arn(*req.dead_letter_target_arn);
        if (req.description) c.set_description(*req.description);
        if (!Same(c, f->latest)) {
          f->latest = c;
          f->dirty = true;
          changed_.insert(name + "/$LATEST");
        }
      }
      return s;
    }
    if (op < 45) {
      op_ = "PublishVersion";
      PublishVersionRequest req;
      req.function_name = Spell(name);
      if (Coin(0.2)) req.code_sha256 = Pick(kShas);
      if (Coin(0.2))
        req.revision_id = Coin() ? "stale" : Rev(name + "/$LATEST");
      if (Coin(0.3)) req.description = Pick(kDescriptions);
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->PublishVersion(req).status();
      }
      if (!req.code_sha256.empty() &&
          req.code_sha256 != f->latest.code_sha256()) {
        v->insert(Code::kInvalidArgument);
      }
      if (!req.revision_id.empty() &&
          req.revision_id != Rev(name + "/$LATEST")) {
        v->insert(Code::kAborted);
      }
      if (WouldPublish(*f) &&
          f->versions.size() >= options_.max_versions_per_function) {
        v->insert(Code::kResourceExhausted);
      }
      absl::StatusOr<v1::FunctionVersion> got = registry_->PublishVersion(req);
      if (v->empty() && got.ok()) {
        const uint64_t expected = WouldPublish(*f) ? f->last + 1 : f->last;
        EXPECT_EQ(got->version(), absl::StrCat(expected)) << Where();
        ModelPublish(name, *f, req.description);
      }
      return got.status();
    }
    if (op < 58) {
      op_ = "DeleteFunction";
      std::string qualifier;
      const int kind = Int(0, 9);
      if (kind == 0 && Coin(0.7)) return absl::OkStatus();  // Fewer wipes.
      if (kind == 0)
        qualifier = "";
      else if (kind == 1)
        qualifier = "$LATEST";
      else if (kind == 2)
        qualifier = Pick(kAliases);
      else
        qualifier = absl::StrCat(Int(1, 8));
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->DeleteFunction(Spell(name), qualifier);
      }
      if (kind == 1 || kind == 2) v->insert(Code::kInvalidArgument);
      if (kind >= 3) {
        for (const auto& [an, a] : f->aliases) {
          if (a.primary == qualifier) v->insert(Code::kFailedPrecondition);
          for (const auto& [n, w] : a.weights) {
            if (absl::StrCat(n) == qualifier)
              v->insert(Code::kFailedPrecondition);
          }
        }
      }
      absl::Status s = registry_->DeleteFunction(Spell(name), qualifier);
      if (v->empty() && s.ok()) {
        if (kind == 0) {
          model_.erase(name);
          structural_change_ = true;
        } else if (f->versions.erase(std::stoull(qualifier))) {
          structural_change_ = true;
        }
      }
      return s;
    }
    if (op < 70) {
      op_ = "CreateAlias";
      CreateAliasRequest req;
      req.function_name = Spell(name);
      req.name = Pick(kAliases);
      req.function_version = RandomVersionText(f);
      req.description = Pick(kDescriptions);
      auto weights = RandomWeights(f);
      req.routing_config = ToConfig(weights);
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->CreateAlias(req).status();
      }
      if (f->aliases.count(req.name)) v->insert(Code::kAlreadyExists);
      if (f->aliases.size() >= options_.max_aliases_per_function) {
        v->insert(Code::kResourceExhausted);
      }
      AliasRules(*f, req.function_version, weights, v);
      absl::Status s = registry_->CreateAlias(req).status();
      if (v->empty() && s.ok()) {
        MAlias& a = f->aliases[req.name];
        a.primary = req.function_version;
        a.description = req.description;
        for (const auto& [n, w] : weights) a.weights[n] = w;
        if (!weights.empty()) ++weighted_aliases_;
        changed_.insert(name + "/@" + req.name);
      }
      return s;
    }
    if (op < 88) {
      op_ = "UpdateAlias";
      UpdateAliasRequest req;
      req.function_name = Spell(name);
      req.name = RandomAliasName(f);
      if (Coin()) req.function_version = RandomVersionText(f);
      if (Coin(0.3)) req.description = Pick(kDescriptions);
      std::vector<std::pair<uint64_t, uint32_t>> weights;
      if (Coin(0.7)) {
        weights = RandomWeights(f);
        req.routing_config = ToConfig(weights);
      }
      const int rev = Int(0, 3);
      if (rev == 1) req.revision_id = Rev(name + "/@" + req.name);
      if (rev == 2) req.revision_id = "stale";
      if (f == nullptr || !f->aliases.count(req.name)) {
        v->insert(Code::kNotFound);
        return registry_->UpdateAlias(req).status();
      }
      MAlias& a = f->aliases[req.name];
      if (rev == 2) v->insert(Code::kAborted);
      const std::string primary = req.function_version.value_or(a.primary);
      if (!req.routing_config)
        weights.assign(a.weights.begin(), a.weights.end());
      AliasRules(*f, primary, weights, v);
      absl::Status s = registry_->UpdateAlias(req).status();
      if (v->empty() && s.ok()) {
        MAlias next;
        next.primary = primary;
        next.description = req.description.value_or(a.description);
        for (const auto& [n, w] : weights) next.weights[n] = w;
        if (next.primary != a.primary || next.description != a.description ||
            next.weights != a.weights) {
          a = next;
          if (!weights.empty()) ++weighted_aliases_;
          changed_.insert(name + "/@" + req.name);
        }
      }
      return s;
    }
    if (op < 95) {
      op_ = "DeleteAlias";
      const std::string alias = Pick(kAliases);
      if (f == nullptr) {
        v->insert(Code::kNotFound);
        return registry_->DeleteAlias(Spell(name), alias);
      }
      absl::Status s = registry_->DeleteAlias(Spell(name), alias);
      if (s.ok() && f->aliases.erase(alias)) structural_change_ = true;
      return s;
    }
    if (op < 98) {
      op_ = "Restore(own snapshot)";
      // Restore keeps the generation recorded in the snapshot: no change.
      const std::string before = Bytes(*registry_->Snapshot());
      absl::Status s = registry_->Restore(*registry_->Snapshot());
      EXPECT_EQ(Bytes(*registry_->Snapshot()), before) << Where();
      return s;
    }
    op_ = "Restore(corrupt snapshot)";
    v1::RegistrySnapshot bad = *registry_->Snapshot();
    Corrupt(&bad);
    v->insert(Code::kInvalidArgument);
    return registry_->Restore(bad);
  }

  // Breaks one rule of a valid snapshot.
  void Corrupt(v1::RegistrySnapshot* s) {
    std::vector<int> with_versions;
    for (int i = 0; i < s->functions_size(); ++i) {
      if (s->functions(i).versions_size() > 0) with_versions.push_back(i);
    }
    switch (with_versions.empty() ? Int(0, 1) : Int(0, 4)) {
      case 0:
        s->set_format_version(0);
        return;
      case 1:
        s->mutable_options()->set_routing_mode(static_cast<v1::RoutingMode>(9));
        return;
      default:
        break;
    }
    v1::Function* f =
        s->mutable_functions(with_versions[Int(0, with_versions.size() - 1)]);
    switch (Int(0, 2)) {
      case 0: {  // A version above the highest number ever issued.
        const std::string& newest =
            f->versions(f->versions_size() - 1).version();
        f->set_last_version_number(std::stoull(newest) - 1);
        return;
      }
      case 1:  // Duplicate version.
        *f->add_versions() = f->versions(0);
        return;
      default:  // Empty revision id.
        f->mutable_versions(0)->clear_revision_id();
        return;
    }
  }

  void Compare() {
    std::shared_ptr<const v1::RegistrySnapshot> snap = registry_->Snapshot();
    ASSERT_OK(ValidateRegistrySnapshot(*snap)) << Where();
    std::vector<std::string> names;
    for (const auto& [n, f] : model_) names.push_back(n);
    ASSERT_EQ(registry_->ListFunctions(), names) << Where();
    for (const v1::Function& f : snap->functions()) {
      const MFunction& m = model_.at(f.name());
      ASSERT_TRUE(Same(f.latest().configuration(), m.latest))
          << Where() << f.name();
      ASSERT_EQ(f.last_version_number(), m.last) << Where();
      ASSERT_EQ(f.versions_size(), static_cast<int>(m.versions.size()))
          << Where();
      int i = 0;
      for (const auto& [n, mv] : m.versions) {
        const v1::FunctionVersion& v = f.versions(i++);
        ASSERT_EQ(v.version(), absl::StrCat(n)) << Where();
        ASSERT_TRUE(Same(v.configuration(), mv.config))
            << Where() << "version " << n;
      }
      ASSERT_EQ(f.aliases_size(), static_cast<int>(m.aliases.size()))
          << Where();
      i = 0;
      for (const auto& [an, ma] : m.aliases) {
        const v1::Alias& a = f.aliases(i++);
        ASSERT_EQ(a.name(), an) << Where();
        ASSERT_EQ(a.function_version(), ma.primary) << Where();
        ASSERT_EQ(a.description(), ma.description) << Where();
        ASSERT_EQ(a.routing_config().additional_version_weights_size(),
                  static_cast<int>(ma.weights.size()))
            << Where();
        int j = 0;
        for (const auto& [n, w] : ma.weights) {
          const v1::VersionWeight& vw =
              a.routing_config().additional_version_weights(j++);
          ASSERT_EQ(vw.version(), absl::StrCat(n)) << Where();
          ASSERT_EQ(vw.weight_ppb(), w) << Where();
        }
      }
    }
    // Revision ids: changed exactly where the model says, always fresh.
    std::map<std::string, std::string> now = CurrentRevisions();
    for (const auto& [key, id] : now) {
      auto old = revisions_.find(key);
      const bool changed = changed_.count(key) > 0;
      if (old != revisions_.end() && !changed) {
        ASSERT_EQ(id, old->second) << Where() << key << " changed unexpectedly";
      } else {
        ASSERT_TRUE(changed) << Where() << key << " appeared unexpectedly";
        ASSERT_TRUE(seen_ids_.insert(id).second)
            << Where() << key << " reused id " << id;
      }
    }
    revisions_ = std::move(now);
  }

  RegistryOptions options_;
  std::mt19937 rng_;
  std::unique_ptr<Registry> registry_;
  std::map<std::string, MFunction> model_;
  std::map<std::string, std::set<uint64_t>> issued_;  // Numbers ever issued.
  std::map<std::string, std::string> revisions_;      // Last seen ids.
  absl::flat_hash_set<std::string> seen_ids_;
  std::set<std::string> changed_;   // Keys the current call changes.
  bool structural_change_ = false;  // Deletions (no revision id changes).
  std::map<std::string, std::pair<int, int>> stats_;  // op -> (ok, refused)
  int weighted_aliases_ = 0;
  int step_ = 0;
  std::string op_;
};

TEST(RegistryPropertyTest, AwsCompatibleModeMatchesModel) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    Harness h(v1::ROUTING_MODE_AWS_COMPATIBLE, seed);
    h.Run(3000);
    h.ExpectCoverage();
  }
}

TEST(RegistryPropertyTest, ExtendedModeMatchesModel) {
  for (uint32_t seed : {11u, 12u, 13u}) {
    SCOPED_TRACE(seed);
    Harness h(v1::ROUTING_MODE_EXTENDED, seed);
    h.Run(3000);
    h.ExpectCoverage();
  }
}

// Randomized registries survive FromSnapshot/Snapshot byte for byte, and a
// publish after the restore continues the numbering.
TEST(RegistryPropertyTest, RandomizedSnapshotRoundTrip) {
  std::mt19937 rng(99);
  for (int round = 0; round < 50; ++round) {
    RegistryOptions o;
    o.routing_mode =
        round % 2 ? v1::ROUTING_MODE_EXTENDED : v1::ROUTING_MODE_AWS_COMPATIBLE;
    o.revision_seed = round;
    auto r = Registry::Create(o).value();
    const int functions = std::uniform_int_distribution<int>(1, 5)(rng);
    for (int fi = 0; fi < functions; ++fi) {
      const std::string name = absl::StrCat("fn", fi);
      CreateFunctionRequest c;
      c.function_name = name;
      c.configuration.set_code_sha256("s0");
      c.now = absl::FromUnixSeconds(1'700'000'000 + fi);
      ASSERT_OK(r->CreateFunction(c).status());
      const int versions = std::uniform_int_distribution<int>(1, 8)(rng);
      for (int vi = 1; vi <= versions; ++vi) {
        UpdateFunctionCodeRequest u;
        u.function_name = name;
        u.code_sha256 = absl::StrCat("s", vi);
        u.publish = true;
        ASSERT_OK(r->UpdateFunctionCode(u).status());
      }
      // Delete a random unreferenced version.
      const int gone = std::uniform_int_distribution<int>(1, versions)(rng);
      if (gone != versions) {
        ASSERT_OK(r->DeleteFunction(name, absl::StrCat(gone)));
      }
      CreateAliasRequest a;
      a.function_name = name;
      a.name = "live";
      a.function_version = absl::StrCat(versions);
      if (versions > 1 && gone != versions - 1) {
        auto* w = a.routing_config.add_additional_version_weights();
        w->set_version(absl::StrCat(versions - 1));
        w->set_weight_ppb(
            std::uniform_int_distribution<uint32_t>(0, kWeightScale)(rng));
      }
      ASSERT_OK(r->CreateAlias(a).status());
    }
    const std::string bytes = Bytes(*r->Snapshot());
    v1::RegistrySnapshot parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    ASSERT_OK_AND_ASSIGN(auto copy, Registry::FromSnapshot(parsed));
    ASSERT_EQ(Bytes(*copy->Snapshot()), bytes);
    ASSERT_OK(copy->Restore(parsed));
    ASSERT_EQ(Bytes(*copy->Snapshot()), bytes);
    // A publish after the restore takes last_version_number + 1.
    const v1::Function& f0 = parsed.functions(0);
    UpdateFunctionCodeRequest u;
    u.function_name = f0.name();
    u.code_sha256 = "after";
    u.publish = true;
    ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, copy->UpdateFunctionCode(u));
    EXPECT_EQ(v.version(), absl::StrCat(f0.last_version_number() + 1));
    // Revision ids after restore are new too.
    for (const auto& fv : f0.versions())
      EXPECT_NE(fv.revision_id(), v.revision_id());
  }
}

}  // namespace
}  // namespace aliasroute
