// Concurrency stress test of the router. Run it under ThreadSanitizer and
// AddressSanitizer too:
//   bazel test --config=tsan //tests:router_stress_test
//   bazel test --config=asan //tests:router_stress_test
//
// The model (router.h, lib/internal/epoch.h): readers route through handles
// and names with no locks and no shared writes; one writer at a time swaps
// whole tables (Publish) or single aliases (UpdateAlias, RemoveAlias) with a
// single atomic exchange and retires the old table to the epoch scheme,
// which frees it once no reader can hold it. What must hold:
//   1. Every route result comes from a table that was actually published:
//      generation g's snapshot publishes versions 10g+1 .. 10g+3 only, and
//      the alias routes only to versions of one generation, so a result
//      names its table. A torn read (half old, half new) or a freed table
//      (garbage) would give a number outside every published set.
//   2. Per reader, generations never go backwards (each route loads the
//      newest table; loads of one atomic are coherent).
//   3. Nothing leaks (LeakSanitizer under asan), nothing is used after free
//      (ASan), no data race (TSan).
//   4. Retired-but-unfreed tables never exceed RouterOptions::max_retired,
//      with readers running, over 100k updates.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/router.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

v1::RegistrySnapshot Generation(uint64_t g) {
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_EXTENDED);
  s.set_region("us-east-1");
  s.set_account_id("123456789012");
  s.set_generation(g);
  v1::Function* f = s.add_functions();
  f->set_name("fn");
  for (int i = 1; i <= 3; ++i) {
    f->add_versions()->set_version(absl::StrCat(10 * g + i));
  }
  v1::Alias* a = f->add_aliases();
  a->set_name("live");
  a->set_function_version(absl::StrCat(10 * g + 1));
  a->set_routing_seed(g);
  auto* w = a->mutable_routing_config()->add_additional_version_weights();
  w->set_version(absl::StrCat(10 * g + 2));
  w->set_weight_ppb(static_cast<uint32_t>((g * 7919) % 1'000'000'000));
  v1::Alias* b = f->add_aliases();
  b->set_name("flicker");
  b->set_function_version(absl::StrCat(10 * g + 3));
  return s;
}

// An UpdateAlias within generation g: shifts weight among its 3 versions.
v1::Alias Shift(uint64_t g, uint64_t i) {
  v1::Alias a;
  a.set_name("live");
  a.set_function_version(absl::StrCat(10 * g + 1 + (i % 3)));
  a.set_routing_seed(i);
  auto* w = a.mutable_routing_config()->add_additional_version_weights();
  w->set_version(absl::StrCat(10 * g + 1 + ((i + 1) % 3)));
  w->set_weight_ppb(static_cast<uint32_t>((i * 104729) % 1'000'000'001));
  return a;
}

TEST(RouterStressTest, ReadersSeeOnlyPublishedTables) {
  RouterOptions options;
  options.reclaim_batch = 16;
  options.max_retired = 64;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Router> router,
                       Router::Create(Generation(1), options));
  ASSERT_OK_AND_ASSIGN(RouteHandle live, router->Resolve("fn:live"));
  ASSERT_OK_AND_ASSIGN(RouteHandle flicker, router->Resolve("fn:flicker"));
  ASSERT_OK_AND_ASSIGN(RouteHandle latest, router->Resolve("fn"));

  std::atomic<uint64_t> published_generation{1};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> routes{0};
  std::atomic<uint64_t> failures{0};

  auto reader = [&](int id) {
    uint64_t last_g = 0;
    uint64_t n = 0;
    char key[16] = {};
    while (!stop.load(std::memory_order_relaxed)) {
      ++n;
      std::memcpy(key, &n, sizeof(n));
      key[8] = static_cast<char>(id);
      absl::StatusOr<ExecutedVersion> v;
      switch (n % 4) {
        case 0: v = router->Route(live, absl::string_view(key, 16)); break;
        case 1: v = router->RouteRandom(live); break;
        case 2: v = router->RouteWithPoint(live, static_cast<uint32_t>(n * 2654435761u % 1'000'000'000)); break;
        case 3: v = router->RouteByName("fn:live", absl::string_view(key, 16)); break;
      }
      if (!v.ok()) {
        ADD_FAILURE() << "live: " << v.status();
        failures.fetch_add(1);
        break;
      }
      const uint64_t g = v->number() / 10, r = v->number() % 10;
      // Read after the route: the writer bumps it before publishing, so any
      // table we saw has g <= this.
      const uint64_t newest = published_generation.load(std::memory_order_acquire);
      if (r < 1 || r > 3 || g < 1 || g > newest || g < last_g) {
        ADD_FAILURE() << "reader " << id << " got version " << v->number()
                      << " after generation " << last_g << " (newest " << newest << ")";
        failures.fetch_add(1);
        break;
      }
      last_g = g;
      // The flickering alias is removed and re-added: OK or kNotFound only.
      absl::StatusOr<ExecutedVersion> f = router->Route(flicker, "x");
      const uint64_t newest2 =
          published_generation.load(std::memory_order_acquire);
      if (!f.ok() && f.status().code() != absl::StatusCode::kNotFound) {
        ADD_FAILURE() << f.status();
        failures.fetch_add(1);
        break;
      }
      if (f.ok() && (f->number() % 10 != 3 || f->number() / 10 > newest2)) {
        ADD_FAILURE() << "flicker got " << *f;
        failures.fetch_add(1);
        break;
      }
      absl::StatusOr<ExecutedVersion> l = router->Route(latest, "x");
      if (!l.ok() || !l->is_latest()) {
        ADD_FAILURE() << "latest";
        failures.fetch_add(1);
        break;
      }
    }
    routes.fetch_add(n);
  };

  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, i);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  uint64_t g = 1, updates = 0;
  while (std::chrono::steady_clock::now() < deadline &&
         failures.load(std::memory_order_relaxed) == 0) {
    ++updates;
    switch (updates % 8) {
      case 0: {
        ++g;
        published_generation.store(g, std::memory_order_release);
        ASSERT_OK(router->Publish(Generation(g)));
        break;
      }
      case 3:
        ASSERT_OK(router->RemoveAlias("fn", "flicker"));
        break;
      case 5: {
        v1::Alias b;
        b.set_name("flicker");
        b.set_function_version(absl::StrCat(10 * g + 3));
        ASSERT_OK(router->UpdateAlias("fn", b));
        break;
      }
      default:
        ASSERT_OK(router->UpdateAlias("fn", Shift(g, updates)));
    }
  }
  stop.store(true);
  for (auto& t : readers) t.join();

  const RouterStats st = router->stats();
  std::printf("membarrier %d, updates %llu (%.0f/s), routes %llu, generations %llu, "
              "reclaimed %llu, max pending %zu, writer waits %llu\n",
              st.membarrier ? 1 : 0, static_cast<unsigned long long>(updates), updates / 2.0,
              static_cast<unsigned long long>(routes.load()),
              static_cast<unsigned long long>(g),
              static_cast<unsigned long long>(st.reclaimed), st.max_retired_pending,
              static_cast<unsigned long long>(st.writer_waits));
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_GT(updates, 1000u) << "the writer should manage thousands of updates";
  EXPECT_GT(routes.load(), 1000u);
  EXPECT_LE(st.max_retired_pending, options.max_retired);
  // Every publication retired one table (the first retired the empty one).
  EXPECT_EQ(st.reclaimed + st.retired_pending, st.publications);
}

TEST(RouterStressTest, RetiredTablesStayBounded) {
  RouterOptions options;
  options.reclaim_batch = 32;
  options.max_retired = 128;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Router> router,
                       Router::Create(Generation(1), options));
  ASSERT_OK_AND_ASSIGN(RouteHandle live, router->Resolve("fn:live"));
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        absl::StatusOr<ExecutedVersion> v = router->Route(live, absl::StrCat(++n));
        if (!v.ok()) {
          ADD_FAILURE() << v.status();
          return;
        }
      }
    });
  }
  constexpr int kUpdates = 100'000;
  size_t worst = 0;
  for (int i = 0; i < kUpdates; ++i) {
    ASSERT_OK(router->UpdateAlias("fn", Shift(1, i)));
    if (i % 64 == 0) worst = std::max(worst, router->stats().retired_pending);
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  const RouterStats st = router->stats();
  std::printf("100k updates: max pending %zu (bound %zu), reclaimed %llu, "
              "writer waits %llu\n",
              st.max_retired_pending, options.max_retired,
              static_cast<unsigned long long>(st.reclaimed),
              static_cast<unsigned long long>(st.writer_waits));
  EXPECT_LE(worst, options.max_retired);
  EXPECT_LE(st.max_retired_pending, options.max_retired);
  EXPECT_GE(st.reclaimed, static_cast<uint64_t>(kUpdates) - options.max_retired);
  EXPECT_EQ(st.publications, static_cast<uint64_t>(kUpdates) + 1);
}

}  // namespace
}  // namespace aliasroute
