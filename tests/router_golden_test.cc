// Pins routing determinism (design.md P3): tests/golden/router_vectors.tsv,
// generated once by tests/golden/make_router_vectors.cc and checked in, says
// which version every (seed, layout, key) routes to. The Python binding reads
// the same file. Nothing here recomputes expectations with the code under
// test: the file is the oracle.

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/layout.h"
#include "lib/router.h"
#include "lib/weights.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

struct Row {
  int line = 0;
  uint64_t seed = 0;
  std::string layout_text;
  v1::RoutingLayout layout;
  std::string key;
  uint32_t point = 0;
  std::string version;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<Row> ReadVectors() {
  // Bazel runs tests in the runfiles root of the workspace.
  std::ifstream in("tests/golden/router_vectors.tsv");
  EXPECT_TRUE(in.good()) << "cannot open tests/golden/router_vectors.tsv";
  std::vector<Row> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1) {
      EXPECT_EQ(line, "routing_seed\tlayout\tkey_hex\tpoint\tversion");
      continue;
    }
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    EXPECT_EQ(f.size(), 5u) << "line " << n;
    if (f.size() != 5) continue;
    Row r;
    r.line = n;
    EXPECT_TRUE(absl::SimpleAtoi(f[0], &r.seed)) << "line " << n;
    r.layout_text = f[1];
    for (absl::string_view seg : absl::StrSplit(f[1], ',')) {
      std::pair<std::string, std::string> vs =
          absl::StrSplit(seg, absl::MaxSplits(':', 1));
      uint32_t end = 0;
      EXPECT_TRUE(absl::SimpleAtoi(vs.second, &end)) << "line " << n;
      v1::LayoutSegment* s = r.layout.add_segments();
      s->set_version(vs.first);
      s->set_end_ppb(end);
    }
    EXPECT_EQ(f[2].size() % 2, 0u) << "line " << n;
    for (size_t i = 0; i + 1 < f[2].size(); i += 2) {
      const int hi = HexDigit(f[2][i]), lo = HexDigit(f[2][i + 1]);
      EXPECT_TRUE(hi >= 0 && lo >= 0) << "line " << n;
      r.key.push_back(static_cast<char>(hi * 16 + lo));
    }
    EXPECT_TRUE(absl::SimpleAtoi(f[3], &r.point)) << "line " << n;
    r.version = f[4];
    rows.push_back(std::move(r));
  }
  return rows;
}

// A snapshot whose alias "f:a" has exactly `row`'s layout and seed: the last
// segment's version is the primary, the others are additional versions with
// the share the layout gives them.
v1::RegistrySnapshot SnapshotFor(const Row& row) {
  v1::RegistrySnapshot s;
  s.set_format_version(1);
  s.mutable_options()->set_routing_mode(v1::ROUTING_MODE_EXTENDED);
  v1::Function* f = s.add_functions();
  f->set_name("f");
  std::map<std::string, uint32_t, bool (*)(absl::string_view, absl::string_view)>
      share(&VersionLess);
  uint32_t begin = 0;
  for (const v1::LayoutSegment& seg : row.layout.segments()) {
    share[seg.version()] += seg.end_ppb() - begin;
    begin = seg.end_ppb();
  }
  const std::string primary =
      row.layout.segments(row.layout.segments_size() - 1).version();
  for (const auto& [v, w] : share) {
    if (v != "$LATEST") f->add_versions()->set_version(v);
  }
  v1::Alias* a = f->add_aliases();
  a->set_name("a");
  a->set_function_version(primary);
  a->set_routing_seed(row.seed);
  for (const auto& [v, w] : share) {
    if (v == primary) continue;
    v1::VersionWeight* vw = a->mutable_routing_config()->add_additional_version_weights();
    vw->set_version(v);
    vw->set_weight_ppb(w);
  }
  *a->mutable_layout() = row.layout;
  return s;
}

TEST(RouterGoldenTest, FileCoversTheCases) {
  const std::vector<Row> rows = ReadVectors();
  ASSERT_GE(rows.size(), 300u);
  std::set<size_t> lengths;
  std::set<int> segment_counts;
  for (const Row& r : rows) {
    lengths.insert(r.key.size());
    segment_counts.insert(r.layout.segments_size());
  }
  EXPECT_TRUE(lengths.count(0));     // empty keys
  EXPECT_TRUE(lengths.count(16));    // 16-byte keys
  EXPECT_GT(*lengths.rbegin(), 240u);  // long keys (XXH3's >240 path)
  EXPECT_TRUE(segment_counts.count(2));
  EXPECT_GT(*segment_counts.rbegin(), 8);  // beyond the branchless path
}

TEST(RouterGoldenTest, StickyPointMatches) {
  for (const Row& r : ReadVectors()) {
    EXPECT_EQ(StickyPoint(r.seed, r.key), r.point) << "line " << r.line;
  }
}

TEST(RouterGoldenTest, RouterMatches) {
  int checked = 0;
  for (const Row& r : ReadVectors()) {
    const v1::RegistrySnapshot s = SnapshotFor(r);
    absl::StatusOr<std::unique_ptr<Router>> router = Router::Create(s);
    ASSERT_TRUE(router.ok()) << "line " << r.line << ": " << router.status();
    absl::StatusOr<RouteHandle> h = (*router)->Resolve("f:a");
    ASSERT_TRUE(h.ok()) << h.status();
    absl::StatusOr<ExecutedVersion> v = (*router)->Route(*h, r.key);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->ToString(), r.version) << "line " << r.line << " " << r.layout_text;
    absl::StatusOr<ExecutedVersion> byname = (*router)->RouteByName("f:a", r.key);
    ASSERT_TRUE(byname.ok()) << byname.status();
    EXPECT_EQ(byname->ToString(), r.version) << "line " << r.line;
    absl::StatusOr<ExecutedVersion> bypoint = (*router)->RouteWithPoint(*h, r.point);
    ASSERT_TRUE(bypoint.ok()) << bypoint.status();
    EXPECT_EQ(bypoint->ToString(), r.version) << "line " << r.line;
    ++checked;
  }
  EXPECT_GE(checked, 300);
}

}  // namespace
}  // namespace aliasroute
