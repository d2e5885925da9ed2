// weights.h: exact fixed-point routing weights.
//
// Inside aliasroute a weight is an integer number of parts per billion (ppb):
// kWeightScale (1'000'000'000) is 100 %, so 0.000'000'1 % is the finest step.
// Sums, schedules and layouts are exact integer arithmetic: ten 10 % steps add
// up to exactly kWeightScale on every machine. AWS's API speaks doubles in
// [0.0, 1.0] (AliasRoutingConfiguration.AdditionalVersionWeights); these
// functions convert at the boundary, rounding to the nearest ppb.
//
// Example:
//   absl::StatusOr<uint32_t> w = aliasroute::WeightFromDouble(0.05, "weight");
//   // *w == 50'000'000
//   aliasroute::FormatWeight(*w);  // "5%"
//
// All functions here are pure and thread-safe.

#ifndef ALIASROUTE_LIB_WEIGHTS_H_
#define ALIASROUTE_LIB_WEIGHTS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aliasroute {

// 100 %, in parts per billion.
inline constexpr uint32_t kWeightScale = 1'000'000'000;

// Converts an AWS weight (a double in [0.0, 1.0]) to ppb, rounding to the
// nearest ppb (halves away from zero). Deterministic on every IEEE-754
// machine. Returns kInvalidArgument naming `field` for NaN, infinities,
// negative values and values over 1.0. -0.0 is 0.
[[nodiscard]] absl::StatusOr<uint32_t> WeightFromDouble(double value,
                                                        absl::string_view field);

// ppb to the AWS double. WeightFromDouble(WeightToDouble(w)) == w for every
// w in [0, kWeightScale].
double WeightToDouble(uint32_t ppb);

// Whole percent (0..100) to ppb; kInvalidArgument naming `field` above 100.
[[nodiscard]] absl::StatusOr<uint32_t> WeightFromPercent(
    int64_t percent, absl::string_view field);

// Sum of `weights`; kInvalidArgument naming `field` when it exceeds
// kWeightScale ("weights of \"live\" sum to 100.5%, more than 100%").
[[nodiscard]] absl::StatusOr<uint32_t> SumWeights(
    absl::Span<const uint32_t> weights, absl::string_view field);

// Human form without trailing zeros: "0%", "10%", "12.5%", "0.0001%",
// "100%".
std::string FormatWeight(uint32_t ppb);

// Maps a 64-bit hash (or random value) to its routing point in
// [0, kWeightScale): floor(hash * kWeightScale / 2^64). Every routing
// decision in aliasroute compares this point with layout boundaries, so the
// share of uniformly distributed hashes that land below a boundary b is
// b / kWeightScale to within 2^-34.
inline uint32_t RoutingPoint(uint64_t hash) {
  return static_cast<uint32_t>(
      (static_cast<unsigned __int128>(hash) * kWeightScale) >> 64);
}

// The routing point of a sticky key for an alias whose seed is `seed`:
// RoutingPoint(XXH3_64bits_withSeed(key, seed)). This is the definition every
// router, binding and tool must agree on (golden vectors in tests/ pin it).
// Any key is valid, including the empty one. Cost: one XXH3 of the key.
uint32_t StickyPoint(uint64_t seed, absl::string_view key);

// The routing seed the registry gives a new alias: XXH3_64bits (seed 0) of
// "FUNCTION:ALIAS". Distinct aliases get unrelated seeds, so a key that is in
// the canary cohort of one alias is not thereby in another's.
uint64_t DefaultRoutingSeed(absl::string_view function_name,
                            absl::string_view alias_name);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_WEIGHTS_H_
