#include "lib/weights.h"

#include <cmath>
#include <string>

#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/errors.h"

namespace aliasroute {

absl::StatusOr<uint32_t> WeightFromDouble(double value,
                                          absl::string_view field) {
  if (std::isnan(value)) {
    return InvalidParameterValue(
        absl::StrCat(field, " must be a number in [0.0, 1.0], got NaN"));
  }
  if (std::isinf(value)) {
    return InvalidParameterValue(absl::StrCat(
        field, " must be a number in [0.0, 1.0], got ",
        value > 0 ? "Infinity" : "-Infinity"));
  }
  if (value < 0.0 || value > 1.0) {
    return InvalidParameterValue(absl::StrFormat(
        "%s must be in [0.0, 1.0], got %.17g", field, value));
  }
  // value * 1e9 is exact to within half an ulp (< 1.2e-7 for values <= 1e9),
  // so llround lands on the nearest ppb except for values within that of a
  // half, where it still decides the same way on every IEEE-754 machine.
  const long long ppb = std::llround(value * static_cast<double>(kWeightScale));
  return static_cast<uint32_t>(ppb);
}

double WeightToDouble(uint32_t ppb) {
  return static_cast<double>(ppb) / static_cast<double>(kWeightScale);
}

absl::StatusOr<uint32_t> WeightFromPercent(int64_t percent,
                                           absl::string_view field) {
  if (percent < 0 || percent > 100) {
    return InvalidParameterValue(absl::StrCat(
        field, " must be a percentage in [0, 100], got ", percent));
  }
  return static_cast<uint32_t>(percent * (kWeightScale / 100));
}

absl::StatusOr<uint32_t> SumWeights(absl::Span<const uint32_t> weights,
                                    absl::string_view field) {
  uint64_t sum = 0;
  for (uint32_t w : weights) sum += w;  // At most 2^32 terms of < 2^32: no overflow.
  if (sum > kWeightScale) {
    return InvalidParameterValue(
        absl::StrCat(field, " sum to ",
                     FormatWeight(sum > UINT32_MAX ? UINT32_MAX
                                                   : static_cast<uint32_t>(sum)),
                     ", more than 100%"));
  }
  return static_cast<uint32_t>(sum);
}

std::string FormatWeight(uint32_t ppb) {
  // 1 % is 10'000'000 ppb: print the integer percent and up to 7 decimals.
  const uint32_t whole = ppb / 10'000'000;
  uint32_t frac = ppb % 10'000'000;
  if (frac == 0) return absl::StrCat(whole, "%");
  std::string digits = absl::StrFormat("%07u", frac);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return absl::StrCat(whole, ".", digits, "%");
}

uint32_t StickyPoint(uint64_t seed, absl::string_view key) {
  return RoutingPoint(XXH3_64bits_withSeed(key.data(), key.size(), seed));
}

uint64_t DefaultRoutingSeed(absl::string_view function_name,
                            absl::string_view alias_name) {
  const std::string name = absl::StrCat(function_name, ":", alias_name);
  return XXH3_64bits(name.data(), name.size());
}

}  // namespace aliasroute
