// Who a request comes from, for rate limits: the socket's peer, or behind a trusted reverse proxy
// (--trusted-proxies) the client its X-Forwarded-For names; IPv6 clients counted by their /64;
// and the per-account sign-in limit that holds however many addresses guess one password.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr int64_t kMinute = 60 * 1000;

// A server with rate limits on, and the helpers these tests share.
class SignInLimits : public ApiTest {
 protected:
  explicit SignInLimits(std::string trusted_proxies)
      : ApiTest({.rate_limits = true, .trusted_proxies = std::move(trusted_proxies)}) {}

  // A password grant as a reverse proxy forwards it, with `forwarded_for` as X-Forwarded-For.
  Reply guess(const App& app, std::string_view forwarded_for, std::string_view username = "ann",
              std::string_view password = "wrong") {
    boost::json::object body{{"grant_type", "password"},
                             {"client_id", app.client_id},
                             {"client_secret", app.client_secret},
                             {"username", username},
                             {"password", password}};
    HttpClient::Headers headers{{"Content-Type", "application/json"}};
    if (!forwarded_for.empty()) headers.emplace_back("X-Forwarded-For", std::string(forwarded_for));
    return request("POST", "/oauth/token", boost::json::serialize(body), headers);
  }

  // Sends wrong guesses until one is refused (429); returns how many were answered before it.
  // Each names another account, so only the limit per address can refuse them.
  int answered_until_refused(const App& app, std::string_view forwarded_for, int tries) {
    for (int i = 0; i < tries; ++i)
      if (guess(app, forwarded_for, "someone" + std::to_string(i)).status == 429) return i;
    return tries;
  }
};

class BehindAProxy : public SignInLimits {
 protected:
  BehindAProxy() : SignInLimits("127.0.0.1,10.0.0.0/8") {}
};

class NoTrustedProxies : public SignInLimits {
 protected:
  NoTrustedProxies() : SignInLimits("") {}
};

TEST_F(BehindAProxy, EachClientTheProxyNamesHasItsOwnSignInBudget) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  ASSERT_FALSE(register_user("bob").token.empty());
  EXPECT_EQ(answered_until_refused(app, "198.51.100.1", 30), 25);
  // Another person behind the same proxy is not locked out by the first one's guesses.
  Reply bob = guess(app, "198.51.100.2", "bob", std::string(kPassword));
  EXPECT_EQ(bob.status, 200) << bob.body;
}

TEST_F(BehindAProxy, AClientCannotEscapeItsBudgetByWritingItsOwnForwardedFor) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  // The client sends "X-Forwarded-For: <made up>", the proxy appends the address it saw: only
  // the rightmost untrusted hop counts, so every made-up address draws on 198.51.100.9's budget.
  int answered = 0;
  for (int i = 0; i < 30; ++i) {
    std::string made_up = "203.0.113." + std::to_string(i + 1) + ", 198.51.100.9";
    if (guess(app, made_up, "someone" + std::to_string(i)).status != 429) ++answered;
  }
  EXPECT_EQ(answered, 25);
}

TEST_F(BehindAProxy, AnIpv6ClientIsCountedByItsSlash64) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  int answered = 0;
  for (int i = 0; i < 30; ++i) {
    // A new address in the same /64 for every guess, as a client rotating through its prefix.
    char address[64];
    std::snprintf(address, sizeof address, "2001:db8:7:1:%x::%x", i + 1, i + 7);
    if (guess(app, address, "someone" + std::to_string(i)).status != 429) ++answered;
  }
  EXPECT_EQ(answered, 25);
  // The next /64 is someone else (guessing another account: ann's own limit is not the point).
  EXPECT_EQ(guess(app, "2001:db8:7:2::1", "bob").status, 400);
}

TEST_F(NoTrustedProxies, ForwardedForIsIgnored) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  int answered = 0;
  for (int i = 0; i < 30; ++i)
    if (guess(app, "198.51.100." + std::to_string(i + 1), "someone" + std::to_string(i)).status !=
        429)
      ++answered;
  // 24: the fixture's own app token, fetched from this address to sign ann up, was the first.
  EXPECT_EQ(answered, 24) << "a client picked its own address with X-Forwarded-For";
}

TEST_F(BehindAProxy, OneAccountTakes25PasswordAttemptsAnHourFromAnyNumberOfAddresses) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  ASSERT_FALSE(register_user("bob").token.empty());
  int answered = 0;
  for (int i = 0; i < 30; ++i) {
    // Spread over many addresses (and spellings of the name), each far below its own limit.
    std::string name = i % 2 == 0 ? "ann" : " ANN";
    Reply r = guess(app, "198.51.100." + std::to_string(i + 1), name);
    if (r.status == 429) {
      EXPECT_EQ(json(r).at("error").as_string(),
                "Too many sign-in attempts for this account; try again later");
    } else {
      EXPECT_EQ(r.status, 400) << r.body;
      ++answered;
    }
  }
  EXPECT_EQ(answered, 25);
  // Even the right password waits: that is the price of the limit (as Mastodon's).
  EXPECT_EQ(guess(app, "203.0.113.1", "ann", kPassword).status, 429);
  // Other accounts are not affected.
  EXPECT_EQ(guess(app, "203.0.113.1", "bob", kPassword).status, 200);
  clock().advance_ms(60 * kMinute);
  EXPECT_EQ(guess(app, "203.0.113.2", "ann", kPassword).status, 200);
}

TEST_F(BehindAProxy, TheAuthorizationFormCountsAgainstTheAccountToo) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  for (int i = 0; i < 25; ++i)
    ASSERT_NE(guess(app, "198.51.100." + std::to_string(i + 1)).status, 429);
  std::string form = form_body({{"client_id", app.client_id},
                                {"redirect_uri", kOutOfBand},
                                {"response_type", "code"},
                                {"scope", "read"},
                                {"username", "ann"},
                                {"password", kPassword}});
  Reply page = request("POST", "/oauth/authorize", form,
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"X-Forwarded-For", "203.0.113.50"}});
  EXPECT_EQ(page.status, 429);
  EXPECT_NE(page.body.find("Too many sign-in attempts for this account"), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<form"), std::string::npos) << "the form is shown again";
}

}  // namespace
}  // namespace kindred::testing
