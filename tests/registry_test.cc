// Unit tests for lib/registry.h: one or more tests per rule, each asserting
// the status code and a message fragment.

#include "lib/registry.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "lib/errors.h"
#include "lib/layout.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::IsOkAndHolds;
using ::aliasroute_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Property;
using ::testing::SizeIs;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kNotFound = absl::StatusCode::kNotFound;
constexpr absl::StatusCode kExists = absl::StatusCode::kAlreadyExists;
constexpr absl::StatusCode kInUse = absl::StatusCode::kFailedPrecondition;
constexpr absl::StatusCode kStale = absl::StatusCode::kAborted;
constexpr absl::StatusCode kLimit = absl::StatusCode::kResourceExhausted;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/app";
constexpr char kArnPrefix[] = "arn:aws:lambda:us-east-1:123456789012:function:";

std::string Bytes(const v1::RegistrySnapshot& s) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  s.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(RegistryOptions()); }

  void Reset(const RegistryOptions& options) {
    auto r = Registry::Create(options);
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = std::move(r).value();
  }

  // Creates `name` with code `sha` and role kRole.
  void MakeFunction(const std::string& name, const std::string& sha = "sha-1") {
    CreateFunctionRequest req;
    req.function_name = name;
    req.configuration.set_role(kRole);
    req.configuration.set_code_sha256(sha);
    req.configuration.set_runtime("python3.12");
    ASSERT_OK(registry_->CreateFunction(req).status());
  }

  // Updates the code to `sha` and publishes; returns the version number.
  std::string Publish(const std::string& name, const std::string& sha) {
    UpdateFunctionCodeRequest code;
    code.function_name = name;
    code.code_sha256 = sha;
    EXPECT_OK(registry_->UpdateFunctionCode(code).status());
    PublishVersionRequest pub;
    pub.function_name = name;
    auto v = registry_->PublishVersion(pub);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->version() : "";
  }

  // Function "f" with versions 1..n.
  void MakeVersions(int n) {
    MakeFunction("f");
    for (int i = 1; i <= n; ++i) {
      ASSERT_EQ(Publish("f", absl::StrCat("sha-v", i)), absl::StrCat(i));
    }
  }

  absl::StatusOr<v1::Alias> MakeAlias(const std::string& name,
                                      const std::string& primary,
                                      std::vector<VersionShare> extra = {}) {
    CreateAliasRequest req;
    req.function_name = "f";
    req.name = name;
    req.function_version = primary;
    for (const VersionShare& s : extra) {
      auto* w = req.routing_config.add_additional_version_weights();
      w->set_version(s.version);
      w->set_weight_ppb(s.weight_ppb);
    }
    return registry_->CreateAlias(req);
  }

  std::string SnapshotBytes() { return Bytes(*registry_->Snapshot()); }

  std::unique_ptr<Registry> registry_;
};

// ---- Options -------------------------------------------------------------

TEST_F(RegistryTest, CreateRejectsBadOptions) {
  RegistryOptions o;
  o.region = "nowhere";
  EXPECT_THAT(Registry::Create(o),
              StatusIs(kInvalid, HasSubstr("registry location")));
  o = RegistryOptions();
  o.account_id = "12345";
  EXPECT_THAT(Registry::Create(o),
              StatusIs(kInvalid, HasSubstr("registry location")));
  o = RegistryOptions();
  o.max_routing_versions = kMaxRoutingVersionsCap + 1;
  EXPECT_THAT(
      Registry::Create(o),
      StatusIs(kInvalid, HasSubstr("max_routing_versions must be at most")));
  o = RegistryOptions();
  o.routing_mode = static_cast<v1::RoutingMode>(7);
  EXPECT_THAT(Registry::Create(o),
              StatusIs(kInvalid, HasSubstr("unknown routing mode 7")));
}

TEST_F(RegistryTest, ZeroLimitsMeanDefaults) {
  RegistryOptions o;
  o.max_functions = 0;
  o.max_routing_versions = 0;
  o.routing_mode = v1::ROUTING_MODE_UNSPECIFIED;
  Reset(o);
  EXPECT_EQ(registry_->options().max_functions, kDefaultMaxFunctions);
  EXPECT_EQ(registry_->options().max_routing_versions,
            kDefaultMaxRoutingVersions);
  EXPECT_EQ(registry_->options().routing_mode, v1::ROUTING_MODE_AWS_COMPATIBLE);
}

// ---- Function names --------------------------------------------------------

TEST_F(RegistryTest, AcceptsNamePartialAndFullArn) {
  MakeFunction("f");
  EXPECT_OK(registry_->GetFunction("f").status());
  EXPECT_OK(registry_->GetFunction("123456789012:function:f").status());
  EXPECT_OK(registry_->GetFunction(absl::StrCat(kArnPrefix, "f")).status());
}

TEST_F(RegistryTest, ArnFromAnotherRegionIsNotReachable) {
  MakeFunction("f");
  EXPECT_THAT(
      registry_->GetFunction(
          "arn:aws:lambda:ap-southeast-1:123456789012:function:f"),
      StatusIs(kNotFound, HasSubstr("Functions from 'ap-southeast-1' are not "
                                    "reachable in this region ('us-east-1')")));
}

TEST_F(RegistryTest, ArnFromAnotherAccountIsNotFound) {
  MakeFunction("f");
  EXPECT_THAT(
      registry_->GetFunction("999999999999:function:f"),
      StatusIs(kNotFound, HasSubstr("Function not found: arn:aws:lambda:"
                                    "us-east-1:999999999999:function:f")));
  EXPECT_THAT(registry_->GetFunction(
                  "arn:aws:lambda:us-east-1:999999999999:function:f"),
              StatusIs(kNotFound, HasSubstr("999999999999")));
}

TEST_F(RegistryTest, MalformedNameIsInvalid) {
  EXPECT_THAT(registry_->GetFunction("bad name"),
              StatusIs(kInvalid, HasSubstr("GetFunction: function name")));
  EXPECT_THAT(registry_->GetFunction(std::string(65, 'a')),
              StatusIs(kInvalid, HasSubstr("64")));
}

TEST_F(RegistryTest, QualifierWhereNoneIsTakenIsInvalid) {
  MakeFunction("f");
  PublishVersionRequest pub;
  pub.function_name = "f:1";
  EXPECT_THAT(registry_->PublishVersion(pub),
              StatusIs(kInvalid, HasSubstr("must not include a qualifier")));
  CreateFunctionRequest create;
  create.function_name = "g:live";
  EXPECT_THAT(registry_->CreateFunction(create),
              StatusIs(kInvalid, HasSubstr("must not include a qualifier")));
}

TEST_F(RegistryTest, ConflictingQualifiersAreInvalid) {
  MakeVersions(2);
  EXPECT_THAT(registry_->GetFunctionConfiguration("f:1", "2"),
              StatusIs(kInvalid, HasSubstr("The derived qualifier from the "
                                           "function name does not match the "
                                           "specified qualifier.")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f:1", "1"),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "1")));
}

// ---- CreateFunction
// ----------------------------------------------------------

TEST_F(RegistryTest, CreateFunctionSetsLatest) {
  CreateFunctionRequest req;
  req.function_name = "f";
  req.configuration.set_code_sha256("abc");
  req.now = absl::FromUnixSeconds(1'700'000'000) + absl::Milliseconds(5);
  ASSERT_OK_AND_ASSIGN(v1::Function f, registry_->CreateFunction(req));
  EXPECT_EQ(f.name(), "f");
  EXPECT_EQ(f.latest().configuration().code_sha256(), "abc");
  EXPECT_FALSE(f.latest().revision_id().empty());
  EXPECT_EQ(f.latest().last_modified().seconds(), 1'700'000'000);
  EXPECT_EQ(f.latest().last_modified().nanos(), 5'000'000);
  EXPECT_EQ(f.versions_size(), 0);
  EXPECT_EQ(f.last_version_number(), 0u);
  EXPECT_EQ(registry_->ListFunctions(), std::vector<std::string>{"f"});
}

TEST_F(RegistryTest, ManyFunctionsListAndSnapshotInNameOrder) {
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i)
    names.push_back(absl::StrCat("fn-", (i * 7919) % 300));
  for (const std::string& n : names) MakeFunction(n);
  for (int i = 0; i < 300; i += 3)
    ASSERT_OK(registry_->DeleteFunction(absl::StrCat("fn-", i)));
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    if (i % 3 != 0) expected.push_back(absl::StrCat("fn-", i));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(registry_->ListFunctions(), expected);
  std::vector<std::string> in_snapshot;
  for (const auto& f : registry_->Snapshot()->functions())
    in_snapshot.push_back(f.name());
  EXPECT_EQ(in_snapshot, expected);
  ASSERT_OK_AND_ASSIGN(auto copy,
                       Registry::FromSnapshot(*registry_->Snapshot()));
  EXPECT_EQ(copy->ListFunctions(), expected);
  EXPECT_EQ(Bytes(*copy->Snapshot()), SnapshotBytes());
}

TEST_F(RegistryTest, CreateFunctionWithoutTimeLeavesTimestampUnset) {
  MakeFunction("f");
  ASSERT_OK_AND_ASSIGN(v1::Function f, registry_->GetFunction("f"));
  EXPECT_FALSE(f.latest().has_last_modified());
}

TEST_F(RegistryTest, CreateFunctionWithPublishMakesVersionOne) {
  CreateFunctionRequest req;
  req.function_name = "f";
  req.publish = true;
  ASSERT_OK_AND_ASSIGN(v1::Function f, registry_->CreateFunction(req));
  ASSERT_EQ(f.versions_size(), 1);
  EXPECT_EQ(f.versions(0).version(), "1");
  EXPECT_EQ(f.last_version_number(), 1u);
}

TEST_F(RegistryTest, CreateFunctionTwiceConflicts) {
  MakeFunction("f");
  CreateFunctionRequest req;
  req.function_name = "f";
  EXPECT_THAT(registry_->CreateFunction(req),
              StatusIs(kExists, HasSubstr("Function already exist: f")));
}

TEST_F(RegistryTest, CreateFunctionValidatesConfiguration) {
  struct Case {
    std::function<void(v1::FunctionConfiguration*)> edit;
    std::string fragment;
  };
  std::vector<Case> cases = {
      {[](auto* c) { c->set_memory_size_mb(64); }, "memory_size_mb"},
      {[](auto* c) { c->set_memory_size_mb(10241); }, "memory_size_mb"},
      {[](auto* c) { c->set_timeout_seconds(901); }, "timeout_seconds"},
      {[](auto* c) { c->set_role("not-a-role"); }, "role must match"},
      {[](auto* c) { c->set_dead_letter_target_arn("sqs"); },
       "dead_letter_target_arn"},
      {[](auto* c) { (*c->mutable_environment())["1BAD"] = "x"; },
       "variable name"},
      {[](auto* c) {
         (*c->mutable_environment())["BIG"] = std::string(5000, 'x');
       },
       "at most 4096 bytes"},
      {[](auto* c) { c->set_description(std::string(257, 'd')); },
       "at most 256 bytes"},
      {[](auto* c) { c->add_architectures("sparc"); }, "x86_64"},
      {[](auto* c) {
         c->add_architectures("arm64");
         c->add_architectures("x86_64");
       },
       "at most 1 item"},
      {[](auto* c) { c->set_runtime("py\nthon"); }, "printable ASCII"},
      {[](auto* c) { c->set_handler(std::string(129, 'h')); }, "handler"},
  };
  for (const Case& c : cases) {
    CreateFunctionRequest req;
    req.function_name = "f";
    c.edit(&req.configuration);
    EXPECT_THAT(registry_->CreateFunction(req),
                StatusIs(kInvalid, HasSubstr(c.fragment)))
        << c.fragment;
  }
  EXPECT_THAT(registry_->ListFunctions(), SizeIs(0));
}

TEST_F(RegistryTest, FunctionLimit) {
  RegistryOptions o;
  o.max_functions = 2;
  Reset(o);
  MakeFunction("a");
  MakeFunction("b");
  CreateFunctionRequest req;
  req.function_name = "c";
  EXPECT_THAT(registry_->CreateFunction(req),
              StatusIs(kLimit, HasSubstr("max_functions = 2")));
}

TEST_F(RegistryTest, InfiniteTimeIsInvalid) {
  CreateFunctionRequest req;
  req.function_name = "f";
  req.now = absl::InfiniteFuture();
  EXPECT_THAT(registry_->CreateFunction(req),
              StatusIs(kInvalid, HasSubstr("finite")));
}

// ---- Update $LATEST ---------------------------------------------------------

TEST_F(RegistryTest, UpdateFunctionCodeChangesRevision) {
  MakeFunction("f");
  ASSERT_OK_AND_ASSIGN(v1::Function before, registry_->GetFunction("f"));
  UpdateFunctionCodeRequest req;
  req.function_name = "f";
  req.code_sha256 = "sha-2";
  req.code_size_bytes = 42;
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion latest,
                       registry_->UpdateFunctionCode(req));
  EXPECT_EQ(latest.version(), "$LATEST");
  EXPECT_EQ(latest.configuration().code_sha256(), "sha-2");
  EXPECT_EQ(latest.configuration().code_size_bytes(), 42u);
  EXPECT_NE(latest.revision_id(), before.latest().revision_id());
}

TEST_F(RegistryTest, UpdateWithoutChangeKeepsRevision) {
  MakeFunction("f");
  const uint64_t gen = registry_->generation();
  ASSERT_OK_AND_ASSIGN(v1::Function before, registry_->GetFunction("f"));
  UpdateFunctionCodeRequest req;
  req.function_name = "f";
  req.code_sha256 = "sha-1";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion latest,
                       registry_->UpdateFunctionCode(req));
  EXPECT_EQ(latest.revision_id(), before.latest().revision_id());
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.runtime = "python3.12";
  ASSERT_OK_AND_ASSIGN(latest, registry_->UpdateFunctionConfiguration(conf));
  EXPECT_EQ(latest.revision_id(), before.latest().revision_id());
  EXPECT_EQ(registry_->generation(), gen);
}

TEST_F(RegistryTest, UpdateFunctionCodeRequiresSha) {
  MakeFunction("f");
  UpdateFunctionCodeRequest req;
  req.function_name = "f";
  EXPECT_THAT(registry_->UpdateFunctionCode(req),
              StatusIs(kInvalid, HasSubstr("code_sha256 must not be empty")));
}

TEST_F(RegistryTest, StaleRevisionRefusesUpdates) {
  MakeFunction("f");
  UpdateFunctionCodeRequest code;
  code.function_name = "f";
  code.code_sha256 = "x";
  code.revision_id = "stale";
  EXPECT_THAT(
      registry_->UpdateFunctionCode(code),
      StatusIs(kStale, HasSubstr("does not match the latest Revision Id")));
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.handler = "h";
  conf.revision_id = "stale";
  EXPECT_THAT(
      registry_->UpdateFunctionConfiguration(conf),
      StatusIs(kStale, HasSubstr("does not match the latest Revision Id")));
}

TEST_F(RegistryTest, UpdateConfigurationReplacesOnlySetFields) {
  MakeFunction("f");
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.memory_size_mb = 512;
  conf.environment = std::map<std::string, std::string>{{"STAGE", "prod"}};
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion latest,
                       registry_->UpdateFunctionConfiguration(conf));
  EXPECT_EQ(latest.configuration().memory_size_mb(), 512u);
  EXPECT_EQ(latest.configuration().runtime(), "python3.12");
  EXPECT_EQ(latest.configuration().role(), kRole);
  EXPECT_EQ(latest.configuration().environment().at("STAGE"), "prod");
}

TEST_F(RegistryTest, UpdateConfigurationOfMissingFunctionIsNotFound) {
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "nope";
  EXPECT_THAT(registry_->UpdateFunctionConfiguration(conf),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "nope"))));
}

TEST_F(RegistryTest, PublishedVersionsAreImmutable) {
  MakeVersions(1);
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v1_before,
                       registry_->GetFunctionConfiguration("f", "1"));
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.memory_size_mb = 1024;
  conf.description = "changed";
  ASSERT_OK(registry_->UpdateFunctionConfiguration(conf).status());
  UpdateFunctionCodeRequest code;
  code.function_name = "f";
  code.code_sha256 = "other";
  ASSERT_OK(registry_->UpdateFunctionCode(code).status());
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v1_after,
                       registry_->GetFunctionConfiguration("f", "1"));
  EXPECT_EQ(v1_before.SerializeAsString(), v1_after.SerializeAsString());
}

// ---- PublishVersion
// -----------------------------------------------------------

TEST_F(RegistryTest, PublishNumbersFromOne) {
  MakeVersions(3);
  ASSERT_OK_AND_ASSIGN(auto versions, registry_->ListVersionsByFunction("f"));
  ASSERT_THAT(versions, SizeIs(4));
  EXPECT_EQ(versions[0].version(), "$LATEST");
  EXPECT_EQ(versions[1].version(), "1");
  EXPECT_EQ(versions[2].version(), "2");
  EXPECT_EQ(versions[3].version(), "3");
  EXPECT_EQ(versions[3].configuration().code_sha256(), "sha-v3");
}

TEST_F(RegistryTest, PublishWithoutChangeReturnsNewestVersion) {
  MakeVersions(2);
  const uint64_t gen = registry_->generation();
  ASSERT_OK_AND_ASSIGN(v1::Function before, registry_->GetFunction("f"));
  PublishVersionRequest pub;
  pub.function_name = "f";
  pub.description = "Third version description :)))";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, registry_->PublishVersion(pub));
  EXPECT_EQ(v.version(), "2");
  EXPECT_EQ(v.configuration().description(), "");  // Description ignored.
  EXPECT_EQ(v.revision_id(), before.versions(1).revision_id());
  EXPECT_EQ(registry_->generation(), gen);
  ASSERT_OK_AND_ASSIGN(v1::Function after, registry_->GetFunction("f"));
  EXPECT_EQ(after.latest().revision_id(), before.latest().revision_id());
}

TEST_F(RegistryTest, ConfigurationChangeCountsForPublish) {
  MakeVersions(1);
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.description = "second";
  ASSERT_OK(registry_->UpdateFunctionConfiguration(conf).status());
  PublishVersionRequest pub;
  pub.function_name = "f";
  EXPECT_THAT(registry_->PublishVersion(pub),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "2")));
}

TEST_F(RegistryTest, PublishDescriptionOverridesLatest) {
  MakeFunction("f");
  PublishVersionRequest pub;
  pub.function_name = "f";
  pub.description = "release 1";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, registry_->PublishVersion(pub));
  EXPECT_EQ(v.configuration().description(), "release 1");
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion latest,
                       registry_->GetFunctionConfiguration("f"));
  EXPECT_EQ(latest.configuration().description(), "");
}

TEST_F(RegistryTest, PublishChangesLatestRevision) {
  MakeFunction("f");
  ASSERT_OK_AND_ASSIGN(v1::Function before, registry_->GetFunction("f"));
  PublishVersionRequest pub;
  pub.function_name = "f";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, registry_->PublishVersion(pub));
  ASSERT_OK_AND_ASSIGN(v1::Function after, registry_->GetFunction("f"));
  EXPECT_NE(after.latest().revision_id(), before.latest().revision_id());
  EXPECT_NE(v.revision_id(), before.latest().revision_id());
  EXPECT_NE(v.revision_id(), after.latest().revision_id());
}

TEST_F(RegistryTest, PublishCodeShaMismatch) {
  MakeFunction("f", "real-sha");
  PublishVersionRequest pub;
  pub.function_name = "f";
  pub.code_sha256 = "somenonexistentsha256";
  EXPECT_THAT(
      registry_->PublishVersion(pub),
      StatusIs(kInvalid,
               HasSubstr("CodeSHA256 (somenonexistentsha256) is different "
                         "from current CodeSHA256 in $LATEST (real-sha). "
                         "Please try again with the CodeSHA256 in $LATEST.")));
  pub.code_sha256 = "real-sha";
  EXPECT_OK(registry_->PublishVersion(pub).status());
}

TEST_F(RegistryTest, PublishRevisionMismatch) {
  MakeFunction("f");
  PublishVersionRequest pub;
  pub.function_name = "f";
  pub.revision_id = "not-it";
  EXPECT_THAT(
      registry_->PublishVersion(pub),
      StatusIs(kStale, HasSubstr("The Revision Id provided does not match "
                                 "the latest Revision Id")));
  ASSERT_OK_AND_ASSIGN(v1::Function f, registry_->GetFunction("f"));
  pub.revision_id = f.latest().revision_id();
  EXPECT_OK(registry_->PublishVersion(pub).status());
}

TEST_F(RegistryTest, NumbersAreNeverReusedAfterDeletion) {
  MakeVersions(3);
  ASSERT_OK(registry_->DeleteFunction("f", "3"));
  ASSERT_OK(registry_->DeleteFunction("f", "2"));
  // The newest version is gone, so even an unchanged $LATEST publishes anew.
  PublishVersionRequest pub;
  pub.function_name = "f";
  EXPECT_THAT(registry_->PublishVersion(pub),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "4")));
  EXPECT_EQ(Publish("f", "sha-5"), "5");
  ASSERT_OK_AND_ASSIGN(auto versions, registry_->ListVersionsByFunction("f"));
  std::vector<std::string> numbers;
  for (const auto& v : versions) numbers.push_back(v.version());
  EXPECT_THAT(numbers, ElementsAre("$LATEST", "1", "4", "5"));
}

TEST_F(RegistryTest, VersionLimit) {
  RegistryOptions o;
  o.max_versions_per_function = 2;
  Reset(o);
  MakeVersions(2);
  UpdateFunctionCodeRequest code;
  code.function_name = "f";
  code.code_sha256 = "three";
  code.publish = true;
  const std::string before = SnapshotBytes();
  EXPECT_THAT(registry_->UpdateFunctionCode(code),
              StatusIs(kLimit, HasSubstr("max_versions_per_function = 2")));
  EXPECT_EQ(SnapshotBytes(), before);  // The code update was rolled back too.
}

TEST_F(RegistryTest, PublishMissingFunction) {
  PublishVersionRequest pub;
  pub.function_name = "nope";
  EXPECT_THAT(registry_->PublishVersion(pub),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "nope"))));
}

TEST_F(RegistryTest, UpdateCodeWithPublishReturnsVersion) {
  MakeFunction("f");
  UpdateFunctionCodeRequest code;
  code.function_name = "f";
  code.code_sha256 = "new";
  code.publish = true;
  EXPECT_THAT(registry_->UpdateFunctionCode(code),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "1")));
}

// ---- GetFunctionConfiguration
// ----------------------------------------------------

TEST_F(RegistryTest, GetFunctionConfigurationResolvesQualifiers) {
  MakeVersions(2);
  ASSERT_OK(MakeAlias("live", "1").status());
  EXPECT_THAT(registry_->GetFunctionConfiguration("f"),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "$LATEST")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f", "$LATEST"),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "$LATEST")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f:2"),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "2")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f", "live"),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "1")));
  EXPECT_THAT(
      registry_->GetFunctionConfiguration(absl::StrCat(kArnPrefix, "f:live")),
      IsOkAndHolds(Property(&v1::FunctionVersion::version, "1")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f", "9"),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "f:9"))));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f", "dev"),
              StatusIs(kNotFound, HasSubstr("f:dev")));
}

// ---- DeleteFunction
// -------------------------------------------------------------

TEST_F(RegistryTest, DeleteWholeFunction) {
  MakeVersions(2);
  ASSERT_OK(MakeAlias("live", "1").status());
  ASSERT_OK(registry_->DeleteFunction("f"));
  EXPECT_THAT(registry_->GetFunction("f"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(registry_->DeleteFunction("f"),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "f"))));
  EXPECT_THAT(registry_->DeleteFunction("f", "1"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
}

TEST_F(RegistryTest, DeleteVersionReferencedByAliasIsRefused) {
  MakeVersions(3);
  ASSERT_OK(MakeAlias("live", "1", {{"2", 100'000'000}}).status());
  ASSERT_OK(MakeAlias("beta", "1").status());
  const std::string before = SnapshotBytes();
  EXPECT_THAT(registry_->DeleteFunction("f", "1"),
              StatusIs(kInUse, HasSubstr("Unable to delete version because the "
                                         "following aliases reference it: "
                                         "[beta, live]")));
  // A weighted (additional) reference counts too.
  EXPECT_THAT(registry_->DeleteFunction("f", "2"),
              StatusIs(kInUse, HasSubstr("[live]")));
  EXPECT_EQ(SnapshotBytes(), before);
  EXPECT_OK(registry_->DeleteFunction("f", "3"));
}

TEST_F(RegistryTest, DeleteLatestOrAliasQualifierIsInvalid) {
  MakeVersions(1);
  ASSERT_OK(MakeAlias("live", "1").status());
  EXPECT_THAT(registry_->DeleteFunction("f", "$LATEST"),
              StatusIs(kInvalid, HasSubstr("$LATEST version cannot be deleted "
                                           "without deleting the function.")));
  EXPECT_THAT(
      registry_->DeleteFunction("f:live"),
      StatusIs(kInvalid, HasSubstr("Deletion of aliases is not currently "
                                   "supported.")));
}

TEST_F(RegistryTest, DeleteMissingVersionIsNoOp) {
  MakeVersions(1);
  const uint64_t gen = registry_->generation();
  EXPECT_OK(registry_->DeleteFunction("f", "7"));
  EXPECT_EQ(registry_->generation(), gen);
}

// ---- Aliases --------------------------------------------------------------

TEST_F(RegistryTest, CreateAliasStoresLayoutSeedAndRevision) {
  MakeVersions(2);
  ASSERT_OK_AND_ASSIGN(v1::Alias a,
                       MakeAlias("live", "1", {{"2", 100'000'000}}));
  EXPECT_EQ(a.name(), "live");
  EXPECT_EQ(a.function_version(), "1");
  EXPECT_FALSE(a.revision_id().empty());
  EXPECT_EQ(a.routing_seed(), DefaultRoutingSeed("f", "live"));
  EXPECT_OK(ValidateLayout(a.layout(), "1", a.routing_config()));
  EXPECT_THAT(registry_->GetAlias("f", "live"),
              IsOkAndHolds(Property(&v1::Alias::revision_id, a.revision_id())));
}

TEST_F(RegistryTest, AliasToLatestIsAllowedWithoutWeights) {
  MakeVersions(1);
  EXPECT_OK(MakeAlias("dev", "$LATEST").status());
}

TEST_F(RegistryTest, DuplicateAliasConflicts) {
  MakeVersions(1);
  ASSERT_OK(MakeAlias("live", "1").status());
  EXPECT_THAT(MakeAlias("live", "1"),
              StatusIs(kExists, HasSubstr(absl::StrCat("Alias already exists: ",
                                                       kArnPrefix, "f:live"))));
}

TEST_F(RegistryTest, AliasNameRules) {
  MakeVersions(1);
  EXPECT_THAT(MakeAlias("2024", "1"),
              StatusIs(kInvalid, HasSubstr("all digits")));
  EXPECT_THAT(MakeAlias("bad name", "1"),
              StatusIs(kInvalid, HasSubstr("alias name")));
  EXPECT_OK(MakeAlias("2024-01-02", "1").status());
}

TEST_F(RegistryTest, AliasPrimaryRules) {
  MakeVersions(1);
  EXPECT_THAT(MakeAlias("a", "01"),
              StatusIs(kInvalid, HasSubstr("\"$LATEST\" or a version number")));
  EXPECT_THAT(MakeAlias("a", "$LATEST.PUBLISHED"),
              StatusIs(kInvalid, HasSubstr("version number")));
  EXPECT_THAT(MakeAlias("a", "10"),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "f:10"))));
  CreateAliasRequest req;
  req.function_name = "nope";
  req.name = "a";
  req.function_version = "1";
  EXPECT_THAT(registry_->CreateAlias(req),
              StatusIs(kNotFound, HasSubstr("nope")));
}

TEST_F(RegistryTest, AwsModeAllowsOneAdditionalVersion) {
  MakeVersions(3);
  EXPECT_THAT(MakeAlias("a", "1", {{"2", 1}, {"3", 1}}),
              StatusIs(kInvalid, HasSubstr("Number of items in "
                                           "AdditionalVersionWeights cannot be "
                                           "greater than 1")));
}

TEST_F(RegistryTest, RoutingConfigRules) {
  MakeVersions(2);
  EXPECT_THAT(
      MakeAlias("a", "1", {{"1", 5}}),
      StatusIs(kInvalid, HasSubstr("Invalid function version 1. Function "
                                   "version 1 is already included in "
                                   "routing configuration.")));
  EXPECT_THAT(
      MakeAlias("a", "$LATEST", {{"1", 5}}),
      StatusIs(kInvalid, HasSubstr("$LATEST is not supported for an alias "
                                   "pointing to more than 1 version")));
  EXPECT_THAT(MakeAlias("a", "1", {{"$LATEST", 5}}),
              StatusIs(kInvalid, HasSubstr("[0-9]+")));
  EXPECT_THAT(MakeAlias("a", "1", {{"2", kWeightScale + 1}}),
              StatusIs(kInvalid, HasSubstr("less than or equal to 1.0")));
  EXPECT_THAT(MakeAlias("a", "1", {{"10", 5}}),
              StatusIs(kNotFound, HasSubstr(absl::StrCat("Function not found: ",
                                                         kArnPrefix, "f:10"))));
  // Weights 0 and 1.0 are both inside AWS's range.
  EXPECT_OK(MakeAlias("zero", "1", {{"2", 0}}).status());
  EXPECT_OK(MakeAlias("all", "1", {{"2", kWeightScale}}).status());
}

TEST_F(RegistryTest, WeightedVersionsNeedSameRoleAndDeadLetterTarget) {
  MakeVersions(1);
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.role = "arn:aws:iam::123456789012:role/other";
  ASSERT_OK(registry_->UpdateFunctionConfiguration(conf).status());
  PublishVersionRequest pub;
  pub.function_name = "f";
  ASSERT_OK(registry_->PublishVersion(pub).status());  // "2": other role.
  EXPECT_THAT(
      MakeAlias("a", "1", {{"2", 5}}),
      StatusIs(kInvalid, HasSubstr("Specified versions must be associated "
                                   "with the same execution role")));
  conf.role = kRole;
  conf.dead_letter_target_arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  ASSERT_OK(registry_->UpdateFunctionConfiguration(conf).status());
  ASSERT_OK(registry_->PublishVersion(pub).status());  // "3": same role, DLQ.
  EXPECT_THAT(
      MakeAlias("a", "1", {{"3", 5}}),
      StatusIs(kInvalid, HasSubstr("same dead-letter queue configuration")));
  // Unweighted aliases do not compare.
  EXPECT_OK(MakeAlias("b", "2").status());
}

TEST_F(RegistryTest, ExtendedModeAllowsManyVersionsSorted) {
  RegistryOptions o;
  o.routing_mode = v1::ROUTING_MODE_EXTENDED;
  o.max_routing_versions = 3;
  Reset(o);
  MakeVersions(11);
  ASSERT_OK_AND_ASSIGN(
      v1::Alias a, MakeAlias("a", "1", {{"10", 100}, {"2", 200}, {"9", 300}}));
  ASSERT_EQ(a.routing_config().additional_version_weights_size(), 3);
  EXPECT_EQ(a.routing_config().additional_version_weights(0).version(), "2");
  EXPECT_EQ(a.routing_config().additional_version_weights(1).version(), "9");
  EXPECT_EQ(a.routing_config().additional_version_weights(2).version(), "10");
  EXPECT_THAT(MakeAlias("b", "1", {{"2", 1}, {"3", 1}, {"4", 1}, {"5", 1}}),
              StatusIs(kInvalid, HasSubstr("cannot be greater than 3")));
  EXPECT_THAT(MakeAlias("b", "1", {{"2", 600'000'000}, {"3", 600'000'000}}),
              StatusIs(kInvalid, HasSubstr("more than 100%")));
  EXPECT_THAT(MakeAlias("b", "1", {{"2", 1}, {"2", 1}}),
              StatusIs(kInvalid, HasSubstr("appears more than once")));
}

TEST_F(RegistryTest, ExtendedModeDefaultAllowsSixteen) {
  RegistryOptions o;
  o.routing_mode = v1::ROUTING_MODE_EXTENDED;
  Reset(o);
  MakeVersions(18);
  std::vector<VersionShare> shares;
  for (int i = 2; i <= 17; ++i) shares.push_back({absl::StrCat(i), 1'000'000});
  EXPECT_OK(MakeAlias("a", "1", shares).status());
  shares.push_back({"18", 1});
  EXPECT_THAT(MakeAlias("b", "1", shares),
              StatusIs(kInvalid, HasSubstr("cannot be greater than 16")));
}

TEST_F(RegistryTest, AliasLimit) {
  RegistryOptions o;
  o.max_aliases_per_function = 1;
  Reset(o);
  MakeVersions(1);
  ASSERT_OK(MakeAlias("a", "1").status());
  EXPECT_THAT(MakeAlias("b", "1"),
              StatusIs(kLimit, HasSubstr("max_aliases_per_function = 1")));
}

TEST_F(RegistryTest, AliasesAreKeptSortedByName) {
  MakeVersions(1);
  for (const char* name : {"m", "b", "z", "a"})
    ASSERT_OK(MakeAlias(name, "1").status());
  ASSERT_OK_AND_ASSIGN(auto aliases, registry_->ListAliases("f"));
  std::vector<std::string> names;
  for (const auto& a : aliases) names.push_back(a.name());
  EXPECT_THAT(names, ElementsAre("a", "b", "m", "z"));
}

TEST_F(RegistryTest, UpdateAliasChangesRevisionAndLayout) {
  MakeVersions(2);
  ASSERT_OK_AND_ASSIGN(v1::Alias a,
                       MakeAlias("live", "1", {{"2", 100'000'000}}));
  UpdateAliasRequest up;
  up.function_name = "f";
  up.name = "live";
  up.routing_config = v1::RoutingConfig();
  auto* w = up.routing_config->add_additional_version_weights();
  w->set_version("2");
  w->set_weight_ppb(300'000'000);
  up.revision_id = a.revision_id();
  ASSERT_OK_AND_ASSIGN(v1::Alias b, registry_->UpdateAlias(up));
  EXPECT_NE(b.revision_id(), a.revision_id());
  EXPECT_EQ(b.routing_config().additional_version_weights(0).weight_ppb(),
            300'000'000u);
  EXPECT_OK(ValidateLayout(b.layout(), "1", b.routing_config()));
  EXPECT_EQ(b.routing_seed(), a.routing_seed());
  // The same request again is stale now.
  EXPECT_THAT(
      registry_->UpdateAlias(up),
      StatusIs(kStale, HasSubstr("does not match the latest Revision Id")));
}

TEST_F(RegistryTest, UpdateAliasWithoutChangeKeepsRevision) {
  MakeVersions(2);
  ASSERT_OK_AND_ASSIGN(v1::Alias a, MakeAlias("live", "1"));
  const uint64_t gen = registry_->generation();
  UpdateAliasRequest up;
  up.function_name = "f";
  up.name = "live";
  up.function_version = "1";
  EXPECT_THAT(registry_->UpdateAlias(up),
              IsOkAndHolds(Property(&v1::Alias::revision_id, a.revision_id())));
  EXPECT_EQ(registry_->generation(), gen);
}

TEST_F(RegistryTest, UpdateMissingAlias) {
  MakeVersions(1);
  UpdateAliasRequest up;
  up.function_name = "f";
  up.name = "ghost";
  EXPECT_THAT(
      registry_->UpdateAlias(up),
      StatusIs(kNotFound, HasSubstr(absl::StrCat(
                              "Alias not found: ", kArnPrefix, "f:ghost"))));
}

TEST_F(RegistryTest, MovingPrimaryOntoAdditionalNeedsClearedWeights) {
  MakeVersions(2);
  ASSERT_OK(MakeAlias("live", "1", {{"2", 500'000'000}}).status());
  UpdateAliasRequest up;
  up.function_name = "f";
  up.name = "live";
  up.function_version = "2";
  EXPECT_THAT(registry_->UpdateAlias(up),
              StatusIs(kInvalid,
                       HasSubstr("already included in routing configuration")));
  up.routing_config = v1::RoutingConfig();
  ASSERT_OK_AND_ASSIGN(v1::Alias a, registry_->UpdateAlias(up));
  EXPECT_EQ(a.function_version(), "2");
  EXPECT_EQ(a.routing_config().additional_version_weights_size(), 0);
}

TEST_F(RegistryTest, SetAliasRoutingMovesOnlyTheChangedShare) {
  MakeVersions(2);
  ASSERT_OK_AND_ASSIGN(v1::Alias a, MakeAlias("live", "1"));
  std::vector<VersionShare> ten = {{"2", 100'000'000}};
  ASSERT_OK_AND_ASSIGN(
      v1::Alias b,
      registry_->SetAliasRouting("f", "live", "1", ten, a.revision_id()));
  std::vector<VersionShare> twenty = {{"2", 200'000'000}};
  ASSERT_OK_AND_ASSIGN(
      v1::Alias c,
      registry_->SetAliasRouting("f", "live", "1", twenty, b.revision_id()));
  // Every point routed to "2" at 10 % still routes to "2" at 20 %.
  for (uint32_t p = 0; p < kWeightScale; p += 7'919'993) {
    if (VersionAtPoint(b.layout(), p) == "2") {
      EXPECT_EQ(VersionAtPoint(c.layout(), p), "2") << p;
    }
  }
  EXPECT_THAT(
      registry_->SetAliasRouting("f", "live", "1", ten, b.revision_id()),
      StatusIs(kStale, HasSubstr("Revision Id")));
}

TEST_F(RegistryTest, GetAndListAliases) {
  MakeVersions(3);
  ASSERT_OK(MakeAlias("live", "1", {{"2", 5}}).status());
  ASSERT_OK(MakeAlias("beta", "3").status());
  EXPECT_THAT(registry_->GetAlias("f", "nope"),
              StatusIs(kNotFound,
                       HasSubstr(absl::StrCat(
                           "Cannot find alias arn: ", kArnPrefix, "f:nope"))));
  EXPECT_THAT(registry_->GetAlias("g", "live"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(registry_->ListAliases("f"), IsOkAndHolds(SizeIs(2)));
  EXPECT_THAT(registry_->ListAliases("f", "2"),
              IsOkAndHolds(ElementsAre(Property(&v1::Alias::name, "live"))));
  EXPECT_THAT(registry_->ListAliases("f", "3"),
              IsOkAndHolds(ElementsAre(Property(&v1::Alias::name, "beta"))));
  EXPECT_THAT(registry_->ListAliases("f", "x"),
              StatusIs(kInvalid, HasSubstr("function_version filter")));
}

TEST_F(RegistryTest, DeleteAliasIsIdempotent) {
  MakeVersions(1);
  ASSERT_OK(MakeAlias("live", "1").status());
  EXPECT_OK(registry_->DeleteAlias("f", "live"));
  const uint64_t gen = registry_->generation();
  EXPECT_OK(registry_->DeleteAlias("f", "live"));
  EXPECT_EQ(registry_->generation(), gen);
  EXPECT_THAT(registry_->DeleteAlias("g", "live"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(registry_->DeleteAlias("f", "12"),
              StatusIs(kInvalid, HasSubstr("all digits")));
  // The version is free again.
  EXPECT_OK(registry_->DeleteFunction("f", "1"));
}

// ---- Revision ids and snapshots
// -----------------------------------------------

TEST(RevisionIdTest, UuidShapedAndDeterministic) {
  const std::string id = MakeRevisionId(1, 2);
  EXPECT_THAT(
      id, MatchesRegex(
              "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
  EXPECT_EQ(id, MakeRevisionId(1, 2));
  EXPECT_NE(id, MakeRevisionId(1, 3));
  EXPECT_NE(id, MakeRevisionId(2, 2));
}

TEST_F(RegistryTest, ReplayGivesIdenticalSnapshots) {
  auto run = [](uint64_t seed) {
    RegistryOptions o;
    o.revision_seed = seed;
    auto r = Registry::Create(o).value();
    CreateFunctionRequest c;
    c.function_name = "f";
    c.publish = true;
    c.now = absl::FromUnixSeconds(1);
    (void)r->CreateFunction(c);
    CreateAliasRequest a;
    a.function_name = "f";
    a.name = "live";
    a.function_version = "1";
    (void)r->CreateAlias(a);
    return Bytes(*r->Snapshot());
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST_F(RegistryTest, SnapshotContents) {
  MakeVersions(1);
  ASSERT_OK(MakeAlias("live", "1").status());
  std::shared_ptr<const v1::RegistrySnapshot> s = registry_->Snapshot();
  EXPECT_EQ(s->format_version(), 1u);
  EXPECT_EQ(s->options().routing_mode(), v1::ROUTING_MODE_AWS_COMPATIBLE);
  EXPECT_EQ(s->options().max_functions(), kDefaultMaxFunctions);
  EXPECT_EQ(s->partition(), "aws");
  EXPECT_EQ(s->region(), "us-east-1");
  EXPECT_EQ(s->account_id(), "123456789012");
  ASSERT_EQ(s->functions_size(), 1);
  EXPECT_EQ(s->functions(0).aliases_size(), 1);
  EXPECT_EQ(s->generation(), registry_->generation());
  EXPECT_GT(s->revision_counter(), 0u);
  // One state, one snapshot object.
  EXPECT_EQ(registry_->Snapshot().get(), s.get());
  EXPECT_OK(ValidateRegistrySnapshot(*s));
}

TEST_F(RegistryTest, GenerationCountsChanges) {
  EXPECT_EQ(registry_->generation(), 0u);
  MakeFunction("f");
  EXPECT_EQ(registry_->generation(), 1u);
  PublishVersionRequest pub;
  pub.function_name = "f";
  ASSERT_OK(registry_->PublishVersion(pub).status());
  EXPECT_EQ(registry_->generation(), 2u);
}

TEST_F(RegistryTest, RestoreRoundTrip) {
  MakeVersions(3);
  ASSERT_OK(MakeAlias("live", "1", {{"2", 123'456'789}}).status());
  ASSERT_OK(registry_->DeleteFunction("f", "3"));
  const std::string bytes = SnapshotBytes();
  ASSERT_OK_AND_ASSIGN(auto copy,
                       Registry::FromSnapshot(*registry_->Snapshot()));
  EXPECT_EQ(Bytes(*copy->Snapshot()), bytes);
  ASSERT_OK(registry_->Restore(*registry_->Snapshot()));
  EXPECT_EQ(SnapshotBytes(), bytes);
  // Publishing after restore continues the numbering.
  EXPECT_EQ(Publish("f", "after-restore"), "4");
}

// A snapshot whose revision counter is stale (an old counter with newer
// state, or an edited file) must not make the registry reissue an id that is
// still in use: the update would then look like "nothing changed" to
// PublishVersion and a stale RevisionId would pass its precondition. Found by
// registry_fuzzer.
TEST_F(RegistryTest, RestoreWithStaleRevisionCounterNeverReissuesAnId) {
  MakeVersions(3);
  ASSERT_OK(MakeAlias("live", "1", {{"2", 100'000'000}}).status());
  v1::RegistrySnapshot stale = *registry_->Snapshot();
  // Roll the counter back to the one that issued $LATEST's current id, so
  // the next id the generator makes is exactly that one.
  const std::string& latest_id = stale.functions(0).latest().revision_id();
  uint64_t issued_at = 0;
  while (MakeRevisionId(stale.revision_seed(), issued_at) != latest_id) {
    ASSERT_LT(issued_at, stale.revision_counter());
    ++issued_at;
  }
  stale.set_revision_counter(issued_at);
  std::set<std::string> in_use;
  for (const v1::Function& f : stale.functions()) {
    in_use.insert(f.latest().revision_id());
    for (const v1::FunctionVersion& v : f.versions()) in_use.insert(v.revision_id());
    for (const v1::Alias& a : f.aliases()) in_use.insert(a.revision_id());
  }
  ASSERT_OK(registry_->Restore(stale));
  const std::string old_latest_revision =
      registry_->GetFunction("f")->latest().revision_id();
  UpdateFunctionCodeRequest code;
  code.function_name = "f";
  code.code_sha256 = "after-stale-restore";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion latest,
                       registry_->UpdateFunctionCode(code));
  EXPECT_EQ(in_use.count(latest.revision_id()), 0u) << latest.revision_id();
  // The old $LATEST revision id is stale now and must be refused.
  UpdateFunctionConfigurationRequest conf;
  conf.function_name = "f";
  conf.description = "x";
  conf.revision_id = old_latest_revision;
  EXPECT_THAT(registry_->UpdateFunctionConfiguration(conf),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("Revision Id")));
  // And publishing makes a new version rather than returning the newest.
  PublishVersionRequest pub;
  pub.function_name = "f";
  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, registry_->PublishVersion(pub));
  EXPECT_EQ(v.version(), "4");
}

TEST_F(RegistryTest, RestoreReplacesOptionsAndLocation) {
  RegistryOptions o;
  o.routing_mode = v1::ROUTING_MODE_EXTENDED;
  o.region = "eu-west-1";
  o.account_id = "111111111111";
  auto other = Registry::Create(o).value();
  ASSERT_OK(registry_->Restore(*other->Snapshot()));
  EXPECT_EQ(registry_->options().routing_mode, v1::ROUTING_MODE_EXTENDED);
  EXPECT_EQ(registry_->Arn("f"),
            "arn:aws:lambda:eu-west-1:111111111111:function:f");
}

class RestoreRejectsTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    MakeVersions(2);
    ASSERT_OK(MakeAlias("live", "1", {{"2", 100'000'000}}).status());
    good_ = *registry_->Snapshot();
    before_ = SnapshotBytes();
  }
  void ExpectRejected(const v1::RegistrySnapshot& bad,
                      const std::string& fragment) {
    EXPECT_THAT(registry_->Restore(bad),
                StatusIs(kInvalid, HasSubstr(fragment)));
    EXPECT_EQ(SnapshotBytes(), before_);
    EXPECT_THAT(Registry::FromSnapshot(bad),
                StatusIs(kInvalid, HasSubstr(fragment)));
  }
  v1::Function* F() { return good_.mutable_functions(0); }
  v1::RegistrySnapshot good_;
  std::string before_;
};

TEST_F(RestoreRejectsTest, FormatVersion) {
  good_.set_format_version(2);
  ExpectRejected(good_, "format_version must be 1");
}

TEST_F(RestoreRejectsTest, Location) {
  good_.set_region("mars");
  ExpectRejected(good_, "registry location");
}

TEST_F(RestoreRejectsTest, FunctionOrderAndDuplicates) {
  *good_.add_functions() = good_.functions(0);
  ExpectRejected(good_, "sorted ascending by name without duplicates");
}

TEST_F(RestoreRejectsTest, FunctionName) {
  F()->set_name("bad name");
  ExpectRejected(good_, "function name");
}

TEST_F(RestoreRejectsTest, VersionAboveLastNumber) {
  F()->set_last_version_number(1);
  ExpectRejected(good_, "more than the function's last_version_number 1");
}

TEST_F(RestoreRejectsTest, VersionsOutOfOrder) {
  F()->mutable_versions()->SwapElements(0, 1);
  ExpectRejected(good_, "ascending by number");
}

TEST_F(RestoreRejectsTest, BadVersionNumber) {
  F()->mutable_versions(0)->set_version("01");
  ExpectRejected(good_, "version \"01\"");
}

TEST_F(RestoreRejectsTest, EmptyRevisionIds) {
  v1::RegistrySnapshot s = good_;
  s.mutable_functions(0)->mutable_latest()->clear_revision_id();
  ExpectRejected(s, "$LATEST revision_id must not be empty");
  s = good_;
  s.mutable_functions(0)->mutable_versions(0)->clear_revision_id();
  ExpectRejected(s, "revision_id must not be empty");
  s = good_;
  s.mutable_functions(0)->mutable_aliases(0)->clear_revision_id();
  ExpectRejected(s, "alias \"live\": revision_id must not be empty");
}

TEST_F(RestoreRejectsTest, AliasReferencesMissingVersion) {
  F()->mutable_versions()->DeleteSubrange(1, 1);
  ExpectRejected(good_, "Function not found");
}

TEST_F(RestoreRejectsTest, TooManyWeightsForAwsMode) {
  F()->set_last_version_number(3);
  *F()->add_versions() = F()->versions(1);
  F()->mutable_versions(2)->set_version("3");
  auto* w = F()->mutable_aliases(0)
                ->mutable_routing_config()
                ->add_additional_version_weights();
  w->set_version("3");
  w->set_weight_ppb(1);
  ExpectRejected(good_, "cannot be greater than 1");
}

TEST_F(RestoreRejectsTest, BadLayout) {
  F()->mutable_aliases(0)->mutable_layout()->mutable_segments(0)->set_end_ppb(
      5);
  ExpectRejected(good_, "layout");
}

TEST_F(RestoreRejectsTest, EmptyLayoutIsCanonicalAndAccepted) {
  F()->mutable_aliases(0)->clear_layout();
  EXPECT_OK(registry_->Restore(good_));
}

TEST_F(RestoreRejectsTest, Limits) {
  good_.mutable_options()->set_max_versions_per_function(1);
  ExpectRejected(good_, "max_versions_per_function = 1");
}

TEST_F(RestoreRejectsTest, BadConfiguration) {
  F()->mutable_versions(0)->mutable_configuration()->set_memory_size_mb(1);
  ExpectRejected(good_, "memory_size_mb");
}

TEST_F(RestoreRejectsTest, BadTimestamp) {
  F()->mutable_latest()->mutable_last_modified()->set_nanos(-1);
  ExpectRejected(good_, "last_modified");
}

// A snapshot written by hand (foreign revision ids, an alias with an empty
// layout, a deleted version 2, numbers issued up to 4) is accepted, and the
// registry carries on from it.
TEST_F(RegistryTest, RestoresHandWrittenSnapshot) {
  constexpr char kText[] = R"pb(
    format_version: 1
    options { routing_mode: ROUTING_MODE_AWS_COMPATIBLE }
    partition: "aws"
    region: "us-east-1"
    account_id: "123456789012"
    functions {
      name: "checkout"
      latest {
        configuration {
          role: "arn:aws:iam::123456789012:role/app"
          code_sha256: "c3"
        }
        revision_id: "rev-latest"
        last_modified { seconds: 1700000000 nanos: 5 }
      }
      versions {
        version: "1"
        configuration {
          role: "arn:aws:iam::123456789012:role/app"
          code_sha256: "c1"
        }
        revision_id: "rev-1"
      }
      versions {
        version: "3"
        configuration {
          role: "arn:aws:iam::123456789012:role/app"
          code_sha256: "c3"
        }
        revision_id: "rev-3"
      }
      aliases {
        name: "live"
        function_version: "1"
        routing_config {
          additional_version_weights { version: "3" weight_ppb: 100000000 }
        }
        revision_id: "rev-a"
      }
      last_version_number: 4
      published_latest_revision_id: "rev-latest"
    }
    revision_counter: 12
    revision_seed: 5
    generation: 9
  )pb";
  v1::RegistrySnapshot snapshot;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kText, &snapshot));
  ASSERT_OK(registry_->Restore(snapshot));
  EXPECT_EQ(registry_->generation(), 9u);
  // Zero limits came back as the defaults.
  EXPECT_EQ(registry_->options().max_aliases_per_function,
            kDefaultMaxAliasesPerFunction);
  // Nothing changed since the last publish, but version 4 is gone: publish
  // takes 5, never 2 or 4.
  PublishVersionRequest pub;
  pub.function_name = "checkout";
  EXPECT_THAT(registry_->PublishVersion(pub),
              IsOkAndHolds(Property(&v1::FunctionVersion::version, "5")));
  // The empty layout stood for the canonical one; the update moves from it.
  std::vector<VersionShare> w = {{"3", 200'000'000}};
  ASSERT_OK_AND_ASSIGN(v1::Alias a, registry_->SetAliasRouting(
                                        "checkout", "live", "1", w, "rev-a"));
  ASSERT_OK_AND_ASSIGN(
      v1::RoutingLayout canonical10,
      CanonicalLayout("1", snapshot.functions(0).aliases(0).routing_config()));
  for (uint32_t p = 0; p < kWeightScale; p += 9'999'991) {
    if (VersionAtPoint(canonical10, p) == "3")
      EXPECT_EQ(VersionAtPoint(a.layout(), p), "3");
  }
}

TEST_F(RegistryTest, TimesBefore1970KeepNanosPositive) {
  CreateFunctionRequest req;
  req.function_name = "f";
  req.now = absl::FromUnixSeconds(-1) + absl::Milliseconds(500);
  ASSERT_OK_AND_ASSIGN(v1::Function f, registry_->CreateFunction(req));
  EXPECT_EQ(f.latest().last_modified().seconds(), -1);
  EXPECT_EQ(f.latest().last_modified().nanos(), 500'000'000);
  req.function_name = "g";
  req.now = absl::FromUnixSeconds(-1) - absl::Milliseconds(250);
  ASSERT_OK_AND_ASSIGN(f, registry_->CreateFunction(req));
  EXPECT_EQ(f.latest().last_modified().seconds(), -2);
  EXPECT_EQ(f.latest().last_modified().nanos(), 750'000'000);
}

TEST_F(RegistryTest, ReadsRejectQualifiersAndMissingFunctions) {
  MakeVersions(1);
  EXPECT_THAT(registry_->GetFunction("f:1"),
              StatusIs(kInvalid, HasSubstr("must not include a qualifier")));
  EXPECT_THAT(registry_->ListVersionsByFunction("nope"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(registry_->ListAliases("nope"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(registry_->GetFunctionConfiguration("f", "bad qualifier"),
              StatusIs(kInvalid, HasSubstr("GetFunctionConfiguration")));
}

TEST_F(RegistryTest, WritesThroughForeignArnsAreRefused) {
  MakeVersions(1);
  const std::string before = SnapshotBytes();
  PublishVersionRequest pub;
  pub.function_name = "arn:aws:lambda:eu-west-1:123456789012:function:f";
  EXPECT_THAT(registry_->PublishVersion(pub),
              StatusIs(kNotFound, HasSubstr("not reachable in this region")));
  EXPECT_THAT(registry_->DeleteFunction("999999999999:function:f"),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_EQ(SnapshotBytes(), before);
}

TEST_F(RegistryTest, DescriptionOnlyAliasUpdateChangesRevision) {
  MakeVersions(1);
  ASSERT_OK_AND_ASSIGN(v1::Alias a, MakeAlias("live", "1"));
  UpdateAliasRequest up;
  up.function_name = "f";
  up.name = "live";
  up.description = "now described";
  ASSERT_OK_AND_ASSIGN(v1::Alias b, registry_->UpdateAlias(up));
  EXPECT_NE(b.revision_id(), a.revision_id());
  EXPECT_EQ(b.description(), "now described");
  up.description = std::string(300, 'x');
  EXPECT_THAT(registry_->UpdateAlias(up),
              StatusIs(kInvalid, HasSubstr("at most 256 bytes")));
}

TEST_F(RegistryTest, RevisionIdsAreDistinctAcrossResources) {
  MakeVersions(3);
  ASSERT_OK(MakeAlias("live", "1").status());
  std::set<std::string> ids;
  int count = 0;
  for (const v1::Function& f : registry_->Snapshot()->functions()) {
    ids.insert(f.latest().revision_id());
    ++count;
    for (const auto& v : f.versions()) ids.insert(v.revision_id()), ++count;
    for (const auto& a : f.aliases()) ids.insert(a.revision_id()), ++count;
  }
  EXPECT_EQ(static_cast<int>(ids.size()), count);
}

TEST(ValidateRoutingConfigTest, SortedRequirementAndLimits) {
  v1::RoutingConfig c;
  auto* w = c.add_additional_version_weights();
  w->set_version("10");
  w->set_weight_ppb(1);
  w = c.add_additional_version_weights();
  w->set_version("9");
  w->set_weight_ppb(1);
  EXPECT_THAT(
      ValidateRoutingConfig(c, "1", v1::ROUTING_MODE_EXTENDED, 16, true),
      StatusIs(kInvalid, HasSubstr("sorted ascending")));
  EXPECT_OK(
      ValidateRoutingConfig(c, "1", v1::ROUTING_MODE_EXTENDED, 16, false));
  EXPECT_THAT(
      ValidateRoutingConfig(c, "1", v1::ROUTING_MODE_EXTENDED, 1, false),
      StatusIs(kInvalid, HasSubstr("cannot be greater than 1")));
  EXPECT_THAT(
      ValidateRoutingConfig(c, "1", v1::ROUTING_MODE_AWS_COMPATIBLE, 16, false),
      StatusIs(kInvalid, HasSubstr("cannot be greater than 1")));
  EXPECT_THAT(
      ValidateRoutingConfig(c, "x", v1::ROUTING_MODE_EXTENDED, 16, false),
      StatusIs(kInvalid, HasSubstr("\"$LATEST\" or a version number")));
  c.mutable_additional_version_weights(0)->set_version("0");
  EXPECT_THAT(
      ValidateRoutingConfig(c, "1", v1::ROUTING_MODE_EXTENDED, 16, false),
      StatusIs(kInvalid, HasSubstr("[0-9]+")));
}

// ---- Concurrency
// -------------------------------------------------------------

// Readers take snapshots and read aliases while one writer shifts weights.
// Every state a reader sees must be valid and generations must never go
// backwards for a reader. (Run under --config=tsan for data races.)
TEST_F(RegistryTest, ReadersSeeConsistentStatesDuringWrites) {
  MakeVersions(2);
  ASSERT_OK(MakeAlias("live", "1").status());
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      uint64_t last_gen = 0;
      while (!done.load(std::memory_order_acquire)) {
        auto snap = registry_->Snapshot();
        if (snap->generation() < last_gen) failures++;
        last_gen = snap->generation();
        if (!ValidateRegistrySnapshot(*snap).ok()) failures++;
        if (!registry_->GetAlias("f", "live").ok()) failures++;
      }
    });
  }
  for (uint32_t i = 1; i <= 200; ++i) {
    std::vector<VersionShare> w = {{"2", i * 5'000'000}};
    ASSERT_OK(registry_->SetAliasRouting("f", "live", "1", w).status());
  }
  done.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace aliasroute
