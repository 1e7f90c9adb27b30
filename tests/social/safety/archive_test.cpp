// social::ArchiveService: one request a day, built in the background by its renderer, a request
// left pending by a stop is built after the next start, a failed build does not count.
#include "social/safety/archive.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

// Writes the account's name as the archive, or fails when told to.
class NameRenderer : public ArchiveRenderer {
 public:
  Status render(const Account& account, const std::string& path,
                const std::string& work_dir) const override {
    ++calls;
    if (!std::filesystem::is_directory(work_dir)) return Status::internal("no work dir");
    if (fail) return Status::internal("disk full");
    std::ofstream(path) << account.username;
    return Status::ok();
  }
  bool fail = false;
  mutable std::atomic<int> calls{0};
};

class Archives : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
  }
  std::unique_ptr<ArchiveService> service() {
    auto a = std::make_unique<ArchiveService>(stack_->deps, stack_->accounts, dir_.sub("archives"));
    a->set_renderer(&renderer_);
    return a;
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<testing::SocialStack> stack_;
  NameRenderer renderer_;
  Account ann_;
};

TEST_F(Archives, APendingRequestIsBuiltAfterTheNextStart) {
  {
    auto archives = service();  // never started: as a server stopped before building
    auto made = archives->request(Viewer{ann_.id});
    ASSERT_TRUE(made.has_value()) << made.error().to_string();
    EXPECT_EQ(made->state, ArchiveState::kPending);
    EXPECT_TRUE(archives->file_path(Viewer{ann_.id}).error().is_not_found());
  }
  auto archives = service();
  auto built = archives->build_pending();
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, 1u);
  auto latest = archives->latest(Viewer{ann_.id});
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ((*latest)->state, ArchiveState::kReady);
  EXPECT_EQ((*latest)->size, 3);
  auto path = archives->file_path(Viewer{ann_.id});
  ASSERT_TRUE(path.has_value());
  std::string text;
  std::ifstream(*path) >> text;
  EXPECT_EQ(text, "ann");
  EXPECT_EQ(*archives->build_pending(), 0u);  // nothing left pending
  EXPECT_EQ(renderer_.calls.load(), 1);
}

TEST_F(Archives, OneADayAndAFailedBuildDoesNotCount) {
  auto archives = service();
  renderer_.fail = true;
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());
  ASSERT_TRUE(archives->build_pending().has_value());
  EXPECT_EQ((*archives->latest(Viewer{ann_.id}))->state, ArchiveState::kFailed);
  EXPECT_TRUE(archives->file_path(Viewer{ann_.id}).error().is_not_found());
  renderer_.fail = false;
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());  // the failure did not count
  ASSERT_TRUE(archives->build_pending().has_value());
  auto first = archives->file_path(Viewer{ann_.id});
  ASSERT_TRUE(first.has_value());
  stack_->clock.advance_ms(24LL * 60 * 60 * 1000 - 1);
  EXPECT_EQ(archives->request(Viewer{ann_.id}).error().code(), StatusCode::kRateLimited);
  stack_->clock.advance_ms(1);
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());
  ASSERT_TRUE(archives->build_pending().has_value());
  auto second = archives->file_path(Viewer{ann_.id});
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(*second, *first);
  EXPECT_FALSE(std::filesystem::exists(*first));  // the one before is gone
  EXPECT_TRUE(std::filesystem::exists(*second));
}

TEST_F(Archives, ForgetRemovesTheRecordThePendingEntryAndTheFile) {
  auto archives = service();
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());
  ASSERT_TRUE(archives->build_pending().has_value());
  auto path = archives->file_path(Viewer{ann_.id});
  ASSERT_TRUE(path.has_value());
  ASSERT_TRUE(archives->forget(ann_.id).is_ok());
  EXPECT_FALSE(std::filesystem::exists(*path));
  EXPECT_FALSE(archives->latest(Viewer{ann_.id})->has_value());
  // A pending one is not built after it is forgotten.
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());
  ASSERT_TRUE(archives->forget(ann_.id).is_ok());
  EXPECT_TRUE(archives->forget(ann_.id).is_ok());  // idempotent
  EXPECT_EQ(*archives->build_pending(), 0u);
  EXPECT_EQ(renderer_.calls.load(), 1);
}

TEST_F(Archives, TheThreadBuildsWhatIsRequested) {
  auto archives = service();
  archives->start();
  ASSERT_TRUE(archives->request(Viewer{ann_.id}).has_value());
  for (int i = 0; i < 3000 && !archives->file_path(Viewer{ann_.id}).has_value(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(archives->file_path(Viewer{ann_.id}).has_value());
}

}  // namespace
}  // namespace kindred::social
