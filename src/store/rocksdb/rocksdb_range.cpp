// RocksDbStore::assoc_range: cursored windows over the assoc_ranges column family.

#include <rocksdb/iterator.h>

#include <algorithm>
#include <memory>
#include <string>

#include "store/rocksdb/encoding.h"
#include "store/rocksdb/list_cache.h"
#include "store/rocksdb/rocksdb_store_impl.h"

namespace kindred::store::rocksdb_detail {

Result<RangePage> RocksDbStore::assoc_range(Id from, AssocType type, const RangeQuery& q) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  // The list's newest and oldest entries may be in memory (list_cache.h); the first page of a
  // list read from the store, from either end, is cached for next time.
  const CountKey list = ListCache::key(from, type);
  const ListEnd end = q.oldest_first ? ListEnd::kOldest : ListEnd::kNewest;
  ListCache& cache = q.oldest_first ? oldest_list_cache_ : list_cache_;
  RangePage page;
  if (auto window = cache.find(list); window && answer_from_window(end, **window, q, page))
    return page;
  if (fills_window(end, q)) {
    const auto ticket = cache.ticket(list);
    RangeQuery head;
    head.limit = kListWindow;
    head.oldest_first = q.oldest_first;
    KINDRED_ASSIGN_OR_RETURN(RangePage read, read_range(from, type, head));
    auto window = std::make_shared<ListWindow>();
    window->rows = std::move(read.items);
    if (q.oldest_first)
      std::reverse(window->rows.begin(), window->rows.end());  // the store's order
    window->complete = !read.more;
    if (ticket) cache.fill(list, *ticket, window);
    if (answer_from_window(end, *window, q, page)) return page;  // always: the page is smaller
  }
  return read_range(from, type, q);
}

Result<RangePage> RocksDbStore::read_range(Id from, AssocType type, const RangeQuery& q) const {
  RangePage page;
  // Both bounds are exclusive; zero means unbounded.
  const uint64_t max = q.max_position.value;
  const uint64_t min = q.min_position.value;
  if (max != 0 && min != 0 && max - 1 <= min) return page;  // nothing lies strictly between
  const auto in_range = [&](Id pos) {
    return (max == 0 || pos.value < max) && (min == 0 || pos.value > min);
  };

  // Rows sort newest-first (positions are stored inverted). `newest` is the first row with a
  // position below `max`; `past_oldest` sorts after every row with a position above `min`.
  const std::string prefix = assoc_prefix(from, type);
  const std::string newest = max != 0 ? range_seek_key(from, type, Id(max - 1)) : prefix;
  const std::string past_oldest =
      min != 0 ? range_seek_key(from, type, Id(min)) : prefix + std::string(16, '\xff');
  const ::rocksdb::Slice newest_slice(newest);
  const ::rocksdb::Slice past_oldest_slice(past_oldest);

  // Every seek key and bound shares the (from, type) prefix, so prefix seek (and its bloom
  // filter) applies, and prefix_same_as_start keeps the walk inside this list.
  ::rocksdb::ReadOptions read;
  read.prefix_same_as_start = true;
  if (q.oldest_first) {
    read.iterate_lower_bound = &newest_slice;
  } else if (min != 0) {
    read.iterate_upper_bound = &past_oldest_slice;
  }
  std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(read, cf(kRanges)));
  if (q.oldest_first) {
    it->SeekForPrev(past_oldest);
  } else {
    it->Seek(newest);
  }
  for (; it->Valid(); q.oldest_first ? it->Prev() : it->Next()) {
    const auto key = it->key().ToStringView();
    if (!key.starts_with(prefix)) break;
    const auto row = decode_range_key(key);
    if (!row) return Status::corruption("rocksdb: malformed range key");
    if (!in_range(row->position)) break;  // the bounds above already stop here; belt and braces
    if (page.items.size() == q.limit) {
      page.more = true;
      break;
    }
    page.items.push_back(Assoc{from, type, row->to, row->position, it->value().ToString()});
  }
  KINDRED_RETURN_IF_ERROR(to_status(it->status(), "assoc range"));
  return page;
}

}  // namespace kindred::store::rocksdb_detail
