// social::FilterService below the API: the stored record, matching details the API tests cannot
// reach easily (photo descriptions), and the promise that a cached reader costs no store read.
#include "social/care/filters.h"

#include <gtest/gtest.h>

#include <atomic>

#include "store/rocksdb/rocksdb_store.h"
#include "support/counting_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Filters : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_rocksdb_store(store::StoreOptions{dir_.sub("store")});
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    real_ = std::move(*s);
    store_.emplace(*real_);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    filters_.emplace(stack_->deps, stack_->posts);
    ASSERT_TRUE(filters_->load_owners().is_ok());
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
  }

  PostView view(std::string text, std::string description = "") {
    PostView v;
    v.post.id = stack_->ids.next();
    v.post.account_id = Id{42};
    v.post.text = std::move(text);
    if (!description.empty()) {
      Media m;
      m.description = std::move(description);
      v.media.push_back(m);
    }
    return v;
  }

  FilterEdit edit(std::string title, std::vector<std::string> keywords, bool whole_word = false) {
    FilterEdit e;
    e.title = std::move(title);
    e.context = std::vector<std::string>{"home"};
    e.filter_action = "hide";
    for (auto& k : keywords) {
      KeywordEdit ke;
      ke.keyword = std::move(k);
      ke.whole_word = whole_word;
      e.keywords.push_back(ke);
    }
    return e;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> real_;
  std::optional<testing::CountingStore> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<FilterService> filters_;
  Account ann_;
};

TEST(FilterRecord, EncodesAndDecodesEveryField) {
  Filter f;
  f.id = Id{7};
  f.account_id = Id{9};
  f.title = "Spoilers";
  f.context = static_cast<uint8_t>(FilterContext::kHome) | static_cast<uint8_t>(FilterContext::kThread);
  f.action = FilterAction::kBlur;
  f.expires_at_ms = 123;
  f.created_at_ms = 45;
  f.keywords = {{Id{1}, "finale", true}, {Id{2}, "ending", false}};
  f.statuses = {{Id{3}, Id{99}}};
  auto back = Filter::decode(f.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, f);
  EXPECT_FALSE(Filter::decode("garbage").has_value());
}

TEST_F(Filters, PhotoDescriptionsAreMatchedToo) {
  ASSERT_TRUE(filters_->create(ann_.id, edit("Birds", {"heron"})).has_value());
  std::vector<PostView> page{view("a photo", "A grey Heron by the river"), view("nothing")};
  ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  ASSERT_EQ(page[0].filtered.size(), 1u);
  EXPECT_EQ(*page[0].filtered[0].keyword_matches, std::vector<std::string>{"Heron"});
  EXPECT_FALSE(page[0].filtered[0].status_matches.has_value());
  EXPECT_TRUE(page[1].filtered.empty());
  EXPECT_TRUE(hidden_by_filters(page[0], FilterContext::kHome, ann_.id));
  EXPECT_FALSE(hidden_by_filters(page[0], FilterContext::kPublic, ann_.id));
}

TEST_F(Filters, AReaderWhoseFiltersAreCachedCostsNoStoreRead) {
  std::vector<PostView> page{view("hello"), view("world")};
  // A reader with no filters costs no store read at all (and leaves no cache entry: a storm of
  // new readers would churn the cache).
  int before = store_->reads.load();
  const int counts_before = store_->count_reads.load();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  EXPECT_EQ(store_->reads.load(), before);
  EXPECT_EQ(store_->count_reads.load(), counts_before);
  // With filters: the write caches them, reading them reads nothing at all.
  ASSERT_TRUE(filters_->create(ann_.id, edit("W", {"world"})).has_value());
  before = store_->reads.load();
  const int counts_after_write = store_->count_reads.load();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  EXPECT_EQ(store_->reads.load(), before);
  EXPECT_EQ(store_->count_reads.load(), counts_after_write);
  EXPECT_EQ(page[1].filtered.size(), 1u);
}

TEST_F(Filters, AnExpiredFilterStopsMatchingWithoutAnyWrite) {
  FilterEdit e = edit("Brief", {"hello"});
  e.expires_in_set = true;
  e.expires_in = 60;
  ASSERT_TRUE(filters_->create(ann_.id, e).has_value());
  std::vector<PostView> page{view("hello")};
  ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  EXPECT_EQ(page[0].filtered.size(), 1u);
  stack_->clock.advance_ms(60'000);
  ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  EXPECT_TRUE(page[0].filtered.empty());
}

TEST_F(Filters, KeywordsWithRegexCharactersMatchLiterally) {
  ASSERT_TRUE(filters_->create(ann_.id, edit("Lit", {"a.b", "(c++)", "$x"}, true)).has_value());
  std::vector<PostView> page{view("aXb"), view("a.b"), view("I like (C++)!"), view("cost $x now")};
  ASSERT_TRUE(filters_->annotate(ann_.id, page).is_ok());
  EXPECT_TRUE(page[0].filtered.empty());
  EXPECT_EQ(page[1].filtered.size(), 1u);
  ASSERT_EQ(page[2].filtered.size(), 1u);
  EXPECT_EQ(*page[2].filtered[0].keyword_matches, std::vector<std::string>{"(C++)"});
  EXPECT_EQ(page[3].filtered.size(), 1u);
}

TEST_F(Filters, BadInputChangesNothing) {
  auto f = filters_->create(ann_.id, edit("Keep", {"keep"}));
  ASSERT_TRUE(f.has_value());
  const auto before = filters_->list(ann_.id);
  FilterEdit bad;
  bad.filter_action = "nuke";
  bad.title = "Changed";
  EXPECT_FALSE(filters_->update(ann_.id, f->id, bad).has_value());
  KeywordEdit blank;
  blank.keyword = "";
  EXPECT_FALSE(filters_->add_keyword(ann_.id, f->id, blank).has_value());
  EXPECT_FALSE(filters_->update_keyword(ann_.id, f->keywords[0].id, blank).has_value());
  KeywordEdit invalid_utf8;
  invalid_utf8.keyword = std::string("\xff\xfe", 2);
  EXPECT_FALSE(filters_->add_keyword(ann_.id, f->id, invalid_utf8).has_value());
  EXPECT_EQ(filters_->list(ann_.id)->size(), 1u);
  EXPECT_EQ((*filters_->list(ann_.id))[0], (*before)[0]);
}

}  // namespace
}  // namespace kindred::social
