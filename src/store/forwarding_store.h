#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace kindred::store {

// A Store that passes every call to `target`: the base of a store that owns the stack it stands
// for (an admin command's database and what tells the nodes of its writes), or that changes a
// few calls and forwards the rest (tests). Thread-safe as `target` is.
class ForwardingStore : public Store {
 public:
  // `target` is borrowed: it may be a member of the derived class, not yet constructed here.
  explicit ForwardingStore(Store& target) : target_(target) {}

  Result<BatchOutcome> apply(const Batch& b) override { return target_.apply(b); }
  Result<std::string> get_object(ObjectType t, Id id) const override { return target_.get_object(t, id); }
  Result<std::vector<std::optional<std::string>>> get_objects(ObjectType t,
                                                              const std::vector<Id>& ids) const override {
    return target_.get_objects(t, ids);
  }
  Result<Id> lookup_key(KeyspaceType s, std::string_view k) const override { return target_.lookup_key(s, k); }
  Result<KeyedObject> get_keyed_object(KeyspaceType s, std::string_view k, ObjectType t) const override {
    return target_.get_keyed_object(s, k, t);
  }
  Result<Assoc> get_assoc(Id f, AssocType t, Id to) const override { return target_.get_assoc(f, t, to); }
  Result<bool> assoc_exists(Id f, AssocType t, Id to) const override { return target_.assoc_exists(f, t, to); }
  Result<std::vector<bool>> assocs_exist(Id f, AssocType t, const std::vector<Id>& tos) const override {
    return target_.assocs_exist(f, t, tos);
  }
  Result<int64_t> assoc_count(Id f, AssocType t) const override { return target_.assoc_count(f, t); }
  Result<std::vector<int64_t>> assoc_counts(const std::vector<std::pair<Id, AssocType>>& l) const override {
    return target_.assoc_counts(l);
  }
  Result<RangePage> assoc_range(Id f, AssocType t, const RangeQuery& q) const override {
    return target_.assoc_range(f, t, q);
  }
  Result<Id> max_object_id(ObjectType t) const override { return target_.max_object_id(t); }
  Status compact() override { return target_.compact(); }
  Status close() override { return target_.close(); }

 protected:
  Store& target() const { return target_; }

 private:
  Store& target_;
};

}  // namespace kindred::store
