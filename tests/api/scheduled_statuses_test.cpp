// scheduled_at on POST /api/v1/statuses, GET /api/v1/scheduled_statuses, GET/PUT/DELETE
// /api/v1/scheduled_statuses/:id, and publishing on time (by the server's thread, and at start-up
// for what came due while it was down).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "media/synth.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Part = HttpClient::Part;
using Strings = std::vector<std::string>;

constexpr int64_t kMinuteMs = 60'000;

class ScheduledStatusesApi : public ThreePeopleApi {
 protected:
  // "2024-03-01T12:10:00.000Z" for ten minutes after the start.
  static std::string at(int64_t minutes_after_start) {
    const int64_t ms = kStartMs + minutes_after_start * kMinuteMs;
    const int64_t minute_of_day = (ms / kMinuteMs) % 1440;
    char buf[40];
    std::snprintf(buf, sizeof buf, "2024-03-%02lldT%02lld:%02lld:00.000Z",
                  static_cast<long long>(1 + (ms / kMinuteMs / 1440) - (kStartMs / kMinuteMs / 1440)),
                  static_cast<long long>(minute_of_day / 60), static_cast<long long>(minute_of_day % 60));
    return buf;
  }
  Reply schedule(const User& who, std::string_view text, const std::string& when,
                 bj::object extra = {}) {
    extra["status"] = text;
    extra["scheduled_at"] = when;
    return post("/api/v1/statuses", extra, who.token);
  }
  std::string schedule_id(const User& who, std::string_view text, const std::string& when,
                          bj::object extra = {}) {
    Reply r = schedule(who, text, when, std::move(extra));
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  Strings statuses_of(const User& who) {
    return texts(get("/api/v1/accounts/" + who.id + "/statuses", who.token));
  }
  Strings scheduled_of(const User& who, std::string_view query = "") {
    return ids(get("/api/v1/scheduled_statuses" + std::string(query), who.token));
  }
  // Waits (up to ten seconds) until `done` is true; the server's thread looks every second.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }
  std::string upload(const User& who, uint64_t seed) {
    media::SynthSpec spec;
    spec.width = 320;
    spec.height = 240;
    spec.seed = seed;
    spec.format = "jpg";
    auto bytes = media::synthesize_image(spec);
    EXPECT_TRUE(bytes.has_value());
    std::vector<Part> parts = {{"file", bytes.has_value() ? *bytes : "", "p.jpg", "image/jpeg"}};
    Reply r = http().post_multipart("/api/v2/media", parts, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
};

TEST_F(ScheduledStatusesApi, AScheduledPostIsKeptThenPublishedOnTimeWithItsPhotos) {
  const std::string photo = upload(ann_, 1);
  Reply r = schedule(ann_, "Later, with a photo", at(10),
                     {{"media_ids", bj::array{photo}}, {"spoiler_text", "cw"}, {"visibility", "unlisted"}});
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value s = json(r);
  const std::string id = str(s, "id");
  EXPECT_EQ(str(s, "scheduled_at"), "2024-03-01T12:10:00.000Z");
  const bj::value& params = s.at("params");
  EXPECT_EQ(str(params, "text"), "Later, with a photo");
  EXPECT_EQ(params.at("media_ids"), (bj::array{photo}));
  EXPECT_EQ(str(params, "spoiler_text"), "cw");
  EXPECT_EQ(str(params, "visibility"), "unlisted");
  EXPECT_TRUE(params.at("sensitive").is_null());
  EXPECT_TRUE(params.at("poll").is_null());
  EXPECT_TRUE(params.at("in_reply_to_id").is_null());
  EXPECT_EQ(ids(s.at("media_attachments")), (Strings{photo}));
  // Not posted yet; listed and readable by its author only.
  EXPECT_EQ(statuses_of(ann_), (Strings{}));
  EXPECT_EQ(scheduled_of(ann_), (Strings{id}));
  EXPECT_EQ(scheduled_of(bob_), (Strings{}));
  EXPECT_EQ(get("/api/v1/scheduled_statuses/" + id, ann_.token).body, r.body);
  EXPECT_EQ(get("/api/v1/scheduled_statuses/" + id, bob_.token).status, 404);
  // Its photo is held: not attachable elsewhere, not swept as an unposted upload.
  EXPECT_EQ(post("/api/v1/statuses", {{"status", "x"}, {"media_ids", bj::array{photo}}}, ann_.token).status, 422);

  clock().advance_ms(9 * kMinuteMs);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a tick of the thread passes
  EXPECT_EQ(statuses_of(ann_), (Strings{})) << "not before its time";
  clock().advance_ms(kMinuteMs);
  ASSERT_TRUE(eventually([&] { return statuses_of(ann_).size() == 1; }));
  auto posted = json(get("/api/v1/accounts/" + ann_.id + "/statuses", ann_.token)).as_array();
  EXPECT_EQ(texts(posted), (Strings{"Later, with a photo"}));
  EXPECT_EQ(str(posted[0], "spoiler_text"), "cw");
  EXPECT_EQ(str(posted[0], "visibility"), "unlisted");
  EXPECT_EQ(str(posted[0], "created_at"), "2024-03-01T12:10:00.000Z");
  EXPECT_EQ(ids(posted[0].at("media_attachments")), (Strings{photo}));
  EXPECT_EQ(str(posted[0].at("application"), "name"), "Test App");
  EXPECT_EQ(scheduled_of(ann_), (Strings{}));
  EXPECT_EQ(get("/api/v1/scheduled_statuses/" + id, ann_.token).status, 404);
}

TEST_F(ScheduledStatusesApi, WhatCameDueWhileTheServerWasDownIsPublishedAtStartUp) {
  schedule_id(ann_, "across a restart", at(30));
  restart([&] { clock().advance_ms(60 * kMinuteMs); });
  // The start-up sweep has run before the server answers.
  EXPECT_EQ(statuses_of(ann_), (Strings{"across a restart"}));
  EXPECT_EQ(scheduled_of(ann_), (Strings{}));
}

TEST_F(ScheduledStatusesApi, TooSoonIs422AndAPastTimePostsAtOnce) {
  Reply soon = schedule(ann_, "soon", at(4));
  EXPECT_EQ(soon.status, 422) << soon.body;
  EXPECT_EQ(str(json(soon), "error"), "Validation failed: Scheduled at The scheduled date must be in the future");
  EXPECT_EQ(schedule(ann_, "five minutes", at(5)).status, 422);
  EXPECT_EQ(schedule(ann_, "bad", "next tuesday").status, 422);
  EXPECT_EQ(schedule(ann_, "bad", "2024-02-30T10:00:00Z").status, 422);
  EXPECT_EQ(schedule(ann_, std::string(501, 'x'), at(60)).status, 422);
  EXPECT_EQ(schedule(ann_, "bad", at(60), {{"language", "nope!"}}).status, 422);
  EXPECT_EQ(schedule(ann_, "bad", at(60), {{"media_ids", bj::array{"123"}}}).status, 422);
  EXPECT_EQ(schedule(ann_, "bad", at(60), {{"in_reply_to_id", "123"}}).status, 404);
  EXPECT_EQ(scheduled_of(ann_), (Strings{}));
  EXPECT_EQ(statuses_of(ann_), (Strings{}));

  // As Mastodon, a time already past is no schedule: the post is made now and answered as one.
  Reply past = schedule(ann_, "right away", "2024-03-01T11:00:00+00:00");
  ASSERT_EQ(past.status, 200) << past.body;
  EXPECT_EQ(str(json(past), "content"), "<p>right away</p>");
  EXPECT_EQ(statuses_of(ann_), (Strings{"right away"}));
  // Offsets are understood: 13:20+01:00 is 12:20Z.
  Reply offset = schedule(ann_, "offset", "2024-03-01T13:20:00+01:00");
  ASSERT_EQ(offset.status, 200) << offset.body;
  EXPECT_EQ(str(json(offset), "scheduled_at"), "2024-03-01T12:20:00.000Z");
}

TEST_F(ScheduledStatusesApi, RescheduleMovesItAndBadTimesChangeNothing) {
  const std::string id = schedule_id(ann_, "move me", at(60));
  const std::string path = "/api/v1/scheduled_statuses/" + id;
  auto put = [&](const bj::object& body, const User& who) {
    return request("PUT", path, bj::serialize(body), {{"Content-Type", "application/json"}}, who.token);
  };
  Reply moved = put({{"scheduled_at", at(120)}}, ann_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(str(json(moved), "scheduled_at"), "2024-03-01T14:00:00.000Z");
  const std::string before = get(path, ann_.token).body;
  EXPECT_EQ(put({{"scheduled_at", at(2)}}, ann_).status, 422);
  EXPECT_EQ(put({{"scheduled_at", "soonish"}}, ann_).status, 422);
  EXPECT_EQ(put({{"scheduled_at", at(90)}}, bob_).status, 404);
  EXPECT_EQ(get(path, ann_.token).body, before);
  // Not at the old time, but at the new one.
  clock().advance_ms(61 * kMinuteMs);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(statuses_of(ann_), (Strings{}));
  clock().advance_ms(60 * kMinuteMs);
  EXPECT_TRUE(eventually([&] { return statuses_of(ann_) == Strings{"move me"}; }));
}

TEST_F(ScheduledStatusesApi, CancellingReleasesItsPhotos) {
  const std::string photo = upload(ann_, 2);
  const std::string id = schedule_id(ann_, "never", at(60), {{"media_ids", bj::array{photo}}});
  EXPECT_EQ(del("/api/v1/scheduled_statuses/" + id, bob_.token).status, 404);
  Reply r = del("/api/v1/scheduled_statuses/" + id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(del("/api/v1/scheduled_statuses/" + id, ann_.token).status, 404);
  EXPECT_EQ(scheduled_of(ann_), (Strings{}));
  Reply now = post("/api/v1/statuses", {{"status", "now"}, {"media_ids", bj::array{photo}}}, ann_.token);
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(ids(json(now).at("media_attachments")), (Strings{photo}));
  clock().advance_ms(120 * kMinuteMs);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(statuses_of(ann_), (Strings{"now"}));
}

TEST_F(ScheduledStatusesApi, TheListIsPagedNewestFirst) {
  const std::string a = schedule_id(ann_, "a", at(10));
  clock().advance_ms(1);
  const std::string b = schedule_id(ann_, "b", at(20));
  clock().advance_ms(1);
  const std::string c = schedule_id(ann_, "c", at(30));
  Reply first = get("/api/v1/scheduled_statuses?limit=2", ann_.token);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(ids(first), (Strings{c, b}));
  Reply next = follow_link(first, "next", ann_.token);
  EXPECT_EQ(ids(next), (Strings{a}));
  EXPECT_EQ(scheduled_of(ann_, "?min_id=" + a), (Strings{c, b}));
  EXPECT_EQ(scheduled_of(ann_, "?since_id=" + b), (Strings{c}));
}

TEST_F(ScheduledStatusesApi, ScopesAndLimits) {
  EXPECT_EQ(get("/api/v1/scheduled_statuses").status, 401);
  EXPECT_EQ(get("/api/v1/scheduled_statuses", default_app_token()).status, 422);
  Reply grant = password_grant(default_app(), "ann", kPassword, "write:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  EXPECT_EQ(get("/api/v1/scheduled_statuses", str(json(grant), "access_token")).status, 403);
  // 25 a day, as Mastodon.
  for (int i = 0; i < 25; ++i) ASSERT_EQ(schedule(ann_, "n", at(60 + i)).status, 200) << i;
  Reply over = schedule(ann_, "one too many", at(100));
  EXPECT_EQ(over.status, 422);
  EXPECT_EQ(str(json(over), "error"),
            "Validation failed: You have exceeded the limit of 25 scheduled posts for today");
  EXPECT_EQ(schedule(ann_, "tomorrow", at(24 * 60)).status, 200);
  EXPECT_EQ(scheduled_of(ann_, "?limit=40").size(), 26u);
}

}  // namespace
}  // namespace kindred::testing
