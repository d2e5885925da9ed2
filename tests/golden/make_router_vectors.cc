// Writes tests/golden/router_vectors.tsv to stdout. Run once, check the
// output in; tests then pin it (never regenerate to make a test pass without
// understanding why routing changed: every deployed router would move keys).
//
//   bazel run //tests:make_router_vectors > tests/golden/router_vectors.tsv
//
// Independent of the code under test: the point is computed here from the
// definition (weights.h: RoutingPoint(XXH3_64bits_withSeed(key, seed)),
// RoutingPoint(h) = floor(h * 1e9 / 2^64)) and the version by a linear scan
// of the layout (layout.h: segment i owns [end(i-1), end(i))).
//
// Columns (tab-separated, one header line):
//   routing_seed  decimal uint64
//   layout        "VERSION:END_PPB,..." ascending ends, last 1000000000
//   key_hex       the key's bytes in lowercase hex ("" for the empty key)
//   point         decimal, in [0, 1e9)
//   version       the serving version as Lambda reports it ("$LATEST", "7")

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Segment {
  std::string version;
  uint32_t end;
};
using Layout = std::vector<Segment>;

uint32_t Point(uint64_t hash) {
  return static_cast<uint32_t>(
      (static_cast<unsigned __int128>(hash) * 1000000000u) >> 64);
}

uint64_t SplitMix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string LayoutText(const Layout& l) {
  std::string out;
  for (const Segment& s : l) {
    if (!out.empty()) out += ",";
    out += s.version + ":" + std::to_string(s.end);
  }
  return out;
}

}  // namespace

int main() {
  const std::vector<Layout> layouts = {
      {{"1", 1000000000}},
      {{"$LATEST", 1000000000}},
      {{"2", 10000000}, {"1", 1000000000}},                // 1 %
      {{"2", 100000000}, {"1", 1000000000}},               // 10 %
      {{"2", 500000000}, {"1", 1000000000}},               // 50 %
      {{"2", 999000000}, {"1", 1000000000}},               // 99.9 %
      {{"8", 1}, {"7", 1000000000}},                       // 1 ppb
      {{"3", 100000000}, {"5", 300000000}, {"1", 1000000000}},
      {{"2", 250000000}, {"3", 500000000}, {"4", 750000000}, {"1", 1000000000}},
      {{"12", 50000000}, {"4", 120000000}, {"12", 400000000},
       {"9", 650000000}, {"4", 900000000}, {"1", 1000000000}},
      {{"10", 100000000}, {"11", 200000000}, {"12", 300000000},
       {"13", 400000000}, {"14", 500000000}, {"15", 600000000},
       {"16", 700000000}, {"17", 800000000}, {"18", 900000000},
       {"19", 950000000}, {"20", 1000000000}},  // 11 segments: binary search
  };
  const std::vector<uint64_t> seeds = {
      0, 1, 42, 0xFFFFFFFFFFFFFFFFull, 0x9E3779B97F4A7C15ull,
      XXH3_64bits("checkout:live", 13),
  };
  // Keys: every XXH3 length class (0, 1-3, 4-8, 9-16, 17-128, 129-240, >240),
  // printable and binary.
  std::vector<std::string> keys = {
      "",
      "a",
      "ab",
      "abc",
      "user",
      "user-123",
      "0123456789abcdef",  // 16 bytes
      "session:5f2b8c1e-9d3a-4b7e-8c2f-1a6d3e9b7c40",
      std::string("\0", 1),
      std::string("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16),
      std::string(16, '\xff'),
      std::string(129, 'x'),
      std::string(240, 'y'),
      std::string(241, 'z'),
      std::string(1000, 'k'),
  };
  uint64_t rng = 20261203;
  for (int len : {3, 7, 8, 15, 16, 16, 16, 17, 64, 100, 200, 500, 4096}) {
    std::string k;
    for (int i = 0; i < len; ++i) k.push_back(static_cast<char>(SplitMix(rng)));
    keys.push_back(k);
  }
  std::printf("routing_seed\tlayout\tkey_hex\tpoint\tversion\n");
  size_t row = 0;
  for (size_t li = 0; li < layouts.size(); ++li) {
    const Layout& l = layouts[li];
    for (size_t ki = 0; ki < keys.size(); ++ki) {
      const std::string& key = keys[ki];
      const uint64_t seed = seeds[(li + ki) % seeds.size()];
      const uint32_t p =
          Point(XXH3_64bits_withSeed(key.data(), key.size(), seed));
      std::string version;
      for (const Segment& s : l) {
        if (p < s.end) {
          version = s.version;
          break;
        }
      }
      std::printf("%llu\t%s\t%s\t%u\t%s\n",
                  static_cast<unsigned long long>(seed), LayoutText(l).c_str(),
                  Hex(key).c_str(), p, version.c_str());
      ++row;
    }
  }
  // Boundary rows: keys searched so that the point falls right at or next to
  // a boundary are too rare to find; instead pin both 2-way layouts with
  // every seed for the 16-byte keys.
  for (uint64_t seed : seeds) {
    for (int i = 0; i < 8; ++i) {
      std::string k;
      for (int j = 0; j < 16; ++j) k.push_back(static_cast<char>(SplitMix(rng)));
      const Layout& l = layouts[3 + (i % 3)];
      const uint32_t p = Point(XXH3_64bits_withSeed(k.data(), k.size(), seed));
      std::string version;
      for (const Segment& s : l) {
        if (p < s.end) {
          version = s.version;
          break;
        }
      }
      std::printf("%llu\t%s\t%s\t%u\t%s\n",
                  static_cast<unsigned long long>(seed), LayoutText(l).c_str(),
                  Hex(k).c_str(), p, version.c_str());
      ++row;
    }
  }
  std::fprintf(stderr, "%zu rows\n", row);
  return 0;
}
