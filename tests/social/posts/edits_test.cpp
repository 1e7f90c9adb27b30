// PostService::edit and history: the rules below the API.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "social/posts/likes.h"
#include "social/posts/posts.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

// Records what PostListener hears (the place a text index re-indexes an edited post).
class Recorder : public PostListener {
 public:
  void post_created(const Post&) override {}
  void post_edited(const Post& before, const Post& after) override {
    edits.emplace_back(before.text, after.text);
  }
  std::vector<std::pair<std::string, std::string>> edits;
};

class PostEdits : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    posts_ = &stack_->posts;
    posts_->set_listener(&recorder_);
    likes_.emplace(stack_->deps, *posts_, stack_->accounts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }
  void TearDown() override {
    if (posts_) posts_->set_listener(nullptr);
  }
  Id create(const std::string& text) {
    NewPost np;
    np.text = text;
    auto v = posts_->create(ann_, np);
    EXPECT_TRUE(v.has_value()) << v.error().to_string();
    return v.has_value() ? v->post.id : Id();
  }
  static PostEdit edit_to(std::string text) {
    PostEdit e;
    e.text = std::move(text);
    return e;
  }
  Post stored(Id id) {
    auto bytes = store_->get_object(store::ObjectType::kStatus, id);
    EXPECT_TRUE(bytes.has_value());
    return bytes.has_value() ? *Post::decode(*bytes) : Post();
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  PostService* posts_ = nullptr;
  std::optional<LikeService> likes_;
  Recorder recorder_;
  Account ann_, bob_;
};

TEST_F(PostEdits, AnEditKeepsLikesAndIsHeardByTheListener) {
  const Id id = create("before #one");
  ASSERT_TRUE(likes_->favourite(Viewer{bob_.id}, id).has_value());
  stack_->clock.advance_ms(5000);
  auto v = posts_->edit(Viewer{ann_.id}, id, edit_to("after #two"));
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->post.text, "after #two");
  EXPECT_EQ(v->post.tags, (std::vector<std::string>{"two"}));
  EXPECT_EQ(v->post.edited_at_ms, 1'700'000'005'000);
  EXPECT_EQ(v->post.created_at_ms, stored(id).created_at_ms);
  EXPECT_EQ(v->favourites_count, 1);
  EXPECT_TRUE(posts_->get(Viewer{bob_.id}, id)->favourited);
  EXPECT_EQ(posts_->get(Viewer{bob_.id}, id)->post.text, "after #two");  // not the cached one
  EXPECT_EQ(recorder_.edits, (std::vector<std::pair<std::string, std::string>>{{"before #one", "after #two"}}));
  EXPECT_EQ(*store_->assoc_count(tag_node("one"), store::AssocType::kTagStatuses), 0);
  EXPECT_EQ(*store_->assoc_count(tag_node("two"), store::AssocType::kTagStatuses), 1);
}

TEST_F(PostEdits, OnlyTheAuthorEditsAndBadInputChangesNothing) {
  const Id id = create("steady");
  const Post before = stored(id);
  EXPECT_TRUE(posts_->edit(Viewer{bob_.id}, id, edit_to("mine now")).error().is_not_found());
  EXPECT_TRUE(posts_->edit(Viewer{}, id, edit_to("anyone")).error().is_not_found());
  EXPECT_TRUE(posts_->edit(Viewer{ann_.id}, Id(12345), edit_to("gone")).error().is_not_found());
  EXPECT_EQ(posts_->edit(Viewer{ann_.id}, id, edit_to(" ")).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(posts_->edit(Viewer{ann_.id}, id, edit_to(std::string(501, 'x'))).error().code(),
            StatusCode::kInvalidArgument);
  PostEdit bad_language = edit_to("ok");
  bad_language.language = "klingon!";
  EXPECT_EQ(posts_->edit(Viewer{ann_.id}, id, bad_language).error().code(), StatusCode::kInvalidArgument);
  PostEdit bad_media = edit_to("ok");
  bad_media.media_ids = {Id(777)};
  EXPECT_EQ(posts_->edit(Viewer{ann_.id}, id, bad_media).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(stored(id), before);
  EXPECT_TRUE(recorder_.edits.empty());
  auto history = posts_->history(Viewer{}, id);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().version.text, "steady");
}

TEST_F(PostEdits, HistoryKeepsEveryVersionAndDeletionTakesThem) {
  const Id id = create("one");
  ASSERT_TRUE(posts_->edit(Viewer{ann_.id}, id, edit_to("two")).has_value());
  ASSERT_TRUE(posts_->edit(Viewer{ann_.id}, id, edit_to("three")).has_value());
  auto history = posts_->history(Viewer{bob_.id}, id);
  ASSERT_TRUE(history.has_value());
  std::vector<std::string> texts;
  for (const auto& v : *history) texts.push_back(v.version.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(*store_->assoc_count(id, store::AssocType::kStatusEdits), 3);
  ASSERT_TRUE(posts_->remove(Viewer{ann_.id}, id).has_value());
  EXPECT_EQ(*store_->assoc_count(id, store::AssocType::kStatusEdits), 0);
  EXPECT_TRUE(posts_->history(Viewer{ann_.id}, id).error().is_not_found());
}

}  // namespace
}  // namespace kindred::social
