// errors.h: how aliasroute's absl::Status codes map to the Lambda API's
// errors, and helpers that build them.
//
// Every fallible call in aliasroute returns absl::Status or absl::StatusOr<T>
// whose code is one of these, with a message that names the field, the rule
// and the offending value:
//
//   Lambda error                        absl::StatusCode
//   ---------------------------------   -----------------------
//   InvalidParameterValueException      kInvalidArgument
//   ResourceNotFoundException           kNotFound
//   ResourceConflictException           kAlreadyExists (the resource exists)
//                                       kFailedPrecondition (it is in use)
//   PreconditionFailedException         kAborted (stale revision id)
//   TooManyRequestsException            kResourceExhausted (a limit is hit)
//
// Corrupt serialized input (protobuf, JSON) is kInvalidArgument too: to the
// caller it is a bad parameter.
//
// Example:
//   absl::Status s = aliasroute::ResourceNotFound(
//       absl::StrCat("alias \"", name, "\" does not exist"));
//   aliasroute::LambdaErrorName(s);  // "ResourceNotFoundException"

#ifndef ALIASROUTE_LIB_ERRORS_H_
#define ALIASROUTE_LIB_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace aliasroute {

// Each returns a status with the matching code and `message`.
absl::Status InvalidParameterValue(absl::string_view message);
absl::Status ResourceNotFound(absl::string_view message);
absl::Status ResourceAlreadyExists(absl::string_view message);
absl::Status ResourceInUse(absl::string_view message);
absl::Status PreconditionFailed(absl::string_view message);
absl::Status LimitExceeded(absl::string_view message);

// The Lambda exception name for `status` per the table above, e.g.
// "ResourceConflictException"; "OK" for an OK status and "ServiceException"
// for codes outside the table.
absl::string_view LambdaErrorName(const absl::Status& status);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_ERRORS_H_
