#include "lib/deployment.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "lib/errors.h"
#include "lib/weights.h"

namespace aliasroute {
namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

bool IsTerminalState(v1::DeploymentState s) {
  return s == v1::DEPLOYMENT_STATE_SUCCEEDED ||
         s == v1::DEPLOYMENT_STATE_ROLLED_BACK ||
         s == v1::DEPLOYMENT_STATE_STOPPED;
}

std::string StateName(v1::DeploymentState s) {
  return v1::DeploymentState_Name(s);
}

absl::string_view EventName(const v1::DeploymentEvent& e) {
  switch (e.kind_case()) {
    case v1::DeploymentEvent::kStart:
      return "start";
    case v1::DeploymentEvent::kTick:
      return "tick";
    case v1::DeploymentEvent::kHookResult:
      return "hook_result";
    case v1::DeploymentEvent::kAlarm:
      return "alarm";
    case v1::DeploymentEvent::kStop:
      return "stop";
    case v1::DeploymentEvent::kResume:
      return "resume";
    default:
      return "unset";
  }
}

absl::string_view HookName(v1::LifecycleHook h) {
  switch (h) {
    case v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC:
      return "BeforeAllowTraffic";
    case v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC:
      return "AfterAllowTraffic";
    default:
      return "unspecified";
  }
}

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

bool AllNameChars(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), IsNameChar);
}

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

absl::Status CheckVersion(absl::string_view v, absl::string_view field) {
  // AppSpec: currentversion / targetversion "must be a valid positive
  // integer"; Lambda reports version numbers without leading zeros.
  if (v.empty() || v.size() > 20 || !AllDigits(v) || v[0] == '0') {
    return InvalidParameterValue(absl::StrCat(
        field, " must be a published version number (digits, no leading "
        "zero, at least 1), got \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::Status Prefix(const absl::Status& s, absl::string_view prefix) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(prefix, s.message()));
}

}  // namespace

// ---------------------------------------------------------------------------
// Event builders.

v1::DeploymentEvent StartEvent(int64_t time_ms) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_start();
  return e;
}
v1::DeploymentEvent TickEvent(int64_t time_ms) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_tick();
  return e;
}
v1::DeploymentEvent HookResultEvent(int64_t time_ms, v1::LifecycleHook hook,
                                    bool succeeded) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_hook_result()->set_hook(hook);
  e.mutable_hook_result()->set_succeeded(succeeded);
  return e;
}
v1::DeploymentEvent AlarmEvent(int64_t time_ms, absl::string_view alarm_name) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_alarm()->set_alarm_name(std::string(alarm_name));
  return e;
}
v1::DeploymentEvent StopEvent(int64_t time_ms) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_stop();
  return e;
}
v1::DeploymentEvent ResumeEvent(int64_t time_ms) {
  v1::DeploymentEvent e;
  e.set_time_ms(time_ms);
  e.mutable_resume();
  return e;
}

// ---------------------------------------------------------------------------
// Validation.

absl::Status ValidateDeploymentSpec(const v1::DeploymentSpec& spec) {
  if (spec.deployment_id().empty()) {
    return InvalidParameterValue("deployment_id must not be empty");
  }
  const std::string& fn = spec.function_name();
  if (fn.empty() || fn.size() > 64 || !AllNameChars(fn)) {
    return InvalidParameterValue(absl::StrCat(
        "function_name must be 1-64 characters of [a-zA-Z0-9-_], got \"", fn,
        "\""));
  }
  const std::string& alias = spec.alias_name();
  if (alias.empty() || alias.size() > 128 || !AllNameChars(alias)) {
    return InvalidParameterValue(absl::StrCat(
        "alias_name must be 1-128 characters of [a-zA-Z0-9-_], got \"", alias,
        "\""));
  }
  if (AllDigits(alias)) {
    return InvalidParameterValue(absl::StrCat(
        "alias_name must not be all digits, got \"", alias, "\""));
  }
  absl::Status st = CheckVersion(spec.current_version(), "current_version");
  if (!st.ok()) return st;
  st = CheckVersion(spec.target_version(), "target_version");
  if (!st.ok()) return st;
  if (spec.current_version() == spec.target_version()) {
    return InvalidParameterValue(absl::StrCat(
        "target_version must differ from current_version, both are \"",
        spec.target_version(), "\""));
  }
  st = Prefix(ValidateTrafficRoutingConfig(spec.traffic_routing()),
              "traffic_routing.");
  if (!st.ok()) return st;
  const int64_t timeout = spec.hooks().timeout_ms();
  if (timeout < 0 || timeout > kDefaultHookTimeoutMs) {
    return InvalidParameterValue(absl::StrCat(
        "hooks.timeout_ms must be in 0..", kDefaultHookTimeoutMs,
        " (0 = CodeDeploy's one hour, which is also its maximum), got ",
        timeout));
  }
  if (spec.alarms().alarms_size() > kMaxAlarms) {
    return InvalidParameterValue(absl::StrCat(
        "alarms.alarms must have at most ", kMaxAlarms,
        " alarms (CodeDeploy's limit), got ", spec.alarms().alarms_size()));
  }
  for (int i = 0; i < spec.alarms().alarms_size(); ++i) {
    if (spec.alarms().alarms(i).empty()) {
      return InvalidParameterValue(
          absl::StrCat("alarms.alarms[", i, "] must not be empty"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDeploymentAgainstFunction(const v1::DeploymentSpec& spec,
                                            const v1::Function& function) {
  if (function.name() != spec.function_name()) {
    return InvalidParameterValue(absl::StrCat(
        "function_name \"", spec.function_name(),
        "\" does not match the function given, \"", function.name(), "\""));
  }
  const v1::Alias* alias = nullptr;
  for (const v1::Alias& a : function.aliases()) {
    if (a.name() == spec.alias_name()) alias = &a;
  }
  if (alias == nullptr) {
    return ResourceNotFound(absl::StrCat("alias \"", spec.alias_name(),
                                         "\" of function \"", function.name(),
                                         "\" does not exist"));
  }
  // CodeDeploy refuses a Lambda deployment whose AppSpec current version is
  // not the alias's version: "The Lambda function alias version does not
  // match the current version in AppSpec file. (Error code:
  // INVALID_LAMBDA_CONFIGURATION)" (as reported in
  // github.com/aws/serverless-application-model/issues/291).
  if (alias->function_version() != spec.current_version()) {
    return ResourceInUse(absl::StrCat(
        "alias \"", alias->name(), "\" points at version \"",
        alias->function_version(), "\", not current_version \"",
        spec.current_version(), "\""));
  }
  // An alias that already splits traffic is refused, as CodeDeploy does. The
  // CodeDeploy User Guide, "Troubleshoot AWS Lambda deployment issues": "the
  // alias of a Lambda function specified in a deployment might reference two
  // different versions of the function. The result is that subsequent
  // attempts to deploy the Lambda function fail." Its remedy is to set the
  // alias's weighted alias to none first.
  for (const v1::VersionWeight& w :
       alias->routing_config().additional_version_weights()) {
    if (w.weight_ppb() > 0) {
      return ResourceInUse(absl::StrCat(
          "alias \"", alias->name(), "\" already routes ",
          FormatWeight(w.weight_ppb()), " to version \"", w.version(),
          "\"; clear its routing_config before deploying (CodeDeploy fails "
          "deployments of an alias that references two versions)"));
    }
  }
  bool published = false;
  for (const v1::FunctionVersion& v : function.versions()) {
    if (v.version() == spec.target_version()) published = true;
  }
  if (!published) {
    return ResourceNotFound(absl::StrCat(
        "target_version \"", spec.target_version(), "\" of function \"",
        function.name(), "\" is not a published version"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Deployment.

Deployment::Deployment(v1::DeploymentSpec spec, Schedule schedule)
    : spec_(std::move(spec)), schedule_(std::move(schedule)) {
  if (spec_.hooks().timeout_ms() > 0) {
    hook_timeout_ms_ = spec_.hooks().timeout_ms();
  }
  state_.decision.state = v1::DEPLOYMENT_STATE_CREATED;
  state_.decision.primary_version = spec_.current_version();
}

absl::StatusOr<Deployment> Deployment::Create(const v1::DeploymentSpec& spec) {
  absl::Status st = ValidateDeploymentSpec(spec);
  if (!st.ok()) return st;
  absl::StatusOr<Schedule> schedule = Schedule::Create(spec.traffic_routing());
  if (!schedule.ok()) return Prefix(schedule.status(), "traffic_routing.");
  v1::DeploymentSpec copy = spec;
  // Keep the resolved config (predefined kind filled in) in the record.
  *copy.mutable_traffic_routing() = schedule->config();
  return Deployment(std::move(copy), *std::move(schedule));
}

absl::StatusOr<Deployment> Deployment::Replay(
    const v1::DeploymentSpec& spec,
    absl::Span<const v1::DeploymentEvent> events) {
  absl::StatusOr<Deployment> d = Create(spec);
  if (!d.ok()) return d.status();
  for (size_t i = 0; i < events.size(); ++i) {
    absl::StatusOr<bool> r = d->ApplyInternal(events[i]);
    if (!r.ok()) return Prefix(r.status(), absl::StrCat("event ", i, ": "));
    // Keep every event of the given log, also ticks that changed nothing,
    // so that the replayed log equals the given one.
    if (d->events_.size() != i + 1) d->events_.push_back(events[i]);
  }
  return d;
}

absl::StatusOr<Deployment> Deployment::FromProto(const v1::Deployment& proto) {
  const std::vector<v1::DeploymentEvent> events(proto.events().begin(),
                                                proto.events().end());
  absl::StatusOr<Deployment> d = Replay(proto.spec(), events);
  if (!d.ok()) return d.status();
  v1::Deployment replayed = d->ToProto();
  if (!google::protobuf::util::MessageDifferencer::Equals(replayed, proto)) {
    return InvalidParameterValue(absl::StrCat(
        "deployment \"", proto.spec().deployment_id(),
        "\": the stored state (", StateName(proto.state()),
        ") does not match the state its event log replays to (",
        StateName(replayed.state()), ", or a field besides the state)"));
  }
  return d;
}

bool Deployment::is_terminal() const {
  return IsTerminalState(state_.decision.state);
}

// The alias routing for a target weight. CodeDeploy shifts a Lambda alias by
// keeping its FunctionVersion on the original version and routing the
// target's share through RoutingConfig.AdditionalVersionWeights; when all
// traffic has moved the alias points at the target with no routing config
// (CodeDeploy User Guide, "Deployments on an AWS Lambda compute platform";
// the exact sequence of UpdateAlias calls is not documented). AfterAllowTraffic
// runs "after all traffic is shifted" (AppSpec hooks reference), so in that
// phase the alias already points at the target.
void Deployment::SetTargetWeight(State& s, uint32_t w) const {
  Decision& d = s.decision;
  d.target_weight_ppb = w;
  d.routing_config.Clear();
  if (w >= kWeightScale) {
    // All traffic on the target: the alias points at it, no weights.
    d.primary_version = spec_.target_version();
  } else {
    d.primary_version = spec_.current_version();
    if (w > 0) {
      v1::VersionWeight* vw = d.routing_config.add_additional_version_weights();
      vw->set_version(spec_.target_version());
      vw->set_weight_ppb(w);
    }
  }
}

void Deployment::Finish(State& s, v1::DeploymentState state,
                        v1::DeploymentError error, int64_t t,
                        std::string message) const {
  s.decision.state = state;
  s.decision.error = error;
  s.state_entered_ms = t;
  s.due_ms = kNone;
  s.status_message = std::move(message);
  if (state != v1::DEPLOYMENT_STATE_SUCCEEDED) {
    // Rollback: all traffic back on the current version in one step.
    SetTargetWeight(s, 0);
  }
}

void Deployment::EnterHook(State& s, v1::DeploymentState hook_state,
                           int64_t t) const {
  s.decision.state = hook_state;
  s.state_entered_ms = t;
  s.due_ms = t + hook_timeout_ms_;
}

void Deployment::ComputeShiftDue(State& s, int64_t t) const {
  const int64_t offset = t - s.segment_start_ms;
  const int64_t end = schedule_.SegmentDuration(s.segment);
  std::optional<int64_t> next = schedule_.NextChangeAfter(offset, s.segment);
  const int64_t due_offset = next.has_value() ? std::min(*next, end) : end;
  s.due_ms = s.segment_start_ms + std::max(due_offset, offset);
}

void Deployment::EnterShifting(State& s, int64_t t, int32_t segment) const {
  s.decision.state = v1::DEPLOYMENT_STATE_SHIFTING;
  s.state_entered_ms = t;
  s.segment = segment;
  s.segment_start_ms = t;
  SetTargetWeight(s, schedule_.WeightAt(0, segment));
  ComputeShiftDue(s, t);
}

void Deployment::EndShift(State& s, int64_t t) const {
  if (!spec_.hooks().after_allow_traffic().empty()) {
    EnterHook(s, v1::DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC, t);
  } else {
    Finish(s, v1::DEPLOYMENT_STATE_SUCCEEDED, v1::DEPLOYMENT_ERROR_NONE, t,
           "");
  }
}

void Deployment::AdvanceTo(State& s, int64_t t) const {
  // Each iteration performs one transition at its scheduled time s.due_ms;
  // every transition either moves the schedule forward or leaves the
  // shifting states, so the loop ends after at most (entries + segments + 2)
  // iterations.
  while (s.due_ms <= t) {
    const int64_t due = s.due_ms;
    switch (s.decision.state) {
      case v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC:
        Finish(s, v1::DEPLOYMENT_STATE_ROLLED_BACK,
               v1::DEPLOYMENT_ERROR_TIMEOUT, due,
               absl::StrCat("BeforeAllowTraffic hook \"",
                            spec_.hooks().before_allow_traffic(),
                            "\" did not report within ", hook_timeout_ms_,
                            " ms"));
        break;
      case v1::DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC:
        Finish(s, v1::DEPLOYMENT_STATE_ROLLED_BACK,
               v1::DEPLOYMENT_ERROR_TIMEOUT, due,
               absl::StrCat("AfterAllowTraffic hook \"",
                            spec_.hooks().after_allow_traffic(),
                            "\" did not report within ", hook_timeout_ms_,
                            " ms"));
        break;
      case v1::DEPLOYMENT_STATE_SHIFTING: {
        const int64_t offset = due - s.segment_start_ms;
        SetTargetWeight(s, schedule_.WeightAt(offset, s.segment));
        if (offset >= schedule_.SegmentDuration(s.segment)) {
          if (schedule_.EndsInPause(s.segment)) {
            s.decision.state = v1::DEPLOYMENT_STATE_PAUSED;
            s.state_entered_ms = due;
            s.due_ms = kNone;
          } else {
            EndShift(s, due);
          }
        } else {
          ComputeShiftDue(s, due);
        }
        break;
      }
      default:
        s.due_ms = kNone;
        break;
    }
  }
}

absl::Status Deployment::HandleEvent(State& s,
                                     const v1::DeploymentEvent& e) const {
  const int64_t t = e.time_ms();
  const v1::DeploymentState state = s.decision.state;
  auto illegal = [&]() {
    return ResourceInUse(absl::StrCat("event ", EventName(e),
                                      " is not allowed in state ",
                                      StateName(state)));
  };
  if (e.kind_case() == v1::DeploymentEvent::kTick) return absl::OkStatus();
  if (IsTerminalState(state)) return illegal();
  switch (e.kind_case()) {
    case v1::DeploymentEvent::kStart:
      if (state != v1::DEPLOYMENT_STATE_CREATED) return illegal();
      s.started_ms = t;
      if (!spec_.hooks().before_allow_traffic().empty()) {
        EnterHook(s, v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC, t);
      } else {
        EnterShifting(s, t, 0);
      }
      return absl::OkStatus();

    case v1::DeploymentEvent::kHookResult: {
      const v1::LifecycleHook hook = e.hook_result().hook();
      const bool before = hook == v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC;
      const v1::DeploymentState expected =
          before ? v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC
                 : v1::DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC;
      if (state != expected) {
        return ResourceInUse(absl::StrCat(
            "event hook_result for ", HookName(hook),
            " is not allowed in state ", StateName(state)));
      }
      if (!e.hook_result().succeeded()) {
        Finish(s, v1::DEPLOYMENT_STATE_ROLLED_BACK,
               v1::DEPLOYMENT_ERROR_HOOK_EXECUTION_FAILURE, t,
               absl::StrCat(HookName(hook), " hook \"",
                            before ? spec_.hooks().before_allow_traffic()
                                   : spec_.hooks().after_allow_traffic(),
                            "\" reported Failed"));
      } else if (before) {
        EnterShifting(s, t, 0);
      } else {
        Finish(s, v1::DEPLOYMENT_STATE_SUCCEEDED, v1::DEPLOYMENT_ERROR_NONE,
               t, "");
      }
      return absl::OkStatus();
    }

    case v1::DeploymentEvent::kAlarm:
      if (!spec_.alarms().enabled()) {
        return ResourceInUse(absl::StrCat(
            "event alarm \"", e.alarm().alarm_name(),
            "\" is not allowed: alarms.enabled is false"));
      }
      if (state == v1::DEPLOYMENT_STATE_CREATED) return illegal();
      // CodeDeploy: "If any of the specified alarms are activated, the
      // deployment stops" and the alias is rolled back.
      Finish(s, v1::DEPLOYMENT_STATE_ROLLED_BACK,
             v1::DEPLOYMENT_ERROR_ALARM_ACTIVE, t,
             absl::StrCat("alarm \"", e.alarm().alarm_name(), "\" fired"));
      return absl::OkStatus();

    case v1::DeploymentEvent::kStop:
      Finish(s, v1::DEPLOYMENT_STATE_STOPPED, v1::DEPLOYMENT_ERROR_MANUAL_STOP,
             t, "stopped by request");
      return absl::OkStatus();

    case v1::DeploymentEvent::kResume:
      if (state != v1::DEPLOYMENT_STATE_PAUSED) return illegal();
      EnterShifting(s, t, s.segment + 1);
      return absl::OkStatus();

    default:
      return InvalidParameterValue("event kind must be set, got none");
  }
}

absl::StatusOr<bool> Deployment::ApplyInternal(const v1::DeploymentEvent& e) {
  const int64_t t = e.time_ms();
  if (t < 0 || t > kMaxEventTimeMs) {
    return InvalidParameterValue(absl::StrCat(
        "event time_ms must be in 0..", kMaxEventTimeMs, ", got ", t));
  }
  if (t < state_.last_time_ms) {
    return InvalidParameterValue(absl::StrCat(
        "event time_ms ", t, " is before the previous event's ",
        state_.last_time_ms, " (time went backwards)"));
  }
  // Argument checks that do not depend on the state.
  switch (e.kind_case()) {
    case v1::DeploymentEvent::KIND_NOT_SET:
      return InvalidParameterValue("event kind must be set, got none");
    case v1::DeploymentEvent::kHookResult:
      if (e.hook_result().hook() != v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC &&
          e.hook_result().hook() != v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC) {
        return InvalidParameterValue(absl::StrCat(
            "hook_result.hook must be BEFORE_ALLOW_TRAFFIC or "
            "AFTER_ALLOW_TRAFFIC, got ",
            static_cast<int>(e.hook_result().hook())));
      }
      break;
    case v1::DeploymentEvent::kAlarm: {
      const std::string& name = e.alarm().alarm_name();
      if (name.empty()) {
        return InvalidParameterValue("alarm.alarm_name must not be empty");
      }
      const auto& alarms = spec_.alarms().alarms();
      if (!alarms.empty() &&
          std::find(alarms.begin(), alarms.end(), name) == alarms.end()) {
        return InvalidParameterValue(absl::StrCat(
            "alarm.alarm_name \"", name,
            "\" is not among the deployment's alarms"));
      }
      break;
    }
    default:
      break;
  }

  State next = state_;
  const v1::DeploymentState old_state = next.decision.state;
  const uint32_t old_weight = next.decision.target_weight_ppb;
  const std::string& old_primary = state_.decision.primary_version;
  const int64_t old_due = next.due_ms;

  next.last_time_ms = t;
  AdvanceTo(next, t);
  absl::Status st = HandleEvent(next, e);
  if (!st.ok()) return st;
  AdvanceTo(next, t);

  Decision& d = next.decision;
  d.state_changed = d.state != old_state;
  d.routing_changed = d.target_weight_ppb != old_weight ||
                      d.primary_version != old_primary;
  d.next_change_ms = next.due_ms == kNone
                         ? std::nullopt
                         : std::optional<int64_t>(next.due_ms);
  const bool changed =
      d.state_changed || d.routing_changed || next.due_ms != old_due;
  // Ticks that change nothing are not logged (see Apply).
  if (e.kind_case() != v1::DeploymentEvent::kTick || changed) {
    events_.push_back(e);
  }
  state_ = std::move(next);
  return changed;
}

absl::StatusOr<Decision> Deployment::Apply(const v1::DeploymentEvent& event) {
  absl::StatusOr<bool> r = ApplyInternal(event);
  if (!r.ok()) return r.status();
  return state_.decision;
}

absl::StatusOr<bool> Deployment::Tick(int64_t now_ms) {
  // Fast path: nothing due. Both comparisons also cover the range checks:
  // due_ms_ <= kMaxEventTimeMs + offsets, last_time_ms >= 0.
  if (now_ms < state_.due_ms && now_ms >= state_.last_time_ms &&
      now_ms <= kMaxEventTimeMs) {
    state_.last_time_ms = now_ms;
    state_.decision.routing_changed = false;
    state_.decision.state_changed = false;
    return false;
  }
  return ApplyInternal(TickEvent(now_ms));
}

v1::Deployment Deployment::ToProto() const {
  v1::Deployment p;
  *p.mutable_spec() = spec_;
  for (const v1::DeploymentEvent& e : events_) *p.add_events() = e;
  const Decision& d = state_.decision;
  p.set_state(d.state);
  p.set_error(d.error);
  p.set_primary_version(d.primary_version);
  *p.mutable_routing_config() = d.routing_config;
  p.set_target_weight_ppb(d.target_weight_ppb);
  p.set_next_change_ms(d.next_change_ms.value_or(0));
  p.set_started_ms(state_.started_ms);
  p.set_status_message(state_.status_message);
  p.set_segment(state_.segment);
  p.set_state_entered_ms(state_.state_entered_ms);
  return p;
}

// ---------------------------------------------------------------------------
// DeploymentSet.

absl::StatusOr<Deployment*> DeploymentSet::Create(
    const v1::DeploymentSpec& spec) {
  absl::StatusOr<Deployment> d = Deployment::Create(spec);
  if (!d.ok()) return d.status();
  if (by_id_.count(spec.deployment_id()) > 0) {
    return ResourceAlreadyExists(absl::StrCat(
        "deployment_id \"", spec.deployment_id(), "\" already exists"));
  }
  const Deployment* active =
      FindActive(spec.function_name(), spec.alias_name());
  if (active != nullptr) {
    // CodeDeploy: one deployment at a time per deployment group / alias
    // ("A conflicting deployment is in progress").
    return ResourceInUse(absl::StrCat(
        "alias \"", spec.alias_name(), "\" of function \"",
        spec.function_name(), "\" already has an active deployment \"",
        active->spec().deployment_id(), "\""));
  }
  auto owned = std::make_unique<Deployment>(*std::move(d));
  Deployment* raw = owned.get();
  by_id_.emplace(spec.deployment_id(), std::move(owned));
  return raw;
}

Deployment* DeploymentSet::Find(absl::string_view deployment_id) {
  auto it = by_id_.find(deployment_id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

const Deployment* DeploymentSet::Find(absl::string_view deployment_id) const {
  auto it = by_id_.find(deployment_id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

Deployment* DeploymentSet::FindActive(absl::string_view function_name,
                                      absl::string_view alias_name) {
  for (auto& [id, d] : by_id_) {
    if (d->is_active() && d->spec().function_name() == function_name &&
        d->spec().alias_name() == alias_name) {
      return d.get();
    }
  }
  return nullptr;
}

absl::Status DeploymentSet::Remove(absl::string_view deployment_id) {
  auto it = by_id_.find(deployment_id);
  if (it == by_id_.end()) {
    return ResourceNotFound(absl::StrCat("deployment \"", deployment_id,
                                         "\" does not exist"));
  }
  if (it->second->is_active()) {
    return ResourceInUse(absl::StrCat(
        "deployment \"", deployment_id, "\" is active (state ",
        StateName(it->second->state()), "); stop it first"));
  }
  by_id_.erase(it);
  return absl::OkStatus();
}

}  // namespace aliasroute
