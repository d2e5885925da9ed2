// route_table.h: the read-side layout of a Router's table and the pieces of
// the per-request fast path that router.h inlines into its callers. Internal:
// nothing here is part of the API, and everything may change with the
// library (it is compiled into the caller, so a caller must be rebuilt with
// the library it links, as with any inline code).
//
//   Router::table_ ──► FastTable { owner, count, word[count] }
//                        │   owner: the table (router.cc RouterTable)
//                        └► word[slot]: the slot's RouteEntry address, 0 when
//                             the target is absent; bit 0 set for an alias
//                             entry with at most two versions (entries are
//                             64-byte aligned, so the bit is free)
//
// A RouteEntry is one 64-byte aligned block (router.cc builds them):
//   alias:    seed, n segments, int32 bounds[max(8, n-1 rounded to even)]
//             (the n-1 inner segment ends, padded with INT32_MAX), then
//             uint64 versions[max(n, 2)] (0 = $LATEST). For n <= 2 that is
//             exactly one cache line, and bytes 24..31 (bounds[2..3], padding
//             then) hold the wide split (see PickHash).
//   function: n published versions, uint64 versions[n] ascending.

#ifndef ALIASROUTE_LIB_INTERNAL_ROUTE_TABLE_H_
#define ALIASROUTE_LIB_INTERNAL_ROUTE_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"
#include "lib/weights.h"

// XXH3 in inline mode: its short-key paths compile into the caller's fast
// path. xxhash.h supports inline mode in headers (its symbols are renamed
// and static, so they coexist with the shared library's); XXH_INLINE_ALL is
// removed again below if it was not defined before.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#define ALIASROUTE_UNDEF_XXH_INLINE_ALL
#endif
#include <xxhash.h>
#ifdef ALIASROUTE_UNDEF_XXH_INLINE_ALL
#undef XXH_INLINE_ALL
#undef ALIASROUTE_UNDEF_XXH_INLINE_ALL
#endif

namespace aliasroute_internal {

struct RouteEntry {
  enum Kind : uint32_t { kAlias = 0, kFunction = 1 };
  uint64_t seed;
  uint32_t n;
  uint32_t kind;

  static constexpr size_t kBranchless = 8;

  static size_t BoundsCount(uint32_t n) {
    size_t inner = n > 0 ? n - 1 : 0;
    inner = std::max(inner, kBranchless);
    return (inner + 1) & ~size_t{1};  // Even: keeps versions 8-aligned.
  }
  static size_t AliasBytes(uint32_t n) {
    return sizeof(RouteEntry) + 4 * BoundsCount(n) +
           8 * size_t{std::max<uint32_t>(n, 2)};
  }
  static size_t FunctionBytes(uint32_t n) {
    return sizeof(RouteEntry) + 8 * size_t{n};
  }
  size_t bytes() const {
    return kind == kAlias ? AliasBytes(n) : FunctionBytes(n);
  }

  int32_t* bounds() { return reinterpret_cast<int32_t*>(this + 1); }
  const int32_t* bounds() const {
    return reinterpret_cast<const int32_t*>(this + 1);
  }
  uint64_t* versions() {
    return kind == kAlias
               ? reinterpret_cast<uint64_t*>(bounds() + BoundsCount(n))
               : reinterpret_cast<uint64_t*>(this + 1);
  }
  const uint64_t* versions() const {
    return const_cast<RouteEntry*>(this)->versions();
  }

  // Writer side (router.cc): a zeroed, 64-byte aligned entry.
  static RouteEntry* Allocate(Kind kind, uint32_t n, uint64_t seed) {
    const size_t bytes = kind == kAlias ? AliasBytes(n) : FunctionBytes(n);
    void* mem = ::operator new(bytes, std::align_val_t(64));
    std::memset(mem, 0, bytes);
    return new (mem) RouteEntry{seed, n, kind};
  }
  static void Free(const RouteEntry* e) {
    if (e != nullptr) {
      ::operator delete(const_cast<RouteEntry*>(e), std::align_val_t(64));
    }
  }

  // The version owning hash `h` when n <= 2 (no check of n: the fast path
  // knows it from the slot word's tag).
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint64_t PickTwo(uint64_t h) const {
    const uint64_t* vs =
        reinterpret_cast<const uint64_t*>(bounds() + kBranchless);
    return vs[h >= wide_split() ? 1 : 0];
  }

  // n <= 2 only: the smallest 64-bit hash h whose routing point is at or
  // above the inner end b = bounds()[0]:
  //   RoutingPoint(h) >= b  <=>  floor(h * S / 2^64) >= b
  //                          <=>  h * S >= b * 2^64  <=>  h >= ceil(b * 2^64 / S)
  // (S = kWeightScale; exact in integers). So PickHash compares the whole
  // hash with it and skips RoutingPoint's multiply. Stored in bounds()[2..3],
  // padding while n <= 2; 8-aligned (byte 24).
  uint64_t wide_split() const {
    uint64_t w;
    std::memcpy(&w, bounds() + 2, sizeof(w));
    return w;
  }

  // Writer side, after bounds and versions are written: sets the wide split
  // and, when segment 1 is empty (n == 1, or an end at S), makes versions()[1]
  // equal versions()[0], so PickHash needs no special case (for h = 2^64-1
  // it compares true with the UINT64_MAX stored then). Other n: no-op.
  void FinishAlias() {
    if (n > 2) return;
    const uint32_t b = static_cast<uint32_t>(bounds()[0]);
    uint64_t w;
    if (n == 2 && b < aliasroute::kWeightScale) {
      const unsigned __int128 num =
          (static_cast<unsigned __int128>(b) << 64) + (aliasroute::kWeightScale - 1);
      w = static_cast<uint64_t>(num / aliasroute::kWeightScale);
    } else {
      w = UINT64_MAX;
      versions()[1] = versions()[0];
    }
    std::memcpy(bounds() + 2, &w, sizeof(w));
  }

  // The version owning the whole 64-bit hash `h`: the same as
  // Pick(RoutingPoint(h)). REQUIRES: kind == kAlias.
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint64_t PickHash(uint64_t h) const {
    const uint64_t* vs =
        reinterpret_cast<const uint64_t*>(bounds() + kBranchless);
    if (ABSL_PREDICT_TRUE(n <= 2)) return vs[h >= wide_split() ? 1 : 0];
    return PickMany(static_cast<int32_t>(aliasroute::RoutingPoint(h)));
  }

  // The version owning `point` (< kWeightScale). REQUIRES: kind == kAlias.
  // One compare for one or two versions (the AWS model); a branchless count
  // of inner ends <= point for n <= 9 (8 inner ends; the padding never
  // counts: points are < 1e9 < INT32_MAX); binary search beyond.
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint64_t Pick(uint32_t point) const {
    const int32_t p = static_cast<int32_t>(point);
    const int32_t* b = bounds();
    // BoundsCount(n) == kBranchless for n <= 9: versions at a fixed offset.
    const uint64_t* vs = reinterpret_cast<const uint64_t*>(b + kBranchless);
    // For n == 1, b[0] is padding and never counts.
    if (ABSL_PREDICT_TRUE(n <= 2)) return vs[p >= b[0] ? 1 : 0];
    return PickMany(p);
  }

  // Out of line: keeps the inlined fast paths small.
  ABSL_ATTRIBUTE_NOINLINE uint64_t PickMany(int32_t p) const {
    const int32_t* b = bounds();
    if (n <= kBranchless + 1) {
      const uint64_t* vs = reinterpret_cast<const uint64_t*>(b + kBranchless);
#if defined(__SSE2__)
      // The ends ascend and the padding is INT32_MAX > p, so the count of
      // ends <= p is the index of the first end > p: compare all 8 at once,
      // pack the masks to bytes and take the lowest set bit.
      const __m128i pv = _mm_set1_epi32(p);
      const __m128i lo = _mm_cmpgt_epi32(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(b)), pv);
      const __m128i hi = _mm_cmpgt_epi32(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 4)), pv);
      const __m128i packed = _mm_packs_epi16(_mm_packs_epi32(lo, hi),
                                             _mm_setzero_si128());
      const uint32_t mask =
          static_cast<uint32_t>(_mm_movemask_epi8(packed)) | 0x100u;
      return vs[__builtin_ctz(mask)];
#else
      uint32_t idx = 0;
      for (size_t i = 0; i < kBranchless; ++i) idx += (p >= b[i]) ? 1u : 0u;
      return vs[idx];
#endif
    }
    const size_t idx =
        static_cast<size_t>(std::upper_bound(b, b + (n - 1), p) - b);
    return versions()[idx];
  }

  // REQUIRES: kind == kFunction.
  bool HasVersion(uint64_t v) const {
    const uint64_t* vs = versions();
    return std::binary_search(vs, vs + n, v);
  }
};

// What the fast path reads of a published table: one block, so a route
// goes table -> slot word -> entry, and one test of bit 0 tells "a present
// alias with at most two versions" (the common case, routed inline) from
// "absent, or N versions" (routed out of line). router.cc's RouterTable
// builds it from its slot vector before publication (Make) and frees it
// with itself; immutable in between.
struct FastTable {
  static constexpr uintptr_t kTwoWay = 1;

  const void* owner;  // The RouterTable.
  size_t count;       // Slot words.

  const uintptr_t* words() const {
    return reinterpret_cast<const uintptr_t*>(this + 1);
  }
  static const RouteEntry* EntryOf(uintptr_t word) {
    return reinterpret_cast<const RouteEntry*>(word & ~kTwoWay);
  }
  // EntryOf for a word known to carry kTwoWay: the subtraction folds into
  // the loads' displacements.
  static const RouteEntry* TwoWayEntryOf(uintptr_t word) {
    return reinterpret_cast<const RouteEntry*>(word - kTwoWay);
  }

  // Writer side.
  static FastTable* Make(const void* owner, const RouteEntry* const* slots,
                         size_t count) {
    void* mem = ::operator new(sizeof(FastTable) + count * sizeof(uintptr_t));
    FastTable* t = new (mem) FastTable{owner, count};
    uintptr_t* w = reinterpret_cast<uintptr_t*>(t + 1);
    for (size_t i = 0; i < count; ++i) {
      const RouteEntry* e = slots[i];
      w[i] = reinterpret_cast<uintptr_t>(e);
      if (e != nullptr && e->kind == RouteEntry::kAlias && e->n <= 2) {
        w[i] |= kTwoWay;
      }
    }
    return t;
  }
  static void Free(const FastTable* t) {
    ::operator delete(const_cast<FastTable*>(t));
  }
};
static_assert(sizeof(FastTable) % alignof(uintptr_t) == 0,
              "slot words follow the header");

// The per-thread generator of RouteRandom: splitmix64 (Steele, Lea, Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014). 0 means
// "not seeded yet" (a fresh thread, or the child after fork); SeedRouteRng
// (router.cc) seeds it. A plain thread-local word: no shared writes.
// __thread (not thread_local): no dynamic initialisation, no TLS wrapper.
extern __thread uint64_t t_route_rng;

ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The next random value, or false when this thread's generator is not
// seeded yet (no call, for the fast path).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryNextRandom(uint64_t* out) {
  uint64_t s = t_route_rng;
  if (ABSL_PREDICT_FALSE(s == 0)) return false;
  s += 0x9E3779B97F4A7C15ull;
  t_route_rng = s;
  *out = Mix64(s);
  return true;
}

// Keys up to this length hash inline on the fast path (XXH3's 0..16-byte
// path); longer keys call LongKeyHash. Both compute
// XXH3_64bits_withSeed(key, seed).
inline constexpr size_t kInlineKeyMax = 16;

// XXH3_64bits_withSeed(key, seed), out of line (router.cc), for keys longer
// than kInlineKeyMax: one direct call keeps them on the fast path without
// inlining XXH3's longer paths into every caller.
uint64_t LongKeyHash(uint64_t seed, absl::string_view key);

// e->PickMany(StickyPoint(e->seed, key)), out of line (router.cc): the
// sticky fast path's case for an alias of more than two versions.
uint64_t StickyPickMany(const RouteEntry* e, absl::string_view key);

// XXH3_64bits_withSeed(key, seed) for key.size() <= kInlineKeyMax,
// inlined: the short-key path, with no call. RoutingPoint of it is
// StickyPoint(seed, key) (the golden vectors pin both).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t ShortKeyHash(
    uint64_t seed, absl::string_view key) {
#if XXH_VERSION_NUMBER >= 800 && XXH_VERSION_NUMBER < 900
  // xxhash 0.8.x: XXH3_64bits_withSeed hashes keys of 0..16 bytes with
  // exactly this call (XXH3_64bits_internal's first case); calling it
  // directly keeps the compiler from outlining the length dispatch.
  return XXH3_len_0to16_64b(reinterpret_cast<const xxh_u8*>(key.data()),
                            key.size(), XXH3_kSecret, seed);
#else
  return XXH3_64bits_withSeed(key.data(), key.size(), seed);
#endif
}

}  // namespace aliasroute_internal

#endif  // ALIASROUTE_LIB_INTERNAL_ROUTE_TABLE_H_
