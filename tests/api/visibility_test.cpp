// The visibility matrix: who may see, list, like, reblog, bookmark and answer a post of each
// visibility, on every endpoint that reaches a post, through the real server. Also what a
// deletion, a block and a mute do to the same endpoints.
//
// Expected values follow Mastodon (StatusPolicy, AccountStatusesFilter, FanOutOnWriteService,
// the public and tag feeds), with one deliberate Kindred rule: a block hides everything both
// ways, so an account that blocked the author does not see the author's posts either (Mastodon
// shows it the post on GET and answers 403 to a like), and neither side sees a post that
// mentions it.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;

// The viewers of the matrix. The author (ann) blocks `kBlocked` and is blocked by `kBlocker`;
// both followed her (and she them) until then, and both are mentioned in every post, as
// `kMentioned` is, who does not follow her. The follower follows her; the stranger is signed in
// and does not.
enum class Who { kAuthor, kFollower, kStranger, kBlocked, kBlocker, kMentioned, kSignedOut };

std::string_view name(Who who) {
  switch (who) {
    case Who::kAuthor:
      return "author";
    case Who::kFollower:
      return "follower";
    case Who::kStranger:
      return "stranger";
    case Who::kBlocked:
      return "blocked";
    case Who::kBlocker:
      return "blocker";
    case Who::kMentioned:
      return "mentioned";
    case Who::kSignedOut:
      return "signed out";
  }
  return "?";
}

constexpr size_t kKinds = 4;
constexpr std::array<std::string_view, kKinds> kVisibilities = {"public", "unlisted", "private",
                                                                "direct"};

// One endpoint's expected answer per viewer, for a public, unlisted, private and direct post: an
// HTTP status ("200", "404"...) or, for lists, whether the post is in it ("yes", "no"; a list
// refused altogether shows its status).
using Row = std::array<std::string_view, kKinds>;
using Table = std::vector<std::pair<Who, Row>>;

// clang-format off (the tables read as tables)
// GET /api/v1/statuses/:id and the reads that first check it (context, favourited_by,
// reblogged_by): StatusPolicy#show?. Private: author, followers, mentioned. Direct: author,
// mentioned. Signed out: public and unlisted.
const Table kShown = {
    //                  public  unlisted private direct
    {Who::kAuthor, {"200", "200", "200", "200"}},
    {Who::kFollower, {"200", "200", "200", "404"}},
    {Who::kStranger, {"200", "200", "404", "404"}},
    {Who::kBlocked, {"404", "404", "404", "404"}},
    {Who::kBlocker, {"404", "404", "404", "404"}},
    {Who::kMentioned, {"200", "200", "200", "200"}},
    {Who::kSignedOut, {"200", "200", "404", "404"}},
};

// POST favourite, bookmark, and a reply: anyone who sees the post; signed out, 401 first.
const Table kActedOn = {
    {Who::kAuthor, {"200", "200", "200", "200"}},
    {Who::kFollower, {"200", "200", "200", "404"}},
    {Who::kStranger, {"200", "200", "404", "404"}},
    {Who::kBlocked, {"404", "404", "404", "404"}},
    {Who::kBlocker, {"404", "404", "404", "404"}},
    {Who::kMentioned, {"200", "200", "200", "200"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};

// POST reblog: StatusPolicy#reblog? once the post is visible (404 before that): never a direct
// post, a followers-only post only by its author; 403 otherwise.
const Table kReblogged = {
    {Who::kAuthor, {"200", "200", "200", "403"}},
    {Who::kFollower, {"200", "200", "403", "404"}},
    {Who::kStranger, {"200", "200", "404", "404"}},
    {Who::kBlocked, {"404", "404", "404", "404"}},
    {Who::kBlocker, {"404", "404", "404", "404"}},
    {Who::kMentioned, {"200", "200", "403", "403"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};

// Lists that show whatever the viewer may see: the author's profile (AccountStatusesFilter:
// followers get private posts, the mentioned get what mentions them), and the thread around
// the post (ancestors of the author's reply to it, descendants of her root post).
const Table kListed = {
    {Who::kAuthor, {"yes", "yes", "yes", "yes"}},  {Who::kFollower, {"yes", "yes", "yes", "no"}},
    {Who::kStranger, {"yes", "yes", "no", "no"}},  {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},     {Who::kMentioned, {"yes", "yes", "yes", "yes"}},
    {Who::kSignedOut, {"yes", "yes", "no", "no"}},
};

// GET /api/v1/timelines/home: the author's own posts, and what reaches her followers. A direct
// post reaches the home feeds of the mentioned who follow the author (FanOutOnWriteService
// #deliver_to_mentioned_followers), so not the mentioned stranger; a mention alone never
// brings a post home.
const Table kHome = {
    {Who::kAuthor, {"yes", "yes", "yes", "yes"}},    {Who::kFollower, {"yes", "yes", "yes", "no"}},
    {Who::kStranger, {"no", "no", "no", "no"}},      {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},       {Who::kMentioned, {"no", "no", "no", "no"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};

// GET /api/v1/timelines/public and /tag/:hashtag: public posts only, to anyone not blocked.
const Table kPublicTimelines = {
    {Who::kAuthor, {"yes", "no", "no", "no"}},    {Who::kFollower, {"yes", "no", "no", "no"}},
    {Who::kStranger, {"yes", "no", "no", "no"}},  {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},    {Who::kMentioned, {"yes", "no", "no", "no"}},
    {Who::kSignedOut, {"yes", "no", "no", "no"}},
};

// GET /api/v1/notifications: a mention notification of the post, shown only to those mentioned
// who may see it (the blocked and the blocker are mentioned too). A direct one from someone the
// mentioned does not follow waits in a notification request (Mastodon 4.3's default policy
// filters private mentions from strangers).
const Table kMentionNotified = {
    {Who::kAuthor, {"no", "no", "no", "no"}},
    {Who::kFollower, {"no", "no", "no", "no"}},
    {Who::kStranger, {"no", "no", "no", "no"}},
    {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},
    {Who::kMentioned, {"yes", "yes", "yes", "no"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};

// After the post is deleted: gone from every read, every action 404 (signed out: 401 first).
const Table kGone = {
    {Who::kAuthor, {"404", "404", "404", "404"}},
    {Who::kFollower, {"404", "404", "404", "404"}},
    {Who::kStranger, {"404", "404", "404", "404"}},
    {Who::kBlocked, {"404", "404", "404", "404"}},
    {Who::kBlocker, {"404", "404", "404", "404"}},
    {Who::kMentioned, {"404", "404", "404", "404"}},
    {Who::kSignedOut, {"404", "404", "404", "404"}},
};
const Table kGoneActedOn = {
    {Who::kAuthor, {"404", "404", "404", "404"}},
    {Who::kFollower, {"404", "404", "404", "404"}},
    {Who::kStranger, {"404", "404", "404", "404"}},
    {Who::kBlocked, {"404", "404", "404", "404"}},
    {Who::kBlocker, {"404", "404", "404", "404"}},
    {Who::kMentioned, {"404", "404", "404", "404"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};
const Table kGoneListed = {
    {Who::kAuthor, {"no", "no", "no", "no"}},    {Who::kFollower, {"no", "no", "no", "no"}},
    {Who::kStranger, {"no", "no", "no", "no"}},  {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},   {Who::kMentioned, {"no", "no", "no", "no"}},
    {Who::kSignedOut, {"no", "no", "no", "no"}},
};
const Table kGoneSignedInListed = {
    {Who::kAuthor, {"no", "no", "no", "no"}},        {Who::kFollower, {"no", "no", "no", "no"}},
    {Who::kStranger, {"no", "no", "no", "no"}},      {Who::kBlocked, {"no", "no", "no", "no"}},
    {Who::kBlocker, {"no", "no", "no", "no"}},       {Who::kMentioned, {"no", "no", "no", "no"}},
    {Who::kSignedOut, {"401", "401", "401", "401"}},
};

// clang-format on

// The posts of one matrix: the author's public root post; under it, one post of each
// visibility (mentioning the mentioned, the blocked and the blocker, tagged #matrix); under
// each of those, the author's public reply.
struct Posts {
  std::string root;
  std::array<std::string, kKinds> post;
  std::array<std::string, kKinds> reply;
};

// What one endpoint answers for a viewer and the post of visibility index `v`.
using Probe = std::function<std::string(Who who, size_t v)>;
struct Endpoint {
  std::string name;
  const Table* expected;
  Probe actual;
};

class VisibilityApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    users_[Who::kAuthor] = register_user("ann");
    users_[Who::kFollower] = register_user("bob");
    users_[Who::kStranger] = register_user("cat");
    users_[Who::kBlocked] = register_user("dan");
    users_[Who::kBlocker] = register_user("eve");
    users_[Who::kMentioned] = register_user("mia");
  }

  const User& user(Who who) { return users_[who]; }
  std::string token(Who who) { return who == Who::kSignedOut ? "" : users_[who].token; }

  void act(Who who, Who target, std::string_view action) {
    auto r =
        post("/api/v1/accounts/" + user(target).id + "/" + std::string(action), {}, token(who));
    ASSERT_EQ(r.status, 200) << name(who) << " " << action << " " << name(target) << ": " << r.body;
  }

  // The follows before the blocks, then the posts (fanned out while the blocked and the blocker
  // still followed), then the blocks.
  Posts make_posts(std::string_view tag) {
    act(Who::kFollower, Who::kAuthor, "follow");
    for (Who w : {Who::kBlocked, Who::kBlocker}) {
      act(w, Who::kAuthor, "follow");
      act(Who::kAuthor, w, "follow");
    }
    Posts p;
    p.root = say(Who::kAuthor, "a root post", {});
    for (size_t v = 0; v < kKinds; ++v) {
      p.post[v] =
          say(Who::kAuthor,
              "@mia @dan @eve a " + std::string(kVisibilities[v]) + " post #" + std::string(tag),
              {{"visibility", kVisibilities[v]}, {"in_reply_to_id", p.root}});
      p.reply[v] = say(Who::kAuthor, "and more", {{"in_reply_to_id", p.post[v]}});
    }
    instance().feeds_for_test().wait_idle();
    // The fan-out reached those about to be blocked: the blocks must hide what is there.
    EXPECT_EQ(in_list(Who::kBlocked, "/api/v1/timelines/home?limit=40", p.post[0]), "yes");
    EXPECT_EQ(in_list(Who::kBlocker, "/api/v1/timelines/home?limit=40", p.post[0]), "yes");
    act(Who::kAuthor, Who::kBlocked, "block");
    act(Who::kBlocker, Who::kAuthor, "block");
    forget_reads();
    return p;
  }

  std::string say(Who who, std::string_view text, const boost::json::object& extra) {
    std::string id = post_status(user(who), text, extra);
    clock().advance_ms(1000);
    return id;
  }

  // A GET as `who`, read once per test until forget_reads(): most lists serve many cells.
  const Reply& read(Who who, const std::string& path) {
    const std::string key = std::string(name(who)) + " " + path;
    auto found = reads_.find(key);
    if (found != reads_.end()) return found->second;
    return reads_.emplace(key, get(path, token(who))).first->second;
  }
  void forget_reads() { reads_.clear(); }

  static std::string code(const Reply& r) { return std::to_string(r.status); }

  // "yes" or "no": whether the status list at `path` holds `id`; the status when refused.
  std::string in_list(Who who, const std::string& path, const std::string& id) {
    const Reply& r = read(who, path);
    if (r.status != 200) return code(r);
    const Ids listed = ids(r);
    return std::find(listed.begin(), listed.end(), id) != listed.end() ? "yes" : "no";
  }
  // Whether `id` is among the `part` ("ancestors" or "descendants") of `of`'s context; a context
  // the viewer may not read shows nothing.
  std::string in_context(Who who, const std::string& of, std::string_view part,
                         const std::string& id) {
    const Reply& r = read(who, "/api/v1/statuses/" + of + "/context");
    if (r.status != 200) return "no";
    const Ids listed = ids(json(r).at(part));
    return std::find(listed.begin(), listed.end(), id) != listed.end() ? "yes" : "no";
  }
  // Whether a notification of `type` ("" for any) names `id` as its status, or as the original
  // of its status; the status when refused.
  std::string notified(Who who, std::string_view type, const std::string& id) {
    const Reply& r = read(who, "/api/v1/notifications?limit=80");
    if (r.status != 200) return code(r);
    const boost::json::value list = json(r);
    for (const auto& n : list.as_array()) {
      if (!type.empty() && str(n, "type") != type) continue;
      const auto* status = n.as_object().if_contains("status");
      if (status == nullptr || !status->is_object()) continue;
      if (str(*status, "id") == id) return "yes";
      const auto* inner = status->as_object().if_contains("reblog");
      if (inner != nullptr && str(*inner, "id") == id) return "yes";
    }
    return "no";
  }
  // The same for grouped notifications (/api/v2/notifications): among the statuses a page names.
  std::string notified_grouped(Who who, const std::string& id) {
    const Reply& r = read(who, "/api/v2/notifications?limit=80");
    if (r.status != 200) return code(r);
    const boost::json::value page = json(r);
    for (const auto& s : page.at("statuses").as_array())
      if (str(s, "id") == id) return "yes";
    return "no";
  }
  std::string status_code(Who who, const std::string& path) { return code(read(who, path)); }
  std::string action(Who who, const std::string& path, const boost::json::object& body = {}) {
    return code(post(path, body, token(who)));
  }

  // The read endpoints of the matrix for `p`, each with its table.
  std::vector<Endpoint> reads(const Posts& p, const Table& shown, const Table& listed,
                              const Table& home, const Table& public_timelines,
                              const Table& notifications) {
    const std::string profile = "/api/v1/accounts/" + user(Who::kAuthor).id + "/statuses?limit=40";
    auto status = [&p](size_t v) { return "/api/v1/statuses/" + p.post[v]; };
    return {
        {"GET status", &shown, [=, this](Who w, size_t v) { return status_code(w, status(v)); }},
        {"GET context", &shown,
         [=, this](Who w, size_t v) { return status_code(w, status(v) + "/context"); }},
        {"ancestor of the author's reply", &listed,
         [=, this](Who w, size_t v) { return in_context(w, p.reply[v], "ancestors", p.post[v]); }},
        {"descendant of the author's root", &listed,
         [=, this](Who w, size_t v) { return in_context(w, p.root, "descendants", p.post[v]); }},
        {"GET account statuses", &listed,
         [=, this](Who w, size_t v) { return in_list(w, profile, p.post[v]); }},
        {"GET favourited_by", &shown,
         [=, this](Who w, size_t v) { return status_code(w, status(v) + "/favourited_by"); }},
        {"GET reblogged_by", &shown,
         [=, this](Who w, size_t v) { return status_code(w, status(v) + "/reblogged_by"); }},
        {"GET timelines/home", &home,
         [=, this](Who w, size_t v) {
           return in_list(w, "/api/v1/timelines/home?limit=40", p.post[v]);
         }},
        {"GET timelines/public", &public_timelines,
         [=, this](Who w, size_t v) {
           return in_list(w, "/api/v1/timelines/public?limit=40", p.post[v]);
         }},
        {"GET timelines/tag", &public_timelines,
         [=, this](Who w, size_t v) {
           return in_list(w, "/api/v1/timelines/tag/" + tag_ + "?limit=40", p.post[v]);
         }},
        {"GET notifications", &notifications,
         [=, this](Who w, size_t v) {
           return notified(w, mention_only_ ? "mention" : "", p.post[v]);
         }},
    };
  }
  // The write endpoints: run after every read, since they add replies and reblogs.
  std::vector<Endpoint> writes(const Posts& p, const Table& acted_on, const Table& reblogged) {
    auto status = [&p](size_t v) { return "/api/v1/statuses/" + p.post[v]; };
    return {
        {"POST favourite", &acted_on,
         [=, this](Who w, size_t v) { return action(w, status(v) + "/favourite"); }},
        {"POST reblog", &reblogged,
         [=, this](Who w, size_t v) { return action(w, status(v) + "/reblog"); }},
        {"POST bookmark", &acted_on,
         [=, this](Who w, size_t v) { return action(w, status(v) + "/bookmark"); }},
        {"POST reply", &acted_on,
         [=, this](Who w, size_t v) {
           return action(w, "/api/v1/statuses",
                         {{"status", "an answer"}, {"in_reply_to_id", p.post[v]}});
         }},
    };
  }

  // Compares every cell (endpoint × viewer × visibility); a failure names its cell.
  void check(const std::vector<Endpoint>& endpoints) {
    for (const auto& e : endpoints) {
      for (const auto& [who, row] : *e.expected) {
        for (size_t v = 0; v < kKinds; ++v) {
          const std::string cell =
              std::string(name(who)) + " × " + std::string(kVisibilities[v]) + " × " + e.name;
          SCOPED_TRACE(cell);
          EXPECT_EQ(e.actual(who, v), row[v]) << cell;
        }
      }
    }
  }

  std::string tag_ = "matrix";
  bool mention_only_ = true;

 private:
  std::map<Who, User> users_;
  std::map<std::string, Reply> reads_;
};

TEST_F(VisibilityApi, EveryViewerSeesEachVisibilityOnEveryEndpointAsMastodonDoes) {
  const Posts p = make_posts(tag_);
  ASSERT_FALSE(HasFailure());
  check(reads(p, kShown, kListed, kHome, kPublicTimelines, kMentionNotified));
  check(writes(p, kActedOn, kReblogged));
}

TEST_F(VisibilityApi, ADeletedPostDisappearsFromEveryEndpointForEveryViewer) {
  tag_ = "gone";
  mention_only_ = false;  // no notification of any kind may name the post
  const Posts p = make_posts(tag_);
  ASSERT_FALSE(HasFailure());
  // Likes, reblogs and bookmarks of it, so that notifications and lists name it.
  std::vector<std::string> reblogs;
  for (size_t v = 0; v < kKinds; ++v) {
    const std::string path = "/api/v1/statuses/" + p.post[v];
    ASSERT_EQ(action(Who::kMentioned, path + "/favourite"), "200");
    ASSERT_EQ(action(Who::kMentioned, path + "/bookmark"), "200");
    if (v < 3) {
      ASSERT_EQ(action(Who::kFollower, path + "/favourite"), "200");
    }
    if (v < 2) {
      auto r = post(path + "/reblog", {}, token(Who::kFollower));
      ASSERT_EQ(r.status, 200) << r.body;
      reblogs.push_back(str(json(r), "id"));
    }
  }
  instance().feeds_for_test().wait_idle();
  // (The direct post's mention waits in a notification request: she does not follow the author.)
  EXPECT_EQ(notified(Who::kMentioned, "mention", p.post[2]), "yes");
  EXPECT_EQ(notified(Who::kAuthor, "favourite", p.post[2]), "yes");
  EXPECT_EQ(notified(Who::kAuthor, "reblog", p.post[0]), "yes");
  EXPECT_EQ(notified_grouped(Who::kAuthor, p.post[0]), "yes");
  forget_reads();

  for (size_t v = 0; v < kKinds; ++v)
    ASSERT_EQ(code(del("/api/v1/statuses/" + p.post[v], token(Who::kAuthor))), "200");
  instance().feeds_for_test().wait_idle();

  check(reads(p, kGone, kGoneListed, kGoneSignedInListed, kGoneListed, kGoneSignedInListed));
  for (size_t v = 0; v < kKinds; ++v) {
    SCOPED_TRACE(kVisibilities[v]);
    EXPECT_EQ(notified_grouped(Who::kAuthor, p.post[v]), "no");
    EXPECT_EQ(notified_grouped(Who::kMentioned, p.post[v]), "no");
    EXPECT_EQ(in_list(Who::kMentioned, "/api/v1/favourites", p.post[v]), "no");
    EXPECT_EQ(in_list(Who::kMentioned, "/api/v1/bookmarks", p.post[v]), "no");
    EXPECT_EQ(in_list(Who::kFollower, "/api/v1/favourites", p.post[v]), "no");
  }
  // The reblogs went with it.
  const std::string bobs = "/api/v1/accounts/" + user(Who::kFollower).id + "/statuses";
  for (const auto& r : reblogs) {
    EXPECT_EQ(status_code(Who::kFollower, "/api/v1/statuses/" + r), "404");
    EXPECT_EQ(in_list(Who::kFollower, bobs, r), "no");
    EXPECT_EQ(in_list(Who::kAuthor, "/api/v1/timelines/home?limit=40", r), "no");
  }
  // The replies to it stand, as on Mastodon, without it above them.
  EXPECT_EQ(status_code(Who::kStranger, "/api/v1/statuses/" + p.reply[0]), "200");
  check(writes(p, kGoneActedOn, kGoneActedOn));
}

TEST_F(VisibilityApi, AThreadLeavesOutWhatTheViewerMayNotSeeButNotTheVisiblePostsBeyondIt) {
  act(Who::kFollower, Who::kAuthor, "follow");
  const std::string root = say(Who::kAuthor, "root", {});
  const std::string mid =
      say(Who::kAuthor, "followers only", {{"visibility", "private"}, {"in_reply_to_id", root}});
  const std::string leaf = say(Who::kAuthor, "open again", {{"in_reply_to_id", mid}});
  const std::string hers = say(Who::kStranger, "a stranger's", {{"in_reply_to_id", leaf}});
  const std::string last = say(Who::kAuthor, "an answer", {{"in_reply_to_id", hers}});
  auto part = [&](Who who, const std::string& of, std::string_view key) {
    auto r = get("/api/v1/statuses/" + of + "/context", token(who));
    EXPECT_EQ(r.status, 200) << name(who) << ": " << r.body;
    return r.status == 200 ? ids(json(r).at(key)) : Ids{};
  };
  // As Mastodon's tree path: the hidden post is left out, the posts around it stay.
  for (Who who : {Who::kStranger, Who::kSignedOut}) {
    SCOPED_TRACE(name(who));
    EXPECT_EQ(part(who, leaf, "ancestors"), (Ids{root}));
    EXPECT_EQ(part(who, root, "descendants"), (Ids{leaf, hers, last}));
    EXPECT_EQ(part(who, last, "ancestors"), (Ids{root, leaf, hers}));
  }
  EXPECT_EQ(part(Who::kFollower, leaf, "ancestors"), (Ids{root, mid}));
  EXPECT_EQ(part(Who::kFollower, root, "descendants"), (Ids{mid, leaf, hers, last}));
  // A block hides the blocked account's reply from the author, not her own answer beneath it.
  act(Who::kAuthor, Who::kStranger, "block");
  EXPECT_EQ(part(Who::kSignedOut, root, "descendants"), (Ids{leaf, hers, last}));
  EXPECT_EQ(part(Who::kAuthor, last, "ancestors"), (Ids{root, mid, leaf}));
  EXPECT_EQ(part(Who::kAuthor, root, "descendants"), (Ids{mid, leaf, last}));
}

class BlocksAndMutesApi : public ThreePeopleApi {
 protected:
  Reply act(const User& who, const User& target, std::string_view action) {
    return post("/api/v1/accounts/" + target.id + "/" + std::string(action), {}, who.token);
  }
  // "following followed_by requested requested_by blocking blocked_by muting", one 0/1 each.
  std::string rel(const User& who, const User& other) {
    auto r = get("/api/v1/accounts/relationships?id[]=" + other.id, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    const boost::json::value v = json(r);
    if (!v.is_array() || v.as_array().size() != 1) return r.body;
    std::string out;
    for (std::string_view key : {"following", "followed_by", "requested", "requested_by",
                                 "blocking", "blocked_by", "muting"}) {
      const auto* flag = v.as_array()[0].as_object().if_contains(key);
      out += (flag != nullptr && flag->is_bool() && flag->get_bool()) ? '1' : '0';
    }
    return out;
  }
  Ids home(const User& who) {
    instance().feeds_for_test().wait_idle();
    auto r = get("/api/v1/timelines/home", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
};

TEST_F(BlocksAndMutesApi, BlockingEndsFollowsAndRequestsBothWays) {
  //                          following followed_by requested requested_by blocking blocked_by
  //                          muting
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  ASSERT_EQ(act(bob_, ann_, "follow").status, 200);
  EXPECT_EQ(rel(ann_, bob_), "1100000");
  EXPECT_EQ(rel(bob_, ann_), "1100000");
  // Cat asks to follow Ann, who is locked, and Ann asked to follow Cat, who is locked too.
  ASSERT_EQ(
      http().patch_form("/api/v1/accounts/update_credentials", "locked=true", ann_.token).status,
      200);
  ASSERT_EQ(
      http().patch_form("/api/v1/accounts/update_credentials", "locked=true", cat_.token).status,
      200);
  ASSERT_EQ(act(cat_, ann_, "follow").status, 200);
  ASSERT_EQ(act(ann_, cat_, "follow").status, 200);
  EXPECT_EQ(rel(ann_, cat_), "0011000");

  ASSERT_EQ(act(ann_, bob_, "block").status, 200);
  ASSERT_EQ(act(ann_, cat_, "block").status, 200);
  EXPECT_EQ(rel(ann_, bob_), "0000100");
  EXPECT_EQ(rel(bob_, ann_), "0000010");
  EXPECT_EQ(rel(ann_, cat_), "0000100");
  EXPECT_EQ(rel(cat_, ann_), "0000010");
  EXPECT_EQ(ids(get("/api/v1/follow_requests", ann_.token)), Ids{});
  EXPECT_EQ(ids(get("/api/v1/follow_requests", cat_.token)), Ids{});
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/followers")), Ids{});
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/following")), Ids{});
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + bob_.id)), "followers_count"), 0);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + bob_.id)), "following_count"), 0);

  // Neither may follow the other while the block stands, and nothing changes for trying.
  EXPECT_EQ(act(bob_, ann_, "follow").status, 403);
  EXPECT_EQ(act(ann_, bob_, "follow").status, 403);
  EXPECT_EQ(rel(bob_, ann_), "0000010");
  // Unblocking brings no follow back.
  ASSERT_EQ(act(ann_, bob_, "unblock").status, 200);
  EXPECT_EQ(rel(ann_, bob_), "0000000");
  EXPECT_EQ(rel(bob_, ann_), "0000000");
}

TEST_F(BlocksAndMutesApi, MutingHidesPostsFromHomeAndPublicButNotFromGetOrTheProfile) {
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  ASSERT_EQ(act(cat_, bob_, "follow").status, 200);
  const std::string open = post_status(bob_, "an open post");
  clock().advance_ms(1000);
  const std::string close = post_status(bob_, "for followers", {{"visibility", "private"}});
  clock().advance_ms(1000);
  EXPECT_EQ(home(ann_), (Ids{close, open}));

  ASSERT_EQ(act(ann_, bob_, "mute").status, 200);
  EXPECT_EQ(rel(ann_, bob_), "1000001");  // still following
  const std::string dm = post_status(bob_, "@ann psst", {{"visibility", "direct"}});
  clock().advance_ms(1000);
  EXPECT_EQ(home(ann_), Ids{});  // a direct post too, as Mastodon's home filter has it
  EXPECT_EQ(get("/api/v1/statuses/" + dm, ann_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/timelines/public", ann_.token)), Ids{});
  EXPECT_EQ(ids(get("/api/v1/timelines/public", cat_.token)), (Ids{open}));
  EXPECT_EQ(get("/api/v1/statuses/" + open, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + close, ann_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/accounts/" + bob_.id + "/statuses", ann_.token)),
            (Ids{dm, close, open}));
  // Only Ann muted Bob; and Bob still sees Ann's posts.
  EXPECT_EQ(home(cat_), (Ids{close, open}));
  const std::string hers = post_status(ann_, "ann's");
  EXPECT_EQ(get("/api/v1/statuses/" + hers, bob_.token).status, 200);

  ASSERT_EQ(act(ann_, bob_, "unmute").status, 200);
  EXPECT_EQ(home(ann_), (Ids{hers, dm, close, open}));
}

}  // namespace
}  // namespace kindred::testing
