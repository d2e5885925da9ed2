// Fuzzes lib/arn.h with arbitrary bytes. ParseFunctionRef must never crash
// and must return OK or kInvalidArgument with a message. When it accepts:
//   - FormatFunctionRef gives the input back byte for byte;
//   - the proto round trip (also through the wire format) gives the same
//     parts, and formats to the input again;
//   - every part passes its own validator and the qualifier's kind is right.
// The part validators are also fed the raw input directly.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "lib/arn.h"
#include "proto/arn.pb.h"

namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "arn_fuzzer: check failed: %s\n", what);
    std::abort();
  }
}

void CheckErrorOrOk(const absl::Status& s, const char* what) {
  Check(s.ok() || (s.code() == absl::StatusCode::kInvalidArgument &&
                   !s.message().empty()),
        what);
}

bool SameRef(const aliasroute::FunctionRef& a,
             const aliasroute::FunctionRef& b) {
  return a.form == b.form && a.partition == b.partition &&
         a.region == b.region && a.account_id == b.account_id &&
         a.function_name == b.function_name && a.qualifier == b.qualifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aliasroute;  // NOLINT: a fuzz entry point.
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  CheckErrorOrOk(ValidateFunctionName(text), "ValidateFunctionName code");
  CheckErrorOrOk(ValidateAliasName(text), "ValidateAliasName code");
  CheckErrorOrOk(ValidateVersionNumber(text), "ValidateVersionNumber code");
  const absl::Status qualifier_status = ValidateQualifier(text);
  CheckErrorOrOk(qualifier_status, "ValidateQualifier code");
  if (qualifier_status.ok()) {
    const QualifierKind kind = ClassifyQualifier(text);
    Check(kind != QualifierKind::kNone, "valid qualifier classified kNone");
    Check((kind == QualifierKind::kVersion) ==
              ValidateVersionNumber(text).ok(),
          "kVersion iff a valid version number");
    Check((kind == QualifierKind::kAlias) == ValidateAliasName(text).ok(),
          "kAlias iff a valid alias name");
  }

  const absl::StatusOr<FunctionRef> ref = ParseFunctionRef(text);
  CheckErrorOrOk(ref.status(), "ParseFunctionRef code");
  if (!ref.ok()) return 0;

  Check(text.size() <= kMaxFunctionRefLength, "accepted an over-long input");
  Check(FormatFunctionRef(*ref) == text, "Format(Parse(x)) != x");
  Check(ValidateFunctionName(ref->function_name).ok(), "name invalid");
  Check(ref->qualifier.empty() || ValidateQualifier(ref->qualifier).ok(),
        "qualifier invalid");
  Check(ref->qualifier_kind() == ClassifyQualifier(ref->qualifier),
        "qualifier_kind");
  Check((ref->form == v1::ARN_FORM_FULL) == !ref->partition.empty(),
        "partition set iff full form");
  Check((ref->form == v1::ARN_FORM_NAME) == ref->account_id.empty(),
        "account set iff partial or full");

  const v1::Arn arn = FunctionRefToProto(*ref);
  const absl::StatusOr<FunctionRef> back = FunctionRefFromProto(arn);
  Check(back.ok(), "FunctionRefFromProto rejected a parsed ref");
  Check(SameRef(*ref, *back), "proto round trip changed the ref");

  std::string bytes;
  Check(arn.SerializeToString(&bytes), "serialize");
  v1::Arn decoded;
  Check(decoded.ParseFromString(bytes), "parse serialized");
  const absl::StatusOr<FunctionRef> wire = FunctionRefFromProto(decoded);
  Check(wire.ok() && SameRef(*ref, *wire), "wire round trip changed the ref");
  Check(FormatFunctionRef(*wire) == text, "Format(FromProto(ToProto)) != x");
  return 0;
}
