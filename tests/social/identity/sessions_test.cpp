// Web sessions (social/identity/sessions.h) and the per-account list of authorised apps: a
// session is named only by its cookie's secret, ends for good, and goes idle; tokens are listed
// and revoked per app.
#include "social/identity/sessions.h"

#include <gtest/gtest.h>

#include "social/identity/oauth.h"
#include "social/identity/secrets.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Sessions : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    sessions_.emplace(stack_->deps);
    oauth_.emplace(stack_->deps);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false, "ann-password");
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }

  // A fresh service over the same store: nothing cached.
  SessionService fresh() { return SessionService(stack_->deps); }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<SessionService> sessions_;
  std::optional<OAuthService> oauth_;
  Account ann_, bob_;
};

TEST_F(Sessions, TheSecretNamesTheSessionAndOnlyItsHashIsStored) {
  auto made = sessions_->create(ann_.id, "Firefox", "192.0.2.1");
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  EXPECT_EQ(made->secret.size(), 43u);
  EXPECT_EQ(made->session.csrf.size(), 43u);
  EXPECT_NE(made->session.hash, made->secret);
  EXPECT_EQ(made->session.hash.find(made->secret), std::string::npos);

  auto again = fresh().authenticate(made->secret);
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(again->id, made->session.id);
  EXPECT_EQ(again->account_id, ann_.id);
  EXPECT_EQ(again->csrf, made->session.csrf);
  EXPECT_EQ(again->user_agent, "Firefox");
  EXPECT_EQ(again->ip, "192.0.2.1");
}

TEST_F(Sessions, WrongEmptyAndOversizedSecretsAreRefused) {
  ASSERT_TRUE(sessions_->create(ann_.id, "", "").has_value());
  for (const std::string& bad : {std::string(), std::string("nope"), std::string(300, 'a')}) {
    auto r = sessions_->authenticate(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(Sessions, AnEndedSessionIsRefusedByEveryCacheAndCannotBeEndedTwice) {
  auto made = *sessions_->create(ann_.id, "", "");
  ASSERT_TRUE(sessions_->authenticate(made.secret).has_value());  // cached now
  ASSERT_TRUE(sessions_->end(ann_.id, made.session.id).is_ok());
  EXPECT_FALSE(sessions_->authenticate(made.secret).has_value());
  EXPECT_FALSE(fresh().authenticate(made.secret).has_value());
  EXPECT_EQ(sessions_->end(ann_.id, made.session.id).code(), StatusCode::kNotFound);
}

TEST_F(Sessions, NobodyEndsAnotherPersonsSession) {
  auto made = *sessions_->create(ann_.id, "", "");
  EXPECT_EQ(sessions_->end(bob_.id, made.session.id).code(), StatusCode::kNotFound);
  EXPECT_TRUE(sessions_->authenticate(made.secret).has_value());
}

TEST_F(Sessions, ListsNewestFirstAndEndsAllButOne) {
  auto first = *sessions_->create(ann_.id, "phone", "");
  stack_->clock.advance_ms(1000);
  auto second = *sessions_->create(ann_.id, "laptop", "");
  auto bobs = *sessions_->create(bob_.id, "", "");
  auto list = sessions_->list(ann_.id);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].user_agent, "laptop");
  EXPECT_EQ((*list)[1].user_agent, "phone");

  ASSERT_TRUE(sessions_->end_all_except(ann_.id, second.session.id).is_ok());
  EXPECT_FALSE(sessions_->authenticate(first.secret).has_value());
  EXPECT_TRUE(sessions_->authenticate(second.secret).has_value());
  EXPECT_TRUE(sessions_->authenticate(bobs.secret).has_value());
  EXPECT_EQ(sessions_->list(ann_.id)->size(), 1u);
}

TEST_F(Sessions, LastSeenMovesAtMostEveryFewMinutesAndIdleSessionsEnd) {
  auto made = *sessions_->create(ann_.id, "", "");
  const int64_t start = made.session.last_seen_ms;
  stack_->clock.advance_ms(60'000);
  EXPECT_EQ(sessions_->authenticate(made.secret)->last_seen_ms, start);
  stack_->clock.advance_ms(SessionService::kTouchIntervalMs);
  const int64_t touched = sessions_->authenticate(made.secret)->last_seen_ms;
  EXPECT_GT(touched, start);
  EXPECT_EQ(fresh().authenticate(made.secret)->last_seen_ms, touched);  // written down

  stack_->clock.advance_ms(SessionService::kIdleLimitMs + 1);
  EXPECT_FALSE(sessions_->authenticate(made.secret).has_value());
  EXPECT_TRUE(sessions_->list(ann_.id)->empty());
}

TEST_F(Sessions, ListingEndsSessionsIdleTooLongThatNeverCameBack) {
  auto old = *sessions_->create(ann_.id, "thrown away", "");
  stack_->clock.advance_ms(SessionService::kIdleLimitMs / 2);
  auto fresh_one = *sessions_->create(ann_.id, "in use", "");
  stack_->clock.advance_ms(SessionService::kIdleLimitMs / 2 + 1000);
  auto list = sessions_->list(ann_.id);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, fresh_one.session.id);
  EXPECT_FALSE(fresh().authenticate(old.secret).has_value()) << "ended in the store, not only hidden";
}

TEST_F(Sessions, ASessionEndedWhileBeingTouchedIsRefused) {
  auto made = *sessions_->create(ann_.id, "", "");
  ASSERT_TRUE(sessions_->authenticate(made.secret).has_value());
  stack_->clock.advance_ms(SessionService::kTouchIntervalMs + 1);
  ASSERT_TRUE(sessions_->end(ann_.id, made.session.id).is_ok());
  EXPECT_FALSE(sessions_->authenticate(made.secret).has_value());
  EXPECT_TRUE(sessions_->list(ann_.id)->empty()) << "the touch did not write it back";
}

TEST_F(Sessions, AUserAgentIsCutAtACharacterAndBadBytesAreDropped) {
  std::string long_agent(199, 'a');
  long_agent += "\xC3\xA9";  // é straddles byte 200
  auto made = *sessions_->create(ann_.id, long_agent, "");
  EXPECT_EQ(made.session.user_agent, std::string(199, 'a'));
  auto bad = *sessions_->create(ann_.id, "\xFF\xFE", "");
  EXPECT_EQ(bad.session.user_agent, "");
}

TEST_F(Sessions, PasswordChangeChecksTheCurrentOneAndTheNewOnesLength) {
  EXPECT_EQ(stack_->accounts.change_password(ann_.id, "wrong-password", "new-password-1").code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(stack_->accounts.change_password(ann_.id, "ann-password", "short").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(stack_->accounts.change_password(ann_.id, "ann-password", std::string(73, 'x')).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(stack_->accounts.sign_in("ann", "ann-password").has_value());  // unchanged so far
  ASSERT_TRUE(stack_->accounts.change_password(ann_.id, "ann-password", "new-password-1").is_ok());
  EXPECT_FALSE(stack_->accounts.sign_in("ann", "ann-password").has_value());
  EXPECT_TRUE(stack_->accounts.sign_in("ann", "new-password-1").has_value());
}

TEST_F(Sessions, AuthorisedAppsAreListedPerAppAndRevokedTogether) {
  auto phone = *oauth_->create_app({"Phone app", "", {std::string(kOutOfBand)}, "read write"});
  auto web = *oauth_->create_app({"Web app", "", {std::string(kOutOfBand)}, "read"});
  auto t1 = *oauth_->issue_token(phone, ann_.id, "read");
  stack_->clock.advance_ms(1000);
  auto t2 = *oauth_->issue_token(phone, ann_.id, "write");
  stack_->clock.advance_ms(1000);
  auto t3 = *oauth_->issue_token(web, ann_.id, "read");
  auto bobs = *oauth_->issue_token(phone, bob_.id, "read");
  auto own = *oauth_->issue_token(phone, Id(), "read");  // the app's own: not a person's

  auto apps = oauth_->authorized_apps(ann_.id);
  ASSERT_TRUE(apps.has_value()) << apps.error().to_string();
  ASSERT_EQ(apps->size(), 2u);
  EXPECT_EQ((*apps)[0].app.name, "Web app");
  EXPECT_EQ((*apps)[1].app.name, "Phone app");
  EXPECT_EQ((*apps)[1].tokens, 2u);
  EXPECT_EQ((*apps)[1].scopes, "read write");
  EXPECT_EQ((*apps)[1].first_authorized_ms, t1.token.created_at_ms);

  EXPECT_EQ(oauth_->revoke_app(bob_.id, web.id).code(), StatusCode::kNotFound);
  ASSERT_TRUE(oauth_->revoke_app(ann_.id, phone.id).is_ok());
  EXPECT_FALSE(oauth_->authenticate_token(t1.access_token).has_value());
  EXPECT_FALSE(oauth_->authenticate_token(t2.access_token).has_value());
  EXPECT_TRUE(oauth_->authenticate_token(t3.access_token).has_value());
  EXPECT_TRUE(oauth_->authenticate_token(bobs.access_token).has_value());
  EXPECT_TRUE(oauth_->authenticate_token(own.access_token).has_value());
  EXPECT_EQ(oauth_->authorized_apps(ann_.id)->size(), 1u);
  EXPECT_EQ(oauth_->revoke_app(ann_.id, phone.id).code(), StatusCode::kNotFound);
}

TEST_F(Sessions, AnAppWithManyTokensIsListedAndRevokedWhole) {
  auto app = *oauth_->create_app({"Busy app", "", {std::string(kOutOfBand)}, "read"});
  auto other = *oauth_->create_app({"Other app", "", {std::string(kOutOfBand)}, "read"});
  std::vector<IssuedToken> tokens;
  for (int i = 0; i < 1005; ++i) tokens.push_back(*oauth_->issue_token(app, ann_.id, "read"));
  auto newest_other = *oauth_->issue_token(other, ann_.id, "read");  // newer than every one above
  auto apps = oauth_->authorized_apps(ann_.id);
  ASSERT_TRUE(apps.has_value());
  ASSERT_EQ(apps->size(), 2u);
  EXPECT_EQ((*apps)[1].tokens, 1005u) << "past the first page of 1,000";
  ASSERT_TRUE(oauth_->revoke_app(ann_.id, app.id).is_ok());
  EXPECT_FALSE(oauth_->authenticate_token(tokens.front().access_token).has_value());
  EXPECT_FALSE(oauth_->authenticate_token(tokens.back().access_token).has_value());
  EXPECT_TRUE(oauth_->authenticate_token(newest_other.access_token).has_value());
}

TEST_F(Sessions, ATokenNamesItsRecordButOnlyItsOwnSecretOpensIt) {
  auto app = *oauth_->create_app({"Phone app", "", {std::string(kOutOfBand)}, "read write"});
  auto anns = *oauth_->issue_token(app, ann_.id, "read");
  auto bobs = *oauth_->issue_token(app, bob_.id, "read");
  const std::string id = anns.token.id.to_string();
  ASSERT_EQ(anns.access_token.substr(0, id.size() + 1), id + ".");
  EXPECT_EQ(anns.access_token.size(), id.size() + 1 + 43);
  EXPECT_EQ(token_id_of(anns.access_token), anns.token.id);
  EXPECT_EQ(anns.token.hash, hash_secret(anns.access_token));

  OAuthService uncached(stack_->deps);
  auto grant = uncached.authenticate_token(anns.access_token);
  ASSERT_TRUE(grant.has_value()) << grant.error().to_string();
  EXPECT_EQ(grant->token.account_id, ann_.id);

  // Ann's id with a secret one character off, with Bob's secret, or with none; an id no token
  // has; text that is no token at all.
  std::string off = anns.access_token;
  off.back() = off.back() == 'A' ? 'B' : 'A';
  const std::string bobs_secret = bobs.access_token.substr(bobs.access_token.find('.') + 1);
  const std::string anns_secret = anns.access_token.substr(id.size() + 1);
  // Ids that parse but name no token: an account, an app, zero, the largest id.
  const std::vector<std::string> bad_tokens{off,
                                            id + "." + bobs_secret,
                                            id + ".",
                                            id,
                                            "1." + bobs_secret,
                                            ann_.id.to_string() + "." + anns_secret,
                                            app.id.to_string() + "." + anns_secret,
                                            "0." + anns_secret,
                                            "18446744073709551615." + anns_secret,
                                            "abc.def",
                                            ".abc",
                                            "99999999999999999999999." + bobs_secret,
                                            random_token()};
  for (const std::string& bad : bad_tokens) {
    OAuthService fresh(stack_->deps);
    auto refused = fresh.authenticate_token(bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code(), StatusCode::kUnauthenticated) << bad;
  }
  EXPECT_TRUE(OAuthService(stack_->deps).authenticate_token(bobs.access_token).has_value());

  // Revoked, the token names a record that is gone, for a service that had it cached too.
  ASSERT_TRUE(oauth_->authenticate_token(anns.access_token).has_value());
  ASSERT_TRUE(oauth_->revoke(app, anns.access_token).is_ok());
  EXPECT_EQ(oauth_->authenticate_token(anns.access_token).error().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(OAuthService(stack_->deps).authenticate_token(anns.access_token).error().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(Sessions, AnExpiredAppTokenWithAWrongSecretIsRefusedAndNotRevoked) {
  auto app = *oauth_->create_app({"App", "", {std::string(kOutOfBand)}, "read"});
  auto own = *oauth_->issue_token(app, Id(), "read");  // the app's own: it expires
  stack_->clock.advance_ms(stack_->deps.config.app_token_lifetime_ms + 1000);
  std::string wrong = own.access_token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto refused = OAuthService(stack_->deps).authenticate_token(wrong);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message(), "The access token is invalid");
  // Only its own secret finds it, expired, and revokes it.
  ASSERT_TRUE(store_->get_object(store::ObjectType::kToken, own.token.id).has_value());
  auto expired = OAuthService(stack_->deps).authenticate_token(own.access_token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().message(), "The access token expired");
  EXPECT_FALSE(store_->get_object(store::ObjectType::kToken, own.token.id).has_value());
}

TEST_F(Sessions, TokensOfRandomBitsAloneStillWorkAndCanBeRevoked) {
  // Tokens issued before tokens named their record: 43 characters, found by their hash's key.
  auto app = *oauth_->create_app({"Old app", "", {std::string(kOutOfBand)}, "read"});
  const std::string old = random_token();
  EXPECT_FALSE(token_id_of(old).has_value());
  Token t;
  t.id = stack_->deps.ids.next();
  t.app_id = app.id;
  t.account_id = ann_.id;
  t.scopes = "read";
  t.created_at_ms = stack_->clock.now_ms();
  t.hash = hash_secret(old);
  store::Batch b;
  b.claim_key(store::KeyspaceType::kTokenHash, t.hash, t.id);
  b.put_object(store::ObjectType::kToken, t.id, t.encode());
  b.add_assoc({ann_.id, store::AssocType::kAccountTokens, t.id, t.id, {}});
  ASSERT_TRUE(store_->apply(b).has_value());

  auto grant = OAuthService(stack_->deps).authenticate_token(old);
  ASSERT_TRUE(grant.has_value()) << grant.error().to_string();
  EXPECT_EQ(grant->token.id, t.id);
  // Its id in front of its secret is not how it was issued: refused.
  EXPECT_EQ(
      OAuthService(stack_->deps).authenticate_token(t.id.to_string() + "." + old).error().code(),
      StatusCode::kUnauthenticated);

  ASSERT_TRUE(oauth_->revoke(app, old).is_ok());
  EXPECT_EQ(OAuthService(stack_->deps).authenticate_token(old).error().code(),
            StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace kindred::social
