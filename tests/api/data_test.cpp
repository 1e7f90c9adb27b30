// A person's data in Mastodon's formats: GET /api/v1/kindred/exports/:file, POST
// /api/v1/kindred/imports, POST and GET /api/v1/kindred/archive, GET .../archive/download.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "media/synth.h"
#include "media/zip.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Ids = std::vector<std::string>;
using Part = HttpClient::Part;

constexpr std::string_view kFollowingHeader =
    "Account address,Show boosts,Notify on new posts,Languages\n";

class DataApi : public ThreePeopleApi {
 protected:
  Reply export_csv(std::string_view file, std::string_view token) {
    return get("/api/v1/kindred/exports/" + std::string(file), token);
  }
  Reply import(const User& who, std::string csv, std::string type, std::string mode = "merge",
               std::string filename = "list.csv") {
    std::vector<Part> parts = {{"type", type}, {"mode", mode}};
    parts.push_back({"data", std::move(csv), std::move(filename), "text/csv"});
    return http().post_multipart("/api/v1/kindred/imports", parts, who.token);
  }
  Ids following(const User& who) {
    return ids(get("/api/v1/accounts/" + who.id + "/following", who.token));
  }
  // A token of `who` with only `scope`.
  std::string scoped_token(const User& who, std::string scope) {
    const App app = create_app(scope);
    Reply r = password_grant(app, who.username, kPassword, scope);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "access_token");
  }
  // GET /api/v1/kindred/archive until the archive is no longer pending (at most 30 s).
  bj::value wait_for_archive(const User& who) {
    Reply r;
    for (int i = 0; i < 3000; ++i) {
      r = get("/api/v1/kindred/archive", who.token);
      if (r.status != 200 || str(json(r), "state") != "pending") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
};

// The issue's export test: ann's following_accounts.csv, imported by a fresh account, gives it
// the same follows.
TEST_F(DataApi, FollowingExportImportedByAFreshAccountGivesTheSameFollows) {
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, ann_.token).status, 200);
  clock().advance_ms(1000);
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/follow", {}, ann_.token).status, 200);

  Reply csv = export_csv("following_accounts.csv", ann_.token);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.header("content-disposition"), "attachment; filename=\"following_accounts.csv\"");
  EXPECT_EQ(csv.body, std::string(kFollowingHeader) + "cat@kindred.test,true,false,\n" +
                          "bob@kindred.test,true,false,\n");

  User dan = register_user("dan");
  EXPECT_EQ(following(dan), Ids{});
  Reply r = import(dan, csv.body, "following", "merge", "following_accounts.csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), bj::parse(R"({"type":"following","mode":"merge","total_items":2,
      "imported_items":2,"removed_items":0,"refused_items":0,"refused":[]})"));
  auto mine = following(ann_), theirs = following(dan);
  std::sort(mine.begin(), mine.end());
  std::sort(theirs.begin(), theirs.end());
  EXPECT_EQ(theirs, mine);
  EXPECT_EQ(theirs.size(), 2u);
  // Exported again, dan's list names the same people.
  Reply again = export_csv("following_accounts.csv", dan.token);
  EXPECT_NE(again.body.find("bob@kindred.test,true,false,\n"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("cat@kindred.test,true,false,\n"), std::string::npos) << again.body;
}

TEST_F(DataApi, BlocksMutesAndBookmarksExportAsMastodonWritesThem) {
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  ASSERT_EQ(
      post("/api/v1/accounts/" + cat_.id + "/mute", {{"notifications", false}}, ann_.token).status,
      200);
  const std::string s1 = post_status(cat_, "first");
  clock().advance_ms(1000);
  const std::string s2 = post_status(cat_, "second");
  ASSERT_EQ(post("/api/v1/statuses/" + s1 + "/bookmark", {}, ann_.token).status, 200);
  clock().advance_ms(1000);
  ASSERT_EQ(post("/api/v1/statuses/" + s2 + "/bookmark", {}, ann_.token).status, 200);

  EXPECT_EQ(export_csv("blocked_accounts.csv", ann_.token).body, "bob@kindred.test\n");
  EXPECT_EQ(export_csv("muted_accounts.csv", ann_.token).body,
            "Account address,Hide notifications\ncat@kindred.test,false\n");
  EXPECT_EQ(export_csv("bookmarks.csv", ann_.token).body,
            "https://kindred.test/users/cat/statuses/" + s2 + "\n" +
                "https://kindred.test/users/cat/statuses/" + s1 + "\n");
  // Empty lists: the header alone where Mastodon writes one, nothing otherwise.
  EXPECT_EQ(export_csv("following_accounts.csv", bob_.token).body, kFollowingHeader);
  EXPECT_EQ(export_csv("blocked_accounts.csv", cat_.token).body, "");
  // A deleted post leaves the bookmarks.
  ASSERT_EQ(del("/api/v1/statuses/" + s2, cat_.token).status, 200);
  EXPECT_EQ(export_csv("bookmarks.csv", ann_.token).body,
            "https://kindred.test/users/cat/statuses/" + s1 + "\n");
}

TEST_F(DataApi, ImportAcceptsLocalAddressesAndRefusesOthersWithReasons) {
  User dan = register_user("dan");
  User eve = register_user("eve");
  const std::string csv =
      "Account address,Show boosts,Notify on new posts,Languages\n"
      "bob,true,false,\n"
      "@cat,true,false,\n"
      "dan@KINDRED.test,true,false,\n"
      "someone@mastodon.social,true,false,\n"
      "nobody,true,false,\n"
      "ann@kindred.test,true,false,\n";
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, eve.token).status, 200);
  Reply r = import(eve, csv, "following");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(num(j, "total_items"), 6);
  EXPECT_EQ(num(j, "imported_items"), 3);
  EXPECT_EQ(num(j, "refused_items"), 3);
  const auto& refused = j.at("refused").as_array();
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(num(refused[0], "line"), 5);
  EXPECT_EQ(str(refused[0], "value"), "someone@mastodon.social");
  EXPECT_EQ(str(refused[0], "reason"),
            "That account is on another server (mastodon.social); this server does not federate.");
  EXPECT_EQ(num(refused[1], "line"), 6);
  EXPECT_EQ(str(refused[1], "reason"), "There is no account by that name here.");
  EXPECT_EQ(str(refused[2], "value"), "ann@kindred.test");
  EXPECT_EQ(str(refused[2], "reason"), "You cannot follow this account");
  auto got = following(eve);
  std::sort(got.begin(), got.end());
  Ids want = {bob_.id, cat_.id, dan.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST_F(DataApi, BlockListWithoutHeaderAndMutesWithTheirNotificationSetting) {
  Reply blocks =
      import(ann_, "bob@kindred.test\n\ncat\n", "blocking", "merge", "blocked_accounts.csv");
  ASSERT_EQ(blocks.status, 200) << blocks.body;
  EXPECT_EQ(num(json(blocks), "imported_items"), 2);
  EXPECT_EQ(export_csv("blocked_accounts.csv", ann_.token).body,
            "cat@kindred.test\nbob@kindred.test\n");

  Reply mutes = import(
      bob_, "Account address,Hide notifications\ncat@kindred.test,false\nann,true\n", "muting");
  ASSERT_EQ(mutes.status, 200) << mutes.body;
  auto rel =
      json(get("/api/v1/accounts/relationships?id[]=" + cat_.id + "&id[]=" + ann_.id, bob_.token));
  EXPECT_TRUE(rel.at(0).at("muting").as_bool());
  EXPECT_FALSE(rel.at(0).at("muting_notifications").as_bool());
  EXPECT_TRUE(rel.at(1).at("muting").as_bool());
  EXPECT_TRUE(rel.at(1).at("muting_notifications").as_bool());
}

TEST_F(DataApi, OverwriteUndoesWhatTheFileDoesNotName) {
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/follow", {}, ann_.token).status, 200);
  User dan = register_user("dan");
  Reply r = import(ann_, std::string(kFollowingHeader) + "dan,true,false,\nbob,true,false,\n",
                   "following", "overwrite");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(num(json(r), "removed_items"), 1);
  EXPECT_EQ(num(json(r), "imported_items"), 2);
  auto got = following(ann_);
  std::sort(got.begin(), got.end());
  Ids want = {bob_.id, dan.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);

  // Merge keeps what is there.
  ASSERT_EQ(import(ann_, "cat\n", "following", "merge").status, 200);
  EXPECT_EQ(following(ann_).size(), 3u);
}

TEST_F(DataApi, BookmarksImportFromUrisAndUrls) {
  const std::string s1 = post_status(cat_, "first");
  const std::string s2 = post_status(cat_, "second");
  const std::string hidden = post_status(cat_, "only followers", {{"visibility", "private"}});
  const std::string csv = "https://kindred.test/users/cat/statuses/" + s1 + "\n" +
                          "https://kindred.test/@cat/" + s2 + "\n" +
                          "https://kindred.test/users/cat/statuses/" + hidden + "\n" +
                          "https://mastodon.social/users/x/statuses/1\n";
  Reply r = import(bob_, csv, "bookmarks");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(num(j, "imported_items"), 2);
  EXPECT_EQ(num(j, "refused_items"), 2);
  EXPECT_EQ(str(j.at("refused").at(0), "reason"),
            "There is no such post here, or you cannot see it.");
  EXPECT_EQ(str(j.at("refused").at(1), "reason"),
            "That post is on another server; this server does not federate.");
  auto got = ids(get("/api/v1/bookmarks", bob_.token));
  std::sort(got.begin(), got.end());
  Ids want = {s1, s2};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST_F(DataApi, BadImportsAreRefusedAndChangeNothing) {
  auto unchanged = [&] {
    EXPECT_EQ(following(ann_), Ids{});
    EXPECT_EQ(export_csv("blocked_accounts.csv", ann_.token).body, "");
  };
  auto error_of = [&](const Reply& r) { return str(json(r), "error"); };
  Reply r = import(ann_, "bob\n", "lists");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r),
            "Validation failed: Type must be one of following, blocking, muting, bookmarks");
  r = import(ann_, "bob\n", "following", "replace");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "Validation failed: Mode must be merge or overwrite");
  r = http().post_multipart("/api/v1/kindred/imports", {{"type", "following"}}, ann_.token);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "Validation failed: Data can't be blank");
  r = import(ann_, "bob\n\"cat,true\n", "following");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r),
            "Validation failed: Invalid CSV file. Error: Unclosed quoted field in line 2");
  r = import(ann_, "", "blocking");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "Validation failed: Empty CSV file");
  r = import(ann_, "#uri\nhttps://kindred.test/@bob/1\n", "following");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "Validation failed: Incompatible with the selected import type");
  std::string many;
  for (int i = 0; i < 20'001; ++i) many += "bob\n";
  r = import(ann_, many, "blocking");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "Validation failed: Data contains more than 20000 rows");
  unchanged();

  // Signed out, an app's own token, a token without the type's write scope.
  EXPECT_EQ(http()
                .post_multipart("/api/v1/kindred/imports",
                                {{"type", "following"}, {"data", "bob\n", "a.csv", "text/csv"}})
                .status,
            401);
  EXPECT_EQ(http()
                .post_multipart("/api/v1/kindred/imports",
                                {{"type", "following"}, {"data", "bob\n", "a.csv", "text/csv"}},
                                default_app_token())
                .status,
            422);
  const std::string blocks_only = scoped_token(ann_, "write:blocks");
  EXPECT_EQ(http()
                .post_multipart("/api/v1/kindred/imports",
                                {{"type", "following"}, {"data", "bob\n", "a.csv", "text/csv"}},
                                blocks_only)
                .status,
            403);
  unchanged();
  Reply ok = http().post_multipart("/api/v1/kindred/imports",
                                   {{"type", "blocking"}, {"data", "bob\n", "a.csv", "text/csv"}},
                                   blocks_only);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(DataApi, ExportsNeedTheirReadScope) {
  EXPECT_EQ(export_csv("following_accounts.csv", "").status, 401);
  EXPECT_EQ(export_csv("following_accounts.csv", default_app_token()).status, 422);
  EXPECT_EQ(export_csv("lists.csv", ann_.token).status, 404);
  EXPECT_EQ(export_csv("following_accounts", ann_.token).status, 404);
  const std::string follows_only = scoped_token(ann_, "read:follows");
  EXPECT_EQ(export_csv("following_accounts.csv", follows_only).status, 200);
  EXPECT_EQ(export_csv("blocked_accounts.csv", follows_only).status, 403);
  EXPECT_EQ(export_csv("muted_accounts.csv", follows_only).status, 403);
  EXPECT_EQ(export_csv("bookmarks.csv", follows_only).status, 403);
  EXPECT_EQ(export_csv("bookmarks.csv", scoped_token(ann_, "read:bookmarks")).status, 200);
}

std::string photo(uint64_t seed) {
  media::SynthSpec spec;
  spec.width = 640;
  spec.height = 480;
  spec.seed = seed;
  spec.format = "jpg";
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value());
  return bytes.has_value() ? *bytes : std::string();
}

TEST_F(DataApi, ArchiveHoldsOutboxActorLikesBookmarksAndPhotos) {
  auto profile = http().patch_multipart("/api/v1/accounts/update_credentials",
                                        {{"display_name", "Ann Example"},
                                         {"note", "Gardener & photographer"},
                                         {"fields_attributes[0][name]", "Pronouns"},
                                         {"fields_attributes[0][value]", "she/her"},
                                         {"avatar", photo(3), "me.jpg", "image/jpeg"}},
                                        ann_.token);
  ASSERT_EQ(profile.status, 200) << profile.body;
  Reply up = http().post_multipart(
      "/api/v1/media", {{"file", photo(1), "p.jpg", "image/jpeg"}, {"description", "a quiet lake"}},
      ann_.token);
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string media_url = str(json(up), "url");
  const std::string blob = media_url.substr(media_url.rfind('/') + 1);
  Reply made =
      post("/api/v1/statuses",
           {{"status", "By the #lake"}, {"media_ids", bj::array{bj::string(str(json(up), "id"))}}},
           ann_.token);
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string photo_post = str(json(made), "id");
  const std::string quiet = post_status(ann_, "followers only", {{"visibility", "private"}});
  const std::string bobs = post_status(bob_, "hello");
  const std::string cats = post_status(cat_, "hi");
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/favourite", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + cats + "/bookmark", {}, ann_.token).status, 200);

  EXPECT_EQ(get("/api/v1/kindred/archive", ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/kindred/archive/download", ann_.token).status, 404);
  Reply req = post("/api/v1/kindred/archive", {}, ann_.token);
  ASSERT_EQ(req.status, 202) << req.body;
  EXPECT_EQ(str(json(req), "state"), "pending");
  EXPECT_TRUE(json(req).at("url").is_null());
  auto state = wait_for_archive(ann_);
  ASSERT_EQ(str(state, "state"), "ready") << bj::serialize(state);
  EXPECT_EQ(str(state, "url"), "https://kindred.test/api/v1/kindred/archive/download");
  EXPECT_EQ(str(state, "created_at"), "2024-03-01T12:00:00.000Z");

  // Only its owner downloads it.
  EXPECT_EQ(get("/api/v1/kindred/archive/download", bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/kindred/archive/download").status, 401);
  Reply zip = get("/api/v1/kindred/archive/download", ann_.token);
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.header("content-type"), "application/zip");
  EXPECT_EQ(static_cast<int64_t>(zip.body.size()), num(state, "size"));
  const std::string path = (data_dir() / "downloaded.zip").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << zip.body;
  }
  auto names = media::zip_member_names(path);
  ASSERT_TRUE(names.has_value());
  std::sort(names->begin(), names->end());
  ASSERT_EQ(names->size(), 6u);
  EXPECT_EQ((*names)[0], "actor.json");
  EXPECT_EQ((*names)[1].substr(0, 7), "avatar.");
  EXPECT_EQ((*names)[2], "bookmarks.json");
  EXPECT_EQ((*names)[3], "likes.json");
  EXPECT_EQ((*names)[4], "media_attachments/files/" + blob);
  EXPECT_EQ((*names)[5], "outbox.json");
  auto member = [&](std::string_view name) {
    auto bytes = media::read_zip_member(path, name, 64 << 20);
    EXPECT_TRUE(bytes.has_value()) << name;
    return bytes.has_value() ? *bytes : std::string();
  };

  auto outbox = bj::parse(member("outbox.json"));
  EXPECT_EQ(str(outbox, "type"), "OrderedCollection");
  EXPECT_EQ(num(outbox, "totalItems"), 2);
  const auto& items = outbox.at("orderedItems").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(str(items[0], "type"), "Create");
  EXPECT_EQ(str(items[0].at("object"), "id"), "https://kindred.test/users/ann/statuses/" + quiet);
  EXPECT_EQ(items[0].at("object").at("to"),
            bj::parse(R"(["https://kindred.test/users/ann/followers"])"));
  const auto& note = items[1].at("object");
  EXPECT_EQ(str(note, "type"), "Note");
  EXPECT_EQ(str(note, "id"), "https://kindred.test/users/ann/statuses/" + photo_post);
  EXPECT_EQ(str(note, "attributedTo"), "https://kindred.test/users/ann");
  EXPECT_NE(str(note, "content").find("By the"), std::string::npos);
  EXPECT_EQ(note.at("to"), bj::parse(R"(["https://www.w3.org/ns/activitystreams#Public"])"));
  const auto& attachment = note.at("attachment").at(0);
  EXPECT_EQ(str(attachment, "url"), "media_attachments/files/" + blob);
  EXPECT_EQ(str(attachment, "name"), "a quiet lake");
  EXPECT_EQ(str(attachment, "mediaType"), "image/jpeg");
  EXPECT_EQ(str(note.at("tag").at(0), "name"), "#lake");
  // The photo in the archive is the file the server serves.
  Reply served = get(local_path(media_url));
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(member("media_attachments/files/" + blob), served.body);

  auto actor = bj::parse(member("actor.json"));
  EXPECT_EQ(str(actor, "type"), "Person");
  EXPECT_EQ(str(actor, "id"), "https://kindred.test/users/ann");
  EXPECT_EQ(str(actor, "name"), "Ann Example");
  EXPECT_EQ(str(actor, "summary"), "<p>Gardener &amp; photographer</p>");
  EXPECT_EQ(str(actor, "outbox"), "outbox.json");
  EXPECT_EQ(str(actor.at("icon"), "url"), (*names)[1]);
  EXPECT_EQ(actor.at("attachment"),
            bj::parse(R"([{"type":"PropertyValue","name":"Pronouns","value":"she/her"}])"));
  EXPECT_FALSE(member((*names)[1]).empty());

  auto likes = bj::parse(member("likes.json"));
  EXPECT_EQ(str(likes, "id"), "likes.json");
  EXPECT_EQ(likes.at("orderedItems"),
            (bj::array{bj::string("https://kindred.test/users/bob/statuses/" + bobs)}));
  auto bookmarks = bj::parse(member("bookmarks.json"));
  EXPECT_EQ(bookmarks.at("orderedItems"),
            (bj::array{bj::string("https://kindred.test/users/cat/statuses/" + cats)}));
  EXPECT_EQ(num(bookmarks, "totalItems"), 1);
}

TEST_F(DataApi, AnArchiveOnceADay) {
  EXPECT_EQ(post("/api/v1/kindred/archive", {}).status, 401);
  EXPECT_EQ(post("/api/v1/kindred/archive", {}, default_app_token()).status, 422);
  EXPECT_EQ(post("/api/v1/kindred/archive", {}, scoped_token(ann_, "read:follows")).status, 403);
  ASSERT_EQ(post("/api/v1/kindred/archive", {}, ann_.token).status, 202);
  auto first = wait_for_archive(ann_);
  ASSERT_EQ(str(first, "state"), "ready");
  EXPECT_EQ(str(first, "next_request_at"), "2024-03-02T12:00:00.000Z");
  clock().advance_ms(23LL * 60 * 60 * 1000);
  Reply again = post("/api/v1/kindred/archive", {}, ann_.token);
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(str(json(again), "error"), "You can only request an archive once a day");
  // Nothing changed: the first archive is still the one offered.
  EXPECT_EQ(str(json(get("/api/v1/kindred/archive", ann_.token)), "id"), str(first, "id"));
  // Another person's day is their own.
  EXPECT_EQ(post("/api/v1/kindred/archive", {}, bob_.token).status, 202);
  clock().advance_ms(60LL * 60 * 1000);
  Reply next = post("/api/v1/kindred/archive", {}, ann_.token);
  ASSERT_EQ(next.status, 202) << next.body;
  auto second = wait_for_archive(ann_);
  EXPECT_EQ(str(second, "state"), "ready");
  EXPECT_NE(str(second, "id"), str(first, "id"));
  EXPECT_EQ(get("/api/v1/kindred/archive/download", ann_.token).status, 200);
}

}  // namespace
}  // namespace kindred::testing
