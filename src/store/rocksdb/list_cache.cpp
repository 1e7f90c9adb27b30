#include "store/rocksdb/list_cache.h"

#include <algorithm>

namespace kindred::store::rocksdb_detail {
namespace {

// The store's order of range rows: newer first, then by `to` (range_key: ~position, to).
bool before(const Assoc& a, const Assoc& b) {
  if (a.position != b.position) return a.position > b.position;
  return a.to < b.to;
}

// A window of the oldest entries answers oldest-first queries only: walking up from the list's
// oldest entry, it knows every row until it runs out.
bool answer_from_oldest(const ListWindow& window, const RangeQuery& q, RangePage& out) {
  if (!q.oldest_first) return false;
  const uint64_t max = q.max_position.value;
  const uint64_t min = q.min_position.value;
  const auto& rows = window.rows;
  for (size_t i = rows.size(); i > 0; --i) {
    const uint64_t position = rows[i - 1].position.value;
    if (min != 0 && position <= min) continue;
    if (max != 0 && position >= max) return true;  // positions only grow from here
    if (out.items.size() == q.limit) {
      out.more = true;
      return true;
    }
    out.items.push_back(rows[i - 1]);
  }
  return window.complete;  // else the rows beyond the window are unknown
}

}  // namespace

bool fills_window(ListEnd end, const RangeQuery& q) {
  // Below the window's size: a page of exactly kListWindow from a longer list would fill the
  // window and still not know whether more lies beyond it.
  return q.oldest_first == (end == ListEnd::kOldest) && q.max_position.is_none() &&
         q.min_position.is_none() && q.limit > 0 && q.limit < kListWindow;
}

bool answer_from_window(ListEnd end, const ListWindow& window, const RangeQuery& q,
                        RangePage& out) {
  if (q.limit == 0) return false;
  out.items.clear();
  out.more = false;
  if (end == ListEnd::kOldest) return answer_from_oldest(window, q, out);
  const uint64_t max = q.max_position.value;
  const uint64_t min = q.min_position.value;
  const auto& rows = window.rows;
  // Rows [first, last) of the window lie strictly between the bounds. `reaches_min`: a row at or
  // below `min` is in the window, so nothing beyond the window can qualify either.
  size_t first = 0;
  while (first < rows.size() && max != 0 && rows[first].position.value >= max) ++first;
  size_t last = first;
  while (last < rows.size() && (min == 0 || rows[last].position.value > min)) ++last;
  const bool reaches_min = last < rows.size();
  const bool covers_all = window.complete || reaches_min;
  if (!q.oldest_first) {
    const size_t available = last - first;
    if (available > q.limit) {
      out.items.assign(rows.begin() + static_cast<std::ptrdiff_t>(first),
                       rows.begin() + static_cast<std::ptrdiff_t>(first + q.limit));
      out.more = true;
      return true;
    }
    // A max beyond the window leaves `first` at its end: the store must say what lies there.
    if (!covers_all) return false;
    out.items.assign(rows.begin() + static_cast<std::ptrdiff_t>(first),
                     rows.begin() + static_cast<std::ptrdiff_t>(last));
    return true;
  }
  // Oldest first: the rows just above `min` are wanted, so the window must reach down to it.
  if (!covers_all) return false;
  for (size_t i = last; i > first && out.items.size() < q.limit; --i) out.items.push_back(rows[i - 1]);
  out.more = last - first > q.limit;
  return true;
}

std::shared_ptr<const ListWindow> window_after(ListEnd end, const ListWindow& window,
                                               const std::vector<const Assoc*>& added,
                                               const std::vector<Id>& removed) {
  auto next = std::make_shared<ListWindow>(window);
  auto& rows = next->rows;
  // Beyond the window's inner edge (its last row, or for the oldest end its first) is beyond
  // what it knows, unless it is the whole list.
  const bool oldest = end == ListEnd::kOldest;
  for (const Assoc* a : added) {
    auto at = std::lower_bound(rows.begin(), rows.end(), *a, before);
    if (!next->complete && at == (oldest ? rows.begin() : rows.end())) continue;
    rows.insert(at, *a);
  }
  for (Id to : removed) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const Assoc& r) { return r.to == to; });
    if (it != rows.end()) rows.erase(it);
  }
  if (rows.size() > kListWindow) {
    if (oldest) {
      rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(kListWindow));
    } else {
      rows.resize(kListWindow);
    }
    next->complete = false;
  }
  return next;
}

}  // namespace kindred::store::rocksdb_detail
