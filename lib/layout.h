// layout.h: which part of the key space each version of an alias owns.
//
// A sticky route hashes the key to a routing point in [0, kWeightScale) (see
// RoutingPoint in weights.h) and serves the version whose layout segment
// holds that point. How the segments are laid out decides which keys move
// when weights change:
//
// - CanonicalLayout is a pure function of the weights: additional versions in
//   ascending version order from point 0, then the primary. With one
//   additional version (the AWS model) it is exactly minimal and monotone:
//   raising the weight from a to b moves the keys in [a, b) from the primary
//   to the additional version and nothing else; lowering it moves them back;
//   restoring a weight restores the assignment exactly.
// - NextLayout computes a new layout from the previous one so that only the
//   weight that changed hands moves, for any number of versions: a version
//   whose weight drops gives up part of what it owns, a version whose weight
//   grows takes only what was given up. The moved share equals the total
//   variation between the old and new weights, which no assignment can beat.
//   No pure function of (weights, key) can do this for three or more
//   versions, so the registry stores the result in Alias.layout and it
//   travels inside the snapshot: every router holding the same snapshot
//   routes every key the same way.
//
// The rules NextLayout follows, so that results are deterministic and
// rollbacks exact:
//   1. A version absent from the new weights (or at 0) gives up everything.
//   2. The new primary gives up from its lowest points upward; any other
//      shrinking version gives up from its highest points downward (last
//      taken, first given back).
//   3. Growing versions take the given-up points in ascending order, in the
//      canonical order: additional versions by ascending version number,
//      then the primary.
//   4. Adjacent segments of one version merge. A layout that would need more
//      than kMaxLayoutSegments segments is replaced by the canonical one
//      (more keys move once, but memory stays bounded).
// From the canonical layout, rules 1-3 keep a two-version alias canonical, and
// any sequence of shifts between the primary and one other version is undone
// exactly by shifting back (P4).
//
// Example:
//   v1::RoutingConfig rc;  // {"2": 10%}
//   auto* w = rc.add_additional_version_weights();
//   w->set_version("2"); w->set_weight_ppb(100'000'000);
//   v1::RoutingLayout l = CanonicalLayout("1", rc).value();
//   // l: {"2" until 100'000'000}, {"1" until 1'000'000'000}
//
// All functions here are pure and thread-safe. Cost: O(S log S) in the
// number of segments S, off the request path (the router precomputes).

#ifndef ALIASROUTE_LIB_LAYOUT_H_
#define ALIASROUTE_LIB_LAYOUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/registry.pb.h"

namespace aliasroute {

inline constexpr int kMaxLayoutSegments = 64;

// One version's full share of an alias.
struct VersionShare {
  std::string version;
  uint32_t weight_ppb = 0;  // Parts per billion.
};

// The full shares of an alias: each additional version with its weight, then
// the primary with the remainder. kInvalidArgument when a weight is over
// 100 %, the sum is over 100 %, a version is empty or repeated, or an
// additional version equals the primary. Does not check that versions exist
// or are published: that is the registry's job.
[[nodiscard]] absl::StatusOr<std::vector<VersionShare>> AliasShares(
    absl::string_view primary, const v1::RoutingConfig& config);

// The canonical layout for the shares (see the file comment). Same errors as
// AliasShares.
[[nodiscard]] absl::StatusOr<v1::RoutingLayout> CanonicalLayout(
    absl::string_view primary, const v1::RoutingConfig& config);

// The layout after moving from `previous` to the new weights with the fewest
// keys moved (see the file comment). An empty `previous` gives the canonical
// layout. Same errors as AliasShares, plus kInvalidArgument when `previous`
// is malformed (see ValidateLayoutShape).
[[nodiscard]] absl::StatusOr<v1::RoutingLayout> NextLayout(
    const v1::RoutingLayout& previous, absl::string_view primary,
    const v1::RoutingConfig& config);

// OK when `layout` is well formed: 1..kMaxLayoutSegments segments, non-empty
// versions, ends strictly increasing, the last one kWeightScale, adjacent
// segments of different versions. Otherwise kInvalidArgument naming the
// segment and the rule.
absl::Status ValidateLayoutShape(const v1::RoutingLayout& layout);

// OK when `layout` is well formed and gives every version exactly its share
// of (primary, config); otherwise kInvalidArgument naming the version whose
// share is off.
absl::Status ValidateLayout(const v1::RoutingLayout& layout,
                            absl::string_view primary,
                            const v1::RoutingConfig& config);

// The version owning `point` (< kWeightScale) in a well-formed layout, by
// binary search. A reference for tests and tools; the router uses its own
// precomputed tables. The returned view points into `layout`.
absl::string_view VersionAtPoint(const v1::RoutingLayout& layout,
                                 uint32_t point);

// Orders version strings the way the library sorts versions: "$LATEST" first,
// then numbers by value ("2" < "10"). Strings of digits only are compared as
// numbers of any length.
bool VersionLess(absl::string_view a, absl::string_view b);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_LAYOUT_H_
