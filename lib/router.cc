#include "lib/router.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/arn.h"
#include "lib/errors.h"
#include "lib/internal/epoch.h"
#include "lib/layout.h"
#include "lib/weights.h"

// Layout of the read-side data (all immutable once published):
//
//   Router::table_ ──► RouterTable ──► slots[]: const RouteEntry* per slot
//                        │                       (nullptr: target absent)
//                        └► Directory: (function, alias) → slot, slot → names,
//                                      partition/region/account
//
// A slot is a function ($LATEST and its published versions) or one alias.
// Slot numbers are assigned once per Router and never reused, so handles
// (which carry the slot) survive table swaps. A RouteEntry is one 64-byte
// aligned block:
//   alias:    seed, n segments, int32 bounds[max(8, n-1 rounded to even)]
//             (the n-1 inner segment ends, padded with INT32_MAX), then
//             uint64 versions[n] (0 = $LATEST). For n <= 2 that is exactly
//             one cache line.
//   function: n published versions, uint64 versions[n] ascending.
// Tables share unchanged entries: UpdateAlias copies the slot array and
// replaces one pointer. Ownership is writer-side only: an entry belongs to
// the current table until it is replaced, then to the retired table it was
// last reachable from (RouterTable::dead), which frees it when the epoch
// scheme reclaims that table. Readers never touch a reference count.

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
    return sizeof(RouteEntry) + 4 * BoundsCount(n) + 8 * size_t{n};
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

  static RouteEntry* Allocate(Kind kind, uint32_t n, uint64_t seed) {
    const size_t bytes = kind == kAlias ? AliasBytes(n) : FunctionBytes(n);
    void* mem = ::operator new(bytes, std::align_val_t(64));
    std::memset(mem, 0, bytes);
    RouteEntry* e = new (mem) RouteEntry{seed, n, kind};
    return e;
  }
  static void Free(const RouteEntry* e) {
    if (e != nullptr) {
      ::operator delete(const_cast<RouteEntry*>(e), std::align_val_t(64));
    }
  }

  // The version owning `point` (< kWeightScale). REQUIRES: kind == kAlias.
  // Branchless count of inner ends <= point for n <= 9 (8 inner ends; the
  // padding never counts: points are < 1e9 < INT32_MAX); binary search
  // beyond.
  uint64_t Pick(uint32_t point) const {
    const int32_t p = static_cast<int32_t>(point);
    const int32_t* b = bounds();
    if (ABSL_PREDICT_TRUE(n <= kBranchless + 1)) {
      // BoundsCount(n) == kBranchless here: versions at a fixed offset.
      const uint64_t* vs = reinterpret_cast<const uint64_t*>(b + kBranchless);
      // One or two versions (the AWS model): one compare (for n == 1, b[0]
      // is padding and never counts).
      if (n <= 2) return vs[p >= b[0] ? 1 : 0];
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

using NameView = std::pair<absl::string_view, absl::string_view>;
using Names = std::vector<std::pair<std::string, std::string>>;

// The index holds slot numbers only; hashing and equality look the names up
// in Directory::names (heterogeneous lookup by NameView), so each name is
// stored once.
struct SlotHash {
  using is_transparent = void;
  const Names* names;
  size_t operator()(const NameView& k) const { return absl::Hash<NameView>()(k); }
  size_t operator()(uint32_t slot) const {
    const auto& n = (*names)[slot];
    return (*this)(NameView(n.first, n.second));
  }
};
struct SlotEq {
  using is_transparent = void;
  const Names* names;
  NameView V(const NameView& v) const { return v; }
  NameView V(uint32_t slot) const {
    const auto& n = (*names)[slot];
    return NameView(n.first, n.second);
  }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return V(a) == V(b);
  }
};

// Names and slot numbers. Immutable once shared by a published table; the
// writer copies it to add names (append only).
struct Directory {
  std::string partition, region, account_id;
  // slot -> (function, alias or ""); function slots have alias "".
  Names names;
  // (function, alias or "") -> slot.
  absl::flat_hash_set<uint32_t, SlotHash, SlotEq> index{
      0, SlotHash{&names}, SlotEq{&names}};

  Directory() = default;
  // Copies rebuild the index so its hasher points at the copy's names.
  Directory(const Directory& other)
      : partition(other.partition),
        region(other.region),
        account_id(other.account_id),
        names(other.names) {
    index.reserve(names.size());
    for (uint32_t i = 0; i < names.size(); ++i) index.insert(i);
  }
  Directory& operator=(const Directory&) = delete;

  // Slot of (fn, alias), or -1.
  int64_t Find(absl::string_view fn, absl::string_view alias) const {
    auto it = index.find(NameView(fn, alias));
    return it == index.end() ? -1 : static_cast<int64_t>(*it);
  }
  uint32_t Add(absl::string_view fn, absl::string_view alias) {
    const uint32_t slot = static_cast<uint32_t>(names.size());
    names.emplace_back(std::string(fn), std::string(alias));
    index.insert(slot);
    return slot;
  }
  size_t bytes() const {
    size_t b = sizeof(*this) + index.capacity() * (sizeof(uint32_t) + 1) +
               names.capacity() * sizeof(names[0]);
    for (const auto& n : names) {
      // Heap parts of names too long for the small-string buffer.
      if (n.first.size() > 15) b += n.first.capacity() + 1;
      if (n.second.size() > 15) b += n.second.capacity() + 1;
    }
    return b;
  }
};

struct RouterTable {
  std::shared_ptr<const Directory> dir;
  std::vector<const RouteEntry*> slots;  // Indexed by slot; size == names.
  // Entries reachable from this table but not from its successor; freed with
  // this table. Written by the writer after unpublishing this table.
  std::vector<const RouteEntry*> dead;
  uint64_t generation = 0;
  size_t aliases = 0;
  size_t functions = 0;
  size_t entry_bytes = 0;

  ~RouterTable() {
    for (const RouteEntry* e : dead) RouteEntry::Free(e);
  }
  // Frees every entry this table references (the router's destructor, for
  // the current table only).
  void FreeLiveEntries() {
    for (const RouteEntry*& e : slots) {
      RouteEntry::Free(e);
      e = nullptr;
    }
  }
};

}  // namespace aliasroute_internal

namespace aliasroute {

using aliasroute_internal::Directory;
using aliasroute_internal::RouteEntry;
using aliasroute_internal::RouterTable;

std::string ExecutedVersion::ToString() const {
  return number_ == 0 ? std::string("$LATEST") : absl::StrCat(number_);
}

namespace {

constexpr absl::string_view kLatest = "$LATEST";

std::atomic<uint64_t> g_next_router_id{1};

// ---- Per-thread generator for RouteRandom: splitmix64 (Steele, Lea, Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014). State is a
// plain thread-local word: no shared writes.
__thread uint64_t t_rng_state = 0;
std::atomic<uint64_t> g_rng_seed_counter{0};

inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

ABSL_ATTRIBUTE_NOINLINE uint64_t SeedThreadRng() {
  // Once per thread (the only shared write, off the steady state).
  const uint64_t c = g_rng_seed_counter.fetch_add(1, std::memory_order_relaxed);
  const uint64_t t = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  uint64_t s = Mix64(t ^ Mix64(c + 0x9E3779B97F4A7C15ull) ^
                     reinterpret_cast<uintptr_t>(&t_rng_state));
  return s == 0 ? 1 : s;
}

// The next value, or false when this thread's generator is not seeded yet
// (no call, for the fast path).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryNextRandom(uint64_t* out) {
  uint64_t s = t_rng_state;
  if (ABSL_PREDICT_FALSE(s == 0)) return false;
  s += 0x9E3779B97F4A7C15ull;
  t_rng_state = s;
  *out = Mix64(s);
  return true;
}

inline uint64_t NextRandom() {
  uint64_t s = t_rng_state;
  if (ABSL_PREDICT_FALSE(s == 0)) s = SeedThreadRng();
  s += 0x9E3779B97F4A7C15ull;
  t_rng_state = s;
  return Mix64(s);
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint32_t StickyPointInline(
    uint64_t seed, absl::string_view key) {
  // Identical to weights.h StickyPoint (pinned by the golden vectors). Calls
  // the force-inlined body of XXH3_64bits_withSeed (xxhash 0.8.x defines it
  // as exactly this call) so the length dispatch and the short-key paths are
  // inlined here instead of behind a call.
#if XXH_VERSION_NUMBER >= 800 && XXH_VERSION_NUMBER < 900
  return RoutingPoint(XXH3_64bits_internal(key.data(), key.size(), seed,
                                           XXH3_kSecret, sizeof(XXH3_kSecret),
                                           XXH3_hashLong_64b_withSeed));
#else
  return RoutingPoint(XXH3_64bits_withSeed(key.data(), key.size(), seed));
#endif
}

std::string TargetArn(const Directory& dir, absl::string_view fn,
                      absl::string_view qualifier) {
  if (dir.region.empty() || dir.account_id.empty()) {
    return qualifier.empty() ? std::string(fn)
                             : absl::StrCat(fn, ":", qualifier);
  }
  return FunctionArn(dir.partition.empty() ? "aws" : dir.partition, dir.region,
                     dir.account_id, fn, qualifier);
}

absl::Status FunctionNotFound(const Directory& dir, absl::string_view fn,
                              absl::string_view qualifier) {
  return ResourceNotFound(
      absl::StrCat("Function not found: ", TargetArn(dir, fn, qualifier)));
}

// Lambda's answer to an ARN from elsewhere (aws-semantics.md 1.2).
absl::Status CheckReachable(const Directory& dir, const FunctionRef& ref) {
  if (ref.form == v1::ARN_FORM_FULL) {
    if (ref.region != dir.region) {
      return ResourceNotFound(absl::StrCat(
          "Functions from '", ref.region,
          "' are not reachable in this region ('", dir.region, "')"));
    }
    if (ref.partition != dir.partition) {
      return ResourceNotFound(absl::StrCat(
          "Functions from partition '", ref.partition,
          "' are not reachable in this partition ('", dir.partition, "')"));
    }
  }
  if (ref.form == v1::ARN_FORM_FULL || ref.form == v1::ARN_FORM_PARTIAL) {
    if (ref.account_id != dir.account_id) {
      return ResourceNotFound(absl::StrCat(
          "Functions from account '", ref.account_id,
          "' are not reachable in this account ('", dir.account_id, "')"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ParseVersion(absl::string_view v,
                                      absl::string_view what) {
  if (v == kLatest) return uint64_t{0};
  absl::Status s = ValidateVersionNumber(v);
  if (!s.ok()) {
    return InvalidParameterValue(absl::StrCat(what, ": ", s.message()));
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(v, &n) || n == 0) {
    return InvalidParameterValue(
        absl::StrCat(what, ": bad version number \"", v, "\""));
  }
  return n;
}

struct EntryDeleter {
  void operator()(RouteEntry* e) const { RouteEntry::Free(e); }
};
using EntryPtr = std::unique_ptr<RouteEntry, EntryDeleter>;

// Builds the function entry: its published versions, ascending.
absl::StatusOr<EntryPtr> BuildFunctionEntry(const v1::Function& f) {
  const std::string where = absl::StrCat("function \"", f.name(), "\"");
  std::vector<uint64_t> vs;
  vs.reserve(f.versions_size());
  for (const v1::FunctionVersion& v : f.versions()) {
    if (v.version() == kLatest) {
      return InvalidParameterValue(absl::StrCat(
          where, ": published version must be a number, not $LATEST"));
    }
    absl::StatusOr<uint64_t> n =
        ParseVersion(v.version(), absl::StrCat(where, ": version"));
    if (!n.ok()) return n.status();
    vs.push_back(*n);
  }
  std::sort(vs.begin(), vs.end());
  for (size_t i = 1; i < vs.size(); ++i) {
    if (vs[i] == vs[i - 1]) {
      return InvalidParameterValue(absl::StrCat(
          where, ": published version ", vs[i], " appears twice"));
    }
  }
  EntryPtr e(RouteEntry::Allocate(RouteEntry::kFunction,
                                  static_cast<uint32_t>(vs.size()), 0));
  std::copy(vs.begin(), vs.end(), e->versions());
  return e;
}

// Checks `alias` against the AWS / extended rules and its function's
// published versions (`function` entry) and builds its routing entry.
absl::StatusOr<EntryPtr> BuildAliasEntry(absl::string_view fn,
                                         const v1::Alias& alias,
                                         const RouteEntry& function,
                                         const v1::RegistryOptions& options) {
  const std::string where =
      absl::StrCat("function \"", fn, "\" alias \"", alias.name(), "\"");
  if (absl::Status s = ValidateAliasName(alias.name()); !s.ok()) {
    return InvalidParameterValue(absl::StrCat(where, ": ", s.message()));
  }
  const auto& weights = alias.routing_config().additional_version_weights();
  const v1::RoutingMode mode = options.routing_mode();
  if (mode == v1::ROUTING_MODE_EXTENDED) {
    if (options.max_routing_versions() != 0 &&
        static_cast<uint32_t>(weights.size()) > options.max_routing_versions()) {
      return InvalidParameterValue(absl::StrCat(
          where, ": routing_config has ", weights.size(),
          " additional versions, more than max_routing_versions (",
          options.max_routing_versions(), ")"));
    }
  } else if (weights.size() > 1) {
    // Lambda: "Number of items in AdditionalVersionWeights cannot be greater
    // than 1" (aws-semantics.md section 3).
    return InvalidParameterValue(absl::StrCat(
        where, ": routing_config has ", weights.size(),
        " additional versions; AWS-compatible mode allows at most 1"));
  }
  auto check_published = [&](absl::string_view v,
                             absl::string_view field) -> absl::Status {
    absl::StatusOr<uint64_t> n =
        ParseVersion(v, absl::StrCat(where, ": ", field));
    if (!n.ok()) return n.status();
    if (*n != 0 && !function.HasVersion(*n)) {
      return InvalidParameterValue(
          absl::StrCat(where, ": ", field, " \"", v,
                       "\" is not a published version of the function"));
    }
    return absl::OkStatus();
  };
  if (alias.function_version().empty()) {
    return InvalidParameterValue(
        absl::StrCat(where, ": function_version must not be empty"));
  }
  if (absl::Status s = check_published(alias.function_version(),
                                       "function_version");
      !s.ok()) {
    return s;
  }
  if (!weights.empty() && alias.function_version() == kLatest) {
    // Lambda: "$LATEST is not supported for an alias pointing to more than 1
    // version" (aws-semantics.md section 3).
    return InvalidParameterValue(absl::StrCat(
        where, ": $LATEST is not supported for an alias pointing to more "
               "than 1 version"));
  }
  for (const v1::VersionWeight& w : weights) {
    if (w.version() == kLatest) {
      return InvalidParameterValue(absl::StrCat(
          where, ": routing_config additional version must be a published "
                 "version number, not $LATEST"));
    }
    if (absl::Status s =
            check_published(w.version(), "routing_config additional version");
        !s.ok()) {
      return s;
    }
  }
  v1::RoutingLayout canonical;
  const v1::RoutingLayout* layout = &alias.layout();
  if (alias.layout().segments().empty()) {
    absl::StatusOr<v1::RoutingLayout> c =
        CanonicalLayout(alias.function_version(), alias.routing_config());
    if (!c.ok()) {
      return InvalidParameterValue(
          absl::StrCat(where, ": ", c.status().message()));
    }
    canonical = *std::move(c);
    layout = &canonical;
  } else if (absl::Status s = ValidateLayout(alias.layout(),
                                             alias.function_version(),
                                             alias.routing_config());
             !s.ok()) {
    return InvalidParameterValue(absl::StrCat(where, ": layout: ", s.message()));
  }
  const uint32_t n = static_cast<uint32_t>(layout->segments_size());
  if (n == 0 || n > static_cast<uint32_t>(kMaxLayoutSegments)) {
    return InvalidParameterValue(
        absl::StrCat(where, ": layout has ", n, " segments"));
  }
  EntryPtr e(RouteEntry::Allocate(RouteEntry::kAlias, n, alias.routing_seed()));
  int32_t* bounds = e->bounds();
  for (size_t i = 0; i < RouteEntry::BoundsCount(n); ++i) bounds[i] = INT32_MAX;
  uint64_t* versions = e->versions();
  for (uint32_t i = 0; i < n; ++i) {
    const v1::LayoutSegment& s = layout->segments(static_cast<int>(i));
    absl::StatusOr<uint64_t> v = ParseVersion(
        s.version(), absl::StrCat(where, ": layout segment ", i, " version"));
    if (!v.ok()) return v.status();
    versions[i] = *v;
    if (i + 1 < n) bounds[i] = static_cast<int32_t>(s.end_ppb());
  }
  return e;
}

// A table plus the entries it owns, before publication. Frees the entries
// on destruction unless released.
struct Built {
  std::unique_ptr<RouterTable> table;
  ~Built() {
    if (table != nullptr) table->FreeLiveEntries();
  }
};

}  // namespace

struct Router::WriterState {
  WriterState(const RouterOptions& o)
      : retired(o.reclaim_batch, o.max_retired) {}
  RouterTable* current = nullptr;  // == table_, writable for the writer.
  v1::RegistryOptions registry_options;
  aliasroute_internal::RetireList retired;
  uint64_t publications = 0;
};

namespace {

void DeleteTable(void* p) { delete static_cast<RouterTable*>(p); }

void FinishTable(RouterTable& t) {
  t.aliases = t.functions = 0;
  t.entry_bytes = 0;
  for (const RouteEntry* e : t.slots) {
    if (e == nullptr) continue;
    (e->kind == RouteEntry::kAlias ? t.aliases : t.functions)++;
    t.entry_bytes += e->bytes();
  }
}

// Builds a complete table for `snapshot`, reusing `base`'s slot numbers.
absl::Status BuildTable(const v1::RegistrySnapshot& snapshot,
                        const std::shared_ptr<const Directory>& base,
                        Built* out) {
  if (snapshot.format_version() != 1) {
    return InvalidParameterValue(absl::StrCat(
        "snapshot format_version must be 1, got ", snapshot.format_version()));
  }
  const v1::RoutingMode mode = snapshot.options().routing_mode();
  if (mode != v1::ROUTING_MODE_UNSPECIFIED &&
      mode != v1::ROUTING_MODE_AWS_COMPATIBLE &&
      mode != v1::ROUTING_MODE_EXTENDED) {
    return InvalidParameterValue(absl::StrCat(
        "snapshot options.routing_mode has unknown value ", mode));
  }
  // Which names are new? Reuse the directory when none are and the
  // partition/region/account are unchanged.
  bool need_new_dir = base == nullptr || base->partition != snapshot.partition() ||
                      base->region != snapshot.region() ||
                      base->account_id != snapshot.account_id();
  absl::flat_hash_set<absl::string_view> function_names;
  for (const v1::Function& f : snapshot.functions()) {
    if (absl::Status s = ValidateFunctionName(f.name()); !s.ok()) {
      return InvalidParameterValue(
          absl::StrCat("snapshot function \"", f.name(), "\": ", s.message()));
    }
    if (!function_names.insert(f.name()).second) {
      return InvalidParameterValue(
          absl::StrCat("snapshot function \"", f.name(), "\" appears twice"));
    }
    if (!need_new_dir && base->Find(f.name(), "") < 0) need_new_dir = true;
    absl::flat_hash_set<absl::string_view> alias_names;
    for (const v1::Alias& a : f.aliases()) {
      if (!alias_names.insert(a.name()).second) {
        return InvalidParameterValue(absl::StrCat(
            "function \"", f.name(), "\" alias \"", a.name(),
            "\" appears twice"));
      }
      if (!need_new_dir && base->Find(f.name(), a.name()) < 0) {
        need_new_dir = true;
      }
    }
  }
  std::shared_ptr<const Directory> dir = base;
  if (need_new_dir) {
    auto d = base != nullptr ? std::make_shared<Directory>(*base)
                             : std::make_shared<Directory>();
    d->partition = snapshot.partition();
    d->region = snapshot.region();
    d->account_id = snapshot.account_id();
    for (const v1::Function& f : snapshot.functions()) {
      if (d->Find(f.name(), "") < 0) d->Add(f.name(), "");
      for (const v1::Alias& a : f.aliases()) {
        if (d->Find(f.name(), a.name()) < 0) d->Add(f.name(), a.name());
      }
    }
    dir = std::move(d);
  }
  out->table = std::make_unique<RouterTable>();
  RouterTable& t = *out->table;
  t.dir = dir;
  t.slots.assign(dir->names.size(), nullptr);
  t.generation = snapshot.generation();
  for (const v1::Function& f : snapshot.functions()) {
    absl::StatusOr<EntryPtr> fe = BuildFunctionEntry(f);
    if (!fe.ok()) return fe.status();
    const RouteEntry& function = **fe;
    t.slots[dir->Find(f.name(), "")] = fe->release();
    for (const v1::Alias& a : f.aliases()) {
      absl::StatusOr<EntryPtr> ae =
          BuildAliasEntry(f.name(), a, function, snapshot.options());
      if (!ae.ok()) return ae.status();
      t.slots[dir->Find(f.name(), a.name())] = ae->release();
    }
  }
  FinishTable(t);
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction and writers.

Router::Router(const RouterOptions& options)
    : id_(g_next_router_id.fetch_add(1, std::memory_order_relaxed)),
      table_(nullptr),
      writer_(std::make_unique<WriterState>(options)) {
  aliasroute_internal::InitEpochDomain();
  auto* t = new RouterTable;
  t->dir = std::make_shared<Directory>();
  writer_->current = t;
  table_.store(t, std::memory_order_seq_cst);
}

Router::~Router() {
  RouterTable* t = writer_->current;
  t->FreeLiveEntries();
  delete t;
  writer_.reset();  // Frees every retired table (no reader can reach them).
}

absl::StatusOr<std::unique_ptr<Router>> Router::Create(
    const v1::RegistrySnapshot& snapshot, const RouterOptions& options) {
  auto router = std::make_unique<Router>(options);
  if (absl::Status s = router->Publish(snapshot); !s.ok()) return s;
  return router;
}

absl::Status Router::Validate(const v1::RegistrySnapshot& snapshot) {
  Built built;
  return BuildTable(snapshot, nullptr, &built);
}

void Router::Install(RouterTable* next, std::vector<const RouteEntry*> dead) {
  RouterTable* old = writer_->current;
  // seq_cst: the unpublish U of the epoch proof (lib/internal/epoch.h).
  table_.exchange(next, std::memory_order_seq_cst);
  writer_->current = next;
  old->dead = std::move(dead);
  const uint64_t tag = aliasroute_internal::RetireTag();
  writer_->retired.Retire(tag, old, &DeleteTable);
  ++writer_->publications;
}

absl::Status Router::Publish(const v1::RegistrySnapshot& snapshot) {
  absl::MutexLock lock(&mu_);
  Built built;
  if (absl::Status s = BuildTable(snapshot, writer_->current->dir, &built);
      !s.ok()) {
    return s;
  }
  std::vector<const RouteEntry*> dead;
  for (const RouteEntry* e : writer_->current->slots) {
    if (e != nullptr) dead.push_back(e);
  }
  writer_->registry_options = snapshot.options();
  Install(built.table.release(), std::move(dead));
  return absl::OkStatus();
}

absl::Status Router::UpdateAlias(absl::string_view function_name,
                                 const v1::Alias& alias) {
  absl::MutexLock lock(&mu_);
  const RouterTable& cur = *writer_->current;
  const int64_t fslot = cur.dir->Find(function_name, "");
  if (fslot < 0 || cur.slots[fslot] == nullptr) {
    return FunctionNotFound(*cur.dir, function_name, "");
  }
  absl::StatusOr<EntryPtr> e = BuildAliasEntry(
      function_name, alias, *cur.slots[fslot], writer_->registry_options);
  if (!e.ok()) return e.status();
  std::shared_ptr<const Directory> dir = cur.dir;
  int64_t aslot = dir->Find(function_name, alias.name());
  if (aslot < 0) {
    auto d = std::make_shared<Directory>(*dir);
    aslot = d->Add(function_name, alias.name());
    dir = std::move(d);
  }
  auto next = std::make_unique<RouterTable>();
  next->dir = dir;
  next->slots = cur.slots;
  next->slots.resize(dir->names.size(), nullptr);
  next->generation = cur.generation;
  std::vector<const RouteEntry*> dead;
  if (next->slots[aslot] != nullptr) dead.push_back(next->slots[aslot]);
  next->slots[aslot] = e->release();
  next->aliases = cur.aliases + (dead.empty() ? 1 : 0);
  next->functions = cur.functions;
  next->entry_bytes = cur.entry_bytes + next->slots[aslot]->bytes() -
                      (dead.empty() ? 0 : dead[0]->bytes());
  Install(next.release(), std::move(dead));
  return absl::OkStatus();
}

absl::Status Router::RemoveAlias(absl::string_view function_name,
                                 absl::string_view alias_name) {
  absl::MutexLock lock(&mu_);
  const RouterTable& cur = *writer_->current;
  const int64_t fslot = cur.dir->Find(function_name, "");
  if (fslot < 0 || cur.slots[fslot] == nullptr) {
    return FunctionNotFound(*cur.dir, function_name, "");
  }
  const int64_t aslot = cur.dir->Find(function_name, alias_name);
  if (aslot < 0 || cur.slots[aslot] == nullptr) {
    return ResourceNotFound(absl::StrCat(
        "Alias not found: ", TargetArn(*cur.dir, function_name, alias_name)));
  }
  auto next = std::make_unique<RouterTable>();
  next->dir = cur.dir;
  next->slots = cur.slots;
  next->generation = cur.generation;
  std::vector<const RouteEntry*> dead = {next->slots[aslot]};
  next->slots[aslot] = nullptr;
  next->aliases = cur.aliases - 1;
  next->functions = cur.functions;
  next->entry_bytes = cur.entry_bytes - dead[0]->bytes();
  Install(next.release(), std::move(dead));
  return absl::OkStatus();
}

RouterStats Router::stats() const {
  absl::MutexLock lock(&mu_);
  RouterStats s;
  const RouterTable& t = *writer_->current;
  s.publications = writer_->publications;
  s.retired_pending = writer_->retired.pending();
  s.max_retired_pending = writer_->retired.max_pending_seen();
  s.reclaimed = writer_->retired.reclaimed();
  s.writer_waits = writer_->retired.waits();
  s.aliases = t.aliases;
  s.functions = t.functions;
  s.table_bytes = sizeof(t) + t.slots.capacity() * sizeof(t.slots[0]) +
                  t.entry_bytes + t.dir->bytes();
  s.generation = t.generation;
  s.membarrier = aliasroute_internal::EpochUsesMembarrier();
  return s;
}

// ---------------------------------------------------------------------------
// Readers. Each public read opens one EpochReadSection, loads table_ once and
// uses nothing from the table after the section ends (results are values).

absl::Status Router::CheckHandle(const RouteHandle& handle) const {
  if (ABSL_PREDICT_FALSE(handle.kind_ == RouteHandle::Kind::kInvalid)) {
    return InvalidParameterValue(
        "route handle is not valid (default-constructed); get one from "
        "Router::Resolve");
  }
  return InvalidParameterValue(absl::StrCat(
      "route handle belongs to another router (router id ", handle.router_id_,
      ", this router is ", id_, ")"));
}

absl::StatusOr<ExecutedVersion> Router::TargetGone(
    const RouterTable& t, const RouteHandle& handle) const {
  const Directory& dir = *t.dir;
  if (handle.slot_ >= dir.names.size()) {
    return ResourceNotFound("route handle names a target unknown to the table");
  }
  const auto& name = dir.names[handle.slot_];
  switch (handle.kind_) {
    case RouteHandle::Kind::kAlias:
      return FunctionNotFound(dir, name.first, name.second);
    case RouteHandle::Kind::kVersion:
      if (t.slots[handle.slot_] == nullptr) {
        return FunctionNotFound(dir, name.first, "");
      }
      return FunctionNotFound(dir, name.first, absl::StrCat(handle.version_));
    default:
      return FunctionNotFound(dir, name.first, "");
  }
}

inline absl::StatusOr<ExecutedVersion> Router::RouteFunction(
    const RouterTable& t, const RouteHandle& handle) const {
  const RouteEntry* e =
      handle.slot_ < t.slots.size() ? t.slots[handle.slot_] : nullptr;
  if (e == nullptr) return TargetGone(t, handle);
  if (handle.kind_ == RouteHandle::Kind::kLatest) {
    return ExecutedVersion::Latest();
  }
  if (!e->HasVersion(handle.version_)) return TargetGone(t, handle);
  return ExecutedVersion::Published(handle.version_);
}

// The fast path of the three handle routes: an alias handle of this router,
// its alias present in the current table, a registered thread and (for
// sticky routes) a key short enough for XXH3's inlined paths. It contains no
// call, so the compiler keeps it free of register spills; anything else
// returns false and the caller takes the slow path, which handles every case
// (each path answers from one table, so results are equally consistent).
// `point_of(entry)` gives the routing point.
template <typename PointOf>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool Router::FastRoute(
    const RouteHandle& handle, PointOf point_of, uint64_t* version) const {
  aliasroute_internal::EpochReaderSlot* slot = aliasroute_internal::t_epoch_slot;
  if (ABSL_PREDICT_FALSE(handle.router_id_ != id_ ||
                         handle.kind_ != RouteHandle::Kind::kAlias ||
                         slot == nullptr)) {
    return false;
  }
  aliasroute_internal::EpochEnter(slot);
  const RouterTable* t = table_.load(std::memory_order_seq_cst);
  const RouteEntry* e =
      handle.slot_ < t->slots.size() ? t->slots[handle.slot_] : nullptr;
  if (ABSL_PREDICT_FALSE(e == nullptr)) {
    aliasroute_internal::EpochExit(slot);
    return false;
  }
  *version = e->Pick(point_of(e));
  aliasroute_internal::EpochExit(slot);
  return true;
}

// Slow paths: every case, including errors and a thread's first read. Few
// enough arguments to be tail calls from the fast paths.
absl::StatusOr<ExecutedVersion> Router::RouteSlow(const RouteHandle& handle,
                                                  absl::string_view key) const {
  if (handle.router_id_ != id_) return CheckHandle(handle);
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = table_.load(std::memory_order_seq_cst);
  if (handle.kind_ == RouteHandle::Kind::kAlias) {
    const RouteEntry* e =
        handle.slot_ < t->slots.size() ? t->slots[handle.slot_] : nullptr;
    if (e == nullptr) return TargetGone(*t, handle);
    return ExecutedVersion::Published(e->Pick(StickyPoint(e->seed, key)));
  }
  return RouteFunction(*t, handle);
}

absl::StatusOr<ExecutedVersion> Router::RouteSlowPoint(
    const RouteHandle& handle, uint32_t point) const {
  if (handle.router_id_ != id_) return CheckHandle(handle);
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = table_.load(std::memory_order_seq_cst);
  if (handle.kind_ == RouteHandle::Kind::kAlias) {
    const RouteEntry* e =
        handle.slot_ < t->slots.size() ? t->slots[handle.slot_] : nullptr;
    if (e == nullptr) return TargetGone(*t, handle);
    return ExecutedVersion::Published(e->Pick(point));
  }
  return RouteFunction(*t, handle);
}

absl::StatusOr<ExecutedVersion> Router::Route(const RouteHandle& handle,
                                              absl::string_view key) const {
  uint64_t v;
  if (ABSL_PREDICT_TRUE(key.size() <= XXH3_MIDSIZE_MAX) &&
      ABSL_PREDICT_TRUE(FastRoute(
          handle,
          [key](const RouteEntry* e) {
            return StickyPointInline(e->seed, key);
          },
          &v))) {
    return ExecutedVersion::Published(v);
  }
  return RouteSlow(handle, key);
}

absl::StatusOr<ExecutedVersion> Router::RouteWithPoint(
    const RouteHandle& handle, uint32_t point) const {
  if (ABSL_PREDICT_FALSE(point >= kWeightScale)) {
    if (handle.router_id_ != id_) return CheckHandle(handle);
    return InvalidParameterValue(absl::StrCat(
        "routing point must be below ", kWeightScale, ", got ", point));
  }
  uint64_t v;
  if (ABSL_PREDICT_TRUE(FastRoute(
          handle, [point](const RouteEntry*) { return point; }, &v))) {
    return ExecutedVersion::Published(v);
  }
  return RouteSlowPoint(handle, point);
}

absl::StatusOr<ExecutedVersion> Router::RouteRandom(
    const RouteHandle& handle) const {
  uint64_t v;
  uint64_t r;
  if (ABSL_PREDICT_TRUE(TryNextRandom(&r))) {
    const uint32_t point = RoutingPoint(r);
    if (ABSL_PREDICT_TRUE(FastRoute(
            handle, [point](const RouteEntry*) { return point; }, &v))) {
      return ExecutedVersion::Published(v);
    }
    return RouteSlowPoint(handle, point);
  }
  return RouteSlowPoint(handle, RoutingPoint(NextRandom()));
}

absl::StatusOr<RouteHandle> Router::ResolveInTable(
    const RouterTable& t, const FunctionRef& ref) const {
  const Directory& dir = *t.dir;
  if (absl::Status s = CheckReachable(dir, ref); !s.ok()) return s;
  const QualifierKind kind = ref.qualifier_kind();
  if (kind == QualifierKind::kAlias) {
    // Hot case first, one lookup: an alias entry exists only while its
    // function does.
    const int64_t aslot = dir.Find(ref.function_name, ref.qualifier);
    if (ABSL_PREDICT_TRUE(aslot >= 0 && t.slots[aslot] != nullptr)) {
      return RouteHandle(id_, static_cast<uint32_t>(aslot),
                         RouteHandle::Kind::kAlias, 0);
    }
  }
  const int64_t fslot = dir.Find(ref.function_name, "");
  if (fslot < 0 || t.slots[fslot] == nullptr) {
    return FunctionNotFound(dir, ref.function_name, "");
  }
  switch (kind) {
    case QualifierKind::kNone:
    case QualifierKind::kLatest:
      return RouteHandle(id_, static_cast<uint32_t>(fslot),
                         RouteHandle::Kind::kLatest, 0);
    case QualifierKind::kVersion: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(ref.qualifier, &v) || v == 0 ||
          !t.slots[fslot]->HasVersion(v)) {
        return FunctionNotFound(dir, ref.function_name, ref.qualifier);
      }
      return RouteHandle(id_, static_cast<uint32_t>(fslot),
                         RouteHandle::Kind::kVersion, v);
    }
    case QualifierKind::kAlias:
      return FunctionNotFound(dir, ref.function_name, ref.qualifier);
  }
  return InvalidParameterValue("unknown qualifier kind");
}

absl::StatusOr<RouteHandle> Router::Resolve(absl::string_view name) const {
  absl::StatusOr<FunctionRef> ref = ParseFunctionRef(name);
  if (!ref.ok()) return ref.status();
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = table_.load(std::memory_order_seq_cst);
  return ResolveInTable(*t, *ref);
}

absl::StatusOr<ExecutedVersion> Router::RouteByName(
    absl::string_view name, absl::string_view key) const {
  absl::StatusOr<FunctionRef> ref = ParseFunctionRef(name);
  if (!ref.ok()) return ref.status();
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = table_.load(std::memory_order_seq_cst);
  absl::StatusOr<RouteHandle> h = ResolveInTable(*t, *ref);
  if (!h.ok()) return h.status();
  if (h->kind_ == RouteHandle::Kind::kAlias) {
    const RouteEntry* e = t->slots[h->slot_];
    return ExecutedVersion::Published(e->Pick(StickyPointInline(e->seed, key)));
  }
  return RouteFunction(*t, *h);
}

}  // namespace aliasroute
