#pragma once

// How many edges a list holds, in a test: its count where the store keeps one, else by walking
// it (the lists that keep no count, store::is_counted).

#include <cstdint>

#include "store/store.h"

namespace kindred::testing {

inline Result<int64_t> list_size(const store::Store& s, Id from, store::AssocType type) {
  if (store::is_counted(type)) return s.assoc_count(from, type);
  int64_t n = 0;
  store::RangeQuery q;
  q.limit = 500;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(store::RangePage page, s.assoc_range(from, type, q));
    n += static_cast<int64_t>(page.items.size());
    if (!page.more || page.items.empty()) return n;
    q.max_position = page.items.back().position;
  }
}

}  // namespace kindred::testing
