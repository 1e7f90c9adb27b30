#pragma once

// Internal to src/store/rocksdb/: the newest and the oldest entries of the lists a process reads
// often.
//
// A range read costs a RocksDB iterator (creation, a seek through the memtable and every level,
// one step per entry): about a third of a home page's time in the store. Most range reads ask
// for the head of a list (a home feed, a profile, notifications) or the page after it. This cache
// keeps, per list, a window of its newest entries (up to kListWindow, in the store's order:
// position descending, then `to` ascending) and whether the window is the whole list, and
// answers every query the window covers. It is kept exact as the other caches are
// (WriteTrackedCache): apply() brackets each write and updates cached windows with the edges it
// added and removed. Each cached window is immutable and replaced on change.
//
// A thread's replies are read the other way, oldest first (a status's context, a post's first
// page of comments), and walking a list backwards costs more: each step back in a memtable is a
// new search of its skip list (a third of a context request with 1,000 replies in memory). So a
// second cache keeps windows at the oldest end. New entries (newer than the window) pass it by,
// which keeps such a window valid while a busy post gathers replies.

#include <memory>
#include <vector>

#include "store/rocksdb/exact_caches.h"
#include "store/store.h"

namespace kindred::store::rocksdb_detail {

// Entries a window holds at most; queries with a larger limit go to the store.
inline constexpr size_t kListWindow = 64;

// Which end of a list a window holds.
enum class ListEnd { kNewest, kOldest };

struct ListWindow {
  std::vector<Assoc> rows;  // the list's newest (or oldest) entries, in the store's order
  bool complete = false;    // `rows` is the whole list
};

class ListCache : public WriteTrackedCache<CountKey, std::shared_ptr<const ListWindow>> {
 public:
  using WriteTrackedCache::WriteTrackedCache;
  static CountKey key(Id from, AssocType type) { return {from.value, static_cast<uint16_t>(type)}; }
};

// Whether `window`, which holds the list's `end`, holds everything `q` asks for; if so, the
// answer is in `out`.
bool answer_from_window(ListEnd end, const ListWindow& window, const RangeQuery& q, RangePage& out);

// Whether a query that misses the cache should read a whole window at `end` and cache it: the
// list's first page from that end, smaller than a window.
bool fills_window(ListEnd end, const RangeQuery& q);

// `window` (of the list's `end`) after a batch that added `added` (new edges of this list) and
// then removed the edges to `removed`.
std::shared_ptr<const ListWindow> window_after(ListEnd end, const ListWindow& window,
                                               const std::vector<const Assoc*>& added,
                                               const std::vector<Id>& removed);

}  // namespace kindred::store::rocksdb_detail
