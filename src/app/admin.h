#pragma once

#include <cstdint>
#include <string>

namespace kindred::app {

struct SeedLoadConfig {
  std::string data_dir = "./data";
  int64_t accounts = 1000;
  std::string tokens_out;  // one access token per line, account order
  std::string prefix = "load";
  bool force = false;      // seed even when the instance has real users
  int64_t batch = 5000;
};

// `kindred admin seed-load`: creates load-test accounts and tokens straight in the store, with a
// progress line and a rate on stderr. Refuses (exit 2) when the instance has real users unless
// forced. Appends to what earlier runs made: account numbers continue. Returns the exit code.
int seed_load(const SeedLoadConfig& config);

// `kindred admin compact`: flushes and fully compacts the store (server stopped), printing its
// size on disk before and after. Returns the exit code.
int compact(const std::string& data_dir);

}  // namespace kindred::app
