// `aliasroute simulate`: runs one deployment (lib/deployment.h) in simulated
// time against a registry (lib/registry.h) and a router (lib/router.h),
// routes synthetic sticky requests, and reports per step the scheduled
// weight, the observed share and how keys moved.

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "lib/deployment.h"
#include "lib/layout.h"
#include "lib/registry.h"
#include "lib/router.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "tools/cli_commands.h"
#include "tools/cli_inputs.h"
#include "tools/cli_util.h"

namespace aliasroute_cli {

const char kSimulateHelp[] = R"(Usage: aliasroute simulate [flags]

Runs a whole deployment in simulated time: the alias shifts from its current
version to the target version following CONFIG, CodeDeploy style. Requests
arrive at --rate per second, each from one of --keys sticky keys
("user-0", "user-1", ...) chosen by a fixed-seed generator, and are routed by
the library's router exactly as a gateway would. For every change of the
deployment the table shows the time, the deployment state, the scheduled
weight of the new version, the share of requests the new version actually
served until the next change, and how many keys moved to the new version and
back. While shifting forward no key ever moves back; the command fails (exit
1) if one does. An alarm (--alarm-at) or a failed hook (--fail-hook) shows the
rollback: all keys go back to the current version in one step.

With no flags it runs the built-in example: function my-function with
published versions 1 and 2, alias live -> 1, shifted to 2 with
CodeDeployDefault.LambdaCanary10Percent5Minutes.

Flags:
  --registry FILE       the registry: a RegistrySnapshot (protobuf JSON or
                        binary) or AWS CLI output (list-versions-by-function,
                        list-aliases, get-alias, get-function-configuration;
                        repeat the flag to combine them). Default: built-in
  --function NAME       function to deploy (default: the registry's only one)
  --alias NAME          alias to shift (default: the function's only alias)
  --target VERSION      version to shift to (default: the newest published
                        version other than the alias's current one)
  --config CONFIG       traffic-shift config, as for `aliasroute plan`
                        (default LambdaCanary10Percent5Minutes)
  --keys N              sticky keys in the population (default 10000, at
                        most 1000000)
  --rate N              requests per simulated second (default 100, at most
                        100000)
  --alarm-at MINUTES    an alarm goes off MINUTES after the start (e.g. 2.5)
  --fail-hook WHICH     before|after: configure that hook and make it fail
  --hooks               configure BeforeAllowTraffic and AfterAllowTraffic
                        hooks that succeed
  --hook-minutes M      time a hook takes to report (default 1)
  --resume-after M      a step-list pause is resumed M minutes after it
                        begins (default 10)
  --final-minutes M     how long the final state is observed (default 1)
  --format F            table (default) or json
  -h, --help            this help

Times are minutes:seconds since the deployment started. Progress goes to
stderr when stderr is a terminal. Exit status: 0 the simulation ran (also
when it rolled back), 1 bad input or a key moved back while shifting
forward, 2 usage error.
)";

namespace {

namespace v1 = ::aliasroute::v1;
using ::aliasroute::ExecutedVersion;

constexpr char kAlarmName[] = "simulated-alarm";
constexpr uint64_t kMaxRequests = 500'000'000;

// Fixed-seed generator, identical on every platform.
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

std::string StateName(v1::DeploymentState s) {
  absl::string_view n = v1::DeploymentState_Name(s);
  absl::ConsumePrefix(&n, "DEPLOYMENT_STATE_");
  return std::string(n);
}

std::string ErrorName(v1::DeploymentError e) {
  absl::string_view n = v1::DeploymentError_Name(e);
  absl::ConsumePrefix(&n, "DEPLOYMENT_ERROR_");
  return std::string(n);
}

struct Row {
  int64_t time_ms = 0;
  v1::DeploymentState state = v1::DEPLOYMENT_STATE_CREATED;
  uint32_t weight_ppb = 0;
  uint64_t requests = 0;
  uint64_t served_by_new = 0;
  uint64_t keys_on_new = 0;
  uint64_t moved_to_new = 0;
  uint64_t moved_back = 0;
};

bool IsRollback(v1::DeploymentState s) {
  return s == v1::DEPLOYMENT_STATE_ROLLED_BACK ||
         s == v1::DEPLOYMENT_STATE_STOPPED;
}

// The built-in example: my-function, versions 1 and 2, alias live -> 1.
absl::StatusOr<std::unique_ptr<aliasroute::Registry>> ExampleRegistry() {
  absl::StatusOr<std::unique_ptr<aliasroute::Registry>> registry =
      aliasroute::Registry::Create(aliasroute::RegistryOptions());
  if (!registry.ok()) return registry.status();
  aliasroute::CreateFunctionRequest create;
  create.function_name = "my-function";
  create.configuration.set_runtime("python3.12");
  create.configuration.set_handler("app.handler");
  create.configuration.set_role("arn:aws:iam::123456789012:role/my-function-role");
  create.configuration.set_code_sha256("code-v1");
  create.publish = true;  // Version 1.
  absl::Status s = (*registry)->CreateFunction(create).status();
  if (!s.ok()) return s;
  aliasroute::UpdateFunctionCodeRequest code;
  code.function_name = "my-function";
  code.code_sha256 = "code-v2";
  code.publish = true;  // Version 2.
  s = (*registry)->UpdateFunctionCode(code).status();
  if (!s.ok()) return s;
  aliasroute::CreateAliasRequest alias;
  alias.function_name = "my-function";
  alias.name = "live";
  alias.function_version = "1";
  s = (*registry)->CreateAlias(alias).status();
  if (!s.ok()) return s;
  return registry;
}

std::string DescribeRouting(const v1::Alias& a) {
  std::string out = absl::StrCat("alias ", a.name(), " -> version ",
                                 a.function_version());
  for (const auto& w : a.routing_config().additional_version_weights()) {
    absl::StrAppend(&out, ", ", aliasroute::FormatWeight(w.weight_ppb()),
                    " to version ", w.version());
  }
  return out;
}

class Simulation {
 public:
  struct Options {
    uint64_t keys = 10'000;
    uint64_t rate = 100;
    int64_t alarm_at_ms = -1;  // < 0: none.
    std::string fail_hook;     // "", "before", "after".
    bool hooks = false;
    int64_t hook_ms = 60'000;
    int64_t resume_after_ms = 600'000;
    int64_t final_ms = 60'000;
  };

  Simulation(aliasroute::Registry* registry, aliasroute::Router* router,
             aliasroute::RouteHandle handle, v1::DeploymentSpec spec,
             Options options)
      : registry_(registry),
        router_(router),
        handle_(handle),
        spec_(std::move(spec)),
        options_(std::move(options)) {}

  // Runs to the end. Fills rows_, notes_, final_alias_.
  absl::Status Run(aliasroute::Deployment deployment) {
    target_ = std::stoull(spec_.target_version());
    keys_.reserve(options_.keys);
    for (uint64_t i = 0; i < options_.keys; ++i) {
      keys_.push_back(absl::StrCat("user-", i));
    }
    absl::Status s = RouteKeys(&assignment_);
    if (!s.ok()) return s;
    progress_ = isatty(STDERR_FILENO) == 1;

    absl::StatusOr<aliasroute::Decision> d =
        deployment.Apply(aliasroute::StartEvent(0));
    if (!d.ok()) return d.status();
    int64_t now = 0;
    int64_t state_since = 0;
    bool alarm_pending = options_.alarm_at_ms >= 0;
    s = ApplyRouting(*d);
    if (!s.ok()) return s;
    s = OpenRow(now, *d);
    if (!s.ok()) return s;
    while (!deployment.is_terminal()) {
      const aliasroute::Decision& dec = deployment.decision();
      const v1::DeploymentState st = dec.state;
      int64_t t = std::numeric_limits<int64_t>::max();
      if (dec.next_change_ms.has_value()) t = std::min(t, *dec.next_change_ms);
      if (alarm_pending) t = std::min(t, std::max(now, options_.alarm_at_ms));
      const bool hook_phase =
          (st == v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC &&
           !spec_.hooks().before_allow_traffic().empty()) ||
          (st == v1::DEPLOYMENT_STATE_AFTER_ALLOW_TRAFFIC &&
           !spec_.hooks().after_allow_traffic().empty());
      if (hook_phase) t = std::min(t, state_since + options_.hook_ms);
      if (st == v1::DEPLOYMENT_STATE_PAUSED) {
        t = std::min(t, state_since + options_.resume_after_ms);
      }
      if (t == std::numeric_limits<int64_t>::max()) {
        return absl::InternalError(absl::StrCat(
            "the deployment is stuck in state ", StateName(st), " at ",
            FormatClock(now)));
      }
      Serve(now, t);
      absl::StatusOr<aliasroute::Decision> next;
      if (alarm_pending && t >= options_.alarm_at_ms) {
        alarm_pending = false;
        next = deployment.Apply(aliasroute::AlarmEvent(t, kAlarmName));
        if (!next.ok()) {
          // The deployment ended at or before the alarm: nothing to stop.
          next = deployment.Apply(aliasroute::TickEvent(t));
          if (!next.ok()) return next.status();
          notes_.push_back(absl::StrCat(
              "the alarm at ", FormatClock(options_.alarm_at_ms),
              " came after the deployment had ended (",
              StateName(next->state), ")"));
        }
      } else if (hook_phase && t == state_since + options_.hook_ms) {
        const bool before = st == v1::DEPLOYMENT_STATE_BEFORE_ALLOW_TRAFFIC;
        const bool ok = options_.fail_hook != (before ? "before" : "after");
        next = deployment.Apply(aliasroute::HookResultEvent(
            t,
            before ? v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC
                   : v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC,
            ok));
      } else if (st == v1::DEPLOYMENT_STATE_PAUSED &&
                 t == state_since + options_.resume_after_ms) {
        next = deployment.Apply(aliasroute::ResumeEvent(t));
      } else {
        next = deployment.Apply(aliasroute::TickEvent(t));
      }
      if (!next.ok()) return next.status();
      now = t;
      if (next->state_changed) state_since = t;
      if (next->routing_changed) {
        s = ApplyRouting(*next);
        if (!s.ok()) return s;
      }
      if (next->state_changed || next->routing_changed) {
        s = OpenRow(now, *next);
        if (!s.ok()) return s;
      }
    }
    if (alarm_pending) {
      notes_.push_back(absl::StrCat(
          "the alarm at ", FormatClock(options_.alarm_at_ms),
          " never fired: the deployment ended at ", FormatClock(now)));
    }
    Serve(now, now + options_.final_ms);
    if (progress_) std::fprintf(stderr, "\r%60s\r", "");
    end_ms_ = now;
    final_ = deployment.decision();
    status_message_ = deployment.ToProto().status_message();
    absl::StatusOr<v1::Alias> alias =
        registry_->GetAlias(spec_.function_name(), spec_.alias_name());
    if (!alias.ok()) return alias.status();
    final_alias_ = *alias;
    return absl::OkStatus();
  }

  uint64_t MovedBackForward() const {
    uint64_t n = 0;
    for (const Row& r : rows_) {
      if (!IsRollback(r.state)) n += r.moved_back;
    }
    return n;
  }
  uint64_t MovedBackByRollback() const {
    uint64_t n = 0;
    for (const Row& r : rows_) {
      if (IsRollback(r.state)) n += r.moved_back;
    }
    return n;
  }

  std::string Table(const std::string& config_line) const {
    std::string out = absl::StrCat(
        "deployment: ", spec_.function_name(), ":", spec_.alias_name(),
        ", version ", spec_.current_version(), " -> ", spec_.target_version(),
        "\nconfig: ", config_line, "\ntraffic: ", options_.rate,
        " requests/s from ", options_.keys, " sticky keys\n\n");
    absl::StrAppend(&out, absl::StrFormat(
        "%8s  %-20s  %11s  %8s  %8s  %11s  %12s  %10s\n", "time", "state",
        "new version", "observed", "requests", "keys on new", "moved to new",
        "moved back"));
    for (const Row& r : rows_) {
      absl::StrAppend(&out, absl::StrFormat(
          "%8s  %-20s  %11s  %8s  %8d  %11d  %12d  %10d\n",
          FormatClock(r.time_ms), StateName(r.state),
          aliasroute::FormatWeight(r.weight_ppb), Observed(r), r.requests,
          r.keys_on_new, r.moved_to_new, r.moved_back));
    }
    absl::StrAppend(&out, "\nfinal: ", StateName(final_.state));
    if (final_.error != v1::DEPLOYMENT_ERROR_NONE) {
      absl::StrAppend(&out, " (", ErrorName(final_.error), ")");
    }
    absl::StrAppend(&out, " at ", FormatClock(end_ms_), "; ",
                    DescribeRouting(final_alias_), "\n");
    if (!status_message_.empty()) {
      absl::StrAppend(&out, "reason: ", status_message_, "\n");
    }
    absl::StrAppend(&out, "keys moved back while shifting forward: ",
                    MovedBackForward(), "\n");
    if (IsRollback(final_.state)) {
      absl::StrAppend(&out, "keys moved back by the rollback: ",
                      MovedBackByRollback(), "\n");
    }
    for (const std::string& n : notes_) absl::StrAppend(&out, "note: ", n, "\n");
    return out;
  }

  std::string Json(const v1::TrafficRoutingConfig& config) const {
    std::string out = "{\n";
    absl::StrAppend(&out, "  \"function\": ", JsonQuote(spec_.function_name()),
                    ",\n  \"alias\": ", JsonQuote(spec_.alias_name()),
                    ",\n  \"current_version\": ",
                    JsonQuote(spec_.current_version()),
                    ",\n  \"target_version\": ", JsonQuote(spec_.target_version()),
                    ",\n  \"config\": ", JsonQuote(config.name()),
                    ",\n  \"config_description\": ",
                    JsonQuote(DescribeConfig(config)), ",\n  \"keys\": ",
                    options_.keys, ",\n  \"rate_per_second\": ", options_.rate,
                    ",\n  \"steps\": [");
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      absl::StrAppend(
          &out, i == 0 ? "\n" : ",\n", "    {\"time_ms\": ", r.time_ms,
          ", \"time\": ", JsonQuote(FormatClock(r.time_ms)), ", \"state\": ",
          JsonQuote(StateName(r.state)), ", \"weight_ppb\": ", r.weight_ppb,
          ", \"weight\": ", JsonQuote(aliasroute::FormatWeight(r.weight_ppb)),
          ", \"requests\": ", r.requests, ", \"served_by_new\": ",
          r.served_by_new, ", \"keys_on_new\": ", r.keys_on_new,
          ", \"moved_to_new\": ", r.moved_to_new, ", \"moved_back\": ",
          r.moved_back, "}");
    }
    absl::StrAppend(&out, "\n  ],\n  \"final\": {\"state\": ",
                    JsonQuote(StateName(final_.state)), ", \"error\": ",
                    JsonQuote(ErrorName(final_.error)), ", \"time_ms\": ", end_ms_,
                    ", \"primary_version\": ",
                    JsonQuote(final_alias_.function_version()),
                    ", \"additional_version_weights_ppb\": {");
    const auto& ws = final_alias_.routing_config().additional_version_weights();
    for (int i = 0; i < ws.size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", JsonQuote(ws[i].version()), ": ",
                      ws[i].weight_ppb());
    }
    absl::StrAppend(&out, "}, \"status_message\": ", JsonQuote(status_message_),
                    "},\n  \"moved_back_while_shifting_forward\": ",
                    MovedBackForward(), ",\n  \"moved_back_by_rollback\": ",
                    MovedBackByRollback(), ",\n  \"notes\": [");
    for (size_t i = 0; i < notes_.size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", JsonQuote(notes_[i]));
    }
    absl::StrAppend(&out, "]\n}\n");
    return out;
  }

 private:
  static std::string Observed(const Row& r) {
    if (r.requests == 0) return "-";
    return FormatShare(static_cast<double>(r.served_by_new) /
                       static_cast<double>(r.requests));
  }

  absl::Status RouteKeys(std::vector<uint64_t>* out) const {
    out->resize(keys_.size());
    for (size_t i = 0; i < keys_.size(); ++i) {
      absl::StatusOr<ExecutedVersion> v = router_->Route(handle_, keys_[i]);
      if (!v.ok()) return v.status();
      (*out)[i] = v->number();
    }
    return absl::OkStatus();
  }

  // Makes the registry and the router follow the decision, as a control
  // plane would: the registry computes the alias (and its minimal-movement
  // layout), the router publishes it.
  absl::Status ApplyRouting(const aliasroute::Decision& d) {
    std::vector<aliasroute::VersionShare> shares;
    for (const auto& w : d.routing_config.additional_version_weights()) {
      shares.push_back({w.version(), w.weight_ppb()});
    }
    absl::StatusOr<v1::Alias> alias = registry_->SetAliasRouting(
        spec_.function_name(), spec_.alias_name(), d.primary_version, shares);
    if (!alias.ok()) return alias.status();
    return router_->UpdateAlias(spec_.function_name(), *alias);
  }

  absl::Status OpenRow(int64_t t, const aliasroute::Decision& d) {
    std::vector<uint64_t> now;
    absl::Status s = RouteKeys(&now);
    if (!s.ok()) return s;
    Row r;
    r.time_ms = t;
    r.state = d.state;
    r.weight_ppb = d.target_weight_ppb;
    for (size_t i = 0; i < now.size(); ++i) {
      const bool was_new = assignment_[i] == target_;
      const bool is_new = now[i] == target_;
      r.keys_on_new += is_new ? 1 : 0;
      if (!was_new && is_new) ++r.moved_to_new;
      if (was_new && !is_new) ++r.moved_back;
    }
    assignment_ = std::move(now);
    rows_.push_back(r);
    return absl::OkStatus();
  }

  // Routes the requests that arrive in [from, to) and counts them into the
  // last row.
  void Serve(int64_t from, int64_t to) {
    if (to <= from || rows_.empty()) return;
    const uint64_t n =
        static_cast<uint64_t>(to - from) * options_.rate / 1000;
    Row& r = rows_.back();
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t pick = static_cast<uint64_t>(
          (static_cast<unsigned __int128>(rng_.Next()) * keys_.size()) >> 64);
      absl::StatusOr<ExecutedVersion> v = router_->Route(handle_, keys_[pick]);
      ++r.requests;
      if (v.ok() && v->number() == target_) ++r.served_by_new;
      if (progress_ && (++served_ & 0xFFFFF) == 0) {
        std::fprintf(stderr, "\rsimulate: %s simulated, %llu requests routed",
                     FormatClock(from + static_cast<int64_t>(i * 1000 /
                                                             options_.rate))
                         .c_str(),
                     static_cast<unsigned long long>(served_));
      }
    }
  }

  aliasroute::Registry* registry_;
  aliasroute::Router* router_;
  aliasroute::RouteHandle handle_;
  v1::DeploymentSpec spec_;
  Options options_;
  uint64_t target_ = 0;
  std::vector<std::string> keys_;
  std::vector<uint64_t> assignment_;
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
  SplitMix64 rng_{20260101};
  bool progress_ = false;
  uint64_t served_ = 0;
  int64_t end_ms_ = 0;
  aliasroute::Decision final_;
  std::string status_message_;
  v1::Alias final_alias_;
};

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

int RunSimulate(const std::vector<std::string>& argv) {
  const char* cmd = "simulate";
  const std::vector<FlagSpec> specs = {
      {"registry", FlagSpec::kRepeated}, {"function", FlagSpec::kValue},
      {"alias", FlagSpec::kValue},       {"target", FlagSpec::kValue},
      {"config", FlagSpec::kValue},      {"keys", FlagSpec::kValue},
      {"rate", FlagSpec::kValue},        {"alarm-at", FlagSpec::kValue},
      {"fail-hook", FlagSpec::kValue},   {"hooks", FlagSpec::kSwitch},
      {"hook-minutes", FlagSpec::kValue}, {"resume-after", FlagSpec::kValue},
      {"final-minutes", FlagSpec::kValue}, {"format", FlagSpec::kValue}};
  absl::StatusOr<Args> args = ParseArgs(argv, specs);
  if (!args.ok()) return UsageError(cmd, args.status().message());
  if (args->help) {
    WriteStdout(kSimulateHelp);
    return kExitOk;
  }
  if (!args->positionals.empty()) {
    return UsageError(cmd, absl::StrCat("unexpected argument \"",
                                        args->positionals[0], "\""));
  }
  Simulation::Options opt;
  const std::string format = args->Get("format", "table");
  if (format != "table" && format != "json") {
    return UsageError(cmd, absl::StrCat("--format must be table or json, got \"",
                                        format, "\""));
  }
  {
    absl::StatusOr<int64_t> v = ParseInt(args->Get("keys", "10000"), "--keys", 1,
                                         1'000'000);
    if (!v.ok()) return UsageError(cmd, v.status().message());
    opt.keys = static_cast<uint64_t>(*v);
    v = ParseInt(args->Get("rate", "100"), "--rate", 1, 100'000);
    if (!v.ok()) return UsageError(cmd, v.status().message());
    opt.rate = static_cast<uint64_t>(*v);
  }
  const auto minutes = [&](const char* flag, int64_t* out) -> absl::Status {
    if (!args->Has(flag)) return absl::OkStatus();
    absl::StatusOr<int64_t> v = ParseMinutes(args->Get(flag), absl::StrCat("--", flag));
    if (!v.ok()) return v.status();
    *out = *v;
    return absl::OkStatus();
  };
  for (auto [flag, out] : {std::pair<const char*, int64_t*>{"alarm-at", &opt.alarm_at_ms},
                           {"hook-minutes", &opt.hook_ms},
                           {"resume-after", &opt.resume_after_ms},
                           {"final-minutes", &opt.final_ms}}) {
    absl::Status s = minutes(flag, out);
    if (!s.ok()) return UsageError(cmd, s.message());
  }
  if (opt.hook_ms <= 0 || opt.hook_ms >= aliasroute::kDefaultHookTimeoutMs) {
    return UsageError(cmd, "--hook-minutes must be more than 0 and less than 60");
  }
  if (opt.resume_after_ms <= 0) {
    return UsageError(cmd, "--resume-after must be more than 0");
  }
  opt.fail_hook = args->Get("fail-hook");
  if (args->Has("fail-hook") && opt.fail_hook != "before" &&
      opt.fail_hook != "after") {
    return UsageError(cmd, absl::StrCat("--fail-hook must be before or after, got \"",
                                        opt.fail_hook, "\""));
  }
  opt.hooks = args->Has("hooks");

  // The registry.
  std::unique_ptr<aliasroute::Registry> registry;
  const std::vector<std::string> files = args->GetAll("registry");
  if (files.empty()) {
    absl::StatusOr<std::unique_ptr<aliasroute::Registry>> r = ExampleRegistry();
    if (!r.ok()) return Failure(cmd, r.status().message());
    registry = *std::move(r);
  } else {
    absl::StatusOr<v1::RegistrySnapshot> snap = LoadRegistry(files);
    if (!snap.ok()) return Failure(cmd, snap.status().message());
    absl::StatusOr<std::unique_ptr<aliasroute::Registry>> r =
        aliasroute::Registry::FromSnapshot(*snap);
    if (!r.ok()) return Failure(cmd, r.status().message());
    registry = *std::move(r);
  }

  // Function, alias, versions.
  std::string function_name = args->Get("function");
  if (function_name.empty()) {
    const std::vector<std::string> names = registry->ListFunctions();
    if (names.size() != 1) {
      return UsageError(cmd, absl::StrCat(
          "the registry has ", names.size(), " functions (",
          absl::StrJoin(names, ", "), "); pick one with --function"));
    }
    function_name = names[0];
  }
  absl::StatusOr<v1::Function> function = registry->GetFunction(function_name);
  if (!function.ok()) return Failure(cmd, function.status().message());
  function_name = function->name();
  std::string alias_name = args->Get("alias");
  if (alias_name.empty()) {
    if (function->aliases_size() != 1) {
      std::vector<std::string> names;
      for (const auto& a : function->aliases()) names.push_back(a.name());
      return UsageError(cmd, absl::StrCat(
          "function ", function_name, " has ", names.size(), " aliases (",
          absl::StrJoin(names, ", "), "); pick one with --alias"));
    }
    alias_name = function->aliases(0).name();
  }
  absl::StatusOr<v1::Alias> alias = registry->GetAlias(function_name, alias_name);
  if (!alias.ok()) return Failure(cmd, alias.status().message());
  const std::string current = alias->function_version();
  if (!AllDigits(current)) {
    return Failure(cmd, absl::StrCat("alias ", alias_name, " points at ", current,
                                     "; a deployment needs a published version"));
  }
  std::string target = args->Get("target");
  if (target.empty()) {
    for (const auto& v : function->versions()) {
      if (v.version() != current) target = v.version();  // Ascending: newest.
    }
    if (target.empty() || !aliasroute::VersionLess(current, target)) {
      return Failure(cmd, absl::StrCat(
          "function ", function_name, " has no published version newer than ",
          current, "; pick one with --target"));
    }
  }

  // The deployment.
  absl::StatusOr<v1::TrafficRoutingConfig> config = ParseTrafficConfig(
      args->Get("config", "LambdaCanary10Percent5Minutes"));
  if (!config.ok()) return Failure(cmd, config.status().message());
  v1::DeploymentSpec spec;
  spec.set_deployment_id("simulated-deployment");
  spec.set_function_name(function_name);
  spec.set_alias_name(alias_name);
  spec.set_current_version(current);
  spec.set_target_version(target);
  *spec.mutable_traffic_routing() = *config;
  if (opt.hooks || opt.fail_hook == "before") {
    spec.mutable_hooks()->set_before_allow_traffic("simulated-before-hook");
  }
  if (opt.hooks || opt.fail_hook == "after") {
    spec.mutable_hooks()->set_after_allow_traffic("simulated-after-hook");
  }
  if (opt.alarm_at_ms >= 0) {
    spec.mutable_alarms()->set_enabled(true);
    spec.mutable_alarms()->add_alarms(kAlarmName);
  }
  absl::StatusOr<aliasroute::Deployment> deployment =
      aliasroute::Deployment::Create(spec);  // Validates the spec.
  if (!deployment.ok()) return Failure(cmd, deployment.status().message());
  absl::Status s = aliasroute::CheckDeploymentAgainstFunction(spec, *function);
  if (!s.ok()) return Failure(cmd, s.message());

  // Bound the work: requests over the longest possible simulated time.
  const aliasroute::Schedule& schedule = deployment->schedule();
  const int64_t horizon = schedule.TotalDuration() +
                          opt.resume_after_ms * (schedule.segment_count() - 1) +
                          2 * opt.hook_ms + opt.final_ms;
  const long double requests =
      static_cast<long double>(horizon) * opt.rate / 1000.0L;
  if (requests > kMaxRequests) {
    return UsageError(cmd, absl::StrCat(
        "the simulation would route about ",
        static_cast<uint64_t>(requests), " requests, more than ", kMaxRequests,
        "; lower --rate"));
  }

  // The router, from the registry's snapshot.
  absl::StatusOr<std::unique_ptr<aliasroute::Router>> router =
      aliasroute::Router::Create(*registry->Snapshot());
  if (!router.ok()) return Failure(cmd, router.status().message());
  absl::StatusOr<aliasroute::RouteHandle> handle =
      (*router)->Resolve(absl::StrCat(function_name, ":", alias_name));
  if (!handle.ok()) return Failure(cmd, handle.status().message());

  Simulation sim(registry.get(), router->get(), *handle, spec, opt);
  s = sim.Run(*std::move(deployment));
  if (!s.ok()) return Failure(cmd, s.message());
  if (sim.MovedBackForward() != 0) {
    return Failure(cmd, absl::StrCat(
        sim.MovedBackForward(),
        " keys moved back to the current version while shifting forward "
        "(must be 0)"));
  }
  const std::string config_line =
      config->name().empty()
          ? DescribeConfig(*config)
          : absl::StrCat(config->name(), " (", DescribeConfig(*config), ")");
  const std::string out =
      format == "json" ? sim.Json(*config) : sim.Table(config_line);
  if (!WriteStdout(out)) return Failure(cmd, "cannot write to stdout");
  return kExitOk;
}

}  // namespace aliasroute_cli
