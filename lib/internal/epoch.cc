#include "lib/internal/epoch.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <mutex>
#include <thread>

namespace aliasroute_internal {

std::atomic<uint64_t> g_epoch{1};
bool g_epoch_strong_readers = true;
__thread EpochReaderSlot* t_epoch_slot = nullptr;
__thread EpochReaderSlot* t_epoch_fast_slot = nullptr;

namespace {

// Head of the list of every slot ever created. Slots are never freed (they
// are reused), so a writer may walk the list at any time without a lock.
std::atomic<EpochReaderSlot*> g_slots{nullptr};

bool g_use_membarrier = false;  // Written once under g_init_once.
std::once_flag g_init_once;

long Membarrier(int cmd) {
#ifdef SYS_membarrier
  return syscall(SYS_membarrier, cmd, 0, 0);
#else
  (void)cmd;
  return -1;
#endif
}

void DoInit() {
#if defined(ABSL_HAVE_THREAD_SANITIZER)
  // TSan does not understand membarrier: always the seq_cst reader path.
  g_use_membarrier = false;
#else
  const long supported = Membarrier(MEMBARRIER_CMD_QUERY);
  if (supported >= 0 &&
      (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
      (supported & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0 &&
      Membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
    g_use_membarrier = true;
  }
#endif
  g_epoch_strong_readers = !g_use_membarrier;
}

// Releases the thread's slot when the thread exits.
struct SlotReleaser {
  EpochReaderSlot* slot = nullptr;
  ~SlotReleaser() {
    if (slot == nullptr) return;
    slot->active.store(0, std::memory_order_release);
    t_epoch_slot = nullptr;
    t_epoch_fast_slot = nullptr;
    // release: the next owner starts after everything this thread did.
    slot->in_use.store(false, std::memory_order_release);
  }
};

}  // namespace

void InitEpochDomain() { std::call_once(g_init_once, DoInit); }

bool EpochUsesMembarrier() {
  InitEpochDomain();
  return g_use_membarrier;
}

EpochReaderSlot* RegisterEpochReader() {
  thread_local SlotReleaser releaser;
  EpochReaderSlot* claimed = nullptr;
  // Reuse a slot whose thread has exited.
  for (EpochReaderSlot* s = g_slots.load(std::memory_order_acquire);
       s != nullptr; s = s->next) {
    bool expected = false;
    if (!s->in_use.load(std::memory_order_relaxed) &&
        s->in_use.compare_exchange_strong(expected, true,
                                          std::memory_order_acquire,
                                          std::memory_order_relaxed)) {
      claimed = s;
      break;
    }
  }
  if (claimed == nullptr) {
    claimed = new EpochReaderSlot;
    claimed->in_use.store(true, std::memory_order_relaxed);
    EpochReaderSlot* head = g_slots.load(std::memory_order_relaxed);
    do {
      claimed->next = head;
      // release: publishes the initialised slot to writers walking the list.
    } while (!g_slots.compare_exchange_weak(head, claimed,
                                            std::memory_order_release,
                                            std::memory_order_relaxed));
  }
  releaser.slot = claimed;
  t_epoch_slot = claimed;
#if defined(ABSL_HAVE_THREAD_SANITIZER)
  t_epoch_fast_slot = claimed;  // EpochEnterFast stores seq_cst under TSan.
#else
  // InitEpochDomain ran before any reader (Router's constructor), so the
  // mode is fixed by now.
  if (!g_epoch_strong_readers) t_epoch_fast_slot = claimed;
#endif
  return claimed;
}

uint64_t OldestActiveEpoch() {
  if (g_use_membarrier) {
    // The asymmetric fence: a full barrier on every CPU running a thread of
    // this process, between our unpublish(es) and the scan below.
    if (Membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
      // Cannot happen after a successful registration; stay safe anyway.
      std::atomic_thread_fence(std::memory_order_seq_cst);
    }
  } else {
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  uint64_t oldest = UINT64_MAX;
  for (EpochReaderSlot* s = g_slots.load(std::memory_order_acquire);
       s != nullptr; s = s->next) {
    // seq_cst (acquire at least): pairs with the reader's exit release and
    // with the seq_cst announcement in fallback mode.
    const uint64_t a = s->active.load(std::memory_order_seq_cst);
    if (a != 0 && a < oldest) oldest = a;
  }
  return oldest;
}

RetireList::RetireList(size_t batch, size_t max_pending)
    : batch_(std::max<size_t>(1, batch)),
      max_pending_(std::max(std::max<size_t>(1, batch), max_pending)) {
  items_.reserve(max_pending_);
}

RetireList::~RetireList() {
  for (const Item& it : items_) it.deleter(it.p);
  reclaimed_ += items_.size();
  items_.clear();
}

void RetireList::Retire(uint64_t tag, void* p, Deleter deleter) {
  assert(items_.empty() || items_.back().tag <= tag);
  items_.push_back(Item{tag, p, deleter});
  max_seen_ = std::max(max_seen_, items_.size());
  if (items_.size() >= batch_) TryReclaim();
  if (items_.size() >= max_pending_) {
    ++waits_;
    do {
      // Only sections running now can hold what is pending; each ends after
      // a bounded route call.
      std::this_thread::yield();
      TryReclaim();
    } while (items_.size() >= max_pending_);
  }
}

size_t RetireList::TryReclaim() {
  if (items_.empty()) return 0;
  const uint64_t oldest = OldestActiveEpoch();
  // Tags ascend: free the prefix with tag < oldest.
  size_t n = 0;
  while (n < items_.size() && items_[n].tag < oldest) ++n;
  for (size_t i = 0; i < n; ++i) items_[i].deleter(items_[i].p);
  items_.erase(items_.begin(), items_.begin() + n);
  reclaimed_ += n;
  return n;
}

}  // namespace aliasroute_internal
