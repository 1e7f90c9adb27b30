// GET /api/v2/search and GET /api/v1/accounts/search through the real server: accounts by name
// prefix (folded, exact first, followed next), hashtags by prefix with history, statuses by full
// text under Mastodon 4.2's rules, blocks and mutes, paging and bad input.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "app/admin.h"
#include "social/search/indexer.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class SearchApi : public ThreePeopleApi {
 protected:
  // The accts of the accounts a search found.
  std::vector<std::string> accts(const boost::json::value& v) {
    std::vector<std::string> out;
    for (const auto& a : v.as_array()) out.push_back(str(a, "acct"));
    return out;
  }
  std::vector<std::string> found_accounts(std::string_view q, std::string_view token,
                                          std::string_view extra = "") {
    auto r = get("/api/v2/search?type=accounts&q=" + std::string(q) + std::string(extra), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? accts(json(r).at("accounts")) : std::vector<std::string>{};
  }
  std::vector<std::string> found_statuses(std::string_view q, std::string_view token,
                                          std::string_view extra = "") {
    instance().indexer_for_test().flush();
    auto r = get("/api/v2/search?type=statuses&q=" + std::string(q) + std::string(extra), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? ids(json(r).at("statuses")) : std::vector<std::string>{};
  }
  void set_profile(const User& u, std::string form) {
    auto r = http().patch_form("/api/v1/accounts/update_credentials", std::move(form), u.token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void act(const User& who, std::string_view path) {
    auto r = post(path, {}, who.token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

using Strings = std::vector<std::string>;

TEST_F(SearchApi, AnswersMastodonsShapeWithEveryKey) {
  auto r = get("/api/v2/search?q=ann", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json(r);
  ASSERT_TRUE(v.at("accounts").is_array());
  ASSERT_TRUE(v.at("statuses").is_array());
  ASSERT_TRUE(v.at("hashtags").is_array());
  ASSERT_FALSE(v.at("accounts").as_array().empty());
  const auto& a = v.at("accounts").as_array()[0];
  EXPECT_EQ(str(a, "id"), ann_.id);
  EXPECT_EQ(str(a, "acct"), "ann");
  EXPECT_EQ(str(a, "username"), "ann");
  EXPECT_TRUE(a.as_object().contains("followers_count"));
}

TEST_F(SearchApi, ExactAccountComesFirstThenPrefixMatches) {
  register_user("annabel");
  register_user("anna");
  EXPECT_EQ(found_accounts("anna", bob_.token), (Strings{"anna", "annabel"}));
  EXPECT_EQ(found_accounts("ann", bob_.token)[0], "ann");
  EXPECT_EQ(found_accounts("ann", bob_.token).size(), 3u);
  EXPECT_EQ(found_accounts("annab", bob_.token), (Strings{"annabel"}));
  EXPECT_EQ(found_accounts("annz", bob_.token), Strings{});
}

TEST_F(SearchApi, AcctFormsOfThisInstanceFindTheAccountOthersNothing) {
  EXPECT_EQ(found_accounts("%40bob", ann_.token), (Strings{"bob"}));
  EXPECT_EQ(found_accounts("bob%40kindred.test", ann_.token), (Strings{"bob"}));
  EXPECT_EQ(found_accounts("%40bob%40KINDRED.test", ann_.token), (Strings{"bob"}));
  EXPECT_EQ(found_accounts("bob%40elsewhere.example", ann_.token), Strings{});
  // toot's call: resolve=true and the exact match first.
  EXPECT_EQ(found_accounts("bob", ann_.token, "&resolve=true")[0], "bob");
}

TEST_F(SearchApi, DisplayNamesMatchFoldedForAccentsAndCaseByAnyWord) {
  set_profile(cat_, "display_name=Zo%C3%AB%20%C3%85ngstr%C3%B6m");
  EXPECT_EQ(found_accounts("ZOE", ann_.token), (Strings{"cat"}));
  EXPECT_EQ(found_accounts("angst", ann_.token), (Strings{"cat"}));
  EXPECT_EQ(found_accounts("zo%C3%AB%20ang", ann_.token), (Strings{"cat"}));
  // The old name is gone from the index once changed.
  set_profile(cat_, "display_name=Catherine");
  EXPECT_EQ(found_accounts("zoe", ann_.token), Strings{});
  EXPECT_EQ(found_accounts("cather", ann_.token), (Strings{"cat"}));
}

TEST_F(SearchApi, FollowedAccountsComeFirstAndFollowingOnlyKeepsThem) {
  User s1 = register_user("sam_one");
  User s2 = register_user("sam_two");
  User s3 = register_user("sam_three");
  act(bob_, "/api/v1/accounts/" + s1.id + "/follow");
  act(cat_, "/api/v1/accounts/" + s1.id + "/follow");
  act(ann_, "/api/v1/accounts/" + s3.id + "/follow");
  // For ann: the one she follows, then by followers.
  auto all = found_accounts("sam", ann_.token);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "sam_three");
  EXPECT_EQ(all[1], "sam_one");
  EXPECT_EQ(found_accounts("sam", ann_.token, "&following=true"), (Strings{"sam_three"}));
  auto v1 = get("/api/v1/accounts/search?q=sam&following=true", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(accts(json(v1)), (Strings{"sam_three"}));
}

TEST_F(SearchApi, BlocksHideAccountsBothWays) {
  act(ann_, "/api/v1/accounts/" + bob_.id + "/block");
  EXPECT_EQ(found_accounts("bob", ann_.token), Strings{});
  EXPECT_EQ(found_accounts("ann", bob_.token), Strings{});
  EXPECT_EQ(found_accounts("cat", ann_.token), (Strings{"cat"}));
  auto v1 = get("/api/v1/accounts/search?q=bob", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(json(v1).as_array().size(), 0u);
}

TEST_F(SearchApi, AccountsPageByOffsetAndLimitWithLimitClamped) {
  for (int i = 0; i < 5; ++i) register_user("pat" + std::to_string(i));
  auto first = found_accounts("pat", ann_.token, "&limit=2");
  auto second = found_accounts("pat", ann_.token, "&limit=2&offset=2");
  auto third = found_accounts("pat", ann_.token, "&limit=2&offset=4");
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  ASSERT_EQ(third.size(), 1u);
  Strings all = first;
  all.insert(all.end(), second.begin(), second.end());
  all.insert(all.end(), third.begin(), third.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (Strings{"pat0", "pat1", "pat2", "pat3", "pat4"}));
  // Without a type Mastodon ignores offset; limit over 40 is 40, under 1 is 1.
  auto r = get("/api/v2/search?q=pat&offset=4&limit=2", ann_.token);
  EXPECT_EQ(json(r).at("accounts").as_array().size(), 2u);
  EXPECT_EQ(found_accounts("pat", ann_.token, "&limit=0").size(), 1u);
  EXPECT_EQ(found_accounts("pat", ann_.token, "&limit=1000").size(), 5u);
  auto v1 = get("/api/v1/accounts/search?q=pat&limit=3&offset=3", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(json(v1).as_array().size(), 2u);
}

TEST_F(SearchApi, BadInputIsRefusedAsMastodonDoes) {
  EXPECT_EQ(get("/api/v2/search", ann_.token).status, 400);
  EXPECT_EQ(get("/api/v2/search?q=", ann_.token).status, 400);
  EXPECT_EQ(get("/api/v2/search?q=%20%20", ann_.token).status, 400);
  auto bad_type = get("/api/v2/search?q=ann&type=people", ann_.token);
  EXPECT_EQ(bad_type.status, 422) << bad_type.body;
  EXPECT_EQ(get("/api/v2/search?q=ann&limit=ten", ann_.token).status, 422);
  EXPECT_EQ(get("/api/v2/search?q=ann&account_id=x", ann_.token).status, 422);
  // Signed out: no paging and no resolving (401), but a plain search works.
  auto paging = get("/api/v2/search?q=ann&type=accounts&offset=1");
  EXPECT_EQ(paging.status, 401);
  EXPECT_EQ(str(json(paging), "error"),
            "Search queries pagination is not supported without authentication");
  EXPECT_EQ(get("/api/v2/search?q=ann&resolve=true").status, 401);
  auto anon = get("/api/v2/search?q=ann");
  ASSERT_EQ(anon.status, 200) << anon.body;
  EXPECT_EQ(accts(json(anon).at("accounts"))[0], "ann");
  // Short anonymous queries find only an exact match.
  EXPECT_EQ(accts(json(get("/api/v2/search?q=an")).at("accounts")), Strings{});
  // accounts/search needs a user with read:accounts.
  EXPECT_EQ(get("/api/v1/accounts/search?q=ann").status, 401);
  EXPECT_EQ(get("/api/v1/accounts/search?q=ann", default_app_token()).status, 422);
  auto v1 = get("/api/v1/accounts/search", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(json(v1).as_array().size(), 0u);
}

TEST_F(SearchApi, TypeLimitsWhatIsSearched) {
  post_status(ann_, "annual #annotations");
  auto r = get("/api/v2/search?q=ann&type=hashtags", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json(r);
  EXPECT_EQ(v.at("accounts").as_array().size(), 0u);
  EXPECT_EQ(v.at("statuses").as_array().size(), 0u);
  ASSERT_EQ(v.at("hashtags").as_array().size(), 1u);
  // "#..." is a hashtag query only; "@..." an account query only.
  auto hash = json(get("/api/v2/search?q=%23ann", ann_.token));
  EXPECT_EQ(hash.at("accounts").as_array().size(), 0u);
  EXPECT_EQ(hash.at("hashtags").as_array().size(), 1u);
  auto at = json(get("/api/v2/search?q=%40ann", ann_.token));
  EXPECT_EQ(at.at("accounts").as_array().size(), 1u);
  EXPECT_EQ(at.at("hashtags").as_array().size(), 0u);
}

TEST_F(SearchApi, HashtagsByPrefixShortestFirstWithUsageHistory) {
  post_status(ann_, "#photography is fun #Photo");
  post_status(bob_, "a #phone and a #photo");
  post_status(bob_, "#Café");
  auto r = get("/api/v2/search?type=hashtags&q=%23pho", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto tags = json(r).at("hashtags").as_array();
  ASSERT_EQ(tags.size(), 3u) << r.body;
  EXPECT_EQ(str(tags[0], "name"), "phone");
  EXPECT_EQ(str(tags[1], "name"), "photo");
  EXPECT_EQ(str(tags[2], "name"), "photography");
  EXPECT_EQ(str(tags[1], "url"), "https://kindred.test/tags/photo");
  const auto& history = tags[1].at("history").as_array();
  ASSERT_EQ(history.size(), 7u);
  EXPECT_EQ(str(history[0], "uses"), "2");
  EXPECT_EQ(str(history[0], "accounts"), "2");
  EXPECT_EQ(str(history[0], "day"), std::to_string(kStartMs / 86'400'000 * 86'400));
  EXPECT_EQ(str(history[1], "uses"), "0");
  EXPECT_FALSE(tags[1].at("following").as_bool());
  // Accents and case folded; paging by offset; signed out has no `following`.
  auto cafe = json(get("/api/v2/search?type=hashtags&q=CAFE")).at("hashtags").as_array();
  ASSERT_EQ(cafe.size(), 1u);
  EXPECT_EQ(str(cafe[0], "name"), "café");
  EXPECT_FALSE(cafe[0].as_object().contains("following"));
  auto page = json(get("/api/v2/search?type=hashtags&q=pho&offset=1&limit=1", ann_.token));
  ASSERT_EQ(page.at("hashtags").as_array().size(), 1u);
  EXPECT_EQ(str(page.at("hashtags").as_array()[0], "name"), "photo");
}

TEST_F(SearchApi, StatusesFoundAreOnesOwnAndThoseInteractedWithAndOptedInPublicOnes) {
  const std::string own = post_status(ann_, "Sunset over the harbour");
  const std::string bobs = post_status(bob_, "Harbour lights tonight");
  const std::string cats = post_status(cat_, "A harbour at dawn");
  const std::string mention =
      post_status(cat_, "@ann the harbour again", {{"visibility", "direct"}});
  // Ann's own and the one mentioning her; bob's and cat's public posts are not opted in.
  EXPECT_EQ(found_statuses("harbour", ann_.token), (Strings{mention, own}));
  // A like or a bookmark makes a post findable for the one who did it.
  act(ann_, "/api/v1/statuses/" + bobs + "/favourite");
  act(ann_, "/api/v1/statuses/" + cats + "/bookmark");
  EXPECT_EQ(found_statuses("harbour", ann_.token), (Strings{mention, cats, bobs, own}));
  // Public posts of accounts that opted in are findable by everyone signed in.
  set_profile(bob_, "indexable=true");
  const std::string open = post_status(bob_, "The harbour is open to all");
  const std::string locked =
      post_status(bob_, "Harbour for followers", {{"visibility", "private"}});
  (void)locked;
  EXPECT_EQ(found_statuses("HARBOUR", cat_.token), (Strings{open, mention, cats}));
  // Every word must match; accents folded.
  EXPECT_EQ(found_statuses("harbour%20closed", cat_.token), Strings{});
  EXPECT_EQ(found_statuses("harb%C3%B6ur%20OPEN", cat_.token), (Strings{open}));
  // Signed out, nothing (as Mastodon).
  auto anon = get("/api/v2/search?type=statuses&q=harbour");
  ASSERT_EQ(anon.status, 200);
  EXPECT_EQ(json(anon).at("statuses").as_array().size(), 0u);
}

TEST_F(SearchApi, StatusSearchRespectsBlocksMutesDeletionsAndAccountId) {
  set_profile(bob_, "indexable=true");
  set_profile(cat_, "indexable=true");
  const std::string b1 = post_status(bob_, "river walk");
  const std::string c1 = post_status(cat_, "river swim");
  const std::string a1 = post_status(ann_, "river picnic");
  EXPECT_EQ(found_statuses("river", ann_.token), (Strings{a1, c1, b1}));
  EXPECT_EQ(found_statuses("river", ann_.token, "&account_id=" + cat_.id), (Strings{c1}));
  EXPECT_EQ(found_statuses("river", ann_.token, "&limit=1&offset=1"), (Strings{c1}));
  EXPECT_EQ(found_statuses("river", ann_.token, "&max_id=" + a1), (Strings{c1, b1}));
  EXPECT_EQ(found_statuses("river", ann_.token, "&min_id=" + b1), (Strings{a1, c1}));
  act(ann_, "/api/v1/accounts/" + bob_.id + "/mute");
  EXPECT_EQ(found_statuses("river", ann_.token), (Strings{a1, c1}));
  act(cat_, "/api/v1/accounts/" + ann_.id + "/block");
  EXPECT_EQ(found_statuses("river", ann_.token), (Strings{a1}));
  ASSERT_EQ(del("/api/v1/statuses/" + a1, ann_.token).status, 200);
  EXPECT_EQ(found_statuses("river", ann_.token), Strings{});
  EXPECT_EQ(found_statuses("river", bob_.token), (Strings{c1, b1}));
}

TEST_F(SearchApi, IndexSurvivesARestartAndCatchesUp) {
  const std::string a1 = post_status(ann_, "kept across restarts");
  restart();
  EXPECT_EQ(found_statuses("restarts", ann_.token), (Strings{a1}));
}

TEST_F(SearchApi, AdminReindexRebuildsTheIndexFromThePosts) {
  const std::string a1 = post_status(ann_, "rebuilt from the store");
  const std::string a2 = post_status(ann_, "also rebuilt");
  ASSERT_EQ(del("/api/v1/statuses/" + a2, ann_.token).status, 200);
  instance().indexer_for_test().flush();
  restart([&] {
    std::filesystem::remove_all(data_dir() / "search");  // lost: rebuilt from nothing
    EXPECT_EQ(app::search_reindex(data_dir().string()), 0);
  });
  EXPECT_EQ(found_statuses("rebuilt", ann_.token), (Strings{a1}));
}

}  // namespace
}  // namespace kindred::testing
