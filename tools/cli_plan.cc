// `aliasroute plan CONFIG`: the timeline of a traffic shift as a table, JSON
// or CSV, and optionally an SVG step chart.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "tools/cli_commands.h"
#include "tools/cli_inputs.h"
#include "tools/cli_util.h"

namespace aliasroute_cli {

const char kPlanHelp[] = R"(Usage: aliasroute plan [--format table|json|csv] [--svg FILE] CONFIG

Prints the timeline of a traffic shift: from which time on the new version
gets which share of the traffic.

CONFIG is one of
  - a predefined CodeDeploy name, with or without "CodeDeployDefault.":
      LambdaAllAtOnce, LambdaCanary10Percent5Minutes, ...10Minutes,
      ...15Minutes, ...30Minutes, LambdaLinear10PercentEvery1Minute,
      ...Every2Minutes, ...Every3Minutes, ...Every10Minutes
  - a CodeDeploy TrafficRoutingConfig as JSON or CLI shorthand, inline or in
    a file, e.g.
      '{"type":"TimeBasedLinear","timeBasedLinear":{"linearPercentage":20,"linearInterval":2}}'
      type=TimeBasedCanary,timeBasedCanary={canaryPercentage=5,canaryInterval=15}
  - a step list WEIGHT:HOLD,WEIGHT:HOLD,... where WEIGHT is a percentage and
    HOLD a duration (500ms, 90s, 10m, 2h) or "pause" (hold until resumed);
    an optional last item max:PERCENT caps the final weight, e.g.
      1%:10m,5%:10m,25%:pause,50%:30m
  - the project's protobuf JSON of aliasroute.v1.TrafficRoutingConfig or
    aliasroute.v1.StepList, inline or in a file.

Times are minutes:seconds since traffic was first allowed. After a pause the
times assume the deployment is resumed the moment the pause is reached.

Flags:
  --format F   table (default), json or csv
  --svg FILE   also write a step chart of weight over time as SVG to FILE
  -h, --help   this help

Exit status: 0 ok, 1 invalid CONFIG or unwritable FILE, 2 usage error.
)";

namespace {

namespace v1 = ::aliasroute::v1;

struct Row {
  int64_t time_ms = 0;   // Assuming immediate resumes.
  int segment = 0;
  uint32_t weight_ppb = 0;
  bool pause = false;    // The schedule holds here until resumed.
};

std::vector<Row> Rows(const aliasroute::Schedule& s) {
  std::vector<Row> rows;
  int64_t base = 0;
  for (int seg = 0; seg < s.segment_count(); ++seg) {
    const auto& tl = s.Timeline(seg);
    for (size_t i = 0; i < tl.size(); ++i) {
      Row r;
      r.time_ms = base + tl[i].at_ms;
      r.segment = seg;
      r.weight_ppb = tl[i].weight_ppb;
      r.pause = s.EndsInPause(seg) && i + 1 == tl.size();
      rows.push_back(r);
    }
    base += s.SegmentDuration(seg);
  }
  return rows;
}

std::string Table(const aliasroute::Schedule& s, const std::vector<Row>& rows) {
  const v1::TrafficRoutingConfig& c = s.config();
  std::string out = absl::StrCat(c.name().empty() ? "" : c.name() + ": ",
                                 DescribeConfig(c), "\n\n");
  absl::StrAppend(&out, absl::StrFormat("%8s  %11s\n", "time", "new version"));
  for (const Row& r : rows) {
    absl::StrAppend(&out, absl::StrFormat("%8s  %11s", FormatClock(r.time_ms),
                                          aliasroute::FormatWeight(r.weight_ppb)));
    if (r.pause) {
      absl::StrAppend(&out, "  pause: holds until resumed");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "\n", aliasroute::FormatWeight(s.final_weight()),
                  " after ", FormatClock(s.TotalDuration()));
  if (s.segment_count() > 1) {
    absl::StrAppend(&out, " (resuming each pause at once)");
  }
  absl::StrAppend(&out, "\n");
  return out;
}

std::string Json(const aliasroute::Schedule& s, const std::vector<Row>& rows) {
  const v1::TrafficRoutingConfig& c = s.config();
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"name\": ", JsonQuote(c.name()), ",\n");
  absl::StrAppend(&out, "  \"description\": ", JsonQuote(DescribeConfig(c)), ",\n");
  absl::StrAppend(&out, "  \"final_weight_ppb\": ", s.final_weight(), ",\n");
  absl::StrAppend(&out, "  \"total_duration_ms\": ", s.TotalDuration(), ",\n");
  absl::StrAppend(&out, "  \"segments\": ", s.segment_count(), ",\n");
  absl::StrAppend(&out, "  \"steps\": [");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n", "    {\"time_ms\": ", r.time_ms,
                    ", \"time\": ", JsonQuote(FormatClock(r.time_ms)),
                    ", \"segment\": ", r.segment, ", \"weight_ppb\": ",
                    r.weight_ppb, ", \"weight\": ",
                    JsonQuote(aliasroute::FormatWeight(r.weight_ppb)),
                    ", \"pause\": ", r.pause ? "true" : "false", "}");
  }
  absl::StrAppend(&out, "\n  ]\n}\n");
  return out;
}

std::string Csv(const std::vector<Row>& rows) {
  std::string out = "time_ms,time,segment,weight_ppb,weight,pause\n";
  for (const Row& r : rows) {
    absl::StrAppend(&out, r.time_ms, ",", FormatClock(r.time_ms), ",", r.segment,
                    ",", r.weight_ppb, ",", aliasroute::FormatWeight(r.weight_ppb),
                    ",", r.pause ? "true" : "false", "\n");
  }
  return out;
}

// A step chart: x is time, y the new version's weight.
std::string Svg(const aliasroute::Schedule& s, const std::vector<Row>& rows) {
  constexpr double kW = 720, kH = 360, kLeft = 64, kRight = 24, kTop = 40,
                   kBottom = 48;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  const int64_t last = rows.empty() ? 0 : rows.back().time_ms;
  int64_t span = std::max<int64_t>(s.TotalDuration(), last);
  span = span + std::max<int64_t>(span / 10, 60'000);  // Room after the end.
  const auto x = [&](int64_t t) {
    return kLeft + pw * static_cast<double>(t) / static_cast<double>(span);
  };
  const auto y = [&](uint32_t ppb) {
    return kTop + ph * (1.0 - static_cast<double>(ppb) / aliasroute::kWeightScale);
  };
  const v1::TrafficRoutingConfig& c = s.config();
  std::string out = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
      static_cast<int>(kW), static_cast<int>(kH), static_cast<int>(kW),
      static_cast<int>(kH));
  absl::StrAppend(&out, "  <title>",
                  XmlEscape(absl::StrCat(c.name().empty() ? "" : c.name() + ": ",
                                         DescribeConfig(c))),
                  "</title>\n");
  absl::StrAppend(&out, "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  absl::StrAppend(&out, absl::StrFormat(
      "  <text x=\"%.1f\" y=\"24\" font-size=\"14\">%s</text>\n", kLeft,
      XmlEscape(c.name().empty() ? DescribeConfig(c) : c.name())));
  // Horizontal grid and y labels.
  for (int p = 0; p <= 100; p += 25) {
    const double yy = y(static_cast<uint32_t>(p) * 10'000'000u);
    absl::StrAppend(&out, absl::StrFormat(
        "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
        "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
        kLeft, yy, kLeft + pw, yy, kLeft - 6, yy + 4, p));
  }
  // X ticks: a round number of minutes, about six ticks.
  const int64_t steps[] = {60'000, 120'000, 300'000, 600'000, 900'000,
                           1'800'000, 3'600'000, 7'200'000, 21'600'000,
                           86'400'000};
  int64_t tick = steps[9];
  for (int64_t st : steps) {
    if (span / st <= 8) {
      tick = st;
      break;
    }
  }
  for (int64_t t = 0; t <= span; t += tick) {
    absl::StrAppend(&out, absl::StrFormat(
        "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n"
        "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
        x(t), kTop + ph, x(t), kTop + ph + 5, x(t), kTop + ph + 18,
        FormatClock(t)));
  }
  absl::StrAppend(&out, absl::StrFormat(
      "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n"
      "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
      kLeft, kTop, kLeft, kTop + ph, kLeft, kTop + ph, kLeft + pw, kTop + ph));
  absl::StrAppend(&out, absl::StrFormat(
      "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time since traffic "
      "was first allowed (minutes:seconds)</text>\n",
      kLeft + pw / 2, kH - 8));
  // The step line.
  std::string d;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0) {
      d = absl::StrFormat("M %.2f %.2f", x(rows[i].time_ms), y(rows[i].weight_ppb));
    } else {
      absl::StrAppend(&d, absl::StrFormat(" H %.2f V %.2f", x(rows[i].time_ms),
                                          y(rows[i].weight_ppb)));
    }
  }
  absl::StrAppend(&d, absl::StrFormat(" H %.2f", x(span)));
  absl::StrAppend(&out, "  <path d=\"", d,
                  "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2.5\"/>\n");
  for (const Row& r : rows) {
    absl::StrAppend(&out, absl::StrFormat(
        "  <circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"#1f77b4\"/>\n",
        x(r.time_ms), y(r.weight_ppb)));
    if (r.pause) {
      absl::StrAppend(&out, absl::StrFormat(
          "  <text x=\"%.2f\" y=\"%.2f\" fill=\"#d62728\">pause</text>\n",
          x(r.time_ms) + 4, y(r.weight_ppb) - 6));
    }
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

}  // namespace

int RunPlan(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs = {{"format", FlagSpec::kValue},
                                       {"svg", FlagSpec::kValue}};
  absl::StatusOr<Args> args = ParseArgs(argv, specs);
  if (!args.ok()) return UsageError("plan", args.status().message());
  if (args->help) {
    WriteStdout(kPlanHelp);
    return kExitOk;
  }
  if (args->positionals.size() != 1) {
    return UsageError("plan", args->positionals.empty()
                                  ? "missing CONFIG"
                                  : "expected exactly one CONFIG");
  }
  const std::string format = args->Get("format", "table");
  if (format != "table" && format != "json" && format != "csv") {
    return UsageError("plan", absl::StrCat("--format must be table, json or "
                                           "csv, got \"", format, "\""));
  }
  if (args->Has("svg") && args->Get("svg").empty()) {
    return UsageError("plan", "--svg needs a file name");
  }
  absl::StatusOr<aliasroute::v1::TrafficRoutingConfig> config =
      ParseTrafficConfig(args->positionals[0]);
  if (!config.ok()) return Failure("plan", config.status().message());
  absl::StatusOr<aliasroute::Schedule> schedule =
      aliasroute::Schedule::Create(*config);
  if (!schedule.ok()) return Failure("plan", schedule.status().message());
  const std::vector<Row> rows = Rows(*schedule);
  std::string out;
  if (format == "json") {
    out = Json(*schedule, rows);
  } else if (format == "csv") {
    out = Csv(rows);
  } else {
    out = Table(*schedule, rows);
  }
  if (args->Has("svg")) {
    absl::Status s = WriteFileAtomically(args->Get("svg"), Svg(*schedule, rows));
    if (!s.ok()) return Failure("plan", s.message());
  }
  if (!WriteStdout(out)) return Failure("plan", "cannot write to stdout");
  return kExitOk;
}

}  // namespace aliasroute_cli
