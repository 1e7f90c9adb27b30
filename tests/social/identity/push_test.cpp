// PushService: one Web Push subscription per access token, checked before it is stored, and
// gone with its token.
#include "social/identity/push.h"

#include <gtest/gtest.h>

#include "social/identity/oauth.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

// base64url (no padding) of an uncompressed P-256 point and of 16 bytes.
constexpr std::string_view kP256dh =
    "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A";
constexpr std::string_view kAuth = "ZGVmZ2hpamtsbW5vcHFycw";

class Push : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    oauth_.emplace(stack_->deps);
    push_.emplace(stack_->deps);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
  }
  static PushSubscription sample() {
    PushSubscription sub;
    sub.endpoint = "https://push.example.net/send/1";
    sub.p256dh = std::string(kP256dh);
    sub.auth = std::string(kAuth);
    sub.alerts.mention = true;
    return sub;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<OAuthService> oauth_;
  std::optional<PushService> push_;
  Account ann_;
};

TEST_F(Push, PaddedKeysAreTakenAndBadOnesRefused) {
  auto padded = sample();
  padded.auth += "==";
  EXPECT_TRUE(push_->subscribe(Id(7), padded).has_value());
  auto bad = sample();
  bad.auth = "ZGVmZ2hpamtsbW5vcHFy";  // 15 bytes
  EXPECT_EQ(push_->subscribe(Id(8), bad).error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(push_->get(Id(8)).error().is_not_found());
}

TEST_F(Push, ASubscriptionGoesWithItsToken) {
  NewApp app;
  app.name = "Pusher";
  app.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  app.scopes = "read push";
  auto made = oauth_->create_app(app);
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  auto token = oauth_->issue_token(*made, ann_.id, "push");
  ASSERT_TRUE(token.has_value()) << token.error().to_string();
  ASSERT_TRUE(push_->subscribe(token->token.id, sample()).has_value());
  ASSERT_TRUE(push_->get(token->token.id).has_value());
  ASSERT_TRUE(oauth_->revoke(*made, token->access_token).is_ok());
  EXPECT_TRUE(push_->get(token->token.id).error().is_not_found());
}

}  // namespace
}  // namespace kindred::social
