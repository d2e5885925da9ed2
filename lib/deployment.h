// deployment.h: one CodeDeploy-style traffic shift of a Lambda alias, as a
// deterministic state machine. Events in (with the time they happened),
// decisions out (the alias routing that must be in force now, and when it
// next changes). No clock, no threads, no I/O: the state is a pure function
// of the spec, the accepted events and the time, so a deployment's event log
// replays to the same states and decisions, bit for bit, in any process.
//
// Lifecycle (states are v1::DeploymentState):
//
//   CREATED --Start--> BEFORE_ALLOW_TRAFFIC --hook ok--> SHIFTING
//                      (skipped without a BeforeAllowTraffic hook)
//   SHIFTING --schedule reaches a pause--> PAUSED --Resume--> SHIFTING
//   SHIFTING --schedule reaches its final weight--> AFTER_ALLOW_TRAFFIC
//                      (skipped without an AfterAllowTraffic hook)
//   AFTER_ALLOW_TRAFFIC --hook ok--> SUCCEEDED
//   BEFORE/SHIFTING/PAUSED/AFTER --alarm, hook failed, hook timed out-->
//       ROLLED_BACK (all traffic back on the current version in one step)
//   CREATED/BEFORE/SHIFTING/PAUSED/AFTER --Stop--> STOPPED (same rollback)
//
// Time. Scheduled transitions (the schedule's weight changes, the end of the
// shift, a hook's timeout) happen at their scheduled time, not at the time a
// caller happens to observe them: Apply(event at t) first performs every
// transition due at or before t, in order, and then applies the event. So
// two instances that tick at different rates agree on every state at every
// time. Hook timers start when the hook phase begins (at its scheduled time).
// A hook result that arrives at or after its deadline finds the deployment
// already ROLLED_BACK (TIMEOUT) and is refused.
//
// Routing in a decision (CodeDeploy's alias updates, see deployment.cc):
//   - before traffic is allowed, and after a rollback or stop: primary =
//     current version, no additional weights;
//   - while shifting at weight w (0 < w < 100 %): primary = current
//     version, additional = {target: w};
//   - once the target has 100 %: primary = target version, no additional
//     weights. (A step list whose max_weight_ppb is below 100 % ends with
//     primary = current, additional = {target: max}.)
//
// Example:
//   v1::DeploymentSpec spec;  // function "f", alias "live", 1 -> 2
//   ... spec.mutable_traffic_routing()->set_name(
//           "LambdaCanary10Percent5Minutes");
//   absl::StatusOr<Deployment> d = Deployment::Create(spec);
//   absl::StatusOr<Decision> x = d->Apply(StartEvent(t0));
//   // x->state == SHIFTING, routing {primary "1", {"2": 10%}},
//   // x->next_change_ms == t0 + 300'000.
//   absl::StatusOr<bool> changed = d->Tick(t0 + 300'000);  // true
//   // d->decision().state == SUCCEEDED, primary "2", no weights.
//
// Deployment and DeploymentSet are thread-compatible: const methods may be
// called concurrently; anything else needs external synchronization.

#ifndef ALIASROUTE_LIB_DEPLOYMENT_H_
#define ALIASROUTE_LIB_DEPLOYMENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lib/schedule.h"
#include "proto/deployment.pb.h"
#include "proto/registry.pb.h"

namespace aliasroute {

// Event times must lie in [0, kMaxEventTimeMs] (ms since the epoch; 2^53, far
// beyond any real clock), so time + any schedule offset or hook timeout fits
// in int64.
inline constexpr int64_t kMaxEventTimeMs = int64_t{1} << 53;

// CodeDeploy: "The deployment is considered to have failed if CodeDeploy is
// not notified by the Lambda validation function within one hour." Default and
// maximum hook timeout.
inline constexpr int64_t kDefaultHookTimeoutMs = 3'600'000;

// CodeDeploy: at most 10 alarms per deployment group.
inline constexpr int kMaxAlarms = 10;

// What must be in force after an Apply / Tick.
struct Decision {
  v1::DeploymentState state = v1::DEPLOYMENT_STATE_CREATED;
  v1::DeploymentError error = v1::DEPLOYMENT_ERROR_NONE;
  // The alias's primary version and routing config that must be in force.
  std::string primary_version;
  v1::RoutingConfig routing_config;
  // Weight of the target version, ppb (the same information as the two
  // fields above, as a number).
  uint32_t target_weight_ppb = 0;
  // True when primary_version or routing_config differ from the decision
  // before this call: the caller must update the alias.
  bool routing_changed = false;
  // True when state differs from the state before this call.
  bool state_changed = false;
  // Absolute time (ms since the epoch) of the next scheduled change: a
  // weight change, the end of the shift, or a hook deadline. nullopt when
  // nothing is scheduled (terminal, paused, or waiting for Start). A caller
  // may sleep until then; Tick earlier changes nothing.
  std::optional<int64_t> next_change_ms;
};

// Event builders: each returns a DeploymentEvent of that kind at `time_ms`.
v1::DeploymentEvent StartEvent(int64_t time_ms);
v1::DeploymentEvent TickEvent(int64_t time_ms);
v1::DeploymentEvent HookResultEvent(int64_t time_ms, v1::LifecycleHook hook,
                                    bool succeeded);
v1::DeploymentEvent AlarmEvent(int64_t time_ms, absl::string_view alarm_name);
v1::DeploymentEvent StopEvent(int64_t time_ms);
v1::DeploymentEvent ResumeEvent(int64_t time_ms);

// Checks a spec on its own. kInvalidArgument naming the field for: empty
// deployment_id; function_name not 1-64 of [a-zA-Z0-9-_]; alias_name not
// 1-128 of [a-zA-Z0-9-_] or all digits; current_version / target_version not
// a published version number (digits, no leading zero, >= 1); target equal to
// current; a bad traffic_routing (see Schedule::Create; kNotFound for an
// unknown predefined name); hooks.timeout_ms < 0 or over
// kDefaultHookTimeoutMs; more than kMaxAlarms alarms or an empty alarm name.
[[nodiscard]] absl::Status ValidateDeploymentSpec(
    const v1::DeploymentSpec& spec);

// Checks a spec against the function it deploys (a registry's view of it),
// the checks CodeDeploy makes when a Lambda deployment starts:
//   - kNotFound: no alias spec.alias_name; target_version not published;
//   - kFailedPrecondition: the alias's primary is not spec.current_version
//     (CodeDeploy: INVALID_LAMBDA_CONFIGURATION, "The Lambda function alias
//     version does not match the current version in AppSpec file");
//   - kFailedPrecondition: the alias already routes weight to another version
//     (CodeDeploy fails such deployments; see deployment.cc for the source).
[[nodiscard]] absl::Status CheckDeploymentAgainstFunction(
    const v1::DeploymentSpec& spec, const v1::Function& function);

class Deployment {
 public:
  // A deployment in state CREATED, routing primary = current version.
  // Errors: those of ValidateDeploymentSpec.
  [[nodiscard]] static absl::StatusOr<Deployment> Create(
      const v1::DeploymentSpec& spec);

  // Create(spec), then Apply(e) for each event in order. The result is
  // identical (ToProto, decision()) to the deployment that accepted those
  // events live. Every given event is kept in the log, also ticks that change
  // nothing, so the replayed log equals `events`. Errors: Create's; or the
  // first refused event's error, with its index prefixed ("event 3: ...").
  // Cost: O(events + schedule entries crossed).
  [[nodiscard]] static absl::StatusOr<Deployment> Replay(
      const v1::DeploymentSpec& spec,
      absl::Span<const v1::DeploymentEvent> events);

  // Replays proto.spec + proto.events and checks that the stored derived
  // fields (state, error, routing, weights, times, message) equal the
  // replayed ones. kInvalidArgument when they differ (a corrupt or edited
  // record), otherwise Replay's errors.
  [[nodiscard]] static absl::StatusOr<Deployment> FromProto(
      const v1::Deployment& proto);

  // Intentionally copyable (a value: spec, schedule, log and small state).
  Deployment(const Deployment&) = default;
  Deployment& operator=(const Deployment&) = default;
  Deployment(Deployment&&) = default;
  Deployment& operator=(Deployment&&) = default;

  // Applies one event at event.time_ms (see "Time" above), appends it to the
  // log and returns the decision now in force. A failed Apply changes
  // nothing and logs nothing. Errors:
  //   - kInvalidArgument: time_ms outside [0, kMaxEventTimeMs]; time_ms
  //     before the previous event or Tick ("time went backwards"); kind
  //     unset; hook_result with an unspecified hook; alarm name empty or not
  //     among spec.alarms.alarms (when that list is non-empty);
  //   - kFailedPrecondition naming the state and the event: Start when not
  //     CREATED; hook_result for a hook whose phase is not current; alarm
  //     while CREATED or when alarms are disabled; resume when not PAUSED;
  //     anything but tick in a terminal state.
  // Tick events are logged only when they change the state, the routing or
  // the next change time; a no-op tick still advances the time-went-backwards
  // watermark of this object (not part of the record).
  [[nodiscard]] absl::StatusOr<Decision> Apply(const v1::DeploymentEvent& event);

  // Apply(TickEvent(now_ms)) without building a Decision: returns whether the
  // state or routing changed; read decision() for the details. When nothing
  // is due (now_ms before next_change_ms) it is a compare and a store, no
  // allocation. Errors: as Apply for the time checks.
  [[nodiscard]] absl::StatusOr<bool> Tick(int64_t now_ms);

  // The decision in force after the last accepted call (routing_changed and
  // state_changed describe that call). The reference is valid until the next
  // non-const call.
  const Decision& decision() const { return state_.decision; }
  v1::DeploymentState state() const { return state_.decision.state; }
  bool is_terminal() const;
  // Active: started or not, not yet in a terminal state.
  bool is_active() const { return !is_terminal(); }

  const v1::DeploymentSpec& spec() const { return spec_; }
  const Schedule& schedule() const { return schedule_; }
  const std::vector<v1::DeploymentEvent>& events() const { return events_; }

  // The record: spec, log and derived fields. Deterministic: equal for a
  // live deployment and its replay.
  v1::Deployment ToProto() const;

 private:
  // Everything Apply may change besides the log; copied, changed and
  // committed as a whole so that a failed Apply changes nothing.
  struct State {
    Decision decision;
    int64_t started_ms = 0;        // Time of the Start event; 0 before it.
    int64_t state_entered_ms = 0;  // When decision.state began.
    int32_t segment = 0;           // Schedule segment while shifting/paused.
    int64_t segment_start_ms = 0;  // When that segment began.
    int64_t due_ms = INT64_MAX;    // Next scheduled transition; MAX = none.
    int64_t last_time_ms = 0;      // Latest event or Tick time accepted.
    std::string status_message;
  };

  Deployment(v1::DeploymentSpec spec, Schedule schedule);

  // The transitions (deployment.cc). Each works on `s`, a copy of state_.
  void AdvanceTo(State& s, int64_t t_ms) const;
  absl::Status HandleEvent(State& s, const v1::DeploymentEvent& e) const;
  void EnterShifting(State& s, int64_t t_ms, int32_t segment) const;
  void EndShift(State& s, int64_t t_ms) const;
  void EnterHook(State& s, v1::DeploymentState hook_state, int64_t t_ms) const;
  void Finish(State& s, v1::DeploymentState state, v1::DeploymentError error,
              int64_t t_ms, std::string message) const;
  void SetTargetWeight(State& s, uint32_t weight_ppb) const;
  void ComputeShiftDue(State& s, int64_t t_ms) const;
  absl::StatusOr<bool> ApplyInternal(const v1::DeploymentEvent& event);

  v1::DeploymentSpec spec_;
  Schedule schedule_;
  int64_t hook_timeout_ms_ = kDefaultHookTimeoutMs;
  std::vector<v1::DeploymentEvent> events_;
  State state_;
};

// Deployments keyed by id, with CodeDeploy's rule that an alias has at most
// one active deployment. Thread-compatible.
class DeploymentSet {
 public:
  DeploymentSet() = default;
  // Not copyable: holds deployments that callers reference by pointer.
  DeploymentSet(const DeploymentSet&) = delete;
  DeploymentSet& operator=(const DeploymentSet&) = delete;
  DeploymentSet(DeploymentSet&&) = default;
  DeploymentSet& operator=(DeploymentSet&&) = default;

  // Creates a deployment for `spec` and returns it (owned by the set; the
  // pointer stays valid until Remove or the set's destruction). Errors:
  // ValidateDeploymentSpec's; kAlreadyExists when spec.deployment_id is taken;
  // kFailedPrecondition (ResourceConflict) naming the other deployment when
  // (function, alias) already has an active one.
  [[nodiscard]] absl::StatusOr<Deployment*> Create(
      const v1::DeploymentSpec& spec);

  // The deployment with this id, or nullptr.
  Deployment* Find(absl::string_view deployment_id);
  const Deployment* Find(absl::string_view deployment_id) const;

  // The active deployment of (function, alias), or nullptr.
  Deployment* FindActive(absl::string_view function_name,
                         absl::string_view alias_name);

  // Removes a terminal deployment. kNotFound for an unknown id;
  // kFailedPrecondition while it is active.
  [[nodiscard]] absl::Status Remove(absl::string_view deployment_id);

  size_t size() const { return by_id_.size(); }

 private:
  std::map<std::string, std::unique_ptr<Deployment>, std::less<>> by_id_;
};

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_DEPLOYMENT_H_
