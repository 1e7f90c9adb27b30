// RocksDbStore::apply: atomic batches with exact counts.
//
// Every edge and key a batch touches is hashed onto one of kLockStripes mutexes; the stripes are
// locked in ascending order (so batches cannot deadlock), current state is read, one
// rocksdb::WriteBatch is built and written, and the stripes are released. Whether an add or a
// remove changes the edge set is therefore decided against state no other batch can change
// meanwhile, and only real changes merge +1 / -1 into the count.
//
// Order within one batch (each step sees the previous steps' effects):
//   1. key releases, then key claims: releasing and claiming one key in a batch hands it over;
//      a claim of a key held by another id fails the whole batch with Conflict (nothing written);
//      a claim by the id already holding the key is accepted and changes nothing.
//   2. object puts, then object deletes: a put and a delete of one object leave it deleted;
//      deleting a missing object is not an error.
//   3. assoc adds, then assoc removes: adding and removing one edge leaves it absent (both report
//      true if it was new). Adding an edge that exists, even with another position or data,
//      changes nothing and reports false; to change them, remove then add in separate batches.

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/mix.h"
#include "store/rocksdb/encoding.h"
#include "store/rocksdb/rocksdb_store_impl.h"

namespace kindred::store::rocksdb_detail {
namespace {

size_t edge_stripe(Id from, AssocType type, Id to) {
  return mix64(mix64(from.value ^ (uint64_t{static_cast<uint16_t>(type)} << 48)) ^ to.value) %
         kLockStripes;
}

size_t key_stripe(KeyspaceType space, std::string_view key) {
  return mix64(std::hash<std::string_view>{}(key) ^ static_cast<uint64_t>(space)) % kLockStripes;
}

// Locks the given stripes in ascending order, each once; unlocks on destruction.
class StripeGuard {
 public:
  StripeGuard(std::array<std::mutex, kLockStripes>& stripes, std::vector<size_t> indices)
      : stripes_(stripes), held_(std::move(indices)) {
    std::sort(held_.begin(), held_.end());
    held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
    for (size_t i : held_) stripes_[i].lock();
  }
  ~StripeGuard() {
    for (auto i = held_.rbegin(); i != held_.rend(); ++i) stripes_[*i].unlock();
  }
  StripeGuard(const StripeGuard&) = delete;
  StripeGuard& operator=(const StripeGuard&) = delete;

 private:
  std::array<std::mutex, kLockStripes>& stripes_;
  std::vector<size_t> held_;
};

std::vector<size_t> stripes_of(const Batch& batch) {
  std::vector<size_t> out;
  out.reserve(batch.assoc_adds.size() + batch.assoc_removes.size() + batch.key_claims.size() +
              batch.key_releases.size());
  for (const auto& add : batch.assoc_adds) {
    out.push_back(edge_stripe(add.assoc.from, add.assoc.type, add.assoc.to));
  }
  for (const auto& r : batch.assoc_removes) out.push_back(edge_stripe(r.from, r.type, r.to));
  for (const auto& c : batch.key_claims) out.push_back(key_stripe(c.space, c.key));
  for (const auto& r : batch.key_releases) out.push_back(key_stripe(r.space, r.key));
  return out;
}

Status validate(const Batch& batch) {
  for (const auto& put : batch.object_puts) {
    if (put.id.is_none()) return Status::invalid_argument("object id is zero");
  }
  for (const auto& add : batch.assoc_adds) {
    if (add.assoc.from.is_none() || add.assoc.to.is_none()) {
      return Status::invalid_argument("association endpoint id is zero");
    }
  }
  for (const auto& claim : batch.key_claims) {
    if (claim.id.is_none()) return Status::invalid_argument("key claim names id zero");
  }
  return check_conditions(batch);
}

// Sorted and de-duplicated.
std::vector<std::string> unique_keys(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Status batch_status(const ::rocksdb::Status& s) { return to_status(s, "build write batch"); }

}  // namespace

Result<RocksDbStore::EdgeStates> RocksDbStore::read_edge_states(const Batch& batch) const {
  std::vector<std::string> keys;
  for (const auto& add : batch.assoc_adds) {
    keys.push_back(edge_key(add.assoc.from, add.assoc.type, add.assoc.to));
  }
  for (const auto& r : batch.assoc_removes) keys.push_back(edge_key(r.from, r.type, r.to));
  keys = unique_keys(std::move(keys));
  KINDRED_ASSIGN_OR_RETURN(auto values, multi_get(kEdges, keys));
  EdgeStates states;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<Id> position;
    if (values[i]) {
      const auto edge = decode_edge_value(*values[i]);
      if (!edge) return Status::corruption("rocksdb: malformed edge value");
      position = edge->position;
    }
    states.emplace(std::move(keys[i]), position);
  }
  return states;
}

Result<RocksDbStore::KeyStates> RocksDbStore::read_key_states(const Batch& batch) const {
  std::vector<std::string> keys;
  for (const auto& c : batch.key_claims) keys.push_back(keyspace_key(c.space, c.key));
  for (const auto& r : batch.key_releases) keys.push_back(keyspace_key(r.space, r.key));
  keys = unique_keys(std::move(keys));
  KINDRED_ASSIGN_OR_RETURN(auto values, multi_get(kKeys, keys));
  KeyStates states;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<Id> id;
    if (values[i]) {
      id = decode_id_value(*values[i]);
      if (!id) return Status::corruption("rocksdb: malformed key value");
    }
    states.emplace(std::move(keys[i]), id);
  }
  return states;
}

Result<BatchOutcome> RocksDbStore::apply(const Batch& batch) {
  KINDRED_RETURN_IF_ERROR(validate(batch));
  const auto lifecycle = admit();
  if (!lifecycle.owns_lock()) return closed_status();
  BatchOutcome outcome;
  if (batch.empty()) return outcome;

  KINDRED_RETURN_IF_ERROR(resume_if_failing());
  StripeGuard guard(stripes_, stripes_of(batch));
  KINDRED_ASSIGN_OR_RETURN(auto keys, read_key_states(batch));
  KINDRED_ASSIGN_OR_RETURN(auto edges, read_edge_states(batch));
  ::rocksdb::WriteBatch wb;

  for (const auto& r : batch.key_releases) {
    const std::string k = keyspace_key(r.space, r.key);
    keys.at(k).reset();
    KINDRED_RETURN_IF_ERROR(batch_status(wb.Delete(cf(kKeys), k)));
  }
  for (const auto& c : batch.key_claims) {
    const std::string k = keyspace_key(c.space, c.key);
    auto& holder = keys.at(k);
    if (holder && *holder != c.id) return Status::conflict("key already taken");
    if (holder) continue;
    holder = c.id;
    KINDRED_RETURN_IF_ERROR(batch_status(wb.Put(cf(kKeys), k, id_value(c.id))));
  }

  for (const auto& put : batch.object_puts) {
    KINDRED_RETURN_IF_ERROR(
        batch_status(wb.Put(cf(kObjects), object_key(put.type, put.id), put.bytes)));
  }
  for (const auto& del : batch.object_deletes) {
    KINDRED_RETURN_IF_ERROR(batch_status(wb.Delete(cf(kObjects), object_key(del.type, del.id))));
  }

  std::map<std::pair<Id, AssocType>, int64_t> count_deltas;  // (from, type) -> net change
  // Count conditions (Batch::AssocAdd::only_if_fewer_than): each list's count before the batch,
  // and the conditions of the list already met in it (each counts as one edge ahead).
  std::map<std::pair<Id, AssocType>, int64_t> count_before;
  std::map<std::pair<Id, AssocType>, std::vector<size_t>> limited_conditions;
  const auto under_count = [&](const Batch::AssocAdd& add) -> Result<bool> {
    if (add.only_if_fewer_than == Batch::kAnyCount) return true;
    const Assoc& cond = batch.assoc_adds[add.only_if_added].assoc;
    const std::pair<Id, AssocType> list{cond.from, cond.type};
    auto before = count_before.find(list);
    if (before == count_before.end()) {
      KINDRED_ASSIGN_OR_RETURN(auto counts, read_counts({list}));
      before = count_before.emplace(list, counts.front()).first;
    }
    auto& ahead = limited_conditions[list];
    size_t rank = std::find(ahead.begin(), ahead.end(), add.only_if_added) - ahead.begin();
    if (rank == ahead.size()) ahead.push_back(add.only_if_added);
    return before->second + static_cast<int64_t>(rank) < add.only_if_fewer_than;
  };
  outcome.assoc_added.reserve(batch.assoc_adds.size());
  for (const auto& add : batch.assoc_adds) {
    const Assoc& a = add.assoc;
    if (add.only_if_added != Batch::kAlways && !outcome.assoc_added[add.only_if_added]) {
      outcome.assoc_added.push_back(false);  // its condition added nothing: not written
      continue;
    }
    if (add.only_if_added != Batch::kAlways) {
      KINDRED_ASSIGN_OR_RETURN(const bool under, under_count(add));
      if (!under) {
        outcome.assoc_added.push_back(false);  // its condition's list was full: not written
        continue;
      }
    }
    const std::string k = edge_key(a.from, a.type, a.to);
    auto& position = edges.at(k);
    outcome.assoc_added.push_back(!position.has_value());
    if (position) continue;
    position = a.position;
    KINDRED_RETURN_IF_ERROR(batch_status(wb.Put(cf(kEdges), k, edge_value(a.position, a.data))));
    KINDRED_RETURN_IF_ERROR(
        batch_status(wb.Put(cf(kRanges), range_key(a.from, a.type, a.position, a.to), a.data)));
    if (is_counted(a.type)) ++count_deltas[{a.from, a.type}];
  }
  outcome.assoc_removed.reserve(batch.assoc_removes.size());
  for (const auto& r : batch.assoc_removes) {
    const std::string k = edge_key(r.from, r.type, r.to);
    auto& position = edges.at(k);
    outcome.assoc_removed.push_back(position.has_value());
    if (!position) continue;
    KINDRED_RETURN_IF_ERROR(batch_status(wb.Delete(cf(kEdges), k)));
    KINDRED_RETURN_IF_ERROR(
        batch_status(wb.Delete(cf(kRanges), range_key(r.from, r.type, *position, r.to))));
    position.reset();
    if (is_counted(r.type)) --count_deltas[{r.from, r.type}];
  }
  // Edges whose existence this batch changes, with their new state.
  std::vector<EdgeKey> changed_edges;
  std::vector<bool> edge_states;
  for (const auto& add : batch.assoc_adds) {
    changed_edges.push_back(EdgeCache::key(add.assoc.from, add.assoc.type, add.assoc.to));
  }
  for (const auto& r : batch.assoc_removes) changed_edges.push_back(EdgeCache::key(r.from, r.type, r.to));
  for (const auto& add : batch.assoc_adds)
    edge_states.push_back(edges.at(edge_key(add.assoc.from, add.assoc.type, add.assoc.to)).has_value());
  for (const auto& r : batch.assoc_removes) edge_states.push_back(edges.at(edge_key(r.from, r.type, r.to)).has_value());

  // Lists this batch changes, with the edges added to and removed from each.
  std::vector<CountKey> changed_lists;
  std::vector<std::vector<const Assoc*>> list_adds;
  std::vector<std::vector<Id>> list_removes;
  auto list_slot = [&](Id from, AssocType type) {
    const CountKey k = ListCache::key(from, type);
    auto it = std::find(changed_lists.begin(), changed_lists.end(), k);
    if (it != changed_lists.end()) return static_cast<size_t>(it - changed_lists.begin());
    changed_lists.push_back(k);
    list_adds.emplace_back();
    list_removes.emplace_back();
    return changed_lists.size() - 1;
  };
  for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
    if (!outcome.assoc_added[i]) continue;
    const Assoc& a = batch.assoc_adds[i].assoc;
    list_adds[list_slot(a.from, a.type)].push_back(&a);
  }
  for (size_t i = 0; i < batch.assoc_removes.size(); ++i) {
    if (!outcome.assoc_removed[i]) continue;
    const auto& r = batch.assoc_removes[i];
    list_removes[list_slot(r.from, r.type)].push_back(r.to);
  }

  std::vector<CountKey> changed_counts;
  std::vector<int64_t> deltas;
  for (const auto& [list, delta] : count_deltas) {
    if (delta == 0) continue;
    KINDRED_RETURN_IF_ERROR(batch_status(
        wb.Merge(cf(kCounts), assoc_prefix(list.first, list.second), count_value(delta))));
    changed_counts.push_back(CountCache::key(list.first, list.second));
    deltas.push_back(delta);
  }

  if (wb.Count() == 0) return outcome;
  // The caches see the write begin and end (see exact_caches.h), so they stay exact.
  count_cache_.begin_write(changed_counts);
  edge_cache_.begin_write(changed_edges);
  list_cache_.begin_write(changed_lists);
  oldest_list_cache_.begin_write(changed_lists);
  Status written = to_status(db_->Write(write_options_, &wb), "write");
  oldest_list_cache_.end_write(
      changed_lists, written.is_ok(), [&](size_t i, std::shared_ptr<const ListWindow>& window) {
        window = window_after(ListEnd::kOldest, *window, list_adds[i], list_removes[i]);
      });
  list_cache_.end_write(
      changed_lists, written.is_ok(), [&](size_t i, std::shared_ptr<const ListWindow>& window) {
        window = window_after(ListEnd::kNewest, *window, list_adds[i], list_removes[i]);
      });
  edge_cache_.end_write(changed_edges, written.is_ok(),
                        [&](size_t i, bool& exists) { exists = edge_states[i]; });
  count_cache_.end_write(changed_counts, written.is_ok(),
                         [&](size_t i, int64_t& count) { count += deltas[i]; });
  if (!written.is_ok()) return write_failed(std::move(written));
  return outcome;
}

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status RocksDbStore::resume_if_failing() {
  if (!writes_failing_.load()) return Status::ok();
  std::unique_lock lock(resume_mutex_, std::try_to_lock);
  const int64_t now = steady_ms();
  // One caller tries at a time, at most once a second; the others are refused at once.
  if (lock.owns_lock() && now - last_resume_ms_ >= 1000) {
    last_resume_ms_ = now;
    // Flushes what the failed writes left in memory and starts a new write-ahead log; fails
    // (and changes nothing) while the disk is still full.
    if (db_->Resume().ok()) {
      writes_failing_.store(false);
      std::cerr << "kindred store: writes work again" << std::endl;
      return Status::ok();
    }
  }
  return Status::unavailable(
      "The store cannot save anything now (its disk is full or failing); nothing was changed");
}

Status RocksDbStore::write_failed(Status written) {
  // Only I/O trouble puts the store in the failing state; other errors are the write's own.
  if (written.code() != StatusCode::kUnavailable && written.code() != StatusCode::kInternal)
    return written;
  if (!writes_failing_.exchange(true)) {
    std::scoped_lock lock(resume_mutex_);
    last_resume_ms_ = steady_ms();
    std::cerr << "kindred store: a write failed (" << written.message()
              << "); writes answer 503 until it can write again (tried every second); reads go on"
              << std::endl;
  }
  return Status::unavailable(
      "The store cannot save anything now (its disk is full or failing); nothing was changed");
}

}  // namespace kindred::store::rocksdb_detail
