// Benchmarks for lib/schedule.h and lib/deployment.h, each beside a naive
// baseline in the same binary:
//   - BM_WeightAt/<kind> vs BM_NaiveWeightAt/<kind>: the naive calculator
//     rebuilds the timeline from the config on every query and scans it.
//     Target: WeightAt < 20 ns for every kind.
//   - BM_Timeline100 (copy of a precomputed 100-entry timeline) and
//     BM_Create100 (validate + build) vs BM_NaiveTimeline100. Target < 5 us.
//   - BM_TickNoop (Deployment::Tick when nothing is due) vs
//     BM_ApplyTickNoop (the general Apply path with a tick event).
//     Target < 50 ns.
// Run: bazel run --config=opt //benchmarks:schedule_benchmark --
//        --benchmark_repetitions=5

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/deployment.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "proto/traffic.pb.h"

namespace aliasroute {
namespace {

constexpr int64_t kMin = 60'000;

enum Kind { kAllAtOnce, kCanary, kLinear10, kLinear1, kSteps100 };

v1::TrafficRoutingConfig MakeConfig(int kind) {
  v1::TrafficRoutingConfig c;
  switch (kind) {
    case kAllAtOnce:
      c.mutable_all_at_once();
      break;
    case kCanary:
      c.mutable_time_based_canary()->set_canary_percentage(10);
      c.mutable_time_based_canary()->set_canary_interval_minutes(5);
      break;
    case kLinear10:
      c.mutable_time_based_linear()->set_linear_percentage(10);
      c.mutable_time_based_linear()->set_linear_interval_minutes(1);
      break;
    case kLinear1:  // 100 increments.
      c.mutable_time_based_linear()->set_linear_percentage(1);
      c.mutable_time_based_linear()->set_linear_interval_minutes(29);
      break;
    default:  // 100 steps of 1 %, one minute each.
      for (uint32_t i = 0; i < 100; ++i) {
        v1::Step* s = c.mutable_step_list()->add_steps();
        s->set_weight_ppb(i * 10'000'000);
        s->set_hold_ms(kMin);
      }
      break;
  }
  return c;
}

const char* KindName(int kind) {
  static const char* const kNames[] = {"AllAtOnce", "Canary", "Linear10",
                                       "Linear1_100steps", "StepList100"};
  return kNames[kind];
}

// The naive calculator: rebuild the timeline from the config, then scan it.
std::vector<std::pair<int64_t, uint32_t>> NaiveTimeline(
    const v1::TrafficRoutingConfig& c) {
  std::vector<std::pair<int64_t, uint32_t>> tl;
  if (c.has_all_at_once()) {
    tl.emplace_back(0, kWeightScale);
  } else if (c.has_time_based_canary()) {
    tl.emplace_back(0, c.time_based_canary().canary_percentage() * 10'000'000u);
    tl.emplace_back(c.time_based_canary().canary_interval_minutes() * kMin,
                    kWeightScale);
  } else if (c.has_time_based_linear()) {
    const uint32_t p = c.time_based_linear().linear_percentage();
    const int64_t interval = c.time_based_linear().linear_interval_minutes() * kMin;
    for (uint32_t k = 1;; ++k) {
      const uint32_t pct = std::min<uint32_t>(100, k * p);
      tl.emplace_back((k - 1) * interval, pct * 10'000'000u);
      if (pct == 100) break;
    }
  } else {
    int64_t t = 0;
    for (const v1::Step& s : c.step_list().steps()) {
      tl.emplace_back(t, s.weight_ppb());
      t += s.hold_ms();
    }
    tl.emplace_back(t, kWeightScale);
  }
  return tl;
}

uint32_t NaiveWeightAt(const v1::TrafficRoutingConfig& c, int64_t t) {
  if (t < 0) return 0;
  uint32_t w = 0;
  for (const auto& [at, weight] : NaiveTimeline(c)) {
    if (at > t) break;
    w = weight;
  }
  return w;
}

// Query times spread over the schedule and beyond it.
std::vector<int64_t> QueryTimes(int64_t duration) {
  std::mt19937_64 rng(1);
  std::vector<int64_t> times(1024);
  for (int64_t& t : times) {
    t = static_cast<int64_t>(rng() % static_cast<uint64_t>(duration * 5 / 4 + 2)) - 1;
  }
  return times;
}

void BM_WeightAt(benchmark::State& state) {
  const Schedule s = Schedule::Create(MakeConfig(state.range(0))).value();
  const std::vector<int64_t> times = QueryTimes(s.TotalDuration());
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.WeightAt(times[i++ & 1023]));
  }
  state.SetLabel(KindName(state.range(0)));
}
BENCHMARK(BM_WeightAt)->DenseRange(kAllAtOnce, kSteps100);

void BM_NaiveWeightAt(benchmark::State& state) {
  const v1::TrafficRoutingConfig c = MakeConfig(state.range(0));
  const Schedule s = Schedule::Create(c).value();
  const std::vector<int64_t> times = QueryTimes(s.TotalDuration());
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NaiveWeightAt(c, times[i++ & 1023]));
  }
  state.SetLabel(KindName(state.range(0)));
}
BENCHMARK(BM_NaiveWeightAt)->DenseRange(kAllAtOnce, kSteps100);

void BM_Timeline100(benchmark::State& state) {
  const Schedule s = Schedule::Create(MakeConfig(kSteps100)).value();
  for (auto _ : state) {
    std::vector<ScheduleChange> copy = s.Timeline();
    benchmark::DoNotOptimize(copy.data());
  }
}
BENCHMARK(BM_Timeline100);

void BM_Create100(benchmark::State& state) {
  const v1::TrafficRoutingConfig c = MakeConfig(kSteps100);
  for (auto _ : state) {
    absl::StatusOr<Schedule> s = Schedule::Create(c);
    benchmark::DoNotOptimize(s->Timeline().data());
  }
}
BENCHMARK(BM_Create100);

void BM_NaiveTimeline100(benchmark::State& state) {
  const v1::TrafficRoutingConfig c = MakeConfig(kSteps100);
  for (auto _ : state) {
    auto tl = NaiveTimeline(c);
    benchmark::DoNotOptimize(tl.data());
  }
}
BENCHMARK(BM_NaiveTimeline100);

Deployment ShiftingDeployment() {
  v1::DeploymentSpec spec;
  spec.set_deployment_id("d");
  spec.set_function_name("f");
  spec.set_alias_name("live");
  spec.set_current_version("1");
  spec.set_target_version("2");
  // One step held for the longest allowed time: no tick is ever due within
  // the benchmark (a 48-hour canary would end after 1.7e8 one-ms ticks).
  v1::Step* step =
      spec.mutable_traffic_routing()->mutable_step_list()->add_steps();
  step->set_weight_ppb(100'000'000);
  step->set_hold_ms(kMaxStepListDurationMs);
  Deployment d = Deployment::Create(spec).value();
  (void)d.Apply(StartEvent(1'000'000)).value();
  return d;
}

void BM_TickNoop(benchmark::State& state) {
  Deployment d = ShiftingDeployment();
  int64_t now = 1'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.Tick(++now));
  }
  if (d.events().size() != 1) state.SkipWithError("a no-op tick was logged");
}
BENCHMARK(BM_TickNoop);

void BM_ApplyTickNoop(benchmark::State& state) {
  Deployment d = ShiftingDeployment();
  int64_t now = 1'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.Apply(TickEvent(++now)));
  }
}
BENCHMARK(BM_ApplyTickNoop);

}  // namespace
}  // namespace aliasroute

BENCHMARK_MAIN();
