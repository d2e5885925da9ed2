#include "lib/weights.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::IsOkAndHolds;
using ::aliasroute_testing::StatusIs;
using ::testing::HasSubstr;

TEST(WeightFromDouble, ConvertsExactDecimals) {
  EXPECT_THAT(WeightFromDouble(0.0, "w"), IsOkAndHolds(0u));
  EXPECT_THAT(WeightFromDouble(-0.0, "w"), IsOkAndHolds(0u));
  EXPECT_THAT(WeightFromDouble(1.0, "w"), IsOkAndHolds(kWeightScale));
  EXPECT_THAT(WeightFromDouble(0.1, "w"), IsOkAndHolds(100'000'000u));
  EXPECT_THAT(WeightFromDouble(0.05, "w"), IsOkAndHolds(50'000'000u));
  EXPECT_THAT(WeightFromDouble(0.999, "w"), IsOkAndHolds(999'000'000u));
  EXPECT_THAT(WeightFromDouble(1e-9, "w"), IsOkAndHolds(1u));
}

TEST(WeightFromDouble, RoundsToNearestPpb) {
  EXPECT_THAT(WeightFromDouble(0.4e-9, "w"), IsOkAndHolds(0u));
  EXPECT_THAT(WeightFromDouble(0.6e-9, "w"), IsOkAndHolds(1u));
  EXPECT_THAT(WeightFromDouble(1.0 / 3.0, "w"), IsOkAndHolds(333'333'333u));
  EXPECT_THAT(WeightFromDouble(2.0 / 3.0, "w"), IsOkAndHolds(666'666'667u));
}

TEST(WeightFromDouble, RejectsNonFiniteNegativeAndOverOne) {
  EXPECT_THAT(WeightFromDouble(std::nan(""), "routing weight"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("routing weight must be a number in [0.0, "
                                 "1.0], got NaN")));
  EXPECT_THAT(WeightFromDouble(std::numeric_limits<double>::infinity(), "w"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("got Infinity")));
  EXPECT_THAT(WeightFromDouble(-std::numeric_limits<double>::infinity(), "w"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("got -Infinity")));
  EXPECT_THAT(WeightFromDouble(-0.1, "w"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("w must be in [0.0, 1.0], got -0.1")));
  EXPECT_THAT(WeightFromDouble(1.0000001, "w"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("got 1.0000001")));
  EXPECT_THAT(WeightFromDouble(std::nextafter(1.0, 2.0), "w"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("w ")));
}

TEST(WeightToDouble, RoundTripsEveryStepOnAGrid) {
  // Every ppb value would take a while; a dense prime-stepped grid plus the
  // ends covers the range.
  for (uint64_t w = 0; w <= kWeightScale; w += 9'973) {
    ASSERT_THAT(WeightFromDouble(WeightToDouble(w), "w"),
                IsOkAndHolds(static_cast<uint32_t>(w)));
  }
  EXPECT_THAT(WeightFromDouble(WeightToDouble(kWeightScale), "w"),
              IsOkAndHolds(kWeightScale));
  EXPECT_THAT(WeightFromDouble(WeightToDouble(kWeightScale - 1), "w"),
              IsOkAndHolds(kWeightScale - 1));
}

TEST(WeightFromPercent, TenTenPercentStepsAreExactlyOne) {
  uint64_t sum = 0;
  for (int i = 0; i < 10; ++i) sum += WeightFromPercent(10, "p").value();
  EXPECT_EQ(sum, kWeightScale);
  EXPECT_THAT(WeightFromPercent(101, "percentage"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("percentage must be a percentage in [0, "
                                 "100], got 101")));
  EXPECT_THAT(WeightFromPercent(-1, "p"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("-1")));
}

TEST(SumWeights, RejectsSumsOverOne) {
  const uint32_t ok[] = {600'000'000, 400'000'000};
  EXPECT_THAT(SumWeights(ok, "weights"), IsOkAndHolds(kWeightScale));
  const uint32_t over[] = {600'000'000, 400'000'001};
  EXPECT_THAT(SumWeights(over, "weights of \"live\""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weights of \"live\" sum to 100.0000001%, "
                                 "more than 100%")));
  const uint32_t huge[] = {UINT32_MAX, UINT32_MAX};
  EXPECT_THAT(SumWeights(huge, "w"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than 100%")));
}

TEST(FormatWeight, DropsTrailingZeros) {
  EXPECT_EQ(FormatWeight(0), "0%");
  EXPECT_EQ(FormatWeight(100'000'000), "10%");
  EXPECT_EQ(FormatWeight(125'000'000), "12.5%");
  EXPECT_EQ(FormatWeight(1), "0.0000001%");
  EXPECT_EQ(FormatWeight(kWeightScale), "100%");
  EXPECT_EQ(FormatWeight(999'000'000), "99.9%");
}

TEST(RoutingPoint, MapsTheHashRangeOntoTheWeightScale) {
  EXPECT_EQ(RoutingPoint(0), 0u);
  EXPECT_EQ(RoutingPoint(UINT64_MAX), kWeightScale - 1);
  EXPECT_EQ(RoutingPoint(uint64_t{1} << 63), kWeightScale / 2);
  // Points are monotone in the hash.
  uint32_t last = 0;
  for (uint64_t h = 0; h < (uint64_t{1} << 63); h += (uint64_t{1} << 50) + 7) {
    const uint32_t p = RoutingPoint(h);
    ASSERT_GE(p, last);
    last = p;
  }
}

}  // namespace
}  // namespace aliasroute

namespace aliasroute {
namespace {

TEST(StickyPoint, IsPinnedToXxh3WithTheAliasSeed) {
  // Pinned values: changing the hash or the mapping would reroute every
  // sticky key in every deployment, so it must show up here.
  EXPECT_EQ(StickyPoint(0, ""), RoutingPoint(0x2D06800538D394C2ull));
  EXPECT_NE(StickyPoint(1, "user-1"), StickyPoint(2, "user-1"));
  EXPECT_EQ(StickyPoint(42, "user-1"), StickyPoint(42, "user-1"));
  EXPECT_NE(DefaultRoutingSeed("checkout", "live"),
            DefaultRoutingSeed("checkout", "beta"));
  EXPECT_NE(DefaultRoutingSeed("a:b", "c"), 0u);
}

}  // namespace
}  // namespace aliasroute
