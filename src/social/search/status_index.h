#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"

namespace kindred::social {

// A full-text engine as status search needs it: documents named by a post id, each a set of
// terms. The engine knows nothing of posts or who may read them; StatusIndexer decides the terms.
//
// Thread-safety: put(), remove(), clear() and commit() from one writer thread at a time; search()
// and watermark() from any number of threads, concurrently with the writer.
class StatusIndex {
 public:
  virtual ~StatusIndex() = default;

  // Adds the document `id`, or replaces it; it also has the term "Q<id>" (its decimal id), so a
  // query can name documents. Seen by search() only after commit().
  virtual Status put(Id id, const std::vector<std::string>& terms) = 0;
  // Removes the document `id` if present.
  virtual Status remove(Id id) = 0;
  // Removes every document and the watermark.
  virtual Status clear() = 0;
  // Makes every change since the last commit durable (it survives a killed process) and visible,
  // atomically with `watermark`: every post whose id is at most it has been put.
  virtual Status commit(Id watermark) = 0;
  // The watermark of the last commit, or none.
  virtual Result<Id> watermark() const = 0;
  // How many documents the index holds (as of the last commit).
  virtual Result<int64_t> size() const = 0;

  struct Query {
    std::vector<std::string> all;  // every one of these terms
    std::vector<std::string> any;  // at least one of these, or one of `ids` (neither: no condition)
    std::vector<Id> ids;           // ... or one of these documents
    Id min_id;                     // only ids above (none: unbounded)
    Id max_id;                     // only ids below (none: unbounded)
    size_t offset = 0;
    size_t limit = 20;
  };
  // Ids of matching documents, newest indexed first. A broad `any` term (held by a third of all
  // documents, say) must not slow the `ids` condition: engines evaluate the two apart.
  virtual Result<std::vector<Id>> search(const Query& q) const = 0;
};

}  // namespace kindred::social
