#include "lib/arn.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/errors.h"

// Rules come from the Lambda API reference (the FunctionName parameter of
// GetAlias, PublishVersion and Invoke; the Alias, Version and Qualifier
// shapes): https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html
// and https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html.
// The exact patterns, as published in AWS's service model, are quoted in
// shared/notes/aws-semantics.md, section 1.2:
//   FunctionName  (arn:(aws[a-zA-Z-]*)?:lambda:)?
//                 ((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?
//                 (\d{12}:)?(function:)?([a-zA-Z0-9-_]+)
//                 (:(\$LATEST|[a-zA-Z0-9-_]+))?            length 1..140
//   Alias         (?!^[0-9]+$)([a-zA-Z0-9-_]+)               length 1..128
// Every check below is a hand-written full match over the part (AWS patterns
// are unanchored; they mean full match). Where aliasroute is stricter than
// the pattern, the comment at the check says so.

namespace aliasroute {
namespace {

// The longest part of a value that an error message prints.
constexpr size_t kMaxPrintedBytes = 64;

// Appends `value` escaped for a message: printable ASCII as is except '"'
// and '\\' (backslash-escaped); every other byte as \xNN.
void AppendEscaped(absl::string_view value, std::string* out) {
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u >= 0x20 && u < 0x7f) {
      out->push_back(c);
    } else {
      absl::StrAppendFormat(out, "\\x%02x", u);
    }
  }
}

// `value` double-quoted and escaped, cut after kMaxPrintedBytes with the
// full length noted.
std::string Quote(absl::string_view value) {
  std::string out = "\"";
  AppendEscaped(value.substr(0, kMaxPrintedBytes), &out);
  out.push_back('"');
  if (value.size() > kMaxPrintedBytes) {
    absl::StrAppend(&out, "... (", value.size(), " bytes)");
  }
  return out;
}

// One byte for an error message: 'x' when printable ASCII, else its value.
std::string DescribeByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (u == ' ') return "' ' (space)";
  if (u > 0x20 && u < 0x7f) {
    if (c == '\'' || c == '\\') return absl::StrCat("'\\", std::string(1, c), "'");
    return absl::StrCat("'", std::string(1, c), "'");
  }
  return absl::StrFormat("byte 0x%02x", u);
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// [a-zA-Z0-9-_]: names, aliases.
bool IsNameChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_';
}
bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

// Index of the first byte of `s` outside [a-zA-Z0-9-_], or npos.
size_t FirstNonNameChar(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsNameChar(s[i])) return i;
  }
  return absl::string_view::npos;
}

absl::Status BadChar(absl::string_view label, absl::string_view value,
                     size_t pos) {
  return InvalidParameterValue(absl::StrCat(
      label, " ", Quote(value), " has invalid character ",
      DescribeByte(value[pos]), " at position ", pos,
      "; allowed are [a-zA-Z0-9-_]"));
}

// 1..max_length of [a-zA-Z0-9-_]; `label` names the part in messages.
absl::Status ValidateNameToken(absl::string_view label, absl::string_view value,
                               size_t max_length) {
  if (value.empty()) {
    return InvalidParameterValue(absl::StrCat(label, " must not be empty"));
  }
  if (value.size() > max_length) {
    return InvalidParameterValue(absl::StrCat(label, " must be at most ",
                                              max_length, " characters, got ",
                                              value.size()));
  }
  const size_t bad = FirstNonNameChar(value);
  if (bad != absl::string_view::npos) return BadChar(label, value, bad);
  return absl::OkStatus();
}

// -[a-z]+-\d, full match: the tail of every region.
bool MatchRegionTail(absl::string_view s) {
  if (s.size() < 4 || s[0] != '-') return false;
  size_t i = 1;
  while (i < s.size() && IsLower(s[i])) ++i;
  if (i == 1) return false;  // [a-z]+ needs one letter.
  return i + 2 == s.size() && s[i] == '-' && IsDigit(s[i + 1]);
}

// (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}, full match, with
// the backtracking the regex implies: "us-gov-1" matches with "gov" as the
// [a-z]+ part, "us-isob-1" with "isob" as it.
bool MatchRegion(absl::string_view s) {
  if (absl::StartsWith(s, "eusc-")) {
    // Without the prefix "eu" would have to be followed by '-', not 's', so
    // taking the optional group is the only way to match.
    s.remove_prefix(5);
  }
  if (s.size() < 2 || !IsLower(s[0]) || !IsLower(s[1])) return false;
  s.remove_prefix(2);
  if (MatchRegionTail(s)) return true;
  if (absl::StartsWith(s, "-gov") && MatchRegionTail(s.substr(4))) return true;
  if (absl::StartsWith(s, "-iso")) {
    const absl::string_view rest = s.substr(4);
    if (MatchRegionTail(rest)) return true;
    if (!rest.empty() && IsLower(rest[0]) && MatchRegionTail(rest.substr(1))) {
      return true;
    }
  }
  return false;
}

absl::Status ValidatePartition(absl::string_view partition) {
  // AWS's FunctionName pattern makes the partition optional
  // ("arn::lambda:..."); no real ARN has an empty partition, so aliasroute
  // requires one.
  if (partition.empty()) {
    return InvalidParameterValue(
        "partition must not be empty; expected aws[a-zA-Z-]* such as \"aws\", "
        "\"aws-cn\" or \"aws-us-gov\"");
  }
  bool ok = absl::StartsWith(partition, "aws");
  for (size_t i = 3; ok && i < partition.size(); ++i) {
    ok = IsAlpha(partition[i]) || partition[i] == '-';
  }
  if (!ok) {
    return InvalidParameterValue(absl::StrCat(
        "partition ", Quote(partition),
        " does not match aws[a-zA-Z-]* (e.g. \"aws\", \"aws-cn\", "
        "\"aws-us-gov\")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRegion(absl::string_view region) {
  if (region.empty()) {
    return InvalidParameterValue(
        "region must not be empty in a full ARN (e.g. \"us-east-1\")");
  }
  if (!MatchRegion(region)) {
    return InvalidParameterValue(absl::StrCat(
        "region ", Quote(region),
        " does not match (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d "
        "(e.g. \"us-east-1\", \"us-gov-west-1\", \"eusc-de-east-1\")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAccountId(absl::string_view account) {
  if (account.size() != 12) {
    return InvalidParameterValue(absl::StrCat(
        "account id must be 12 digits, got ", account.size(), " (",
        Quote(account), ")"));
  }
  for (size_t i = 0; i < account.size(); ++i) {
    if (!IsDigit(account[i])) {
      return InvalidParameterValue(absl::StrCat(
          "account id must be 12 digits, got ", DescribeByte(account[i]),
          " at position ", i, " (", Quote(account), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ExpectLiteral(absl::string_view what, absl::string_view expected,
                           absl::string_view got) {
  if (got == expected) return absl::OkStatus();
  return InvalidParameterValue(absl::StrCat("expected \"", expected,
                                            "\" as the ", what, ", got ",
                                            Quote(got)));
}

// Length of FormatFunctionRef(ref) without building it.
size_t FormattedLength(const FunctionRef& ref) {
  size_t n = ref.function_name.size();
  if (!ref.qualifier.empty()) n += 1 + ref.qualifier.size();
  switch (ref.form) {
    case v1::ARN_FORM_FULL:
      // "arn:" P ":lambda:" R ":" A ":function:"
      n += 4 + ref.partition.size() + 8 + ref.region.size() + 1 +
           ref.account_id.size() + 10;
      break;
    case v1::ARN_FORM_PARTIAL:
      n += ref.account_id.size() + 10;  // A ":function:"
      break;
    default:
      break;
  }
  return n;
}

absl::Status ValidateOptionalQualifier(absl::string_view qualifier) {
  if (qualifier.empty()) {
    return InvalidParameterValue(
        "qualifier must not be empty; drop the trailing ':' for an "
        "unqualified reference");
  }
  return ValidateQualifier(qualifier);
}

}  // namespace

QualifierKind FunctionRef::qualifier_kind() const {
  return ClassifyQualifier(qualifier);
}

absl::Status ValidateFunctionName(absl::string_view name) {
  return ValidateNameToken("function name", name, kMaxFunctionNameLength);
}

absl::Status ValidateAliasName(absl::string_view name) {
  absl::Status s = ValidateNameToken("alias name", name, kMaxAliasNameLength);
  if (!s.ok()) return s;
  // AWS's Alias pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+). "2024-01-02" is fine.
  if (AllDigits(name)) {
    return InvalidParameterValue(
        absl::StrCat("alias name ", Quote(name), " must not be all digits"));
  }
  return absl::OkStatus();
}

absl::Status ValidateVersionNumber(absl::string_view version) {
  static constexpr absl::string_view kMaxVersion = "9223372036854775807";
  if (version.empty()) {
    return InvalidParameterValue("version number must not be empty");
  }
  for (size_t i = 0; i < version.size(); ++i) {
    if (!IsDigit(version[i])) {
      return InvalidParameterValue(absl::StrCat(
          "version number ", Quote(version), " must be decimal digits, got ",
          DescribeByte(version[i]), " at position ", i));
    }
  }
  // Lambda numbers versions from 1 and prints them without leading zeros, so
  // "01" would never name a version (and would break Format(Parse(x)) == x
  // for anyone who normalises it).
  if (version == "0") {
    return InvalidParameterValue(
        "version number must be at least 1, got \"0\"");
  }
  if (version[0] == '0') {
    return InvalidParameterValue(absl::StrCat(
        "version number ", Quote(version), " must not have a leading zero"));
  }
  if (version.size() > kMaxVersion.size() ||
      (version.size() == kMaxVersion.size() && version > kMaxVersion)) {
    return InvalidParameterValue(absl::StrCat(
        "version number ", Quote(version),
        " must be at most 2^63-1 (9223372036854775807)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateQualifier(absl::string_view qualifier) {
  if (qualifier.empty()) {
    return InvalidParameterValue("qualifier must not be empty");
  }
  if (qualifier.size() > kMaxQualifierLength) {
    return InvalidParameterValue(absl::StrCat(
        "qualifier must be at most ", kMaxQualifierLength,
        " characters, got ", qualifier.size()));
  }
  if (qualifier[0] == '$') {
    if (qualifier == "$LATEST") return absl::OkStatus();
    if (qualifier == "$LATEST.PUBLISHED") {
      // Added to the Lambda API in 2025-12 with Lambda Managed Instances.
      return InvalidParameterValue(
          "qualifier \"$LATEST.PUBLISHED\" is not supported: aliasroute does "
          "not model published-latest versions; use a version number or an "
          "alias");
    }
    return InvalidParameterValue(absl::StrCat(
        "qualifier ", Quote(qualifier),
        " is not valid: the only qualifier that starts with '$' is "
        "\"$LATEST\" (case-sensitive)"));
  }
  if (AllDigits(qualifier)) return ValidateVersionNumber(qualifier);
  return ValidateAliasName(qualifier);
}

QualifierKind ClassifyQualifier(absl::string_view qualifier) {
  if (qualifier.empty()) return QualifierKind::kNone;
  if (qualifier == "$LATEST") return QualifierKind::kLatest;
  if (AllDigits(qualifier)) return QualifierKind::kVersion;
  return QualifierKind::kAlias;
}

absl::StatusOr<FunctionRef> ParseFunctionRef(absl::string_view text) {
  if (text.empty()) {
    return InvalidParameterValue("function reference must not be empty");
  }
  if (text.size() > kMaxFunctionRefLength) {
    return InvalidParameterValue(absl::StrCat(
        "function reference must be at most ", kMaxFunctionRefLength,
        " characters, got ", text.size()));
  }
  if (IsWhitespace(text.front()) || IsWhitespace(text.back())) {
    return InvalidParameterValue(absl::StrCat(
        "function reference must not have leading or trailing whitespace, "
        "got ",
        Quote(text)));
  }

  // Split on ':' into at most 8 parts (the full form with a qualifier).
  constexpr size_t kMaxParts = 8;
  std::array<absl::string_view, kMaxParts> parts;
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ':') {
      if (n == kMaxParts) {
        return InvalidParameterValue(absl::StrCat(
            "too many ':'-separated parts: a function reference has at most ",
            kMaxParts,
            " (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER)"));
      }
      parts[n++] = text.substr(start, i - start);
      start = i + 1;
    }
  }

  FunctionRef ref;
  size_t name_index;
  if (n <= 2) {
    // NAME[:QUALIFIER]. "arn" and "arn:live" are names too.
    ref.form = v1::ARN_FORM_NAME;
    name_index = 0;
  } else if (parts[0] == "arn") {
    // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    if (n < 7) {
      return InvalidParameterValue(absl::StrCat(
          "a full ARN has 7 or 8 ':'-separated parts "
          "(arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]), "
          "got ",
          n));
    }
    ref.form = v1::ARN_FORM_FULL;
    absl::Status s = ValidatePartition(parts[1]);
    if (s.ok()) s = ExpectLiteral("service", "lambda", parts[2]);
    if (s.ok()) s = ValidateRegion(parts[3]);
    if (s.ok()) s = ValidateAccountId(parts[4]);
    if (s.ok()) s = ExpectLiteral("resource type", "function", parts[5]);
    if (!s.ok()) return s;
    ref.partition = parts[1];
    ref.region = parts[3];
    ref.account_id = parts[4];
    name_index = 6;
  } else {
    // ACCOUNT:function:NAME[:QUALIFIER]
    if (n > 4) {
      if (absl::EqualsIgnoreCase(parts[0], "arn")) {
        return InvalidParameterValue(absl::StrCat(
            "expected \"arn\" (lower case) as the prefix of a full ARN, got ",
            Quote(parts[0])));
      }
      return InvalidParameterValue(absl::StrCat(
          "too many ':'-separated parts: a partial ARN has at most 4 "
          "(ACCOUNT:function:NAME:QUALIFIER), got ",
          n, "; a full ARN starts with \"arn:\""));
    }
    ref.form = v1::ARN_FORM_PARTIAL;
    absl::Status s = ValidateAccountId(parts[0]);
    if (s.ok()) s = ExpectLiteral("resource type", "function", parts[1]);
    if (!s.ok()) return s;
    ref.account_id = parts[0];
    name_index = 2;
  }

  absl::Status s = ValidateFunctionName(parts[name_index]);
  if (!s.ok()) return s;
  ref.function_name = parts[name_index];
  if (name_index + 1 < n) {
    s = ValidateOptionalQualifier(parts[name_index + 1]);
    if (!s.ok()) return s;
    ref.qualifier = parts[name_index + 1];
  }
  return ref;
}

std::string FormatFunctionRef(const FunctionRef& ref) {
  v1::ArnForm form = ref.form;
  if (form != v1::ARN_FORM_NAME && form != v1::ARN_FORM_PARTIAL &&
      form != v1::ARN_FORM_FULL) {
    assert(false && "FormatFunctionRef: ref.form is not a valid form");
    // Best effort in release builds: the most specific form the parts allow.
    form = !ref.partition.empty()    ? v1::ARN_FORM_FULL
           : !ref.account_id.empty() ? v1::ARN_FORM_PARTIAL
                                     : v1::ARN_FORM_NAME;
  }
  FunctionRef copy = ref;
  copy.form = form;
  std::string out;
  out.reserve(FormattedLength(copy));
  if (form == v1::ARN_FORM_FULL) {
    absl::StrAppend(&out, "arn:", ref.partition, ":lambda:", ref.region, ":",
                    ref.account_id, ":function:");
  } else if (form == v1::ARN_FORM_PARTIAL) {
    absl::StrAppend(&out, ref.account_id, ":function:");
  }
  absl::StrAppend(&out, ref.function_name);
  if (!ref.qualifier.empty()) absl::StrAppend(&out, ":", ref.qualifier);
  return out;
}

std::string FunctionArn(absl::string_view partition, absl::string_view region,
                        absl::string_view account_id,
                        absl::string_view function_name,
                        absl::string_view qualifier) {
  std::string out = absl::StrCat("arn:", partition, ":lambda:", region, ":",
                                 account_id, ":function:", function_name);
  if (!qualifier.empty()) absl::StrAppend(&out, ":", qualifier);
  return out;
}

v1::Arn FunctionRefToProto(const FunctionRef& ref) {
  v1::Arn arn;
  arn.set_form(ref.form);
  arn.set_partition(std::string(ref.partition));
  arn.set_region(std::string(ref.region));
  arn.set_account_id(std::string(ref.account_id));
  arn.set_function_name(std::string(ref.function_name));
  arn.set_qualifier(std::string(ref.qualifier));
  return arn;
}

absl::StatusOr<FunctionRef> FunctionRefFromProto(const v1::Arn& arn) {
  const v1::ArnForm form = arn.form();
  if (form != v1::ARN_FORM_NAME && form != v1::ARN_FORM_PARTIAL &&
      form != v1::ARN_FORM_FULL) {
    return InvalidParameterValue(absl::StrCat(
        "arn.form must be ARN_FORM_NAME, ARN_FORM_PARTIAL or ARN_FORM_FULL, "
        "got ",
        static_cast<int>(form)));
  }
  const absl::string_view form_name = v1::ArnForm_Name(form);
  auto must_be_empty = [&](absl::string_view field,
                           const std::string& value) -> absl::Status {
    if (value.empty()) return absl::OkStatus();
    return InvalidParameterValue(absl::StrCat("arn.", field,
                                              " must be empty for ", form_name,
                                              ", got ", Quote(value)));
  };

  absl::Status s;
  if (form == v1::ARN_FORM_FULL) {
    s = ValidatePartition(arn.partition());
    if (s.ok()) s = ValidateRegion(arn.region());
  } else {
    s = must_be_empty("partition", arn.partition());
    if (s.ok()) s = must_be_empty("region", arn.region());
  }
  if (s.ok()) {
    s = form == v1::ARN_FORM_NAME ? must_be_empty("account_id", arn.account_id())
                                  : ValidateAccountId(arn.account_id());
  }
  if (s.ok()) s = ValidateFunctionName(arn.function_name());
  if (s.ok() && !arn.qualifier().empty()) s = ValidateQualifier(arn.qualifier());
  if (!s.ok()) return s;

  FunctionRef ref;
  ref.form = form;
  ref.partition = arn.partition();
  ref.region = arn.region();
  ref.account_id = arn.account_id();
  ref.function_name = arn.function_name();
  ref.qualifier = arn.qualifier();
  // Same whole-length limit as ParseFunctionRef, so the formatted text of an
  // accepted message always parses back.
  const size_t length = FormattedLength(ref);
  if (length > kMaxFunctionRefLength) {
    return InvalidParameterValue(absl::StrCat(
        "function reference must be at most ", kMaxFunctionRefLength,
        " characters, got ", length, " for this arn"));
  }
  return ref;
}

}  // namespace aliasroute
