// Fuzz target for lib/schedule.h and lib/deployment.h.
//
// Input layout: byte 0 selects the mode.
//   even: the rest is a serialized v1::TrafficRoutingConfig. When
//         Schedule::Create accepts it, the schedule's invariants must hold
//         (timeline offsets strictly increasing from 0, weights
//         non-decreasing, the last segment ends at final_weight(), WeightAt /
//         NextChangeAfter / TimeToReach agree) at times taken from the input.
//   odd:  byte 1 is the length L of a serialized v1::TrafficRoutingConfig
//         that follows; the remaining bytes drive a deployment with that
//         config: hook and alarm flags, then events (kind, time delta). Every
//         refused event must leave the record unchanged, and at the end the
//         log must replay to the identical record.
// Any violation aborts (libFuzzer reports it as a crash).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "lib/deployment.h"
#include "lib/schedule.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "proto/traffic.pb.h"

namespace {

using aliasroute::Schedule;
using aliasroute::ScheduleChange;
namespace v1 = aliasroute::v1;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                \
      abort();                                                       \
    }                                                                \
  } while (0)

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return v;
  }
  std::string Bytes(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

void CheckSchedule(const Schedule& s, Reader& r) {
  CHECK(s.segment_count() >= 1);
  uint32_t before = 0;
  for (int seg = 0; seg < s.segment_count(); ++seg) {
    const std::vector<ScheduleChange>& tl = s.Timeline(seg);
    CHECK(!tl.empty());
    CHECK(tl[0].at_ms == 0);
    CHECK(tl[0].weight_ppb >= before);
    for (size_t i = 1; i < tl.size(); ++i) {
      CHECK(tl[i].at_ms > tl[i - 1].at_ms);
      CHECK(tl[i].weight_ppb > tl[i - 1].weight_ppb);
    }
    CHECK(tl.back().weight_ppb <= aliasroute::kWeightScale);
    CHECK(s.SegmentDuration(seg) >= tl.back().at_ms);
    const bool last = seg + 1 == s.segment_count();
    CHECK(s.EndsInPause(seg) == !last);
    if (last) CHECK(tl.back().weight_ppb == s.final_weight());
    CHECK(s.WeightAt(-1, seg) == before);
    for (size_t i = 0; i < tl.size(); ++i) {
      CHECK(s.WeightAt(tl[i].at_ms, seg) == tl[i].weight_ppb);
      if (tl[i].at_ms > 0) {
        CHECK(s.WeightAt(tl[i].at_ms - 1, seg) == tl[i - 1].weight_ppb);
      }
      absl::StatusOr<int64_t> t = s.TimeToReach(tl[i].weight_ppb, seg);
      CHECK(t.ok());
      CHECK(*t <= tl[i].at_ms);
    }
    // Arbitrary times and weights from the input.
    for (int k = 0; k < 4 && !r.empty(); ++k) {
      const int64_t t = static_cast<int64_t>(r.U64());
      const uint32_t w = s.WeightAt(t, seg);
      std::optional<int64_t> next = s.NextChangeAfter(t, seg);
      if (next.has_value()) {
        CHECK(*next > t);
        CHECK(s.WeightAt(*next - 1, seg) == w);
      } else {
        CHECK(t >= tl.back().at_ms);
        CHECK(w == tl.back().weight_ppb);
      }
      const uint32_t probe = static_cast<uint32_t>(r.U64());
      absl::StatusOr<int64_t> reach = s.TimeToReach(probe, seg);
      if (reach.ok()) {
        CHECK(s.WeightAt(*reach, seg) >= probe);
        if (*reach > 0) CHECK(s.WeightAt(*reach - 1, seg) < probe);
      } else {
        CHECK(reach.status().code() == absl::StatusCode::kNotFound);
        CHECK(probe > tl.back().weight_ppb);
      }
    }
    before = tl.back().weight_ppb;
  }
}

void FuzzDeployment(const v1::TrafficRoutingConfig& config, Reader& r) {
  v1::DeploymentSpec spec;
  spec.set_deployment_id("fuzz");
  spec.set_function_name("fn");
  spec.set_alias_name("live");
  spec.set_current_version("1");
  spec.set_target_version("2");
  *spec.mutable_traffic_routing() = config;
  const uint8_t flags = r.Byte();
  if (flags & 1) spec.mutable_hooks()->set_before_allow_traffic("pre");
  if (flags & 2) spec.mutable_hooks()->set_after_allow_traffic("post");
  if (flags & 4) spec.mutable_hooks()->set_timeout_ms(1 + r.Byte() * 1000);
  if (flags & 8) {
    spec.mutable_alarms()->set_enabled(true);
    spec.mutable_alarms()->add_alarms("a");
  }
  absl::StatusOr<aliasroute::Deployment> created =
      aliasroute::Deployment::Create(spec);
  if (!created.ok()) return;
  aliasroute::Deployment d = *std::move(created);
  int64_t now = 1'000'000;
  for (int i = 0; i < 200 && !r.empty(); ++i) {
    const uint8_t kind = r.Byte();
    const uint8_t delta = r.Byte();
    // Time deltas from 0 to ~4 hours on a rough log scale; sometimes back.
    if (kind & 0x80) {
      now -= delta;
    } else {
      now += (int64_t{delta} * delta) * 250;
    }
    v1::DeploymentEvent e;
    switch (kind % 8) {
      case 0:
        e = aliasroute::StartEvent(now);
        break;
      case 1:
        e = aliasroute::HookResultEvent(
            now, v1::LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC, (kind & 8) == 0);
        break;
      case 2:
        e = aliasroute::HookResultEvent(
            now, v1::LIFECYCLE_HOOK_AFTER_ALLOW_TRAFFIC, (kind & 8) == 0);
        break;
      case 3:
        e = aliasroute::AlarmEvent(now, (kind & 8) ? "b" : "a");
        break;
      case 4:
        e = aliasroute::StopEvent(now);
        break;
      case 5:
        e = aliasroute::ResumeEvent(now);
        break;
      default:
        e = aliasroute::TickEvent(now);
        break;
    }
    const std::string before = d.ToProto().SerializeAsString();
    const v1::DeploymentState state_before = d.state();
    absl::StatusOr<aliasroute::Decision> result = d.Apply(e);
    if (!result.ok()) {
      CHECK(d.ToProto().SerializeAsString() == before);
      continue;
    }
    // Terminal states are final; weights are within range.
    if (state_before == v1::DEPLOYMENT_STATE_SUCCEEDED ||
        state_before == v1::DEPLOYMENT_STATE_ROLLED_BACK ||
        state_before == v1::DEPLOYMENT_STATE_STOPPED) {
      CHECK(d.state() == state_before);
    }
    CHECK(result->target_weight_ppb <= aliasroute::kWeightScale);
    if (result->next_change_ms.has_value()) {
      CHECK(*result->next_change_ms > e.time_ms());
    }
    if (d.state() == v1::DEPLOYMENT_STATE_ROLLED_BACK ||
        d.state() == v1::DEPLOYMENT_STATE_STOPPED) {
      CHECK(result->primary_version == "1");
      CHECK(result->routing_config.additional_version_weights_size() == 0);
    }
  }
  const v1::Deployment record = d.ToProto();
  absl::StatusOr<aliasroute::Deployment> back =
      aliasroute::Deployment::FromProto(record);
  CHECK(back.ok());
  CHECK(back->ToProto().SerializeAsString() == record.SerializeAsString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Reader r(data + 1, size - 1);
  v1::TrafficRoutingConfig config;
  if ((data[0] & 1) == 0) {
    if (!config.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
    absl::StatusOr<Schedule> s = Schedule::Create(config);
    if (!s.ok()) {
      const absl::StatusCode c = s.status().code();
      CHECK(c == absl::StatusCode::kInvalidArgument ||
            c == absl::StatusCode::kNotFound);
      CHECK(!s.status().message().empty());
      return 0;
    }
    // Use the config bytes again as the source of query times.
    Reader q(data + 1, size - 1);
    CheckSchedule(*s, q);
    return 0;
  }
  const size_t len = r.Byte();
  const std::string bytes = r.Bytes(len);
  if (!config.ParseFromString(bytes)) return 0;
  FuzzDeployment(config, r);
  return 0;
}
