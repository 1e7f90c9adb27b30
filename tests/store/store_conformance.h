#pragma once

// The store conformance suite: every Store backend must pass the TEST_Ps in
// store_conformance_test.cpp. A backend joins by instantiating the suite with a factory, e.g.
//   INSTANTIATE_TEST_SUITE_P(RocksDb, Store, ::testing::Values(StoreBackend{"RocksDb", ...}),
//                            kindred::testing::backend_name);

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace kindred::testing {

// One empty store of some backend, owned by the test that made it. open() may be called again
// after the previous store was closed or destroyed and must see the same data (reopen tests).
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual Result<std::unique_ptr<store::Store>> open() = 0;
};

struct StoreBackend {
  std::string name;  // letters and digits only: it becomes part of the test names
  std::function<std::unique_ptr<StoreHarness>()> make_harness;
};

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

}  // namespace kindred::testing

// Named `Store` so the tests read as sentences: `Store.AddingTheSameEdgeTwiceCountsOnce`.
class Store : public ::testing::TestWithParam<kindred::testing::StoreBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make_harness();
    reopen();
  }

  // Closes the current store (if any) and opens the backend's store again.
  void reopen() {
    if (store_) {
      ASSERT_TRUE(store_->close().is_ok());
      store_.reset();
    }
    auto opened = harness_->open();
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    store_ = std::move(opened).value();
  }

  kindred::store::Store& store() { return *store_; }

  std::unique_ptr<kindred::testing::StoreHarness> harness_;
  std::unique_ptr<kindred::store::Store> store_;
};
