// Tests for lib/arn.h: every rule of the Lambda FunctionName / Alias /
// Version / Qualifier shapes, valid and invalid, the error messages, proto
// conversion, and two seeded property tests (round trip over generated valid
// references; agreement with an independent std::regex reference over
// mutated inputs).

#include "lib/arn.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <new>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/arn.pb.h"
#include "tests/testing.h"

// Counts heap allocations so a test can check that parsing a valid input
// allocates nothing. Only operator new is replaced (malloc inside); the
// counter is read around a single call on the test's own thread.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace aliasroute {
namespace {

using ::aliasroute_testing::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::string_view kPrefix =
    "arn:aws:lambda:us-east-1:123456789012:function:";  // 47 bytes

// Parses `text`, expects success and that formatting gives `text` back.
FunctionRef ParseOk(absl::string_view text) {
  absl::StatusOr<FunctionRef> ref = ParseFunctionRef(text);
  EXPECT_TRUE(ref.ok()) << "input \"" << text << "\": " << ref.status();
  if (!ref.ok()) return FunctionRef{};
  EXPECT_EQ(FormatFunctionRef(*ref), text);
  return *ref;
}

auto ErrorWith(absl::string_view fragment) {
  return StatusIs(kInvalid, HasSubstr(std::string(fragment)));
}

// ---------------------------------------------------------------- forms

TEST(ParseFunctionRef, BareName) {
  FunctionRef ref = ParseOk("my-function");
  EXPECT_EQ(ref.form, v1::ARN_FORM_NAME);
  EXPECT_EQ(ref.function_name, "my-function");
  EXPECT_EQ(ref.partition, "");
  EXPECT_EQ(ref.region, "");
  EXPECT_EQ(ref.account_id, "");
  EXPECT_EQ(ref.qualifier, "");
  EXPECT_EQ(ref.qualifier_kind(), QualifierKind::kNone);
}

TEST(ParseFunctionRef, BareNameWithQualifiers) {
  FunctionRef latest = ParseOk("my_Function-2:$LATEST");
  EXPECT_EQ(latest.function_name, "my_Function-2");
  EXPECT_EQ(latest.qualifier, "$LATEST");
  EXPECT_EQ(latest.qualifier_kind(), QualifierKind::kLatest);

  FunctionRef version = ParseOk("f:42");
  EXPECT_EQ(version.qualifier, "42");
  EXPECT_EQ(version.qualifier_kind(), QualifierKind::kVersion);

  FunctionRef alias = ParseOk("f:live");
  EXPECT_EQ(alias.form, v1::ARN_FORM_NAME);
  EXPECT_EQ(alias.qualifier, "live");
  EXPECT_EQ(alias.qualifier_kind(), QualifierKind::kAlias);
}

TEST(ParseFunctionRef, NamesThatLookLikeKeywords) {
  // With one or two parts everything is NAME[:QUALIFIER], as in AWS's regex.
  EXPECT_EQ(ParseOk("arn").function_name, "arn");
  EXPECT_EQ(ParseOk("arn:live").qualifier, "live");
  EXPECT_EQ(ParseOk("function:lambda").function_name, "function");
  EXPECT_EQ(ParseOk("123456789012").function_name, "123456789012");
  FunctionRef r = ParseOk("123456789012:function");
  EXPECT_EQ(r.form, v1::ARN_FORM_NAME);
  EXPECT_EQ(r.qualifier_kind(), QualifierKind::kAlias);
}

TEST(ParseFunctionRef, PartialArn) {
  FunctionRef ref = ParseOk("123456789012:function:my-function");
  EXPECT_EQ(ref.form, v1::ARN_FORM_PARTIAL);
  EXPECT_EQ(ref.account_id, "123456789012");
  EXPECT_EQ(ref.function_name, "my-function");
  EXPECT_EQ(ref.partition, "");
  EXPECT_EQ(ref.region, "");
  EXPECT_EQ(ref.qualifier, "");

  FunctionRef q = ParseOk("000000000000:function:f:$LATEST");
  EXPECT_EQ(q.account_id, "000000000000");
  EXPECT_EQ(q.qualifier_kind(), QualifierKind::kLatest);
  EXPECT_EQ(ParseOk("123456789012:function:f:7").qualifier_kind(),
            QualifierKind::kVersion);
  EXPECT_EQ(ParseOk("123456789012:function:f:blue").qualifier_kind(),
            QualifierKind::kAlias);
}

TEST(ParseFunctionRef, FullArn) {
  FunctionRef ref =
      ParseOk("arn:aws:lambda:us-west-2:123456789012:function:checkout:live");
  EXPECT_EQ(ref.form, v1::ARN_FORM_FULL);
  EXPECT_EQ(ref.partition, "aws");
  EXPECT_EQ(ref.region, "us-west-2");
  EXPECT_EQ(ref.account_id, "123456789012");
  EXPECT_EQ(ref.function_name, "checkout");
  EXPECT_EQ(ref.qualifier, "live");
  EXPECT_EQ(ref.qualifier_kind(), QualifierKind::kAlias);

  FunctionRef unqualified =
      ParseOk("arn:aws:lambda:us-west-2:123456789012:function:checkout");
  EXPECT_EQ(unqualified.qualifier_kind(), QualifierKind::kNone);
}

TEST(ParseFunctionRef, ViewsPointIntoInput) {
  const std::string text = "arn:aws:lambda:us-east-1:123456789012:function:f:1";
  ASSERT_OK_AND_ASSIGN(FunctionRef ref, ParseFunctionRef(text));
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  for (absl::string_view part : {ref.partition, ref.region, ref.account_id,
                                 ref.function_name, ref.qualifier}) {
    EXPECT_GE(part.data(), begin);
    EXPECT_LE(part.data() + part.size(), end);
  }
}

TEST(ParseFunctionRef, ValidInputAllocatesNothing) {
  const std::string inputs[] = {
      "f", "f:live", "123456789012:function:f:$LATEST",
      "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:42"};
  for (const std::string& text : inputs) {
    const long before = g_allocations.load(std::memory_order_relaxed);
    absl::StatusOr<FunctionRef> ref = ParseFunctionRef(text);
    const bool ok = ref.ok();
    const long after = g_allocations.load(std::memory_order_relaxed);
    EXPECT_TRUE(ok) << text;
    EXPECT_EQ(after - before, 0) << text;
  }
  // The counter itself works: an error message allocates.
  const std::string name65(65, 'a');
  const long before = g_allocations.load(std::memory_order_relaxed);
  absl::StatusOr<FunctionRef> bad = ParseFunctionRef(name65);
  EXPECT_FALSE(bad.ok());
  EXPECT_GT(g_allocations.load(std::memory_order_relaxed) - before, 0);
}

// ---------------------------------------------------------- partitions

TEST(ParseFunctionRef, EveryPartition) {
  // Partition ids of botocore's partitions.json, and the rule's edge cases.
  for (absl::string_view partition :
       {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
        "aws-iso-f", "aws-eusc", "awsFuture", "aws-"}) {
    const std::string text =
        absl::StrCat("arn:", partition, ":lambda:us-east-1:123456789012:function:f");
    EXPECT_EQ(ParseOk(text).partition, partition);
  }
}

TEST(ParseFunctionRef, BadPartition) {
  EXPECT_THAT(
      ParseFunctionRef("arn::lambda:us-east-1:123456789012:function:f"),
      ErrorWith("partition must not be empty"));
  for (absl::string_view partition :
       {"amazon", "AWS", "aws1", "aws_cn", "aw", "aws-cn0", "Aws", "xaws"}) {
    const std::string text =
        absl::StrCat("arn:", partition, ":lambda:us-east-1:123456789012:function:f");
    EXPECT_THAT(ParseFunctionRef(text),
                ErrorWith(absl::StrCat("partition \"", partition,
                                       "\" does not match aws[a-zA-Z-]*")))
        << text;
  }
}

// -------------------------------------------------------------- regions

TEST(ParseFunctionRef, EveryRegionForm) {
  for (absl::string_view region :
       {"us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2",
        "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
        "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
        "eusc-de-east-1", "mx-central-1", "il-central-1",
        // The regex backtracks: "gov" / "isob" can be the [a-z]+ part.
        "us-gov-1", "us-iso-1", "us-isob-1", "eusc-de-gov-east-1",
        "eusc-de-isoz-x-9"}) {
    const std::string text =
        absl::StrCat("arn:aws:lambda:", region, ":123456789012:function:f");
    EXPECT_EQ(ParseOk(text).region, region);
  }
}

TEST(ParseFunctionRef, BadRegion) {
  EXPECT_THAT(ParseFunctionRef("arn:aws:lambda::123456789012:function:f"),
              ErrorWith("region must not be empty"));
  for (absl::string_view region :
       {"us-east", "us-east-12", "US-east-1", "u-east-1", "use-east-1",
        "us-east-1a", "us--1", "us-east-x", "us-iso-ab-east-1",
        "us-gov-west-1-", "eusc-de-east", "eusc-east-1x", "us_east_1",
        "us-East-1", "-us-east-1", "eusc-d-east-1", "us-gov-", "12-east-1"}) {
    const std::string text =
        absl::StrCat("arn:aws:lambda:", region, ":123456789012:function:f");
    EXPECT_THAT(ParseFunctionRef(text),
                ErrorWith(absl::StrCat("region \"", region,
                                       "\" does not match (eusc-)?[a-z]{2}")))
        << text;
  }
}

// ------------------------------------------------------------- accounts

TEST(ParseFunctionRef, BadAccountId) {
  EXPECT_THAT(
      ParseFunctionRef("arn:aws:lambda:us-east-1:12345678901:function:f"),
      StatusIs(kInvalid,
               Eq("account id must be 12 digits, got 11 (\"12345678901\")")));
  EXPECT_THAT(ParseFunctionRef("1234567890123:function:f"),
              ErrorWith("account id must be 12 digits, got 13"));
  EXPECT_THAT(ParseFunctionRef("12345678901a:function:f"),
              ErrorWith("account id must be 12 digits, got 'a' at position 11"));
  EXPECT_THAT(ParseFunctionRef(":function:f"),
              ErrorWith("account id must be 12 digits, got 0"));
  EXPECT_THAT(ParseFunctionRef("arn:aws:lambda:us-east-1::function:f"),
              ErrorWith("account id must be 12 digits, got 0"));
  // Unicode digits are not digits.
  EXPECT_THAT(ParseFunctionRef("12345678901\xd9\xa1:function:f"),
              ErrorWith("account id must be 12 digits, got 13"));
}

// ---------------------------------------- service and resource type literals

TEST(ParseFunctionRef, WrongService) {
  EXPECT_THAT(
      ParseFunctionRef("arn:aws:s3:us-east-1:123456789012:function:f"),
      StatusIs(kInvalid, Eq("expected \"lambda\" as the service, got \"s3\"")));
  EXPECT_THAT(
      ParseFunctionRef("arn:aws:Lambda:us-east-1:123456789012:function:f"),
      ErrorWith("expected \"lambda\" as the service, got \"Lambda\""));
  EXPECT_THAT(ParseFunctionRef("arn:aws::us-east-1:123456789012:function:f"),
              ErrorWith("expected \"lambda\" as the service, got \"\""));
}

TEST(ParseFunctionRef, WrongResourceType) {
  EXPECT_THAT(
      ParseFunctionRef("arn:aws:lambda:us-east-1:123456789012:layer:f"),
      ErrorWith("expected \"function\" as the resource type, got \"layer\""));
  EXPECT_THAT(ParseFunctionRef("123456789012:Function:f"),
              ErrorWith("expected \"function\" as the resource type, got "
                        "\"Function\""));
  EXPECT_THAT(ParseFunctionRef("123456789012::f"),
              ErrorWith("as the resource type, got \"\""));
}

TEST(ParseFunctionRef, ArnPrefixIsCaseSensitive) {
  EXPECT_THAT(
      ParseFunctionRef("ARN:aws:lambda:us-east-1:123456789012:function:f"),
      ErrorWith("expected \"arn\" (lower case) as the prefix"));
}

// ---------------------------------------------------------------- lengths

TEST(ParseFunctionRef, FunctionNameLength) {
  const std::string name64(64, 'n');
  const std::string name65(65, 'n');
  EXPECT_EQ(ParseOk(name64).function_name, name64);
  EXPECT_EQ(ParseOk(absl::StrCat("123456789012:function:", name64)).function_name,
            name64);
  EXPECT_EQ(ParseOk(absl::StrCat(kPrefix, name64, ":live")).function_name,
            name64);
  for (const std::string& text :
       {name65, absl::StrCat(name65, ":live"),
        absl::StrCat("123456789012:function:", name65),
        absl::StrCat(kPrefix, name65)}) {
    EXPECT_THAT(ParseFunctionRef(text),
                StatusIs(kInvalid,
                         Eq("function name must be at most 64 characters, "
                            "got 65")))
        << text;
  }
}

TEST(ParseFunctionRef, AliasLength) {
  const std::string alias128(128, 'a');
  const std::string alias129(129, 'a');
  EXPECT_EQ(ParseOk(absl::StrCat("f:", alias128)).qualifier, alias128);
  EXPECT_THAT(ParseFunctionRef(absl::StrCat("f:", alias129)),
              ErrorWith("qualifier must be at most 128 characters, got 129"));
  EXPECT_OK(ValidateAliasName(alias128));
  EXPECT_THAT(ValidateAliasName(alias129),
              StatusIs(kInvalid,
                       Eq("alias name must be at most 128 characters, got 129")));
}

TEST(ParseFunctionRef, TotalLength) {
  // 47 (prefix) + 64 (name) + 1 + 28 = 140.
  const std::string name64(64, 'n');
  const std::string at140 = absl::StrCat(kPrefix, name64, ":", std::string(28, 'q'));
  const std::string at141 = absl::StrCat(kPrefix, name64, ":", std::string(29, 'q'));
  ASSERT_EQ(at140.size(), 140u);
  ASSERT_EQ(at141.size(), 141u);
  ParseOk(at140);
  EXPECT_THAT(ParseFunctionRef(at141),
              StatusIs(kInvalid, Eq("function reference must be at most 140 "
                                    "characters, got 141")));
  // The bare form too: 64 + 1 + 75 = 140 is fine, 141 is not.
  ParseOk(absl::StrCat(name64, ":", std::string(75, 'q')));
  EXPECT_THAT(ParseFunctionRef(absl::StrCat(name64, ":", std::string(76, 'q'))),
              ErrorWith("at most 140 characters, got 141"));
  // Very long input: rejected by length without scanning or printing it.
  EXPECT_THAT(ParseFunctionRef(std::string(1 << 20, ':')),
              StatusIs(kInvalid, Eq("function reference must be at most 140 "
                                    "characters, got 1048576")));
}

// ------------------------------------------------------------ empty parts

TEST(ParseFunctionRef, EmptyParts) {
  EXPECT_THAT(ParseFunctionRef(""),
              StatusIs(kInvalid, Eq("function reference must not be empty")));
  EXPECT_THAT(ParseFunctionRef(":live"),
              ErrorWith("function name must not be empty"));
  EXPECT_THAT(ParseFunctionRef(":"), ErrorWith("function name must not be empty"));
  EXPECT_THAT(ParseFunctionRef("name:"),
              ErrorWith("qualifier must not be empty"));
  EXPECT_THAT(ParseFunctionRef("123456789012:function:"),
              ErrorWith("function name must not be empty"));
  EXPECT_THAT(ParseFunctionRef("123456789012:function:f:"),
              ErrorWith("qualifier must not be empty"));
  EXPECT_THAT(ParseFunctionRef(absl::StrCat(kPrefix, "")),
              ErrorWith("function name must not be empty"));
  EXPECT_THAT(ParseFunctionRef(absl::StrCat(kPrefix, "f:")),
              ErrorWith("qualifier must not be empty"));
  EXPECT_THAT(ParseFunctionRef("arn::lambda::123456789012:function:f"),
              ErrorWith("partition must not be empty"));
}

TEST(ParseFunctionRef, WrongNumberOfParts) {
  EXPECT_THAT(ParseFunctionRef("arn:aws:lambda:us-east-1:123456789012:function"),
              ErrorWith("a full ARN has 7 or 8 ':'-separated parts"));
  EXPECT_THAT(ParseFunctionRef("arn:aws:lambda"),
              ErrorWith("a full ARN has 7 or 8 ':'-separated parts"));
  EXPECT_THAT(ParseFunctionRef(absl::StrCat(kPrefix, "f:live:extra")),
              ErrorWith("too many ':'-separated parts"));
  EXPECT_THAT(ParseFunctionRef(absl::StrCat(kPrefix, "f:live:")),
              ErrorWith("too many ':'-separated parts"));
  EXPECT_THAT(ParseFunctionRef("::::::::::"),
              ErrorWith("too many ':'-separated parts"));
  EXPECT_THAT(ParseFunctionRef("123456789012:function:f:live:x"),
              ErrorWith("too many ':'-separated parts: a partial ARN has at "
                        "most 4"));
  // A full ARN without "arn:".
  EXPECT_THAT(ParseFunctionRef("aws:lambda:us-east-1:123456789012:function:f"),
              ErrorWith("a full ARN starts with \"arn:\""));
  // A double colon in a partial ARN leaves an empty part.
  EXPECT_THAT(ParseFunctionRef("123456789012:function::f"),
              ErrorWith("function name must not be empty"));
}

// ------------------------------------------- characters: space, NUL, UTF-8

TEST(ParseFunctionRef, Whitespace) {
  for (absl::string_view text : {" f", "f ", "\tf", "f\n", " f:live",
                                 "123456789012:function:f "}) {
    EXPECT_THAT(ParseFunctionRef(text),
                ErrorWith("must not have leading or trailing whitespace"))
        << text;
  }
  EXPECT_THAT(ParseFunctionRef("my function"),
              StatusIs(kInvalid,
                       Eq("function name \"my function\" has invalid character "
                          "' ' (space) at position 2; allowed are "
                          "[a-zA-Z0-9-_]")));
  EXPECT_THAT(ParseFunctionRef("f:li ve"),
              ErrorWith("alias name \"li ve\" has invalid character ' '"));
  EXPECT_THAT(ParseFunctionRef("arn:aws:lambda:us-east-1 :123456789012:function:f"),
              ErrorWith("region \"us-east-1 \" does not match"));
}

TEST(ParseFunctionRef, EmbeddedNul) {
  const std::string name("f\0g", 3);
  EXPECT_THAT(ParseFunctionRef(name),
              ErrorWith("function name \"f\\x00g\" has invalid character byte "
                        "0x00 at position 1"));
  const std::string trailing("f\0", 2);
  EXPECT_THAT(ParseFunctionRef(trailing), ErrorWith("byte 0x00 at position 1"));
  const std::string qualifier("f:live\0", 7);
  EXPECT_THAT(ParseFunctionRef(qualifier),
              ErrorWith("alias name \"live\\x00\" has invalid character byte 0x00"));
  const std::string account =
      absl::StrCat("1234", std::string(1, '\0'), "5678901:function:f");
  EXPECT_THAT(ParseFunctionRef(account),
              ErrorWith("account id must be 12 digits, got byte 0x00 at "
                        "position 4 (\"1234\\x005678901\")"));
  const std::string nul_only("\0", 1);
  EXPECT_THAT(ParseFunctionRef(nul_only), ErrorWith("byte 0x00"));
}

TEST(ParseFunctionRef, NonAsciiBytes) {
  // "fünction" in UTF-8: the first byte of 'ü' is 0xc3.
  EXPECT_THAT(ParseFunctionRef("f\xc3\xbcnction"),
              ErrorWith("function name \"f\\xc3\\xbcnction\" has invalid "
                        "character byte 0xc3 at position 1"));
  EXPECT_THAT(ParseFunctionRef("f:\xce\xb1lias"),  // Greek alpha.
              ErrorWith("byte 0xce at position 0"));
  EXPECT_THAT(
      ParseFunctionRef("arn:aws:lambda:us-\xc3\xa9" "ast-1:123456789012:function:f"),
      ErrorWith("region \"us-\\xc3\\xa9ast-1\" does not match"));
  EXPECT_THAT(ParseFunctionRef("arn:aws\xe2\x80\x93" "cn:lambda:us-east-1:"
                               "123456789012:function:f"),
              ErrorWith("partition \"aws\\xe2\\x80\\x93cn\" does not match"));
  // A quote in the value is escaped in the message.
  EXPECT_THAT(ParseFunctionRef("f\"x"),
              ErrorWith("\"f\\\"x\" has invalid character '\"'"));
}

TEST(ParseFunctionRef, OtherPunctuation) {
  for (absl::string_view text : {"my.function", "f/g", "f*", "f@x", "f%20"}) {
    EXPECT_THAT(ParseFunctionRef(text), ErrorWith("has invalid character"))
        << text;
  }
}

// ------------------------------------------------------------- qualifiers

TEST(ParseFunctionRef, LatestIsExactAndCaseSensitive) {
  EXPECT_EQ(ParseOk("f:$LATEST").qualifier_kind(), QualifierKind::kLatest);
  for (absl::string_view text : {"f:$latest", "f:$Latest", "f:$LATESTX",
                                 "f:$", "f:$1", "f:$LATEST$"}) {
    EXPECT_THAT(ParseFunctionRef(text),
                ErrorWith("the only qualifier that starts with '$' is "
                          "\"$LATEST\" (case-sensitive)"))
        << text;
  }
  EXPECT_THAT(ParseFunctionRef("f:LATEST$"),
              ErrorWith("has invalid character '$'"));
  EXPECT_THAT(ParseFunctionRef("f:$LATEST.PUBLISHED"),
              ErrorWith("qualifier \"$LATEST.PUBLISHED\" is not supported"));
  EXPECT_THAT(
      ParseFunctionRef(absl::StrCat(kPrefix, "f:$LATEST.PUBLISHED")),
      ErrorWith("is not supported"));
}

TEST(ParseFunctionRef, VersionNumbers) {
  EXPECT_EQ(ParseOk("f:1").qualifier, "1");
  EXPECT_EQ(ParseOk("f:9223372036854775807").qualifier, "9223372036854775807");
  EXPECT_THAT(ParseFunctionRef("f:0"),
              StatusIs(kInvalid, Eq("version number must be at least 1, got \"0\"")));
  EXPECT_THAT(ParseFunctionRef("f:007"),
              StatusIs(kInvalid,
                       Eq("version number \"007\" must not have a leading zero")));
  EXPECT_THAT(ParseFunctionRef("f:9223372036854775808"),
              ErrorWith("version number \"9223372036854775808\" must be at "
                        "most 2^63-1"));
  EXPECT_THAT(ParseFunctionRef("f:10000000000000000000"),
              ErrorWith("must be at most 2^63-1"));
}

TEST(ParseFunctionRef, AliasNames) {
  FunctionRef date = ParseOk("f:2024-01-02");  // Accepted by AWS.
  EXPECT_EQ(date.qualifier_kind(), QualifierKind::kAlias);
  EXPECT_EQ(ParseOk("f:1a").qualifier_kind(), QualifierKind::kAlias);
  EXPECT_EQ(ParseOk("f:-1").qualifier_kind(), QualifierKind::kAlias);
  EXPECT_EQ(ParseOk("f:_").qualifier_kind(), QualifierKind::kAlias);
}

// ------------------------------------------------------ part validators

TEST(ValidateFunctionName, Rules) {
  EXPECT_OK(ValidateFunctionName("a"));
  EXPECT_OK(ValidateFunctionName("A-z_0-9"));
  EXPECT_OK(ValidateFunctionName(std::string(64, 'x')));
  EXPECT_THAT(ValidateFunctionName(""),
              StatusIs(kInvalid, Eq("function name must not be empty")));
  EXPECT_THAT(ValidateFunctionName(std::string(65, 'x')),
              StatusIs(kInvalid,
                       Eq("function name must be at most 64 characters, got 65")));
  EXPECT_THAT(ValidateFunctionName("a:b"),
              ErrorWith("has invalid character ':' at position 1"));
  EXPECT_THAT(ValidateFunctionName("a$"), ErrorWith("invalid character '$'"));
}

TEST(ValidateAliasName, Rules) {
  EXPECT_OK(ValidateAliasName("live"));
  EXPECT_OK(ValidateAliasName("2024-01-02"));
  EXPECT_OK(ValidateAliasName("0x"));
  EXPECT_THAT(ValidateAliasName("123"),
              StatusIs(kInvalid, Eq("alias name \"123\" must not be all digits")));
  EXPECT_THAT(ValidateAliasName("0"), ErrorWith("must not be all digits"));
  EXPECT_THAT(ValidateAliasName(""),
              StatusIs(kInvalid, Eq("alias name must not be empty")));
  EXPECT_THAT(ValidateAliasName("$LATEST"), ErrorWith("invalid character '$'"));
}

TEST(ValidateVersionNumber, Rules) {
  EXPECT_OK(ValidateVersionNumber("1"));
  EXPECT_OK(ValidateVersionNumber("10"));
  EXPECT_OK(ValidateVersionNumber("9223372036854775807"));
  EXPECT_THAT(ValidateVersionNumber(""),
              StatusIs(kInvalid, Eq("version number must not be empty")));
  EXPECT_THAT(ValidateVersionNumber("1a"),
              ErrorWith("version number \"1a\" must be decimal digits, got "
                        "'a' at position 1"));
  EXPECT_THAT(ValidateVersionNumber("-1"), ErrorWith("must be decimal digits"));
  EXPECT_THAT(ValidateVersionNumber("0"), ErrorWith("must be at least 1"));
  EXPECT_THAT(ValidateVersionNumber("01"), ErrorWith("leading zero"));
  EXPECT_THAT(ValidateVersionNumber("9223372036854775808"),
              ErrorWith("must be at most 2^63-1"));
  EXPECT_THAT(ValidateVersionNumber("99999999999999999999"),
              ErrorWith("must be at most 2^63-1"));
}

TEST(ValidateQualifier, Rules) {
  EXPECT_OK(ValidateQualifier("$LATEST"));
  EXPECT_OK(ValidateQualifier("3"));
  EXPECT_OK(ValidateQualifier("prod"));
  EXPECT_THAT(ValidateQualifier(""),
              StatusIs(kInvalid, Eq("qualifier must not be empty")));
  EXPECT_THAT(ValidateQualifier(std::string(129, '1')),
              ErrorWith("qualifier must be at most 128 characters, got 129"));
  EXPECT_THAT(ValidateQualifier("01"), ErrorWith("leading zero"));
  EXPECT_THAT(ValidateQualifier("$LATEST.PUBLISHED"),
              ErrorWith("is not supported"));
}

TEST(ClassifyQualifier, Kinds) {
  EXPECT_EQ(ClassifyQualifier(""), QualifierKind::kNone);
  EXPECT_EQ(ClassifyQualifier("$LATEST"), QualifierKind::kLatest);
  EXPECT_EQ(ClassifyQualifier("1"), QualifierKind::kVersion);
  EXPECT_EQ(ClassifyQualifier("9223372036854775807"), QualifierKind::kVersion);
  EXPECT_EQ(ClassifyQualifier("live"), QualifierKind::kAlias);
  EXPECT_EQ(ClassifyQualifier("2024-01-02"), QualifierKind::kAlias);
  EXPECT_EQ(ClassifyQualifier("1a"), QualifierKind::kAlias);
}

TEST(ErrorMessages, LongValuesAreCut) {
  // 121 bytes with a bad one at 100: the message prints 64 and the length.
  const std::string alias = std::string(100, '7') + "!" + std::string(20, 'y');
  absl::Status s = ValidateAliasName(alias);
  EXPECT_THAT(s, ErrorWith(absl::StrCat("\"", std::string(64, '7'),
                                        "\"... (121 bytes)")));
  EXPECT_THAT(s, ErrorWith("invalid character '!' at position 100"));
  EXPECT_LT(s.message().size(), 200u);
}

// -------------------------------------------------------------- formatting

TEST(FormatFunctionRef, EachForm) {
  FunctionRef ref;
  ref.form = v1::ARN_FORM_FULL;
  ref.partition = "aws-cn";
  ref.region = "cn-north-1";
  ref.account_id = "123456789012";
  ref.function_name = "f";
  EXPECT_EQ(FormatFunctionRef(ref),
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f");
  ref.qualifier = "9";
  EXPECT_EQ(FormatFunctionRef(ref),
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:9");
  ref.form = v1::ARN_FORM_PARTIAL;
  EXPECT_EQ(FormatFunctionRef(ref), "123456789012:function:f:9");
  ref.form = v1::ARN_FORM_NAME;
  EXPECT_EQ(FormatFunctionRef(ref), "f:9");
}

TEST(FunctionArn, Builds) {
  EXPECT_EQ(FunctionArn("aws", "us-east-1", "123456789012", "f"),
            "arn:aws:lambda:us-east-1:123456789012:function:f");
  EXPECT_EQ(FunctionArn("aws", "us-east-1", "123456789012", "f", "live"),
            "arn:aws:lambda:us-east-1:123456789012:function:f:live");
}

// ------------------------------------------------------------------ proto

TEST(Proto, RoundTripEachForm) {
  for (absl::string_view text :
       {"f", "f:$LATEST", "f:12", "123456789012:function:f:live",
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:2024-01-02",
        "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f"}) {
    ASSERT_OK_AND_ASSIGN(FunctionRef ref, ParseFunctionRef(text));
    const v1::Arn arn = FunctionRefToProto(ref);
    EXPECT_EQ(arn.form(), ref.form);
    EXPECT_EQ(arn.function_name(), ref.function_name);
    // Through the wire format too.
    std::string bytes;
    ASSERT_TRUE(arn.SerializeToString(&bytes));
    v1::Arn decoded;
    ASSERT_TRUE(decoded.ParseFromString(bytes));
    ASSERT_OK_AND_ASSIGN(FunctionRef back, FunctionRefFromProto(decoded));
    EXPECT_EQ(back.form, ref.form);
    EXPECT_EQ(back.partition, ref.partition);
    EXPECT_EQ(back.region, ref.region);
    EXPECT_EQ(back.account_id, ref.account_id);
    EXPECT_EQ(back.function_name, ref.function_name);
    EXPECT_EQ(back.qualifier, ref.qualifier);
    EXPECT_EQ(FormatFunctionRef(back), text);
    // Views point into the message.
    EXPECT_EQ(back.function_name.data(), decoded.function_name().data());
  }
}

TEST(Proto, FromProtoValidates) {
  v1::Arn arn;
  arn.set_function_name("f");
  EXPECT_THAT(FunctionRefFromProto(arn),
              ErrorWith("arn.form must be ARN_FORM_NAME, ARN_FORM_PARTIAL or "
                        "ARN_FORM_FULL, got 0"));
  arn.set_form(static_cast<v1::ArnForm>(17));
  EXPECT_THAT(FunctionRefFromProto(arn), ErrorWith("got 17"));

  arn.set_form(v1::ARN_FORM_NAME);
  EXPECT_OK(FunctionRefFromProto(arn).status());
  arn.set_account_id("123456789012");
  EXPECT_THAT(FunctionRefFromProto(arn),
              ErrorWith("arn.account_id must be empty for ARN_FORM_NAME, got "
                        "\"123456789012\""));
  arn.set_form(v1::ARN_FORM_PARTIAL);
  EXPECT_OK(FunctionRefFromProto(arn).status());
  arn.set_region("us-east-1");
  EXPECT_THAT(FunctionRefFromProto(arn),
              ErrorWith("arn.region must be empty for ARN_FORM_PARTIAL"));
  arn.set_form(v1::ARN_FORM_FULL);
  EXPECT_THAT(FunctionRefFromProto(arn), ErrorWith("partition must not be empty"));
  arn.set_partition("aws");
  EXPECT_OK(FunctionRefFromProto(arn).status());

  v1::Arn bad = arn;
  bad.set_account_id("1");
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("account id must be 12 digits"));
  bad = arn;
  bad.set_function_name("");
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("function name must not be empty"));
  bad = arn;
  bad.set_function_name("f:1");  // A colon would change the meaning.
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("invalid character ':'"));
  bad = arn;
  bad.set_qualifier("123x$");
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("invalid character '$'"));
  bad = arn;
  bad.set_qualifier("00");
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("leading zero"));
  bad = arn;
  bad.set_region("mars-1");
  EXPECT_THAT(FunctionRefFromProto(bad), ErrorWith("region \"mars-1\""));
  // Each part valid, but the whole would be longer than 140.
  bad = arn;
  bad.set_function_name(std::string(64, 'f'));
  bad.set_qualifier(std::string(100, 'q'));
  EXPECT_THAT(FunctionRefFromProto(bad),
              ErrorWith("function reference must be at most 140 characters, "
                        "got 212"));
}

// ------------------------------------------------ generated valid inputs

// Builds random valid references of every form from the grammar.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string Pick(std::initializer_list<const char*> options) {
    std::vector<const char*> v(options);
    return v[Uniform(0, v.size() - 1)];
  }
  size_t Uniform(size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng_);
  }
  std::string Chars(absl::string_view alphabet, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += alphabet[Uniform(0, alphabet.size() - 1)];
    return s;
  }
  std::string Name(size_t max) {
    return Chars(kNameChars, Uniform(1, max));
  }
  std::string Partition() {
    if (Uniform(0, 3) == 0) return "aws" + Chars(kPartitionChars, Uniform(0, 8));
    return Pick({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
                 "aws-iso-e", "aws-iso-f", "aws-eusc"});
  }
  std::string Region() {
    std::string r = Uniform(0, 4) == 0 ? "eusc-" : "";
    r += Chars(kLower, 2);
    r += Pick({"", "", "-gov", "-iso", "-iso" }) ;
    if (absl::EndsWith(r, "-iso") && Uniform(0, 1)) r += Chars(kLower, 1);
    return absl::StrCat(r, "-", Chars(kLower, Uniform(1, 10)), "-",
                        Chars("0123456789", 1));
  }
  std::string Qualifier() {
    switch (Uniform(0, 3)) {
      case 0: return "";
      case 1: return "$LATEST";
      case 2: return absl::StrCat(Chars("123456789", 1),
                                  Chars("0123456789", Uniform(0, 17)));
      default: {
        std::string a = Name(40);
        if (std::all_of(a.begin(), a.end(), ::isdigit)) a += "x";
        return a;
      }
    }
  }

  static constexpr absl::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
  static constexpr absl::string_view kNameChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  static constexpr absl::string_view kPartitionChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";

 private:
  std::mt19937 rng_;
};

struct Expected {
  v1::ArnForm form;
  std::string partition, region, account, name, qualifier, text;
};

Expected GenerateValid(Generator& g) {
  Expected e;
  e.form = static_cast<v1::ArnForm>(g.Uniform(1, 3));
  e.name = g.Name(64);
  e.qualifier = g.Qualifier();
  if (e.form != v1::ARN_FORM_NAME) e.account = g.Chars("0123456789", 12);
  if (e.form == v1::ARN_FORM_FULL) {
    e.partition = g.Partition();
    e.region = g.Region();
    e.text = FunctionArn(e.partition, e.region, e.account, e.name, e.qualifier);
  } else if (e.form == v1::ARN_FORM_PARTIAL) {
    e.text = absl::StrCat(e.account, ":function:", e.name);
  } else {
    e.text = e.name;
  }
  if (e.form != v1::ARN_FORM_FULL && !e.qualifier.empty()) {
    absl::StrAppend(&e.text, ":", e.qualifier);
  }
  return e;
}

TEST(Property, RoundTripOverGeneratedValidInputs) {
  Generator g(/*seed=*/20240102);
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    const Expected e = GenerateValid(g);
    if (e.text.size() > kMaxFunctionRefLength) continue;  // Too long: skip.
    ++checked;
    absl::StatusOr<FunctionRef> ref = ParseFunctionRef(e.text);
    ASSERT_TRUE(ref.ok()) << e.text << ": " << ref.status();
    EXPECT_EQ(ref->form, e.form) << e.text;
    EXPECT_EQ(ref->partition, e.partition) << e.text;
    EXPECT_EQ(ref->region, e.region) << e.text;
    EXPECT_EQ(ref->account_id, e.account) << e.text;
    EXPECT_EQ(ref->function_name, e.name) << e.text;
    EXPECT_EQ(ref->qualifier, e.qualifier) << e.text;
    ASSERT_EQ(FormatFunctionRef(*ref), e.text);
    const v1::Arn arn = FunctionRefToProto(*ref);
    ASSERT_OK_AND_ASSIGN(FunctionRef back, FunctionRefFromProto(arn));
    ASSERT_EQ(FormatFunctionRef(back), e.text);
  }
  EXPECT_GT(checked, 15000);
}

// An independent statement of the accepted language: AWS's FunctionName
// pattern restricted to the three forms, plus the rules a regex cannot say
// (length, version-number range).
bool ReferenceAccepts(const std::string& s) {
  static const std::regex* const kPattern = new std::regex(
      "(?:arn:aws[a-zA-Z-]*:lambda:(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?"
      "-[a-z]+-[0-9]:[0-9]{12}:function:|[0-9]{12}:function:)?"
      "[a-zA-Z0-9_-]{1,64}(?::(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");
  if (s.empty() || s.size() > kMaxFunctionRefLength) return false;
  std::smatch m;
  if (!std::regex_match(s, m, *kPattern)) return false;
  const std::string q = m[1].str();
  if (!q.empty() && std::all_of(q.begin(), q.end(), ::isdigit)) {
    if (q[0] == '0' || q.size() > 19) return false;
    if (q.size() == 19 && q > "9223372036854775807") return false;
  }
  return true;
}

TEST(Property, AgreesWithRegexReferenceOnMutatedInputs) {
  Generator g(/*seed=*/7);
  const std::string alphabet = std::string("aZ09-_:$.ARNarn ") +
                               std::string(1, '\0') + "\xc3\t";
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = GenerateValid(g).text;
    const size_t edits = g.Uniform(0, 3);
    for (size_t k = 0; k < edits && !s.empty(); ++k) {
      const size_t pos = g.Uniform(0, s.size() - 1);
      const char c = alphabet[g.Uniform(0, alphabet.size() - 1)];
      switch (g.Uniform(0, 2)) {
        case 0: s[pos] = c; break;
        case 1: s.insert(s.begin() + pos, c); break;
        default: s.erase(pos, 1); break;
      }
    }
    const bool want = ReferenceAccepts(s);
    absl::StatusOr<FunctionRef> got = ParseFunctionRef(s);
    ASSERT_EQ(got.ok(), want) << absl::CHexEscape(s) << ": " << got.status();
    if (got.ok()) {
      ++accepted;
      EXPECT_EQ(FormatFunctionRef(*got), s);
    } else {
      ++rejected;
      EXPECT_EQ(got.status().code(), kInvalid);
      EXPECT_FALSE(got.status().message().empty());
    }
  }
  // Both sides of the boundary were exercised.
  EXPECT_GT(accepted, 2000);
  EXPECT_GT(rejected, 2000);
}

}  // namespace
}  // namespace aliasroute
