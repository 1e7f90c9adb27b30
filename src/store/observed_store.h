#pragma once

#include <atomic>

#include "store/store.h"

namespace kindred::store {

// Told of every batch a Store applied, on the writing thread, after the change is durable (live
// updates: the streaming hub watches home-feed and notification edges being written). Must be
// quick and must not write to the store.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void batch_applied(const Batch& batch, const BatchOutcome& outcome) = 0;
};

// A Store that forwards every call to `inner` and tells its observer of each batch applied.
// Thread-safe as `inner` is.
class ObservedStore final : public Store {
 public:
  explicit ObservedStore(Store& inner) : inner_(inner) {}
  // Start-up and shut-down only (null: none). Not owned; must outlive its being set.
  void set_observer(BatchObserver* observer) { observer_.store(observer); }

  Result<BatchOutcome> apply(const Batch& batch) override {
    auto outcome = inner_.apply(batch);
    if (outcome.has_value()) {
      if (BatchObserver* o = observer_.load()) o->batch_applied(batch, *outcome);
    }
    return outcome;
  }
  Result<std::string> get_object(ObjectType type, Id id) const override {
    return inner_.get_object(type, id);
  }
  Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const override {
    return inner_.get_objects(type, ids);
  }
  Result<Id> lookup_key(KeyspaceType space, std::string_view key) const override {
    return inner_.lookup_key(space, key);
  }
  Result<Assoc> get_assoc(Id from, AssocType type, Id to) const override {
    return inner_.get_assoc(from, type, to);
  }
  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override {
    return inner_.assoc_exists(from, type, to);
  }
  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override {
    return inner_.assocs_exist(from, type, tos);
  }
  Result<int64_t> assoc_count(Id from, AssocType type) const override {
    return inner_.assoc_count(from, type);
  }
  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override {
    return inner_.assoc_counts(lists);
  }
  Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const override {
    return inner_.assoc_range(from, type, q);
  }
  Result<Id> max_object_id(ObjectType type) const override { return inner_.max_object_id(type); }
  Status compact() override { return inner_.compact(); }
  Status close() override { return inner_.close(); }

 private:
  Store& inner_;
  std::atomic<BatchObserver*> observer_{nullptr};
};

}  // namespace kindred::store
