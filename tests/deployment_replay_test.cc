// Replay tests for lib/deployment.h over randomized specs and event logs
// (fixed seeds). For every log:
//   R1 Replay(spec, log) serializes to exactly the same Deployment record
//      as the live deployment (and FromProto accepts the record, also after a
//      round trip through bytes);
//   R2 applying the logged events one by one to a fresh deployment gives the
//      same Decision, field for field, after every event;
//   R3 a refused event changes nothing (the serialized record is unchanged);
//   R4 granularity independence: a second deployment that sees only the
//      non-tick events (no ticks at all) is in the same state, with the same
//      routing and next change time, after each of them, and accepts or
//      refuses exactly the same events.

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/deployment.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;

v1::DeploymentSpec RandomSpec(std::mt19937_64& rng) {
  v1::DeploymentSpec spec;
  spec.set_deployment_id("d");
  spec.set_function_name("fn");
  spec.set_alias_name("live");
  spec.set_current_version("7");
  spec.set_target_version("8");
  v1::TrafficRoutingConfig* c = spec.mutable_traffic_routing();
  switch (rng() % 4) {
    case 0: {
      const std::vector<std::string> names =
          PredefinedTrafficRoutingConfigNames();
      c->set_name(names[rng() % names.size()]);
      break;
    }
    case 1:
      c->mutable_time_based_canary()->set_canary_percentage(1 + rng() % 99);
      c->mutable_time_based_canary()->set_canary_interval_minutes(
          1 + rng() % 20);
      break;
    case 2:
      c->mutable_time_based_linear()->set_linear_percentage(5 + rng() % 95);
      c->mutable_time_based_linear()->set_linear_interval_minutes(
          1 + rng() % 5);
      break;
    default: {
      v1::StepList* list = c->mutable_step_list();
      if (rng() % 3 == 0) list->set_max_weight_ppb(1 + rng() % kWeightScale);
      const uint32_t max =
          list->max_weight_ppb() == 0 ? kWeightScale : list->max_weight_ppb();
      uint32_t w = 0;
      const int n = 1 + rng() % 8;
      for (int i = 0; i < n; ++i) {
        w = std::uniform_int_distribution<uint32_t>(w, max)(rng);
        v1::Step* step = list->add_steps();
        step->set_weight_ppb(w);
        if (rng() % 3 == 0) {
          step->set_pause(true);
        } else {
          step->set_hold_ms(1 + rng() % (5 * kMin));
        }
      }
      break;
    }
  }
  if (rng() % 2) spec.mutable_hooks()->set_before_allow_traffic("pre");
  if (rng() % 2) spec.mutable_hooks()->set_after_allow_traffic("post");
  if (rng() % 2) spec.mutable_hooks()->set_timeout_ms(1 + rng() % (20 * kMin));
  if (rng() % 2) {
    spec.mutable_alarms()->set_enabled(true);
    spec.mutable_alarms()->add_alarms("errors");
  }
  return spec;
}

v1::DeploymentEvent RandomEvent(std::mt19937_64& rng, int64_t& now) {
  // Mostly forward, sometimes the same instant, rarely backwards (refused).
  switch (rng() % 10) {
    case 0:
      break;
    case 1:
      now -= static_cast<int64_t>(rng() % 1000);
      break;
    case 2:
      now += static_cast<int64_t>(rng() % (120 * kMin));
      break;
    default:
      now += static_cast<int64_t>(rng() % (2 * kMin));
      break;
  }
  const int64_t t = now;
  switch (rng() % 16) {
    case 0:
    case 1:
      return StartEvent(t);
    case 2:
    case 3:
    case 4:
      return HookResultEvent(t,
                             rng() % 2 ? v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC
                                       : v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC,
                             rng() % 5 != 0);
    case 5:
      return AlarmEvent(t, rng() % 4 ? "errors" : "unknown");
    case 6:
      return StopEvent(t);
    case 7:
    case 8:
      return ResumeEvent(t);
    default:
      return TickEvent(t);
  }
}

void ExpectSameDecision(const Decision& a, const Decision& b,
                        bool compare_flags) {
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.primary_version, b.primary_version);
  EXPECT_EQ(a.routing_config.SerializeAsString(),
            b.routing_config.SerializeAsString());
  EXPECT_EQ(a.target_weight_ppb, b.target_weight_ppb);
  EXPECT_EQ(a.next_change_ms, b.next_change_ms);
  if (compare_flags) {
    EXPECT_EQ(a.routing_changed, b.routing_changed);
    EXPECT_EQ(a.state_changed, b.state_changed);
  }
}

TEST(DeploymentReplayTest, RandomLogsReplayBitForBit) {
  std::mt19937_64 rng(5);
  int accepted_total = 0;
  int terminal_total = 0;
  for (int round = 0; round < 500; ++round) {
    SCOPED_TRACE(round);
    const v1::DeploymentSpec spec = RandomSpec(rng);
    SCOPED_TRACE(spec.ShortDebugString());
    absl::StatusOr<Deployment> created = Deployment::Create(spec);
    ASSERT_TRUE(created.ok()) << created.status();
    Deployment live = *created;
    Deployment sparse = *created;  // Sees no ticks (R4).

    std::vector<Decision> logged_decisions;
    int64_t now = kT0;
    const int n = 5 + rng() % 60;
    for (int i = 0; i < n; ++i) {
      const v1::DeploymentEvent e = RandomEvent(rng, now);
      SCOPED_TRACE(e.ShortDebugString());
      const std::string before = live.ToProto().SerializeAsString();
      const size_t logged = live.events().size();
      absl::Status status;
      if (e.has_tick() && rng() % 2 == 0) {
        absl::StatusOr<bool> r = live.Tick(e.time_ms());
        status = r.status();
      } else {
        absl::StatusOr<Decision> r = live.Apply(e);
        status = r.status();
        if (r.ok()) ExpectSameDecision(*r, live.decision(), true);
      }
      if (!status.ok()) {
        // R3.
        EXPECT_EQ(live.ToProto().SerializeAsString(), before) << status;
        EXPECT_TRUE(status.code() == absl::StatusCode::kInvalidArgument ||
                    status.code() == absl::StatusCode::kFailedPrecondition)
            << status;
      } else {
        ++accepted_total;
        if (live.events().size() > logged) {
          logged_decisions.push_back(live.decision());
        }
      }
      // R4: the sparse twin sees the same non-tick events.
      // A time that went backwards for the live object may not have for the
      // sparse one (it saw no ticks); such events go to neither.
      const bool backwards =
          !status.ok() && absl::StrContains(status.message(), "backwards");
      if (!e.has_tick() && !backwards) {
        absl::StatusOr<Decision> r = sparse.Apply(e);
        EXPECT_EQ(r.ok(), status.ok()) << r.status() << " vs " << status;
        if (r.ok() && status.ok()) {
          ExpectSameDecision(*r, live.decision(), false);
        }
      }
    }
    if (live.is_terminal()) ++terminal_total;

    // R1.
    const v1::Deployment record = live.ToProto();
    absl::StatusOr<Deployment> replayed = Deployment::Replay(
        spec, std::vector<v1::DeploymentEvent>(live.events().begin(),
                                               live.events().end()));
    ASSERT_TRUE(replayed.ok()) << replayed.status();
    EXPECT_EQ(replayed->ToProto().SerializeAsString(),
              record.SerializeAsString());
    ExpectSameDecision(replayed->decision(), live.decision(), false);
    v1::Deployment parsed;
    ASSERT_TRUE(parsed.ParseFromString(record.SerializeAsString()));
    absl::StatusOr<Deployment> restored = Deployment::FromProto(parsed);
    ASSERT_TRUE(restored.ok()) << restored.status();
    EXPECT_EQ(restored->ToProto().SerializeAsString(),
              record.SerializeAsString());

    // R2.
    absl::StatusOr<Deployment> step = Deployment::Create(spec);
    ASSERT_TRUE(step.ok());
    ASSERT_EQ(logged_decisions.size(), live.events().size());
    for (size_t i = 0; i < live.events().size(); ++i) {
      absl::StatusOr<Decision> r = step->Apply(live.events()[i]);
      ASSERT_TRUE(r.ok()) << i << ": " << r.status();
      ExpectSameDecision(*r, logged_decisions[i], true);
    }
    if (HasFailure()) return;
  }
  // The generator must exercise the machine, not just refuse events.
  EXPECT_GT(accepted_total, 5000);
  EXPECT_GT(terminal_total, 100);
}

TEST(DeploymentReplayTest, EveryStateIsReachedByTheGenerator) {
  std::mt19937_64 rng(5);
  std::set<int> seen;
  for (int round = 0; round < 500; ++round) {
    absl::StatusOr<Deployment> d = Deployment::Create(RandomSpec(rng));
    ASSERT_TRUE(d.ok());
    int64_t now = kT0;
    const int n = 5 + rng() % 60;
    for (int i = 0; i < n; ++i) {
      (void)d->Apply(RandomEvent(rng, now));
      seen.insert(d->state());
    }
  }
  EXPECT_EQ(seen.size(), 8u);  // CREATED .. STOPPED.
}

TEST(DeploymentReplayTest, ReplayReportsTheFirstBadEvent) {
  v1::DeploymentSpec spec;
  spec.set_deployment_id("d");
  spec.set_function_name("fn");
  spec.set_alias_name("live");
  spec.set_current_version("1");
  spec.set_target_version("2");
  spec.mutable_traffic_routing()->set_name("LambdaAllAtOnce");
  const std::vector<v1::DeploymentEvent> log = {
      StartEvent(kT0), TickEvent(kT0 + 1), ResumeEvent(kT0 + 2)};
  EXPECT_THAT(Deployment::Replay(spec, log),
              aliasroute_testing::StatusIs(
                  absl::StatusCode::kFailedPrecondition,
                  testing::HasSubstr("event 2: event resume is not allowed")));
  // Logged no-op ticks are kept, so the log round-trips unchanged.
  absl::StatusOr<Deployment> d = Deployment::Replay(
      spec, {StartEvent(kT0), TickEvent(kT0 + 1), TickEvent(kT0 + 2)});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->events().size(), 3u);
}

}  // namespace
}  // namespace aliasroute
