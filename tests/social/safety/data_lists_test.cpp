// social::DataListService below the API: what each list exports (a timed mute that ran out, a
// suspended account and a post gone are left out), a header-less file imports, rows are refused
// with reasons while the rest apply, and a bad file applies nothing.
#include "social/safety/data_lists.h"

#include <gtest/gtest.h>

#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class DataLists : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    stack_->config.domain = "kindred.test";
    stack_->config.base_url = "https://kindred.test";
    relationships_.emplace(stack_->deps, stack_->accounts);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    lists_.emplace(stack_->deps, stack_->accounts, stack_->posts, *relationships_, *likes_);
    for (const char* name : {"ann", "bob", "cat", "dan"})
      people_.push_back(*stack_->accounts.create_account(name, name, false, false));
  }
  Viewer as(size_t i) const { return Viewer{people_[i].id}; }
  std::string exported(size_t i, DataList l) {
    auto csv = lists_->export_csv(as(i), l);
    EXPECT_TRUE(csv.has_value()) << csv.error().to_string();
    return csv.has_value() ? *csv : "";
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<testing::SocialStack> stack_;
  std::optional<RelationshipService> relationships_;
  std::optional<LikeService> likes_;
  std::optional<DataListService> lists_;
  std::vector<Account> people_;
};

TEST_F(DataLists, ExportsLeaveOutRunOutMutesSuspendedAccountsAndGonePosts) {
  ASSERT_TRUE(relationships_->mute(as(0), people_[1].id, true, 60).has_value());
  ASSERT_TRUE(relationships_->mute(as(0), people_[2].id, false, 0).has_value());
  ASSERT_TRUE(relationships_->follow(as(0), people_[3].id).has_value());
  ASSERT_TRUE(relationships_->follow(as(0), people_[1].id).has_value());
  EXPECT_EQ(exported(0, DataList::kMuting),
            "Account address,Hide notifications\ncat@kindred.test,false\nbob@kindred.test,true\n");
  stack_->clock.advance_ms(61'000);
  EXPECT_EQ(exported(0, DataList::kMuting),
            "Account address,Hide notifications\ncat@kindred.test,false\n");
  ASSERT_TRUE(stack_->accounts
                  .update(people_[3].id,
                          [&](Account& a, store::Batch&) {
                            a.suspended_at_ms = stack_->clock.now_ms();
                            return Status::ok();
                          })
                  .has_value());
  EXPECT_EQ(
      exported(0, DataList::kFollowing),
      "Account address,Show boosts,Notify on new posts,Languages\nbob@kindred.test,true,false,\n");

  NewPost p;
  p.text = "kept";
  auto post = stack_->posts.create(people_[1], p);
  ASSERT_TRUE(post.has_value());
  ASSERT_TRUE(likes_->bookmark(as(2), post->post.id).has_value());
  EXPECT_EQ(exported(2, DataList::kBookmarks),
            "https://kindred.test/users/bob/statuses/" + post->post.id.to_string() + "\n");
  ASSERT_TRUE(stack_->posts.remove(as(1), post->post.id).has_value());
  EXPECT_EQ(exported(2, DataList::kBookmarks), "");
}

TEST_F(DataLists, ImportsApplyWhatTheyCanAndRefuseTheRestWithReasons) {
  auto r = lists_->import_csv(as(0), DataList::kBlocking, ImportMode::kMerge,
                              "bob\n@cat\nann\nzed@other.example\n\n");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->total, 4u);
  EXPECT_EQ(r->imported, 2u);
  ASSERT_EQ(r->refused.size(), 2u);
  EXPECT_EQ(r->refused[0].line, 3u);
  EXPECT_EQ(r->refused[0].reason, "You cannot block yourself");
  EXPECT_EQ(r->refused[1].line, 4u);
  EXPECT_EQ(r->refused[1].value, "zed@other.example");
  EXPECT_EQ(exported(0, DataList::kBlocking), "cat@kindred.test\nbob@kindred.test\n");

  // Overwrite: what the file does not name is undone.
  auto o =
      lists_->import_csv(as(0), DataList::kBlocking, ImportMode::kOverwrite, "dan@kindred.test\n");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->removed, 2u);
  EXPECT_EQ(exported(0, DataList::kBlocking), "dan@kindred.test\n");
}

TEST_F(DataLists, ABadFileAppliesNothing) {
  for (const char* bad : {"", "bob\n\"cat\n", "#uri\nhttps://kindred.test/@bob/1\n"}) {
    auto r = lists_->import_csv(as(0), DataList::kFollowing, ImportMode::kOverwrite, bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r.has_value()) {
      EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    }
  }
  std::string many;
  for (size_t i = 0; i <= kMaxImportRows; ++i) many += "bob\n";
  EXPECT_EQ(
      lists_->import_csv(as(0), DataList::kFollowing, ImportMode::kMerge, many).error().message(),
      "Validation failed: Data contains more than 20000 rows");
  EXPECT_EQ(exported(0, DataList::kFollowing),
            "Account address,Show boosts,Notify on new posts,Languages\n");
}

}  // namespace
}  // namespace kindred::social
