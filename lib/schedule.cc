#include "lib/schedule.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/errors.h"
#include "lib/weights.h"

namespace aliasroute {
namespace {

// ---------------------------------------------------------------------------
// CodeDeploy semantics, in one place.
//
// Sources: the CodeDeploy API Reference types TimeBasedCanary and
// TimeBasedLinear (docs.aws.amazon.com/codedeploy/latest/APIReference/), and
// the CodeDeploy User Guide's table of predefined Lambda configurations
// ("Deployment configurations on an AWS Lambda compute platform").
//
//   Canary: "shifts traffic from one version of a Lambda function ... to
//     another in two increments". canaryPercentage is "The percentage of
//     traffic to shift in the first increment"; canaryInterval is "The number
//     of minutes between the first and second traffic shifts". Predefined
//     example: LambdaCanary10Percent5Minutes "Shifts 10 percent of traffic in
//     the first increment. The remaining 90 percent is deployed five minutes
//     later."
//     => p % at t = 0, 100 % at t = interval.
//
//   Linear: "shifts traffic ... in equal increments, with an equal number of
//     minutes between each increment". linearPercentage is "The percentage
//     of traffic that is shifted at the start of each increment";
//     linearInterval is "The number of minutes between each incremental
//     traffic shift". Predefined example: LambdaLinear10PercentEvery1Minute
//     "Shifts 10 percent of traffic every minute until all traffic is
//     shifted."
//     => the first increment starts at t = 0 (p % at 0), the k-th at
//     (k-1)*interval with min(k*p, 100) %, so there are ceil(100/p)
//     increments and 100 % is reached at (ceil(100/p) - 1) * interval. When p
//     does not divide 100 the last increment is the remainder ("until all
//     traffic is shifted"): 33 % gives 33, 66, 99, 100.
//     NOTE (unverified): a CodeDeploy tutorial says of
//     Linear10PercentEvery1Minute "After 10 minutes, the deployment is
//     complete" (quoted in shared/notes/aws-semantics.md 4.2), and the SAM
//     docs say Linear10PercentEvery10Minutes completes "in 100 minutes"; both
//     may count one more interval after the last shift, or round. No AWS text
//     says which. We model traffic exactly as the API reference words it (the
//     percentage "is shifted at the start of each increment") and add no
//     final bake; a step list can express one (hold at 100 %).
//
//   AllAtOnce: "Shifts all traffic to the updated Lambda functions at once."
//     => 100 % at t = 0.
//
//   t = 0 is when traffic is first allowed: CodeDeploy runs BeforeAllowTraffic
//   "before traffic is shifted to the deployed Lambda function version", so
//   the first increment follows the hook's success (lib/deployment.h).
//
// Limits ("CodeDeploy quotas"): at most 99 percent per increment; at most
// 2880 minutes between the first and last traffic shift. Percent and interval
// of 0 make no schedule and are refused.
//
// Step lists are an aliasroute extension (Argo Rollouts setWeight/pause,
// Flagger stepWeights): each step holds its weight for hold_ms or until
// resumed; after the last one the final weight (max_weight_ppb or 100 %).
// ---------------------------------------------------------------------------

enum class Kind { kAllAtOnce, kCanary, kLinear };

struct PredefinedConfig {
  absl::string_view short_name;
  Kind kind;
  uint32_t percent;
  uint32_t minutes;
};

// The CodeDeploy User Guide's table of predefined Lambda configurations.
constexpr PredefinedConfig kPredefined[] = {
    {"LambdaCanary10Percent5Minutes", Kind::kCanary, 10, 5},
    {"LambdaCanary10Percent10Minutes", Kind::kCanary, 10, 10},
    {"LambdaCanary10Percent15Minutes", Kind::kCanary, 10, 15},
    {"LambdaCanary10Percent30Minutes", Kind::kCanary, 10, 30},
    {"LambdaLinear10PercentEvery1Minute", Kind::kLinear, 10, 1},
    {"LambdaLinear10PercentEvery2Minutes", Kind::kLinear, 10, 2},
    {"LambdaLinear10PercentEvery3Minutes", Kind::kLinear, 10, 3},
    {"LambdaLinear10PercentEvery10Minutes", Kind::kLinear, 10, 10},
    {"LambdaAllAtOnce", Kind::kAllAtOnce, 0, 0},
};

// CodeDeploy: a deployment configuration name has at most 100 characters.
constexpr size_t kMaxConfigNameLength = 100;

const PredefinedConfig* FindPredefined(absl::string_view name) {
  absl::string_view short_name = name;
  if (absl::StartsWith(short_name, kCodeDeployDefaultPrefix)) {
    short_name.remove_prefix(kCodeDeployDefaultPrefix.size());
  }
  for (const PredefinedConfig& p : kPredefined) {
    if (p.short_name == short_name) return &p;
  }
  return nullptr;
}

v1::TrafficRoutingConfig ToConfig(const PredefinedConfig& p) {
  v1::TrafficRoutingConfig c;
  c.set_name(absl::StrCat(kCodeDeployDefaultPrefix, p.short_name));
  switch (p.kind) {
    case Kind::kAllAtOnce:
      c.mutable_all_at_once();
      break;
    case Kind::kCanary:
      c.mutable_time_based_canary()->set_canary_percentage(p.percent);
      c.mutable_time_based_canary()->set_canary_interval_minutes(p.minutes);
      break;
    case Kind::kLinear:
      c.mutable_time_based_linear()->set_linear_percentage(p.percent);
      c.mutable_time_based_linear()->set_linear_interval_minutes(p.minutes);
      break;
  }
  return c;
}

bool SameKind(const v1::TrafficRoutingConfig& a,
              const v1::TrafficRoutingConfig& b) {
  if (a.kind_case() != b.kind_case()) return false;
  switch (a.kind_case()) {
    case v1::TrafficRoutingConfig::kAllAtOnce:
      return true;
    case v1::TrafficRoutingConfig::kTimeBasedCanary:
      return a.time_based_canary().canary_percentage() ==
                 b.time_based_canary().canary_percentage() &&
             a.time_based_canary().canary_interval_minutes() ==
                 b.time_based_canary().canary_interval_minutes();
    case v1::TrafficRoutingConfig::kTimeBasedLinear:
      return a.time_based_linear().linear_percentage() ==
                 b.time_based_linear().linear_percentage() &&
             a.time_based_linear().linear_interval_minutes() ==
                 b.time_based_linear().linear_interval_minutes();
    default:
      return false;
  }
}

absl::Status CheckPercent(uint32_t percent, absl::string_view field) {
  if (percent < 1 || percent > kMaxIncrementPercent) {
    return InvalidParameterValue(absl::StrCat(
        field, " must be a whole percentage in 1..", kMaxIncrementPercent,
        " (CodeDeploy's maximum per increment), got ", percent));
  }
  return absl::OkStatus();
}

absl::Status CheckInterval(uint32_t minutes, absl::string_view field) {
  if (minutes < 1) {
    return InvalidParameterValue(
        absl::StrCat(field, " must be at least 1 minute, got ", minutes));
  }
  return absl::OkStatus();
}

// Number of linear increments: ceil(100 / p).
int64_t LinearIncrements(uint32_t percent) {
  return (100 + int64_t{percent} - 1) / percent;
}

uint32_t PercentToPpb(int64_t percent) {
  return static_cast<uint32_t>(percent * (kWeightScale / 100));
}

// Resolves the name / kind combination into a config with its kind set.
absl::StatusOr<v1::TrafficRoutingConfig> Resolve(
    const v1::TrafficRoutingConfig& config) {
  const std::string& name = config.name();
  if (name.size() > kMaxConfigNameLength) {
    return InvalidParameterValue(absl::StrCat(
        "name must have at most ", kMaxConfigNameLength,
        " characters, got ", name.size()));
  }
  const PredefinedConfig* predefined = FindPredefined(name);
  if (config.kind_case() == v1::TrafficRoutingConfig::KIND_NOT_SET) {
    if (name.empty()) {
      return InvalidParameterValue(
          "kind must be set (all_at_once, time_based_canary, "
          "time_based_linear or step_list) or name must name a predefined "
          "configuration; both are empty");
    }
    if (predefined == nullptr) {
      return ResourceNotFound(absl::StrCat(
          "name \"", name,
          "\" is not a predefined CodeDeploy Lambda deployment "
          "configuration and no kind is set"));
    }
    return ToConfig(*predefined);
  }
  if (predefined != nullptr) {
    v1::TrafficRoutingConfig expected = ToConfig(*predefined);
    if (!SameKind(config, expected)) {
      return InvalidParameterValue(absl::StrCat(
          "name \"", name,
          "\" is a predefined configuration but the given kind differs from "
          "its definition"));
    }
    return expected;
  }
  if (absl::StartsWith(name, kCodeDeployDefaultPrefix)) {
    return InvalidParameterValue(absl::StrCat(
        "name \"", name, "\" uses the reserved prefix \"",
        kCodeDeployDefaultPrefix,
        "\" but is not a predefined Lambda configuration"));
  }
  return config;
}

}  // namespace

absl::StatusOr<v1::TrafficRoutingConfig> PredefinedTrafficRoutingConfig(
    absl::string_view name) {
  const PredefinedConfig* p = FindPredefined(name);
  if (p == nullptr) {
    return ResourceNotFound(absl::StrCat(
        "deployment configuration \"", name,
        "\" is not a predefined CodeDeploy Lambda configuration"));
  }
  return ToConfig(*p);
}

std::vector<std::string> PredefinedTrafficRoutingConfigNames() {
  std::vector<std::string> names;
  for (const PredefinedConfig& p : kPredefined) {
    names.push_back(absl::StrCat(kCodeDeployDefaultPrefix, p.short_name));
  }
  return names;
}

absl::Status ValidateTrafficRoutingConfig(
    const v1::TrafficRoutingConfig& config) {
  return Schedule::Create(config).status();
}

absl::StatusOr<Schedule> Schedule::Create(
    const v1::TrafficRoutingConfig& input) {
  absl::StatusOr<v1::TrafficRoutingConfig> resolved = Resolve(input);
  if (!resolved.ok()) return resolved.status();

  Schedule s;
  s.config_ = *std::move(resolved);
  const v1::TrafficRoutingConfig& config = s.config_;

  // Raw entries per segment, before merging equal weights.
  struct RawSegment {
    std::vector<ScheduleChange> changes;
    int64_t end_ms = 0;
    bool ends_in_pause = false;
  };
  std::vector<RawSegment> raw(1);
  s.final_weight_ = kWeightScale;

  switch (config.kind_case()) {
    case v1::TrafficRoutingConfig::kAllAtOnce:
      raw[0].changes.push_back({0, kWeightScale});
      break;

    case v1::TrafficRoutingConfig::kTimeBasedCanary: {
      const v1::TimeBasedCanary& c = config.time_based_canary();
      absl::Status st =
          CheckPercent(c.canary_percentage(),
                       "time_based_canary.canary_percentage");
      if (!st.ok()) return st;
      st = CheckInterval(c.canary_interval_minutes(),
                         "time_based_canary.canary_interval_minutes");
      if (!st.ok()) return st;
      if (c.canary_interval_minutes() > kMaxShiftSpanMinutes) {
        return InvalidParameterValue(absl::StrCat(
            "time_based_canary.canary_interval_minutes must be at most ",
            kMaxShiftSpanMinutes,
            " (CodeDeploy's limit between the first and last traffic "
            "shift), got ",
            c.canary_interval_minutes()));
      }
      const int64_t interval_ms =
          int64_t{c.canary_interval_minutes()} * kMillisPerMinute;
      raw[0].changes.push_back({0, PercentToPpb(c.canary_percentage())});
      raw[0].changes.push_back({interval_ms, kWeightScale});
      break;
    }

    case v1::TrafficRoutingConfig::kTimeBasedLinear: {
      const v1::TimeBasedLinear& l = config.time_based_linear();
      absl::Status st = CheckPercent(l.linear_percentage(),
                                     "time_based_linear.linear_percentage");
      if (!st.ok()) return st;
      st = CheckInterval(l.linear_interval_minutes(),
                         "time_based_linear.linear_interval_minutes");
      if (!st.ok()) return st;
      const int64_t n = LinearIncrements(l.linear_percentage());
      const int64_t span_minutes = (n - 1) * int64_t{l.linear_interval_minutes()};
      if (span_minutes > kMaxShiftSpanMinutes) {
        return InvalidParameterValue(absl::StrCat(
            "time_based_linear: ", n, " increments of ",
            l.linear_percentage(), "% every ", l.linear_interval_minutes(),
            " minutes put ", span_minutes,
            " minutes between the first and last traffic shift, more than "
            "CodeDeploy's limit of ",
            kMaxShiftSpanMinutes));
      }
      const int64_t interval_ms =
          int64_t{l.linear_interval_minutes()} * kMillisPerMinute;
      for (int64_t k = 1; k <= n; ++k) {
        const int64_t pct = std::min<int64_t>(k * l.linear_percentage(), 100);
        raw[0].changes.push_back({(k - 1) * interval_ms, PercentToPpb(pct)});
      }
      break;
    }

    case v1::TrafficRoutingConfig::kStepList: {
      const v1::StepList& list = config.step_list();
      if (list.max_weight_ppb() > kWeightScale) {
        return InvalidParameterValue(absl::StrCat(
            "step_list.max_weight_ppb must be at most 1000000000 (100%), got ",
            list.max_weight_ppb()));
      }
      const uint32_t max_weight =
          list.max_weight_ppb() == 0 ? kWeightScale : list.max_weight_ppb();
      s.final_weight_ = max_weight;
      if (list.steps_size() == 0) {
        return InvalidParameterValue(
            "step_list.steps must have at least one step, got none");
      }
      if (list.steps_size() > kMaxSteps) {
        return InvalidParameterValue(
            absl::StrCat("step_list.steps must have at most ", kMaxSteps,
                         " steps, got ", list.steps_size()));
      }
      int64_t offset = 0;  // Start of the current step within its segment.
      int64_t total = 0;   // Sum of all holds so far.
      uint32_t previous = 0;
      for (int i = 0; i < list.steps_size(); ++i) {
        const v1::Step& step = list.steps(i);
        // Built only for error messages (not per step: Create stays cheap).
        auto field = [i] { return absl::StrCat("step_list.steps[", i, "]"); };
        if (step.weight_ppb() > max_weight) {
          return InvalidParameterValue(absl::StrCat(
              field(), ".weight_ppb must be at most ",
              list.max_weight_ppb() == 0 ? "100% (1000000000)"
                                         : "step_list.max_weight_ppb (" +
                                               std::to_string(max_weight) +
                                               ")",
              ", got ", step.weight_ppb()));
        }
        if (step.weight_ppb() < previous) {
          return InvalidParameterValue(absl::StrCat(
              field(), ".weight_ppb must not be lower than the step before (",
              previous, "), got ", step.weight_ppb()));
        }
        previous = step.weight_ppb();
        raw.back().changes.push_back({offset, step.weight_ppb()});
        switch (step.hold_case()) {
          case v1::Step::kHoldMs: {
            if (step.hold_ms() <= 0) {
              return InvalidParameterValue(absl::StrCat(
                  field(), ".hold_ms must be positive, got ", step.hold_ms()));
            }
            if (step.hold_ms() > kMaxStepListDurationMs - total) {
              return InvalidParameterValue(absl::StrCat(
                  field(), ".hold_ms makes the step list's total hold more than ",
                  kMaxStepListDurationMs, " ms, got ", step.hold_ms()));
            }
            total += step.hold_ms();
            offset += step.hold_ms();
            break;
          }
          case v1::Step::kPause: {
            if (!step.pause()) {
              return InvalidParameterValue(absl::StrCat(
                  field(), ".pause must be true when set, got false"));
            }
            raw.back().end_ms = offset;
            raw.back().ends_in_pause = true;
            raw.emplace_back();
            offset = 0;
            break;
          }
          default:
            return InvalidParameterValue(absl::StrCat(
                field(), " must set hold_ms or pause, got neither"));
        }
      }
      raw.back().changes.push_back({offset, max_weight});
      break;
    }

    default:
      // Resolve() guarantees a kind.
      return InvalidParameterValue("kind is not set");
  }
  if (!raw.back().ends_in_pause) {
    raw.back().end_ms = raw.back().changes.back().at_ms;
  }

  // Merge equal consecutive weights (keeping the entry at 0 of each segment)
  // and compute the weight in force before each segment.
  uint32_t before = 0;
  for (RawSegment& r : raw) {
    Segment seg;
    seg.weight_before = before;
    seg.ends_in_pause = r.ends_in_pause;
    seg.end_ms = r.end_ms;
    for (const ScheduleChange& c : r.changes) {
      if (!seg.changes.empty() &&
          seg.changes.back().weight_ppb == c.weight_ppb) {
        continue;
      }
      if (!seg.changes.empty() && seg.changes.back().at_ms == c.at_ms) {
        // Cannot happen: every hold is positive. Keep the later weight.
        seg.changes.back().weight_ppb = c.weight_ppb;
        continue;
      }
      seg.changes.push_back(c);
    }
    before = seg.changes.back().weight_ppb;
    s.total_duration_ms_ += seg.end_ms;
    s.segments_.push_back(std::move(seg));
  }
  return s;
}

bool Schedule::EndsInPause(int segment) const {
  assert(segment >= 0 && segment < segment_count());
  return segments_[segment].ends_in_pause;
}

uint32_t Schedule::WeightAt(int64_t t_ms, int segment) const {
  assert(segment >= 0 && segment < segment_count());
  const Segment& seg = segments_[segment];
  if (t_ms < 0) return seg.weight_before;
  const std::vector<ScheduleChange>& c = seg.changes;
  const size_t n = c.size();
  // Common small cases without a search.
  if (n == 1 || t_ms < c[1].at_ms) return c[0].weight_ppb;
  if (t_ms >= c[n - 1].at_ms) return c[n - 1].weight_ppb;
  // c[1].at_ms <= t < c[n-1].at_ms: the last entry with at_ms <= t.
  auto it = std::upper_bound(
      c.begin() + 1, c.end() - 1, t_ms,
      [](int64_t t, const ScheduleChange& e) { return t < e.at_ms; });
  return (it - 1)->weight_ppb;
}

std::optional<int64_t> Schedule::NextChangeAfter(int64_t t_ms,
                                                 int segment) const {
  assert(segment >= 0 && segment < segment_count());
  const std::vector<ScheduleChange>& c = segments_[segment].changes;
  if (t_ms < 0) return 0;
  if (t_ms >= c.back().at_ms) return std::nullopt;
  auto it = std::upper_bound(
      c.begin(), c.end(), t_ms,
      [](int64_t t, const ScheduleChange& e) { return t < e.at_ms; });
  return it->at_ms;
}

const std::vector<ScheduleChange>& Schedule::Timeline(int segment) const {
  assert(segment >= 0 && segment < segment_count());
  return segments_[segment].changes;
}

int64_t Schedule::SegmentDuration(int segment) const {
  assert(segment >= 0 && segment < segment_count());
  return segments_[segment].end_ms;
}

absl::StatusOr<int64_t> Schedule::TimeToReach(uint32_t weight_ppb,
                                              int segment) const {
  assert(segment >= 0 && segment < segment_count());
  const Segment& seg = segments_[segment];
  if (weight_ppb <= seg.weight_before) return 0;
  // Weights are non-decreasing along the timeline.
  auto it = std::lower_bound(
      seg.changes.begin(), seg.changes.end(), weight_ppb,
      [](const ScheduleChange& e, uint32_t w) { return e.weight_ppb < w; });
  if (it == seg.changes.end()) {
    return ResourceNotFound(absl::StrCat(
        "weight ", weight_ppb, " ppb is never reached in segment ", segment,
        ", which ends at ",
        seg.changes.back().weight_ppb, " ppb"));
  }
  return it->at_ms;
}

}  // namespace aliasroute
