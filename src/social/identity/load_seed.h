#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "social/model/context.h"
#include "social/model/models.h"

namespace kindred::social {

// Creates load-test accounts and their access tokens straight in the store, in bulk, for the
// benchmarks in bench/. Accounts are named "<prefix><n>" and marked load_test; each gets one
// token with "read write follow" from one "Kindred load test" application.
// Not thread-safe: one seeder at a time, with no server running on the same store.
class LoadSeeder {
 public:
  explicit LoadSeeder(Deps deps) : deps_(deps) {}

  // True when the instance has accounts that are not load-test accounts.
  Result<bool> has_real_accounts() const;
  // The number of load-test accounts already present (seeding continues after them).
  Result<int64_t> existing_load_accounts() const;

  // Creates accounts number `first` to `first + count - 1` in one atomic batch and returns their
  // access tokens, in order. Errors: Conflict if a name is taken (nothing is written).
  Result<std::vector<std::string>> seed(int64_t first, int64_t count, const std::string& prefix);

 private:
  Result<App> load_app();

  Deps deps_;
  std::optional<App> app_;
};

}  // namespace kindred::social
