// epoch.h: epoch-based reclamation for the router's immutable tables.
//
// Readers bracket every access to a published table with an EpochReadSection;
// writers unpublish a table, tag it with RetireTag() and hand it to a
// RetireList, which frees it once no reader can still hold it. Readers are
// wait-free and write only their own cache-line-padded slot; writers never
// wait for a reader that is not inside a read section.
//
// Example (reader):
//   {
//     aliasroute_internal::EpochReadSection section;
//     const Table* t = current.load(std::memory_order_seq_cst);
//     ... use *t; do not keep pointers past the section ...
//   }
// Example (writer, serialized by the caller):
//   const Table* old = current.exchange(next, std::memory_order_seq_cst);
//   retired.Retire(aliasroute_internal::RetireTag(), old, &DeleteTable);
//
// Thread safety
// -------------
// State:
//   E            the global epoch, a 64-bit counter starting at 1
//                (g_epoch). Only RetireTag() changes it, by fetch_add.
//   slot[r]      one per reader thread, padded to its own cache lines.
//                0 = quiescent; otherwise the value of E the reader read on
//                entering its current read section. Written only by its
//                owning thread; read by writers.
//   P            the shared pointer(s) readers load inside a section (owned
//                by the user of this file, e.g. Router::table_).
//
// Protocol:
//   Reader enter:  e = E.load(acquire); slot.store(e, relaxed);
//                  compiler barrier           (membarrier mode), or
//                  slot.store(e, seq_cst)     (fallback and ThreadSanitizer);
//                  then P.load(seq_cst).
//   Reader exit:   slot.store(0, release).
//   Writer retire: P.exchange(new, seq_cst); tag = E.fetch_add(1, acq_rel);
//                  the old object X is tagged with `tag`.
//   Writer reclaim: membarrier(PRIVATE_EXPEDITED) (membarrier mode) or
//                  a seq_cst fence (fallback); m = min over slots of the
//                  non-zero values (slot.load(seq_cst)); free every X with
//                  X.tag < m (every X when all slots are 0).
//
// Invariants:
//   1. A reader reads P at most once per section, after announcing in slot.
//   2. Tags are issued by fetch_add after the unpublish, so E > X.tag from
//      the moment X is retired, and every later value of E is written by a
//      read-modify-write in the release sequence headed by X's retire.
//   3. A slot's value is 0 exactly when its reader is outside a section,
//      except for the window between E.load and the slot store at entry.
//   4. An object is freed only by the writer, and only when X.tag < m.
//
// Proof sketch (no reader uses a freed object). Take X retired with tag t and
// freed by a reclaim pass at time F; take any reader section S that loaded a
// pointer to X. S loaded P before X's unpublish U (after U, P no longer
// points to X; seq_cst on both sides gives a single order).
//   (a) S announced value a > t. Then S's E.load read a value written at or
//       after the fetch_add that issued t (invariant 2), so U happens-before
//       S's P.load (release sequence + acquire), and S cannot see X. Contra.
//   (b) S announced a <= t and the writer saw it: then m <= t and X is not
//       freed. Contra.
//   (c) The writer did not see S's announcement (read 0 or a stale older
//       value from an earlier section that had exited). In membarrier mode,
//       the asymmetric fence runs a full barrier on every thread of the
//       process between the writer's U and its slot scan; S's slot store was
//       not visible after that barrier, so S's later P.load (ordered after
//       the store by the compiler barrier, and by the IPI's full barrier at
//       the kernel's point) executes after it and sees P's new value, not X.
//       In fallback mode the slot store, P.load, P.exchange and the scan
//       loads are all seq_cst: if the scan's load precedes S's store in the
//       single total order, S's P.load follows the exchange and sees the new
//       value. Contra.
//   (d) S exited before the scan read 0: exit is a release store and the
//       scan load acquires, so all of S's accesses happen-before the free.
// Progress: readers take a bounded number of steps (no loops, no waits).
// A section that announced a <= t delays freeing X only until it exits; the
// next section announces the current E > t. The writer waits (yields) only
// when RetireList holds max_pending objects, and then only for sections
// that are running at that moment (bounded: a route call).
//
// ThreadSanitizer does not model membarrier or fences, so under TSan (and
// whenever the kernel lacks MEMBARRIER_CMD_PRIVATE_EXPEDITED) the reader uses
// the seq_cst store: every edge of the proof is then an atomic acquire /
// release pair TSan can see.
//
// Sections must not nest on one thread (the router never nests them).

#ifndef ALIASROUTE_LIB_INTERNAL_EPOCH_H_
#define ALIASROUTE_LIB_INTERNAL_EPOCH_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/config.h"
#include "absl/base/optimization.h"

namespace aliasroute_internal {

// One reader thread's slot. Never freed; reused after its thread exits.
struct alignas(128) EpochReaderSlot {
  // 0 = quiescent; else the epoch announced at entry. Written only by the
  // owning thread (see the protocol above); read by writers.
  std::atomic<uint64_t> active{0};
  // True while a live thread owns this slot. CAS false->true to claim; the
  // owner's thread-exit hook stores false (release).
  std::atomic<bool> in_use{false};
  // Next slot in the global list. Written once before the slot is published
  // by the CAS on the list head; immutable afterwards.
  EpochReaderSlot* next = nullptr;
};

// The global epoch E. Constant-initialised. Only RetireTag() writes it.
extern std::atomic<uint64_t> g_epoch;
// True when readers must use the seq_cst announcement (no membarrier, or
// ThreadSanitizer). Written once by InitEpochDomain before any reader
// exists; read-only afterwards.
extern bool g_epoch_strong_readers;
// This thread's slot, or nullptr before its first section. __thread (not
// thread_local): no dynamic initialisation, so no TLS wrapper call.
extern __thread EpochReaderSlot* t_epoch_slot;
// This thread's slot when readers use the membarrier mode (then equal to
// t_epoch_slot), else always nullptr. Fast paths test this one pointer
// instead of the slot and g_epoch_strong_readers: in the fallback mode it
// stays nullptr and sends every read to the slow path, which announces with
// the seq_cst store. Under ThreadSanitizer it is set as well, and
// EpochEnterFast announces with the seq_cst store, so TSan checks the fast
// paths too.
extern __thread EpochReaderSlot* t_epoch_fast_slot;

// Registers membarrier (once per process) and picks the reader mode.
// Thread-safe and idempotent. REQUIRES: called before the first
// EpochReadSection of any thread (Router's constructor does).
void InitEpochDomain();

// Claims a slot for this thread (lock-free: a CAS on a free slot or on the
// list head) and arranges for its release at thread exit.
EpochReaderSlot* RegisterEpochReader();

// True when membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) is in use.
bool EpochUsesMembarrier();

// Announces entry into a read section on `s` (this thread's slot). The
// building block of EpochReadSection; exposed for hot paths that must not
// contain a call (see Router's fast paths). Wait-free.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EpochEnter(EpochReaderSlot* s) {
  // acquire: a value > X.tag orders X's unpublish before our P.load.
  const uint64_t e = g_epoch.load(std::memory_order_acquire);
#if defined(ABSL_HAVE_THREAD_SANITIZER)
  s->active.store(e, std::memory_order_seq_cst);
#else
  if (ABSL_PREDICT_FALSE(g_epoch_strong_readers)) {
    // Fallback: StoreLoad ordering with the P.load that follows.
    s->active.store(e, std::memory_order_seq_cst);
  } else {
    // membarrier mode: the writer's asymmetric fence supplies the
    // StoreLoad ordering; only the compiler must not reorder.
    s->active.store(e, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
#endif
}

// EpochEnter for the membarrier mode, without the mode test. REQUIRES: `s`
// is this thread's t_epoch_fast_slot (non-null only in that mode, and under
// ThreadSanitizer).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EpochEnterFast(EpochReaderSlot* s) {
  const uint64_t e = g_epoch.load(std::memory_order_acquire);
#if defined(ABSL_HAVE_THREAD_SANITIZER)
  s->active.store(e, std::memory_order_seq_cst);
#else
  s->active.store(e, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// Leaves the read section entered on `s`.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void EpochExit(EpochReaderSlot* s) {
  // release: everything read inside the section happens-before a writer
  // that acquires this 0 and frees.
  s->active.store(0, std::memory_order_release);
}

// RAII read section. Not copyable or movable. Wait-free (after the thread's
// first section, which registers it).
class EpochReadSection {
 public:
  EpochReadSection() {
    EpochReaderSlot* s = t_epoch_slot;
    if (ABSL_PREDICT_FALSE(s == nullptr)) s = RegisterEpochReader();
    slot_ = s;
    EpochEnter(s);
  }
  ~EpochReadSection() { EpochExit(slot_); }
  EpochReadSection(const EpochReadSection&) = delete;
  EpochReadSection& operator=(const EpochReadSection&) = delete;

 private:
  EpochReaderSlot* slot_;
};

// Writer: issues the tag for an object just unpublished (invariant 2).
// One fetch_add on E (acq_rel: orders the unpublish before any reader that
// reads the new value).
inline uint64_t RetireTag() {
  return g_epoch.fetch_add(1, std::memory_order_acq_rel);
}

// Writer: asymmetric fence then scan. Returns the smallest announced epoch
// of a reader inside a section, or UINT64_MAX when none is. Cost: one
// membarrier syscall (an IPI to the CPUs running this process) plus a scan of
// every slot ever created.
uint64_t OldestActiveEpoch();

// A writer's list of retired objects. Thread-compatible: the owner
// serializes calls (the router calls it under its writer mutex).
class RetireList {
 public:
  using Deleter = void (*)(void*);

  // `max_pending` >= `batch` >= 1.
  RetireList(size_t batch, size_t max_pending);
  // Frees everything still pending. REQUIRES: no reader can still reach any
  // of it (e.g. the owner is being destroyed and no call is running).
  ~RetireList();
  RetireList(const RetireList&) = delete;
  RetireList& operator=(const RetireList&) = delete;

  // Takes ownership of `p` (freed later with `deleter(p)`). Tries to reclaim
  // when `batch` objects are pending; while `max_pending` are pending it
  // waits (yielding) for the sections running at that moment, so pending()
  // never exceeds max_pending and is below it on return.
  void Retire(uint64_t tag, void* p, Deleter deleter);

  // One reclamation pass; returns how many objects it freed.
  size_t TryReclaim();

  size_t pending() const { return items_.size(); }
  size_t max_pending_seen() const { return max_seen_; }
  uint64_t reclaimed() const { return reclaimed_; }
  uint64_t waits() const { return waits_; }

 private:
  struct Item {
    uint64_t tag;
    void* p;
    Deleter deleter;
  };
  const size_t batch_;
  const size_t max_pending_;
  std::vector<Item> items_;  // Ascending tags.
  size_t max_seen_ = 0;
  uint64_t reclaimed_ = 0;
  uint64_t waits_ = 0;
};

}  // namespace aliasroute_internal

#endif  // ALIASROUTE_LIB_INTERNAL_EPOCH_H_
