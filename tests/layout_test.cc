#include "lib/layout.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::StatusIs;
using ::testing::HasSubstr;

v1::RoutingConfig Config(std::vector<std::pair<std::string, uint32_t>> ws) {
  v1::RoutingConfig rc;
  for (auto& [v, w] : ws) {
    v1::VersionWeight* vw = rc.add_additional_version_weights();
    vw->set_version(v);
    vw->set_weight_ppb(w);
  }
  return rc;
}

// "2:100000000,1:1000000000" for compact expectations.
std::string Str(const v1::RoutingLayout& l) {
  std::string out;
  for (const auto& s : l.segments()) {
    absl::StrAppend(&out, out.empty() ? "" : ",", s.version(), ":", s.end_ppb());
  }
  return out;
}

// Fraction of the key space (in ppb) whose version differs between layouts,
// broken down by (from, to).
std::map<std::pair<std::string, std::string>, uint64_t> Moves(
    const v1::RoutingLayout& a, const v1::RoutingLayout& b) {
  std::vector<uint32_t> cuts = {0};
  for (const auto& s : a.segments()) cuts.push_back(s.end_ppb());
  for (const auto& s : b.segments()) cuts.push_back(s.end_ppb());
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::map<std::pair<std::string, std::string>, uint64_t> moves;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    std::string va(VersionAtPoint(a, cuts[i]));
    std::string vb(VersionAtPoint(b, cuts[i]));
    if (va != vb) moves[{va, vb}] += cuts[i + 1] - cuts[i];
  }
  return moves;
}

TEST(CanonicalLayout, AdditionalVersionsFirstThenPrimary) {
  EXPECT_EQ(Str(CanonicalLayout("1", Config({})).value()), "1:1000000000");
  EXPECT_EQ(Str(CanonicalLayout("1", Config({{"2", 100'000'000}})).value()),
            "2:100000000,1:1000000000");
  // Ascending by version number, not by string.
  EXPECT_EQ(Str(CanonicalLayout("1", Config({{"10", 1}, {"9", 2}})).value()),
            "9:2,10:3,1:1000000000");
  // All weight on the additional version: the primary owns nothing.
  EXPECT_EQ(Str(CanonicalLayout("1", Config({{"2", kWeightScale}})).value()),
            "2:1000000000");
  // A zero weight owns nothing.
  EXPECT_EQ(Str(CanonicalLayout("1", Config({{"2", 0}})).value()),
            "1:1000000000");
}

TEST(AliasShares, RejectsBadConfigs) {
  EXPECT_THAT(AliasShares("", Config({})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("primary version must not be empty")));
  EXPECT_THAT(AliasShares("1", Config({{"1", 5}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"1\" must differ from the alias's primary")));
  EXPECT_THAT(AliasShares("1", Config({{"2", 5}, {"2", 6}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"2\" appears twice")));
  EXPECT_THAT(AliasShares("1", Config({{"2", 600'000'000}, {"3", 400'000'001}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sum to 100.0000001%, more than 100%")));
  EXPECT_THAT(AliasShares("1", Config({{"2", kWeightScale + 1}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than 100%")));
  EXPECT_THAT(AliasShares("1", Config({{"", 1}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("additional version must not be empty")));
}

TEST(NextLayout, TwoVersionsStayCanonicalUpAndDown) {
  v1::RoutingLayout l = CanonicalLayout("1", Config({})).value();
  for (uint32_t pct : {10u, 20u, 50u, 30u, 90u, 0u, 100u, 5u}) {
    v1::RoutingConfig rc = Config({{"2", pct * 10'000'000}});
    v1::RoutingLayout next = NextLayout(l, "1", rc).value();
    EXPECT_EQ(Str(next), Str(CanonicalLayout("1", rc).value())) << pct;
    l = next;
  }
}

TEST(NextLayout, RaisingTheCanaryMovesOnlyPrimaryKeysAndExactlyTheStep) {
  v1::RoutingLayout l = CanonicalLayout("1", Config({})).value();
  for (uint32_t pct = 10; pct <= 100; pct += 10) {
    v1::RoutingLayout next =
        NextLayout(l, "1", Config({{"2", pct * 10'000'000}})).value();
    auto moves = Moves(l, next);
    ASSERT_EQ(moves.size(), 1u);
    EXPECT_EQ(moves.begin()->first, std::make_pair(std::string("1"),
                                                   std::string("2")));
    EXPECT_EQ(moves.begin()->second, 100'000'000u);
    l = next;
  }
}

TEST(NextLayout, PromotionMovesNothingWhenTheCanaryHasEverything) {
  v1::RoutingLayout l =
      CanonicalLayout("1", Config({{"2", kWeightScale}})).value();
  v1::RoutingLayout promoted = NextLayout(l, "2", Config({})).value();
  EXPECT_EQ(Str(promoted), "2:1000000000");
  EXPECT_TRUE(Moves(l, promoted).empty());
}

TEST(NextLayout, SwappingRolesKeepsEveryKey) {
  v1::RoutingLayout l =
      CanonicalLayout("1", Config({{"2", 300'000'000}})).value();
  v1::RoutingLayout swapped =
      NextLayout(l, "2", Config({{"1", 700'000'000}})).value();
  EXPECT_TRUE(Moves(l, swapped).empty());
  EXPECT_OK(ValidateLayout(swapped, "2", Config({{"1", 700'000'000}})));
}

TEST(NextLayout, ThreeVersionsMoveOnlyTheWeightThatChangedHands) {
  // Canonical would move v3's keys when v2 grows; NextLayout must not.
  v1::RoutingLayout l =
      CanonicalLayout("1", Config({{"2", 100'000'000}, {"3", 100'000'000}}))
          .value();
  v1::RoutingLayout next =
      NextLayout(l, "1", Config({{"2", 300'000'000}, {"3", 100'000'000}}))
          .value();
  auto moves = Moves(l, next);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves.begin()->first,
            std::make_pair(std::string("1"), std::string("2")));
  EXPECT_EQ(moves.begin()->second, 200'000'000u);
}

// Property: for random N-way weight sequences the layout stays valid, the
// moved share equals the total variation distance, and shifting between the
// primary and one other version is undone exactly by shifting back.
TEST(NextLayout, RandomSequencesAreMinimalAndValid) {
  std::mt19937_64 rng(20261203);
  for (int round = 0; round < 300; ++round) {
    const int n = 1 + static_cast<int>(rng() % 6);  // Additional versions.
    v1::RoutingLayout l = CanonicalLayout("1", Config({})).value();
    std::map<std::string, uint32_t> before = {{"1", kWeightScale}};
    for (int step = 0; step < 20; ++step) {
      std::vector<std::pair<std::string, uint32_t>> ws;
      uint64_t left = kWeightScale;
      for (int v = 0; v < n; ++v) {
        const uint32_t w = static_cast<uint32_t>(rng() % (left / 2 + 1));
        left -= w;
        ws.push_back({absl::StrCat(2 + v), w});
      }
      v1::RoutingConfig rc = Config(ws);
      ASSERT_OK_AND_ASSIGN(v1::RoutingLayout next, NextLayout(l, "1", rc));
      ASSERT_OK(ValidateLayout(next, "1", rc)) << Str(next);
      std::map<std::string, uint32_t> after = {{"1", static_cast<uint32_t>(left)}};
      for (auto& [v, w] : ws) after[v] = w;
      uint64_t tvd = 0;
      for (auto& [v, w] : after) {
        const uint32_t b = before.count(v) ? before[v] : 0;
        if (w > b) tvd += w - b;
      }
      uint64_t moved = 0;
      for (auto& [k, amount] : Moves(l, next)) moved += amount;
      if (next.segments_size() < kMaxLayoutSegments) {
        EXPECT_EQ(moved, tvd);
      }
      l = next;
      before = after;
    }
  }
}

TEST(NextLayout, ShiftingBackRestoresTheAssignmentExactly) {
  std::mt19937_64 rng(7);
  v1::RoutingConfig base = Config({{"2", 150'000'000}, {"5", 50'000'000}});
  v1::RoutingLayout start = CanonicalLayout("1", base).value();
  for (int round = 0; round < 200; ++round) {
    // Shift weight between the primary and version 7 up and down, then back.
    v1::RoutingLayout l = start;
    std::vector<uint32_t> path;
    for (int i = 0; i < 5; ++i) path.push_back(rng() % 800'000'001);
    path.push_back(0);
    for (uint32_t w : path) {
      v1::RoutingConfig rc = base;
      v1::VersionWeight* vw = rc.add_additional_version_weights();
      vw->set_version("7");
      vw->set_weight_ppb(w);
      l = NextLayout(l, "1", rc).value();
    }
    EXPECT_EQ(Str(l), Str(start));
  }
}

TEST(ValidateLayout, NamesTheBrokenRule) {
  v1::RoutingLayout l;
  EXPECT_THAT(ValidateLayoutShape(l),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has no segments")));
  auto* s = l.add_segments();
  s->set_version("1");
  s->set_end_ppb(5);
  EXPECT_THAT(ValidateLayoutShape(l),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("last segment ends at 5")));
  s = l.add_segments();
  s->set_version("1");
  s->set_end_ppb(kWeightScale);
  EXPECT_THAT(ValidateLayoutShape(l),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be merged")));
  l.mutable_segments(1)->set_version("2");
  EXPECT_OK(ValidateLayoutShape(l));
  EXPECT_THAT(ValidateLayout(l, "1", Config({{"2", 6}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("version \"2\" owns 99.9999995% of the key "
                                 "space but its weight is 0.0000006%")));
  l.mutable_segments(1)->set_end_ppb(4);
  EXPECT_THAT(ValidateLayoutShape(l),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 1 ends at 4, not after the previous "
                                 "end 5")));
}

TEST(VersionLess, OrdersLatestThenNumbersByValue) {
  EXPECT_TRUE(VersionLess("$LATEST", "1"));
  EXPECT_FALSE(VersionLess("1", "$LATEST"));
  EXPECT_TRUE(VersionLess("2", "10"));
  EXPECT_FALSE(VersionLess("10", "2"));
  EXPECT_TRUE(VersionLess("99999999999999999999", "100000000000000000000"));
  EXPECT_FALSE(VersionLess("3", "3"));
}

}  // namespace
}  // namespace aliasroute
