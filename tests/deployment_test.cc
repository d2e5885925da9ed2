// State-machine tests for lib/deployment.h: every transition, every failure
// path (alarm, failed hook, timed-out hook, stop), every illegal event, the
// spec checks, the checks against a function, and DeploymentSet's
// one-active-deployment-per-alias rule.

#include "lib/deployment.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "proto/registry.pb.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::IsOkAndHolds;
using ::aliasroute_testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr int64_t kT0 = 1'700'000'000'000;  // Some epoch time in ms.
constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 3'600'000;
constexpr uint32_t kPct = 10'000'000;

using State = v1::DeploymentState;
constexpr State kCreated = v1::DEPLOYMENT_STATE_CREATED;
constexpr State kBefore = v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC;
constexpr State kShifting = v1::DEPLOYMENT_STATE_SHIFTING;
constexpr State kPaused = v1::DEPLOYMENT_STATE_PAUSED;
constexpr State kAfter = v1::DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC;
constexpr State kSucceeded = v1::DEPLOYMENT_STATE_SUCCEEDED;
constexpr State kRolledBack = v1::DEPLOYMENT_STATE_ROLLED_BACK;
constexpr State kStopped = v1::DEPLOYMENT_STATE_STOPPED;
constexpr v1::LifecycleHook kBeforeHook = v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC;
constexpr v1::LifecycleHook kAfterHook = v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC;

struct SpecOptions {
  std::string config = "LambdaCanary10Percent5Minutes";
  bool before_hook = false;
  bool after_hook = false;
  bool alarms = false;
  int64_t timeout_ms = 0;
};

v1::DeploymentSpec MakeSpec(const SpecOptions& o = {}) {
  v1::DeploymentSpec spec;
  spec.set_deployment_id("d-1");
  spec.set_function_name("orders");
  spec.set_alias_name("live");
  spec.set_current_version("1");
  spec.set_target_version("2");
  spec.mutable_traffic_routing()->set_name(o.config);
  if (o.before_hook) {
    spec.mutable_hooks()->set_before_allow_traffic("CodeDeployHook_pre");
  }
  if (o.after_hook) {
    spec.mutable_hooks()->set_after_allow_traffic("CodeDeployHook_post");
  }
  spec.mutable_hooks()->set_timeout_ms(o.timeout_ms);
  if (o.alarms) {
    spec.mutable_alarms()->set_enabled(true);
    spec.mutable_alarms()->add_alarms("errors");
    spec.mutable_alarms()->add_alarms("latency");
  }
  return spec;
}

Deployment MustCreate(const v1::DeploymentSpec& spec) {
  absl::StatusOr<Deployment> d = Deployment::Create(spec);
  EXPECT_TRUE(d.ok()) << d.status();
  return *std::move(d);
}

Decision MustApply(Deployment& d, const v1::DeploymentEvent& e) {
  absl::StatusOr<Decision> r = d.Apply(e);
  EXPECT_TRUE(r.ok()) << r.status() << " for " << e.ShortDebugString();
  return r.ok() ? *r : Decision();
}

// Routing shapes.
void ExpectOnCurrent(const Decision& d) {
  EXPECT_EQ(d.primary_version, "1");
  EXPECT_EQ(d.routing_config.additional_version_weights_size(), 0);
  EXPECT_EQ(d.target_weight_ppb, 0u);
}
void ExpectOnTarget(const Decision& d) {
  EXPECT_EQ(d.primary_version, "2");
  EXPECT_EQ(d.routing_config.additional_version_weights_size(), 0);
  EXPECT_EQ(d.target_weight_ppb, kWeightScale);
}
void ExpectSplit(const Decision& d, uint32_t w) {
  EXPECT_EQ(d.primary_version, "1");
  ASSERT_EQ(d.routing_config.additional_version_weights_size(), 1);
  EXPECT_EQ(d.routing_config.additional_version_weights(0).version(), "2");
  EXPECT_EQ(d.routing_config.additional_version_weights(0).weight_ppb(), w);
  EXPECT_EQ(d.target_weight_ppb, w);
}

// ---- Spec validation -------------------------------------------------------

TEST(SpecTest, ValidSpecStartsCreated) {
  Deployment d = MustCreate(MakeSpec());
  EXPECT_EQ(d.state(), kCreated);
  EXPECT_TRUE(d.is_active());
  EXPECT_FALSE(d.is_terminal());
  ExpectOnCurrent(d.decision());
  EXPECT_EQ(d.decision().next_change_ms, std::nullopt);
  // The predefined kind was resolved into the recorded spec.
  EXPECT_TRUE(d.spec().traffic_routing().has_time_based_canary());
  EXPECT_EQ(d.spec().traffic_routing().name(),
            "CodeDeployDefault.LambdaCanary10Percent5Minutes");
}

TEST(SpecTest, BadSpecsAreRefused) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  struct Case {
    void (*mutate)(v1::DeploymentSpec&);
    absl::StatusCode code;
    const char* fragment;
  };
  const Case cases[] = {
      {[](v1::DeploymentSpec& s) { s.clear_deployment_id(); }, invalid,
       "deployment_id must not be empty"},
      {[](v1::DeploymentSpec& s) { s.set_function_name(""); }, invalid,
       "function_name must be 1-64"},
      {[](v1::DeploymentSpec& s) { s.set_function_name(std::string(65, 'f')); },
       invalid, "function_name must be 1-64"},
      {[](v1::DeploymentSpec& s) { s.set_function_name("a:b"); }, invalid,
       "got \"a:b\""},
      {[](v1::DeploymentSpec& s) { s.set_alias_name(""); }, invalid,
       "alias_name must be 1-128"},
      {[](v1::DeploymentSpec& s) { s.set_alias_name("123"); }, invalid,
       "alias_name must not be all digits, got \"123\""},
      {[](v1::DeploymentSpec& s) { s.set_current_version(""); }, invalid,
       "current_version must be a published version number"},
      {[](v1::DeploymentSpec& s) { s.set_current_version("$LATEST"); },
       invalid, "got \"$LATEST\""},
      {[](v1::DeploymentSpec& s) { s.set_target_version("02"); }, invalid,
       "target_version must be a published version number"},
      {[](v1::DeploymentSpec& s) { s.set_target_version("0"); }, invalid,
       "got \"0\""},
      {[](v1::DeploymentSpec& s) { s.set_target_version("1"); }, invalid,
       "target_version must differ from current_version"},
      {[](v1::DeploymentSpec& s) { s.clear_traffic_routing(); }, invalid,
       "traffic_routing.kind must be set"},
      {[](v1::DeploymentSpec& s) {
         s.mutable_traffic_routing()->set_name("LambdaCanary99Percent");
       },
       absl::StatusCode::kNotFound, "traffic_routing.name"},
      {[](v1::DeploymentSpec& s) {
         s.mutable_traffic_routing()->clear_name();
         s.mutable_traffic_routing()
             ->mutable_time_based_linear()
             ->set_linear_percentage(0);
       },
       invalid, "traffic_routing.time_based_linear.linear_percentage"},
      {[](v1::DeploymentSpec& s) { s.mutable_hooks()->set_timeout_ms(-1); },
       invalid, "hooks.timeout_ms must be in 0..3600000"},
      {[](v1::DeploymentSpec& s) {
         s.mutable_hooks()->set_timeout_ms(3'600'001);
       },
       invalid, "got 3600001"},
      {[](v1::DeploymentSpec& s) {
         for (int i = 0; i < 11; ++i) {
           s.mutable_alarms()->add_alarms(absl::StrCat("a", i));
         }
       },
       invalid, "at most 10 alarms"},
      {[](v1::DeploymentSpec& s) { s.mutable_alarms()->add_alarms(""); },
       invalid, "alarms.alarms[0] must not be empty"},
  };
  for (const Case& c : cases) {
    v1::DeploymentSpec spec = MakeSpec();
    c.mutate(spec);
    EXPECT_THAT(Deployment::Create(spec), StatusIs(c.code, HasSubstr(c.fragment)))
        << spec.ShortDebugString();
  }
}

// ---- Happy paths -----------------------------------------------------------

TEST(DeploymentTest, CanaryWithoutHooks) {
  Deployment d = MustCreate(MakeSpec());
  Decision x = MustApply(d, StartEvent(kT0));
  EXPECT_EQ(x.state, kShifting);
  EXPECT_TRUE(x.state_changed);
  EXPECT_TRUE(x.routing_changed);
  ExpectSplit(x, 10 * kPct);
  EXPECT_THAT(x.next_change_ms, Optional(kT0 + 5 * kMin));

  EXPECT_THAT(d.Tick(kT0 + 5 * kMin - 1), IsOkAndHolds(false));
  EXPECT_FALSE(d.decision().routing_changed);
  EXPECT_THAT(d.Tick(kT0 + 5 * kMin), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kSucceeded);
  EXPECT_TRUE(d.decision().routing_changed);
  EXPECT_TRUE(d.decision().state_changed);
  ExpectOnTarget(d.decision());
  EXPECT_EQ(d.decision().next_change_ms, std::nullopt);
  EXPECT_EQ(d.decision().error, v1::DEPLOYMENT_ERROR_NONE);
  EXPECT_TRUE(d.is_terminal());
  // Ticks after the end are fine and change nothing.
  EXPECT_THAT(d.Tick(kT0 + 10 * kHour), IsOkAndHolds(false));
}

TEST(DeploymentTest, LinearFollowsTheScheduleAtEveryMinute) {
  Deployment d = MustCreate(MakeSpec({"LambdaLinear10PercentEvery1Minute"}));
  MustApply(d, StartEvent(kT0));
  for (int k = 1; k <= 8; ++k) {
    SCOPED_TRACE(k);
    EXPECT_THAT(d.Tick(kT0 + k * kMin - 1), IsOkAndHolds(false));
    EXPECT_THAT(d.Tick(kT0 + k * kMin), IsOkAndHolds(true));
    ExpectSplit(d.decision(), (k + 1) * 10 * kPct);
    EXPECT_THAT(d.decision().next_change_ms, Optional(kT0 + (k + 1) * kMin));
  }
  EXPECT_THAT(d.Tick(kT0 + 9 * kMin), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kSucceeded);
  ExpectOnTarget(d.decision());
}

TEST(DeploymentTest, OneLateTickCatchesUpAtTheScheduledTimes) {
  SpecOptions o{"LambdaLinear10PercentEvery1Minute"};
  o.after_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  // Nobody ticked for 30 minutes: the shift ended at minute 9, so the
  // AfterAllowTraffic hook began then and is due at minute 9 + 60.
  EXPECT_THAT(d.Tick(kT0 + 30 * kMin), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kAfter);
  ExpectOnTarget(d.decision());
  EXPECT_THAT(d.decision().next_change_ms, Optional(kT0 + 9 * kMin + kHour));
  EXPECT_EQ(d.ToProto().state_entered_ms(), kT0 + 9 * kMin);
}

TEST(DeploymentTest, BothHooksSucceed) {
  SpecOptions o;
  o.before_hook = o.after_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  Decision x = MustApply(d, StartEvent(kT0));
  EXPECT_EQ(x.state, kBefore);
  EXPECT_TRUE(x.state_changed);
  EXPECT_FALSE(x.routing_changed);  // No traffic before the hook passes.
  ExpectOnCurrent(x);
  EXPECT_THAT(x.next_change_ms, Optional(kT0 + kHour));

  // The shift starts when BeforeAllowTraffic reports success.
  x = MustApply(d, HookResultEvent(kT0 + 1000, kBeforeHook, true));
  EXPECT_EQ(x.state, kShifting);
  ExpectSplit(x, 10 * kPct);
  EXPECT_THAT(x.next_change_ms, Optional(kT0 + 1000 + 5 * kMin));

  EXPECT_THAT(d.Tick(kT0 + 1000 + 5 * kMin), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kAfter);
  ExpectOnTarget(d.decision());
  EXPECT_THAT(d.decision().next_change_ms,
              Optional(kT0 + 1000 + 5 * kMin + kHour));

  x = MustApply(d, HookResultEvent(kT0 + 400'000, kAfterHook, true));
  EXPECT_EQ(x.state, kSucceeded);
  EXPECT_TRUE(x.state_changed);
  EXPECT_FALSE(x.routing_changed);
  ExpectOnTarget(x);
  EXPECT_EQ(d.ToProto().started_ms(), kT0);
}

TEST(DeploymentTest, AllAtOnceEndsAtStart) {
  Deployment d = MustCreate(MakeSpec({"LambdaAllAtOnce"}));
  Decision x = MustApply(d, StartEvent(kT0));
  EXPECT_EQ(x.state, kSucceeded);
  ExpectOnTarget(x);

  SpecOptions o{"LambdaAllAtOnce"};
  o.after_hook = true;
  Deployment e = MustCreate(MakeSpec(o));
  x = MustApply(e, StartEvent(kT0));
  EXPECT_EQ(x.state, kAfter);
  ExpectOnTarget(x);
}

TEST(DeploymentTest, CustomHookTimeout) {
  SpecOptions o;
  o.before_hook = true;
  o.timeout_ms = 5000;
  Deployment d = MustCreate(MakeSpec(o));
  EXPECT_THAT(MustApply(d, StartEvent(kT0)).next_change_ms,
              Optional(kT0 + 5000));
  EXPECT_THAT(d.Tick(kT0 + 4999), IsOkAndHolds(false));
  EXPECT_THAT(d.Tick(kT0 + 5000), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kRolledBack);
  EXPECT_EQ(d.decision().error, v1::DEPLOYMENT_ERROR_TIMEOUT);
}

// ---- Step lists: pause and resume ---------------------------------------

v1::DeploymentSpec StepSpec() {
  v1::DeploymentSpec spec = MakeSpec();
  v1::TrafficRoutingConfig* c = spec.mutable_traffic_routing();
  c->Clear();
  v1::StepList* list = c->mutable_step_list();
  list->add_steps()->set_weight_ppb(20 * kPct);
  list->mutable_steps(0)->set_pause(true);
  list->add_steps()->set_weight_ppb(40 * kPct);
  list->mutable_steps(1)->set_hold_ms(10'000);
  list->add_steps()->set_weight_ppb(60 * kPct);
  list->mutable_steps(2)->set_pause(true);
  return spec;
}

TEST(DeploymentTest, PauseAndResume) {
  Deployment d = MustCreate(StepSpec());
  Decision x = MustApply(d, StartEvent(kT0));
  EXPECT_EQ(x.state, kPaused);
  ExpectSplit(x, 20 * kPct);
  EXPECT_EQ(x.next_change_ms, std::nullopt);
  EXPECT_THAT(d.Tick(kT0 + 100 * kHour), IsOkAndHolds(false));
  EXPECT_EQ(d.state(), kPaused);

  x = MustApply(d, ResumeEvent(kT0 + 100 * kHour));
  EXPECT_EQ(x.state, kShifting);
  ExpectSplit(x, 40 * kPct);
  EXPECT_THAT(x.next_change_ms, Optional(kT0 + 100 * kHour + 10'000));
  EXPECT_EQ(d.ToProto().segment(), 1);

  EXPECT_THAT(d.Tick(kT0 + 100 * kHour + 10'000), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kPaused);
  ExpectSplit(d.decision(), 60 * kPct);

  x = MustApply(d, ResumeEvent(kT0 + 101 * kHour));
  EXPECT_EQ(x.state, kSucceeded);
  ExpectOnTarget(x);
  EXPECT_EQ(d.ToProto().segment(), 2);
}

TEST(DeploymentTest, MaxWeightBelow100PercentEndsSplit) {
  v1::DeploymentSpec spec = MakeSpec();
  v1::TrafficRoutingConfig* c = spec.mutable_traffic_routing();
  c->Clear();
  c->mutable_step_list()->set_max_weight_ppb(50 * kPct);
  c->mutable_step_list()->add_steps()->set_weight_ppb(10 * kPct);
  c->mutable_step_list()->mutable_steps(0)->set_hold_ms(1000);
  Deployment d = MustCreate(spec);
  MustApply(d, StartEvent(kT0));
  EXPECT_THAT(d.Tick(kT0 + 1000), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kSucceeded);
  ExpectSplit(d.decision(), 50 * kPct);
}

// ---- Failure paths ------------------------------------------------------

TEST(FailureTest, BeforeHookFails) {
  SpecOptions o;
  o.before_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  Decision x = MustApply(d, HookResultEvent(kT0 + 5, kBeforeHook, false));
  EXPECT_EQ(x.state, kRolledBack);
  EXPECT_EQ(x.error, v1::DEPLOYMENT_ERROR_HOOK_EXECUTION_FAILURE);
  ExpectOnCurrent(x);
  EXPECT_THAT(d.ToProto().status_message(),
              HasSubstr("BeforeAllowTraffic hook \"CodeDeployHook_pre\" "
                        "reported Failed"));
}

TEST(FailureTest, BeforeHookTimesOutAndALateResultIsRefused) {
  SpecOptions o;
  o.before_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  const std::string before = d.ToProto().SerializeAsString();
  // At the deadline the timeout has fired: the result comes too late.
  EXPECT_THAT(d.Apply(HookResultEvent(kT0 + kHour, kBeforeHook, true)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("DEPLOYMENT_STATE_ROLLED_BACK")));
  EXPECT_EQ(d.ToProto().SerializeAsString(), before);  // Nothing changed.
  EXPECT_EQ(d.state(), kBefore);
  // One millisecond earlier it is accepted.
  Deployment e = MustCreate(MakeSpec(o));
  MustApply(e, StartEvent(kT0));
  EXPECT_EQ(MustApply(e, HookResultEvent(kT0 + kHour - 1, kBeforeHook, true))
                .state,
            kShifting);
  // A tick at the deadline rolls back.
  EXPECT_THAT(d.Tick(kT0 + kHour), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kRolledBack);
  EXPECT_EQ(d.decision().error, v1::DEPLOYMENT_ERROR_TIMEOUT);
  EXPECT_THAT(d.ToProto().status_message(), HasSubstr("did not report"));
}

TEST(FailureTest, AfterHookFailsAndRollsBackInOneStep) {
  SpecOptions o;
  o.after_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  ASSERT_THAT(d.Tick(kT0 + 5 * kMin), IsOkAndHolds(true));
  ASSERT_EQ(d.state(), kAfter);
  Decision x = MustApply(d, HookResultEvent(kT0 + 6 * kMin, kAfterHook, false));
  EXPECT_EQ(x.state, kRolledBack);
  EXPECT_EQ(x.error, v1::DEPLOYMENT_ERROR_HOOK_EXECUTION_FAILURE);
  EXPECT_TRUE(x.routing_changed);
  ExpectOnCurrent(x);  // From 100 % straight back to 0 %.
}

TEST(FailureTest, AfterHookTimesOut) {
  SpecOptions o;
  o.after_hook = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  EXPECT_THAT(d.Tick(kT0 + 5 * kMin + kHour), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kRolledBack);
  EXPECT_EQ(d.decision().error, v1::DEPLOYMENT_ERROR_TIMEOUT);
  ExpectOnCurrent(d.decision());
  EXPECT_EQ(d.ToProto().state_entered_ms(), kT0 + 5 * kMin + kHour);
}

TEST(FailureTest, AlarmRollsBackInEveryActiveState) {
  SpecOptions o;
  o.before_hook = o.after_hook = o.alarms = true;
  struct Case {
    State state;
    std::vector<v1::DeploymentEvent> setup;
  };
  const std::vector<Case> cases = {
      {kBefore, {StartEvent(kT0)}},
      {kShifting,
       {StartEvent(kT0), HookResultEvent(kT0 + 1, kBeforeHook, true)}},
      {kAfter,
       {StartEvent(kT0), HookResultEvent(kT0 + 1, kBeforeHook, true),
        TickEvent(kT0 + 1 + 5 * kMin)}},
  };
  for (const Case& c : cases) {
    Deployment d = MustCreate(MakeSpec(o));
    for (const auto& e : c.setup) MustApply(d, e);
    ASSERT_EQ(d.state(), c.state);
    Decision x = MustApply(d, AlarmEvent(kT0 + 6 * kMin, "latency"));
    EXPECT_EQ(x.state, kRolledBack);
    EXPECT_EQ(x.error, v1::DEPLOYMENT_ERROR_ALARM_ACTIVE);
    ExpectOnCurrent(x);
    EXPECT_THAT(d.ToProto().status_message(), HasSubstr("\"latency\""));
  }
  // Paused.
  v1::DeploymentSpec spec = StepSpec();
  spec.mutable_alarms()->set_enabled(true);
  Deployment d = MustCreate(spec);
  MustApply(d, StartEvent(kT0));
  ASSERT_EQ(d.state(), kPaused);
  EXPECT_EQ(MustApply(d, AlarmEvent(kT0 + 1, "anything")).state, kRolledBack);
}

TEST(FailureTest, StopInEveryActiveState) {
  SpecOptions o;
  o.before_hook = o.after_hook = true;
  const std::vector<std::vector<v1::DeploymentEvent>> setups = {
      {},
      {StartEvent(kT0)},
      {StartEvent(kT0), HookResultEvent(kT0 + 1, kBeforeHook, true)},
      {StartEvent(kT0), HookResultEvent(kT0 + 1, kBeforeHook, true),
       TickEvent(kT0 + 1 + 5 * kMin)},
  };
  for (const auto& setup : setups) {
    Deployment d = MustCreate(MakeSpec(o));
    for (const auto& e : setup) MustApply(d, e);
    Decision x = MustApply(d, StopEvent(kT0 + 6 * kMin));
    EXPECT_EQ(x.state, kStopped);
    EXPECT_EQ(x.error, v1::DEPLOYMENT_ERROR_MANUAL_STOP);
    ExpectOnCurrent(x);
  }
  Deployment d = MustCreate(StepSpec());
  MustApply(d, StartEvent(kT0));
  ASSERT_EQ(d.state(), kPaused);
  EXPECT_EQ(MustApply(d, StopEvent(kT0 + 1)).state, kStopped);
}

// ---- Illegal events --------------------------------------------------------

// Applies `e` expecting `code` + `fragment`, and checks nothing changed.
void ExpectRefused(Deployment& d, const v1::DeploymentEvent& e,
                   absl::StatusCode code, const std::string& fragment) {
  const std::string before = d.ToProto().SerializeAsString();
  const Decision decision_before = d.decision();
  EXPECT_THAT(d.Apply(e), StatusIs(code, HasSubstr(fragment)))
      << e.ShortDebugString();
  EXPECT_EQ(d.ToProto().SerializeAsString(), before);
  EXPECT_EQ(d.decision().state, decision_before.state);
  EXPECT_EQ(d.decision().target_weight_ppb, decision_before.target_weight_ppb);
}

TEST(IllegalEventTest, WrongEventForTheState) {
  const auto fp = absl::StatusCode::kFailedPrecondition;
  SpecOptions o;
  o.before_hook = o.after_hook = o.alarms = true;
  Deployment d = MustCreate(MakeSpec(o));
  // CREATED.
  ExpectRefused(d, AlarmEvent(kT0, "errors"), fp,
                "event alarm is not allowed in state DEPLOYMENT_STATE_CREATED");
  ExpectRefused(d, ResumeEvent(kT0), fp,
                "event resume is not allowed in state DEPLOYMENT_STATE_CREATED");
  ExpectRefused(d, HookResultEvent(kT0, kBeforeHook, true), fp,
                "hook_result for BeforeAllowTraffic is not allowed in state "
                "DEPLOYMENT_STATE_CREATED");
  // BEFORE_ALLOW_TRAFFIC.
  MustApply(d, StartEvent(kT0));
  ExpectRefused(d, StartEvent(kT0), fp,
                "event start is not allowed in state "
                "DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC");
  ExpectRefused(d, HookResultEvent(kT0, kAfterHook, true), fp,
                "hook_result for AfterAllowTraffic is not allowed");
  ExpectRefused(d, ResumeEvent(kT0), fp, "event resume is not allowed");
  // SHIFTING.
  MustApply(d, HookResultEvent(kT0 + 1, kBeforeHook, true));
  ExpectRefused(d, HookResultEvent(kT0 + 2, kBeforeHook, true), fp,
                "DEPLOYMENT_STATE_SHIFTING");
  ExpectRefused(d, HookResultEvent(kT0 + 2, kAfterHook, false), fp,
                "DEPLOYMENT_STATE_SHIFTING");
  ExpectRefused(d, ResumeEvent(kT0 + 2), fp,
                "event resume is not allowed in state "
                "DEPLOYMENT_STATE_SHIFTING");
  ExpectRefused(d, StartEvent(kT0 + 2), fp, "event start");
  // AFTER_ALLOW_TRAFFIC.
  ASSERT_THAT(d.Tick(kT0 + 1 + 5 * kMin), IsOkAndHolds(true));
  ExpectRefused(d, HookResultEvent(kT0 + 1 + 5 * kMin, kBeforeHook, true), fp,
                "DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC");
  // Terminal: only ticks.
  MustApply(d, HookResultEvent(kT0 + 6 * kMin, kAfterHook, true));
  ASSERT_EQ(d.state(), kSucceeded);
  for (const auto& e :
       {StartEvent(kT0 + 7 * kMin), StopEvent(kT0 + 7 * kMin),
        AlarmEvent(kT0 + 7 * kMin, "errors"), ResumeEvent(kT0 + 7 * kMin),
        HookResultEvent(kT0 + 7 * kMin, kAfterHook, true)}) {
    ExpectRefused(d, e, fp, "DEPLOYMENT_STATE_SUCCEEDED");
  }
  EXPECT_OK(d.Apply(TickEvent(kT0 + 7 * kMin)).status());
}

TEST(IllegalEventTest, AlarmsDisabledOrUnknown) {
  Deployment d = MustCreate(MakeSpec());
  MustApply(d, StartEvent(kT0));
  ExpectRefused(d, AlarmEvent(kT0, "errors"),
                absl::StatusCode::kFailedPrecondition,
                "alarms.enabled is false");
  SpecOptions o;
  o.alarms = true;
  Deployment e = MustCreate(MakeSpec(o));
  MustApply(e, StartEvent(kT0));
  ExpectRefused(e, AlarmEvent(kT0, "cpu"), absl::StatusCode::kInvalidArgument,
                "alarm.alarm_name \"cpu\" is not among");
  ExpectRefused(e, AlarmEvent(kT0, ""), absl::StatusCode::kInvalidArgument,
                "alarm_name must not be empty");
}

TEST(IllegalEventTest, BadTimesAndKinds) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  Deployment d = MustCreate(MakeSpec());
  ExpectRefused(d, StartEvent(-1), invalid, "time_ms must be in 0..");
  ExpectRefused(d, StartEvent(kMaxEventTimeMs + 1), invalid,
                "time_ms must be in 0..");
  MustApply(d, StartEvent(kT0));
  ExpectRefused(d, TickEvent(kT0 - 1), invalid, "time went backwards");
  v1::DeploymentEvent unset;
  unset.set_time_ms(kT0);
  ExpectRefused(d, unset, invalid, "event kind must be set");
  ExpectRefused(d,
                HookResultEvent(kT0, v1::LIFECYCLE_HOOK_UNSPECIFIED, true),
                invalid, "hook_result.hook must be");
  EXPECT_THAT(d.Tick(kT0 - 1),
              StatusIs(invalid, HasSubstr("time went backwards")));
  EXPECT_THAT(d.Tick(-5), StatusIs(invalid, HasSubstr("time_ms")));
  // A no-op tick still moves the clock forward for this object.
  EXPECT_THAT(d.Tick(kT0 + 1000), IsOkAndHolds(false));
  EXPECT_THAT(d.Tick(kT0 + 999),
              StatusIs(invalid, HasSubstr("time went backwards")));
  // Max time is accepted.
  EXPECT_THAT(d.Tick(kMaxEventTimeMs), IsOkAndHolds(true));
  EXPECT_EQ(d.state(), kSucceeded);
}

TEST(IllegalEventTest, AlarmAtTheEndOfTheShiftComesAfterIt) {
  SpecOptions o;
  o.alarms = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  // The shift ends at kT0 + 5 min, before the alarm at the same time is
  // applied: the deployment has already succeeded.
  ExpectRefused(d, AlarmEvent(kT0 + 5 * kMin, "errors"),
                absl::StatusCode::kFailedPrecondition,
                "DEPLOYMENT_STATE_SUCCEEDED");
  EXPECT_EQ(MustApply(d, AlarmEvent(kT0 + 5 * kMin - 1, "errors")).state,
            kRolledBack);
}

// ---- Log and record -----------------------------------------------------

TEST(LogTest, OnlyTicksThatChangeSomethingAreLogged) {
  Deployment d = MustCreate(MakeSpec({"LambdaLinear10PercentEvery1Minute"}));
  MustApply(d, StartEvent(kT0));
  EXPECT_EQ(d.events().size(), 1u);
  for (int i = 1; i < 60; ++i) ASSERT_OK(d.Tick(kT0 + i * 1000).status());
  EXPECT_EQ(d.events().size(), 1u);
  MustApply(d, TickEvent(kT0 + 59'999));
  EXPECT_EQ(d.events().size(), 1u);
  ASSERT_THAT(d.Tick(kT0 + kMin), IsOkAndHolds(true));
  EXPECT_EQ(d.events().size(), 2u);
  EXPECT_EQ(d.events()[1].time_ms(), kT0 + kMin);
  EXPECT_TRUE(d.events()[1].has_tick());
}

TEST(LogTest, ToProtoCarriesTheDerivedFields) {
  SpecOptions o;
  o.alarms = true;
  Deployment d = MustCreate(MakeSpec(o));
  MustApply(d, StartEvent(kT0));
  MustApply(d, AlarmEvent(kT0 + 10, "errors"));
  v1::Deployment p = d.ToProto();
  EXPECT_EQ(p.spec().deployment_id(), "d-1");
  EXPECT_EQ(p.events_size(), 2);
  EXPECT_EQ(p.state(), kRolledBack);
  EXPECT_EQ(p.error(), v1::DEPLOYMENT_ERROR_ALARM_ACTIVE);
  EXPECT_EQ(p.primary_version(), "1");
  EXPECT_EQ(p.routing_config().additional_version_weights_size(), 0);
  EXPECT_EQ(p.target_weight_ppb(), 0u);
  EXPECT_EQ(p.next_change_ms(), 0);
  EXPECT_EQ(p.started_ms(), kT0);
  EXPECT_EQ(p.state_entered_ms(), kT0 + 10);
  EXPECT_THAT(p.status_message(), HasSubstr("alarm \"errors\" fired"));

  ASSERT_OK_AND_ASSIGN(Deployment back, Deployment::FromProto(p));
  EXPECT_EQ(back.ToProto().SerializeAsString(), p.SerializeAsString());

  v1::Deployment tampered = p;
  tampered.set_state(kSucceeded);
  EXPECT_THAT(Deployment::FromProto(tampered),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not match the state its event log "
                                 "replays to")));
  tampered = p;
  tampered.mutable_events(1)->set_time_ms(kT0 - 1);
  EXPECT_THAT(Deployment::FromProto(tampered),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("event 1: event time_ms")));
}

// ---- Checks against the function --------------------------------------------

v1::Function MakeFunction() {
  v1::Function f;
  f.set_name("orders");
  f.add_versions()->set_version("1");
  f.add_versions()->set_version("2");
  v1::Alias* a = f.add_aliases();
  a->set_name("live");
  a->set_function_version("1");
  return f;
}

TEST(FunctionCheckTest, AcceptsAPlainAlias) {
  EXPECT_OK(CheckDeploymentAgainstFunction(MakeSpec(), MakeFunction()));
}

TEST(FunctionCheckTest, RefusesWhatCodeDeployRefuses) {
  v1::DeploymentSpec spec = MakeSpec();
  v1::Function f = MakeFunction();
  f.mutable_aliases(0)->set_name("other");
  EXPECT_THAT(CheckDeploymentAgainstFunction(spec, f),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("alias \"live\" of function \"orders\" does "
                                 "not exist")));

  f = MakeFunction();
  f.mutable_aliases(0)->set_function_version("2");
  EXPECT_THAT(CheckDeploymentAgainstFunction(spec, f),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("points at version \"2\", not "
                                 "current_version \"1\"")));

  f = MakeFunction();
  f.add_versions()->set_version("3");
  v1::VersionWeight* w = f.mutable_aliases(0)
                             ->mutable_routing_config()
                             ->add_additional_version_weights();
  w->set_version("3");
  w->set_weight_ppb(5 * kPct);
  EXPECT_THAT(CheckDeploymentAgainstFunction(spec, f),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already routes 5% to version \"3\"")));
  w->set_weight_ppb(0);  // A zero weight routes nothing: accepted.
  EXPECT_OK(CheckDeploymentAgainstFunction(spec, f));

  f = MakeFunction();
  f.mutable_versions()->RemoveLast();
  EXPECT_THAT(CheckDeploymentAgainstFunction(spec, f),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("target_version \"2\" of function \"orders\" "
                                 "is not a published version")));

  f = MakeFunction();
  f.set_name("payments");
  EXPECT_THAT(CheckDeploymentAgainstFunction(spec, f),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not match the function given")));
}

// ---- DeploymentSet -------------------------------------------------------

TEST(DeploymentSetTest, OneActiveDeploymentPerAlias) {
  DeploymentSet set;
  ASSERT_OK_AND_ASSIGN(Deployment * d, set.Create(MakeSpec()));
  EXPECT_EQ(set.Find("d-1"), d);
  EXPECT_EQ(set.FindActive("orders", "live"), d);
  EXPECT_EQ(set.FindActive("orders", "beta"), nullptr);

  v1::DeploymentSpec second = MakeSpec();
  second.set_deployment_id("d-2");
  EXPECT_THAT(set.Create(second),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already has an active deployment \"d-1\"")));
  EXPECT_THAT(set.Create(MakeSpec()),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("deployment_id \"d-1\" already exists")));
  // Another alias of the same function is independent.
  v1::DeploymentSpec beta = second;
  beta.set_alias_name("beta");
  ASSERT_OK(set.Create(beta).status());
  EXPECT_EQ(set.size(), 2u);

  EXPECT_THAT(set.Remove("d-1"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is active")));
  EXPECT_THAT(set.Remove("nope"), StatusIs(absl::StatusCode::kNotFound,
                                           HasSubstr("\"nope\"")));
  // Once d-1 ends, a new deployment of the alias is allowed.
  MustApply(*d, StopEvent(kT0));
  EXPECT_EQ(set.FindActive("orders", "live"), nullptr);
  v1::DeploymentSpec third = MakeSpec();
  third.set_deployment_id("d-3");
  ASSERT_OK(set.Create(third).status());
  ASSERT_OK(set.Remove("d-1"));
  EXPECT_EQ(set.Find("d-1"), nullptr);
  EXPECT_EQ(set.size(), 2u);
  // Bad specs are refused before any rule.
  v1::DeploymentSpec bad = MakeSpec();
  bad.set_deployment_id("d-4");
  bad.set_target_version("1");
  EXPECT_THAT(set.Create(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("must differ")));
}

}  // namespace
}  // namespace aliasroute
