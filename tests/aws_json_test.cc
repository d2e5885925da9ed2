#include "lib/aws_json.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::IsOk;
using ::aliasroute_testing::IsOkAndHolds;
using ::aliasroute_testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

std::string ReadTestData(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path =
      absl::StrCat(srcdir ? srcdir : ".", "/aliasroute/tests/testdata/aws/", name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Same(const AwsAlias& a, const AwsAlias& b) {
  return a.alias_arn == b.alias_arn && a.function_name == b.function_name &&
         MessageDifferencer::Equals(a.alias, b.alias);
}

bool Same(const AwsFunctionConfiguration& a, const AwsFunctionConfiguration& b) {
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

v1::RoutingConfig Weights(
    std::initializer_list<std::pair<const char*, uint32_t>> entries) {
  v1::RoutingConfig rc;
  for (const auto& [version, ppb] : entries) {
    v1::VersionWeight* w = rc.add_additional_version_weights();
    w->set_version(version);
    w->set_weight_ppb(ppb);
  }
  return rc;
}

// ---------------------------------------------------------------------------
// get-alias

TEST(AliasFromAwsJson, ReadsGetAliasSample) {
  ASSERT_OK_AND_ASSIGN(AwsAlias a,
                       AliasFromAwsJson(ReadTestData("get-alias.json")));
  EXPECT_EQ(a.alias_arn,
            "arn:aws:lambda:us-west-2:123456789012:function:my-function:LIVE");
  EXPECT_EQ(a.function_name, "my-function");
  EXPECT_EQ(a.alias.name(), "LIVE");
  EXPECT_EQ(a.alias.function_version(), "1");
  EXPECT_EQ(a.alias.description(), "alias for live version of function");
  EXPECT_EQ(a.alias.revision_id(), "594f41fb-b85f-4c20-95c7-6ca5f2a92c93");
  EXPECT_EQ(a.alias.routing_config().additional_version_weights_size(), 0);
  EXPECT_EQ(a.alias.layout().segments_size(), 0);
  EXPECT_EQ(a.alias.routing_seed(), 0u);
}

TEST(AliasFromAwsJson, ReadsWeightedAliasAndIgnoresUnknownFields) {
  ASSERT_OK_AND_ASSIGN(
      AwsAlias a, AliasFromAwsJson(ReadTestData("get-alias-weighted.json")));
  ASSERT_EQ(a.alias.routing_config().additional_version_weights_size(), 1);
  EXPECT_EQ(a.alias.routing_config().additional_version_weights(0).version(),
            "2");
  EXPECT_EQ(
      a.alias.routing_config().additional_version_weights(0).weight_ppb(),
      50'000'000u);
}

TEST(AliasFromAwsJson, NullIsAbsentAndArnIsOptional) {
  ASSERT_OK_AND_ASSIGN(
      AwsAlias a,
      AliasFromAwsJson(R"({"Name": "live", "FunctionVersion": "$LATEST",
                           "Description": null, "RoutingConfig": null})"));
  EXPECT_EQ(a.alias_arn, "");
  EXPECT_EQ(a.function_name, "");
  EXPECT_EQ(a.alias.function_version(), "$LATEST");
  EXPECT_EQ(a.alias.description(), "");
}

TEST(AliasFromAwsJson, EmptyRoutingConfigLeavesTheFieldUnset) {
  ASSERT_OK_AND_ASSIGN(
      AwsAlias a,
      AliasFromAwsJson(R"({"Name": "live", "FunctionVersion": "1",
                           "RoutingConfig": {"AdditionalVersionWeights": {}}})"));
  EXPECT_FALSE(a.alias.has_routing_config());
}

TEST(AliasToAwsJson, WritesExactText) {
  AwsAlias a;
  a.alias_arn = "arn:aws:lambda:us-west-2:123456789012:function:my-function:LIVE";
  a.alias.set_name("LIVE");
  a.alias.set_function_version("1");
  a.alias.set_revision_id("rev-1");
  *a.alias.mutable_routing_config() = Weights({{"10", 1}, {"2", 50'000'000}});
  a.alias.set_routing_seed(42);  // Not an AWS field: not written.
  EXPECT_THAT(AliasToAwsJson(a), IsOkAndHolds(R"({
  "AliasArn": "arn:aws:lambda:us-west-2:123456789012:function:my-function:LIVE",
  "Name": "LIVE",
  "FunctionVersion": "1",
  "Description": "",
  "RoutingConfig": {
    "AdditionalVersionWeights": {
      "2": 0.05,
      "10": 0.000000001
    }
  },
  "RevisionId": "rev-1"
}
)"));
}

TEST(AliasToAwsJson, EscapesStrings) {
  AwsAlias a;
  a.alias.set_name("x");
  a.alias.set_function_version("1");
  a.alias.set_description(std::string("q\"b\\n\n\x01\xc3\xa9", 9));
  EXPECT_THAT(AliasToAwsJson(a), IsOkAndHolds(HasSubstr(
                                     R"("Description": "q\"b\\n\n\u0001é")")));
}

TEST(AliasAwsJson, SamplesRoundTrip) {
  for (const char* name : {"get-alias.json", "get-alias-weighted.json"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(AwsAlias a, AliasFromAwsJson(ReadTestData(name)));
    ASSERT_OK_AND_ASSIGN(std::string text, AliasToAwsJson(a));
    ASSERT_OK_AND_ASSIGN(AwsAlias b, AliasFromAwsJson(text));
    EXPECT_TRUE(Same(a, b)) << text;
    EXPECT_THAT(AliasToAwsJson(b), IsOkAndHolds(text));  // Stable.
  }
}

TEST(AliasFromAwsJson, RejectsBadFieldsNamingThePath) {
  const struct {
    const char* json;
    const char* fragment;
  } cases[] = {
      {R"({"FunctionVersion": "1"})", "Name: required, but missing"},
      {R"({"Name": "LIVE"})", "FunctionVersion: required, but missing"},
      {R"({"Name": "123", "FunctionVersion": "1"})",
       "Name: must not be all digits, got \"123\""},
      {R"({"Name": "a b", "FunctionVersion": "1"})",
       "Name: must be 1-128 of [a-zA-Z0-9-_], got \"a b\""},
      {R"({"Name": "LIVE", "FunctionVersion": 1})",
       "FunctionVersion: expected a string, got number"},
      {R"({"Name": "LIVE", "FunctionVersion": "01"})",
       "FunctionVersion: must be \"$LATEST\" or a version number"},
      {R"({"Name": "LIVE", "FunctionVersion": "$LATEST.PUBLISHED"})",
       "FunctionVersion: must be \"$LATEST\" or a version number"},
      {R"({"Name": "LIVE", "FunctionVersion": "1", "Description": 5})",
       "Description: expected a string, got number"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "AliasArn": "arn:aws:lambda:us-west-2:123456789012:function:f:BETA"})",
       "AliasArn: qualifier \"BETA\" does not match Name \"LIVE\""},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "AliasArn": "arn:aws:lambda:us-west-2:123456789012:function:f"})",
       "AliasArn: qualifier \"\" does not match Name \"LIVE\""},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "AliasArn": "arn:aws:s3:us-west-2:123456789012:function:f:LIVE"})",
       "AliasArn: expected arn:PARTITION:lambda:REGION:ACCOUNT:function:"},
      {R"({"Name": "LIVE", "FunctionVersion": "1", "RoutingConfig": []})",
       "RoutingConfig: expected an object, got array"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"2": 1.5}}})",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: must be in [0.0, 1.0], "
       "got 1.5"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"2": -0.1}}})",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: must be in [0.0, 1.0], "
       "got -0.1"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"2": 1e999}}})",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: must be in [0.0, 1.0], "
       "got 1e999"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"2": "0.1"}}})",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: expected a number, got "
       "string"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"$LATEST": 0.1}}})",
       "RoutingConfig.AdditionalVersionWeights[\"$LATEST\"]: key must be a "
       "version number"},
      {R"({"Name": "LIVE", "FunctionVersion": "1",
           "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.6, "3": 0.5}}})",
       "RoutingConfig.AdditionalVersionWeights sum to 110%, more than 100%"},
      {R"([])", "JSON document: expected an object, got array"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(AliasFromAwsJson(c.json), StatusIs(kInvalid, HasSubstr(c.fragment)));
  }
}

TEST(AliasToAwsJson, RefusesWhatTheReaderRefuses) {
  AwsAlias a;
  a.alias.set_function_version("1");
  EXPECT_THAT(AliasToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("Name: must be 1-128")));
  a.alias.set_name("LIVE");
  a.alias.set_function_version("");
  EXPECT_THAT(AliasToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("FunctionVersion: must be")));
  a.alias.set_function_version("1");
  *a.alias.mutable_routing_config() = Weights({{"2", kWeightScale + 1}});
  EXPECT_THAT(AliasToAwsJson(a),
              StatusIs(kInvalid,
                       HasSubstr("RoutingConfig.AdditionalVersionWeights[\"2\"]"
                                 ": must be in [0.0, 1.0], got 1.000000001")));
  *a.alias.mutable_routing_config() = Weights({{"2", 1}, {"2", 2}});
  EXPECT_THAT(AliasToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("RoutingConfig.AdditionalVersion"
                                           "Weights: version \"2\" appears "
                                           "more than once")));
  *a.alias.mutable_routing_config() = Weights({});
  a.alias.set_description("\xff");
  EXPECT_THAT(AliasToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("Description: not valid UTF-8")));
}

// ---------------------------------------------------------------------------
// list-aliases

TEST(ListAliasesFromAwsJson, ReadsSample) {
  ASSERT_OK_AND_ASSIGN(AwsAliasList list,
                       ListAliasesFromAwsJson(ReadTestData("list-aliases.json")));
  ASSERT_EQ(list.aliases.size(), 2u);
  EXPECT_EQ(list.next_marker, "");
  EXPECT_EQ(list.aliases[0].alias.name(), "BETA");
  EXPECT_EQ(list.aliases[0].alias.function_version(), "2");
  EXPECT_EQ(list.aliases[0].alias.revision_id(),
            "a410117f-ab16-494e-8035-7e204bb7933b");
  EXPECT_EQ(list.aliases[0].function_name, "my-function");
  EXPECT_EQ(list.aliases[1].alias.name(), "LIVE");
  EXPECT_EQ(list.aliases[1].alias.description(),
            "alias for live version of function");
  EXPECT_EQ(list.aliases[1]
                .alias.routing_config()
                .additional_version_weights(0)
                .weight_ppb(),
            100'000'000u);
}

TEST(ListAliasesFromAwsJson, MissingListIsEmptyAndErrorsNameTheElement) {
  ASSERT_OK_AND_ASSIGN(AwsAliasList empty,
                       ListAliasesFromAwsJson(R"({"NextMarker": "abc"})"));
  EXPECT_TRUE(empty.aliases.empty());
  EXPECT_EQ(empty.next_marker, "abc");
  EXPECT_THAT(
      ListAliasesFromAwsJson(R"({"Aliases": [{"Name": "a", "FunctionVersion": "1"},
                                             {"Name": "b"}]})"),
      StatusIs(kInvalid,
               HasSubstr("Aliases[1].FunctionVersion: required, but missing")));
  EXPECT_THAT(ListAliasesFromAwsJson(R"({"Aliases": {}})"),
              StatusIs(kInvalid,
                       HasSubstr("Aliases: expected an array, got object")));
  EXPECT_THAT(ListAliasesFromAwsJson(R"({"Aliases": [7]})"),
              StatusIs(kInvalid,
                       HasSubstr("Aliases[0]: expected an object, got number")));
  EXPECT_THAT(ListAliasesFromAwsJson(R"({"NextMarker": true})"),
              StatusIs(kInvalid,
                       HasSubstr("NextMarker: expected a string, got boolean")));
}

TEST(ListAliasesToAwsJson, WritesExactText) {
  AwsAliasList list;
  EXPECT_THAT(ListAliasesToAwsJson(list), IsOkAndHolds("{\n  \"Aliases\": []\n}\n"));
  list.next_marker = "m";
  AwsAlias a;
  a.alias.set_name("live");
  a.alias.set_function_version("$LATEST");
  list.aliases.push_back(a);
  EXPECT_THAT(ListAliasesToAwsJson(list), IsOkAndHolds(R"({
  "NextMarker": "m",
  "Aliases": [
    {
      "Name": "live",
      "FunctionVersion": "$LATEST",
      "Description": ""
    }
  ]
}
)"));
  list.aliases[0].alias.set_name("");
  EXPECT_THAT(ListAliasesToAwsJson(list),
              StatusIs(kInvalid, HasSubstr("Aliases[0].Name: must be")));
}

TEST(ListAliasesAwsJson, SampleRoundTrips) {
  ASSERT_OK_AND_ASSIGN(AwsAliasList a,
                       ListAliasesFromAwsJson(ReadTestData("list-aliases.json")));
  ASSERT_OK_AND_ASSIGN(std::string text, ListAliasesToAwsJson(a));
  ASSERT_OK_AND_ASSIGN(AwsAliasList b, ListAliasesFromAwsJson(text));
  ASSERT_EQ(a.aliases.size(), b.aliases.size());
  for (size_t i = 0; i < a.aliases.size(); ++i) {
    EXPECT_TRUE(Same(a.aliases[i], b.aliases[i])) << i;
  }
}

// ---------------------------------------------------------------------------
// get-function-configuration

TEST(FunctionConfigurationFromAwsJson, ReadsLatestSample) {
  ASSERT_OK_AND_ASSIGN(
      AwsFunctionConfiguration f,
      FunctionConfigurationFromAwsJson(
          ReadTestData("get-function-configuration.json")));
  EXPECT_EQ(f.function_name, "my-function");
  EXPECT_EQ(f.function_arn,
            "arn:aws:lambda:us-west-2:123456789012:function:my-function");
  EXPECT_EQ(f.version, "$LATEST");
  EXPECT_TRUE(f.is_latest());
  EXPECT_EQ(f.revision_id, "88ebe1e1-bfdf-4dc3-84de-3017268fa1ff");
  const v1::FunctionConfiguration& c = f.configuration;
  EXPECT_EQ(c.runtime(), "nodejs10.x");
  EXPECT_EQ(c.role(), "arn:aws:iam::123456789012:role/lambda-role");
  EXPECT_EQ(c.handler(), "index.handler");
  EXPECT_EQ(c.code_size_bytes(), 308u);
  EXPECT_EQ(c.description(), "");
  EXPECT_EQ(c.timeout_seconds(), 3u);
  EXPECT_EQ(c.memory_size_mb(), 128u);
  EXPECT_EQ(c.code_sha256(), "PFn4S+er27qk+UuZSTKEQfNKG/XNn7QJs90mJgq6oH8=");
  EXPECT_THAT(c.architectures(), ElementsAre("x86_64"));
  EXPECT_TRUE(c.environment().empty());
  ASSERT_TRUE(f.last_modified.has_value());
  // 2019-08-14T22:26:11.234Z
  EXPECT_EQ(f.last_modified->seconds(), 1565821571);
  EXPECT_EQ(f.last_modified->nanos(), 234'000'000);

  ASSERT_OK_AND_ASSIGN(v1::LatestState latest, ToLatestState(f));
  EXPECT_EQ(latest.revision_id(), f.revision_id);
  EXPECT_EQ(latest.configuration().handler(), "index.handler");
  EXPECT_EQ(latest.last_modified().seconds(), 1565821571);
  EXPECT_THAT(ToFunctionVersion(f),
              StatusIs(kInvalid, HasSubstr("expected a published version "
                                           "number, got \"$LATEST\"")));
}

TEST(FunctionConfigurationFromAwsJson, ReadsVersionSample) {
  ASSERT_OK_AND_ASSIGN(
      AwsFunctionConfiguration f,
      FunctionConfigurationFromAwsJson(
          ReadTestData("get-function-configuration-version.json")));
  EXPECT_EQ(f.version, "2");
  EXPECT_FALSE(f.is_latest());
  const v1::FunctionConfiguration& c = f.configuration;
  EXPECT_EQ(c.dead_letter_target_arn(),
            "arn:aws:sqs:us-west-2:123456789012:my-function-dlq");
  EXPECT_THAT(c.environment(), UnorderedElementsAre(Pair("STAGE", "prod"),
                                                    Pair("LOG_LEVEL", "info")));
  EXPECT_THAT(c.architectures(), ElementsAre("arm64"));
  EXPECT_EQ(c.code_size_bytes(), 5797206u);
  EXPECT_EQ(f.last_modified->nanos(), 0);

  ASSERT_OK_AND_ASSIGN(v1::FunctionVersion v, ToFunctionVersion(f));
  EXPECT_EQ(v.version(), "2");
  EXPECT_EQ(v.revision_id(), "b75dcd81-7b2a-4d3c-9c2b-3c1d7f0c1e55");
  EXPECT_EQ(v.configuration().memory_size_mb(), 256u);
  EXPECT_EQ(v.created().seconds(), f.last_modified->seconds());
  EXPECT_THAT(ToLatestState(f),
              StatusIs(kInvalid, HasSubstr("Version: expected \"$LATEST\", "
                                           "got \"2\"")));
}

TEST(FunctionConfigurationToAwsJson, WritesExactText) {
  ASSERT_OK_AND_ASSIGN(
      AwsFunctionConfiguration f,
      FunctionConfigurationFromAwsJson(
          ReadTestData("get-function-configuration-version.json")));
  EXPECT_THAT(FunctionConfigurationToAwsJson(f), IsOkAndHolds(R"({
  "FunctionName": "my-function",
  "FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:my-function:2",
  "Runtime": "python3.12",
  "Role": "arn:aws:iam::123456789012:role/lambda-role",
  "Handler": "app.handler",
  "CodeSize": 5797206,
  "Description": "second release",
  "Timeout": 30,
  "MemorySize": 256,
  "LastModified": "2024-03-01T10:15:42.000+0000",
  "CodeSha256": "YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=",
  "Version": "2",
  "DeadLetterConfig": {
    "TargetArn": "arn:aws:sqs:us-west-2:123456789012:my-function-dlq"
  },
  "Environment": {
    "Variables": {
      "LOG_LEVEL": "info",
      "STAGE": "prod"
    }
  },
  "RevisionId": "b75dcd81-7b2a-4d3c-9c2b-3c1d7f0c1e55",
  "Architectures": [
    "arm64"
  ]
}
)"));
}

TEST(FunctionConfigurationToAwsJson, MinimalAndSubMillisecondTimes) {
  AwsFunctionConfiguration f;
  f.function_name = "f";
  f.version = "$LATEST";
  EXPECT_THAT(FunctionConfigurationToAwsJson(f), IsOkAndHolds(R"({
  "FunctionName": "f",
  "Description": "",
  "Version": "$LATEST"
}
)"));
  google::protobuf::Timestamp ts;
  ts.set_seconds(0);
  ts.set_nanos(1);
  f.last_modified = ts;
  EXPECT_THAT(FunctionConfigurationToAwsJson(f),
              IsOkAndHolds(HasSubstr(
                  R"("LastModified": "1970-01-01T00:00:00.000000001+0000")")));
  ts.set_nanos(-1);
  f.last_modified = ts;
  EXPECT_THAT(FunctionConfigurationToAwsJson(f),
              StatusIs(kInvalid, HasSubstr("LastModified: timestamp out of "
                                           "range")));
  f.last_modified.reset();
  f.function_name = "";
  EXPECT_THAT(FunctionConfigurationToAwsJson(f),
              StatusIs(kInvalid, HasSubstr("FunctionName: must not be empty")));
}

TEST(FunctionConfigurationFromAwsJson, ReadsTimeZonesAndFractions) {
  const auto read = [](const std::string& t) {
    return FunctionConfigurationFromAwsJson(absl::StrCat(
        R"({"FunctionName": "f", "Version": "1", "LastModified": ")", t,
        R"("})"));
  };
  for (const char* t :
       {"2019-08-14T22:26:11.234+0000", "2019-08-14T22:26:11.234Z",
        "2019-08-14T22:26:11.234+00:00", "2019-08-15T00:26:11.234+0200"}) {
    SCOPED_TRACE(t);
    ASSERT_OK_AND_ASSIGN(AwsFunctionConfiguration f, read(t));
    EXPECT_EQ(f.last_modified->seconds(), 1565821571);
    EXPECT_EQ(f.last_modified->nanos(), 234'000'000);
  }
  ASSERT_OK_AND_ASSIGN(AwsFunctionConfiguration whole,
                       read("2019-08-14T22:26:11+0000"));
  EXPECT_EQ(whole.last_modified->seconds(), 1565821571);
  EXPECT_EQ(whole.last_modified->nanos(), 0);
  ASSERT_OK_AND_ASSIGN(AwsFunctionConfiguration f,
                       read("1969-12-31T23:59:59.5+0000"));
  EXPECT_EQ(f.last_modified->seconds(), -1);
  EXPECT_EQ(f.last_modified->nanos(), 500'000'000);
  for (const char* bad : {"yesterday", "2019-08-14", "infinite-future",
                          "2019-13-14T22:26:11+0000", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(read(bad), StatusIs(kInvalid,
                                    HasSubstr("LastModified: expected an "
                                              "ISO-8601 time")));
  }
  EXPECT_THAT(read("10000-01-01T00:00:00+0000"),
              StatusIs(kInvalid, HasSubstr("LastModified: must be between "
                                           "years 1 and 9999")));
}

TEST(FunctionConfigurationFromAwsJson, RejectsBadFieldsNamingThePath) {
  const std::string base = R"("FunctionName": "f", "Version": "1")";
  const struct {
    std::string json;
    const char* fragment;
  } cases[] = {
      {R"({"Version": "1"})", "FunctionName: required, but missing"},
      {R"({"FunctionName": "", "Version": "1"})",
       "FunctionName: must not be empty"},
      {R"({"FunctionName": "f"})", "Version: required, but missing"},
      {R"({"FunctionName": "f", "Version": "v1"})",
       "Version: must be \"$LATEST\" or a version number"},
      {"{" + base + R"(, "MemorySize": "128"})",
       "MemorySize: expected an integer, got string"},
      {"{" + base + R"(, "MemorySize": 1.5})",
       "MemorySize: expected an integer, got 1.5"},
      {"{" + base + R"(, "MemorySize": 1e3})",
       "MemorySize: expected an integer, got 1e3"},
      {"{" + base + R"(, "Timeout": -1})", "Timeout: must not be negative, got -1"},
      {"{" + base + R"(, "MemorySize": 4294967296})",
       "MemorySize: must be at most 4294967295, got 4294967296"},
      {"{" + base + R"(, "CodeSize": 18446744073709551616})",
       "CodeSize: must be at most 18446744073709551615"},
      {"{" + base + R"(, "Environment": {"Variables": {"A": 1}}})",
       "Environment.Variables[\"A\"]: expected a string, got number"},
      {"{" + base + R"(, "Environment": []})",
       "Environment: expected an object, got array"},
      {"{" + base + R"(, "DeadLetterConfig": {"TargetArn": false}})",
       "DeadLetterConfig.TargetArn: expected a string, got boolean"},
      {"{" + base + R"(, "Architectures": ["x86_64", 3]})",
       "Architectures[1]: expected a string, got number"},
      {"{" + base + R"(, "LastModified": 7})",
       "LastModified: expected a string, got number"},
      {"{" + base +
           R"(, "FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:g:1"})",
       "FunctionArn: function name \"g\" does not match FunctionName \"f\""},
      {"{" + base +
           R"(, "FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:f:2"})",
       "FunctionArn: qualifier \"2\" does not match Version \"1\""},
      {"{" + base + R"(, "FunctionArn": "arn:aws:lambda:us-west-2:1234:function:f"})",
       "FunctionArn: expected arn:PARTITION:lambda:"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(FunctionConfigurationFromAwsJson(c.json),
                StatusIs(kInvalid, HasSubstr(c.fragment)));
  }
}

TEST(FunctionConfigurationAwsJson, SamplesRoundTrip) {
  for (const char* name : {"get-function-configuration.json",
                           "get-function-configuration-version.json"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(AwsFunctionConfiguration a,
                         FunctionConfigurationFromAwsJson(ReadTestData(name)));
    ASSERT_OK_AND_ASSIGN(std::string text, FunctionConfigurationToAwsJson(a));
    ASSERT_OK_AND_ASSIGN(AwsFunctionConfiguration b,
                         FunctionConfigurationFromAwsJson(text));
    EXPECT_TRUE(Same(a, b)) << text;
  }
}

// ---------------------------------------------------------------------------
// list-versions-by-function

TEST(ListVersionsFromAwsJson, ReadsSample) {
  ASSERT_OK_AND_ASSIGN(
      AwsVersionList list,
      ListVersionsFromAwsJson(ReadTestData("list-versions-by-function.json")));
  ASSERT_EQ(list.versions.size(), 2u);
  EXPECT_EQ(list.versions[0].version, "$LATEST");
  EXPECT_EQ(list.versions[0].function_arn,
            "arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST");
  EXPECT_EQ(list.versions[0].configuration.timeout_seconds(), 15u);
  EXPECT_EQ(list.versions[1].version, "1");
  EXPECT_EQ(list.versions[1].configuration.timeout_seconds(), 5u);
  EXPECT_EQ(list.versions[1].configuration.description(),
            "Process image objects from Amazon S3.");
  EXPECT_THAT(list.versions[1].configuration.environment(),
              UnorderedElementsAre(Pair("BUCKET", "my-bucket-1xpuxmplzrlbh"),
                                   Pair("PREFIX", "inbound")));
  EXPECT_EQ(list.versions[1].revision_id,
            "b75dcd81-7b2a-4d3c-9c2b-3c1d7f0c1e55");
}

TEST(ListVersionsAwsJson, RoundTripsAndNamesElements) {
  ASSERT_OK_AND_ASSIGN(
      AwsVersionList a,
      ListVersionsFromAwsJson(ReadTestData("list-versions-by-function.json")));
  a.next_marker = "next";
  ASSERT_OK_AND_ASSIGN(std::string text, ListVersionsToAwsJson(a));
  EXPECT_THAT(text, HasSubstr("{\n  \"NextMarker\": \"next\",\n  \"Versions\": [\n"));
  ASSERT_OK_AND_ASSIGN(AwsVersionList b, ListVersionsFromAwsJson(text));
  EXPECT_EQ(b.next_marker, "next");
  ASSERT_EQ(a.versions.size(), b.versions.size());
  for (size_t i = 0; i < a.versions.size(); ++i) {
    EXPECT_TRUE(Same(a.versions[i], b.versions[i])) << i;
  }
  EXPECT_THAT(
      ListVersionsFromAwsJson(R"({"Versions": [{"FunctionName": "f",
                                               "Version": "$LATEST"},
                                              {"FunctionName": "f",
                                               "Version": "1",
                                               "MemorySize": -5}]})"),
      StatusIs(kInvalid,
               HasSubstr("Versions[1].MemorySize: must not be negative")));
  a.versions[1].version = "x";
  EXPECT_THAT(ListVersionsToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("Versions[1].Version: must be "
                                           "\"$LATEST\" or a version "
                                           "number")));
  a.versions[1].version = "2";
  EXPECT_THAT(ListVersionsToAwsJson(a),
              StatusIs(kInvalid, HasSubstr("Versions[1].FunctionArn: "
                                           "qualifier \"1\" does not match "
                                           "Version \"2\"")));
}

// ---------------------------------------------------------------------------
// --routing-config

TEST(RoutingConfigFromAwsJson, ReadsJsonAndShorthand) {
  ASSERT_OK_AND_ASSIGN(
      v1::RoutingConfig json,
      RoutingConfigFromAwsJson(ReadTestData("routing-config.json")));
  ASSERT_OK_AND_ASSIGN(
      v1::RoutingConfig shorthand,
      RoutingConfigFromAwsJson("AdditionalVersionWeights={2=0.05}"));
  for (const v1::RoutingConfig& rc : {json, shorthand}) {
    ASSERT_EQ(rc.additional_version_weights_size(), 1);
    EXPECT_EQ(rc.additional_version_weights(0).version(), "2");
    EXPECT_EQ(rc.additional_version_weights(0).weight_ppb(), 50'000'000u);
  }
}

TEST(RoutingConfigFromAwsJson, SortsByVersionNumber) {
  for (const char* text :
       {R"({"AdditionalVersionWeights": {"10": 0.1, "9": 0.2, "100": 0.3}})",
        " AdditionalVersionWeights = { 10 = 0.1 , 9=0.2,100=0.3 } ",
        "AdditionalVersionWeights={10='0.1',9=\"0.2\",100=0.3}"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<v1::RoutingConfig> rc = RoutingConfigFromAwsJson(text);
    if (absl::string_view(text).find('\'') != absl::string_view::npos) {
      // A quoted value is a string, not a number.
      EXPECT_THAT(rc, StatusIs(kInvalid,
                               HasSubstr("[\"10\"]: expected a number, got "
                                         "string")));
      continue;
    }
    ASSERT_OK(rc);
    ASSERT_EQ(rc->additional_version_weights_size(), 3);
    EXPECT_EQ(rc->additional_version_weights(0).version(), "9");
    EXPECT_EQ(rc->additional_version_weights(1).version(), "10");
    EXPECT_EQ(rc->additional_version_weights(2).version(), "100");
    EXPECT_EQ(rc->additional_version_weights(2).weight_ppb(), 300'000'000u);
  }
}

TEST(RoutingConfigFromAwsJson, EmptyFormsClearRouting) {
  for (const char* text : {"{}", R"({"AdditionalVersionWeights": {}})",
                           "AdditionalVersionWeights={}",
                           R"({"AdditionalVersionWeights": null})"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(RoutingConfigFromAwsJson(text),
                IsOkAndHolds(::testing::Property(
                    &v1::RoutingConfig::additional_version_weights_size, 0)));
  }
}

TEST(RoutingConfigFromAwsJson, AcceptsBounds) {
  ASSERT_OK_AND_ASSIGN(
      v1::RoutingConfig rc,
      RoutingConfigFromAwsJson("AdditionalVersionWeights={2=1.0,3=0,4=-0.0}"));
  EXPECT_EQ(rc.additional_version_weights(0).weight_ppb(), kWeightScale);
  EXPECT_EQ(rc.additional_version_weights(1).weight_ppb(), 0u);
  EXPECT_EQ(rc.additional_version_weights(2).weight_ppb(), 0u);
}

TEST(RoutingConfigFromAwsJson, RejectsBadInput) {
  const struct {
    const char* text;
    const char* fragment;
  } cases[] = {
      {"", "the argument is empty"},
      {"   ", "the argument is empty"},
      {R"({"AdditionalVersionWeights": [0.1]})",
       "RoutingConfig.AdditionalVersionWeights: expected an object, got array"},
      {R"({"AdditionalVersionWeights": {"2": 0.5, "2": 0.1}})",
       "duplicate key \"2\""},
      {R"({"AdditionalVersionWeights": {"0": 0.5}})",
       "RoutingConfig.AdditionalVersionWeights[\"0\"]: key must be a version "
       "number"},
      {R"({"AdditionalVersionWeights": {"": 0.5}})",
       "RoutingConfig.AdditionalVersionWeights[\"\"]: key must be a version"},
      {"AdditionalVersionWeights={2=1.5}",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: must be in [0.0, 1.0], "
       "got 1.5"},
      {"AdditionalVersionWeights={2=NaN}",
       "RoutingConfig.AdditionalVersionWeights[\"2\"]: expected a number, got "
       "string"},
      {"AdditionalVersionWeights={2=0.7,3=0.4}",
       "RoutingConfig.AdditionalVersionWeights sum to 110%, more than 100%"},
      {"AdditionalVersionWeights={$LATEST=0.1}",
       "RoutingConfig.AdditionalVersionWeights[\"$LATEST\"]: key must be a "
       "version number"},
      {"AdditionalVersionWeights={2=0.1", "invalid shorthand at column 32: "
                                          "unexpected end of input, expected "
                                          "'}'"},
      {"AdditionalVersionWeights", "invalid shorthand at column 25: expected "
                                   "'=' after \"AdditionalVersionWeights\""},
      {"AdditionalVersionWeights={2=0.1}}",
       "invalid shorthand at column 33: expected ',', got '}'"},
      {"AdditionalVersionWeights={2=0.1},AdditionalVersionWeights={}",
       "duplicate key \"AdditionalVersionWeights\""},
      {"=3", "invalid shorthand at column 1: expected a key"},
      {"AdditionalVersionWeights=[2]", "unexpected '[' in a value"},
      {"AdditionalVersionWeights=\"x", "unterminated quoted string"},
      {"AdditionalVersionWeights=0.5",
       "RoutingConfig.AdditionalVersionWeights: expected an object, got "
       "number"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_THAT(RoutingConfigFromAwsJson(c.text),
                StatusIs(kInvalid, HasSubstr(c.fragment)));
  }
}

TEST(RoutingConfigToAwsJson, WritesExactJsonAndShorthand) {
  const v1::RoutingConfig rc =
      Weights({{"10", 123'456'789}, {"2", 50'000'000}, {"3", 0}});
  EXPECT_THAT(RoutingConfigToAwsJson(rc), IsOkAndHolds(R"({
  "AdditionalVersionWeights": {
    "2": 0.05,
    "3": 0.0,
    "10": 0.123456789
  }
}
)"));
  EXPECT_THAT(RoutingConfigToAwsShorthand(rc),
              IsOkAndHolds("AdditionalVersionWeights={2=0.05,3=0.0,10=0.123456789}"));
  EXPECT_THAT(RoutingConfigToAwsJson(Weights({})),
              IsOkAndHolds("{\n  \"AdditionalVersionWeights\": {}\n}\n"));
  EXPECT_THAT(RoutingConfigToAwsShorthand(Weights({})),
              IsOkAndHolds("AdditionalVersionWeights={}"));
  EXPECT_THAT(RoutingConfigToAwsJson(Weights({{"2", kWeightScale}})),
              IsOkAndHolds(HasSubstr("\"2\": 1.0\n")));
  EXPECT_THAT(RoutingConfigToAwsJson(Weights({{"2", 600'000'000},
                                              {"3", 600'000'000}})),
              StatusIs(kInvalid, HasSubstr("sum to 120%, more than 100%")));
  EXPECT_THAT(RoutingConfigToAwsShorthand(Weights({{"$LATEST", 1}})),
              StatusIs(kInvalid, HasSubstr("key must be a version number")));
}

// Every written weight reads back to the same ppb (a fixed-seed sample of
// the whole range plus the edges).
TEST(RoutingConfigToAwsJson, WeightsReadBackExactly) {
  std::mt19937 rng(20260312);
  std::uniform_int_distribution<uint32_t> ppb(0, kWeightScale);
  std::vector<uint32_t> values = {0,           1,           2,
                                  9,           10,          999'999'999,
                                  kWeightScale, 500'000'000, 333'333'333,
                                  666'666'667, 100'000'001};
  for (int i = 0; i < 20'000; ++i) values.push_back(ppb(rng));
  for (uint32_t w : values) {
    const v1::RoutingConfig rc = Weights({{"2", w}});
    ASSERT_OK_AND_ASSIGN(std::string json, RoutingConfigToAwsJson(rc));
    ASSERT_OK_AND_ASSIGN(std::string shorthand, RoutingConfigToAwsShorthand(rc));
    for (const std::string& text : {json, shorthand}) {
      ASSERT_OK_AND_ASSIGN(v1::RoutingConfig back, RoutingConfigFromAwsJson(text));
      ASSERT_EQ(back.additional_version_weights(0).weight_ppb(), w) << text;
    }
  }
}

// ---------------------------------------------------------------------------
// CodeDeploy TrafficRoutingConfig

TEST(TrafficRoutingConfigFromAwsJson, ReadsSamples) {
  ASSERT_OK_AND_ASSIGN(
      v1::TrafficRoutingConfig canary,
      TrafficRoutingConfigFromAwsJson(ReadTestData("traffic-routing-canary.json")));
  ASSERT_TRUE(canary.has_time_based_canary());
  EXPECT_EQ(canary.time_based_canary().canary_percentage(), 10u);
  EXPECT_EQ(canary.time_based_canary().canary_interval_minutes(), 5u);
  EXPECT_EQ(canary.name(), "");

  ASSERT_OK_AND_ASSIGN(
      v1::TrafficRoutingConfig linear,
      TrafficRoutingConfigFromAwsJson(ReadTestData("traffic-routing-linear.json")));
  ASSERT_TRUE(linear.has_time_based_linear());
  EXPECT_EQ(linear.time_based_linear().linear_percentage(), 10u);
  EXPECT_EQ(linear.time_based_linear().linear_interval_minutes(), 1u);

  ASSERT_OK_AND_ASSIGN(v1::TrafficRoutingConfig all,
                       TrafficRoutingConfigFromAwsJson(
                           ReadTestData("traffic-routing-all-at-once.json")));
  EXPECT_TRUE(all.has_all_at_once());

  ASSERT_OK_AND_ASSIGN(
      v1::TrafficRoutingConfig info,
      TrafficRoutingConfigFromAwsJson(ReadTestData("get-deployment-config.json")));
  EXPECT_EQ(info.name(), "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  EXPECT_EQ(info.time_based_canary().canary_percentage(), 10u);
  EXPECT_EQ(info.time_based_canary().canary_interval_minutes(), 5u);
}

TEST(TrafficRoutingConfigFromAwsJson, ReadsShorthandAndInfoObject) {
  for (const char* text :
       {"type=TimeBasedCanary,timeBasedCanary={canaryPercentage=25,"
        "canaryInterval=45}",
        "type=\"TimeBasedCanary\",timeBasedCanary={canaryPercentage=25,"
        "canaryInterval=45}",
        R"({"deploymentConfigName": "c", "trafficRoutingConfig":
            {"type": "TimeBasedCanary",
             "timeBasedCanary": {"canaryPercentage": 25, "canaryInterval": 45}}})"}) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(v1::TrafficRoutingConfig c,
                         TrafficRoutingConfigFromAwsJson(text));
    EXPECT_EQ(c.time_based_canary().canary_percentage(), 25u);
    EXPECT_EQ(c.time_based_canary().canary_interval_minutes(), 45u);
  }
  // Blocks for other types are ignored.
  ASSERT_OK_AND_ASSIGN(
      v1::TrafficRoutingConfig c,
      TrafficRoutingConfigFromAwsJson(
          R"({"type": "AllAtOnce", "timeBasedCanary": {"canaryPercentage": 0}})"));
  EXPECT_TRUE(c.has_all_at_once());
}

TEST(TrafficRoutingConfigFromAwsJson, RejectsBadInput) {
  const struct {
    const char* text;
    const char* fragment;
  } cases[] = {
      {"{}", "trafficRoutingConfig.type: required, but missing"},
      {R"({"type": "TimeBasedFlexible"})",
       "trafficRoutingConfig.type: must be \"TimeBasedCanary\", "
       "\"TimeBasedLinear\" or \"AllAtOnce\", got \"TimeBasedFlexible\""},
      {R"({"type": 1})", "trafficRoutingConfig.type: expected a string, got "
                         "number"},
      {R"({"type": "TimeBasedCanary"})",
       "trafficRoutingConfig.timeBasedCanary: required, but missing"},
      {R"({"type": "TimeBasedLinear", "timeBasedLinear": {"linearInterval": 1}})",
       "trafficRoutingConfig.timeBasedLinear.linearPercentage: required, but "
       "missing"},
      {R"({"type": "TimeBasedCanary",
           "timeBasedCanary": {"canaryPercentage": 0, "canaryInterval": 5}})",
       "trafficRoutingConfig.timeBasedCanary.canaryPercentage: must be at "
       "least 1, got 0"},
      {R"({"type": "TimeBasedCanary",
           "timeBasedCanary": {"canaryPercentage": 100, "canaryInterval": 5}})",
       "trafficRoutingConfig.timeBasedCanary.canaryPercentage: must be at most "
       "99, got 100"},
      {R"({"type": "TimeBasedCanary",
           "timeBasedCanary": {"canaryPercentage": "10", "canaryInterval": 5}})",
       "trafficRoutingConfig.timeBasedCanary.canaryPercentage: expected an "
       "integer, got string"},
      {R"({"type": "TimeBasedLinear",
           "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 0}})",
       "trafficRoutingConfig.timeBasedLinear.linearInterval: must be at least "
       "1, got 0"},
      {R"({"type": "TimeBasedLinear",
           "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 2881}})",
       "trafficRoutingConfig.timeBasedLinear.linearInterval: must be at most "
       "2880, got 2881"},
      {R"({"type": "TimeBasedLinear",
           "timeBasedLinear": {"linearPercentage": 10.5, "linearInterval": 1}})",
       "expected an integer, got 10.5"},
      {"type=TimeBasedCanary,timeBasedCanary={canaryPercentage=x,"
       "canaryInterval=5}",
       "trafficRoutingConfig.timeBasedCanary.canaryPercentage: expected an "
       "integer, got string"},
      {R"({"deploymentConfigInfo": {"computePlatform": "Server",
                                    "trafficRoutingConfig": {"type": "AllAtOnce"}}})",
       "deploymentConfigInfo.computePlatform: must be \"Lambda\", got "
       "\"Server\""},
      {R"({"deploymentConfigInfo": {"deploymentConfigName": "x"}})",
       "deploymentConfigInfo.trafficRoutingConfig: required, but missing"},
      {R"({"deploymentConfigInfo": {"trafficRoutingConfig": {"type": "AllAtOnce"},
                                    "deploymentConfigName": 3}})",
       "deploymentConfigInfo.deploymentConfigName: expected a string, got "
       "number"},
      {"CodeDeployDefault.LambdaCanary10Percent5Minutes",
       "invalid shorthand at column 48: expected '=' after "
       "\"CodeDeployDefault.LambdaCanary10Percent5Minutes\", got end of "
       "input"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_THAT(TrafficRoutingConfigFromAwsJson(c.text),
                StatusIs(kInvalid, HasSubstr(c.fragment)));
  }
}

TEST(TrafficRoutingConfigToAwsJson, WritesExactText) {
  v1::TrafficRoutingConfig c;
  c.mutable_time_based_canary()->set_canary_percentage(10);
  c.mutable_time_based_canary()->set_canary_interval_minutes(5);
  c.set_name("CodeDeployDefault.LambdaCanary10Percent5Minutes");
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(c), IsOkAndHolds(R"({
  "type": "TimeBasedCanary",
  "timeBasedCanary": {
    "canaryPercentage": 10,
    "canaryInterval": 5
  }
}
)"));
  EXPECT_THAT(DeploymentConfigToAwsJson(c), IsOkAndHolds(R"({
  "deploymentConfigInfo": {
    "deploymentConfigName": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    "computePlatform": "Lambda",
    "trafficRoutingConfig": {
      "type": "TimeBasedCanary",
      "timeBasedCanary": {
        "canaryPercentage": 10,
        "canaryInterval": 5
      }
    }
  }
}
)"));
  v1::TrafficRoutingConfig linear;
  linear.mutable_time_based_linear()->set_linear_percentage(10);
  linear.mutable_time_based_linear()->set_linear_interval_minutes(3);
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(linear), IsOkAndHolds(R"({
  "type": "TimeBasedLinear",
  "timeBasedLinear": {
    "linearPercentage": 10,
    "linearInterval": 3
  }
}
)"));
  v1::TrafficRoutingConfig all;
  all.mutable_all_at_once();
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(all),
              IsOkAndHolds("{\n  \"type\": \"AllAtOnce\"\n}\n"));
}

TEST(TrafficRoutingConfigToAwsJson, RefusesWhatCodeDeployCannotSay) {
  v1::TrafficRoutingConfig c;
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(c),
              StatusIs(kInvalid, HasSubstr("no kind is set")));
  c.mutable_step_list()->add_steps()->set_weight_ppb(1);
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(c),
              StatusIs(kInvalid, HasSubstr("a step list has no CodeDeploy form")));
  EXPECT_THAT(DeploymentConfigToAwsJson(c),
              StatusIs(kInvalid, HasSubstr("a step list has no CodeDeploy form")));
  c.mutable_time_based_linear()->set_linear_percentage(100);
  c.mutable_time_based_linear()->set_linear_interval_minutes(1);
  EXPECT_THAT(TrafficRoutingConfigToAwsJson(c),
              StatusIs(kInvalid, HasSubstr("linearPercentage: must be at most "
                                           "99, got 100")));
}

TEST(TrafficRoutingConfigAwsJson, SamplesRoundTrip) {
  for (const char* name :
       {"traffic-routing-canary.json", "traffic-routing-linear.json",
        "traffic-routing-all-at-once.json", "get-deployment-config.json"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(v1::TrafficRoutingConfig a,
                         TrafficRoutingConfigFromAwsJson(ReadTestData(name)));
    ASSERT_OK_AND_ASSIGN(std::string text, DeploymentConfigToAwsJson(a));
    ASSERT_OK_AND_ASSIGN(v1::TrafficRoutingConfig b,
                         TrafficRoutingConfigFromAwsJson(text));
    EXPECT_TRUE(MessageDifferencer::Equals(a, b)) << text;
    ASSERT_OK_AND_ASSIGN(std::string bare, TrafficRoutingConfigToAwsJson(a));
    ASSERT_OK_AND_ASSIGN(v1::TrafficRoutingConfig c,
                         TrafficRoutingConfigFromAwsJson(bare));
    a.clear_name();
    EXPECT_TRUE(MessageDifferencer::Equals(a, c)) << bare;
  }
}

// ---------------------------------------------------------------------------
// Corrupt, truncated and oversized input.

TEST(AwsJsonCorruptInput, EveryTruncationIsRejected) {
  for (const char* name :
       {"get-alias.json", "get-alias-weighted.json", "list-aliases.json",
        "get-function-configuration.json",
        "get-function-configuration-version.json",
        "list-versions-by-function.json", "get-deployment-config.json"}) {
    SCOPED_TRACE(name);
    const std::string text = ReadTestData(name);
    const size_t end = text.rfind('}');
    ASSERT_NE(end, std::string::npos);
    for (size_t n = 0; n <= end; ++n) {
      const absl::string_view prefix(text.data(), n);
      EXPECT_THAT(AliasFromAwsJson(prefix), StatusIs(kInvalid, HasSubstr("")));
      EXPECT_THAT(ListAliasesFromAwsJson(prefix),
                  StatusIs(kInvalid, HasSubstr("")));
      EXPECT_THAT(FunctionConfigurationFromAwsJson(prefix),
                  StatusIs(kInvalid, HasSubstr("")));
      EXPECT_THAT(ListVersionsFromAwsJson(prefix),
                  StatusIs(kInvalid, HasSubstr("")));
      EXPECT_THAT(TrafficRoutingConfigFromAwsJson(prefix),
                  StatusIs(kInvalid, HasSubstr("")));
    }
  }
}

TEST(AwsJsonCorruptInput, SyntaxErrorsNameLineAndColumn) {
  const struct {
    std::string text;
    const char* fragment;
  } cases[] = {
      {"", "invalid JSON at line 1, column 1: the document is empty"},
      {"{\n  \"Name\": \"a\",\n}", "at line 3, column 1: expected a string key"},
      {"{\"Name\": \"a\"} x", "line 1, column 15: unexpected 'x' after the end"},
      {"{\"Name\": NaN}", "unexpected 'N'"},
      {"{\"Name\": 01}", "expected ',' or '}', got '1'"},
      {"{\"Name\": 1.}", "expected a digit, got '}'"},
      {"{\"Name\": -}", "expected a digit"},
      {"{\"Name\": tru}", "unexpected 't'"},
      {"{\"Name\" \"a\"}", "expected ':'"},
      {"{\"Name\": \"a\", \"Name\": \"b\"}", "duplicate key \"Name\""},
      {"{\"Name\": \"a\nb\"}", "unescaped control character in a string"},
      {"{\"Name\": \"\\x\"}", "invalid escape \\'x'"},
      {"{\"Name\": \"\\u12\"}", "line 1, column 15: invalid hex digit"},
      {"{\"Name\": \"\\u12", "truncated \\u escape"},
      {"{\"Name\": \"\\u12G4\"}", "invalid hex digit"},
      {"{\"Name\": \"\\ud800\"}", "unpaired high surrogate"},
      {"{\"Name\": \"\\udc00\"}", "unpaired low surrogate"},
      {"{\"Name\": \"\xff\"}", "invalid UTF-8 in a string"},
      {"{\"Name\": \"\xc0\x80\"}", "invalid UTF-8 in a string"},
      {"{\"Name\": \"\xed\xa0\x80\"}", "invalid UTF-8 in a string"},
      {"// comment\n{}", "unexpected '/'"},
      {"[1, 2,]", "unexpected ']'"},
      {std::string("{\"Name\": \"a\0\"}", 14), "unescaped control character"},
      {"\xef\xbb\xbf{}", "unexpected byte 0xef"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_THAT(AliasFromAwsJson(c.text), StatusIs(kInvalid, HasSubstr(c.fragment)));
  }
}

TEST(AwsJsonCorruptInput, DecodesEscapes) {
  ASSERT_OK_AND_ASSIGN(
      AwsAlias a,
      AliasFromAwsJson(R"({"Name": "a", "FunctionVersion": "1",
          "Description": "\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t\u0000"})"));
  EXPECT_EQ(a.alias.description(),
            std::string("\xc3\xa9\xf0\x9f\x98\x80\"\\/\b\f\n\r\t\0", 15));
  ASSERT_OK_AND_ASSIGN(std::string text, AliasToAwsJson(a));
  ASSERT_OK_AND_ASSIGN(AwsAlias b, AliasFromAwsJson(text));
  EXPECT_EQ(b.alias.description(), a.alias.description());
}

TEST(AwsJsonCorruptInput, DepthIsLimited) {
  const auto nested = [](int depth) {
    return absl::StrCat(R"({"Name": "a", "FunctionVersion": "1", "X": )",
                        std::string(depth - 1, '['), std::string(depth - 1, ']'),
                        "}");
  };
  EXPECT_OK(AliasFromAwsJson(nested(kMaxAwsJsonDepth)));
  EXPECT_THAT(AliasFromAwsJson(nested(kMaxAwsJsonDepth + 1)),
              StatusIs(kInvalid, HasSubstr("nested deeper than 64 levels")));
  EXPECT_THAT(AliasFromAwsJson(std::string(100'000, '[')),
              StatusIs(kInvalid, HasSubstr("nested deeper than 64 levels")));
  std::string shorthand;
  for (int i = 0; i < 100; ++i) shorthand += "a={";
  EXPECT_THAT(RoutingConfigFromAwsJson(shorthand),
              StatusIs(kInvalid, HasSubstr("nested deeper than 64 levels")));
}

TEST(AwsJsonCorruptInput, SizeAndValueCountAreLimited) {
  std::string big = R"({"Name": "a", "FunctionVersion": "1", "X": ")";
  big.append(kMaxAwsJsonBytes, 'x');
  big.append("\"}");
  EXPECT_THAT(AliasFromAwsJson(big),
              StatusIs(kInvalid, HasSubstr("more than the limit of 8388608")));
  EXPECT_THAT(RoutingConfigFromAwsJson(big),
              StatusIs(kInvalid, HasSubstr("more than the limit of 8388608")));
  std::string many = "[";
  for (size_t i = 0; i < kMaxAwsJsonValues; ++i) many += "0,";
  many += "0]";
  EXPECT_THAT(ListAliasesFromAwsJson(many),
              StatusIs(kInvalid, HasSubstr("more than 500000 values")));
}

}  // namespace
}  // namespace aliasroute
