#include "lib/router.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

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
#include "lib/internal/route_table.h"
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
// (which carry the slot) survive table swaps. The inline fast paths read the
// table's FastTable (its slots as tagged words); lib/internal/route_table.h
// has it and the RouteEntry layout.
// Tables share unchanged entries: UpdateAlias copies the slot array and
// replaces one pointer. Ownership is writer-side only: an entry belongs to
// the current table until it is replaced, then to the retired table it was
// last reachable from (RouterTable::dead), which frees it when the epoch
// scheme reclaims that table. Readers never touch a reference count.

namespace aliasroute_internal {

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
  // Built by Seal() before publication; Router::table_ points at it.
  const FastTable* fast = nullptr;
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
    FastTable::Free(fast);
  }
  // Builds the fast path's view of `slots`. Called once the slots are final,
  // before publication; returns what Router::table_ holds.
  const FastTable* Seal() {
    FastTable::Free(fast);
    fast = FastTable::Make(this, slots.data(), slots.size());
    return fast;
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

__thread uint64_t t_route_rng = 0;

uint64_t LongKeyHash(uint64_t seed, absl::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), seed);
}

uint64_t StickyPickMany(const RouteEntry* e, absl::string_view key) {
  return e->PickHash(XXH3_64bits_withSeed(key.data(), key.size(), e->seed));
}

}  // namespace aliasroute_internal

namespace aliasroute {

using aliasroute_internal::Directory;
using aliasroute_internal::FastTable;
using aliasroute_internal::RouteEntry;
using aliasroute_internal::RouterTable;

std::string ExecutedVersion::ToString() const {
  return number_ == 0 ? std::string("$LATEST") : absl::StrCat(number_);
}

namespace {

constexpr absl::string_view kLatest = "$LATEST";

std::atomic<uint64_t> g_next_router_id{1};

std::atomic<uint64_t> g_rng_seed_counter{0};

// Seeds this thread's RouteRandom generator (route_table.h t_route_rng);
// once per thread, and again in a child after fork. The counter is the only
// shared write, off the steady state.
ABSL_ATTRIBUTE_NOINLINE void SeedRouteRng() {
  using aliasroute_internal::Mix64;
  const uint64_t c = g_rng_seed_counter.fetch_add(1, std::memory_order_relaxed);
  const uint64_t t = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t s =
      Mix64(t ^ Mix64(c + 0x9E3779B97F4A7C15ull) ^
            reinterpret_cast<uintptr_t>(&aliasroute_internal::t_route_rng) ^
            static_cast<uint64_t>(getpid()));
  aliasroute_internal::t_route_rng = s == 0 ? 1 : s;
}

// A forked child starts with its parent's generator state (only the forking
// thread survives); zero it so the child's first random route reseeds
// instead of repeating the parent's sequence.
void ForgetRouteRngInChild() { aliasroute_internal::t_route_rng = 0; }

void InstallForkHandler() {
  static const bool installed = [] {
    pthread_atfork(nullptr, nullptr, &ForgetRouteRngInChild);
    return true;
  }();
  (void)installed;
}

inline uint64_t NextRandom() {
  uint64_t r;
  while (!aliasroute_internal::TryNextRandom(&r)) SeedRouteRng();
  return r;
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

// "$LATEST" (0) or a published version number. `what()` names the field in
// the error; it is called only on error, so a success allocates nothing.
template <typename What>
absl::StatusOr<uint64_t> ParseVersion(absl::string_view v, const What& what) {
  if (v == kLatest) return uint64_t{0};
  absl::Status s = ValidateVersionNumber(v);
  if (!s.ok()) {
    return InvalidParameterValue(absl::StrCat(what(), ": ", s.message()));
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(v, &n) || n == 0) {
    return InvalidParameterValue(
        absl::StrCat(what(), ": bad version number \"", v, "\""));
  }
  return n;
}

struct EntryDeleter {
  void operator()(RouteEntry* e) const { RouteEntry::Free(e); }
};
using EntryPtr = std::unique_ptr<RouteEntry, EntryDeleter>;

// Builds the function entry: its published versions, ascending.
absl::StatusOr<EntryPtr> BuildFunctionEntry(const v1::Function& f) {
  // Error context, built only on error.
  auto where = [&f] { return absl::StrCat("function \"", f.name(), "\""); };
  std::vector<uint64_t> vs;
  vs.reserve(f.versions_size());
  for (const v1::FunctionVersion& v : f.versions()) {
    if (v.version() == kLatest) {
      return InvalidParameterValue(absl::StrCat(
          where(), ": published version must be a number, not $LATEST"));
    }
    absl::StatusOr<uint64_t> n = ParseVersion(
        v.version(), [&] { return absl::StrCat(where(), ": version"); });
    if (!n.ok()) return n.status();
    vs.push_back(*n);
  }
  std::sort(vs.begin(), vs.end());
  for (size_t i = 1; i < vs.size(); ++i) {
    if (vs[i] == vs[i - 1]) {
      return InvalidParameterValue(absl::StrCat(
          where(), ": published version ", vs[i], " appears twice"));
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
  // Error context, built only on error: a success allocates nothing here.
  auto where = [&] {
    return absl::StrCat("function \"", fn, "\" alias \"", alias.name(), "\"");
  };
  if (absl::Status s = ValidateAliasName(alias.name()); !s.ok()) {
    return InvalidParameterValue(absl::StrCat(where(), ": ", s.message()));
  }
  const auto& weights = alias.routing_config().additional_version_weights();
  const v1::RoutingMode mode = options.routing_mode();
  if (mode == v1::ROUTING_MODE_EXTENDED) {
    if (options.max_routing_versions() != 0 &&
        static_cast<uint32_t>(weights.size()) > options.max_routing_versions()) {
      return InvalidParameterValue(absl::StrCat(
          where(), ": routing_config has ", weights.size(),
          " additional versions, more than max_routing_versions (",
          options.max_routing_versions(), ")"));
    }
  } else if (weights.size() > 1) {
    // Lambda: "Number of items in AdditionalVersionWeights cannot be greater
    // than 1" (aws-semantics.md section 3).
    return InvalidParameterValue(absl::StrCat(
        where(), ": routing_config has ", weights.size(),
        " additional versions; AWS-compatible mode allows at most 1"));
  }
  // The version's number (0 for $LATEST), once it is known to be published.
  auto check_published =
      [&](absl::string_view v,
          absl::string_view field) -> absl::StatusOr<uint64_t> {
    absl::StatusOr<uint64_t> n = ParseVersion(
        v, [&] { return absl::StrCat(where(), ": ", field); });
    if (!n.ok()) return n.status();
    if (*n != 0 && !function.HasVersion(*n)) {
      return InvalidParameterValue(
          absl::StrCat(where(), ": ", field, " \"", v,
                       "\" is not a published version of the function"));
    }
    return n;
  };
  if (alias.function_version().empty()) {
    return InvalidParameterValue(
        absl::StrCat(where(), ": function_version must not be empty"));
  }
  absl::StatusOr<uint64_t> primary =
      check_published(alias.function_version(), "function_version");
  if (!primary.ok()) return primary.status();
  if (!weights.empty() && alias.function_version() == kLatest) {
    // Lambda: "$LATEST is not supported for an alias pointing to more than 1
    // version" (aws-semantics.md section 3).
    return InvalidParameterValue(absl::StrCat(
        where(), ": $LATEST is not supported for an alias pointing to more "
               "than 1 version"));
  }
  uint64_t first_additional = 0;  // Its number, when there is one.
  for (const v1::VersionWeight& w : weights) {
    if (w.version() == kLatest) {
      return InvalidParameterValue(absl::StrCat(
          where(), ": routing_config additional version must be a published "
                 "version number, not $LATEST"));
    }
    absl::StatusOr<uint64_t> n =
        check_published(w.version(), "routing_config additional version");
    if (!n.ok()) return n.status();
    if (&w == &weights[0]) first_additional = *n;
  }
  // The common case, no layout and at most one additional version whose
  // weight is in range: CanonicalLayout's answer written directly (the
  // additional version owns [0, w), the primary [w, S); an empty segment is
  // dropped), with no proto built. Anything else, including every input
  // CanonicalLayout refuses, takes the general path below.
  if (alias.layout().segments().empty() && weights.size() <= 1 &&
      (weights.empty() ||
       (weights[0].version() != alias.function_version() &&
        weights[0].weight_ppb() <= kWeightScale))) {
    const uint32_t w = weights.empty() ? 0 : weights[0].weight_ppb();
    const uint64_t other = first_additional;
    const uint32_t n = (w == 0 || w == kWeightScale) ? 1 : 2;
    EntryPtr e(
        RouteEntry::Allocate(RouteEntry::kAlias, n, alias.routing_seed()));
    int32_t* bounds = e->bounds();
    for (size_t i = 0; i < RouteEntry::BoundsCount(n); ++i) {
      bounds[i] = INT32_MAX;
    }
    uint64_t* versions = e->versions();
    if (n == 2) {
      versions[0] = other;
      versions[1] = *primary;
      bounds[0] = static_cast<int32_t>(w);
    } else {
      versions[0] = w == 0 ? *primary : other;
    }
    e->FinishAlias();
    return e;
  }
  v1::RoutingLayout canonical;
  const v1::RoutingLayout* layout = &alias.layout();
  if (alias.layout().segments().empty()) {
    absl::StatusOr<v1::RoutingLayout> c =
        CanonicalLayout(alias.function_version(), alias.routing_config());
    if (!c.ok()) {
      return InvalidParameterValue(
          absl::StrCat(where(), ": ", c.status().message()));
    }
    canonical = *std::move(c);
    layout = &canonical;
  } else if (absl::Status s = ValidateLayout(alias.layout(),
                                             alias.function_version(),
                                             alias.routing_config());
             !s.ok()) {
    return InvalidParameterValue(absl::StrCat(where(), ": layout: ", s.message()));
  }
  const uint32_t n = static_cast<uint32_t>(layout->segments_size());
  if (n == 0 || n > static_cast<uint32_t>(kMaxLayoutSegments)) {
    return InvalidParameterValue(
        absl::StrCat(where(), ": layout has ", n, " segments"));
  }
  EntryPtr e(RouteEntry::Allocate(RouteEntry::kAlias, n, alias.routing_seed()));
  int32_t* bounds = e->bounds();
  for (size_t i = 0; i < RouteEntry::BoundsCount(n); ++i) bounds[i] = INT32_MAX;
  uint64_t* versions = e->versions();
  for (uint32_t i = 0; i < n; ++i) {
    const v1::LayoutSegment& s = layout->segments(static_cast<int>(i));
    absl::StatusOr<uint64_t> v = ParseVersion(s.version(), [&] {
      return absl::StrCat(where(), ": layout segment ", i, " version");
    });
    if (!v.ok()) return v.status();
    versions[i] = *v;
    if (i + 1 < n) bounds[i] = static_cast<int32_t>(s.end_ppb());
  }
  e->FinishAlias();
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
  // The slot of every function and alias, in snapshot order (each function,
  // then its aliases), so each name is looked up once.
  std::vector<int64_t> found;
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
    if (!need_new_dir) {
      const int64_t slot = base->Find(f.name(), "");
      if (slot < 0) need_new_dir = true;
      found.push_back(slot);
    }
    absl::flat_hash_set<absl::string_view> alias_names;
    for (const v1::Alias& a : f.aliases()) {
      if (!alias_names.insert(a.name()).second) {
        return InvalidParameterValue(absl::StrCat(
            "function \"", f.name(), "\" alias \"", a.name(),
            "\" appears twice"));
      }
      if (!need_new_dir) {
        const int64_t slot = base->Find(f.name(), a.name());
        if (slot < 0) need_new_dir = true;
        found.push_back(slot);
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
    found.clear();
    auto slot_of = [&d](absl::string_view fn, absl::string_view alias) {
      const int64_t slot = d->Find(fn, alias);
      return slot >= 0 ? slot : int64_t{d->Add(fn, alias)};
    };
    for (const v1::Function& f : snapshot.functions()) {
      found.push_back(slot_of(f.name(), ""));
      for (const v1::Alias& a : f.aliases()) {
        found.push_back(slot_of(f.name(), a.name()));
      }
    }
    dir = std::move(d);
  }
  out->table = std::make_unique<RouterTable>();
  RouterTable& t = *out->table;
  t.dir = dir;
  t.slots.assign(dir->names.size(), nullptr);
  t.generation = snapshot.generation();
  size_t k = 0;
  for (const v1::Function& f : snapshot.functions()) {
    absl::StatusOr<EntryPtr> fe = BuildFunctionEntry(f);
    if (!fe.ok()) return fe.status();
    const RouteEntry& function = **fe;
    t.slots[found[k++]] = fe->release();
    for (const v1::Alias& a : f.aliases()) {
      absl::StatusOr<EntryPtr> ae =
          BuildAliasEntry(f.name(), a, function, snapshot.options());
      if (!ae.ok()) return ae.status();
      t.slots[found[k++]] = ae->release();
    }
  }
  FinishTable(t);
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction and writers.

const RouterTable* Router::Current() const {
  return static_cast<const RouterTable*>(
      table_.load(std::memory_order_seq_cst)->owner);
}

Router::Router(const RouterOptions& options)
    : id_(g_next_router_id.fetch_add(1, std::memory_order_relaxed)),
      alias_tag_(RouteHandle::Tag(id_, RouteHandle::Kind::kAlias)),
      table_(nullptr),
      writer_(std::make_unique<WriterState>(options)) {
  aliasroute_internal::InitEpochDomain();
  InstallForkHandler();
  auto* t = new RouterTable;
  t->dir = std::make_shared<Directory>();
  writer_->current = t;
  table_.store(t->Seal(), std::memory_order_seq_cst);
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
  const FastTable* fast = next->Seal();
  // seq_cst: the unpublish U of the epoch proof (lib/internal/epoch.h).
  table_.exchange(fast, std::memory_order_seq_cst);
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
                  sizeof(FastTable) + t.fast->count * sizeof(uintptr_t) +
                  t.entry_bytes + t.dir->bytes();
  s.generation = t.generation;
  s.membarrier = aliasroute_internal::EpochUsesMembarrier();
  return s;
}

// ---------------------------------------------------------------------------
// Readers. Each public read opens one EpochReadSection, loads table_ once and
// uses nothing from the table after the section ends (results are values).

absl::Status Router::CheckHandle(const RouteHandle& handle) const {
  if (ABSL_PREDICT_FALSE(handle.kind() == RouteHandle::Kind::kInvalid)) {
    return InvalidParameterValue(
        "route handle is not valid (default-constructed); get one from "
        "Router::Resolve");
  }
  return InvalidParameterValue(absl::StrCat(
      "route handle belongs to another router (router id ", handle.router_id(),
      ", this router is ", id_, ")"));
}

absl::StatusOr<ExecutedVersion> Router::TargetGone(
    const RouterTable& t, const RouteHandle& handle) const {
  const Directory& dir = *t.dir;
  if (handle.slot_ >= dir.names.size()) {
    return ResourceNotFound("route handle names a target unknown to the table");
  }
  const auto& name = dir.names[handle.slot_];
  switch (handle.kind()) {
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
  if (handle.kind() == RouteHandle::Kind::kLatest) {
    return ExecutedVersion::Latest();
  }
  if (!e->HasVersion(handle.version_)) return TargetGone(t, handle);
  return ExecutedVersion::Published(handle.version_);
}

// Slow paths: every case the inline fast paths (router.h) leave out,
// including errors and a thread's first read.
absl::StatusOr<ExecutedVersion> Router::RouteSlow(const RouteHandle& handle,
                                                  absl::string_view key) const {
  if (handle.router_id() != id_) return CheckHandle(handle);
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = Current();
  if (handle.kind() == RouteHandle::Kind::kAlias) {
    const RouteEntry* e =
        handle.slot_ < t->slots.size() ? t->slots[handle.slot_] : nullptr;
    if (e == nullptr) return TargetGone(*t, handle);
    return ExecutedVersion::Published(e->Pick(StickyPointInline(e->seed, key)));
  }
  return RouteFunction(*t, handle);
}

absl::StatusOr<ExecutedVersion> Router::RouteSlowPoint(
    const RouteHandle& handle, uint32_t point) const {
  if (handle.router_id() != id_) return CheckHandle(handle);
  if (point >= kWeightScale) {
    return InvalidParameterValue(absl::StrCat(
        "routing point must be below ", kWeightScale, ", got ", point));
  }
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = Current();
  if (handle.kind() == RouteHandle::Kind::kAlias) {
    const RouteEntry* e =
        handle.slot_ < t->slots.size() ? t->slots[handle.slot_] : nullptr;
    if (e == nullptr) return TargetGone(*t, handle);
    return ExecutedVersion::Published(e->Pick(point));
  }
  return RouteFunction(*t, handle);
}

absl::StatusOr<ExecutedVersion> Router::RouteRandomSlow(
    const RouteHandle& handle) const {
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
  const RouterTable* t = Current();
  return ResolveInTable(*t, *ref);
}

absl::StatusOr<ExecutedVersion> Router::RouteByName(
    absl::string_view name, absl::string_view key) const {
  absl::StatusOr<FunctionRef> ref = ParseFunctionRef(name);
  if (!ref.ok()) return ref.status();
  aliasroute_internal::EpochReadSection section;
  const RouterTable* t = Current();
  absl::StatusOr<RouteHandle> h = ResolveInTable(*t, *ref);
  if (!h.ok()) return h.status();
  if (h->kind() == RouteHandle::Kind::kAlias) {
    const RouteEntry* e = t->slots[h->slot_];
    return ExecutedVersion::Published(e->Pick(StickyPointInline(e->seed, key)));
  }
  return RouteFunction(*t, *h);
}

}  // namespace aliasroute
