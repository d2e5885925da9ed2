#include "lib/errors.h"

namespace aliasroute {

absl::Status InvalidParameterValue(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}
absl::Status ResourceNotFound(absl::string_view message) {
  return absl::NotFoundError(message);
}
absl::Status ResourceAlreadyExists(absl::string_view message) {
  return absl::AlreadyExistsError(message);
}
absl::Status ResourceInUse(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}
absl::Status PreconditionFailed(absl::string_view message) {
  return absl::AbortedError(message);
}
absl::Status LimitExceeded(absl::string_view message) {
  return absl::ResourceExhaustedError(message);
}

absl::string_view LambdaErrorName(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kInvalidArgument:
      return "InvalidParameterValueException";
    case absl::StatusCode::kNotFound:
      return "ResourceNotFoundException";
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return "ResourceConflictException";
    case absl::StatusCode::kAborted:
      return "PreconditionFailedException";
    case absl::StatusCode::kResourceExhausted:
      return "TooManyRequestsException";
    default:
      return "ServiceException";
  }
}

}  // namespace aliasroute
