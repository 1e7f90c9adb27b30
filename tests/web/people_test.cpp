// The signed-in pages through the real server and a browser without JavaScript: /home,
// /notifications, /memories, and what a person does to another from a profile (follow, requests,
// block, mute, restrict and their undoing). Each form is checked by what the API then says.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "media/synth.h"
#include "social/model/calendar.h"
#include "support/api_fixture.h"
#include "support/html.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

using html::all;
using html::count;
using html::has;
using html::strip_tags;
using html::unescape;

namespace bj = boost::json;
using Ids = std::vector<std::string>;






// The post ids of the cards a page lists, in order.
Ids card_ids(const std::string& html) {
  return all(html, "<article class=\"card\" id=\"p-([0-9]+)\"");
}

// The sentences of the notifications list, tags stripped, in order (without the "New: " a
// screen reader hears before an unread one).
std::vector<std::string> sentences(const std::string& html) {
  std::vector<std::string> out;
  for (const auto& s :
       all(html,
           "<p class=\"sentence\">(?:<span class=\"visually-hidden\">New: </span>)?(.*?)</p>"))
    out.push_back(unescape(strip_tags(s)));
  return out;
}

// The href of the rel="next" link, unescaped; "" when there is none.
std::string next_link(const std::string& html) {
  auto found = all(html, "<a rel=\"next\"[^>]* href=\"([^\"]+)\">");
  return found.empty() ? "" : unescape(found.front());
}

// The unread badge of the header ("" when there is none).
std::string badge(const std::string& html) {
  auto found = all(html, "<span class=\"badge\">([^<]*)<");
  return found.empty() ? "" : found.front();
}

std::string photo_bytes(int width, int height, uint64_t seed) {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.seed = seed;
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().to_string();
  return bytes.has_value() ? *bytes : std::string();
}

int64_t at(std::string_view date, int hour = 12, int minute = 0) {
  auto d = social::parse_date(date);
  EXPECT_TRUE(d) << date;
  if (!d) return 0;
  return (social::days_since_epoch(*d) * 24 * 60 + hour * 60 + minute) * 60'000;
}

// What the people-facing tests share: three people, a browser, and the API to check results.
class PeopleFixture : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    browser_ = std::make_unique<WebBrowser>(instance().port());
  }
  WebBrowser& browser() { return *browser_; }
  void sign_in(const User& who) { ASSERT_TRUE(browser().sign_in(who.username, kPassword)); }

  // GET as the browser; records a failure unless 200.
  std::string page(std::string_view target) {
    auto r = browser().get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.body;
  }
  Reply act(const User& who, const User& target, std::string_view action) {
    auto r = post("/api/v1/accounts/" + target.id + "/" + std::string(action), {}, who.token);
    EXPECT_EQ(r.status, 200) << action << ": " << r.body;
    return r;
  }
  void follow(const User& who, const User& target) { act(who, target, "follow"); }
  void lock(const User& who) {
    ASSERT_EQ(
        http().patch_form("/api/v1/accounts/update_credentials", "locked=true", who.token).status,
        200);
  }
  bj::value rel(const User& who, const User& other) {
    auto r = get("/api/v1/accounts/relationships?id[]=" + other.id, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = json(r);
    return v.as_array().empty() ? bj::value() : v.as_array()[0];
  }
  bool flag(const User& who, const User& other, std::string_view key) {
    bj::value r = rel(who, other);
    return r.is_object() && r.as_object().contains(key) && r.at(key).as_bool();
  }
  std::string post_at(const User& who, std::string_view text, const bj::object& extra = {}) {
    clock().advance_ms(1000);
    return post_status(who, text, extra);
  }
  void like(const User& who, const std::string& id) {
    ASSERT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, who.token).status, 200);
  }
  std::string upload(const User& who, std::string_view description) {
    std::vector<HttpClient::Part> parts;
    if (!description.empty()) parts.push_back({"description", std::string(description)});
    parts.push_back({"file", photo_bytes(320, 240, ++seed_), "photo.jpg", "image/jpeg"});
    Reply r = http().post_multipart("/api/v2/media", parts, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  void settle() { instance().feeds_for_test().wait_idle(); }

  std::unique_ptr<WebBrowser> browser_;
  uint64_t seed_ = 500;
};

// ------------------------------------------------------------------------------------------ home

class HomePage : public PeopleFixture {};

TEST_F(HomePage, SignedOutIsSentToSignIn) {
  WebBrowser stranger(instance().port());
  auto r = stranger.get("/home");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/auth/sign_in?return_to=%2Fhome");
}

TEST_F(HomePage, FrontPageSendsASignedInPersonHome) {
  sign_in(ann_);
  auto r = browser().get("/");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/home");
}

TEST_F(HomePage, ListsFollowedPeoplesPostsNewestFirst) {
  follow(ann_, bob_);
  const std::string b1 = post_at(bob_, "bob first");
  const std::string c1 = post_at(cat_, "cat, not followed");
  const std::string b2 = post_at(bob_, "bob second");
  settle();
  sign_in(ann_);
  const std::string html = page("/home");
  EXPECT_EQ(card_ids(html), (Ids{b2, b1}));
  EXPECT_TRUE(has(html, "data-id=\"" + b2 + "\""));
  EXPECT_TRUE(has(html, "<h1>Home</h1>"));
  EXPECT_TRUE(has(html, "bob second"));
  EXPECT_TRUE(has(html, "href=\"/@bob/" + b2 + "\""));
  EXPECT_TRUE(has(html, "action=\"/statuses/" + b2 + "/like\""));
  EXPECT_EQ(next_link(html), "") << "one page only";
}

TEST_F(HomePage, PagesWithAnOlderPostsLink) {
  follow(ann_, bob_);
  Ids posted;
  for (int i = 0; i < 25; ++i) posted.push_back(post_at(bob_, "post " + std::to_string(i)));
  settle();
  sign_in(ann_);
  const std::string first = page("/home");
  const Ids one = card_ids(first);
  ASSERT_EQ(one.size(), 20u);
  EXPECT_EQ(one.front(), posted.back());
  const std::string older = next_link(first);
  ASSERT_TRUE(older.starts_with("/home?max_id=")) << older;
  const std::string second = page(older);
  const Ids two = card_ids(second);
  Ids seen = one;
  seen.insert(seen.end(), two.begin(), two.end());
  Ids expected(posted.rbegin(), posted.rend());
  EXPECT_EQ(seen, expected) << "every post once, newest first";
  EXPECT_EQ(next_link(second), "");
  EXPECT_TRUE(has(second, "href=\"/home\"")) << "back to the newest";
}

TEST_F(HomePage, ALikeFromHomeComesBackToHome) {
  follow(ann_, bob_);
  const std::string id = post_at(bob_, "like me");
  settle();
  sign_in(ann_);
  const std::string html = page("/home");
  const std::string back = WebBrowser::input_value(html, "return_to");
  EXPECT_EQ(back, "/home#p-" + id);
  auto r = browser().post("/statuses/" + id + "/like", {{"return_to", back}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_TRUE(r.header("location").starts_with("/home")) << r.header("location");
  EXPECT_TRUE(json(get("/api/v1/statuses/" + id, ann_.token)).at("favourited").as_bool());
  const std::string after = page("/home");
  EXPECT_TRUE(has(after, "action=\"/statuses/" + id + "/unlike\""));
  EXPECT_TRUE(has(after, "aria-pressed=\"true\""));
  EXPECT_TRUE(has(after, "<data value=\"1\">1</data> like"));
}

TEST_F(HomePage, CardsShowPhotosWithAltTextAndFoldWarnings) {
  follow(ann_, bob_);
  const std::string two =
      post_at(bob_, "two photos",
              {{"media_ids", bj::array{bj::string(upload(bob_, "A red boat")),
                                       bj::string(upload(bob_, "A blue sea"))}}});
  const std::string cw =
      post_at(bob_, "hidden caption",
              {{"media_ids", bj::array{bj::string(upload(bob_, ""))}}, {"spoiler_text", "Loss"}});
  settle();
  sign_in(ann_);
  const std::string html = page("/home");
  EXPECT_EQ(card_ids(html), (Ids{cw, two}));
  EXPECT_TRUE(has(html, "alt=\"A red boat\""));
  EXPECT_FALSE(has(html, "alt=\"A blue sea\"")) << "only the first photo";
  EXPECT_TRUE(has(html, "2 photos"));
  EXPECT_TRUE(has(html, "alt=\"Photo by bob, without a description\""));
  EXPECT_TRUE(has(html, "<span class=\"cw-label\">Content warning:</span> Loss"));
}

TEST_F(HomePage, AnEmptyFeedSaysHowToFillIt) {
  sign_in(ann_);
  const std::string html = page("/home");
  EXPECT_TRUE(has(html, "No posts yet. Follow people to see their photos here."));
  EXPECT_TRUE(has(html, "href=\"/explore\""));
}

// --------------------------------------------------------------------------------- notifications

class NotificationsPage : public PeopleFixture {};

TEST_F(NotificationsPage, GroupsLikesAndFollowsWithExactCounts) {
  User dan = register_user("dan");
  const std::string id = post_at(ann_, "a photo of the sea");
  like(bob_, id);
  clock().advance_ms(1000);
  like(cat_, id);
  clock().advance_ms(1000);
  like(dan, id);
  clock().advance_ms(1000);
  follow(bob_, ann_);
  follow(cat_, ann_);
  sign_in(ann_);
  const std::string html = page("/notifications");
  EXPECT_EQ(sentences(html), (std::vector<std::string>{"cat and bob followed you",
                                                       "dan, cat and 1 other liked your post"}))
      << html;
  EXPECT_TRUE(has(html, "<data value=\"1\">1</data> other"));
  EXPECT_TRUE(has(html, "href=\"/@ann/" + id + "\">your post</a>"));
}

TEST_F(NotificationsPage, ACommentIsQuoted) {
  const std::string id = post_at(ann_, "my post");
  const std::string reply = post_at(bob_, "Beautiful light", {{"in_reply_to_id", id}});
  clock().advance_ms(1000);
  post_at(cat_, "hello @ann");
  sign_in(ann_);
  const std::string html = page("/notifications");
  EXPECT_EQ(sentences(html),
            (std::vector<std::string>{"cat mentioned you: “hello @ann”",
                                      "bob commented on your post: “Beautiful light”"}));
  EXPECT_TRUE(has(html, "href=\"/@ann/" + id + "#c-" + reply + "\""));
}

TEST_F(NotificationsPage, AReplyToACommentIsCalledOne) {
  const std::string id = post_at(bob_, "bob's post");
  const std::string mine = post_at(ann_, "ann's comment", {{"in_reply_to_id", id}});
  clock().advance_ms(1000);
  const std::string reply = post_at(cat_, "@ann agreed", {{"in_reply_to_id", mine}});
  sign_in(ann_);
  const std::string html = page("/notifications");
  EXPECT_EQ(sentences(html), (std::vector<std::string>{"cat replied to your comment: “@ann agreed”"})) << html;
  EXPECT_TRUE(has(html, "href=\"/@cat/" + reply + "\">your comment</a>")) << html;
}

TEST_F(NotificationsPage, OpeningMarksThemReadAndTheBadgeDrops) {
  const std::string id = post_at(ann_, "my post");
  like(bob_, id);
  follow(cat_, ann_);
  sign_in(ann_);
  EXPECT_EQ(badge(page("/home")), "2");
  const std::string html = page("/notifications");
  EXPECT_EQ(badge(html), "") << "the page's own header counts after marking";
  EXPECT_EQ(count(html, "class=\"notification unread\""), 2u);
  EXPECT_EQ(badge(page("/home")), "");
  auto markers = json(get("/api/v1/markers?timeline[]=notifications", ann_.token));
  EXPECT_FALSE(str(markers.at("notifications"), "last_read_id").empty());
  // Seen once: no longer new. Something new is.
  EXPECT_EQ(count(page("/notifications"), "class=\"notification unread\""), 0u);
  clock().advance_ms(1000);
  follow(bob_, ann_);
  EXPECT_EQ(badge(page("/home")), "1");
  EXPECT_EQ(count(page("/notifications"), "class=\"notification unread\""), 1u);
}

TEST_F(NotificationsPage, FollowRequestsAreAcceptedOrRejected) {
  lock(ann_);
  follow(bob_, ann_);
  follow(cat_, ann_);
  EXPECT_TRUE(flag(bob_, ann_, "requested"));
  sign_in(ann_);
  std::string html = page("/notifications");
  EXPECT_TRUE(has(html, "Follow requests"));
  EXPECT_TRUE(has(html, "action=\"/@bob/authorize\""));
  EXPECT_TRUE(has(html, "action=\"/@cat/reject\""));
  auto r = browser().post("/@bob/authorize", {{"return_to", "/notifications"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/notifications");
  EXPECT_TRUE(flag(bob_, ann_, "following"));
  r = browser().post("/@cat/reject", {{"return_to", "/notifications"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_FALSE(flag(cat_, ann_, "following"));
  EXPECT_FALSE(flag(cat_, ann_, "requested"));
  html = page("/notifications");
  EXPECT_FALSE(has(html, "Follow requests"));
  // A request answered already: said in a sentence, nothing changes.
  r = browser().post("/@cat/authorize", {{"return_to", "/notifications"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(has(r.body, "cat has no request to follow you waiting.")) << r.body;
  EXPECT_FALSE(flag(cat_, ann_, "following"));
}

TEST_F(NotificationsPage, PagesOlderNotifications) {
  for (int i = 0; i < 25; ++i) post_at(bob_, "@ann hello " + std::to_string(i));
  sign_in(ann_);
  const std::string first = page("/notifications");
  const auto one = sentences(first);
  ASSERT_EQ(one.size(), 20u);
  EXPECT_EQ(one.front(), "bob mentioned you: “@ann hello 24”");
  const std::string older = next_link(first);
  ASSERT_TRUE(older.starts_with("/notifications?max_id=")) << older;
  const std::string second = page(older);
  const auto two = sentences(second);
  ASSERT_EQ(two.size(), 5u);
  EXPECT_EQ(two.back(), "bob mentioned you: “@ann hello 0”");
  EXPECT_EQ(next_link(second), "");
  // The older page does not move the marker back: nothing is new on the first.
  EXPECT_EQ(badge(page("/home")), "");
}

TEST_F(NotificationsPage, NothingYetIsSaid) {
  sign_in(ann_);
  EXPECT_TRUE(has(page("/notifications"), "No notifications yet."));
}

// -------------------------------------------------------------------------------------- memories

class MemoriesPage : public PeopleFixture {
 protected:
  void SetUp() override {
    // Accounts are made early, so the tests can post in later years.
    clock().set_ms(at("2001-01-01"));
    PeopleFixture::SetUp();
  }
  std::string post_on(int64_t ms, const User& who, std::string_view text) {
    EXPECT_GE(ms, clock().now_ms());
    clock().set_ms(ms);
    return post_status(who, text);
  }
  // Posts three memories for 10 March, then signs Ann in at `now` (10 March 2024, 18:00 UTC).
  void three_memories(int64_t now = at("2024-03-10", 18)) {
    y2021_ = post_on(at("2021-03-10", 9), ann_, "three years ago");
    y2022_ = post_on(at("2022-03-10", 9), ann_, "with @bob at the lake");
    y2023_ = post_on(at("2023-03-10", 9), ann_, "last year");
    post_on(at("2023-03-11", 9), ann_, "the day after");
    clock().set_ms(now);
    sign_in(ann_);
  }
  std::string y2021_, y2022_, y2023_;
};

TEST_F(MemoriesPage, ListsThisDayInEarlierYearsByYear) {
  three_memories();
  const std::string html = page("/memories");
  EXPECT_EQ(card_ids(html), (Ids{y2023_, y2022_, y2021_}));
  EXPECT_EQ(all(html, "<h2 id=\"year-[0-9]+\">([^<]+)</h2>"),
            (std::vector<std::string>{"1 year ago, 10 March 2023", "2 years ago, 10 March 2022",
                                      "3 years ago, 10 March 2021"}));
  EXPECT_EQ(count(html, "action=\"/memories/hide_post\""), 3u);
  EXPECT_EQ(count(html, "Hide memories with bob"), 1u) << "only the post with Bob in it";
  EXPECT_EQ(count(html, "action=\"/memories/hide_dates\""), 3u);
}

TEST_F(MemoriesPage, DontShowThisAgainHidesThePost) {
  three_memories();
  page("/memories");
  auto r = browser().post("/memories/hide_post", {{"status_id", y2023_}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/memories?done=post");
  const std::string html = page(r.header("location"));
  EXPECT_TRUE(has(html, "That memory will not be shown again."));
  EXPECT_EQ(card_ids(html), (Ids{y2022_, y2021_}));
}

TEST_F(MemoriesPage, HideMemoriesWithAPerson) {
  three_memories();
  page("/memories");
  auto r = browser().post("/memories/hide_person", {{"account_id", bob_.id}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_, y2021_}));
  // Oneself and nobody are refused with a sentence; nothing else is hidden.
  r = browser().post("/memories/hide_person", {{"account_id", ann_.id}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "You cannot hide memories with yourself."));
  r = browser().post("/memories/hide_person", {{"account_id", "999999999"}});
  EXPECT_EQ(r.status, 404);
  r = browser().post("/memories/hide_person", {{"account_id", "x"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_, y2021_}));
}

TEST_F(MemoriesPage, HideTheseDates) {
  three_memories();
  page("/memories");
  auto r = browser().post("/memories/hide_dates", {{"date", "2022-03-10"}, {"around", "0"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_, y2021_}));
  auto ranges = json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token));
  ASSERT_EQ(ranges.as_array().size(), 1u);
  EXPECT_EQ(str(ranges.as_array()[0], "start_date"), "2022-03-10");
  EXPECT_EQ(str(ranges.as_array()[0], "end_date"), "2022-03-10");
  // A week either side of 2021-03-10 takes in that day.
  r = browser().post("/memories/hide_dates", {{"date", "2021-03-12"}, {"around", "7"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_}));
}

TEST_F(MemoriesPage, BadFormsAreRefusedAndChangeNothing) {
  three_memories();
  page("/memories");
  auto r = browser().post("/memories/hide_dates", {{"date", "2022-03-10"}, {"around", "5"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Choose the day only, 3 days either side, or a week either side."));
  r = browser().post("/memories/hide_dates", {{"date", "10/03/2022"}});
  EXPECT_EQ(r.status, 422);
  const std::string bobs = post_on(at("2024-03-10", 19), bob_, "bob's own");
  r = browser().post("/memories/hide_post", {{"status_id", bobs}});
  EXPECT_EQ(r.status, 404) << "only one's own posts";
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_, y2022_, y2021_}));
}

TEST_F(MemoriesPage, MemoriesOffInSettingsSaysSo) {
  three_memories();
  auto p = request("PATCH", "/api/v1/kindred/preferences", R"({"memories":false})",
                   {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(p.status, 200) << p.body;
  const std::string html = page("/memories");
  EXPECT_TRUE(has(strip_tags(html), "Memories are off. Turn them on in Settings."));
  EXPECT_TRUE(has(html, "href=\"/settings/memories\""));
  EXPECT_EQ(card_ids(html), Ids{});
}

TEST_F(MemoriesPage, ADayWithoutMemoriesSaysSo) {
  three_memories(at("2024-03-12", 12));
  const std::string html = page("/memories");
  EXPECT_EQ(card_ids(html), Ids{});
  EXPECT_TRUE(has(html, "Nothing from this day in earlier years."));
}

TEST_F(MemoriesPage, TodayIsThePersonsOwnDay) {
  // 18:00 UTC on 9 March is already 10 March in Auckland (UTC+13).
  three_memories(at("2024-03-09", 18));
  EXPECT_EQ(card_ids(page("/memories")), Ids{});
  auto p = request("PATCH", "/api/v1/kindred/preferences", R"({"time_zone":"Pacific/Auckland"})",
                   {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(card_ids(page("/memories")), (Ids{y2023_, y2022_, y2021_}));
}

// ---------------------------------------------------------------------------------- profile acts

class PeoplePage : public PeopleFixture {};

TEST_F(PeoplePage, FollowAndUnfollowFromTheProfile) {
  sign_in(ann_);
  std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "action=\"/@bob/follow\""));
  auto r = browser().post("/@bob/follow", {{"return_to", "/@bob"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/@bob");
  EXPECT_TRUE(flag(ann_, bob_, "following"));
  html = page("/@bob");
  EXPECT_TRUE(has(html, "action=\"/@bob/unfollow\""));
  EXPECT_TRUE(has(html, ">Unfollow</button>"));
  r = browser().post("/@bob/unfollow", {{"return_to", "/@bob"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_FALSE(flag(ann_, bob_, "following"));
}

TEST_F(PeoplePage, ALockedAccountIsAskedAndTheRequestCanBeCancelled) {
  lock(bob_);
  sign_in(ann_);
  std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "This account approves followers by hand"));
  ASSERT_EQ(browser().post("/@bob/follow", {}).status, 303);
  EXPECT_TRUE(flag(ann_, bob_, "requested"));
  EXPECT_FALSE(flag(ann_, bob_, "following"));
  html = page("/@bob");
  EXPECT_TRUE(has(html, "Requested"));
  EXPECT_TRUE(has(html, ">Cancel request</button>"));
  ASSERT_EQ(browser().post("/@bob/unfollow", {}).status, 303);
  EXPECT_FALSE(flag(ann_, bob_, "requested"));
}

TEST_F(PeoplePage, TheRequestedSeesAcceptOnTheRequestersProfile) {
  lock(ann_);
  follow(bob_, ann_);
  sign_in(ann_);
  const std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "bob asked to follow you."));
  ASSERT_EQ(browser().post("/@bob/authorize", {{"return_to", "/@bob"}}).status, 303);
  EXPECT_TRUE(flag(bob_, ann_, "following"));
  EXPECT_TRUE(has(page("/@bob"), "Follows you"));
}

TEST_F(PeoplePage, AFollowerSeesFollowersOnlyPosts) {
  const std::string id = post_at(
      bob_, "for followers",
      {{"visibility", "private"}, {"media_ids", bj::array{bj::string(upload(bob_, "a cat"))}}});
  const std::string tile = "href=\"/@bob/" + id + "\"";
  sign_in(ann_);
  EXPECT_FALSE(has(page("/@bob"), tile));
  follow(ann_, bob_);
  EXPECT_TRUE(has(page("/@bob"), tile));
}

TEST_F(PeoplePage, TheOwnerSeesEditProfile) {
  sign_in(ann_);
  const std::string html = page("/@ann");
  EXPECT_TRUE(has(html, "href=\"/settings/profile\""));
  EXPECT_FALSE(has(html, "action=\"/@ann/follow\""));
  EXPECT_FALSE(has(html, "/@ann/block"));
}

TEST_F(PeoplePage, BlockThroughItsConfirmationAndUnblock) {
  follow(ann_, bob_);
  follow(bob_, ann_);
  sign_in(ann_);
  EXPECT_TRUE(has(page("/@bob"), "href=\"/@bob/block\""));
  const std::string confirm = page("/@bob/block");
  EXPECT_TRUE(has(confirm, "<h1>Block bob?</h1>"));
  EXPECT_TRUE(has(confirm, "They are not told."));
  EXPECT_TRUE(has(confirm, "action=\"/@bob/block\""));
  auto r = browser().post("/@bob/block", {{"return_to", "/@bob"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/@bob");
  EXPECT_TRUE(flag(ann_, bob_, "blocking"));
  EXPECT_FALSE(flag(ann_, bob_, "following"));
  EXPECT_FALSE(flag(bob_, ann_, "following"));
  const std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "You blocked bob."));
  EXPECT_TRUE(has(html, "action=\"/@bob/unblock\""));
  EXPECT_FALSE(has(html, "action=\"/@bob/follow\""));
  ASSERT_EQ(browser().post("/@bob/unblock", {{"return_to", "/@bob"}}).status, 303);
  EXPECT_FALSE(flag(ann_, bob_, "blocking"));
  EXPECT_TRUE(has(page("/@bob"), "action=\"/@bob/follow\""));
}

TEST_F(PeoplePage, MuteForAWhileThroughItsConfirmationAndUnmute) {
  sign_in(ann_);
  const std::string confirm = page("/@bob/mute");
  EXPECT_TRUE(has(confirm, "<h1>Mute bob?</h1>"));
  for (const char* value : {"0", "3600", "86400", "604800", "2592000"})
    EXPECT_TRUE(has(confirm, "name=\"duration\" value=\"" + std::string(value) + "\"")) << value;
  auto r = browser().post("/@bob/mute",
                          {{"duration", "3600"}, {"notifications", "0"}, {"return_to", "/@bob"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_TRUE(flag(ann_, bob_, "muting"));
  EXPECT_FALSE(flag(ann_, bob_, "muting_notifications"));
  const std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "You muted bob until ")) << html;
  EXPECT_TRUE(has(html, "action=\"/@bob/unmute\""));
  ASSERT_EQ(browser().post("/@bob/unmute", {{"return_to", "/@bob"}}).status, 303);
  EXPECT_FALSE(flag(ann_, bob_, "muting"));
  // Forever, with notifications.
  page("/@bob/mute");
  ASSERT_EQ(browser().post("/@bob/mute", {{"duration", "0"}, {"notifications", "1"}}).status, 303);
  EXPECT_TRUE(flag(ann_, bob_, "muting_notifications"));
  EXPECT_TRUE(has(page("/@bob"), "You muted bob."));
}

TEST_F(PeoplePage, AMalformedMuteIsRefusedBesideTheField) {
  sign_in(ann_);
  page("/@bob/mute");
  for (const char* duration : {"5", "-3600", "1 hour", "99999999999999999999"}) {
    auto r = browser().post("/@bob/mute", {{"duration", duration}, {"notifications", "1"}});
    EXPECT_EQ(r.status, 422) << duration;
    EXPECT_TRUE(has(r.body, "Choose how long to mute them")) << duration;
  }
  auto r = browser().post("/@bob/mute", {{"duration", "3600"}, {"notifications", "maybe"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_FALSE(flag(ann_, bob_, "muting"));
}

TEST_F(PeoplePage, RestrictThroughItsConfirmationAndUnrestrict) {
  sign_in(ann_);
  const std::string confirm = page("/@bob/restrict");
  EXPECT_TRUE(has(confirm, "<h1>Restrict bob?</h1>"));
  ASSERT_EQ(browser().post("/@bob/restrict", {{"return_to", "/@bob"}}).status, 303);
  EXPECT_EQ(ids(get("/api/v1/kindred/restricts", ann_.token)), Ids{bob_.id});
  const std::string html = page("/@bob");
  EXPECT_TRUE(has(html, "action=\"/@bob/unrestrict\""));
  ASSERT_EQ(browser().post("/@bob/unrestrict", {{"return_to", "/@bob"}}).status, 303);
  EXPECT_EQ(ids(get("/api/v1/kindred/restricts", ann_.token)), Ids{});
}

TEST_F(PeoplePage, FormsWithoutTheTokenOrFromElsewhereChangeNothing) {
  sign_in(ann_);
  page("/@bob");
  auto r = browser().post("/@bob/follow", {}, /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403);
  r = browser().post("/@bob/follow", {{"csrf", "not-the-token"}});
  EXPECT_EQ(r.status, 403);
  r = browser().post("/@bob/block", {}, true, {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(flag(ann_, bob_, "following"));
  EXPECT_FALSE(flag(ann_, bob_, "blocking"));
}

TEST_F(PeoplePage, UnknownPeopleAndOneselfAreRefused) {
  sign_in(ann_);
  page("/@bob");
  EXPECT_EQ(browser().post("/@nobody/follow", {}).status, 404);
  EXPECT_EQ(browser().get("/@nobody/block").status, 404);
  EXPECT_EQ(browser().post("/@nobody/mute", {{"duration", "0"}}).status, 404);
  page("/@bob");
  auto r = browser().post("/@ann/follow", {});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "You cannot follow yourself.")) << r.body;
  EXPECT_EQ(browser().get("/@ann/block").status, 422);
  EXPECT_EQ(browser().post("/@ann/restrict", {}).status, 422);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + ann_.id)), "following_count"), 0);
  EXPECT_EQ(json(get("/api/v1/kindred/restricts", ann_.token)).as_array().size(), 0u);
}

TEST_F(PeoplePage, BlockedEitherWayCannotFollow) {
  act(bob_, ann_, "block");
  sign_in(ann_);
  EXPECT_FALSE(has(page("/@bob"), "action=\"/@bob/follow\""));
  auto r = browser().post("/@bob/follow", {});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "One of you has blocked the other")) << r.body;
  EXPECT_FALSE(flag(ann_, bob_, "following"));
}

TEST_F(PeoplePage, EveryPageHasOneHeadingAndTheStrictPolicy) {
  lock(ann_);
  follow(bob_, ann_);
  post_at(bob_, "hello @ann");
  settle();
  sign_in(ann_);
  for (const char* path : {"/home", "/notifications", "/memories", "/@bob", "/@bob/block",
                           "/@bob/mute", "/@bob/restrict"}) {
    auto r = browser().get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(count(r.body, "<h1"), 1u) << path;
    EXPECT_TRUE(has(r.header("content-security-policy"), "script-src 'self'")) << path;
    EXPECT_FALSE(has(r.body, " style=")) << path;
    EXPECT_EQ(r.header("cache-control"), "private, no-cache") << path;
    // Every form carries the token.
    EXPECT_EQ(count(r.body, "method=\"post\""), count(r.body, "name=\"csrf\"")) << path;
  }
}

TEST_F(PeoplePage, SignedOutProfileHasNoActions) {
  WebBrowser stranger(instance().port());
  const auto r = stranger.get("/@bob");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(has(r.body, "/@bob/follow"));
  EXPECT_FALSE(has(r.body, "profile-actions"));
}

}  // namespace
}  // namespace kindred::testing
