#include "lib/layout.h"

#include <algorithm>
#include <map>

#include "absl/base/macros.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "lib/errors.h"
#include "lib/weights.h"

namespace aliasroute {
namespace {

// A half-open piece [begin, end) of the key space owned by `version`.
struct Piece {
  uint32_t begin;
  uint32_t end;
  std::string version;
};

v1::RoutingLayout ToLayout(std::vector<Piece> pieces) {
  std::sort(pieces.begin(), pieces.end(),
            [](const Piece& a, const Piece& b) { return a.begin < b.begin; });
  v1::RoutingLayout layout;
  for (const Piece& p : pieces) {
    if (p.begin == p.end) continue;
    const int n = layout.segments_size();
    if (n > 0 && layout.segments(n - 1).version() == p.version) {
      layout.mutable_segments(n - 1)->set_end_ppb(p.end);
      continue;
    }
    v1::LayoutSegment* s = layout.add_segments();
    s->set_version(p.version);
    s->set_end_ppb(p.end);
  }
  return layout;
}

std::vector<Piece> ToPieces(const v1::RoutingLayout& layout) {
  std::vector<Piece> pieces;
  uint32_t begin = 0;
  for (const v1::LayoutSegment& s : layout.segments()) {
    pieces.push_back(Piece{begin, s.end_ppb(), s.version()});
    begin = s.end_ppb();
  }
  return pieces;
}

// Canonical order: additional versions ascending, then the primary last.
std::vector<const VersionShare*> CanonicalOrder(
    const std::vector<VersionShare>& shares) {
  std::vector<const VersionShare*> order;
  for (size_t i = 0; i + 1 < shares.size(); ++i) order.push_back(&shares[i]);
  std::sort(order.begin(), order.end(),
            [](const VersionShare* a, const VersionShare* b) {
              return VersionLess(a->version, b->version);
            });
  order.push_back(&shares.back());
  return order;
}

}  // namespace

bool VersionLess(absl::string_view a, absl::string_view b) {
  const bool a_latest = a == "$LATEST", b_latest = b == "$LATEST";
  if (a_latest || b_latest) return a_latest && !b_latest;
  auto all_digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
  };
  if (all_digits(a) && all_digits(b)) {
    auto strip = [](absl::string_view s) {
      while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
      return s;
    };
    a = strip(a);
    b = strip(b);
    if (a.size() != b.size()) return a.size() < b.size();
  }
  return a < b;
}

absl::StatusOr<std::vector<VersionShare>> AliasShares(
    absl::string_view primary, const v1::RoutingConfig& config) {
  if (primary.empty()) {
    return InvalidParameterValue("alias primary version must not be empty");
  }
  std::vector<VersionShare> shares;
  uint64_t sum = 0;
  for (const v1::VersionWeight& w : config.additional_version_weights()) {
    if (w.version().empty()) {
      return InvalidParameterValue(
          "routing config: additional version must not be empty");
    }
    if (w.version() == primary) {
      return InvalidParameterValue(absl::StrCat(
          "routing config: additional version \"", w.version(),
          "\" must differ from the alias's primary version"));
    }
    if (w.weight_ppb() > kWeightScale) {
      return InvalidParameterValue(absl::StrCat(
          "routing config: weight of version \"", w.version(), "\" is ",
          w.weight_ppb(), " ppb, more than 100%"));
    }
    for (const VersionShare& s : shares) {
      if (s.version == w.version()) {
        return InvalidParameterValue(absl::StrCat(
            "routing config: version \"", w.version(), "\" appears twice"));
      }
    }
    sum += w.weight_ppb();
    shares.push_back(VersionShare{w.version(), w.weight_ppb()});
  }
  if (sum > kWeightScale) {
    return InvalidParameterValue(absl::StrCat(
        "routing config: additional version weights sum to ",
        FormatWeight(sum > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(sum)),
        ", more than 100%"));
  }
  shares.push_back(VersionShare{std::string(primary),
                                static_cast<uint32_t>(kWeightScale - sum)});
  return shares;
}

absl::StatusOr<v1::RoutingLayout> CanonicalLayout(
    absl::string_view primary, const v1::RoutingConfig& config) {
  absl::StatusOr<std::vector<VersionShare>> shares =
      AliasShares(primary, config);
  if (!shares.ok()) return shares.status();
  std::vector<Piece> pieces;
  uint32_t at = 0;
  for (const VersionShare* s : CanonicalOrder(*shares)) {
    pieces.push_back(Piece{at, at + s->weight_ppb, s->version});
    at += s->weight_ppb;
  }
  return ToLayout(std::move(pieces));
}

absl::Status ValidateLayoutShape(const v1::RoutingLayout& layout) {
  const int n = layout.segments_size();
  if (n == 0) return InvalidParameterValue("layout: has no segments");
  if (n > kMaxLayoutSegments) {
    return InvalidParameterValue(absl::StrCat("layout: has ", n,
                                              " segments, more than ",
                                              kMaxLayoutSegments));
  }
  uint32_t previous_end = 0;
  for (int i = 0; i < n; ++i) {
    const v1::LayoutSegment& s = layout.segments(i);
    if (s.version().empty()) {
      return InvalidParameterValue(
          absl::StrCat("layout: segment ", i, " has an empty version"));
    }
    if (s.end_ppb() <= previous_end) {
      return InvalidParameterValue(absl::StrCat(
          "layout: segment ", i, " ends at ", s.end_ppb(),
          ", not after the previous end ", previous_end));
    }
    if (i > 0 && layout.segments(i - 1).version() == s.version()) {
      return InvalidParameterValue(absl::StrCat(
          "layout: segments ", i - 1, " and ", i, " both belong to version \"",
          s.version(), "\" and must be merged"));
    }
    previous_end = s.end_ppb();
  }
  if (previous_end != kWeightScale) {
    return InvalidParameterValue(absl::StrCat("layout: last segment ends at ",
                                              previous_end, ", not at ",
                                              kWeightScale));
  }
  return absl::OkStatus();
}

absl::Status ValidateLayout(const v1::RoutingLayout& layout,
                            absl::string_view primary,
                            const v1::RoutingConfig& config) {
  if (absl::Status s = ValidateLayoutShape(layout); !s.ok()) return s;
  absl::StatusOr<std::vector<VersionShare>> shares =
      AliasShares(primary, config);
  if (!shares.ok()) return shares.status();
  std::map<std::string, uint64_t> owned;
  uint32_t begin = 0;
  for (const v1::LayoutSegment& s : layout.segments()) {
    owned[s.version()] += s.end_ppb() - begin;
    begin = s.end_ppb();
  }
  for (const VersionShare& share : *shares) {
    const uint64_t has = owned[share.version];
    if (has != share.weight_ppb) {
      return InvalidParameterValue(absl::StrCat(
          "layout: version \"", share.version, "\" owns ", FormatWeight(has),
          " of the key space but its weight is ",
          FormatWeight(share.weight_ppb)));
    }
    owned.erase(share.version);
  }
  for (const auto& [version, has] : owned) {
    if (has != 0) {
      return InvalidParameterValue(
          absl::StrCat("layout: version \"", version,
                       "\" owns part of the key space but is not routed to"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RoutingLayout> NextLayout(const v1::RoutingLayout& previous,
                                             absl::string_view primary,
                                             const v1::RoutingConfig& config) {
  if (previous.segments_size() == 0) return CanonicalLayout(primary, config);
  if (absl::Status s = ValidateLayoutShape(previous); !s.ok()) return s;
  absl::StatusOr<std::vector<VersionShare>> shares =
      AliasShares(primary, config);
  if (!shares.ok()) return shares.status();

  absl::flat_hash_map<std::string, uint32_t> target;
  for (const VersionShare& s : *shares) target[s.version] = s.weight_ppb;

  std::vector<Piece> pieces = ToPieces(previous);
  absl::flat_hash_map<std::string, uint32_t> owned;
  for (const Piece& p : pieces) owned[p.version] += p.end - p.begin;

  // Rules 1 and 2: give up points. Pieces stay sorted by address.
  std::vector<Piece> freed;
  // How much each version still has to give up.
  absl::flat_hash_map<std::string, uint32_t> excess;
  for (const auto& [version, has] : owned) {
    auto it = target.find(version);
    const uint32_t want = it == target.end() ? 0 : it->second;
    if (has > want) excess[version] = has - want;
  }
  // The primary gives up from the low end: walk ascending.
  // Others give up from the high end: walk descending.
  auto give_up = [&](Piece& p, uint32_t amount, bool from_low) {
    // Returns the freed part and shrinks p in place.
    Piece f = p;
    if (from_low) {
      f.end = p.begin + amount;
      p.begin = f.end;
    } else {
      f.begin = p.end - amount;
      p.end = f.begin;
    }
    freed.push_back(f);
  };
  for (size_t i = 0; i < pieces.size(); ++i) {
    Piece& p = pieces[i];
    if (p.version != primary) continue;
    auto it = excess.find(p.version);
    if (it == excess.end() || it->second == 0) continue;
    const uint32_t amount = std::min(it->second, p.end - p.begin);
    give_up(p, amount, /*from_low=*/true);
    it->second -= amount;
  }
  for (size_t i = pieces.size(); i-- > 0;) {
    Piece& p = pieces[i];
    if (p.version == primary) continue;
    auto it = excess.find(p.version);
    if (it == excess.end() || it->second == 0) continue;
    const uint32_t amount = std::min(it->second, p.end - p.begin);
    give_up(p, amount, /*from_low=*/false);
    it->second -= amount;
  }
  std::sort(freed.begin(), freed.end(),
            [](const Piece& a, const Piece& b) { return a.begin < b.begin; });

  // Rule 3: growers take the freed points in ascending order.
  size_t next = 0;
  for (const VersionShare* s : CanonicalOrder(*shares)) {
    const uint32_t has = owned.contains(s->version) ? owned[s->version] : 0;
    if (s->weight_ppb <= has) continue;
    uint32_t need = s->weight_ppb - has;
    while (need > 0) {
      // Freed points always add up to what growers need: both equal the
      // total variation between the old and new shares.
      ABSL_ASSERT(next < freed.size());
      Piece& f = freed[next];
      const uint32_t take = std::min(need, f.end - f.begin);
      pieces.push_back(Piece{f.begin, f.begin + take, s->version});
      f.begin += take;
      need -= take;
      if (f.begin == f.end) ++next;
    }
  }
  v1::RoutingLayout layout = ToLayout(std::move(pieces));
  if (layout.segments_size() > kMaxLayoutSegments) {
    return CanonicalLayout(primary, config);
  }
  return layout;
}

absl::string_view VersionAtPoint(const v1::RoutingLayout& layout,
                                 uint32_t point) {
  const auto& segs = layout.segments();
  auto it = std::upper_bound(
      segs.begin(), segs.end(), point,
      [](uint32_t p, const v1::LayoutSegment& s) { return p < s.end_ppb(); });
  if (it == segs.end()) return {};
  return it->version();
}

}  // namespace aliasroute
