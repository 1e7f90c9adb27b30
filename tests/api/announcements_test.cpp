// Announcements: made by `kindred admin announce` (server stopped), read with
// GET /api/v1/announcements, dismissed and reacted to with emoji.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr std::string_view kHeart = "%E2%9D%A4%EF%B8%8F";  // ❤️ in a path
constexpr std::string_view kTada = "%F0%9F%8E%89";         // 🎉

class AnnouncementsApi : public ThreePeopleApi {
 protected:
  // Runs `kindred admin announce` with `c` (its data_dir filled in) on the stopped server's data.
  int admin(app::AnnounceConfig c) {
    int rc = -1;
    restart([&] {
      c.data_dir = data_dir().string();
      rc = app::announce(c);
    });
    return rc;
  }
  // Publishes `text`; returns the announcement's id as the API shows it.
  std::string announce(std::string text, std::string ends_at = "") {
    app::AnnounceConfig c;
    c.text = std::move(text);
    c.ends_at = std::move(ends_at);
    EXPECT_EQ(admin(c), 0);
    Reply r = get("/api/v1/announcements?with_dismissed=true", ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto list = json(r).as_array();
    return list.empty() ? "" : str(list.back(), "id");
  }
  Reply react(const User& who, const std::string& id, std::string_view name, bool add = true) {
    return request(add ? "PUT" : "DELETE",
                   "/api/v1/announcements/" + id + "/reactions/" + std::string(name), "", {},
                   who.token);
  }
};

TEST_F(AnnouncementsApi, ShippedEmpty) {
  Reply r = get("/api/v1/announcements", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
}

TEST_F(AnnouncementsApi, AnAdminsAnnouncementHasMastodonsShape) {
  const std::string id = announce("The server moves on Sunday.\n\nExpect an hour <offline>.");
  ASSERT_FALSE(id.empty());
  Reply r = get("/api/v1/announcements", bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = json(r).as_array();
  ASSERT_EQ(list.size(), 1u) << r.body;
  const auto& a = list[0].as_object();
  EXPECT_EQ(str(a, "id"), id);
  EXPECT_EQ(str(a, "content"),
            "<p>The server moves on Sunday.</p><p>Expect an hour &lt;offline&gt;.</p>");
  EXPECT_TRUE(a.at("starts_at").is_null());
  EXPECT_TRUE(a.at("ends_at").is_null());
  EXPECT_EQ(a.at("all_day"), false);
  EXPECT_EQ(a.at("read"), false);
  EXPECT_FALSE(str(a, "published_at").empty());
  EXPECT_FALSE(str(a, "updated_at").empty());
  for (const char* key : {"mentions", "statuses", "tags", "emojis", "reactions"}) {
    ASSERT_TRUE(a.at(key).is_array()) << key;
    EXPECT_TRUE(a.at(key).as_array().empty()) << key;
  }
}

TEST_F(AnnouncementsApi, NeedsAPersonsTokenWithRead) {
  EXPECT_EQ(get("/api/v1/announcements").status, 401);
  EXPECT_EQ(get("/api/v1/announcements", default_app_token()).status, 422);
  App app = create_app("write");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "write");
  ASSERT_EQ(grant.status, 200) << grant.body;
  EXPECT_EQ(get("/api/v1/announcements", str(json(grant), "access_token")).status, 403);
}

TEST_F(AnnouncementsApi, DismissingHidesItForThatPersonOnly) {
  const std::string id = announce("Hello");
  Reply d = post("/api/v1/announcements/" + id + "/dismiss", {}, ann_.token);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.body, "{}");
  EXPECT_EQ(post("/api/v1/announcements/" + id + "/dismiss", {}, ann_.token).status, 200)
      << "idempotent";
  EXPECT_EQ(get("/api/v1/announcements", ann_.token).body, "[]");
  auto with = json(get("/api/v1/announcements?with_dismissed=true", ann_.token)).as_array();
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].at("read"), true);
  auto bobs = json(get("/api/v1/announcements", bob_.token)).as_array();
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].at("read"), false);
}

TEST_F(AnnouncementsApi, DismissingAnUnknownAnnouncementIs404AndChangesNothing) {
  const std::string id = announce("Hello");
  Reply r = post("/api/v1/announcements/123456789/dismiss", {}, ann_.token);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error"));
  EXPECT_EQ(post("/api/v1/announcements/nope/dismiss", {}, ann_.token).status, 404);
  EXPECT_EQ(json(get("/api/v1/announcements", ann_.token)).as_array().size(), 1u);
  EXPECT_EQ(post("/api/v1/announcements/" + id + "/dismiss", {}).status, 401);
}

TEST_F(AnnouncementsApi, ReactionsAreCountedPerEmojiWithMe) {
  const std::string id = announce("Hello");
  ASSERT_EQ(react(ann_, id, kHeart).status, 200);
  ASSERT_EQ(react(ann_, id, kHeart).status, 200) << "idempotent";
  ASSERT_EQ(react(bob_, id, kHeart).status, 200);
  ASSERT_EQ(react(bob_, id, kTada).status, 200);
  auto list = json(get("/api/v1/announcements", ann_.token)).as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& reactions = list[0].at("reactions").as_array();
  ASSERT_EQ(reactions.size(), 2u) << boost::json::serialize(reactions);
  EXPECT_EQ(str(reactions[0], "name"), "\u2764\ufe0f");
  EXPECT_EQ(num(reactions[0], "count"), 2);
  EXPECT_EQ(reactions[0].at("me"), true);
  EXPECT_EQ(str(reactions[1], "name"), "\U0001F389");
  EXPECT_EQ(num(reactions[1], "count"), 1);
  EXPECT_EQ(reactions[1].at("me"), false);

  ASSERT_EQ(react(bob_, id, kTada, false).status, 200);
  ASSERT_EQ(react(bob_, id, kTada, false).status, 200) << "idempotent";
  auto after =
      json(get("/api/v1/announcements", bob_.token)).as_array()[0].at("reactions").as_array();
  ASSERT_EQ(after.size(), 1u) << "an emoji nobody uses any more is not shown";
  EXPECT_EQ(num(after[0], "count"), 2);
}

TEST_F(AnnouncementsApi, BadReactionsAreRefusedAndChangeNothing) {
  const std::string id = announce("Hello");
  for (std::string_view bad : {"notanemoji", "%F0%9F%8E%89%F0%9F%8E%89", "a%E2%9D%A4"}) {
    Reply r = react(ann_, id, bad);
    EXPECT_EQ(r.status, 422) << bad << " " << r.body;
  }
  EXPECT_EQ(react(ann_, "987654321", kHeart).status, 404);
  EXPECT_EQ(react(ann_, id, kHeart, false).status, 200) << "taking back what was never given";
  App app = create_app("read");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "read");
  EXPECT_EQ(react(User{ann_.id, "ann", str(json(grant), "access_token")}, id, kHeart).status, 403);
  EXPECT_EQ(json(get("/api/v1/announcements", ann_.token))
                .as_array()[0]
                .at("reactions")
                .as_array()
                .size(),
            0u);
}

TEST_F(AnnouncementsApi, AtMostEightDifferentEmoji) {
  const std::string id = announce("Hello");
  const char* emoji[] = {"%F0%9F%98%80", "%F0%9F%98%81", "%F0%9F%98%82", "%F0%9F%98%83",
                         "%F0%9F%98%84", "%F0%9F%98%85", "%F0%9F%98%86", "%F0%9F%98%87"};
  for (const char* e : emoji) ASSERT_EQ(react(ann_, id, e).status, 200) << e;
  EXPECT_EQ(react(bob_, id, "%F0%9F%98%88").status, 422) << "a ninth";
  EXPECT_EQ(react(bob_, id, emoji[0]).status, 200) << "one already there";
  ASSERT_EQ(react(ann_, id, emoji[7], false).status, 200);
  EXPECT_EQ(react(bob_, id, "%F0%9F%98%88").status, 200) << "room again";
}

TEST_F(AnnouncementsApi, EndedAnnouncementsAreNotShownAndAdminsCanRemoveThem) {
  announce("Long over", "2020-01-01");
  EXPECT_EQ(get("/api/v1/announcements?with_dismissed=true", ann_.token).body, "[]");
  const std::string id = announce("Still on");
  ASSERT_FALSE(id.empty());
  app::AnnounceConfig remove;
  remove.remove = id;
  EXPECT_EQ(admin(remove), 0);
  EXPECT_EQ(get("/api/v1/announcements", ann_.token).body, "[]");
  EXPECT_EQ(admin(remove), 1) << "no such announcement any more";
}

TEST_F(AnnouncementsApi, TheAdminCommandRefusesBadOptions) {
  app::AnnounceConfig none;
  EXPECT_EQ(admin(none), 2);
  app::AnnounceConfig blank;
  blank.text = "   ";
  EXPECT_EQ(admin(blank), 2);
  app::AnnounceConfig bad_date;
  bad_date.text = "Hi";
  bad_date.ends_at = "next week";
  EXPECT_EQ(admin(bad_date), 2);
  app::AnnounceConfig backwards;
  backwards.text = "Hi";
  backwards.starts_at = "2030-02-01";
  backwards.ends_at = "2030-01-01T10:00Z";
  EXPECT_EQ(admin(backwards), 2);
  EXPECT_EQ(get("/api/v1/announcements", ann_.token).body, "[]");
}

}  // namespace
}  // namespace kindred::testing
