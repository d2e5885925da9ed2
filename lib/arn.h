// arn.h: parse, validate and format Lambda function names and ARNs exactly as
// the Lambda API accepts them (Lambda API reference, the FunctionName
// parameter of GetAlias / PublishVersion / Invoke, and the Alias, Version and
// Qualifier shapes; see ../shared/notes/aws-semantics.md, section 1).
//
// Three forms name a function, each with an optional ":QUALIFIER":
//   my-function                                           (ARN_FORM_NAME)
//   123456789012:function:my-function                     (ARN_FORM_PARTIAL)
//   arn:aws:lambda:us-west-2:123456789012:function:my-function  (ARN_FORM_FULL)
// A qualifier is "$LATEST", a version number (digits) or an alias name (1-128
// of [a-zA-Z0-9-_], not all digits).
//
// Example:
//   absl::StatusOr<aliasroute::FunctionRef> ref = aliasroute::ParseFunctionRef(
//       "arn:aws:lambda:us-east-1:123456789012:function:checkout:live");
//   if (!ref.ok()) return ref.status();  // names the part that is wrong
//   ref->function_name;                  // "checkout"
//   ref->qualifier_kind();               // QualifierKind::kAlias
//   aliasroute::FormatFunctionRef(*ref); // the input again
//
// All functions here are pure and thread-safe. Parsing allocates nothing on
// the heap for a valid input: the result holds views into the input.

#ifndef ALIASROUTE_LIB_ARN_H_
#define ALIASROUTE_LIB_ARN_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/arn.pb.h"

namespace aliasroute {

// Limits from the Lambda API reference.
inline constexpr size_t kMaxFunctionNameLength = 64;
// A FunctionName parameter (name, partial or full ARN, with any qualifier).
inline constexpr size_t kMaxFunctionRefLength = 140;
inline constexpr size_t kMaxAliasNameLength = 128;
inline constexpr size_t kMaxQualifierLength = 128;

enum class QualifierKind {
  kNone,     // Unqualified: Lambda uses $LATEST.
  kLatest,   // "$LATEST".
  kVersion,  // A published version number: digits.
  kAlias,    // An alias name.
};

// A parsed function reference. Every view points into the string that was
// parsed (or the message it was read from) and is valid as long as that is.
// Intentionally copyable.
struct FunctionRef {
  v1::ArnForm form = v1::ARN_FORM_UNSPECIFIED;
  absl::string_view partition;      // ARN_FORM_FULL only.
  absl::string_view region;         // ARN_FORM_FULL only.
  absl::string_view account_id;     // ARN_FORM_PARTIAL and ARN_FORM_FULL.
  absl::string_view function_name;  // Always non-empty.
  absl::string_view qualifier;      // Empty when unqualified.

  QualifierKind qualifier_kind() const;
};

// Parses any of the three forms. On failure returns kInvalidArgument whose
// message names the part and the rule, e.g. `account id must be 12 digits,
// got 11 ("12345678901")` or `function name must be at most 64 characters,
// got 65`. Whitespace, control characters, NULs and non-ASCII bytes are never
// accepted anywhere. The service must be "lambda" and the resource type
// "function".
[[nodiscard]] absl::StatusOr<FunctionRef> ParseFunctionRef(
    absl::string_view text);

// Formats `ref` in its form; FormatFunctionRef(ParseFunctionRef(x)) == x for
// every valid x. REQUIRES: `ref` came from ParseFunctionRef or
// FunctionRefFromProto (or is otherwise valid).
std::string FormatFunctionRef(const FunctionRef& ref);

// The full ARN of `function_name` (with ":qualifier" when non-empty) in
// partition/region/account. No validation.
std::string FunctionArn(absl::string_view partition, absl::string_view region,
                        absl::string_view account_id,
                        absl::string_view function_name,
                        absl::string_view qualifier = {});

// Conversion to and from the message. FunctionRefFromProto validates like
// ParseFunctionRef (the form's required parts are set, others empty) and
// returns views into `arn`.
v1::Arn FunctionRefToProto(const FunctionRef& ref);
[[nodiscard]] absl::StatusOr<FunctionRef> FunctionRefFromProto(
    const v1::Arn& arn);

// Rules for the parts, each returning OK or kInvalidArgument naming the rule
// and the offending value.
// 1-64 of [a-zA-Z0-9-_].
absl::Status ValidateFunctionName(absl::string_view name);
// 1-128 of [a-zA-Z0-9-_], not all digits (AWS's Alias pattern
// (?!^[0-9]+$)([a-zA-Z0-9-_]+)).
absl::Status ValidateAliasName(absl::string_view name);
// A published version number: 1-20 digits, no leading zero, value >= 1 and
// < 2^63.
absl::Status ValidateVersionNumber(absl::string_view version);
// "$LATEST", a version number or an alias name; empty is not valid here.
absl::Status ValidateQualifier(absl::string_view qualifier);
// Kind of a valid qualifier (kNone for empty). REQUIRES: ValidateQualifier
// passed, or `qualifier` is empty.
QualifierKind ClassifyQualifier(absl::string_view qualifier);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_ARN_H_
