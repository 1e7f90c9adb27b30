#pragma once

#include <cstdint>

#include "core/status.h"
#include "store/store.h"

namespace kindred::social {

struct InstanceStats {
  int64_t user_count = 0;
  int64_t status_count = 0;
};

// Exact instance-wide counts, from the store's instance associations.
Result<InstanceStats> instance_stats(const store::Store& store);

}  // namespace kindred::social
