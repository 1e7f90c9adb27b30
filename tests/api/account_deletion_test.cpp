// POST /api/v1/kindred/account/delete and `kindred admin delete-account`: a person deletes their
// account for good; it is gone from every answer at once, and every count it touched is exact
// once the background work is done.
#include "social/safety/account_deletion.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "app/admin.h"
#include "media/synth.h"
#include "support/api_fixture.h"
#include "support/list_size.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
constexpr std::string_view kDelete = "/api/v1/kindred/account/delete";

std::string photo(uint64_t seed) {
  media::SynthSpec spec;
  spec.width = 320;
  spec.height = 240;
  spec.seed = seed;
  spec.format = "jpg";
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().to_string();
  return bytes.has_value() ? *bytes : std::string();
}

class AccountDeletionApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    bob_ = register_user("bob");
    cat_ = register_user("cat");
  }
  int64_t num(const Reply& r, std::string_view field) {
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return -1;
    return json(r).as_object().at(field).as_int64();
  }
  int64_t likes_of(const std::string& status_id) {
    return num(get("/api/v1/statuses/" + status_id, bob_.token), "favourites_count");
  }
  int64_t followers_of(const User& u) {
    return num(get("/api/v1/accounts/" + u.id, bob_.token), "followers_count");
  }
  void wait_deleted() { instance().deletion_for_test().wait_idle(); }
  // Uploads `bytes` as `who` and posts it; returns the photo's URL.
  std::string post_photo(const User& who, std::string bytes) {
    auto r = http().post_multipart("/api/v2/media", {{"file", std::move(bytes), "p.jpg", "image/jpeg"}},
                                   who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return "";
    const std::string id = str(json(r), "id");
    bj::array ids;
    ids.emplace_back(bj::string(id));
    auto p = post("/api/v1/statuses", {{"status", "a photo"}, {"media_ids", ids}}, who.token);
    EXPECT_EQ(p.status, 200) << p.body;
    if (p.status != 200) return "";
    return str(json(p).at("media_attachments").at(0), "url");
  }

  User ann_, bob_, cat_;
};

TEST_F(AccountDeletionApi, NeedsAUserTokenWithWriteAccountsAndThePassword) {
  const std::string bobs = post_status(bob_, "hello");
  ASSERT_EQ(post(std::string("/api/v1/statuses/") + bobs + "/favourite", {}, ann_.token).status, 200);

  EXPECT_EQ(post(kDelete, {{"password", kPassword}}).status, 401);
  auto read_only = password_grant(default_app(), "ann", kPassword, "read");
  ASSERT_EQ(read_only.status, 200) << read_only.body;
  auto forbidden = post(kDelete, {{"password", kPassword}}, str(json(read_only), "access_token"));
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  auto app_only = post(kDelete, {{"password", kPassword}}, default_app_token());
  EXPECT_EQ(app_only.status, 422) << app_only.body;

  auto missing = post(kDelete, {}, ann_.token);
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(str(json(missing), "error"), "param is missing or the value is empty: password");
  auto empty = post_form(std::string(kDelete), "password=", ann_.token);
  EXPECT_EQ(empty.status, 400) << empty.body;
  auto wrong = post(kDelete, {{"password", "not the password"}}, ann_.token);
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_EQ(str(json(wrong), "error"), "The password you entered was not correct");
  auto not_a_string = post(kDelete, {{"password", 12345678}}, ann_.token);
  EXPECT_EQ(not_a_string.status, 422) << not_a_string.body;

  // Nothing changed.
  EXPECT_EQ(str(me(ann_), "username"), "ann");
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id).status, 200);
  EXPECT_EQ(likes_of(bobs), 1);
  EXPECT_FALSE(instance().deletion_for_test().pending(Id(std::stoull(ann_.id))));
}

TEST_F(AccountDeletionApi, GoneAtOnceAndEveryCountExactAfterwards) {
  const std::string bobs = post_status(bob_, "bob's post");
  const std::string anns = post_status(ann_, "ann's post");
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/favourite", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/favourite", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + anns + "/favourite", {}, bob_.token).status, 200);
  const std::string comment = post_status(ann_, "@bob hi", {{"in_reply_to_id", bobs}});
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);
  ASSERT_EQ(likes_of(bobs), 2);
  ASSERT_EQ(num(get("/api/v1/statuses/" + bobs, bob_.token), "replies_count"), 1);
  ASSERT_EQ(followers_of(bob_), 1);
  auto scheduled = post("/api/v1/statuses",
                        {{"status", "later"}, {"scheduled_at", "2024-03-01T13:00:00.000Z"}}, ann_.token);
  ASSERT_EQ(scheduled.status, 200) << scheduled.body;
  const int64_t users = stats().at("user_count").as_int64();

  auto r = post_form(std::string(kDelete), "password=" + std::string("correct+horse+battery+staple"),
                     ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  // Gone from every answer at once: the token (refused as Mastodon refuses a deleted account's,
  // 403, until the background work removes it, 401), the account, its posts.
  const int refused = get("/api/v1/accounts/verify_credentials", ann_.token).status;
  EXPECT_TRUE(refused == 403 || refused == 401) << refused;
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id).status, 404);
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=ann").status, 404);
  EXPECT_EQ(http().get("/@ann").status, 404);  // the web profile
  EXPECT_EQ(get("/api/v1/statuses/" + anns).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + comment).status, 404);
  EXPECT_EQ(password_grant(default_app(), "ann", kPassword).status, 400);

  wait_deleted();
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 401);  // gone
  EXPECT_EQ(likes_of(bobs), 1);
  EXPECT_EQ(num(get("/api/v1/statuses/" + bobs, bob_.token), "replies_count"), 0);
  EXPECT_EQ(followers_of(bob_), 0);
  EXPECT_EQ(num(get("/api/v1/accounts/" + cat_.id, bob_.token), "following_count"), 0);
  EXPECT_EQ(stats().at("user_count").as_int64(), users - 1);
  EXPECT_EQ(notification_kinds(bob_), (std::vector<std::string>{"favourite:cat"}));
  auto favourites = get("/api/v1/favourites", bob_.token);
  ASSERT_EQ(favourites.status, 200);
  EXPECT_EQ(json(favourites).as_array().size(), 0u);
  // The username stays taken; the email is free again.
  auto again = sign_up("ann", {{"email", "someone@example.com"}});
  EXPECT_EQ(again.status, 422) << again.body;
  auto email = sign_up("ann2", {{"email", "ann@example.com"}});
  EXPECT_EQ(email.status, 200) << email.body;
  // Nothing of it is left to publish or to find in its lists.
  restart([&] {
    auto store = app::open_existing_store(data_dir().string());
    ASSERT_TRUE(store);
    const Id ann(std::stoull(ann_.id));
    for (auto [from, type] : {std::pair{ann, store::AssocType::kScheduledStatuses},
                              std::pair{store::kInstanceNode, store::AssocType::kScheduledDue},
                              std::pair{store::kInstanceNode, store::AssocType::kPendingDeletions},
                              std::pair{ann, store::AssocType::kAuthored},
                              std::pair{ann, store::AssocType::kFavourites},
                              std::pair{ann, store::AssocType::kFollows},
                              std::pair{ann, store::AssocType::kAccountTokens},
                              std::pair{ann, store::AssocType::kNotificationsSent}}) {
      auto n = testing::list_size(*store, from, type);
      ASSERT_TRUE(n.has_value());
      EXPECT_EQ(*n, 0) << static_cast<int>(type);
    }
  });
}

TEST_F(AccountDeletionApi, APhotoFileStaysWhileAnotherAccountUsesTheSameBytes) {
  const std::string shared = photo(7);
  const std::string anns_shared = post_photo(ann_, shared);
  const std::string bobs_shared = post_photo(bob_, shared);
  const std::string anns_own = post_photo(ann_, photo(8));
  ASSERT_FALSE(anns_shared.empty());
  ASSERT_EQ(anns_shared, bobs_shared);  // one file, two users
  ASSERT_EQ(http().get(local_path(anns_own)).status, 200);

  ASSERT_EQ(post(kDelete, {{"password", kPassword}}, ann_.token).status, 200);
  wait_deleted();
  EXPECT_EQ(http().get(local_path(bobs_shared)).status, 200);
  EXPECT_EQ(http().get(local_path(anns_own)).status, 404);
}

TEST_F(AccountDeletionApi, TheAdminCommandDeletesWithTheServerStopped) {
  const std::string bobs = post_status(bob_, "bob's post");
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/favourite", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, ann_.token).status, 200);
  restart([&] {
    app::VerifyConfig c;
    c.data_dir = data_dir().string();
    c.username = "nobody";
    EXPECT_EQ(app::delete_account(c), 1);
    c.username = "ann";
    EXPECT_EQ(app::delete_account(c), 0);
    EXPECT_EQ(app::delete_account(c), 0);  // again: nothing more to do
  });
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id).status, 404);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 401);
  EXPECT_EQ(likes_of(bobs), 0);
  EXPECT_EQ(followers_of(bob_), 0);
  EXPECT_EQ(sign_up("ann").status, 422);
}

}  // namespace
}  // namespace kindred::testing
