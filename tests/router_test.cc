// Functional tests of lib/router.h: resolution of names and ARNs, handles
// across table swaps, writers' atomicity and validation, bad input.

#include "lib/router.h"

#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/internal/route_table.h"
#include "lib/layout.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::IsOkAndHolds;
using ::aliasroute_testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kNotFound = absl::StatusCode::kNotFound;

ExecutedVersion V(uint64_t n) { return ExecutedVersion::Published(n); }

v1::Function* AddFunction(v1::RegistrySnapshot& s, const std::string& name,
                          std::vector<int> versions) {
  v1::Function* f = s.add_functions();
  f->set_name(name);
  for (int v : versions) f->add_versions()->set_version(absl::StrCat(v));
  f->set_last_version_number(versions.empty() ? 0 : versions.back());
  return f;
}

v1::Alias MakeAlias(const std::string& name, const std::string& primary,
                    std::vector<std::pair<std::string, uint32_t>> weights = {},
                    uint64_t seed = 42) {
  v1::Alias a;
  a.set_name(name);
  a.set_function_version(primary);
  for (const auto& [v, w] : weights) {
    v1::VersionWeight* vw = a.mutable_routing_config()->add_additional_version_weights();
    vw->set_version(v);
    vw->set_weight_ppb(w);
  }
  a.set_routing_seed(seed);
  return a;
}

v1::RegistrySnapshot BaseSnapshot() {
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_AWS_COMPATIBLE);
  s.set_partition("aws");
  s.set_region("us-east-1");
  s.set_account_id("123456789012");
  s.set_generation(7);
  v1::Function* f = AddFunction(s, "checkout", {1, 2, 3});
  *f->add_aliases() = MakeAlias("live", "1", {{"2", 100'000'000}});
  *f->add_aliases() = MakeAlias("stable", "3");
  *f->add_aliases() = MakeAlias("dev", "$LATEST");
  AddFunction(s, "empty", {});
  return s;
}

std::unique_ptr<Router> MakeRouter(const v1::RegistrySnapshot& s) {
  absl::StatusOr<std::unique_ptr<Router>> r = Router::Create(s);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : nullptr;
}

TEST(ExecutedVersionTest, FormatsLikeLambda) {
  EXPECT_EQ(ExecutedVersion().ToString(), "$LATEST");
  EXPECT_EQ(ExecutedVersion::Latest().ToString(), "$LATEST");
  EXPECT_EQ(V(7).ToString(), "7");
  EXPECT_EQ(V(9223372036854775807ull).ToString(), "9223372036854775807");
  EXPECT_TRUE(ExecutedVersion::Published(0).is_latest());
  EXPECT_EQ(V(3).number(), 3u);
  EXPECT_NE(V(3), V(4));
}

TEST(RouterTest, ResolvesEveryNameForm) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  const std::string key = "user-1";
  EXPECT_THAT(router->RouteByName("checkout", key), IsOkAndHolds(ExecutedVersion::Latest()));
  EXPECT_THAT(router->RouteByName("checkout:$LATEST", key),
              IsOkAndHolds(ExecutedVersion::Latest()));
  EXPECT_THAT(router->RouteByName("checkout:2", key), IsOkAndHolds(V(2)));
  EXPECT_THAT(router->RouteByName("checkout:stable", key), IsOkAndHolds(V(3)));
  EXPECT_THAT(router->RouteByName("checkout:dev", key), IsOkAndHolds(ExecutedVersion::Latest()));
  EXPECT_THAT(router->RouteByName("123456789012:function:checkout:stable", key),
              IsOkAndHolds(V(3)));
  EXPECT_THAT(router->RouteByName(
                  "arn:aws:lambda:us-east-1:123456789012:function:checkout:stable", key),
              IsOkAndHolds(V(3)));
  EXPECT_THAT(router->RouteByName(
                  "arn:aws:lambda:us-east-1:123456789012:function:checkout", key),
              IsOkAndHolds(ExecutedVersion::Latest()));
  EXPECT_THAT(router->RouteByName("empty", key), IsOkAndHolds(ExecutedVersion::Latest()));
}

TEST(RouterTest, WeightedAliasRoutesBySegments) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  // Canonical layout: "2" owns [0, 1e8), "1" owns [1e8, 1e9).
  EXPECT_THAT(router->RouteWithPoint(h, 0), IsOkAndHolds(V(2)));
  EXPECT_THAT(router->RouteWithPoint(h, 99'999'999), IsOkAndHolds(V(2)));
  EXPECT_THAT(router->RouteWithPoint(h, 100'000'000), IsOkAndHolds(V(1)));
  EXPECT_THAT(router->RouteWithPoint(h, 999'999'999), IsOkAndHolds(V(1)));
  EXPECT_THAT(router->RouteWithPoint(h, 1'000'000'000),
              StatusIs(kInvalid, HasSubstr("routing point must be below")));
  // Sticky: the point is StickyPoint(seed, key).
  for (int i = 0; i < 200; ++i) {
    const std::string key = absl::StrCat("k", i);
    const uint64_t want = StickyPoint(42, key) < 100'000'000 ? 2 : 1;
    EXPECT_THAT(router->Route(h, key), IsOkAndHolds(V(want))) << key;
    EXPECT_THAT(router->RouteByName("checkout:live", key), IsOkAndHolds(V(want)));
  }
}

TEST(RouterTest, RandomRouteUsesBothVersions) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  int twos = 0;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_OK_AND_ASSIGN(ExecutedVersion v, router->RouteRandom(h));
    ASSERT_TRUE(v == V(1) || v == V(2)) << v;
    twos += v == V(2);
  }
  // 10 %: mean 1000, sd 30; 6 sd bounds never fail by chance in practice.
  EXPECT_GT(twos, 820);
  EXPECT_LT(twos, 1180);
}

TEST(RouterTest, EmptyAndHugeKeysAreValid) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  const uint64_t want_empty = StickyPoint(42, "") < 100'000'000 ? 2 : 1;
  EXPECT_THAT(router->Route(h, ""), IsOkAndHolds(V(want_empty)));
  const std::string huge(8 << 20, '\xab');
  const uint64_t want_huge = StickyPoint(42, huge) < 100'000'000 ? 2 : 1;
  EXPECT_THAT(router->Route(h, huge), IsOkAndHolds(V(want_huge)));
  const std::string binary("\0\x01\xff\n", 4);
  const uint64_t want_bin = StickyPoint(42, binary) < 100'000'000 ? 2 : 1;
  EXPECT_THAT(router->Route(h, binary), IsOkAndHolds(V(want_bin)));
}

TEST(RouterTest, NotFoundNamesTheTarget) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  EXPECT_THAT(router->Resolve("nosuch"),
              StatusIs(kNotFound, HasSubstr("Function not found: "
                                            "arn:aws:lambda:us-east-1:123456789012:"
                                            "function:nosuch")));
  EXPECT_THAT(router->Resolve("checkout:9"),
              StatusIs(kNotFound, HasSubstr("function:checkout:9")));
  EXPECT_THAT(router->Resolve("checkout:nosuch"),
              StatusIs(kNotFound, HasSubstr("function:checkout:nosuch")));
  EXPECT_THAT(router->RouteByName("checkout:nosuch", "k"),
              StatusIs(kNotFound, HasSubstr("function:checkout:nosuch")));
}

TEST(RouterTest, ArnsFromElsewhereAreNotReachable) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  EXPECT_THAT(
      router->Resolve("arn:aws:lambda:ap-southeast-1:123456789012:function:checkout"),
      StatusIs(kNotFound, HasSubstr("Functions from 'ap-southeast-1' are not "
                                    "reachable in this region ('us-east-1')")));
  EXPECT_THAT(router->Resolve("999999999999:function:checkout"),
              StatusIs(kNotFound, HasSubstr("Functions from account '999999999999'")));
  EXPECT_THAT(
      router->Resolve("arn:aws-cn:lambda:us-east-1:123456789012:function:checkout"),
      StatusIs(kNotFound, HasSubstr("partition 'aws-cn'")));
}

TEST(RouterTest, MalformedNamesAreInvalid) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  EXPECT_THAT(router->Resolve(""), StatusIs(kInvalid, HasSubstr("empty")));
  EXPECT_THAT(router->Resolve(std::string(65, 'a')), StatusIs(kInvalid, HasSubstr("64")));
  EXPECT_THAT(router->RouteByName("bad name", "k"), StatusIs(kInvalid, ::testing::_));
  EXPECT_THAT(router->RouteByName(std::string("a\0b", 3), "k"),
              StatusIs(kInvalid, ::testing::_));
}

TEST(RouterTest, BadHandles) {
  auto router = MakeRouter(BaseSnapshot());
  auto other = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_NE(other, nullptr);
  RouteHandle invalid;
  EXPECT_FALSE(invalid.valid());
  EXPECT_THAT(router->Route(invalid, "k"),
              StatusIs(kInvalid, HasSubstr("default-constructed")));
  EXPECT_THAT(router->RouteRandom(invalid), StatusIs(kInvalid, HasSubstr("not valid")));
  ASSERT_OK_AND_ASSIGN(RouteHandle foreign, other->Resolve("checkout:live"));
  EXPECT_TRUE(foreign.valid());
  EXPECT_THAT(router->Route(foreign, "k"),
              StatusIs(kInvalid, HasSubstr("belongs to another router")));
  EXPECT_THAT(router->RouteWithPoint(foreign, 5),
              StatusIs(kInvalid, HasSubstr("belongs to another router")));
  EXPECT_THAT(router->RouteRandom(foreign),
              StatusIs(kInvalid, HasSubstr("belongs to another router")));
}

TEST(RouterTest, HandlesSurviveSwapsAndRemoval) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle live, router->Resolve("checkout:live"));
  ASSERT_OK_AND_ASSIGN(RouteHandle v2, router->Resolve("checkout:2"));
  ASSERT_OK_AND_ASSIGN(RouteHandle latest, router->Resolve("checkout"));

  // Same names give the same handle, by any form.
  ASSERT_OK_AND_ASSIGN(RouteHandle live2,
                       router->Resolve("123456789012:function:checkout:live"));
  EXPECT_EQ(live, live2);

  // UpdateAlias: the handle follows.
  ASSERT_OK(router->UpdateAlias("checkout", MakeAlias("live", "3")));
  EXPECT_THAT(router->Route(live, "k"), IsOkAndHolds(V(3)));

  // Publish a new table: still the same handle.
  v1::RegistrySnapshot s = BaseSnapshot();
  s.mutable_functions(0)->mutable_aliases(0)->set_function_version("2");
  s.mutable_functions(0)->mutable_aliases(0)->clear_routing_config();
  ASSERT_OK(router->Publish(s));
  EXPECT_THAT(router->Route(live, "k"), IsOkAndHolds(V(2)));
  ASSERT_OK_AND_ASSIGN(RouteHandle live3, router->Resolve("checkout:live"));
  EXPECT_EQ(live, live3);

  // Remove the alias: kNotFound; bring it back: the old handle works again.
  ASSERT_OK(router->RemoveAlias("checkout", "live"));
  EXPECT_THAT(router->Route(live, "k"),
              StatusIs(kNotFound, HasSubstr("function:checkout:live")));
  EXPECT_THAT(router->RouteRandom(live), StatusIs(kNotFound, HasSubstr("live")));
  EXPECT_THAT(router->Resolve("checkout:live"), StatusIs(kNotFound, HasSubstr("live")));
  EXPECT_THAT(router->RemoveAlias("checkout", "live"),
              StatusIs(kNotFound, HasSubstr("Alias not found")));
  ASSERT_OK(router->UpdateAlias("checkout", MakeAlias("live", "1")));
  EXPECT_THAT(router->Route(live, "k"), IsOkAndHolds(V(1)));

  // A version deleted by a new snapshot: its handle is not found.
  v1::RegistrySnapshot t = BaseSnapshot();
  t.mutable_functions(0)->mutable_aliases(0)->set_function_version("3");
  t.mutable_functions(0)->mutable_aliases(0)->clear_routing_config();
  t.mutable_functions(0)->mutable_versions()->DeleteSubrange(1, 1);  // "2"
  ASSERT_OK(router->Publish(t));
  EXPECT_THAT(router->Route(v2, "k"),
              StatusIs(kNotFound, HasSubstr("function:checkout:2")));
  EXPECT_THAT(router->Route(latest, "k"), IsOkAndHolds(ExecutedVersion::Latest()));

  // The function removed: $LATEST handle not found.
  v1::RegistrySnapshot u = BaseSnapshot();
  u.mutable_functions()->DeleteSubrange(0, 1);
  ASSERT_OK(router->Publish(u));
  EXPECT_THAT(router->Route(latest, "k"),
              StatusIs(kNotFound, HasSubstr("function:checkout")));
  EXPECT_THAT(router->Route(live, "k"), StatusIs(kNotFound, HasSubstr("checkout:live")));
  // And back.
  ASSERT_OK(router->Publish(BaseSnapshot()));
  EXPECT_THAT(router->Route(v2, "k"), IsOkAndHolds(V(2)));
}

TEST(RouterTest, EmptyRouterFindsNothing) {
  Router router;
  EXPECT_THAT(router.Resolve("f"), StatusIs(kNotFound, HasSubstr("Function not found: f")));
  EXPECT_THAT(router.UpdateAlias("f", MakeAlias("a", "1")),
              StatusIs(kNotFound, HasSubstr("Function not found")));
  EXPECT_THAT(router.RemoveAlias("f", "a"), StatusIs(kNotFound, HasSubstr("f")));
  RouterStats st = router.stats();
  EXPECT_EQ(st.aliases, 0u);
  EXPECT_EQ(st.functions, 0u);
}

TEST(RouterTest, StatsCountTablesAndAliases) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  RouterStats st = router->stats();
  EXPECT_EQ(st.aliases, 3u);
  EXPECT_EQ(st.functions, 2u);
  EXPECT_EQ(st.generation, 7u);
  EXPECT_EQ(st.publications, 1u);
  EXPECT_GT(st.table_bytes, 0u);
  ASSERT_OK(router->UpdateAlias("checkout", MakeAlias("new", "1")));
  EXPECT_EQ(router->stats().aliases, 4u);
  ASSERT_OK(router->UpdateAlias("checkout", MakeAlias("new", "2")));
  EXPECT_EQ(router->stats().aliases, 4u);
  ASSERT_OK(router->RemoveAlias("checkout", "new"));
  EXPECT_EQ(router->stats().aliases, 3u);
  EXPECT_EQ(router->stats().publications, 4u);
}

// ---- Validation: every rule, and a failed write changes nothing.

struct BadSnapshotCase {
  std::string name;
  std::function<void(v1::RegistrySnapshot&)> mutate;
  std::string fragment;
};

TEST(RouterValidateTest, RefusesMalformedSnapshots) {
  auto live = [](v1::RegistrySnapshot& s) {
    return s.mutable_functions(0)->mutable_aliases(0);
  };
  std::vector<BadSnapshotCase> cases = {
      {"format", [](auto& s) { s.set_format_version(2); }, "format_version must be 1, got 2"},
      {"format0", [](auto& s) { s.set_format_version(0); }, "format_version must be 1"},
      {"mode", [](auto& s) { s.mutable_options()->set_routing_mode(static_cast<v1::RoutingMode>(9)); },
       "routing_mode"},
      {"fn name", [](auto& s) { s.mutable_functions(1)->set_name("bad name"); },
       "function \"bad name\""},
      {"fn dup", [](auto& s) { s.mutable_functions(1)->set_name("checkout"); },
       "\"checkout\" appears twice"},
      {"version", [](auto& s) { s.mutable_functions(0)->mutable_versions(0)->set_version("01"); },
       "version"},
      {"version latest", [](auto& s) { s.mutable_functions(0)->mutable_versions(0)->set_version("$LATEST"); },
       "not $LATEST"},
      {"version dup", [](auto& s) { s.mutable_functions(0)->mutable_versions(1)->set_version("1"); },
       "published version 1 appears twice"},
      {"alias digits", [&](auto& s) { live(s)->set_name("123"); }, "must not be all digits"},
      {"alias dup", [&](auto& s) { live(s)->set_name("stable"); }, "alias \"stable\" appears twice"},
      {"primary unknown", [&](auto& s) { live(s)->set_function_version("9"); },
       "function_version \"9\" is not a published version"},
      {"primary empty", [&](auto& s) { live(s)->set_function_version(""); },
       "function_version must not be empty"},
      {"additional unknown",
       [&](auto& s) { live(s)->mutable_routing_config()->mutable_additional_version_weights(0)->set_version("9"); },
       "additional version \"9\" is not a published version"},
      {"additional latest",
       [&](auto& s) { live(s)->mutable_routing_config()->mutable_additional_version_weights(0)->set_version("$LATEST"); },
       "not $LATEST"},
      {"latest weighted", [&](auto& s) { live(s)->set_function_version("$LATEST"); },
       "$LATEST is not supported for an alias pointing to more than 1 version"},
      {"additional = primary",
       [&](auto& s) { live(s)->mutable_routing_config()->mutable_additional_version_weights(0)->set_version("1"); },
       "must differ from the alias's primary"},
      {"weight over",
       [&](auto& s) { live(s)->mutable_routing_config()->mutable_additional_version_weights(0)->set_weight_ppb(1'000'000'001); },
       "more than 100%"},
      {"two in aws mode",
       [&](auto& s) {
         auto* w = live(s)->mutable_routing_config()->add_additional_version_weights();
         w->set_version("3");
         w->set_weight_ppb(1);
       },
       "AWS-compatible mode allows at most 1"},
      {"bad layout",
       [&](auto& s) {
         auto* seg = live(s)->mutable_layout()->add_segments();
         seg->set_version("2");
         seg->set_end_ppb(1'000'000'000);
       },
       "layout"},
      {"layout off share",
       [&](auto& s) {
         auto* l = live(s)->mutable_layout();
         auto* a = l->add_segments();
         a->set_version("2");
         a->set_end_ppb(200'000'000);
         auto* b = l->add_segments();
         b->set_version("1");
         b->set_end_ppb(1'000'000'000);
       },
       "layout"},
  };
  for (const BadSnapshotCase& c : cases) {
    v1::RegistrySnapshot s = BaseSnapshot();
    c.mutate(s);
    EXPECT_THAT(Router::Validate(s), StatusIs(kInvalid, HasSubstr(c.fragment))) << c.name;
    EXPECT_THAT(Router::Create(s), StatusIs(kInvalid, HasSubstr(c.fragment))) << c.name;
    // A failed Publish changes nothing.
    auto router = MakeRouter(BaseSnapshot());
    ASSERT_NE(router, nullptr);
    ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
    EXPECT_THAT(router->Publish(s), StatusIs(kInvalid, HasSubstr(c.fragment))) << c.name;
    EXPECT_THAT(router->RouteWithPoint(h, 0), IsOkAndHolds(V(2))) << c.name;
    EXPECT_EQ(router->stats().publications, 1u) << c.name;
    EXPECT_EQ(router->stats().generation, 7u) << c.name;
  }
}

TEST(RouterValidateTest, ExtendedModeAllowsNVersionsUpToTheLimit) {
  v1::RegistrySnapshot s = BaseSnapshot();
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_EXTENDED);
  s.mutable_options()->set_max_routing_versions(2);
  *s.mutable_functions(0)->mutable_aliases(0) =
      MakeAlias("live", "1", {{"2", 300'000'000}, {"3", 200'000'000}});
  auto router = MakeRouter(s);
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  // Canonical: 2 [0,3e8), 3 [3e8,5e8), 1 [5e8,1e9).
  EXPECT_THAT(router->RouteWithPoint(h, 299'999'999), IsOkAndHolds(V(2)));
  EXPECT_THAT(router->RouteWithPoint(h, 300'000'000), IsOkAndHolds(V(3)));
  EXPECT_THAT(router->RouteWithPoint(h, 500'000'000), IsOkAndHolds(V(1)));

  // Over the limit.
  EXPECT_THAT(router->UpdateAlias(
                  "checkout", MakeAlias("live", "1", {{"2", 1}, {"3", 1}, {"4", 1}})),
              StatusIs(kInvalid, HasSubstr("more than max_routing_versions (2)")));
  // Same in AWS mode.
  v1::RegistrySnapshot aws = BaseSnapshot();
  *aws.mutable_functions(0)->mutable_aliases(0) =
      MakeAlias("live", "1", {{"2", 300'000'000}, {"3", 200'000'000}});
  EXPECT_THAT(Router::Validate(aws), StatusIs(kInvalid, HasSubstr("at most 1")));
  // Unspecified mode is AWS-compatible.
  aws.mutable_options()->set_routing_mode(v1::ROUTING_MODE_UNSPECIFIED);
  EXPECT_THAT(Router::Validate(aws), StatusIs(kInvalid, HasSubstr("at most 1")));
}

TEST(RouterTest, ManySegmentsUseBinarySearch) {
  // 40 versions, each owning 1/40 of the space in an explicit layout that
  // interleaves them (more than 8 segments: the binary-search path).
  v1::RegistrySnapshot s = BaseSnapshot();
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_EXTENDED);
  std::vector<int> versions;
  for (int i = 1; i <= 40; ++i) versions.push_back(i);
  v1::Function* f = AddFunction(s, "wide", versions);
  v1::Alias a = MakeAlias("all", "1");
  for (int i = 2; i <= 40; ++i) {
    auto* w = a.mutable_routing_config()->add_additional_version_weights();
    w->set_version(absl::StrCat(i));
    w->set_weight_ppb(25'000'000);
  }
  // Layout: versions in descending order, 25e6 each.
  for (int i = 0; i < 40; ++i) {
    auto* seg = a.mutable_layout()->add_segments();
    seg->set_version(absl::StrCat(40 - i));
    seg->set_end_ppb(25'000'000u * (i + 1));
  }
  *f->add_aliases() = a;
  auto router = MakeRouter(s);
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("wide:all"));
  for (int i = 0; i < 40; ++i) {
    const uint32_t lo = 25'000'000u * i;
    EXPECT_THAT(router->RouteWithPoint(h, lo), IsOkAndHolds(V(40 - i)));
    EXPECT_THAT(router->RouteWithPoint(h, lo + 24'999'999), IsOkAndHolds(V(40 - i)));
  }
  // And the same through a sticky key agrees with the layout reference.
  for (int i = 0; i < 1000; ++i) {
    const std::string key = absl::StrCat(i);
    absl::string_view want = VersionAtPoint(a.layout(), StickyPoint(42, key));
    ASSERT_OK_AND_ASSIGN(ExecutedVersion got, router->Route(h, key));
    EXPECT_EQ(got.ToString(), want);
  }
}

TEST(RouterTest, UpdateAliasValidatesAgainstTheCurrentTable) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  EXPECT_THAT(router->UpdateAlias("nosuch", MakeAlias("live", "1")),
              StatusIs(kNotFound, HasSubstr("function:nosuch")));
  EXPECT_THAT(router->UpdateAlias("checkout", MakeAlias("live", "9")),
              StatusIs(kInvalid, HasSubstr("\"9\" is not a published version")));
  EXPECT_THAT(router->UpdateAlias("checkout", MakeAlias("12", "1")),
              StatusIs(kInvalid, HasSubstr("all digits")));
  EXPECT_THAT(router->UpdateAlias("checkout", MakeAlias("live", "$LATEST", {{"2", 5}})),
              StatusIs(kInvalid, HasSubstr("$LATEST is not supported")));
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  EXPECT_THAT(router->RouteWithPoint(h, 0), IsOkAndHolds(V(2)));
  EXPECT_EQ(router->stats().publications, 1u);
}

TEST(RouterTest, ReadersOnManyThreadsRegisterAndExit) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:stable"));
  // Threads come and go; their slots are reused, and the writer can always
  // reclaim (exited threads are quiescent).
  for (int round = 0; round < 20; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          absl::StatusOr<ExecutedVersion> v = router->Route(h, "k");
          EXPECT_TRUE(v.ok() && *v == V(3));
        }
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_OK(router->UpdateAlias("checkout", MakeAlias("stable", "3")));
  }
  RouterStats st = router->stats();
  EXPECT_LE(st.max_retired_pending, RouterOptions().max_retired);
  EXPECT_EQ(st.writer_waits, 0u);
}

// ---- The inline fast paths (router.h, lib/internal/route_table.h).

// PickHash compares the whole 64-bit hash with the wide split instead of
// RoutingPoint(h) with the 32-bit end. It must agree with Pick(RoutingPoint)
// for every hash; the places it could differ are the hashes next to the
// split, which this test visits for ends across the range.
TEST(RouterFastPathTest, WideSplitAgreesWithRoutingPointAtEveryBoundary) {
  using aliasroute_internal::RouteEntry;
  std::mt19937_64 rng(20261203);
  std::vector<uint32_t> ends = {0, 1, 2, 3, 7, 100'000'000, 500'000'000,
                                999'999'998, 999'999'999, kWeightScale};
  for (int i = 0; i < 200; ++i) ends.push_back(rng() % (kWeightScale + 1));
  for (uint32_t n : {1u, 2u}) {
    for (uint32_t end : ends) {
      RouteEntry* e = RouteEntry::Allocate(RouteEntry::kAlias, n, 0);
      int32_t* b = e->bounds();
      for (size_t i = 0; i < RouteEntry::BoundsCount(n); ++i) b[i] = INT32_MAX;
      e->versions()[0] = 11;
      if (n == 2) {
        e->versions()[1] = 22;
        b[0] = static_cast<int32_t>(end);
      }
      e->FinishAlias();
      const uint64_t w = e->wide_split();
      std::vector<uint64_t> hashes = {0, 1, UINT64_MAX, UINT64_MAX - 1};
      for (uint64_t d = 0; d < 3; ++d) {
        hashes.push_back(w - d);
        hashes.push_back(w + d);
      }
      for (int i = 0; i < 2000; ++i) hashes.push_back(rng());
      for (uint64_t h : hashes) {
        const uint64_t want = e->Pick(RoutingPoint(h));
        ASSERT_EQ(e->PickHash(h), want)
            << "n=" << n << " end=" << end << " h=" << h << " split=" << w;
        if (n == 1 || end == kWeightScale) {
          ASSERT_EQ(want, 11u);
        }
      }
      RouteEntry::Free(e);
    }
  }
}

// The sticky fast path (keys up to 16 bytes, hashed inline) and the slow
// path (longer keys, RouteByName) must both serve the version that owns
// StickyPoint(seed, key), for two-version aliases at the extreme weights and
// for N-version aliases.
TEST(RouterFastPathTest, InlineAndOutOfLineStickyRoutesAgree) {
  v1::RegistrySnapshot s = BaseSnapshot();
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_EXTENDED);
  v1::Function* f = AddFunction(s, "wide", {1, 2, 3, 4, 5});
  struct Case {
    std::string alias;
    std::vector<std::pair<std::string, uint32_t>> weights;
  };
  const std::vector<Case> cases = {
      {"none", {}},
      {"zero", {{"2", 0}}},
      {"one-ppb", {{"2", 1}}},
      {"half", {{"2", 500'000'000}}},
      {"almost-all", {{"2", 999'999'999}}},
      {"three", {{"2", 300'000'000}, {"3", 300'000'000}}},
      {"five", {{"2", 100'000'000}, {"3", 200'000'000}, {"4", 1}, {"5", 0}}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    *f->add_aliases() = MakeAlias(cases[i].alias, "1", cases[i].weights, 1000 + i);
  }
  auto router = MakeRouter(s);
  ASSERT_NE(router, nullptr);
  std::mt19937_64 rng(7);
  for (size_t c = 0; c < cases.size(); ++c) {
    const std::string name = absl::StrCat("wide:", cases[c].alias);
    ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve(name));
    for (int i = 0; i < 3000; ++i) {
      std::string key(i % 41, '\0');  // 0..40 bytes: both paths.
      for (char& ch : key) ch = static_cast<char>(rng());
      const uint32_t point = StickyPoint(1000 + c, key);
      ASSERT_OK_AND_ASSIGN(ExecutedVersion want, router->RouteWithPoint(h, point));
      EXPECT_THAT(router->Route(h, key), IsOkAndHolds(want))
          << name << " key length " << key.size();
      EXPECT_THAT(router->RouteByName(name, key), IsOkAndHolds(want)) << name;
    }
  }
}

// A forked child must not repeat its parent's random routes: the child
// reseeds its generator instead of continuing the copied state.
TEST(RouterFastPathTest, ForkedChildDrawsADifferentRandomSequence) {
  auto router = MakeRouter(BaseSnapshot());
  ASSERT_NE(router, nullptr);
  ASSERT_OK(router->UpdateAlias("checkout",
                                MakeAlias("live", "1", {{"2", 500'000'000}})));
  ASSERT_OK_AND_ASSIGN(RouteHandle h, router->Resolve("checkout:live"));
  ASSERT_OK(router->RouteRandom(h).status());  // Seeds this thread.
  constexpr int kDraws = 128;
  auto draw = [&] {
    std::string bits;
    for (int i = 0; i < kDraws; ++i) {
      absl::StatusOr<ExecutedVersion> v = router->RouteRandom(h);
      bits.push_back(v.ok() ? static_cast<char>('0' + v->number()) : 'E');
    }
    return bits;
  };
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string bits = draw();
    const ssize_t w = write(fds[1], bits.data(), bits.size());
    _exit(w == static_cast<ssize_t>(bits.size()) ? 0 : 1);
  }
  close(fds[1]);
  const std::string parent = draw();
  std::string child(kDraws, '\0');
  size_t got = 0;
  while (got < child.size()) {
    const ssize_t r = read(fds[0], &child[got], child.size() - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, child.size());
  EXPECT_EQ(parent.find('E'), std::string::npos);
  EXPECT_EQ(child.find('E'), std::string::npos);
  // 128 fair draws: equal by chance with probability 2^-128.
  EXPECT_NE(parent, child);
}

// BuildAliasEntry writes the canonical two-segment layout directly for an
// alias with no layout and at most one additional version. Its routes must
// be exactly those of CanonicalLayout (lib/layout.h) at every segment's
// first and last point, for weights from 0 to 100 %.
TEST(RouterFastPathTest, DirectCanonicalLayoutMatchesCanonicalLayout) {
  std::mt19937_64 rng(99);
  std::vector<uint32_t> weights = {0, 1, 2, 100'000'000, 500'000'000,
                                   999'999'998, 999'999'999, kWeightScale};
  for (int i = 0; i < 50; ++i) weights.push_back(rng() % (kWeightScale + 1));
  for (uint32_t w : weights) {
    for (const std::string primary : {"1", "3", "12"}) {
      v1::RegistrySnapshot s = BaseSnapshot();
      AddFunction(s, "canon", {1, 2, 3, 12});
      v1::Function* f = s.mutable_functions(s.functions_size() - 1);
      const std::string other = primary == "3" ? "12" : "2";
      *f->add_aliases() = MakeAlias("a", primary, {{other, w}});
      *f->add_aliases() = MakeAlias("plain", primary);
      auto router = MakeRouter(s);
      ASSERT_NE(router, nullptr) << "w=" << w;
      for (const char* name : {"a", "plain"}) {
        const v1::Alias& alias = f->aliases(name == std::string("a") ? 0 : 1);
        ASSERT_OK_AND_ASSIGN(v1::RoutingLayout layout,
                             CanonicalLayout(alias.function_version(),
                                             alias.routing_config()));
        ASSERT_OK_AND_ASSIGN(RouteHandle h,
                             router->Resolve(absl::StrCat("canon:", name)));
        uint32_t begin = 0;
        for (const v1::LayoutSegment& seg : layout.segments()) {
          const ExecutedVersion want = V(std::stoull(seg.version()));
          EXPECT_THAT(router->RouteWithPoint(h, begin), IsOkAndHolds(want))
              << name << " w=" << w << " point " << begin;
          EXPECT_THAT(router->RouteWithPoint(h, seg.end_ppb() - 1),
                      IsOkAndHolds(want))
              << name << " w=" << w << " point " << seg.end_ppb() - 1;
          begin = seg.end_ppb();
        }
        EXPECT_EQ(begin, kWeightScale);
      }
    }
  }
}

}  // namespace
}  // namespace aliasroute
