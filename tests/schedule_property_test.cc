// Property tests for lib/schedule.h over random custom canary / linear
// configurations and random step lists (fixed seeds, so every run checks the
// same cases). Properties, for every segment:
//   P1 weights never decrease (and timeline offsets strictly increase);
//   P2 the last segment ends at exactly final_weight() (1e9 unless a step
//      list sets max_weight_ppb);
//   P3 WeightAt agrees with the timeline at, just before and between every
//      change time, and with an independent naive model of the config;
//   P4 walking NextChangeAfter from -1 visits exactly the timeline's times,
//      strictly increasing, and then returns nullopt;
//   P5 TimeToReach(w) is the first time the weight is >= w: WeightAt there is
//      >= w and one millisecond earlier it is < w; kNotFound exactly when the
//      segment never reaches w.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/traffic.pb.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

constexpr int64_t kMin = 60'000;

// A naive model: the weight at offset t of a segment, computed by walking
// the config from scratch. Independent of schedule.cc's step table.
struct NaiveModel {
  v1::TrafficRoutingConfig config;

  uint32_t Final() const {
    if (config.has_step_list() && config.step_list().max_weight_ppb() != 0) {
      return config.step_list().max_weight_ppb();
    }
    return kWeightScale;
  }

  // Weight in segment `seg` at offset t (t >= 0).
  uint32_t WeightAt(int64_t t, int seg) const {
    if (config.has_all_at_once()) return kWeightScale;
    if (config.has_time_based_canary()) {
      const auto& c = config.time_based_canary();
      return t >= int64_t{c.canary_interval_minutes()} * kMin
                 ? kWeightScale
                 : c.canary_percentage() * 10'000'000u;
    }
    if (config.has_time_based_linear()) {
      const auto& l = config.time_based_linear();
      const int64_t increments_done =
          1 + t / (int64_t{l.linear_interval_minutes()} * kMin);
      const int64_t pct =
          std::min<int64_t>(100, increments_done * l.linear_percentage());
      return static_cast<uint32_t>(pct * 10'000'000);
    }
    // Step list: find the segment's first step, then walk holds.
    const auto& steps = config.step_list().steps();
    int i = 0;
    for (int s = 0; s < seg; ++i) {
      if (steps[i].has_pause()) ++s;
    }
    int64_t start = 0;
    for (; i < steps.size(); ++i) {
      if (steps[i].has_pause()) return steps[i].weight_ppb();
      if (t < start + steps[i].hold_ms()) return steps[i].weight_ppb();
      start += steps[i].hold_ms();
    }
    return Final();
  }
};

v1::TrafficRoutingConfig RandomCodeDeployConfig(std::mt19937_64& rng) {
  v1::TrafficRoutingConfig c;
  const uint32_t pct = std::uniform_int_distribution<uint32_t>(1, 99)(rng);
  if (rng() % 2 == 0) {
    const uint32_t interval =
        std::uniform_int_distribution<uint32_t>(1, 2880)(rng);
    c.mutable_time_based_canary()->set_canary_percentage(pct);
    c.mutable_time_based_canary()->set_canary_interval_minutes(interval);
  } else {
    const int64_t n = (100 + pct - 1) / pct;
    const uint32_t max_interval =
        n == 1 ? 2880 : static_cast<uint32_t>(2880 / (n - 1));
    const uint32_t interval =
        std::uniform_int_distribution<uint32_t>(1, max_interval)(rng);
    c.mutable_time_based_linear()->set_linear_percentage(pct);
    c.mutable_time_based_linear()->set_linear_interval_minutes(interval);
  }
  return c;
}

v1::TrafficRoutingConfig RandomStepList(std::mt19937_64& rng) {
  v1::TrafficRoutingConfig c;
  v1::StepList* list = c.mutable_step_list();
  const bool capped = rng() % 3 == 0;
  const uint32_t max = capped ? std::uniform_int_distribution<uint32_t>(
                                    1, kWeightScale)(rng)
                              : kWeightScale;
  if (capped) list->set_max_weight_ppb(max);
  const int n = std::uniform_int_distribution<int>(1, 40)(rng);
  uint32_t w = 0;
  for (int i = 0; i < n; ++i) {
    // Mix of repeats, small and large increments.
    switch (rng() % 4) {
      case 0:
        break;  // Same weight again.
      case 1:
        w = std::min<uint64_t>(max, uint64_t{w} + rng() % 1000);
        break;
      default:
        w = std::uniform_int_distribution<uint32_t>(w, max)(rng);
        break;
    }
    v1::Step* step = list->add_steps();
    step->set_weight_ppb(w);
    if (rng() % 6 == 0) {
      step->set_pause(true);
    } else {
      step->set_hold_ms(std::uniform_int_distribution<int64_t>(
          1, rng() % 2 ? 1000 : 48 * 3600 * 1000)(rng));
    }
  }
  return c;
}

void CheckProperties(const v1::TrafficRoutingConfig& config) {
  SCOPED_TRACE(config.ShortDebugString());
  absl::StatusOr<Schedule> created = Schedule::Create(config);
  ASSERT_TRUE(created.ok()) << created.status();
  const Schedule& s = *created;
  const NaiveModel model{config};
  ASSERT_GE(s.segment_count(), 1);
  EXPECT_EQ(s.final_weight(), model.Final());

  int64_t total = 0;
  uint32_t previous_segment_end = 0;
  for (int seg = 0; seg < s.segment_count(); ++seg) {
    SCOPED_TRACE(seg);
    const std::vector<ScheduleChange>& tl = s.Timeline(seg);
    ASSERT_FALSE(tl.empty());
    EXPECT_EQ(tl[0].at_ms, 0);
    // P1.
    EXPECT_GE(tl[0].weight_ppb, previous_segment_end);
    for (size_t i = 1; i < tl.size(); ++i) {
      EXPECT_GT(tl[i].at_ms, tl[i - 1].at_ms);
      EXPECT_GT(tl[i].weight_ppb, tl[i - 1].weight_ppb);
    }
    EXPECT_GE(s.SegmentDuration(seg), tl.back().at_ms);
    total += s.SegmentDuration(seg);
    // P2.
    if (seg + 1 == s.segment_count()) {
      EXPECT_FALSE(s.EndsInPause(seg));
      EXPECT_EQ(tl.back().weight_ppb, s.final_weight());
    } else {
      EXPECT_TRUE(s.EndsInPause(seg));
    }
    // P3.
    EXPECT_EQ(s.WeightAt(-1, seg), previous_segment_end);
    EXPECT_EQ(s.WeightAt(std::numeric_limits<int64_t>::min(), seg),
              previous_segment_end);
    EXPECT_EQ(s.WeightAt(std::numeric_limits<int64_t>::max(), seg),
              tl.back().weight_ppb);
    for (size_t i = 0; i < tl.size(); ++i) {
      const int64_t t = tl[i].at_ms;
      EXPECT_EQ(s.WeightAt(t, seg), tl[i].weight_ppb);
      EXPECT_EQ(model.WeightAt(t, seg), tl[i].weight_ppb) << "t=" << t;
      if (t > 0) {
        EXPECT_EQ(s.WeightAt(t - 1, seg), tl[i - 1].weight_ppb);
        EXPECT_EQ(model.WeightAt(t - 1, seg), tl[i - 1].weight_ppb);
      }
      if (i + 1 < tl.size()) {
        const int64_t mid = t + (tl[i + 1].at_ms - t) / 2;
        EXPECT_EQ(s.WeightAt(mid, seg), tl[i].weight_ppb);
        EXPECT_EQ(model.WeightAt(mid, seg), tl[i].weight_ppb);
      }
    }
    EXPECT_EQ(model.WeightAt(s.SegmentDuration(seg) + 12345, seg),
              tl.back().weight_ppb);
    // P4.
    std::vector<int64_t> visited;
    std::optional<int64_t> next = s.NextChangeAfter(-1, seg);
    while (next.has_value()) {
      if (!visited.empty()) {
        ASSERT_GT(*next, visited.back());
      }
      visited.push_back(*next);
      ASSERT_LE(visited.size(), tl.size());
      next = s.NextChangeAfter(*next, seg);
    }
    ASSERT_EQ(visited.size(), tl.size());
    for (size_t i = 0; i < tl.size(); ++i) EXPECT_EQ(visited[i], tl[i].at_ms);
    // P5: every timeline weight, its neighbours, and the extremes.
    std::vector<uint32_t> probes = {0, 1, kWeightScale, kWeightScale + 1,
                                    previous_segment_end};
    for (const ScheduleChange& c : tl) {
      probes.push_back(c.weight_ppb);
      probes.push_back(c.weight_ppb + 1);
      if (c.weight_ppb > 0) probes.push_back(c.weight_ppb - 1);
    }
    for (uint32_t w : probes) {
      absl::StatusOr<int64_t> t = s.TimeToReach(w, seg);
      if (w > tl.back().weight_ppb) {
        EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound) << w;
        continue;
      }
      ASSERT_TRUE(t.ok()) << w << " " << t.status();
      EXPECT_GE(s.WeightAt(*t, seg), w);
      if (*t > 0 || w > previous_segment_end) {
        EXPECT_LT(s.WeightAt(*t - 1, seg), w) << "w=" << w << " t=" << *t;
      } else {
        EXPECT_EQ(*t, 0);  // Already in force before the segment.
      }
    }
    previous_segment_end = tl.back().weight_ppb;
  }
  EXPECT_EQ(s.TotalDuration(), total);
}

TEST(SchedulePropertyTest, RandomCodeDeployConfigs) {
  std::mt19937_64 rng(20261203);
  for (int i = 0; i < 2000; ++i) {
    CheckProperties(RandomCodeDeployConfig(rng));
    if (HasFailure()) return;
  }
}

TEST(SchedulePropertyTest, EveryPercentageWithItsLongestInterval) {
  for (uint32_t pct = 1; pct <= 99; ++pct) {
    const int64_t n = (100 + pct - 1) / pct;
    v1::TrafficRoutingConfig c;
    c.mutable_time_based_linear()->set_linear_percentage(pct);
    c.mutable_time_based_linear()->set_linear_interval_minutes(
        static_cast<uint32_t>(n == 1 ? 2880 : 2880 / (n - 1)));
    CheckProperties(c);
    // Exactly ceil(100/p) increments, the last one reaching 100 %.
    absl::StatusOr<Schedule> s = Schedule::Create(c);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(static_cast<int64_t>(s->Timeline().size()), n) << pct;
    c.Clear();
    c.mutable_time_based_canary()->set_canary_percentage(pct);
    c.mutable_time_based_canary()->set_canary_interval_minutes(2880);
    CheckProperties(c);
  }
}

TEST(SchedulePropertyTest, RandomStepLists) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    CheckProperties(RandomStepList(rng));
    if (HasFailure()) return;
  }
}

TEST(SchedulePropertyTest, RandomBadCodeDeployConfigsAreRefused) {
  // Any percentage outside 1..99, any interval 0, or a span over 2880
  // minutes is refused with kInvalidArgument; everything else is accepted.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const uint32_t pct = rng() % 4 == 0 ? static_cast<uint32_t>(rng())
                                        : static_cast<uint32_t>(rng() % 102);
    const uint32_t interval = rng() % 4 == 0
                                  ? static_cast<uint32_t>(rng())
                                  : static_cast<uint32_t>(rng() % 3000);
    v1::TrafficRoutingConfig c;
    int64_t span;
    if (rng() % 2 == 0) {
      c.mutable_time_based_canary()->set_canary_percentage(pct);
      c.mutable_time_based_canary()->set_canary_interval_minutes(interval);
      span = interval;
    } else {
      c.mutable_time_based_linear()->set_linear_percentage(pct);
      c.mutable_time_based_linear()->set_linear_interval_minutes(interval);
      span = pct == 0 ? 0 : ((100 + int64_t{pct} - 1) / pct - 1) * interval;
    }
    const bool valid = pct >= 1 && pct <= 99 && interval >= 1 && span <= 2880;
    absl::Status st = ValidateTrafficRoutingConfig(c);
    if (valid) {
      EXPECT_TRUE(st.ok()) << c.ShortDebugString() << " " << st;
    } else {
      EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument)
          << c.ShortDebugString();
    }
  }
}

}  // namespace
}  // namespace aliasroute
