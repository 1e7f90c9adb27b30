// Mastodon's lists (/api/v1/lists, their accounts, GET /api/v1/timelines/list/:id,
// GET /api/v1/accounts/:id/lists) and exclusive lists in the home feed, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Ids = std::vector<std::string>;

class ListsApi : public ThreePeopleApi {
 protected:
  Reply put_json(std::string_view target, const bj::object& body, std::string_view token) {
    return request("PUT", target, bj::serialize(body), {{"Content-Type", "application/json"}},
                   token);
  }
  Reply del_json(std::string_view target, const bj::object& body, std::string_view token) {
    return request("DELETE", target, bj::serialize(body), {{"Content-Type", "application/json"}},
                   token);
  }
  // Creates a list for `who`; returns its id.
  std::string make_list(const User& who, std::string_view title, const bj::object& extra = {}) {
    bj::object body{{"title", title}};
    for (const auto& [k, v] : extra) body[k] = v;
    Reply r = post("/api/v1/lists", body, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? str(json(r), "id") : "";
  }
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  Reply add(const User& who, const std::string& list, const Ids& accounts) {
    bj::array a;
    for (const auto& id : accounts) a.push_back(bj::value(id));
    return post("/api/v1/lists/" + list + "/accounts", {{"account_ids", a}}, who.token);
  }
  Ids members(const User& who, const std::string& list) {
    Reply r = get("/api/v1/lists/" + list + "/accounts?limit=0", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  std::string say(const User& who, std::string_view text, const bj::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  Ids timeline(const User& who, const std::string& path) {
    instance().feeds_for_test().wait_idle();
    Reply r = get(path, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  std::string lists_of(const User& who) { return get("/api/v1/lists", who.token).body; }
};

// ---- CRUD and shapes ----

TEST_F(ListsApi, CreateAnswersMastodonsListEntity) {
  Reply r = post("/api/v1/lists", {{"title", "Friends"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = str(json(r), "id");
  EXPECT_EQ(r.body, R"({"id":")" + id +
                        R"(","title":"Friends","replies_policy":"list","exclusive":false})");
  EXPECT_EQ(get("/api/v1/lists/" + id, ann_.token).body, r.body);
  EXPECT_EQ(lists_of(ann_), "[" + r.body + "]");
}

TEST_F(ListsApi, FormCreateReadsRepliesPolicyAndExclusive) {
  Reply r =
      post_form("/api/v1/lists", "title=Family&replies_policy=followed&exclusive=true", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "replies_policy"), "followed");
  EXPECT_EQ(json(r).at("exclusive"), bj::value(true));
}

TEST_F(ListsApi, ListsComeOldestFirst) {
  const std::string a = make_list(ann_, "A");
  const std::string b = make_list(ann_, "B");
  EXPECT_EQ(ids(get("/api/v1/lists", ann_.token)), (Ids{a, b}));
}

TEST_F(ListsApi, UpdateSetsTheFieldsGivenAndKeepsTheOthers) {
  const std::string id = make_list(ann_, "Old", {{"replies_policy", "none"}});
  Reply r = put_json("/api/v1/lists/" + id, {{"title", "New"}, {"exclusive", true}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"id":")" + id + R"(","title":"New","replies_policy":"none","exclusive":true})");
  r = put_json("/api/v1/lists/" + id, {{"replies_policy", "followed"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"id":")" + id + R"(","title":"New","replies_policy":"followed","exclusive":true})");
  EXPECT_EQ(get("/api/v1/lists/" + id, ann_.token).body, r.body);
}

TEST_F(ListsApi, DeleteAnswersEmptyObjectThenNotFound) {
  follow(ann_, bob_);
  const std::string id = make_list(ann_, "Gone");
  ASSERT_EQ(add(ann_, id, {bob_.id}).status, 200);
  Reply r = del("/api/v1/lists/" + id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(get("/api/v1/lists/" + id, ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/lists/" + id + "/accounts", ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id + "/lists", ann_.token).body, "[]");
  EXPECT_EQ(lists_of(ann_), "[]");
}

TEST_F(ListsApi, AnotherPersonsListDoesNotExistForThem) {
  follow(ann_, bob_);
  follow(bob_, cat_);
  const std::string id = make_list(ann_, "Mine");
  ASSERT_EQ(add(ann_, id, {bob_.id}).status, 200);
  const std::string before = lists_of(ann_);
  EXPECT_EQ(get("/api/v1/lists/" + id, bob_.token).status, 404);
  Reply r = put_json("/api/v1/lists/" + id, {{"title", "Theirs"}}, bob_.token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  EXPECT_EQ(del("/api/v1/lists/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/lists/" + id + "/accounts", bob_.token).status, 404);
  EXPECT_EQ(add(bob_, id, {cat_.id}).status, 404);
  EXPECT_EQ(del_json("/api/v1/lists/" + id + "/accounts", {{"account_ids", bj::array{bob_.id}}},
                     bob_.token)
                .status,
            404);
  EXPECT_EQ(get("/api/v1/timelines/list/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/lists/nonsense", ann_.token).status, 404);
  EXPECT_EQ(lists_of(ann_), before);
  EXPECT_EQ(members(ann_, id), (Ids{bob_.id}));
  EXPECT_EQ(lists_of(bob_), "[]");
}

TEST_F(ListsApi, NeedsASignedInUserWithListScopes) {
  const std::string id = make_list(ann_, "L");
  EXPECT_EQ(get("/api/v1/lists").status, 401);
  EXPECT_EQ(post("/api/v1/lists", {{"title", "t"}}).status, 401);
  EXPECT_EQ(get("/api/v1/timelines/list/" + id).status, 401);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:statuses write:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/lists", token).status, 403);
  EXPECT_EQ(post("/api/v1/lists", {{"title", "t"}}, token).status, 403);
  EXPECT_EQ(del("/api/v1/lists/" + id, token).status, 403);
  EXPECT_EQ(get("/api/v1/timelines/list/" + id, token).status, 403);
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id + "/lists", token).status, 403);
  // read:lists reads but does not write.
  grant = password_grant(default_app(), "ann", kPassword, "read:lists");
  const std::string reader = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/lists", reader).status, 200);
  EXPECT_EQ(post("/api/v1/lists", {{"title", "t"}}, reader).status, 403);
  EXPECT_EQ(get("/api/v1/lists", default_app_token()).status, 422);
  EXPECT_EQ(ids(get("/api/v1/lists", ann_.token)), (Ids{id}));
}

// ---- bad input: 422 (or 404) with Mastodon's message, nothing stored ----

TEST_F(ListsApi, BadListInputIs422AndChangesNothing) {
  const std::string id = make_list(ann_, "Keep");
  const std::string before = lists_of(ann_);
  struct Case {
    bj::object body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{}, "Validation failed: Title can't be blank"},
      {{{"title", "  "}}, "Validation failed: Title can't be blank"},
      {{{"title", "x"}, {"replies_policy", "everyone"}},
       "'everyone' is not a valid replies_policy"},
      {{{"title", std::string(257, 'a')}},
       "Validation failed: Title is too long (maximum is 256 characters)"},
  };
  for (const auto& c : cases) {
    Reply r = post("/api/v1/lists", c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body);
    EXPECT_EQ(str(json(r), "error"), c.error) << r.body;
    if (c.body.empty()) continue;  // PUT without a title keeps the title
    r = put_json("/api/v1/lists/" + id, c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body);
    EXPECT_EQ(str(json(r), "error"), c.error) << r.body;
  }
  EXPECT_EQ(post("/api/v1/lists", {{"title", "x"}, {"exclusive", "maybe"}}, ann_.token).status,
            422);
  EXPECT_EQ(put_json("/api/v1/lists/" + id, {{"exclusive", "maybe"}}, ann_.token).status, 422);
  EXPECT_EQ(lists_of(ann_), before);
}

TEST_F(ListsApi, FiftyListsAtMost) {
  for (int i = 0; i < 50; ++i) ASSERT_FALSE(make_list(ann_, "L" + std::to_string(i)).empty());
  Reply r = post("/api/v1/lists", {{"title", "one more"}}, ann_.token);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(str(json(r), "error"),
            "Validation failed: You have reached the maximum number of lists");
  EXPECT_EQ(json(get("/api/v1/lists", ann_.token)).as_array().size(), 50u);
  EXPECT_EQ(post("/api/v1/lists", {{"title", "theirs"}}, bob_.token).status, 200);
}

// ---- members ----

TEST_F(ListsApi, MembersMustBeFollowedAllOrNothing) {
  follow(ann_, bob_);
  const std::string id = make_list(ann_, "L");
  // cat is not followed: 404, as Mastodon's Follow.find_by!, and bob is not added either.
  Reply r = add(ann_, id, {bob_.id, cat_.id});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  EXPECT_EQ(members(ann_, id), Ids{});
  EXPECT_EQ(add(ann_, id, {bob_.id, "999999"}).status, 404);
  EXPECT_EQ(add(ann_, id, {"nonsense"}).status, 404);
  EXPECT_EQ(members(ann_, id), Ids{});
  r = add(ann_, id, {bob_.id});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  // Already there (or named twice): 422, nothing changes.
  follow(ann_, cat_);
  r = add(ann_, id, {cat_.id, bob_.id});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Account has already been taken");
  EXPECT_EQ(add(ann_, id, {cat_.id, cat_.id}).status, 422);
  EXPECT_EQ(members(ann_, id), (Ids{bob_.id}));
  // The owner may add themself, as in Mastodon.
  EXPECT_EQ(add(ann_, id, {ann_.id}).status, 200);
}

TEST_F(ListsApi, FormAccountIdsAndRemoval) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string id = make_list(ann_, "L");
  Reply r = post_form("/api/v1/lists/" + id + "/accounts",
                      "account_ids[]=" + bob_.id + "&account_ids[]=" + cat_.id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(members(ann_, id).size(), 2u);
  r = request("DELETE", "/api/v1/lists/" + id + "/accounts?account_ids[]=" + bob_.id, "", {},
              ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(members(ann_, id), (Ids{cat_.id}));
  // Removing one that is not there is fine.
  EXPECT_EQ(del_json("/api/v1/lists/" + id + "/accounts", {{"account_ids", bj::array{bob_.id}}},
                     ann_.token)
                .status,
            200);
  EXPECT_EQ(members(ann_, id), (Ids{cat_.id}));
}

TEST_F(ListsApi, MembersPageByAccountIdWithLinksAndLimitZeroGivesAll) {
  User dan = register_user("dan");
  for (const User* u : {&bob_, &cat_, &dan}) follow(ann_, *u);
  const std::string id = make_list(ann_, "L");
  ASSERT_EQ(add(ann_, id, {cat_.id, bob_.id, dan.id}).status, 200);
  const Ids newest_first{dan.id, cat_.id, bob_.id};  // Mastodon orders by account id
  Reply page = get("/api/v1/lists/" + id + "/accounts?limit=2", ann_.token);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(ids(page), (Ids{dan.id, cat_.id}));
  EXPECT_EQ(str(json(page).as_array()[0], "username"), "dan");
  EXPECT_EQ(link_url(page, "next"),
            std::string(kBaseUrl) + "/api/v1/lists/" + id + "/accounts?limit=2&max_id=" + cat_.id);
  Reply next = follow_link(page, "next", ann_.token);
  EXPECT_EQ(ids(next), (Ids{bob_.id}));
  EXPECT_EQ(link_url(next, "next"), "");
  Reply all = get("/api/v1/lists/" + id + "/accounts?limit=0", ann_.token);
  EXPECT_EQ(ids(all), newest_first);
  EXPECT_EQ(all.header("Link"), "");
  EXPECT_EQ(ids(get("/api/v1/lists/" + id + "/accounts", ann_.token)), newest_first);
}

TEST_F(ListsApi, UnfollowAndBlockTakeAccountsOutOfLists) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string a = make_list(ann_, "A");
  const std::string b = make_list(ann_, "B");
  ASSERT_EQ(add(ann_, a, {bob_.id, cat_.id}).status, 200);
  ASSERT_EQ(add(ann_, b, {bob_.id}).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(members(ann_, a), (Ids{cat_.id}));
  EXPECT_EQ(members(ann_, b), Ids{});
  // cat blocking ann ends ann's follow, and so cat's place in ann's list.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, cat_.token).status, 200);
  EXPECT_EQ(members(ann_, a), Ids{});
}

TEST_F(ListsApi, AccountsListsAreTheCallersListsWithThatAccount) {
  follow(ann_, bob_);
  follow(cat_, bob_);
  const std::string a = make_list(ann_, "A");
  make_list(ann_, "B");
  const std::string c = make_list(ann_, "C");
  const std::string cats = make_list(cat_, "Cat's");
  ASSERT_EQ(add(ann_, a, {bob_.id}).status, 200);
  ASSERT_EQ(add(ann_, c, {bob_.id}).status, 200);
  ASSERT_EQ(add(cat_, cats, {bob_.id}).status, 200);
  Reply r = get("/api/v1/accounts/" + bob_.id + "/lists", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (Ids{a, c}));
  EXPECT_EQ(bj::serialize(json(r).as_array()[0]),
            R"({"id":")" + a + R"(","title":"A","replies_policy":"list","exclusive":false})");
  EXPECT_EQ(get("/api/v1/accounts/" + cat_.id + "/lists", ann_.token).body, "[]");
  EXPECT_EQ(get("/api/v1/accounts/999999/lists", ann_.token).status, 404);
}

// ---- the list's timeline ----

TEST_F(ListsApi, TimelineShowsMembersPostsNewestFirstWithLinks) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string id = make_list(ann_, "L");
  ASSERT_EQ(add(ann_, id, {bob_.id}).status, 200);
  const std::string b1 = say(bob_, "one");
  say(cat_, "not a member");
  const std::string b2 = say(bob_, "two");
  const std::string b3 = say(bob_, "three");
  say(ann_, "the owner, not a member");
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), (Ids{b3, b2, b1}));
  Reply page = get("/api/v1/timelines/list/" + id + "?limit=2", ann_.token);
  EXPECT_EQ(ids(page), (Ids{b3, b2}));
  EXPECT_EQ(link_url(page, "next"),
            std::string(kBaseUrl) + "/api/v1/timelines/list/" + id + "?limit=2&max_id=" + b2);
  EXPECT_EQ(link_url(page, "prev"),
            std::string(kBaseUrl) + "/api/v1/timelines/list/" + id + "?limit=2&min_id=" + b3);
  EXPECT_EQ(ids(follow_link(page, "next", ann_.token)), (Ids{b1}));
  EXPECT_EQ(ids(get("/api/v1/timelines/list/" + id + "?since_id=" + b1, ann_.token)),
            (Ids{b3, b2}));
  EXPECT_EQ(get("/api/v1/timelines/list/" + id + "?limit=abc", ann_.token).status, 422);
}

TEST_F(ListsApi, TimelineLeavesOutDirectPostsMutedAndUnfollowed) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string id = make_list(ann_, "L");
  ASSERT_EQ(add(ann_, id, {bob_.id, cat_.id}).status, 200);
  const std::string b = say(bob_, "public");
  say(bob_, "@ann secret", {{"visibility", "direct"}});
  const std::string priv = say(bob_, "followers", {{"visibility", "private"}});
  const std::string c = say(cat_, "cat");
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), (Ids{c, priv, b}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), (Ids{priv, b}));
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), Ids{});
}

TEST_F(ListsApi, RepliesPolicyDecidesWhichRepliesShow) {
  User dan = register_user("dan");
  for (const User* u : {&bob_, &cat_, &dan}) follow(ann_, *u);
  const std::string id = make_list(ann_, "L");
  ASSERT_EQ(add(ann_, id, {bob_.id, cat_.id}).status, 200);
  const std::string to_ann = say(ann_, "ann's");
  const std::string to_cat = say(cat_, "cat's");
  const std::string to_dan = say(dan, "dan's");
  const std::string stranger = say(register_user("eve"), "eve's");
  auto reply = [&](const std::string& parent) {
    return say(bob_, "a reply", {{"in_reply_to_id", parent}});
  };
  const std::string r_ann = reply(to_ann);
  const std::string r_cat = reply(to_cat);
  const std::string r_dan = reply(to_dan);
  const std::string r_eve = reply(stranger);
  const std::string path = "/api/v1/timelines/list/" + id;
  // list (the default): replies to the owner and to members.
  EXPECT_EQ(timeline(ann_, path), (Ids{r_cat, r_ann, to_cat}));
  ASSERT_EQ(put_json("/api/v1/lists/" + id, {{"replies_policy", "followed"}}, ann_.token).status,
            200);
  EXPECT_EQ(timeline(ann_, path), (Ids{r_dan, r_cat, r_ann, to_cat}));
  ASSERT_EQ(put_json("/api/v1/lists/" + id, {{"replies_policy", "none"}}, ann_.token).status, 200);
  EXPECT_EQ(timeline(ann_, path), (Ids{r_ann, to_cat}));
  (void)r_eve;
}

TEST_F(ListsApi, TimelineAppliesHideFiltersOfTheHomeContext) {
  follow(ann_, bob_);
  const std::string id = make_list(ann_, "L");
  ASSERT_EQ(add(ann_, id, {bob_.id}).status, 200);
  const std::string keep = say(bob_, "sunny");
  say(bob_, "spoilers ahead");
  Reply f = post("/api/v2/filters",
                 {{"title", "S"},
                  {"context", bj::array{"home"}},
                  {"filter_action", "hide"},
                  {"keywords_attributes", bj::array{bj::object{{"keyword", "spoilers"}}}}},
                 ann_.token);
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), (Ids{keep}));
}

// ---- exclusive lists and the home feed ----

TEST_F(ListsApi, ExclusiveListsMembersLeaveTheHomeFeed) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string id = make_list(ann_, "Quiet", {{"exclusive", true}});
  ASSERT_EQ(add(ann_, id, {bob_.id}).status, 200);
  const std::string b = say(bob_, "bob");
  const std::string c = say(cat_, "cat");
  const std::string a = say(ann_, "mine");
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/home"), (Ids{a, c}));
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/list/" + id), (Ids{b}));
  // Not exclusive any more: bob is back in the home feed.
  ASSERT_EQ(put_json("/api/v1/lists/" + id, {{"exclusive", false}}, ann_.token).status, 200);
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/home"), (Ids{a, c, b}));
  // A list that is not exclusive leaves the home feed alone; deleting an exclusive one too.
  const std::string other = make_list(ann_, "Loud", {{"exclusive", true}});
  ASSERT_EQ(add(ann_, other, {cat_.id}).status, 200);
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/home"), (Ids{a, b}));
  ASSERT_EQ(del("/api/v1/lists/" + other, ann_.token).status, 200);
  EXPECT_EQ(timeline(ann_, "/api/v1/timelines/home"), (Ids{a, c, b}));
  // Others' home feeds never change.
  follow(cat_, bob_);
  EXPECT_EQ(timeline(cat_, "/api/v1/timelines/home"), (Ids{c, b}));
}

}  // namespace
}  // namespace kindred::testing
