// router.h: the per-request hot path. Start here if you embed aliasroute in a
// proxy or gateway.
//
// A Router holds an immutable routing table built from a
// v1::RegistrySnapshot and answers, per request, which version of a function
// serves it: a wait-free read that takes no lock, writes no shared memory and
// allocates nothing on success. The control plane swaps the whole table
// (Publish) or one alias (UpdateAlias, RemoveAlias) atomically: every route
// sees either the old table or the new one, never a mix. Retired tables are
// reclaimed by an epoch scheme (lib/internal/epoch.h) with bounded memory.
//
// What a request names is resolved the way Lambda's Invoke resolves its
// FunctionName (Lambda API reference, Invoke; ../shared/notes/aws-semantics.md):
//   "checkout"                         $LATEST
//   "checkout:$LATEST"                 $LATEST
//   "checkout:7"                       published version 7 (must exist)
//   "checkout:live"                    alias "live": a weighted choice
//   "123456789012:function:checkout:live"                  partial ARN
//   "arn:aws:lambda:us-east-1:123456789012:function:checkout:live"  full ARN
// The result is reported the way Lambda's ExecutedVersion is: "$LATEST" or
// "7" (ExecutedVersion::ToString).
//
// Routing an alias hashes the caller's key to a routing point in
// [0, kWeightScale) (StickyPoint(alias.routing_seed, key), lib/weights.h) and
// serves the version whose layout segment (lib/layout.h) holds the point. The
// same snapshot and key give the same version in every process, on every
// machine and in every language (golden vectors in tests/golden/ pin it).
// Raising the additional version's weight of a two-version alias moves keys
// only from the primary to it, exactly the weight that changed; restoring the
// weights restores the assignment exactly (layout.h explains why and how the
// N-version layouts keep movement minimal).
//
// Example:
//   absl::StatusOr<std::unique_ptr<aliasroute::Router>> router =
//       aliasroute::Router::Create(snapshot);
//   if (!router.ok()) return router.status();
//   // Once, off the hot path:
//   absl::StatusOr<aliasroute::RouteHandle> live =
//       (*router)->Resolve("checkout:live");
//   if (!live.ok()) return live.status();
//   // Per request:
//   absl::StatusOr<aliasroute::ExecutedVersion> v =
//       (*router)->Route(*live, user_id);  // sticky by user id
//   if (v.ok()) response.SetHeader("X-Amz-Executed-Version", v->ToString());
//   // Control plane, from any thread, concurrently with the routes above:
//   absl::Status s = (*router)->UpdateAlias("checkout", new_live_alias);

#ifndef ALIASROUTE_LIB_ROUTER_H_
#define ALIASROUTE_LIB_ROUTER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "lib/arn.h"
#include "lib/internal/epoch.h"
#include "lib/internal/route_table.h"
#include "lib/weights.h"
#include "proto/registry.pb.h"

namespace aliasroute_internal {
struct RouterTable;
}  // namespace aliasroute_internal

namespace aliasroute {

// The version a route picked: $LATEST or a published version number. A small
// value, never a pointer into the table, so it stays valid after any update.
// Intentionally copyable.
class ExecutedVersion {
 public:
  // $LATEST.
  constexpr ExecutedVersion() = default;
  static constexpr ExecutedVersion Latest() { return ExecutedVersion(); }
  // Published version `number`; 0 means $LATEST.
  static constexpr ExecutedVersion Published(uint64_t number) {
    return ExecutedVersion(number);
  }

  constexpr bool is_latest() const { return number_ == 0; }
  // The published version number; 0 for $LATEST.
  constexpr uint64_t number() const { return number_; }

  // As Lambda reports ExecutedVersion: "$LATEST" or the decimal number, e.g.
  // "7".
  std::string ToString() const;

  friend constexpr bool operator==(ExecutedVersion a, ExecutedVersion b) {
    return a.number_ == b.number_;
  }
  friend constexpr bool operator!=(ExecutedVersion a, ExecutedVersion b) {
    return a.number_ != b.number_;
  }
  friend std::ostream& operator<<(std::ostream& os, ExecutedVersion v) {
    return os << v.ToString();
  }

 private:
  constexpr explicit ExecutedVersion(uint64_t number) : number_(number) {}
  uint64_t number_ = 0;
};

// What Resolve found: a function's $LATEST, one of its published versions, or
// one of its aliases, in one particular Router. Handles survive table swaps:
// the same function and alias name give the same handle for the router's
// whole life, so a handle resolved once keeps routing by the newest table.
// A default-constructed handle is invalid (routes with it return
// kInvalidArgument). 24 bytes. Intentionally copyable.
class RouteHandle {
 public:
  RouteHandle() = default;

  // False only for a default-constructed handle.
  bool valid() const { return tag_ != 0; }

  friend bool operator==(const RouteHandle& a, const RouteHandle& b) {
    return a.tag_ == b.tag_ && a.slot_ == b.slot_ && a.version_ == b.version_;
  }
  friend bool operator!=(const RouteHandle& a, const RouteHandle& b) {
    return !(a == b);
  }

 private:
  friend class Router;
  enum class Kind : uint32_t { kInvalid = 0, kAlias, kLatest, kVersion };
  static constexpr uint64_t Tag(uint64_t router_id, Kind kind) {
    return router_id << 2 | static_cast<uint64_t>(kind);
  }
  RouteHandle(uint64_t router_id, uint32_t slot, Kind kind, uint64_t version)
      : tag_(Tag(router_id, kind)), slot_(slot), version_(version) {}

  // Router::id_ of the router that resolved it.
  uint64_t router_id() const { return tag_ >> 2; }
  Kind kind() const { return static_cast<Kind>(tag_ & 3); }

  // Tag(router id, kind): one compare tells the fast path "an alias handle
  // of this router".
  uint64_t tag_ = 0;
  uint32_t slot_ = 0;     // Alias slot, or function slot.
  uint64_t version_ = 0;  // kVersion only: the version number.
};

struct RouterOptions {
  // The writer tries to reclaim retired tables once this many are waiting
  // (tables; each Publish / UpdateAlias / RemoveAlias retires one).
  size_t reclaim_batch = 32;
  // Hard bound on retired-but-unfreed tables. When it is reached the writer
  // waits (yielding) until the readers that are inside a route call at that
  // moment have left it; readers never wait. Raised to reclaim_batch when
  // lower.
  size_t max_retired = 128;
};

// Counters for tests and monitoring.
struct RouterStats {
  uint64_t publications = 0;      // Successful Publish/UpdateAlias/RemoveAlias.
  size_t retired_pending = 0;     // Retired tables not yet freed, now.
  size_t max_retired_pending = 0; // Highest retired_pending ever seen.
  uint64_t reclaimed = 0;         // Retired tables freed so far.
  uint64_t writer_waits = 0;      // Times the writer hit max_retired and waited.
  size_t aliases = 0;             // Aliases in the current table.
  size_t functions = 0;           // Functions in the current table.
  size_t table_bytes = 0;         // Heap bytes of the current table (approx.).
  uint64_t generation = 0;        // RegistrySnapshot.generation last published.
  // True when reclamation uses membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)
  // and readers a plain store; false when readers use a seq_cst store (no
  // kernel support, or ThreadSanitizer).
  bool membarrier = false;
};

// The routing table and its hot path.
//
// Thread safety: a Router is safe for concurrent access from multiple threads
// without external synchronization. Any number of threads may route (Resolve,
// Route*, RouteByName) while writers (Publish, UpdateAlias, RemoveAlias)
// run; reads never block and never wait for writers; writers serialize among
// themselves on an internal mutex. The destructor REQUIRES that no other call
// on this Router is running.
//
// Reads are not async-signal-safe. A thread's first read registers it with
// the reclamation scheme (once per thread, lock-free); its exit unregisters it.
//
// Memory: a table costs about 160 bytes per alias (a 64-byte entry for up to
// two versions, an 8-byte slot pointer, an 8-byte slot word in the fast
// path's view and its share of the name index; see RouterStats::table_bytes),
// plus up to RouterOptions::max_retired retired tables waiting for
// reclamation (UpdateAlias shares unchanged entries, so each of those costs
// 16 bytes per slot plus the replaced entry). A Router
// remembers every (function, alias) name it has held so that handles stay
// valid: that part grows with distinct names ever seen, not with updates.
class Router {
 public:
  // An empty router: no functions, so every name is not found until Publish.
  explicit Router(const RouterOptions& options = RouterOptions());

  // Builds a router from `snapshot`. Returns kInvalidArgument (naming the
  // function, alias or field) when Validate(snapshot) does.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Router>> Create(
      const v1::RegistrySnapshot& snapshot,
      const RouterOptions& options = RouterOptions());

  // Not copyable or movable: readers hold its address.
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  ~Router();

  // Checks that `snapshot` can be routed from: format_version is 1; function
  // names valid and unique; published version numbers valid and unique;
  // alias names valid and unique per function; each alias's primary is
  // "$LATEST" or a published version of its function, each additional
  // version is a published version; no "$LATEST" primary in a weighted alias;
  // at most one additional version in AWS-compatible mode (also when
  // routing_mode is unspecified); at most options.max_routing_versions (when
  // non-zero) in extended mode; Alias.layout, when set, is a valid layout for
  // the alias's weights (layout.h ValidateLayout). Returns OK or
  // kInvalidArgument naming the function/alias and the rule.
  static absl::Status Validate(const v1::RegistrySnapshot& snapshot);

  // ---- Writers (control plane). Each is atomic: on success readers switch
  // from the old table to the new one in one step; on failure nothing
  // changes. Cost: O(size of the table) to build the new table, plus an
  // occasional reclamation pass (a membarrier syscall and a scan of the
  // reader slots).

  // Replaces the whole table with one built from `snapshot`. Errors: as
  // Validate.
  absl::Status Publish(const v1::RegistrySnapshot& snapshot);

  // Creates or replaces alias `alias.name()` of function `function_name` in
  // the current table. Errors: kNotFound when the function is not in the
  // table ("Function not found: <arn>"); kInvalidArgument when the alias
  // breaks a Validate rule (its versions are checked against the function's
  // published versions in the current table).
  absl::Status UpdateAlias(absl::string_view function_name,
                           const v1::Alias& alias);

  // Removes alias `alias_name` of `function_name`. Handles to it then route
  // to kNotFound (and route again if an alias of that name comes back).
  // Errors: kNotFound when the function or alias is not in the table.
  absl::Status RemoveAlias(absl::string_view function_name,
                           absl::string_view alias_name);

  // ---- Readers (data plane). All are wait-free (bounded steps, no locks, no
  // read-modify-write on shared memory; hashing is O(key length)) except a
  // thread's very first read, which registers the thread (lock-free).

  // Resolves a function name, partial or full ARN with an optional qualifier
  // (see the file comment) to a handle. Errors:
  //   kInvalidArgument  `name` is not a valid function name or ARN (arn.h);
  //   kNotFound         the function, published version or alias is not in
  //                     the current table ("Function not found: <arn>"), or
  //                     an ARN names another partition, region or account
  //                     ("Functions from 'us-west-2' are not reachable in
  //                     this region ('us-east-1')"). An ARN is compared with
  //                     the snapshot's partition/region/account_id; when the
  //                     snapshot leaves one empty, ARNs naming any value for
  //                     it are not found. Bare names never are.
  // Cost: a hash-map lookup; no allocation on success.
  [[nodiscard]] absl::StatusOr<RouteHandle> Resolve(
      absl::string_view name) const;

  // Sticky route: the version serving `key` under the handle's target. For
  // an alias, point = StickyPoint(alias.routing_seed, key) in the current
  // table; the same key always gets the same version while the layout holds
  // it. Any key is valid: the empty key hashes like any other (all requests
  // with an empty key go to one version; use RouteRandom for per-request
  // random choice). $LATEST and version handles ignore the key. Errors:
  //   kInvalidArgument  invalid handle, or a handle from another Router;
  //   kNotFound         the target is gone from the current table (alias
  //                     removed, version deleted, function removed).
  // Cost: one XXH3 of the key plus O(1) (a branchless count over <= 8
  // segment ends; binary search beyond). No allocation on success. The fast
  // case (an alias handle) is inlined into the caller, with XXH3 itself
  // inlined for keys of at most 16 bytes and called for longer ones.
  [[nodiscard]] absl::StatusOr<ExecutedVersion> Route(
      const RouteHandle& handle, absl::string_view key) const;

  // Random route: like Route with a fresh uniformly random point per call,
  // drawn from a per-thread generator (splitmix64; no shared state; a child
  // process reseeds after fork). Not reproducible across runs; use
  // RouteWithPoint for replayable choices.
  [[nodiscard]] absl::StatusOr<ExecutedVersion> RouteRandom(
      const RouteHandle& handle) const;

  // Route with a caller-chosen routing point in [0, kWeightScale) (e.g.
  // RoutingPoint(your_random_u64)). Errors: as Route, plus kInvalidArgument
  // when point >= kWeightScale.
  [[nodiscard]] absl::StatusOr<ExecutedVersion> RouteWithPoint(
      const RouteHandle& handle, uint32_t point) const;

  // Resolve(name) and Route(handle, key) in one step against one table.
  // Errors: as both. Cost: parsing `name` and a hash-map lookup on top of
  // Route; no allocation on success.
  [[nodiscard]] absl::StatusOr<ExecutedVersion> RouteByName(
      absl::string_view name, absl::string_view key) const;

  // Counters; takes the writer mutex (not for the hot path).
  RouterStats stats() const;

 private:
  using Table = aliasroute_internal::RouterTable;
  using Entry = aliasroute_internal::RouteEntry;

  uintptr_t FastEnter(const RouteHandle& handle,
                      aliasroute_internal::EpochReaderSlot** slot) const;
  // Every case the fast paths leave out: errors, other handle kinds, long
  // keys, a thread's first read, the seq_cst reader mode.
  absl::StatusOr<ExecutedVersion> RouteSlow(const RouteHandle& handle,
                                            absl::string_view key) const;
  absl::StatusOr<ExecutedVersion> RouteSlowPoint(const RouteHandle& handle,
                                                 uint32_t point) const;
  absl::StatusOr<ExecutedVersion> RouteRandomSlow(
      const RouteHandle& handle) const;
  // The current table (a seq_cst load of table_); inside a read section, or
  // under mu_.
  const Table* Current() const;
  absl::Status CheckHandle(const RouteHandle& handle) const;
  absl::StatusOr<ExecutedVersion> TargetGone(const Table& table,
                                             const RouteHandle& handle) const;
  absl::StatusOr<ExecutedVersion> RouteFunction(const Table& table,
                                                const RouteHandle& handle) const;
  absl::StatusOr<RouteHandle> ResolveInTable(const Table& table,
                                             const FunctionRef& ref) const;
  void Install(Table* next, std::vector<const Entry*> dead)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Immutable after construction; handles carry it.
  const uint64_t id_;
  // RouteHandle::Tag(id_, kAlias).
  const uint64_t alias_tag_;

  // The current table's FastTable (its owner is the RouterTable, router.cc).
  // Written (exchange, seq_cst) only by writers under mu_; read (load,
  // seq_cst) by readers inside an epoch read section.
  std::atomic<const aliasroute_internal::FastTable*> table_;

  mutable absl::Mutex mu_;
  // Writer-side state (retired list, counters); see router.cc.
  struct WriterState;
  std::unique_ptr<WriterState> writer_ ABSL_GUARDED_BY(mu_);
};

// ---- Inline fast paths. Everything they leave out goes to the slow paths
// in router.cc, which answer every case from one table as well.

// Enters a read section and returns the slot word of `handle`'s alias in the
// current table (route_table.h FastTable: the entry's address, bit 0 set
// for at most two versions, 0 when the alias is absent), when `handle` is an
// alias handle of this router and this thread is registered in the
// membarrier reader mode. The caller leaves the section with
// EpochExit(*slot). Otherwise returns 0 with no section open. No call, so
// the caller's registers stay put.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uintptr_t Router::FastEnter(
    const RouteHandle& handle,
    aliasroute_internal::EpochReaderSlot** slot) const {
  aliasroute_internal::EpochReaderSlot* const s =
      aliasroute_internal::t_epoch_fast_slot;
  if (ABSL_PREDICT_FALSE(handle.tag_ != alias_tag_ || s == nullptr)) {
    return 0;
  }
  aliasroute_internal::EpochEnterFast(s);
  const aliasroute_internal::FastTable* t =
      table_.load(std::memory_order_seq_cst);
  if (ABSL_PREDICT_FALSE(handle.slot_ >= t->count)) {
    aliasroute_internal::EpochExit(s);
    return 0;
  }
  *slot = s;
  return t->words()[handle.slot_];
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::StatusOr<ExecutedVersion>
Router::Route(const RouteHandle& handle, absl::string_view key) const {
  using aliasroute_internal::FastTable;
  aliasroute_internal::EpochReaderSlot* slot = nullptr;
  const uintptr_t word = FastEnter(handle, &slot);
  if (ABSL_PREDICT_TRUE(word & FastTable::kTwoWay)) {
    const aliasroute_internal::RouteEntry* e = FastTable::TwoWayEntryOf(word);
    const uint64_t h =
        ABSL_PREDICT_TRUE(key.size() <= aliasroute_internal::kInlineKeyMax)
            ? aliasroute_internal::ShortKeyHash(e->seed, key)
            : aliasroute_internal::LongKeyHash(e->seed, key);
    const uint64_t v = e->PickTwo(h);
    aliasroute_internal::EpochExit(slot);
    return ExecutedVersion::Published(v);
  }
  if (word != 0) {
    // N versions: one call does the hash and the pick.
    const uint64_t v =
        aliasroute_internal::StickyPickMany(FastTable::EntryOf(word), key);
    aliasroute_internal::EpochExit(slot);
    return ExecutedVersion::Published(v);
  }
  if (slot != nullptr) aliasroute_internal::EpochExit(slot);
  // A named copy (not returned directly): the slow call's result slot then
  // is not the caller's object, whose address stays private to the caller.
  absl::StatusOr<ExecutedVersion> slow = RouteSlow(handle, key);
  return slow;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::StatusOr<ExecutedVersion>
Router::RouteWithPoint(const RouteHandle& handle, uint32_t point) const {
  using aliasroute_internal::FastTable;
  if (ABSL_PREDICT_TRUE(point < kWeightScale)) {
    aliasroute_internal::EpochReaderSlot* slot = nullptr;
    const uintptr_t word = FastEnter(handle, &slot);
    if (ABSL_PREDICT_TRUE(word != 0)) {
      const uint64_t v = FastTable::EntryOf(word)->Pick(point);
      aliasroute_internal::EpochExit(slot);
      return ExecutedVersion::Published(v);
    }
    if (slot != nullptr) aliasroute_internal::EpochExit(slot);
  }
  absl::StatusOr<ExecutedVersion> slow = RouteSlowPoint(handle, point);
  return slow;
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::StatusOr<ExecutedVersion>
Router::RouteRandom(const RouteHandle& handle) const {
  using aliasroute_internal::FastTable;
  uint64_t r;
  if (ABSL_PREDICT_TRUE(aliasroute_internal::TryNextRandom(&r))) {
    aliasroute_internal::EpochReaderSlot* slot = nullptr;
    const uintptr_t word = FastEnter(handle, &slot);
    if (ABSL_PREDICT_TRUE(word != 0)) {
      // The random value is the hash: the point is RoutingPoint(r).
      const uint64_t v = FastTable::EntryOf(word)->PickHash(r);
      aliasroute_internal::EpochExit(slot);
      return ExecutedVersion::Published(v);
    }
    if (slot != nullptr) aliasroute_internal::EpochExit(slot);
    absl::StatusOr<ExecutedVersion> slow =
        RouteSlowPoint(handle, RoutingPoint(r));
    return slow;
  }
  absl::StatusOr<ExecutedVersion> slow = RouteRandomSlow(handle);
  return slow;
}

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_ROUTER_H_
