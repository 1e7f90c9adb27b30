#pragma once

#include <memory>
#include <string>

#include "social/search/status_index.h"

namespace kindred::search {

// The status search index in a Xapian database (glass) in a directory of its own. The only code
// that includes Xapian. Commits are Xapian's: durable (fsynced) and atomic with the watermark.
// Searches read through a pool of read-only handles reopened to the last commit, so they never
// wait for the writer.
class XapianStatusIndex : public social::StatusIndex {
 public:
  // Opens or creates the index in `dir` (created if missing). Errors: Unavailable if it cannot
  // be opened (another process has it open for writing, or I/O errors).
  static Result<std::unique_ptr<XapianStatusIndex>> open(const std::string& dir);
  ~XapianStatusIndex() override;

  Status put(Id id, const std::vector<std::string>& terms) override;
  Status remove(Id id) override;
  Status clear() override;
  Status commit(Id watermark) override;
  Result<Id> watermark() const override;
  Result<int64_t> size() const override;
  Result<std::vector<Id>> search(const Query& q) const override;

 private:
  struct Rep;
  explicit XapianStatusIndex(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kindred::search
