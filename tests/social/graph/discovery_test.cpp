// Discovery (social/graph/discovery.h): the directory, suggestions and familiar followers over
// a real store, and the relationship's endorsements and notes.
#include "social/graph/discovery.h"

#include <gtest/gtest.h>

#include "social/graph/relationships.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Discovery : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    relationships_.emplace(stack_->deps, stack_->accounts);
    discovery_.emplace(stack_->deps, stack_->accounts);
    for (const char* name : {"ann", "bob", "cat", "dan"})
      people_.push_back(*stack_->accounts.create_account(name, name, false, false));
    load_ = *stack_->accounts.create_account("load1", "", false, true);
  }
  Id id(size_t i) const { return people_[i].id; }
  std::vector<Id> suggested(size_t who) {
    auto s = discovery_->suggestions({id(who)}, 40);
    EXPECT_TRUE(s.has_value());
    std::vector<Id> out;
    for (const auto& x : *s) out.push_back(x.account.account.id);
    return out;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<RelationshipService> relationships_;
  std::optional<DiscoveryService> discovery_;
  std::vector<Account> people_;
  Account load_;
};

TEST_F(Discovery, TheDirectoryLeavesOutLoadTestAccounts) {
  auto d = discovery_->directory({}, 0, 40, DirectoryOrder::kNew);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->size(), 4u);
  EXPECT_EQ((*d)[0].account.id, id(3));
  for (const auto& v : *d) EXPECT_NE(v.account.id, load_.id);
}

TEST_F(Discovery, FriendsOfFriendsAndNeverOneselfOrWhomOneFollows) {
  ASSERT_TRUE(relationships_->follow({id(0)}, id(1)).has_value());
  ASSERT_TRUE(relationships_->follow({id(1)}, id(2)).has_value());
  ASSERT_TRUE(relationships_->follow({id(1)}, id(0)).has_value());
  auto s = discovery_->suggestions({id(0)}, 40);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 1u) << "cat, through bob; not ann herself, not bob whom she follows";
  EXPECT_EQ((*s)[0].account.account.id, id(2));
  EXPECT_EQ((*s)[0].source, "friends_of_friends");
  ASSERT_TRUE(discovery_->dismiss_suggestion({id(0)}, id(2)).is_ok());
  EXPECT_TRUE(suggested(0).empty());
  EXPECT_TRUE(discovery_->dismiss_suggestion({id(0)}, Id(12345)).is_ok()) << "unknown: no error";
}

TEST_F(Discovery, FamiliarFollowersAreFollowedFollowers) {
  ASSERT_TRUE(relationships_->follow({id(0)}, id(1)).has_value());
  ASSERT_TRUE(relationships_->follow({id(1)}, id(3)).has_value());
  ASSERT_TRUE(relationships_->follow({id(2)}, id(3)).has_value());
  auto f = discovery_->familiar_followers({id(0)}, {id(3), Id(12345)});
  ASSERT_TRUE(f.has_value());
  ASSERT_EQ(f->size(), 1u);
  ASSERT_EQ((*f)[0].accounts.size(), 1u);
  EXPECT_EQ((*f)[0].accounts[0].account.id, id(1));
}

TEST_F(Discovery, EndorsementsNeedAFollowAndEndWithIt) {
  EXPECT_FALSE(relationships_->endorse({id(0)}, id(1)).has_value());
  ASSERT_TRUE(relationships_->follow({id(0)}, id(1)).has_value());
  auto r = relationships_->endorse({id(0)}, id(1));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->endorsed);
  ASSERT_TRUE(relationships_->unfollow({id(0)}, id(1)).has_value());
  auto after = relationships_->relationships({id(0)}, {id(1)});
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE((*after)[0].endorsed);
}

TEST_F(Discovery, NotesAreBoundedAndReplaced) {
  auto n = relationships_->set_note({id(0)}, id(1), "first");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->note, "first");
  EXPECT_FALSE(relationships_->set_note({id(0)}, id(1), std::string(2001, 'x')).has_value());
  EXPECT_EQ(relationships_->set_note({id(0)}, id(1), "second")->note, "second");
  EXPECT_EQ(relationships_->set_note({id(0)}, id(1), "")->note, "");
}

}  // namespace
}  // namespace kindred::social
