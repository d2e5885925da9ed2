// Registry control-plane costs, each beside its baseline in this binary:
//   BM_AliasUpdate/F           one weight change (UpdateAlias) in a registry
//                              of F functions: validation, layout, copy-on-
//                              write of the function and of the index.
//   BM_BaselineCopyFunction    copying the changed v1::Function alone (the
//                              part of a write any copy-on-write design pays).
//   BM_GetAlias/F              one read.
//   BM_BaselineCopyAlias       copying the v1::Alias a read returns.
//   BM_SnapshotShared          Snapshot() on an unchanged state (shared).
//   BM_SnapshotAfterWrite/F    a write followed by Snapshot() (rebuilt).
//
// bazel run --config=opt //benchmarks:registry_benchmark

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "lib/layout.h"
#include "lib/registry.h"

namespace aliasroute {
namespace {

// A registry with `functions` functions f0..fN, each with versions 1-3 and
// an alias "live" on 1 with 10 % to 2.
std::unique_ptr<Registry> MakeRegistry(int functions) {
  RegistryOptions o;
  o.max_functions = 100'000;
  auto r = Registry::Create(o).value();
  for (int i = 0; i < functions; ++i) {
    const std::string name = absl::StrCat("f", i);
    CreateFunctionRequest c;
    c.function_name = name;
    c.configuration.set_role("arn:aws:iam::123456789012:role/app");
    c.configuration.set_code_sha256("s0");
    c.publish = true;
    (void)r->CreateFunction(c);
    for (int v = 1; v <= 2; ++v) {
      UpdateFunctionCodeRequest u;
      u.function_name = name;
      u.code_sha256 = absl::StrCat("s", v);
      u.publish = true;
      (void)r->UpdateFunctionCode(u);
    }
    CreateAliasRequest a;
    a.function_name = name;
    a.name = "live";
    a.function_version = "1";
    auto* w = a.routing_config.add_additional_version_weights();
    w->set_version("2");
    w->set_weight_ppb(100'000'000);
    (void)r->CreateAlias(a);
  }
  return r;
}

void BM_AliasUpdate(benchmark::State& state) {
  auto r = MakeRegistry(static_cast<int>(state.range(0)));
  uint32_t step = 0;
  for (auto _ : state) {
    step = (step + 1) % 100;
    std::vector<VersionShare> w = {{"2", step * 10'000'000}};
    benchmark::DoNotOptimize(r->SetAliasRouting("f0", "live", "1", w));
  }
}
BENCHMARK(BM_AliasUpdate)->Arg(1)->Arg(1'000)->Arg(10'000);

void BM_BaselineCopyFunction(benchmark::State& state) {
  auto r = MakeRegistry(1);
  const v1::Function f = r->GetFunction("f0").value();
  for (auto _ : state) {
    v1::Function copy = f;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_BaselineCopyFunction);

void BM_GetAlias(benchmark::State& state) {
  auto r = MakeRegistry(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(r->GetAlias("f0", "live"));
}
BENCHMARK(BM_GetAlias)->Arg(1)->Arg(10'000);

void BM_BaselineCopyAlias(benchmark::State& state) {
  auto r = MakeRegistry(1);
  const v1::Alias a = r->GetAlias("f0", "live").value();
  for (auto _ : state) {
    v1::Alias copy = a;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_BaselineCopyAlias);

void BM_SnapshotShared(benchmark::State& state) {
  auto r = MakeRegistry(1'000);
  for (auto _ : state) benchmark::DoNotOptimize(r->Snapshot());
}
BENCHMARK(BM_SnapshotShared);

void BM_SnapshotAfterWrite(benchmark::State& state) {
  auto r = MakeRegistry(static_cast<int>(state.range(0)));
  uint32_t step = 0;
  for (auto _ : state) {
    step = (step + 1) % 100;
    std::vector<VersionShare> w = {{"2", step * 10'000'000}};
    (void)r->SetAliasRouting("f0", "live", "1", w);
    benchmark::DoNotOptimize(r->Snapshot());
  }
}
BENCHMARK(BM_SnapshotAfterWrite)->Arg(1)->Arg(1'000);

}  // namespace
}  // namespace aliasroute

BENCHMARK_MAIN();
