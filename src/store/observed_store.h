#pragma once

#include <atomic>
#include <optional>
#include <utility>
#include <vector>

#include "core/request_scope.h"
#include "store/forwarding_store.h"
#include "store/fresh_reads.h"
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
//
// With `remember_counts` (a store over the network, where each read is a round trip), a count
// read inside a request (core's RequestScope) is read once for that request: a second read gives
// what the first did, unless the request's own writes touched that list, which forgets it. Most
// requests read the viewer's flags (five counts) twice, checking visibility and then building the
// view. Another request's write landing between the two reads is seen by the next request, as if
// this one had read both at the first; nothing outlives the request. Reads under FreshReads are
// neither answered from nor remembered.
//
// Likewise, an edge the request's own batch wrote is known to exist (added) or not (removed)
// right after the batch, so a view built after the write (a like's answer: "favourited")
// asks nothing: another request changing that edge since is seen by the next request, as above.
class ObservedStore final : public ForwardingStore {
 public:
  explicit ObservedStore(Store& inner, bool remember_counts = false)
      : ForwardingStore(inner), inner_(inner), remember_counts_(remember_counts) {}
  // Start-up and shut-down only (null: none). Not owned; must outlive its being set.
  void set_observer(BatchObserver* observer) { observer_.store(observer); }

  Result<BatchOutcome> apply(const Batch& batch) override {
    // Forgotten first: a write that fails may still have landed (a connection lost at commit).
    if (RequestCounts* counts = request_counts()) counts->forget(batch);
    auto outcome = inner_.apply(batch);
    if (outcome.has_value()) {
      if (RequestCounts* counts = request_counts()) {
        counts->written(batch, *outcome);
        // What the write learned of its lists' counts answers the rest of the request (a small
        // batch's: a fan-out's would crowd out what the request read).
        if (BatchOutcome::counts_after_given(batch))
          for (const auto& c : outcome->counts_after) counts->remember(c.from, c.type, c.count);
      }
      if (BatchObserver* o = observer_.load()) o->batch_applied(batch, *outcome);
    }
    return outcome;
  }
  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override {
    RequestCounts* counts = FreshReads::active() ? nullptr : request_counts();
    if (counts != nullptr) {
      if (auto known = counts->find_edge(from, type, to)) return *known;
    }
    return inner_.assoc_exists(from, type, to);
  }
  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override {
    RequestCounts* counts = FreshReads::active() ? nullptr : request_counts();
    if (counts == nullptr || counts->edges.empty()) return inner_.assocs_exist(from, type, tos);
    std::vector<bool> out(tos.size());
    std::vector<Id> ask;
    std::vector<size_t> unknown;
    for (size_t i = 0; i < tos.size(); ++i) {
      if (auto known = counts->find_edge(from, type, tos[i])) {
        out[i] = *known;
      } else {
        unknown.push_back(i);
        ask.push_back(tos[i]);
      }
    }
    if (ask.empty()) return out;
    KINDRED_ASSIGN_OR_RETURN(auto read, inner_.assocs_exist(from, type, ask));
    for (size_t k = 0; k < unknown.size(); ++k) out[unknown[k]] = read[k];
    return out;
  }
  Result<int64_t> assoc_count(Id from, AssocType type) const override {
    RequestCounts* counts = FreshReads::active() ? nullptr : request_counts();
    if (counts == nullptr) return inner_.assoc_count(from, type);
    if (auto known = counts->find(from, type)) return *known;
    KINDRED_ASSIGN_OR_RETURN(int64_t n, inner_.assoc_count(from, type));
    counts->remember(from, type, n);
    return n;
  }
  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override {
    RequestCounts* counts = FreshReads::active() ? nullptr : request_counts();
    if (counts == nullptr) return inner_.assoc_counts(lists);
    std::vector<int64_t> out(lists.size());
    std::vector<size_t> unknown;
    for (size_t i = 0; i < lists.size(); ++i) {
      if (auto known = counts->find(lists[i].first, lists[i].second)) out[i] = *known;
      else unknown.push_back(i);
    }
    if (unknown.empty()) return out;
    std::vector<std::pair<Id, AssocType>> ask;
    ask.reserve(unknown.size());
    for (size_t i : unknown) ask.push_back(lists[i]);
    KINDRED_ASSIGN_OR_RETURN(auto read, inner_.assoc_counts(ask));
    for (size_t k = 0; k < unknown.size(); ++k) {
      out[unknown[k]] = read[k];
      counts->remember(ask[k].first, ask[k].second, read[k]);
    }
    return out;
  }

 private:
  // The counts this thread's current request has read through one ObservedStore.
  struct RequestCounts {
    static constexpr size_t kMaxEntries = 512;  // a long page's lists; past it, forgotten whole
    struct Entry {
      Id from;
      AssocType type;
      int64_t count;
    };
    struct Edge {
      Id from;
      AssocType type;
      Id to;
      bool exists;
    };
    uint64_t request = 0;
    const ObservedStore* owner = nullptr;
    std::vector<Entry> entries;
    std::vector<Edge> edges;  // written by the request's own batches, last state each

    std::optional<bool> find_edge(Id from, AssocType type, Id to) const {
      for (const Edge& e : edges)
        if (e.from == from && e.type == type && e.to == to) return e.exists;
      return std::nullopt;
    }
    void set_edge(Id from, AssocType type, Id to, bool exists) {
      for (Edge& e : edges) {
        if (e.from == from && e.type == type && e.to == to) {
          e.exists = exists;
          return;
        }
      }
      if (edges.size() >= kMaxEntries) edges.clear();
      edges.push_back({from, type, to, exists});
    }
    // After `batch` was applied: its adds come before its removes. A conditional add that was
    // not written leaves its edge unknown (forget(batch) dropped it before the write). A batch
    // of many edges (a fan-out, an import) is not remembered edge by edge: the views after such
    // writes ask about few of them.
    void written(const Batch& batch, const BatchOutcome& outcome) {
      if (!BatchOutcome::counts_after_given(batch)) return;
      for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
        const auto& a = batch.assoc_adds[i];
        if (a.only_if_added != Batch::kAlways &&
            (i >= outcome.assoc_added.size() || !outcome.assoc_added[i]))
          continue;
        set_edge(a.assoc.from, a.assoc.type, a.assoc.to, true);
      }
      for (const auto& r : batch.assoc_removes) set_edge(r.from, r.type, r.to, false);
    }

    std::optional<int64_t> find(Id from, AssocType type) const {
      for (const Entry& e : entries)
        if (e.from == from && e.type == type) return e.count;
      return std::nullopt;
    }
    void remember(Id from, AssocType type, int64_t count) {
      if (entries.size() >= kMaxEntries) entries.clear();
      entries.push_back({from, type, count});
    }
    void forget(Id from, AssocType type) {
      std::erase_if(entries, [&](const Entry& e) { return e.from == from && e.type == type; });
    }
    void forget(const Batch& batch) {
      if (!edges.empty()) {
        for (const auto& a : batch.assoc_adds)
          std::erase_if(edges, [&](const Edge& e) {
            return e.from == a.assoc.from && e.type == a.assoc.type && e.to == a.assoc.to;
          });
        for (const auto& r : batch.assoc_removes)
          std::erase_if(edges, [&](const Edge& e) {
            return e.from == r.from && e.type == r.type && e.to == r.to;
          });
      }
      if (entries.empty()) return;
      for (const auto& a : batch.assoc_adds) forget(a.assoc.from, a.assoc.type);
      for (const auto& r : batch.assoc_removes) forget(r.from, r.type);
    }
  };

  // Null when counts are not remembered or no request is being answered on this thread.
  RequestCounts* request_counts() const {
    if (!remember_counts_) return nullptr;
    const uint64_t request = RequestScope::current();
    if (request == 0) return nullptr;
    thread_local RequestCounts counts;
    if (counts.request != request || counts.owner != this) {
      counts.request = request;
      counts.owner = this;
      counts.entries.clear();
      counts.edges.clear();
    }
    return &counts;
  }

  Store& inner_;
  const bool remember_counts_;
  std::atomic<BatchObserver*> observer_{nullptr};
};

}  // namespace kindred::store
