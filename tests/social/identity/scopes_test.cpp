#include "social/identity/scopes.h"

#include <gtest/gtest.h>

#include "social/identity/secrets.h"

namespace kindred::social {
namespace {

TEST(Scopes, EmptyMeansRead) { EXPECT_EQ(*parse_scopes(""), std::vector<std::string>{"read"}); }

TEST(Scopes, UnknownScopeIsRejected) {
  EXPECT_EQ(parse_scopes("read wrte").error().code(), StatusCode::kInvalidArgument);
}

TEST(Scopes, TopLevelCoversItsSubScopes) {
  auto g = *parse_scopes("read write:favourites");
  EXPECT_TRUE(scopes_allow(g, "read:statuses"));
  EXPECT_TRUE(scopes_allow(g, "write:favourites"));
  EXPECT_FALSE(scopes_allow(g, "write:statuses"));
  EXPECT_FALSE(scopes_allow(g, "write"));
}

TEST(Scopes, FollowIsTheLegacyAliasForRelationships) {
  auto g = *parse_scopes("follow");
  EXPECT_TRUE(scopes_allow(g, "write:follows"));
  EXPECT_TRUE(scopes_allow(g, "read:blocks"));
  EXPECT_FALSE(scopes_allow(g, "read:statuses"));
}

TEST(Scopes, PlusSeparatedListsParse) {
  EXPECT_EQ(parse_scopes("read+write")->size(), 2u);
}

TEST(Secrets, TokensAre256BitsAndUnique) {
  auto a = random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, random_token());
  EXPECT_EQ(hash_secret(a).size(), 64u);
}

TEST(Secrets, PkceS256IsBase64UrlOfSha256WithoutPadding) {
  EXPECT_EQ(pkce_s256("dBjftJeZ4CVP-mB92K1uQvdScuYHUE3YV5mGq9yRpgc"),
            "nBuo7mbNu5QDQurjS7hloVWJTWvvXLOlVfjlbP6Yj5M");  // from Python hashlib + base64
}

TEST(Secrets, PasswordsVerifyAndMissingHashesNeverMatch) {
  PasswordHasher hasher(1, /*fast_for_tests=*/true);
  auto h = hasher.hash("correct horse");
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(hasher.verify("correct horse", *h));
  EXPECT_FALSE(hasher.verify("wrong horse", *h));
  EXPECT_FALSE(hasher.verify("correct horse", ""));
}

}  // namespace
}  // namespace kindred::social
