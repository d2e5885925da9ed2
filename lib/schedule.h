// schedule.h: deterministic traffic-shift calculators. A Schedule answers
// "what weight does the new version have t milliseconds after the shift
// began?" for CodeDeploy's Lambda deployment configurations (canary, linear,
// all-at-once, predefined or custom) and for explicit step lists in the style
// of Argo Rollouts / Flagger (non-uniform steps, indefinite pauses, a maximum
// weight).
//
// Units: time is int64 milliseconds, measured from the start of the shift
// (for CodeDeploy: the moment traffic is first allowed, right after the
// BeforeAllowTraffic hook succeeds). Weights are uint32 parts per billion
// (lib/weights.h, kWeightScale = 100 %), computed with integer arithmetic
// only, so ten 10 % steps end at exactly kWeightScale and every instance on
// every machine computes the same answer.
//
// Segments. A step list may contain pauses: the schedule holds a weight until
// someone resumes it, so nothing after a pause has a fixed time. A Schedule is
// therefore a list of segments. Segment 0 begins at the start of the shift;
// segment k > 0 begins at the k-th resume. Each segment has its own timeline
// of (offset since the segment began, weight). A segment either ends at the
// final weight or "ends in a pause" (its last entry is held until resumed).
// Every CodeDeploy config, and every step list without pauses, has exactly
// one segment, so the `segment` arguments below can be ignored for them.
//
// Example:
//   absl::StatusOr<v1::TrafficRoutingConfig> c =
//       PredefinedTrafficRoutingConfig("LambdaLinear10PercentEvery1Minute");
//   absl::StatusOr<Schedule> s = Schedule::Create(*c);
//   s->WeightAt(0);                 // 100'000'000 (10 %)
//   s->WeightAt(90'000);            // 200'000'000 (20 % from 60 s on)
//   s->NextChangeAfter(90'000);     // 120'000
//   s->TotalDuration();             // 540'000: 100 % from 9 minutes on
//   s->TimeToReach(500'000'000);    // 240'000
//
// A Schedule is immutable after Create and therefore thread-safe.

#ifndef ALIASROUTE_LIB_SCHEDULE_H_
#define ALIASROUTE_LIB_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/traffic.pb.h"

namespace aliasroute {

inline constexpr int64_t kMillisPerMinute = 60'000;

// CodeDeploy limit: "Maximum number of minutes between the first and last
// traffic shift during a Lambda canary or linear deployment: 2880" (CodeDeploy
// User Guide, "CodeDeploy quotas"). Bounds canary_interval_minutes and
// (increments - 1) * linear_interval_minutes.
inline constexpr int64_t kMaxShiftSpanMinutes = 2880;

// CodeDeploy limit: "Maximum percentage of traffic that can be shifted in one
// increment during a Lambda canary or linear deployment: 99".
inline constexpr uint32_t kMaxIncrementPercent = 99;

// Step lists (an aliasroute extension): at most this many steps, and the sum
// of all hold times at most kMaxStepListDurationMs (about 317 years), so that
// start time + offset never overflows int64 for any time up to
// kMaxEventTimeMs (deployment.h).
inline constexpr int kMaxSteps = 10'000;
inline constexpr int64_t kMaxStepListDurationMs = 10'000'000'000'000;

// The name prefix of CodeDeploy's predefined configurations.
inline constexpr absl::string_view kCodeDeployDefaultPrefix =
    "CodeDeployDefault.";

// The predefined CodeDeploy Lambda configuration called `name`, accepting both
// the short form ("LambdaCanary10Percent5Minutes") and the full one
// ("CodeDeployDefault.LambdaCanary10Percent5Minutes"); the case must match.
// The result has `name` set to the full form. kNotFound (CodeDeploy's
// DeploymentConfigDoesNotExistException) naming `name` when there is no such
// predefined configuration.
[[nodiscard]] absl::StatusOr<v1::TrafficRoutingConfig>
PredefinedTrafficRoutingConfig(absl::string_view name);

// The full names of all nine predefined Lambda configurations, in the order
// of the CodeDeploy User Guide's table.
std::vector<std::string> PredefinedTrafficRoutingConfigNames();

// Checks `config` without building the step table. OK exactly when
// Schedule::Create(config) would succeed; otherwise the same kInvalidArgument
// / kNotFound status.
[[nodiscard]] absl::Status ValidateTrafficRoutingConfig(
    const v1::TrafficRoutingConfig& config);

// One entry of a timeline: from `at_ms` (offset from the segment's start) on,
// the new version's weight is `weight_ppb`, until the next entry.
struct ScheduleChange {
  int64_t at_ms = 0;        // Milliseconds since the segment began.
  uint32_t weight_ppb = 0;  // Parts per billion.

  friend bool operator==(const ScheduleChange& a, const ScheduleChange& b) {
    return a.at_ms == b.at_ms && a.weight_ppb == b.weight_ppb;
  }
  friend bool operator!=(const ScheduleChange& a, const ScheduleChange& b) {
    return !(a == b);
  }
};

class Schedule {
 public:
  // Validates `config` and precomputes its step table. The semantics of each
  // kind are stated (with the AWS sources) in schedule.cc, in one place:
  //   AllAtOnce:              100 % at 0.
  //   TimeBasedCanary(p, i):  p % at 0, 100 % at i minutes.
  //   TimeBasedLinear(p, i):  p % at 0, then p % more every i minutes,
  //                           capped at 100 %: 100 % at (ceil(100/p)-1)*i
  //                           minutes; when p does not divide 100 the last
  //                           increment is the remainder (33: 33,66,99,100).
  //   StepList:               step k's weight from the end of step k-1's hold
  //                           (step 0 at 0); after the last step's hold the
  //                           final weight (max_weight_ppb, or 100 %); a
  //                           pause ends the segment (see file comment).
  // Consecutive equal weights are merged, so every timeline entry after the
  // first changes the weight.
  //
  // When `config.kind` is unset, `config.name` must name a predefined
  // configuration and that one is used. When both are set and the name is a
  // predefined one, the kind must equal its definition.
  //
  // Errors (kInvalidArgument unless stated; each message names the field, the
  // rule and the value):
  //   - kind unset and name empty; kNotFound: kind unset and name unknown;
  //   - predefined name that disagrees with the given kind;
  //   - canary/linear percentage 0 or over 99; interval 0;
  //   - canary interval, or linear (increments-1)*interval, over 2880 minutes;
  //   - step list: no steps or more than kMaxSteps; a weight over 100 % or
  //     over max_weight_ppb; a weight lower than the step before; a step
  //     with neither hold_ms nor pause; hold_ms <= 0; pause = false;
  //     max_weight_ppb over 100 %; total hold over kMaxStepListDurationMs.
  // Cost: O(number of steps).
  [[nodiscard]] static absl::StatusOr<Schedule> Create(
      const v1::TrafficRoutingConfig& config);

  // Intentionally copyable and movable (it is a small immutable value).
  Schedule(const Schedule&) = default;
  Schedule& operator=(const Schedule&) = default;
  Schedule(Schedule&&) = default;
  Schedule& operator=(Schedule&&) = default;

  // The configuration this was built from (with the predefined kind filled
  // in when it was given by name only).
  const v1::TrafficRoutingConfig& config() const { return config_; }

  // Number of segments: 1 + the number of pauses. At least 1.
  int segment_count() const { return static_cast<int>(segments_.size()); }

  // True when `segment` ends in a pause: its last timeline entry holds until
  // resumed. False for the last segment.
  // REQUIRES: 0 <= segment < segment_count().
  bool EndsInPause(int segment) const;

  // The weight the whole schedule ends at: max_weight_ppb for a step list that
  // sets it, else kWeightScale.
  uint32_t final_weight() const { return final_weight_; }

  // The weight `t_ms` after `segment` began. Before the start (t_ms < 0) it is
  // the weight before the segment: 0 for segment 0, the held pause weight
  // otherwise. Far past the end it is the segment's last weight. Any int64 is
  // valid. O(log n) in the segment's entries (O(1) for at most two entries);
  // no allocation.
  // REQUIRES: 0 <= segment < segment_count().
  uint32_t WeightAt(int64_t t_ms, int segment = 0) const;

  // The offset of the first timeline entry of `segment` strictly after
  // `t_ms`, or nullopt when there is none (the segment has ended, or holds at
  // a pause). For t_ms < 0 this is 0. O(log n); no allocation.
  // REQUIRES: 0 <= segment < segment_count().
  std::optional<int64_t> NextChangeAfter(int64_t t_ms, int segment = 0) const;

  // The timeline of `segment`: entries with strictly increasing offsets, the
  // first at 0, weights strictly increasing after the first (non-decreasing
  // overall). The reference stays valid as long as this Schedule. O(1).
  // REQUIRES: 0 <= segment < segment_count().
  const std::vector<ScheduleChange>& Timeline(int segment = 0) const;

  // How long `segment` runs before it ends: for a segment that ends in a
  // pause, the offset at which the pause step begins (the schedule then holds
  // until resumed); for the last segment, the offset at which the final weight
  // is reached (the end of the shift). At least the offset of the last
  // timeline entry; later when a step holds a weight equal to the one after
  // it (merged in the timeline, e.g. a bake at 100 %). 0 for AllAtOnce.
  // REQUIRES: 0 <= segment < segment_count().
  int64_t SegmentDuration(int segment) const;

  // Sum of SegmentDuration over all segments: the time from the start to the
  // final weight when every pause is resumed the moment it is reached. For
  // CodeDeploy configs, the time from the first to the last traffic shift.
  int64_t TotalDuration() const { return total_duration_ms_; }

  // The first offset in `segment` at which the weight is >= `weight_ppb`.
  // A weight already in force before the segment (see WeightAt) is reached at
  // offset 0. kNotFound naming the weight and segment when the segment never
  // reaches it (e.g. above final_weight(), or above a pause weight).
  // O(log n).
  // REQUIRES: 0 <= segment < segment_count().
  [[nodiscard]] absl::StatusOr<int64_t> TimeToReach(uint32_t weight_ppb,
                                                    int segment = 0) const;

 private:
  struct Segment {
    std::vector<ScheduleChange> changes;  // Non-empty; changes[0].at_ms == 0.
    uint32_t weight_before = 0;           // Weight in force before the start.
    int64_t end_ms = 0;                   // See SegmentDuration.
    bool ends_in_pause = false;
  };

  Schedule() = default;

  v1::TrafficRoutingConfig config_;
  std::vector<Segment> segments_;
  uint32_t final_weight_ = 0;
  int64_t total_duration_ms_ = 0;
};

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_SCHEDULE_H_
