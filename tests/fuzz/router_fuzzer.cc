// Fuzzes Router: snapshots (as serialized protos, and as layouts and weights
// built from the input bytes), names and keys. Properties checked:
//   - no crash, hang, leak or sanitizer report;
//   - Validate(s) ok <=> Create(s) ok, and a failed Publish changes nothing;
//   - every alias of a valid snapshot resolves and routes to one of its own
//     versions, for sticky keys and for every routing point probed;
//   - any name routes to OK, kInvalidArgument or kNotFound only.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lib/router.h"
#include "proto/registry.pb.h"

namespace {

using aliasroute::ExecutedVersion;
using aliasroute::Router;
namespace v1 = aliasroute::v1;

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "router_fuzzer: property failed: %s\n", what);
    abort();
  }
}

bool AllowedCode(const absl::Status& s) {
  return s.ok() || s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kNotFound;
}

// A snapshot from bytes: one function with versions 1..8, one alias whose
// weights and (optionally) explicit layout come from the input.
v1::RegistrySnapshot Structured(absl::string_view in) {
  auto byte = [&](size_t i) -> uint8_t {
    return i < in.size() ? static_cast<uint8_t>(in[i]) : 0;
  };
  auto word = [&](size_t i) -> uint32_t {
    return byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24;
  };
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.mutable_options()->set_routing_mode(
      byte(0) & 1 ? v1::ROUTING_MODE_EXTENDED : v1::ROUTING_MODE_AWS_COMPATIBLE);
  v1::Function* f = s.add_functions();
  f->set_name("f");
  for (int v = 1; v <= 8; ++v) f->add_versions()->set_version(absl::StrCat(v));
  v1::Alias* a = f->add_aliases();
  a->set_name("a");
  a->set_function_version(byte(1) % 9 == 0 ? "$LATEST" : absl::StrCat(byte(1) % 9));
  a->set_routing_seed(word(2));
  const int nw = byte(6) % 5;
  size_t pos = 7;
  for (int i = 0; i < nw; ++i, pos += 5) {
    auto* w = a->mutable_routing_config()->add_additional_version_weights();
    w->set_version(absl::StrCat(byte(pos) % 10));
    w->set_weight_ppb(word(pos + 1) % 1'100'000'000u);
  }
  if (byte(pos) & 1) {
    const int ns = byte(pos + 1) % 12;
    pos += 2;
    for (int i = 0; i < ns; ++i, pos += 5) {
      auto* seg = a->mutable_layout()->add_segments();
      seg->set_version(absl::StrCat(byte(pos) % 10));
      seg->set_end_ppb(i + 1 == ns ? 1'000'000'000u : word(pos + 1) % 1'000'000'001u);
    }
  }
  return s;
}

void Exercise(const v1::RegistrySnapshot& s, absl::string_view rest) {
  const absl::Status valid = Router::Validate(s);
  Check(AllowedCode(valid), "Validate code");
  absl::StatusOr<std::unique_ptr<Router>> r = Router::Create(s);
  Check(r.ok() == valid.ok(), "Validate ok <=> Create ok");
  Router fallback;
  Router& router = r.ok() ? **r : fallback;
  if (!r.ok()) {
    Check(!fallback.Publish(s).ok(), "Publish of an invalid snapshot fails");
    Check(fallback.stats().publications == 0, "failed Publish changes nothing");
  }
  if (r.ok()) {
    for (const v1::Function& f : s.functions()) {
      for (const v1::Alias& a : f.aliases()) {
        std::set<std::string> allowed = {a.function_version()};
        for (const auto& w : a.routing_config().additional_version_weights()) {
          allowed.insert(w.version());
        }
        absl::StatusOr<aliasroute::RouteHandle> h =
            router.Resolve(absl::StrCat(f.name(), ":", a.name()));
        Check(h.ok(), "alias of a valid snapshot resolves");
        absl::StatusOr<ExecutedVersion> v = router.Route(*h, rest);
        Check(v.ok() && allowed.count(v->ToString()) == 1, "sticky route in alias");
        for (uint32_t p : {0u, 1u, 499'999'999u, 999'999'999u,
                           static_cast<uint32_t>(rest.size() * 7919u % 1'000'000'000u)}) {
          absl::StatusOr<ExecutedVersion> pv = router.RouteWithPoint(*h, p);
          Check(pv.ok() && allowed.count(pv->ToString()) == 1, "point route in alias");
        }
        Check(router.RouteRandom(*h).ok(), "random route");
      }
    }
  }
  absl::StatusOr<ExecutedVersion> byname = router.RouteByName(rest, rest);
  Check(AllowedCode(byname.status()), "RouteByName code");
  absl::StatusOr<aliasroute::RouteHandle> h = router.Resolve(rest);
  Check(AllowedCode(h.status()), "Resolve code");
  if (h.ok()) Check(AllowedCode(router.Route(*h, rest).status()), "Route code");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t split = std::min<size_t>(size, 1 + (data[0] % 64) * 4);
  const absl::string_view head = in.substr(1, split - 1), rest = in.substr(split);
  if (data[0] & 0x80) {
    v1::RegistrySnapshot s;
    if (s.ParseFromArray(head.data(), static_cast<int>(head.size()))) {
      Exercise(s, rest);
    }
  } else {
    Exercise(Structured(head), rest);
  }
  return 0;
}
