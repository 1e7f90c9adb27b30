// A post's poll on its page, as a browser without JavaScript uses it: a form of radio buttons (or
// checkboxes) that votes and comes back, the results once voted or ended, refusals in words.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

class WebPolls : public ThreePeopleApi {
 protected:
  WebBrowser signed_in(const User& who) {
    WebBrowser b(instance().port());
    EXPECT_TRUE(b.sign_in(who.username, kPassword)) << who.username;
    return b;
  }
  // ann's post with a poll; returns its status id.
  std::string poll_post(bool multiple = false) {
    return post_status(ann_, "Which one?",
                       {{"poll", bj::object{{"options", bj::array{"Tea", "Coffee"}},
                                            {"expires_in", 600},
                                            {"multiple", multiple}}}});
  }
  std::string page_of(const std::string& id) { return "/@ann/" + id; }
};

TEST_F(WebPolls, AReaderVotesWithAFormAndThenSeesTheResults) {
  const std::string id = poll_post();
  WebBrowser bob = signed_in(bob_);
  HttpClient::Reply page = bob.get(page_of(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "action=\"/statuses/" + id + "/vote\"")) << page.body;
  EXPECT_TRUE(has(page.body, "type=\"radio\" name=\"choice\" value=\"1\"")) << page.body;
  HttpClient::Reply r = bob.post("/statuses/" + id + "/vote", {{"choice", "1"}, {"return_to", page_of(id)}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), page_of(id) + "#poll");
  page = bob.get(page_of(id));
  EXPECT_FALSE(has(page.body, "/vote\"")) << "voted: no form";
  EXPECT_TRUE(has(page.body, "<meter min=\"0\" max=\"1\" value=\"1\">100%</meter>")) << page.body;
  EXPECT_TRUE(has(page.body, "(your choice)"));
  bj::value poll = json(get("/api/v1/statuses/" + id, bob_.token)).at("poll");
  EXPECT_EQ(poll.at("own_votes"), (bj::array{1}));
  // The home feed's card leads to it.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  HttpClient::Reply home = bob.get("/home");
  EXPECT_TRUE(has(home.body, "A poll (1 vote): see it and vote")) << home.body;
  // Signed out: the results, no form.
  HttpClient::Reply anon = get(page_of(id));
  EXPECT_TRUE(has(anon.body, "Coffee"));
  EXPECT_FALSE(has(anon.body, "/vote\""));
}

TEST_F(WebPolls, ARefusedVoteIsASentenceBesideTheForm) {
  const std::string id = poll_post();
  WebBrowser cat = signed_in(cat_);
  HttpClient::Reply none = cat.post("/statuses/" + id + "/vote", {});
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(has(none.body, "Choose an option before voting.")) << none.body;
  HttpClient::Reply two = cat.post("/statuses/" + id + "/vote", {{"choice", "0"}, {"choice", "1"}});
  EXPECT_EQ(two.status, 422);
  EXPECT_TRUE(has(two.body, "You have already voted on this poll")) << two.body;
  EXPECT_TRUE(has(two.body, "action=\"/statuses/" + id + "/vote\"")) << "the form again";
  EXPECT_EQ(cat.post("/statuses/" + id + "/vote", {{"choice", "0"}}, false).status, 403) << "no CSRF token";
  EXPECT_EQ(num(json(get("/api/v1/polls/" +
                         str(json(get("/api/v1/statuses/" + id)).at("poll"), "id"))),
                "votes_count"),
            0);
}

TEST_F(WebPolls, TheNotificationsPageSaysAPollEnded) {
  const std::string id = poll_post();
  WebBrowser bob = signed_in(bob_);
  ASSERT_EQ(bob.post("/statuses/" + id + "/vote", {{"choice", "0"}}).status, 303);
  restart([&] { clock().advance_ms(3'600'000); });
  WebBrowser again = signed_in(bob_);
  HttpClient::Reply page = again.get("/notifications");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "A poll you voted in or wrote has ended")) << page.body;
  EXPECT_TRUE(has(page.body, "href=\"" + page_of(id) + "\"")) << page.body;
  // Ended: the results, no form.
  HttpClient::Reply post_page = again.get(page_of(id));
  EXPECT_FALSE(has(post_page.body, "/vote\""));
  EXPECT_TRUE(has(post_page.body, "Ended "));
}

TEST_F(WebPolls, AMultipleChoicePollHasCheckboxes) {
  const std::string id = poll_post(true);
  WebBrowser bob = signed_in(bob_);
  EXPECT_TRUE(has(bob.get(page_of(id)).body, "type=\"checkbox\" name=\"choice\" value=\"0\""));
  ASSERT_EQ(bob.post("/statuses/" + id + "/vote", {{"choice", "0"}, {"choice", "1"}}).status, 303);
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + id)).at("poll"), "votes_count"), 2);
}

}  // namespace
}  // namespace kindred::testing
