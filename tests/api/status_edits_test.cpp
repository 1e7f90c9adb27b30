// PUT /api/v1/statuses/:id, GET /api/v1/statuses/:id/history and /source, and
// POST /api/v1/statuses/:id/translate.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "media/synth.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Part = HttpClient::Part;
using Strings = std::vector<std::string>;

std::string photo(uint64_t seed) {
  media::SynthSpec spec;
  spec.width = 320;
  spec.height = 240;
  spec.seed = seed;
  spec.format = "jpg";
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().to_string();
  return bytes.has_value() ? *bytes : std::string();
}

class StatusEditsApi : public ThreePeopleApi {
 protected:
  Reply put(const std::string& id, const bj::object& body, const User& who) {
    return request("PUT", "/api/v1/statuses/" + id, bj::serialize(body),
                   {{"Content-Type", "application/json"}}, who.token);
  }
  Reply history(const std::string& id, std::string_view token = "") {
    return get("/api/v1/statuses/" + id + "/history", token);
  }
  bj::value status(const std::string& id, std::string_view token = "") {
    Reply r = get("/api/v1/statuses/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  std::string upload(const User& who, uint64_t seed, std::string description = "") {
    std::vector<Part> parts;
    if (!description.empty()) parts.push_back({"description", description});
    parts.push_back({"file", photo(seed), "photo.jpg", "image/jpeg"});
    Reply r = http().post_multipart("/api/v2/media", parts, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  // The types of `who`'s notifications, newest first.
  Strings notification_types(const User& who) {
    Strings out;
    const bj::value list = json(get("/api/v1/notifications", who.token));
    for (const auto& n : list.as_array()) out.push_back(str(n, "type"));
    return out;
  }
  // What nobody but a successful edit may change: the status and its history as JSON.
  std::string snapshot(const std::string& id) {
    return get("/api/v1/statuses/" + id, ann_.token).body + history(id, ann_.token).body;
  }
};

TEST_F(StatusEditsApi, EditChangesTheTextAndKeepsLikesCommentsReblogsAndCounts) {
  const std::string id = post_status(ann_, "Sunrise over the #harbour");
  ASSERT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + id + "/reblog", {}, bob_.token).status, 200);
  post_status(cat_, "lovely", {{"in_reply_to_id", id}});
  clock().advance_ms(60'000);

  Reply r = put(id, {{"status", "Sunset over the #bay"}, {"spoiler_text", "light"}, {"language", "de"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value s = json(r);
  EXPECT_EQ(str(s, "id"), id);
  EXPECT_NE(str(s, "content").find("Sunset over the"), std::string::npos) << r.body;
  EXPECT_EQ(str(s, "spoiler_text"), "light");
  EXPECT_TRUE(s.at("sensitive").as_bool());  // a content warning makes it sensitive
  EXPECT_EQ(str(s, "language"), "de");
  EXPECT_EQ(str(s, "edited_at"), "2024-03-01T12:01:00.000Z");
  EXPECT_EQ(num(s, "favourites_count"), 1);
  EXPECT_EQ(num(s, "reblogs_count"), 1);
  EXPECT_EQ(num(s, "replies_count"), 1);
  EXPECT_EQ(s.at("tags").as_array().size(), 1u);
  EXPECT_EQ(str(s.at("tags").as_array()[0], "name"), "bay");

  // Everyone sees the new text at once, counts and flags kept.
  bj::value seen = status(id, bob_.token);
  EXPECT_EQ(str(seen, "content"), str(s, "content"));
  EXPECT_TRUE(seen.at("favourited").as_bool());
  EXPECT_TRUE(seen.at("reblogged").as_bool());
  EXPECT_EQ(ids(get("/api/v1/favourites", bob_.token)), (Strings{id}));
  EXPECT_EQ(json(get("/api/v1/statuses/" + id + "/context")).at("descendants").as_array().size(), 1u);
  // The hashtag lists follow the text.
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/harbour")), (Strings{}));
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/bay")), (Strings{id}));
  // The reblog shows the edited original.
  auto home = json(get("/api/v1/timelines/home", bob_.token)).as_array();
  bool found = false;
  for (const auto& item : home)
    if (item.at("reblog").is_object() && str(item.at("reblog"), "id") == id) {
      found = true;
      EXPECT_EQ(str(item.at("reblog"), "content"), str(s, "content"));
    }
  EXPECT_TRUE(found);
}

TEST_F(StatusEditsApi, RebloggersAreToldAndNewlyMentionedAccountsToo) {
  const std::string id = post_status(ann_, "Hello @bob");
  ASSERT_EQ(post("/api/v1/statuses/" + id + "/reblog", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, bob_.token).status, 200);
  EXPECT_EQ(notification_types(bob_), (Strings{"mention"}));
  EXPECT_EQ(notification_types(cat_), (Strings{}));
  clock().advance_ms(1000);

  ASSERT_EQ(put(id, {{"status", "Hello @bob and @cat"}}, ann_).status, 200);
  // As Mastodon: an "update" for those who reblogged it; a mention only for the newly mentioned.
  EXPECT_EQ(notification_types(cat_), (Strings{"update", "mention"}));
  EXPECT_EQ(notification_types(bob_), (Strings{"mention"}));
  auto update = json(get("/api/v1/notifications?types[]=update", cat_.token)).as_array();
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(str(update[0].at("account"), "id"), ann_.id);
  EXPECT_EQ(str(update[0].at("status"), "id"), id);
  EXPECT_NE(str(update[0].at("status"), "content").find("@<span>cat</span>"), std::string::npos)
      << update[0];
}

TEST_F(StatusEditsApi, HistoryListsTheOriginalThenEachEdit) {
  const std::string id = post_status(ann_, "first", {{"spoiler_text", "cw"}});
  clock().advance_ms(60'000);
  ASSERT_EQ(put(id, {{"status", "second"}}, ann_).status, 200);
  clock().advance_ms(60'000);
  ASSERT_EQ(put(id, {{"status", "third"}, {"sensitive", true}}, ann_).status, 200);

  Reply r = history(id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto versions = json(r).as_array();
  ASSERT_EQ(versions.size(), 3u) << r.body;
  EXPECT_EQ(texts(versions), (Strings{"first", "second", "third"}));
  EXPECT_EQ(str(versions[0], "spoiler_text"), "cw");
  EXPECT_TRUE(versions[0].at("sensitive").as_bool());
  EXPECT_EQ(str(versions[1], "spoiler_text"), "");
  EXPECT_FALSE(versions[1].at("sensitive").as_bool());
  EXPECT_TRUE(versions[2].at("sensitive").as_bool());
  EXPECT_EQ(str(versions[0], "created_at"), "2024-03-01T12:00:00.000Z");
  EXPECT_EQ(str(versions[1], "created_at"), "2024-03-01T12:01:00.000Z");
  EXPECT_EQ(str(versions[2], "created_at"), "2024-03-01T12:02:00.000Z");
  for (const auto& v : versions) {
    EXPECT_EQ(str(v.at("account"), "id"), ann_.id);
    EXPECT_TRUE(v.at("media_attachments").as_array().empty());
    EXPECT_TRUE(v.at("emojis").as_array().empty());
    EXPECT_FALSE(v.as_object().contains("poll"));  // as Mastodon, for a version without a poll
  }
  EXPECT_EQ(str(status(id), "edited_at"), "2024-03-01T12:02:00.000Z");
}

TEST_F(StatusEditsApi, AnUneditedPostHasItselfAsItsHistory) {
  const std::string id = post_status(ann_, "never changed");
  EXPECT_TRUE(status(id).at("edited_at").is_null());
  auto versions = json(history(id)).as_array();
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(texts(versions), (Strings{"never changed"}));
  EXPECT_EQ(str(versions[0], "created_at"), "2024-03-01T12:00:00.000Z");
}

TEST_F(StatusEditsApi, AnEditThatChangesNothingKeepsNoVersion) {
  const std::string id = post_status(ann_, "same", {{"language", "en"}});
  Reply r = put(id, {{"status", "same"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).at("edited_at").is_null());
  EXPECT_EQ(json(history(id)).as_array().size(), 1u);
}

TEST_F(StatusEditsApi, HistoryAndSourceFollowWhoMaySeeThePost) {
  const std::string id = post_status(ann_, "for followers", {{"visibility", "private"}, {"spoiler_text", "cw"}});
  EXPECT_EQ(history(id).status, 404);
  EXPECT_EQ(history(id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + id + "/source", bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + id + "/source").status, 401);
  Reply source = get("/api/v1/statuses/" + id + "/source", ann_.token);
  ASSERT_EQ(source.status, 200) << source.body;
  EXPECT_EQ(json(source), (bj::value{{"id", id}, {"text", "for followers"}, {"spoiler_text", "cw"}}));
  EXPECT_EQ(history(id, ann_.token).status, 200);

  const std::string open = post_status(ann_, "public *words*");
  Reply public_source = get("/api/v1/statuses/" + open + "/source", bob_.token);
  ASSERT_EQ(public_source.status, 200) << public_source.body;
  EXPECT_EQ(str(json(public_source), "text"), "public *words*");
  EXPECT_EQ(get("/api/v1/statuses/" + open + "/source", default_app_token()).status, 200);
  EXPECT_EQ(history(open).status, 200);
  EXPECT_EQ(history("12345").status, 404);
}

TEST_F(StatusEditsApi, OnlyTheAuthorEditsWithWriteStatuses) {
  const std::string id = post_status(ann_, "mine");
  // A reblog is not edited: its reblogger gets 404, as Mastodon.
  Reply reblog = post("/api/v1/statuses/" + id + "/reblog", {}, bob_.token);
  ASSERT_EQ(reblog.status, 200);
  EXPECT_EQ(put(str(json(reblog), "id"), {{"status", "x"}}, bob_).status, 404);
  const std::string before = snapshot(id);
  EXPECT_EQ(put(id, {{"status", "yours"}}, bob_).status, 404);
  EXPECT_EQ(request("PUT", "/api/v1/statuses/" + id, R"({"status":"x"})",
                    {{"Content-Type", "application/json"}}).status,
            401);
  EXPECT_EQ(request("PUT", "/api/v1/statuses/" + id, R"({"status":"x"})",
                    {{"Content-Type", "application/json"}}, default_app_token())
                .status,
            422);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read");
  ASSERT_EQ(grant.status, 200) << grant.body;
  EXPECT_EQ(request("PUT", "/api/v1/statuses/" + id, R"({"status":"x"})",
                    {{"Content-Type", "application/json"}}, str(json(grant), "access_token"))
                .status,
            403);
  EXPECT_EQ(put("99999", {{"status", "x"}}, ann_).status, 404);
  EXPECT_EQ(snapshot(id), before);
}

TEST_F(StatusEditsApi, BadInputIs422AndChangesNothing) {
  const std::string id = post_status(ann_, "steady");
  const std::string bobs_photo = upload(bob_, 3);
  const std::string before = snapshot(id);
  struct Case {
    bj::object body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{{"status", "   "}}, "Validation failed: Text can't be blank"},
      {{{"status", std::string(501, 'x')}}, "Validation failed: Text character limit of 500 exceeded"},
      {{{"status", std::string(490, 'x')}, {"spoiler_text", std::string(20, 'y')}},
       "Validation failed: Text character limit of 500 exceeded"},
      {{{"status", "ok"}, {"language", "not a language"}},
       "Validation failed: Language is not a valid ISO 639 code"},
      {{{"status", "ok"}, {"media_ids", bj::array{bobs_photo}}}, "Validation failed: Media could not be found"},
      {{{"status", "ok"}, {"media_ids", bj::array{"nonsense"}}}, "Validation failed: Media could not be found"},
      {{{"status", "ok"}, {"sensitive", "maybe"}}, ""},
      {{{"status", "ok"}, {"poll", bj::object{{"options", bj::array{"a", "b"}}}}}, ""},
      {{{"status", "ok"}, {"media_attributes", bj::array{bj::object{{"id", "1"}, {"colour", "red"}}}}}, ""},
  };
  for (const auto& c : cases) {
    Reply r = put(id, c.body, ann_);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body) << " -> " << r.body;
    if (!c.error.empty()) {
      EXPECT_EQ(str(json(r), "error"), c.error) << r.body;
    }
  }
  Reply bad_json = request("PUT", "/api/v1/statuses/" + id, "{not json",
                           {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(bad_json.status, 400) << bad_json.body;
  EXPECT_EQ(snapshot(id), before);
}

TEST_F(StatusEditsApi, PhotosAreAddedDescribedAndTakenOffWithTheirHistoryKept) {
  const std::string first = upload(ann_, 1, "a boat");
  const std::string second = upload(ann_, 2, "a gull");
  const std::string id = post_status(ann_, "harbour", {{"media_ids", bj::array{first}}});
  clock().advance_ms(1000);

  Reply r = put(id,
                {{"status", "harbour"},
                 {"media_ids", bj::array{second, first}},
                 {"media_attributes", bj::array{bj::object{{"id", first}, {"description", "a red boat"},
                                                           {"focus", "0.5,0.5"}}}}},
                ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto media = json(r).at("media_attachments").as_array();
  ASSERT_EQ(ids(media), (Strings{second, first}));
  EXPECT_EQ(str(media[0], "description"), "a gull");
  EXPECT_EQ(str(media[1], "description"), "a red boat");
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/statuses?only_media=true")), (Strings{id}));

  // More than four, someone else's or a photo of another post: 422, nothing changed.
  const std::string other_post_photo = upload(ann_, 4);
  const std::string other = post_status(ann_, "other", {{"media_ids", bj::array{other_post_photo}}});
  const std::string before = snapshot(id);
  bj::array five;
  for (uint64_t seed = 10; seed < 15; ++seed) five.emplace_back(bj::string(upload(ann_, seed)));
  EXPECT_EQ(put(id, {{"status", "x"}, {"media_ids", five}}, ann_).status, 422);
  EXPECT_EQ(put(id, {{"status", "x"}, {"media_ids", bj::array{other_post_photo}}}, ann_).status, 422);
  EXPECT_EQ(put(id,
                {{"status", "x"},
                 {"media_ids", bj::array{first}},
                 {"media_attributes", bj::array{bj::object{{"id", first}, {"focus", "3,3"}}}}},
                ann_)
                .status,
            422);
  EXPECT_EQ(snapshot(id), before);

  // Taking all photos off (media_ids left out, as in Mastodon): the post has none, the history
  // keeps each version's photos with the alt text they had then.
  clock().advance_ms(1000);
  ASSERT_EQ(put(id, {{"status", "harbour, no photos"}}, ann_).status, 200);
  EXPECT_TRUE(status(id).at("media_attachments").as_array().empty());
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/statuses?only_media=true")), (Strings{other}));
  auto versions = json(history(id)).as_array();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(ids(versions[0].at("media_attachments")), (Strings{first}));
  EXPECT_EQ(str(versions[0].at("media_attachments").as_array()[0], "description"), "a boat");
  EXPECT_EQ(ids(versions[1].at("media_attachments")), (Strings{second, first}));
  EXPECT_EQ(str(versions[1].at("media_attachments").as_array()[1], "description"), "a red boat");
  EXPECT_TRUE(versions[2].at("media_attachments").as_array().empty());

  // Deleting the post takes every photo it ever had: their files are gone.
  const std::string url = str(versions[1].at("media_attachments").as_array()[0], "url");
  EXPECT_EQ(get(local_path(url)).status, 200);
  ASSERT_EQ(del("/api/v1/statuses/" + id, ann_.token).status, 200);
  EXPECT_EQ(get(local_path(url)).status, 404);
  EXPECT_EQ(history(id).status, 404);
}

TEST_F(StatusEditsApi, FormEncodedEditsWithMediaAttributes) {
  const std::string photo_id = upload(ann_, 7, "before");
  const std::string id = post_status(ann_, "form", {{"media_ids", bj::array{photo_id}}});
  Reply r = request("PUT", "/api/v1/statuses/" + id,
                    form_body({{"status", "form edited"},
                               {"media_ids[]", photo_id},
                               {"media_attributes[][id]", photo_id},
                               {"media_attributes[][description]", "after"}}),
                    {{"Content-Type", "application/x-www-form-urlencoded"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("media_attachments").as_array()[0], "description"), "after");
  EXPECT_EQ(texts(json(history(id))), (Strings{"form", "form edited"}));
}

TEST_F(StatusEditsApi, TranslateAnswersAsAServerWithoutATranslationService) {
  const std::string id = post_status(ann_, "Bonjour", {{"language", "fr"}});
  Reply r = post("/api/v1/statuses/" + id + "/translate", {{"lang", "en"}}, bob_.token);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(str(json(r), "error"), "This action is not allowed");
  EXPECT_EQ(post("/api/v1/statuses/" + id + "/translate", {}).status, 401);
  const std::string hidden = post_status(ann_, "secret", {{"visibility", "private"}});
  EXPECT_EQ(post("/api/v1/statuses/" + hidden + "/translate", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/" + hidden + "/translate", {}, ann_.token).status, 403);
}

// A status id names no poll: 404 after the poll routes' authentication and scopes (polls_test.cpp
// has polls themselves).
TEST_F(StatusEditsApi, AStatusIdIsNoPollId) {
  const std::string id = post_status(ann_, "no poll here");
  EXPECT_TRUE(status(id).at("poll").is_null());
  EXPECT_EQ(get("/api/v1/polls/" + id).status, 404);
  Reply r = get("/api/v1/polls/" + id, bob_.token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(str(json(r), "error"), "Record not found");
  EXPECT_EQ(post("/api/v1/polls/" + id + "/votes", {{"choices", bj::array{"0"}}}).status, 401);
  EXPECT_EQ(post("/api/v1/polls/" + id + "/votes", {{"choices", bj::array{"0"}}}, default_app_token()).status, 422);
  Reply grant = password_grant(default_app(), "bob", kPassword, "read");
  ASSERT_EQ(grant.status, 200) << grant.body;
  EXPECT_EQ(post("/api/v1/polls/" + id + "/votes", {{"choices", bj::array{"0"}}}, str(json(grant), "access_token")).status,
            403);
  EXPECT_EQ(post("/api/v1/polls/" + id + "/votes", {{"choices", bj::array{"0"}}}, bob_.token).status, 404);
}

}  // namespace
}  // namespace kindred::testing
