// Search below the API: the folded name terms and index keys, the terms a post is indexed under,
// the name index kept in step with account changes, and StatusIndexer over a real Xapian index
// catching up after a crash (changes never committed), removing deleted posts and keeping newest
// first.
#include "social/search/search.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <optional>

#include "search/xapian_index.h"
#include "social/identity/account_names.h"
#include "social/posts/tag_names.h"
#include "social/search/indexer.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

using Strings = std::vector<std::string>;

TEST(NameTerms, UsernameAndDisplayNameWordRunsFoldedForCaseAndAccents) {
  Account a;
  a.username = "Ann_Marie";
  a.display_name = "Zoë  ÅNGSTRÖM-Smith";
  EXPECT_EQ(account_name_terms(a),
            (Strings{"ann marie", "marie", "zoe angstrom smith", "angstrom smith", "smith"}));
  EXPECT_EQ(fold_name_query("  @Zoë  Ång "), "zoe ang");
  EXPECT_EQ(fold_name_query("!!!"), "");
  // Letters repeated stay as written (hidden words collapse them; names do not).
  a.display_name = "Zzz";
  EXPECT_TRUE(account_name_matches(a, "zzz"));
  EXPECT_FALSE(account_name_matches(a, "zzzz"));
}

TEST(NameTerms, IndexKeysArePrefixesUpToTheLimitNeverEndingInASpace) {
  const auto keys = name_index_keys({"ab cd"});
  EXPECT_EQ(keys, (std::set<std::string>{"a", "ab", "ab c", "ab cd"}));
  const auto long_keys = name_index_keys({std::string(40, 'x')});
  EXPECT_EQ(long_keys.size(), kNamePrefixChars);
  EXPECT_EQ(name_index_key(std::string(40, 'x')), std::string(kNamePrefixChars, 'x'));
  // Characters, not bytes: "é" is never cut in half.
  EXPECT_EQ(name_index_keys({"éé"}), (std::set<std::string>{"é", "éé"}));
  EXPECT_EQ(fold_tag("#Café_Au_Lait"), "cafeaulait");
}

TEST(StatusTerms, WordsAuthorMentionsAndOptInForPublicPosts) {
  Post p;
  p.account_id = Id(7);
  p.text = "Sunset, SUNSET and the sea";
  p.spoiler_text = "Sée";
  p.mention_ids = {Id(9)};
  p.visibility = Visibility::kPublic;
  EXPECT_EQ(status_terms(p, true),
            (Strings{"and", "sea", "see", "sunset", "the", "A7", "M9", "P"}));
  EXPECT_EQ(status_terms(p, false), (Strings{"and", "sea", "see", "sunset", "the", "A7", "M9"}));
  p.visibility = Visibility::kUnlisted;
  EXPECT_EQ(status_terms(p, true).back(), "M9");
}

class Indexing : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    open_index();
  }
  void open_index() {
    auto index = search::XapianStatusIndex::open(dir_.sub("search"));
    ASSERT_TRUE(index.has_value()) << index.error().to_string();
    index_ = std::move(*index);
  }
  Id post(const std::string& text) {
    NewPost np;
    np.text = text;
    auto v = stack_->posts.create(ann_, np);
    EXPECT_TRUE(v.has_value());
    return v.has_value() ? v->post.id : Id();
  }
  std::vector<Id> find(const std::string& word) {
    StatusIndex::Query q;
    q.all = {word};
    q.limit = 100;
    auto ids = index_->search(q);
    EXPECT_TRUE(ids.has_value()) << ids.error().to_string();
    return ids.has_value() ? *ids : std::vector<Id>{};
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::unique_ptr<search::XapianStatusIndex> index_;
  Account ann_;
};

TEST_F(Indexing, StartCatchesUpWithPostsTheIndexNeverCommitted) {
  const Id before = post("tide one");
  {
    StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
    ASSERT_TRUE(indexer.start().is_ok());  // indexes what is stored
    stack_->posts.add_listener(&indexer);
    const Id during = post("tide two");
    indexer.flush();
    EXPECT_EQ(find("tide"), (std::vector<Id>{during, before}));
    stack_->posts.set_listener(nullptr);
    indexer.stop();
  }
  // Posts the index never heard of (written while it was down, or lost with a crash before the
  // next commit: the same to the index).
  const Id missed = post("tide three");
  index_.reset();
  open_index();
  EXPECT_EQ(find("tide").size(), 2u);
  StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(indexer.start().is_ok());
  EXPECT_EQ(find("tide").front(), missed);
  EXPECT_EQ(find("tide").size(), 3u);
  indexer.stop();
}

TEST_F(Indexing, DeletedAndChangedPostsLeaveTheIndex) {
  StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(indexer.start().is_ok());
  stack_->posts.add_listener(&indexer);
  const Id a = post("heron");
  const Id b = post("heron egret");
  indexer.flush();
  EXPECT_EQ(find("heron"), (std::vector<Id>{b, a}));
  ASSERT_TRUE(stack_->posts.remove(Viewer{ann_.id}, a).has_value());
  indexer.flush();
  EXPECT_EQ(find("heron"), (std::vector<Id>{b}));
  // An edit re-reads the post as stored.
  ASSERT_TRUE(stack_->posts
                  .update(b,
                          [](Post& p, store::Batch&) {
                            p.text = "egret only";
                            return Status::ok();
                          })
                  .has_value());
  indexer.on_status_changed(b);
  indexer.flush();
  EXPECT_EQ(find("heron"), std::vector<Id>{});
  EXPECT_EQ(find("egret"), (std::vector<Id>{b}));
  stack_->posts.set_listener(nullptr);
}

TEST_F(Indexing, NewestFirstAcrossCommitsReopensAndEditsWithPagesByOffset) {
  StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(indexer.start().is_ok());
  stack_->posts.add_listener(&indexer);
  std::vector<Id> newest_first;
  for (int i = 0; i < 12; ++i) {
    newest_first.insert(newest_first.begin(), post("wren " + std::to_string(i)));
    if (i % 5 == 4) indexer.flush();  // several commits
  }
  indexer.flush();
  EXPECT_EQ(find("wren"), newest_first);
  // An edit keeps the post's place.
  ASSERT_TRUE(stack_->posts
                  .update(newest_first[7],
                          [](Post& p, store::Batch&) {
                            p.text = "wren edited";
                            return Status::ok();
                          })
                  .has_value());
  indexer.on_status_changed(newest_first[7]);
  indexer.flush();
  EXPECT_EQ(find("wren"), newest_first);
  EXPECT_EQ(find("edited"), std::vector<Id>{newest_first[7]});
  stack_->posts.set_listener(nullptr);
  indexer.stop();
  // Reopened, the index goes on giving newer posts places ahead of the older ones.
  index_.reset();
  open_index();
  StatusIndexer again(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(again.start().is_ok());
  stack_->posts.add_listener(&again);
  newest_first.insert(newest_first.begin(), post("wren later"));
  again.flush();
  EXPECT_EQ(find("wren"), newest_first);
  StatusIndex::Query q;
  q.all = {"wren"};
  q.offset = 3;
  q.limit = 4;
  EXPECT_EQ(*index_->search(q),
            std::vector<Id>(newest_first.begin() + 3, newest_first.begin() + 7));
  stack_->posts.set_listener(nullptr);
}

TEST_F(Indexing, IndexOfTheOldLayoutIsEmptiedOnOpenAndStartIndexesEveryPostAgain) {
  const Id stored = post("plover");
  index_.reset();
  {
    // As written before document ids went down: ascending ids, no layout mark.
    Xapian::WritableDatabase old(dir_.sub("search"), Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::Document d;
    d.add_term("plover");
    d.add_term("Q" + stored.to_string());
    old.add_document(d);
    old.set_metadata("watermark", stored.to_string());
    old.commit();
  }
  open_index();
  EXPECT_EQ(*index_->size(), 0);
  EXPECT_TRUE(index_->watermark()->is_none());
  StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(indexer.start().is_ok());
  EXPECT_EQ(find("plover"), std::vector<Id>{stored});
}

TEST_F(Indexing, PostChangedOrDeletedBeforeTheIndexerRunsIsIndexedAsItEnds) {
  StatusIndexer indexer(stack_->deps, stack_->accounts, *index_);
  ASSERT_TRUE(indexer.start().is_ok());
  stack_->posts.add_listener(&indexer);
  // Queued with its record as written, then queued again to be read as stored: one run.
  const Id edited = post("kestrel");
  ASSERT_TRUE(stack_->posts
                  .update(edited,
                          [](Post& p, store::Batch&) {
                            p.text = "falcon";
                            return Status::ok();
                          })
                  .has_value());
  indexer.on_status_changed(edited);
  const Id gone = post("kestrel again");
  ASSERT_TRUE(stack_->posts.remove(Viewer{ann_.id}, gone).has_value());
  indexer.flush();
  EXPECT_EQ(find("kestrel"), std::vector<Id>{});
  EXPECT_EQ(find("falcon"), std::vector<Id>{edited});
  stack_->posts.set_listener(nullptr);
}

TEST_F(Indexing, AccountNameIndexFollowsRenamesInTheSameBatch) {
  auto node = [](std::string_view key) { return account_name_node(key); };
  EXPECT_TRUE(*store_->assoc_exists(node("an"), store::AssocType::kAccountNames, ann_.id));
  ASSERT_TRUE(stack_->accounts
                  .update(ann_.id,
                          [](Account& a, store::Batch&) {
                            a.display_name = "Beatrix";
                            return Status::ok();
                          })
                  .has_value());
  EXPECT_TRUE(*store_->assoc_exists(node("beat"), store::AssocType::kAccountNames, ann_.id));
  EXPECT_TRUE(
      *store_->assoc_exists(node("an"), store::AssocType::kAccountNames, ann_.id));  // username
  EXPECT_FALSE(*store_->assoc_exists(node("ann "), store::AssocType::kAccountNames, ann_.id));
  ASSERT_TRUE(stack_->accounts
                  .update(ann_.id,
                          [](Account& a, store::Batch&) {
                            a.display_name = "Cleo";
                            return Status::ok();
                          })
                  .has_value());
  EXPECT_FALSE(*store_->assoc_exists(node("beat"), store::AssocType::kAccountNames, ann_.id));
  EXPECT_EQ(*store_->assoc_count(node("cleo"), store::AssocType::kAccountNames), 1);
}

}  // namespace
}  // namespace kindred::social
