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

#include <cstddef>
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
// A plain value: thread-compatible (concurrent reads are safe).
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

// Parses any of the three forms. Which form is decided by the number of
// ':'-separated parts: 1-2 is NAME[:QUALIFIER] (so "arn" and "arn:live" are
// names), 3-4 is ACCOUNT:function:NAME[:QUALIFIER], and an input whose first
// part is "arn" with 3 or more parts must be the full ARN (7 or 8 parts).
//
// Rules (Lambda API reference, FunctionName parameter and the Alias shape):
//   whole input    1-140 bytes (kMaxFunctionRefLength), counting any
//                  ":QUALIFIER"; no leading or trailing whitespace
//   partition      aws[a-zA-Z-]*, non-empty (aws, aws-cn, aws-us-gov, ...)
//   service        exactly "lambda"
//   region         (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d
//   account id     exactly 12 digits
//   resource type  exactly "function"
//   function name  1-64 of [a-zA-Z0-9-_]
//   qualifier      see ValidateQualifier; "name:" (empty qualifier) is an
//                  error, not an unqualified reference
// Everything is case-sensitive. Whitespace, control characters, NULs and
// non-ASCII bytes are never accepted anywhere.
//
// On failure returns kInvalidArgument whose message names the part, the rule
// and the offending value (escaped, and cut after 64 bytes), e.g.
// `account id must be 12 digits, got 11 ("12345678901")`,
// `function name must be at most 64 characters, got 65`,
// `alias name "123" must not be all digits`,
// `expected "lambda" as the service, got "s3"`.
//
// Cost: one pass over the input plus one per part; no heap allocation for a
// valid input (the result holds views into `text`).
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

// Conversion to and from the message. FunctionRefToProto copies the parts
// (no validation). FunctionRefFromProto validates like ParseFunctionRef: the
// form is NAME, PARTIAL or FULL, the form's parts are valid, the parts the
// form does not have are empty, and the formatted text is at most 140 bytes;
// otherwise kInvalidArgument naming the field. The result holds views into
// `arn` and is valid while `arn` is alive and unmodified.
v1::Arn FunctionRefToProto(const FunctionRef& ref);
[[nodiscard]] absl::StatusOr<FunctionRef> FunctionRefFromProto(
    const v1::Arn& arn);

// Rules for the parts, each returning OK or kInvalidArgument naming the rule
// and the offending value. None allocates on success.
// 1-64 of [a-zA-Z0-9-_].
[[nodiscard]] absl::Status ValidateFunctionName(absl::string_view name);
// 1-128 of [a-zA-Z0-9-_], not all digits (AWS's Alias pattern
// (?!^[0-9]+$)([a-zA-Z0-9-_]+)).
[[nodiscard]] absl::Status ValidateAliasName(absl::string_view name);
// A published version number: 1-19 digits, no leading zero, value >= 1 and
// < 2^63.
[[nodiscard]] absl::Status ValidateVersionNumber(absl::string_view version);
// At most 128 bytes and one of: "$LATEST" (exactly; "$LATEST.PUBLISHED" is
// rejected as unsupported), a version number (all digits: ValidateVersionNumber)
// or an alias name (ValidateAliasName). Empty is not valid here.
[[nodiscard]] absl::Status ValidateQualifier(absl::string_view qualifier);
// Kind of a valid qualifier (kNone for empty): "$LATEST" is kLatest, all
// digits kVersion, anything else kAlias. Never fails. REQUIRES:
// ValidateQualifier passed, or `qualifier` is empty.
QualifierKind ClassifyQualifier(absl::string_view qualifier);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_ARN_H_
