// testing.h: GoogleMock matchers for absl::Status / absl::StatusOr, which
// Abseil 20220623 does not ship.
//
//   EXPECT_THAT(Parse("x"), StatusIs(absl::StatusCode::kInvalidArgument,
//                                    HasSubstr("account id")));
//   EXPECT_THAT(Parse(ok), IsOkAndHolds(Field(&Arn::name, "f")));
//   ASSERT_OK(status); ASSERT_OK_AND_ASSIGN(auto v, StatusOrExpr);

#ifndef ALIASROUTE_TESTS_TESTING_H_
#define ALIASROUTE_TESTS_TESTING_H_

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aliasroute_testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has status code ") +
               absl::StatusCodeToString(code)) {
  const absl::Status& s = aliasroute_testing::GetStatus(arg);
  if (s.code() != code) {
    *result_listener << "whose status is " << s;
    return false;
  }
  return ::testing::ExplainMatchResult(
      ::testing::Matcher<const std::string&>(message_matcher),
      std::string(s.message()), result_listener);
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = aliasroute_testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "whose status is " << s;
  return s.ok();
}

}  // namespace aliasroute_testing

#define ALIASROUTE_CONCAT_INNER_(a, b) a##b
#define ALIASROUTE_CONCAT_(a, b) ALIASROUTE_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr) \
  ASSERT_THAT((expr), ::aliasroute_testing::IsOk())
#define EXPECT_OK(expr) \
  EXPECT_THAT((expr), ::aliasroute_testing::IsOk())

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                   \
  auto ALIASROUTE_CONCAT_(statusor_, __LINE__) = (rexpr);                  \
  ASSERT_TRUE(ALIASROUTE_CONCAT_(statusor_, __LINE__).ok())                \
      << ALIASROUTE_CONCAT_(statusor_, __LINE__).status();                 \
  lhs = std::move(ALIASROUTE_CONCAT_(statusor_, __LINE__)).value()

#endif  // ALIASROUTE_TESTS_TESTING_H_
