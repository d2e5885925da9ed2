// Router hot-path benchmarks, each beside its baseline in the same binary:
//
//   bazel run --config=opt //benchmarks:router_benchmark --
//       --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//       --benchmark_report_aggregates_only=true
//
// Interleaving the repetitions at random spreads slow phases of a noisy
// machine over every benchmark instead of one.
//
// Baselines (all implemented here from their public descriptions):
//   Xxh3Only          XXH3_64bits_withSeed of the same 16- or 36-byte key
//                     with a runtime seed: the floor for a sticky route.
//   MutexMap          std::mutex + std::map<name, alias> +
//                     std::discrete_distribution (random).
//   AtomicSharedPtr   snapshot in a std::shared_ptr read with the pre-C++20
//                     std::atomic_load free function (libstdc++: a mutex
//                     pool, like std::atomic<std::shared_ptr>'s lock bit,
//                     not lock-free), pre-resolved alias, cumulative scan.
//   Envoy             random u64 % total weight + linear scan over
//                     cumulative integer weights (weighted_clusters).
//   NginxSplitClients MurmurHash2 of the key + linear scan over cumulative
//                     uint32 thresholds (split_clients).
// Reader throughput with a writer publishing 10,000 UpdateAlias/s runs the
// same readers with the writer off (arg 0), on (args 1 and 2) and with a
// do-nothing control thread (arg 3); see PacedWriter.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "lib/router.h"
#include "lib/weights.h"

namespace {

using aliasroute::ExecutedVersion;
using aliasroute::RouteHandle;
using aliasroute::Router;
namespace v1 = aliasroute::v1;

constexpr int kKeys = 1024;  // Power of two.
constexpr uint32_t kCanaryPpb = 100'000'000;  // 10 %.

// 1024 distinct 16-byte keys, the same for every benchmark.
const std::vector<std::string>& Keys() {
  static const std::vector<std::string>* keys = [] {
    auto* k = new std::vector<std::string>;
    std::mt19937_64 rng(12345);
    for (int i = 0; i < kKeys; ++i) {
      std::string s(16, '\0');
      const uint64_t a = rng(), b = rng();
      std::memcpy(&s[0], &a, 8);
      std::memcpy(&s[8], &b, 8);
      k->push_back(s);
    }
    return k;
  }();
  return *keys;
}

// 1024 distinct 36-byte keys shaped like UUIDs (a common session or user id).
const std::vector<std::string>& UuidKeys() {
  static const std::vector<std::string>* keys = [] {
    auto* k = new std::vector<std::string>;
    std::mt19937_64 rng(54321);
    for (int i = 0; i < kKeys; ++i) {
      const uint64_t a = rng(), b = rng();
      char buf[40];
      std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx",
                    static_cast<unsigned>(a >> 32),
                    static_cast<unsigned>((a >> 16) & 0xffff),
                    static_cast<unsigned>(a & 0xffff),
                    static_cast<unsigned>(b >> 48),
                    static_cast<unsigned long long>(b & 0xffffffffffffull));
      k->push_back(buf);
    }
    return k;
  }();
  return *keys;
}

v1::Alias LiveAlias(uint32_t weight, uint64_t seed = 42) {
  v1::Alias a;
  a.set_name("live");
  a.set_function_version("1");
  a.set_routing_seed(seed);
  auto* w = a.mutable_routing_config()->add_additional_version_weights();
  w->set_version("2");
  w->set_weight_ppb(weight);
  return a;
}

v1::RegistrySnapshot SmallSnapshot() {
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.set_partition("aws");
  s.set_region("us-east-1");
  s.set_account_id("123456789012");
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_AWS_COMPATIBLE);
  v1::Function* f = s.add_functions();
  f->set_name("checkout");
  f->add_versions()->set_version("1");
  f->add_versions()->set_version("2");
  *f->add_aliases() = LiveAlias(kCanaryPpb);
  // A few more functions so the name lookup is not trivially small.
  for (int i = 0; i < 100; ++i) {
    v1::Function* g = s.add_functions();
    g->set_name(absl::StrCat("fn-", i));
    g->add_versions()->set_version("1");
    g->add_versions()->set_version("2");
    *g->add_aliases() = LiveAlias(kCanaryPpb, i);
  }
  return s;
}

Router& SmallRouter() {
  static Router* r = Router::Create(SmallSnapshot())->release();
  return *r;
}

RouteHandle LiveHandle() {
  static const RouteHandle h = *SmallRouter().Resolve("checkout:live");
  return h;
}

// Consumes a route result the way a caller does (checks it, reads the
// version), so the router and the baselines, which produce a plain number,
// are measured alike.
inline void Use(const absl::StatusOr<ExecutedVersion>& v) {
  benchmark::DoNotOptimize(v.ok() ? v->number() : ~uint64_t{0});
}

// ---------------------------------------------------------------------------
// Floor: XXH3 of the key alone, with the seed a runtime value as the alias's
// seed is for the router (a compile-time seed would fold into XXH3's
// constants, which no router can do).

uint64_t RuntimeSeed() {
  uint64_t seed = 42;
  benchmark::DoNotOptimize(seed);  // Opaque to the optimizer from here on.
  return seed;
}

// XXH3_64bits_withSeed with its body forced inline (xxhash 0.8.x defines it
// as exactly this call; GCC otherwise calls it once the seed is not a
// constant), so the floor pays no call.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t Xxh3Inline(const std::string& k,
                                                    uint64_t seed) {
#if XXH_VERSION_NUMBER >= 800 && XXH_VERSION_NUMBER < 900
  return XXH3_64bits_internal(k.data(), k.size(), seed, XXH3_kSecret,
                              sizeof(XXH3_kSecret), XXH3_hashLong_64b_withSeed);
#else
  return XXH3_64bits_withSeed(k.data(), k.size(), seed);
#endif
}

void BM_Xxh3Only_16B(benchmark::State& state) {
  const auto& keys = Keys();
  const uint64_t seed = RuntimeSeed();
  uint32_t i = 0;
  for (auto _ : state) {
    const std::string& k = keys[i++ & (kKeys - 1)];
    benchmark::DoNotOptimize(Xxh3Inline(k, seed));
  }
}
BENCHMARK(BM_Xxh3Only_16B)->Threads(1);

void BM_Xxh3Only_36B(benchmark::State& state) {
  const auto& keys = UuidKeys();
  const uint64_t seed = RuntimeSeed();
  uint32_t i = 0;
  for (auto _ : state) {
    const std::string& k = keys[i++ & (kKeys - 1)];
    benchmark::DoNotOptimize(Xxh3Inline(k, seed));
  }
}
BENCHMARK(BM_Xxh3Only_36B)->Threads(1);

// ---------------------------------------------------------------------------
// The router.

void BM_Router_StickyByHandle_16B(benchmark::State& state) {
  Router& r = SmallRouter();
  const RouteHandle h = LiveHandle();
  const auto& keys = Keys();
  uint32_t i = 0;
  for (auto _ : state) {
    Use(r.Route(h, keys[i++ & (kKeys - 1)]));
  }
}
BENCHMARK(BM_Router_StickyByHandle_16B)->Threads(1)->Threads(2);

void BM_Router_StickyByHandle_36B(benchmark::State& state) {
  Router& r = SmallRouter();
  const RouteHandle h = LiveHandle();
  const auto& keys = UuidKeys();
  uint32_t i = 0;
  for (auto _ : state) {
    Use(r.Route(h, keys[i++ & (kKeys - 1)]));
  }
}
BENCHMARK(BM_Router_StickyByHandle_36B);

void BM_Router_RandomByHandle(benchmark::State& state) {
  Router& r = SmallRouter();
  const RouteHandle h = LiveHandle();
  for (auto _ : state) Use(r.RouteRandom(h));
}
BENCHMARK(BM_Router_RandomByHandle)->Threads(1)->Threads(2);

void BM_Router_WithPoint(benchmark::State& state) {
  Router& r = SmallRouter();
  const RouteHandle h = LiveHandle();
  uint32_t p = 0;
  for (auto _ : state) {
    p = (p + 123'456'789u) % aliasroute::kWeightScale;
    Use(r.RouteWithPoint(h, p));
  }
}
BENCHMARK(BM_Router_WithPoint);

void BM_Router_ByName_16B(benchmark::State& state) {
  Router& r = SmallRouter();
  const auto& keys = Keys();
  uint32_t i = 0;
  for (auto _ : state) {
    Use(r.RouteByName("checkout:live", keys[i++ & (kKeys - 1)]));
  }
}
BENCHMARK(BM_Router_ByName_16B)->Threads(1)->Threads(2);

void BM_Router_ByFullArn_16B(benchmark::State& state) {
  Router& r = SmallRouter();
  const auto& keys = Keys();
  uint32_t i = 0;
  for (auto _ : state) {
    Use(r.RouteByName(
        "arn:aws:lambda:us-east-1:123456789012:function:checkout:live",
        keys[i++ & (kKeys - 1)]));
  }
}
BENCHMARK(BM_Router_ByFullArn_16B);

// ---------------------------------------------------------------------------
// Baseline: mutex + std::map + std::discrete_distribution (random).

struct MutexMapRouter {
  struct Alias {
    std::vector<uint64_t> versions;
    std::discrete_distribution<int> dist;
  };
  std::mutex mu;
  std::map<std::string, Alias> aliases;

  uint64_t Route(const std::string& name) {
    thread_local std::mt19937_64 rng(std::random_device{}());
    std::lock_guard<std::mutex> lock(mu);
    Alias& a = aliases.find(name)->second;
    return a.versions[a.dist(rng)];
  }
};

MutexMapRouter& MutexRouter() {
  static MutexMapRouter* r = [] {
    auto* m = new MutexMapRouter;
    m->aliases["checkout:live"] =
        MutexMapRouter::Alias{{1, 2}, std::discrete_distribution<int>({0.9, 0.1})};
    for (int i = 0; i < 100; ++i) {
      m->aliases[absl::StrCat("fn-", i, ":live")] =
          MutexMapRouter::Alias{{1, 2}, std::discrete_distribution<int>({0.9, 0.1})};
    }
    return m;
  }();
  return *r;
}

void BM_Baseline_MutexMap_Random(benchmark::State& state) {
  MutexMapRouter& m = MutexRouter();
  const std::string name = "checkout:live";
  for (auto _ : state) benchmark::DoNotOptimize(m.Route(name));
}
BENCHMARK(BM_Baseline_MutexMap_Random)->Threads(1)->Threads(2);

// ---------------------------------------------------------------------------
// Baseline: snapshot in a shared_ptr, read with std::atomic_load.

struct SpTable {
  struct Alias {
    std::vector<uint32_t> ends;  // Cumulative ppb.
    std::vector<uint64_t> versions;
  };
  std::vector<Alias> aliases;
};

std::shared_ptr<const SpTable>& SpSnapshot() {
  static auto* p = [] {
    auto t = std::make_shared<SpTable>();
    t->aliases.push_back(SpTable::Alias{{kCanaryPpb, aliasroute::kWeightScale}, {2, 1}});
    return new std::shared_ptr<const SpTable>(std::move(t));
  }();
  return *p;
}

inline uint64_t SplitMix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void BM_Baseline_AtomicSharedPtr_Random(benchmark::State& state) {
  std::shared_ptr<const SpTable>& snap = SpSnapshot();
  uint64_t rng = 1 + state.thread_index();
  for (auto _ : state) {
    std::shared_ptr<const SpTable> t = std::atomic_load(&snap);
    const SpTable::Alias& a = t->aliases[0];
    const uint32_t p = aliasroute::RoutingPoint(SplitMix(rng));
    size_t i = 0;
    while (p >= a.ends[i]) ++i;
    benchmark::DoNotOptimize(a.versions[i]);
  }
}
BENCHMARK(BM_Baseline_AtomicSharedPtr_Random)->Threads(1)->Threads(2);

// ---------------------------------------------------------------------------
// Baseline: Envoy weighted_clusters (random % total weight, linear scan).

void BM_Baseline_Envoy_Random(benchmark::State& state) {
  struct Cluster {
    uint32_t weight;
    uint64_t version;
  };
  const Cluster clusters[] = {{90, 1}, {10, 2}};
  const uint64_t total = 100;
  uint64_t rng = 7 + state.thread_index();
  for (auto _ : state) {
    const uint64_t selected = SplitMix(rng) % total;
    uint64_t begin = 0, version = 0;
    for (const Cluster& c : clusters) {
      const uint64_t end = begin + c.weight;
      if (selected >= begin && selected < end) {
        version = c.version;
        break;
      }
      begin = end;
    }
    benchmark::DoNotOptimize(version);
  }
}
BENCHMARK(BM_Baseline_Envoy_Random)->Threads(1);

// ---------------------------------------------------------------------------
// Baseline: nginx split_clients (MurmurHash2 of the key, scan over
// cumulative uint32 thresholds). MurmurHash2, 32-bit, written from Austin
// Appleby's public description: m = 0x5bd1e995, r = 24.

inline uint32_t MurmurHash2(const void* data, size_t len, uint32_t seed) {
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  uint32_t h = seed ^ static_cast<uint32_t>(len);
  const unsigned char* p = static_cast<const unsigned char*>(data);
  while (len >= 4) {
    uint32_t k;
    std::memcpy(&k, p, 4);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
    p += 4;
    len -= 4;
  }
  switch (len) {
    case 3: h ^= static_cast<uint32_t>(p[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint32_t>(p[1]) << 8; [[fallthrough]];
    case 1: h ^= p[0]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

void BM_Baseline_NginxSplitClients_16B(benchmark::State& state) {
  struct Part {
    uint32_t threshold;  // Cumulative share of 2^32; the last is open-ended.
    uint64_t version;
  };
  const Part parts[] = {{static_cast<uint32_t>(0.1 * 4294967296.0), 2},
                        {0xFFFFFFFFu, 1}};
  const auto& keys = Keys();
  uint32_t i = 0;
  for (auto _ : state) {
    const std::string& k = keys[i++ & (kKeys - 1)];
    const uint32_t hash = MurmurHash2(k.data(), k.size(), 0);
    uint64_t version = parts[1].version;
    for (const Part& part : parts) {
      if (hash < part.threshold) {
        version = part.version;
        break;
      }
    }
    benchmark::DoNotOptimize(version);
  }
}
BENCHMARK(BM_Baseline_NginxSplitClients_16B)->Threads(1);


// ---------------------------------------------------------------------------
// The writer's cost per update (what the paced writer below spends per
// update): UpdateAlias on the 101-function, 101-alias table, beside the
// copy-on-write update of a table of the same size held in a shared_ptr
// (copy, change one alias, std::atomic_store).

void BM_Writer_UpdateAlias(benchmark::State& state) {
  Router& r = SmallRouter();
  const v1::Alias a = LiveAlias(kCanaryPpb), b = LiveAlias(110'000'000);
  uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(r.UpdateAlias("checkout", (i++ & 1) ? b : a));
  }
}
BENCHMARK(BM_Writer_UpdateAlias);

void BM_Baseline_AtomicSharedPtr_Update(benchmark::State& state) {
  static auto* snap = [] {
    auto t = std::make_shared<SpTable>();
    for (int k = 0; k < 202; ++k) {
      t->aliases.push_back(
          SpTable::Alias{{kCanaryPpb, aliasroute::kWeightScale}, {2, 1}});
    }
    return new std::shared_ptr<const SpTable>(std::move(t));
  }();
  uint64_t i = 0;
  for (auto _ : state) {
    auto next = std::make_shared<SpTable>(*std::atomic_load(snap));
    next->aliases[0].ends[0] = (i++ & 1) ? 110'000'000 : kCanaryPpb;
    std::atomic_store(snap, std::shared_ptr<const SpTable>(std::move(next)));
  }
}
BENCHMARK(BM_Baseline_AtomicSharedPtr_Update);

// Publishing a whole snapshot: 100 functions x 100 two-version aliases, beside
// building the same 10^4 aliases into a std::unordered_map keyed by
// "function:alias" (the least a snapshot-swapping router must do: index
// every alias once).

v1::RegistrySnapshot Snapshot10k() {
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_AWS_COMPATIBLE);
  for (int f = 0; f < 100; ++f) {
    v1::Function* fn = s.add_functions();
    fn->set_name(absl::StrCat("function-", f));
    fn->add_versions()->set_version("1");
    fn->add_versions()->set_version("2");
    for (int a = 0; a < 100; ++a) {
      v1::Alias* al = fn->add_aliases();
      *al = LiveAlias(kCanaryPpb, f * 100 + a);
      al->set_name(absl::StrCat("alias-", a));
    }
  }
  return s;
}

void BM_Router_Publish10kAliases(benchmark::State& state) {
  const v1::RegistrySnapshot s = Snapshot10k();
  Router r;
  for (auto _ : state) benchmark::DoNotOptimize(r.Publish(s));
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_Router_Publish10kAliases)->Unit(benchmark::kMicrosecond);

void BM_Baseline_UnorderedMap10kAliases(benchmark::State& state) {
  const v1::RegistrySnapshot s = Snapshot10k();
  struct Entry {
    uint64_t seed;
    uint32_t end;
    uint64_t versions[2];
  };
  for (auto _ : state) {
    std::unordered_map<std::string, Entry> m;
    m.reserve(10'000);
    for (const v1::Function& f : s.functions()) {
      for (const v1::Alias& a : f.aliases()) {
        const auto& w = a.routing_config().additional_version_weights(0);
        m.emplace(absl::StrCat(f.name(), ":", a.name()),
                  Entry{a.routing_seed(), aliasroute::kWeightScale - w.weight_ppb(),
                        {std::stoull(a.function_version()), std::stoull(w.version())}});
      }
    }
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_Baseline_UnorderedMap10kAliases)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------
// Readers while a writer publishes 10,000 updates per second.
//
// Arg "writer" picks what runs beside the readers:
//   0  nothing: the throughput the others are compared with;
//   1  UpdateAlias every 100 us: one update per wake-up (10,000 wake-ups/s);
//   2  10 UpdateAlias every 1 ms: the same 10,000 updates/s, batched the way
//      a control plane applying a stream of changes would (1,000 wake-ups/s);
//   3  control for 1: a thread that wakes every 100 us and does nothing, so
//      the cost of the wake-ups themselves (timer, context switches on a
//      machine with no idle core) is separated from the router's.
// Counters: writer_updates_per_s achieved, and writer_cpu_pct, the writer
// thread's CPU time over wall time.

class PacedWriter {
 public:
  explicit PacedWriter(Router& r) : router_(r) {}
  void Start(int mode) {
    stop_.store(false);
    mode_ = mode;
    updates_ = 0;
    cpu_ns_ = 0;
    start_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { Run(); });
  }
  struct Result {
    double updates_per_s;
    double cpu_pct;
  };
  Result Stop() {
    stop_.store(true);
    thread_.join();
    const double s = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start_)
                         .count();
    return {updates_ / s, 100.0 * cpu_ns_ / (s * 1e9)};
  }

 private:
  static int64_t ThreadCpuNs() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
  void Run() {
    const int64_t cpu0 = ThreadCpuNs();
    const auto period = std::chrono::microseconds(mode_ == 2 ? 1000 : 100);
    const int per_wake = mode_ == 2 ? 10 : mode_ == 3 ? 0 : 1;
    // Alternate 10 % and 11 % so every update really changes the table.
    const v1::Alias a = LiveAlias(kCanaryPpb), b = LiveAlias(110'000'000);
    auto next = std::chrono::steady_clock::now();
    uint64_t i = 0;
    while (!stop_.load(std::memory_order_relaxed)) {
      for (int k = 0; k < per_wake; ++k) {
        (void)router_.UpdateAlias("checkout", (i++ & 1) ? b : a);
        ++updates_;
      }
      next += period;
      std::this_thread::sleep_until(next);
    }
    cpu_ns_ = ThreadCpuNs() - cpu0;
  }
  Router& router_;
  std::atomic<bool> stop_{false};
  int mode_ = 1;
  uint64_t updates_ = 0;
  int64_t cpu_ns_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

void ReadersUnderWriter(benchmark::State& state, bool sticky) {
  Router& r = SmallRouter();
  const RouteHandle h = LiveHandle();
  static PacedWriter* writer = new PacedWriter(SmallRouter());
  const int mode = static_cast<int>(state.range(0));
  if (mode != 0 && state.thread_index() == 0) writer->Start(mode);
  const auto& keys = Keys();
  uint32_t i = 0;
  for (auto _ : state) {
    if (sticky) {
      Use(r.Route(h, keys[i++ & (kKeys - 1)]));
    } else {
      Use(r.RouteRandom(h));
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (mode != 0 && state.thread_index() == 0) {
    const PacedWriter::Result w = writer->Stop();
    state.counters["writer_updates_per_s"] = w.updates_per_s;
    state.counters["writer_cpu_pct"] = w.cpu_pct;
  }
}

void BM_Readers_Random_Writer(benchmark::State& state) {
  ReadersUnderWriter(state, false);
}
BENCHMARK(BM_Readers_Random_Writer)
    ->ArgName("writer")
    ->DenseRange(0, 3)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

void BM_Readers_Sticky_Writer(benchmark::State& state) {
  ReadersUnderWriter(state, true);
}
BENCHMARK(BM_Readers_Sticky_Writer)
    ->ArgName("writer")
    ->DenseRange(0, 3)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// ---------------------------------------------------------------------------
// 10^6 aliases: memory, and routes to a random alias per request (the table
// does not fit in the caches).

constexpr int kFunctions = 1000, kAliasesPerFunction = 1000;

long RssKb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, rss = 0;
  statm >> pages >> rss;
  return rss * 4;
}

struct Big {
  std::unique_ptr<Router> router;
  std::vector<RouteHandle> handles;
  double rss_delta_bytes = 0;
  size_t table_bytes = 0;
};

Big& BigRouter() {
  static Big* big = [] {
    auto* b = new Big;
    long rss_before = 0;
    {
      v1::RegistrySnapshot s;
      s.set_format_version(1);
      s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_AWS_COMPATIBLE);
      for (int f = 0; f < kFunctions; ++f) {
        v1::Function* fn = s.add_functions();
        fn->set_name(absl::StrCat("function-", f));
        fn->add_versions()->set_version("1");
        fn->add_versions()->set_version("2");
        for (int a = 0; a < kAliasesPerFunction; ++a) {
          v1::Alias* al = fn->add_aliases();
          *al = LiveAlias(kCanaryPpb, f * kAliasesPerFunction + a);
          al->set_name(absl::StrCat("alias-", a));
        }
      }
      rss_before = RssKb();
      b->router = *Router::Create(s);
      b->rss_delta_bytes = (RssKb() - rss_before) * 1024.0;
    }
    b->table_bytes = b->router->stats().table_bytes;
    b->handles.reserve(kFunctions * kAliasesPerFunction);
    for (int f = 0; f < kFunctions; ++f) {
      for (int a = 0; a < kAliasesPerFunction; ++a) {
        b->handles.push_back(
            *b->router->Resolve(absl::StrCat("function-", f, ":alias-", a)));
      }
    }
    return b;
  }();
  return *big;
}

void BM_Router_1MAliases_RandomAlias_Sticky16B(benchmark::State& state) {
  Big& big = BigRouter();
  const auto& keys = Keys();
  const size_t n = big.handles.size();
  uint64_t rng = 99;
  uint32_t i = 0;
  for (auto _ : state) {
    const RouteHandle& h = big.handles[SplitMix(rng) % n];
    Use(big.router->Route(h, keys[i++ & (kKeys - 1)]));
  }
  state.counters["aliases"] = static_cast<double>(n);
  state.counters["table_bytes"] = static_cast<double>(big.table_bytes);
  state.counters["table_bytes_per_alias"] = static_cast<double>(big.table_bytes) / n;
  state.counters["rss_delta_bytes_per_alias"] = big.rss_delta_bytes / n;
}
BENCHMARK(BM_Router_1MAliases_RandomAlias_Sticky16B);

// Same loop shape on one hot alias, to isolate the cache-miss cost.
void BM_Router_1MAliases_SameAlias_Sticky16B(benchmark::State& state) {
  Big& big = BigRouter();
  const auto& keys = Keys();
  const size_t n = big.handles.size();
  uint64_t rng = 99;
  uint32_t i = 0;
  for (auto _ : state) {
    const RouteHandle& h = big.handles[(SplitMix(rng) % n) & 0];
    Use(big.router->Route(h, keys[i++ & (kKeys - 1)]));
  }
}
BENCHMARK(BM_Router_1MAliases_SameAlias_Sticky16B);

}  // namespace

BENCHMARK_MAIN();
