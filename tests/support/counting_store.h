#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace kindred::testing {

// The real store, counting the reads that reach it.
class CountingStore final : public store::Store {
 public:
  explicit CountingStore(store::Store& inner) : inner_(inner) {}
  Result<store::BatchOutcome> apply(const store::Batch& b) override { return inner_.apply(b); }
  Result<std::string> get_object(store::ObjectType t, Id id) const override {
    ++reads;
    return inner_.get_object(t, id);
  }
  Result<std::vector<std::optional<std::string>>> get_objects(store::ObjectType t,
                                                              const std::vector<Id>& ids) const override {
    ++reads;
    return inner_.get_objects(t, ids);
  }
  Result<Id> lookup_key(store::KeyspaceType s, std::string_view k) const override {
    ++reads;
    return inner_.lookup_key(s, k);
  }
  Result<store::Assoc> get_assoc(Id f, store::AssocType t, Id to) const override {
    ++reads;
    return inner_.get_assoc(f, t, to);
  }
  Result<bool> assoc_exists(Id f, store::AssocType t, Id to) const override {
    ++reads;
    return inner_.assoc_exists(f, t, to);
  }
  Result<std::vector<bool>> assocs_exist(Id f, store::AssocType t, const std::vector<Id>& tos) const override {
    ++reads;
    return inner_.assocs_exist(f, t, tos);
  }
  Result<int64_t> assoc_count(Id f, store::AssocType t) const override {
    ++count_reads;
    ++lists_counted;
    return inner_.assoc_count(f, t);
  }
  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, store::AssocType>>& lists) const override {
    ++reads;
    lists_counted += static_cast<int>(lists.size());
    return inner_.assoc_counts(lists);
  }
  Result<store::RangePage> assoc_range(Id f, store::AssocType t, const store::RangeQuery& q) const override {
    ++reads;
    return inner_.assoc_range(f, t, q);
  }
  Result<Id> max_object_id(store::ObjectType t) const override { return inner_.max_object_id(t); }
  Status compact() override { return inner_.compact(); }
  Status close() override { return inner_.close(); }

  mutable std::atomic<int> reads{0};
  // Single counts, which the RocksDB store answers from its exact in-memory counts.
  mutable std::atomic<int> count_reads{0};
  // Lists whose counts were asked for, by assoc_count and assoc_counts alike.
  mutable std::atomic<int> lists_counted{0};

 private:
  store::Store& inner_;
};

}  // namespace kindred::testing
