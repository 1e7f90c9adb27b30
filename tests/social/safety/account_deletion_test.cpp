// AccountDeletion: an account deleted for good, every count it touched exact afterwards.
#include "social/safety/account_deletion.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "social/graph/notifications.h"
#include "social/graph/relationships.h"
#include "social/identity/oauth.h"
#include "social/identity/sessions.h"
#include "social/posts/likes.h"
#include "social/posts/posts.h"
#include "social/posts/reblogs.h"
#include "store/observed_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/list_size.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

using store::AssocType;

class AccountDeletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    observed_ = std::make_unique<store::ObservedStore>(*store_);
    stack_.emplace(*observed_, dir_.sub("media"), 1'700'000'000'000);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    reblogs_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    relationships_.emplace(stack_->deps, stack_->accounts);
    oauth_.emplace(stack_->deps);
    sessions_.emplace(stack_->deps);
    DeletionConfig dc;
    dc.batch_edges = 8;  // many batches from few edges
    deletion_.emplace(stack_->deps, stack_->accounts, stack_->posts, stack_->media, *oauth_,
                      *sessions_, dc);
    ann_ = account("ann", "correct horse battery");
    bob_ = account("bob");
    cat_ = account("cat");
    dan_ = account("dan");
  }

  Account account(const std::string& name, const std::string& password = "") {
    auto a = stack_->accounts.create_account(name, name, false, false, password);
    EXPECT_TRUE(a.has_value()) << a.error().to_string();
    return a.has_value() ? *a : Account();
  }
  Id post(const Account& author, const std::string& text, Id reply_to = Id()) {
    NewPost np;
    np.text = text;
    np.in_reply_to_id = reply_to;
    auto v = stack_->posts.create(author, np);
    EXPECT_TRUE(v.has_value()) << v.error().to_string();
    return v.has_value() ? v->post.id : Id();
  }
  void like(const Account& who, Id id) {
    auto v = likes_->favourite(Viewer{who.id}, id);
    ASSERT_TRUE(v.has_value()) << v.error().to_string();
  }
  int64_t count(Id from, AssocType type) {
    auto n = testing::list_size(*store_, from, type);
    EXPECT_TRUE(n.has_value());
    return n.has_value() ? *n : -1;
  }
  int64_t likes_count(Id post_id) { return count(post_id, AssocType::kFavouritedBy); }
  Status run() { return deletion_->run(ann_.id, nullptr); }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ObservedStore> observed_;  // what the services write through
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<LikeService> likes_;
  std::optional<ReblogService> reblogs_;
  std::optional<RelationshipService> relationships_;
  std::optional<OAuthService> oauth_;
  std::optional<SessionService> sessions_;
  std::optional<AccountDeletion> deletion_;
  Account ann_, bob_, cat_, dan_;
};

TEST_F(AccountDeletionTest, EveryCountItTouchedDropsByExactlyItsShare) {
  const Id bobs = post(bob_, "bob's post");
  const Id cats = post(cat_, "cat's post");
  like(ann_, bobs);
  like(cat_, bobs);
  like(dan_, bobs);
  like(ann_, cats);
  const Id comment = post(ann_, "@bob nice", bobs);
  const Id anns = post(ann_, "ann's post #hello");
  like(bob_, anns);
  ASSERT_TRUE(reblogs_->reblog(Viewer{bob_.id}, anns, std::nullopt).has_value());
  ASSERT_TRUE(reblogs_->reblog(Viewer{ann_.id}, cats, std::nullopt).has_value());
  ASSERT_TRUE(likes_->bookmark(Viewer{ann_.id}, bobs).has_value());
  ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, bob_.id).has_value());
  ASSERT_TRUE(relationships_->follow(Viewer{cat_.id}, ann_.id).has_value());
  ASSERT_TRUE(relationships_->follow(Viewer{cat_.id}, bob_.id).has_value());
  ASSERT_TRUE(relationships_->block(Viewer{dan_.id}, ann_.id).has_value());
  ASSERT_TRUE(relationships_->mute(Viewer{ann_.id}, cat_.id, true, 0).has_value());

  ASSERT_EQ(likes_count(bobs), 3);
  ASSERT_EQ(likes_count(cats), 1);
  ASSERT_EQ(count(bobs, AssocType::kReplies), 1);
  ASSERT_EQ(count(cats, AssocType::kRebloggedBy), 1);
  ASSERT_EQ(count(bob_.id, AssocType::kFollowedBy), 2);
  ASSERT_EQ(count(cat_.id, AssocType::kFollows), 2);
  ASSERT_EQ(count(bob_.id, AssocType::kAuthored), 2);  // the post and the reblog of ann's
  // Likes by ann, cat and dan, ann's mention, ann's follow, cat's follow.
  ASSERT_EQ(count(bob_.id, AssocType::kNotifications), 6);

  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  // Hidden at once, before any of the work.
  EXPECT_TRUE(deletion_->pending(ann_.id));
  EXPECT_TRUE(stack_->accounts.hidden(ann_.id));
  EXPECT_TRUE(stack_->accounts.view(ann_.id).error().is_not_found());
  EXPECT_TRUE(stack_->posts.get(Viewer{bob_.id}, anns).error().is_not_found());

  ASSERT_TRUE(run().is_ok());
  EXPECT_FALSE(deletion_->pending(ann_.id));
  EXPECT_EQ(likes_count(bobs), 2);
  EXPECT_EQ(likes_count(cats), 0);
  EXPECT_EQ(count(bobs, AssocType::kReplies), 0);
  EXPECT_EQ(count(cats, AssocType::kRebloggedBy), 0);
  EXPECT_EQ(count(bob_.id, AssocType::kFollowedBy), 1);
  EXPECT_EQ(count(cat_.id, AssocType::kFollows), 1);
  EXPECT_EQ(count(bob_.id, AssocType::kAuthored), 1);  // the reblog of ann's post went with it
  EXPECT_EQ(count(bob_.id, AssocType::kFavourites), 0);  // the like of ann's post too
  EXPECT_EQ(count(dan_.id, AssocType::kBlocks), 0);
  EXPECT_FALSE(store_->get_object(store::ObjectType::kStatus, anns).has_value());
  EXPECT_FALSE(store_->get_object(store::ObjectType::kStatus, comment).has_value());
  EXPECT_EQ(count(tag_node("hello"), AssocType::kTagStatuses), 0);
  // What ann caused in bob's notifications went (cat's and dan's stay).
  EXPECT_EQ(count(bob_.id, AssocType::kNotifications), 3);
  EXPECT_EQ(count(ann_.id, AssocType::kNotificationsSent), 0);
  for (AssocType type : {AssocType::kAuthored, AssocType::kFavourites, AssocType::kBookmarks,
                         AssocType::kFollows, AssocType::kFollowedBy, AssocType::kBlockedBy,
                         AssocType::kMutes, AssocType::kNotifications, AssocType::kHomeFeed})
    EXPECT_EQ(count(ann_.id, type), 0) << static_cast<int>(type);

  // The name stays taken; the email and the rest of the profile are gone.
  auto tomb = stack_->accounts.lookup_with_hidden("ann");
  ASSERT_TRUE(tomb.has_value());
  EXPECT_NE(tomb->deleted_at_ms, 0);
  EXPECT_TRUE(tomb->password_hash.empty());
  EXPECT_TRUE(tomb->display_name.empty());
  EXPECT_FALSE(stack_->accounts.create_account("ANN", "Another Ann", false, false).has_value());
}

TEST_F(AccountDeletionTest, RunningAgainOrAfterOthersRemovedTheirSideChangesNoCount) {
  const Id bobs = post(bob_, "bob's post");
  like(ann_, bobs);
  like(cat_, bobs);
  like(dan_, bobs);
  ASSERT_TRUE(relationships_->follow(Viewer{cat_.id}, ann_.id).has_value());
  ASSERT_TRUE(relationships_->follow(Viewer{dan_.id}, ann_.id).has_value());
  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  // Someone else (a moderator's suspension, say) already took one side of some edges away.
  store::Batch b;
  b.remove_assoc(bobs, AssocType::kFavouritedBy, ann_.id);
  b.remove_assoc(cat_.id, AssocType::kFollows, ann_.id);
  ASSERT_TRUE(store_->apply(b).has_value());
  ASSERT_EQ(likes_count(bobs), 2);
  ASSERT_EQ(count(cat_.id, AssocType::kFollows), 0);

  ASSERT_TRUE(run().is_ok());
  EXPECT_EQ(likes_count(bobs), 2);  // not 1: the absent edge was not counted again
  EXPECT_EQ(count(cat_.id, AssocType::kFollows), 0);
  EXPECT_EQ(count(dan_.id, AssocType::kFollows), 0);
  EXPECT_EQ(count(ann_.id, AssocType::kFavourites), 0);

  // Started and run again: nothing more changes.
  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  ASSERT_TRUE(run().is_ok());
  EXPECT_EQ(likes_count(bobs), 2);
  EXPECT_FALSE(deletion_->pending(ann_.id));
}

TEST_F(AccountDeletionTest, APostWithManyLikesGoesInBoundedBatches) {
  const Id anns = post(ann_, "liked by many");
  std::vector<Account> likers;
  for (int i = 0; i < 60; ++i) {
    likers.push_back(account("liker" + std::to_string(i)));
    like(likers.back(), anns);
  }
  // And ann liked many posts.
  std::vector<Id> liked;
  for (int i = 0; i < 30; ++i) {
    liked.push_back(post(likers[static_cast<size_t>(i)], "post " + std::to_string(i)));
    like(ann_, liked.back());
  }
  ASSERT_EQ(likes_count(anns), 60);
  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  std::vector<DeletionProgress> seen;
  int64_t most_likes_in_one_step = 0;
  ASSERT_TRUE(deletion_->run(ann_.id, [&](const DeletionProgress& p) {
                             seen.push_back(p);
                             if (p.step == "likes") most_likes_in_one_step = p.removed;
                           }).is_ok());
  EXPECT_EQ(likes_count(anns), 0);
  for (const auto& l : likers) EXPECT_EQ(count(l.id, AssocType::kFavourites), 0);
  for (Id id : liked) EXPECT_EQ(likes_count(id), 0);
  EXPECT_EQ(most_likes_in_one_step, 30);
  // The likes given went in batches of at most 8/5 = 1 like (a like and what it wrote).
  int64_t likes_batches = 0;
  for (const auto& p : seen) likes_batches += p.step == "likes";
  EXPECT_EQ(likes_batches, 30);
}

// The largest batch of edge changes the services write.
class LargestBatch : public store::BatchObserver {
 public:
  void batch_applied(const store::Batch& b, const store::BatchOutcome&) override {
    largest = std::max(largest, b.assoc_adds.size() + b.assoc_removes.size());
    ++batches;
  }
  size_t largest = 0;
  size_t batches = 0;
};

TEST_F(AccountDeletionTest, NoBatchExceedsTheBoundWhateverTheCounts) {
  // A post of ann's liked 5,000 times, and 3,000 posts ann liked (edges written directly: the
  // likers and liked posts need not exist for their edges to be removed).
  const Id anns = post(ann_, "liked by thousands");
  const Id bobs = post(bob_, "one more");
  like(ann_, bobs);
  constexpr int kLikers = 5000, kLiked = 3000;
  for (int chunk = 0; chunk < kLikers; chunk += 1000) {
    store::Batch b;
    for (int i = chunk; i < chunk + 1000; ++i) {
      const Id liker(0x1000000 + static_cast<uint64_t>(i));
      b.add_assoc({anns, AssocType::kFavouritedBy, liker, stack_->ids.next(), {}});
      b.add_assoc({liker, AssocType::kFavourites, anns, stack_->ids.next(), {}});
    }
    ASSERT_TRUE(store_->apply(b).has_value());
  }
  for (int chunk = 0; chunk < kLiked; chunk += 1000) {
    store::Batch b;
    for (int i = chunk; i < chunk + 1000; ++i) {
      const Id liked(0x2000000 + static_cast<uint64_t>(i));
      const Id at = stack_->ids.next();
      b.add_assoc({liked, AssocType::kFavouritedBy, ann_.id, at, {}});
      b.add_assoc({ann_.id, AssocType::kFavourites, liked, at, {}});
    }
    ASSERT_TRUE(store_->apply(b).has_value());
  }
  ASSERT_EQ(likes_count(anns), kLikers);
  ASSERT_EQ(count(ann_.id, AssocType::kFavourites), kLiked + 1);

  AccountDeletion deletion(stack_->deps, stack_->accounts, stack_->posts, stack_->media, *oauth_,
                           *sessions_);  // the default bound: 500 edges a batch
  LargestBatch seen;
  ASSERT_TRUE(deletion.start(ann_.id).is_ok());
  observed_->set_observer(&seen);
  ASSERT_TRUE(deletion.run(ann_.id, nullptr).is_ok());
  observed_->set_observer(nullptr);
  EXPECT_LE(seen.largest, 500u);
  EXPECT_GE(seen.batches, size_t{(kLikers * 2 + kLiked * 2) / 500});
  EXPECT_EQ(likes_count(anns), 0);
  EXPECT_EQ(likes_count(bobs), 0);
  EXPECT_EQ(count(ann_.id, AssocType::kFavourites), 0);
  EXPECT_EQ(count(Id(0x1000000), AssocType::kFavourites), 0);
  EXPECT_EQ(count(Id(0x2000000), AssocType::kFavouritedBy), 0);
}

TEST_F(AccountDeletionTest, AWrongPasswordChangesNothing) {
  const Id anns = post(ann_, "still here");
  Status s = deletion_->delete_own(ann_.id, "wrong horse");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "The password you entered was not correct");
  EXPECT_FALSE(deletion_->pending(ann_.id));
  EXPECT_FALSE(stack_->accounts.hidden(ann_.id));
  EXPECT_TRUE(stack_->posts.get(Viewer{bob_.id}, anns).has_value());
  EXPECT_EQ(stack_->accounts.get(ann_.id)->deleted_at_ms, 0);
  // Running a deletion never started is refused.
  EXPECT_EQ(run().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(deletion_->start(Id(12345)).is_not_found());

  ASSERT_TRUE(deletion_->delete_own(ann_.id, "correct horse battery").is_ok());
  EXPECT_TRUE(stack_->accounts.hidden(ann_.id));
}

TEST_F(AccountDeletionTest, TokensAndSessionsGoAndTheBackgroundThreadFinishes) {
  NewApp na;
  na.name = "app";
  na.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  na.scopes = "read write";
  auto app = oauth_->create_app(na);
  ASSERT_TRUE(app.has_value());
  auto token = oauth_->issue_token(*app, ann_.id, "read");
  ASSERT_TRUE(token.has_value()) << token.error().to_string();
  auto session = sessions_->create(ann_.id, "test", "127.0.0.1");
  ASSERT_TRUE(session.has_value());
  const Id bobs = post(bob_, "bob's");
  like(ann_, bobs);
  ASSERT_EQ(count(ann_.id, AssocType::kAccountTokens), 1);
  ASSERT_EQ(count(ann_.id, AssocType::kAccountSessions), 1);

  deletion_->start_worker();
  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  deletion_->wait_idle();
  EXPECT_FALSE(deletion_->pending(ann_.id));
  EXPECT_EQ(likes_count(bobs), 0);
  EXPECT_EQ(count(ann_.id, AssocType::kAccountTokens), 0);
  EXPECT_EQ(count(ann_.id, AssocType::kAccountSessions), 0);
  EXPECT_FALSE(oauth_->authenticate_token(token->access_token).has_value());
  EXPECT_FALSE(sessions_->authenticate(session->secret).has_value());
  EXPECT_EQ(count(store::kInstanceNode, AssocType::kPendingDeletions), 0);
}

TEST_F(AccountDeletionTest, ResumeQueuesWhatACrashLeft) {
  const Id bobs = post(bob_, "bob's");
  like(ann_, bobs);
  ASSERT_TRUE(deletion_->start(ann_.id).is_ok());
  // A new service over the same store, as after a restart.
  AccountService accounts(stack_->deps, stack_->hasher, RegistrationMode::kOpen);
  ASSERT_TRUE(accounts.load_marks().is_ok());
  EXPECT_TRUE(accounts.hidden(ann_.id));
  AccountDeletion again(stack_->deps, accounts, stack_->posts, stack_->media, *oauth_, *sessions_);
  EXPECT_TRUE(again.pending(ann_.id));
  ASSERT_TRUE(again.resume().is_ok());
  again.start_worker();
  again.wait_idle();
  EXPECT_FALSE(again.pending(ann_.id));
  EXPECT_EQ(likes_count(bobs), 0);
}

}  // namespace
}  // namespace kindred::social
