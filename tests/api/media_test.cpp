// POST /api/v2/media and /api/v1/media, GET/PUT/DELETE /api/v1/media/:id, media_ids on
// POST /api/v1/statuses, the files under /system/media/, the sweep of unattached uploads, and
// PATCH /api/v1/accounts/update_credentials.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "media/synth.h"
#include "media/test_images.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
namespace ti = media::test_images;
using Part = HttpClient::Part;

std::string photo(int width = 800, int height = 600, uint64_t seed = 1, const char* format = "jpg") {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.seed = seed;
  spec.format = format;
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().to_string();
  return bytes.has_value() ? *bytes : std::string();
}

class MediaApi : public ApiTest {
 protected:
  explicit MediaApi(ServerOptions options = {}) : ApiTest(options) {}

  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    bob_ = register_user("bob");
  }

  Reply upload(const User& who, std::string bytes, std::vector<Part> extra = {},
               std::string_view path = "/api/v2/media", std::string filename = "photo.jpg",
               std::string type = "image/jpeg") {
    extra.push_back({"file", std::move(bytes), std::move(filename), std::move(type)});
    return http().post_multipart(path, extra, who.token);
  }
  // Uploads and returns the new media id (a failure is recorded when it is not 200).
  std::string upload_id(const User& who, std::string bytes, std::vector<Part> extra = {}) {
    auto r = upload(who, std::move(bytes), std::move(extra));
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  Reply post_with_media(const User& who, const std::vector<std::string>& media_ids,
                        std::string_view text = "a photo") {
    bj::array ids;
    for (const auto& id : media_ids) ids.emplace_back(bj::string(id));
    return post("/api/v1/statuses", {{"status", text}, {"media_ids", ids}}, who.token);
  }
  // GET /api/v1/media/:id until it stops answering 206 (at most 5 s), as a client polls.
  Reply poll_until_processed(const User& who, const std::string& id) {
    Reply r;
    for (int i = 0; i < 500; ++i) {
      r = get("/api/v1/media/" + id, who.token);
      if (r.status != 206) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return r;
  }
  Reply fetch(std::string_view url, HttpClient::Headers headers = {}) {
    return http().get(local_path(url), std::move(headers));
  }
  // Regular files under <data-dir>/media (temp files included).
  size_t files_on_disk() {
    size_t n = 0;
    std::error_code ec;
    const auto root = data_dir() / "media";
    if (!std::filesystem::exists(root)) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root, ec))
      if (e.is_regular_file()) ++n;
    return n;
  }

  User ann_;
  User bob_;
};

TEST_F(MediaApi, UploadReturnsAMediaAttachmentWithFilesMetaAndBlurhash) {
  auto r = upload(ann_, photo(3000, 1500), {{"description", "A river at dusk"}, {"focus", "0.5,-0.25"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = json(r);
  EXPECT_FALSE(str(m, "id").empty());
  EXPECT_EQ(str(m, "type"), "image");
  EXPECT_EQ(str(m, "description"), "A river at dusk");
  EXPECT_TRUE(m.at("remote_url").is_null());
  EXPECT_EQ(str(m, "url").rfind(std::string(kBaseUrl) + "/system/media/", 0), 0u) << r.body;
  EXPECT_NE(str(m, "url"), str(m, "preview_url"));
  const auto& meta = m.at("meta");
  EXPECT_EQ(num(meta.at("original"), "width"), 2048);  // capped at 2048 on the longest side
  EXPECT_EQ(num(meta.at("original"), "height"), 1024);
  EXPECT_EQ(str(meta.at("original"), "size"), "2048x1024");
  EXPECT_DOUBLE_EQ(meta.at("original").at("aspect").as_double(), 2.0);
  EXPECT_EQ(num(meta.at("small"), "width"), 640);
  EXPECT_EQ(num(meta.at("small"), "height"), 320);
  EXPECT_DOUBLE_EQ(meta.at("focus").at("x").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(meta.at("focus").at("y").as_double(), -0.25);
  EXPECT_GE(str(m, "blurhash").size(), 6u);

  auto original = fetch(str(m, "url"));
  ASSERT_EQ(original.status, 200);
  EXPECT_EQ(original.header("content-type"), "image/jpeg");
  EXPECT_EQ(original.body.substr(0, 3), std::string("\xFF\xD8\xFF"));
  auto preview = fetch(str(m, "preview_url"));
  EXPECT_EQ(preview.status, 200);
  EXPECT_LT(preview.body.size(), original.body.size());
}

// A shared cache (a proxy, a CDN) in front of Kindred may keep public photos, never those of
// private or direct posts, nor uploads not yet posted.
TEST_F(MediaApi, PhotosOfPrivatePostsAreServedCacheControlPrivate) {
  auto cache_control = [&](const std::string& media_id) {
    auto m = json(get("/api/v1/media/" + media_id, ann_.token));
    return fetch(str(m, "url")).header("cache-control");
  };
  const std::string unposted = upload_id(ann_, photo(640, 480, 11));
  EXPECT_EQ(cache_control(unposted), "private, max-age=31536000, immutable");

  for (const char* visibility : {"private", "direct"}) {
    const std::string id = upload_id(ann_, photo(640, 480, visibility[0] == 'p' ? 12 : 13));
    bj::array ids{bj::string(id)};
    Reply r = post("/api/v1/statuses",
                   {{"status", "for friends"}, {"media_ids", ids}, {"visibility", visibility}},
                   ann_.token);
    ASSERT_EQ(r.status, 200) << r.body;
    auto url = str(json(r).at("media_attachments").at(0), "url");
    auto preview = str(json(r).at("media_attachments").at(0), "preview_url");
    EXPECT_EQ(fetch(url).header("cache-control"), "private, max-age=31536000, immutable")
        << visibility;
    EXPECT_EQ(fetch(preview).header("cache-control"), "private, max-age=31536000, immutable")
        << visibility;
  }

  const std::string shown = upload_id(ann_, photo(640, 480, 14));
  Reply r = post_with_media(ann_, {shown});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fetch(str(json(r).at("media_attachments").at(0), "url")).header("cache-control"),
            "public, max-age=31536000, immutable");
}

TEST_F(MediaApi, FilesAreServedImmutableWithEtagConditionalAndRangeRequests) {
  auto m = json(upload(ann_, photo()));
  const std::string url = str(m, "url");
  auto full = fetch(url);
  ASSERT_EQ(full.status, 200);
  const std::string etag = full.header("etag");
  EXPECT_FALSE(etag.empty());
  EXPECT_NE(full.header("cache-control").find("immutable"), std::string::npos);
  EXPECT_EQ(full.header("accept-ranges"), "bytes");

  auto again = fetch(url, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  auto part = fetch(url, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, full.body.substr(0, 10));
  EXPECT_EQ(part.header("content-range"), "bytes 0-9/" + std::to_string(full.body.size()));

  auto beyond = fetch(url, {{"Range", "bytes=" + std::to_string(full.body.size() + 10) + "-"}});
  EXPECT_EQ(beyond.status, 416);

  EXPECT_EQ(http().get("/system/media/../../store/CURRENT").status, 404);
  EXPECT_EQ(http().get("/system/media/" + std::string(64, 'a') + ".jpg").status, 404);
}

TEST_F(MediaApi, GpsAndOrientationNeverSurviveTheUpload) {
  if (!ti::have_exiftool()) GTEST_SKIP() << "exiftool is not installed";
  const std::string in_path = (data_dir() / "gps.jpg").string();
  ti::write_file(in_path, photo(600, 400));
  ASSERT_EQ(std::system(("exiftool -q -overwrite_original -Orientation#=6 -GPSLatitude=51.5 "
                         "-GPSLatitudeRef=N -GPSLongitude=0.12 -GPSLongitudeRef=W '" + in_path + "'")
                            .c_str()),
            0);
  auto r = upload(ann_, ti::read_file(in_path));
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = json(r);
  // Orientation 6 turns the 600 x 400 landscape into a 400 x 600 portrait.
  EXPECT_EQ(num(m.at("meta").at("original"), "width"), 400);
  EXPECT_EQ(num(m.at("meta").at("original"), "height"), 600);
  for (const char* key : {"url", "preview_url"}) {
    auto file = fetch(str(m, key));
    ASSERT_EQ(file.status, 200);
    const std::string out_path = (data_dir() / "served.jpg").string();
    ti::write_file(out_path, file.body);
    const std::string tags = ti::run("exiftool -a -G1 -s '" + out_path + "'");
    for (const char* group : {"[GPS]", "[IFD0]", "[ExifIFD]", "[XMP", "[ICC"})
      EXPECT_EQ(tags.find(group), std::string::npos) << key << " still has " << group << ":\n" << tags;
  }
}

TEST_F(MediaApi, SlowProcessingAnswers202ThenGet206UntilReady) {
  instance().media_for_test().pause_processing_for_test(true);
  auto r = upload(ann_, photo());
  ASSERT_EQ(r.status, 202) << r.body;
  auto m = json(r);
  EXPECT_TRUE(m.at("url").is_null());
  EXPECT_TRUE(m.at("preview_url").is_null());
  const std::string id = str(m, "id");
  EXPECT_EQ(get("/api/v1/media/" + id, ann_.token).status, 206);
  // Not attachable while processing; alt text can be written meanwhile and is kept.
  EXPECT_EQ(post_with_media(ann_, {id}).status, 422);
  auto edited = request("PUT", "/api/v1/media/" + id, R"({"description":"written while waiting"})",
                        {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(edited.status, 206) << edited.body;

  instance().media_for_test().pause_processing_for_test(false);
  Reply done = poll_until_processed(ann_, id);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_FALSE(json(done).at("url").is_null());
  EXPECT_EQ(str(json(done), "description"), "written while waiting");
  EXPECT_EQ(post_with_media(ann_, {id}).status, 200);
}

TEST_F(MediaApi, AsyncFailureIsReportedByGet) {
  instance().media_for_test().pause_processing_for_test(true);
  std::string jpeg = photo();
  auto r = upload(ann_, jpeg.substr(0, jpeg.size() / 2));  // the header is fine, the data is cut
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = str(json(r), "id");
  instance().media_for_test().pause_processing_for_test(false);
  Reply got = poll_until_processed(ann_, id);
  EXPECT_EQ(got.status, 422) << got.body;
  EXPECT_FALSE(str(json(got), "error").empty());
  EXPECT_EQ(post_with_media(ann_, {id}).status, 422);
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_F(MediaApi, V1UploadWaitsForProcessing) {
  auto r = upload(ann_, photo(), {}, "/api/v1/media");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json(r).at("url").is_null());
}

TEST_F(MediaApi, BadUploadsAreRefusedAndLeaveNothingBehind) {
  const std::string jpeg = photo();
  struct Case {
    const char* what;
    std::string bytes;
    std::string filename;
    std::string type;
  };
  const std::vector<Case> cases = {
      {"empty file", "", "photo.jpg", "image/jpeg"},
      {"text named .jpg", "this is not an image at all", "photo.jpg", "image/jpeg"},
      {"html", "<html><script>alert(1)</script></html>", "photo.png", "image/png"},
      {"truncated JPEG", jpeg.substr(0, jpeg.size() / 3), "photo.jpg", "image/jpeg"},
      {"image bomb", ti::png_header_only(50'000, 50'000), "bomb.png", "image/png"},
      {"pdf", "%PDF-1.4\n1 0 obj\n", "doc.pdf", "application/pdf"},
  };
  for (const auto& c : cases) {
    auto r = upload(ann_, c.bytes, {}, "/api/v2/media", c.filename, c.type);
    EXPECT_EQ(r.status, 422) << c.what << ": " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << c.what;
  }
  auto no_file = http().post_multipart("/api/v2/media", {{"description", "no file"}}, ann_.token);
  EXPECT_EQ(no_file.status, 422) << no_file.body;
  auto json_body = post("/api/v2/media", {{"file", "abc"}}, ann_.token);
  EXPECT_EQ(json_body.status, 422) << json_body.body;
  EXPECT_EQ(upload(ann_, jpeg, {{"focus", "2,0"}}).status, 422);
  EXPECT_EQ(upload(ann_, jpeg, {{"focus", "nonsense"}}).status, 422);
  EXPECT_EQ(upload(ann_, jpeg, {{"description", std::string(1501, 'x')}}).status, 422);
  // Alt text counts literally: a URL in it is as long as it is.
  EXPECT_EQ(upload(ann_, jpeg, {{"description", "https://example.com/" + std::string(1500, 'x')}}).status,
            422);
  EXPECT_EQ(http().post_multipart("/api/v2/media", {{"file", jpeg, "a.jpg", "image/jpeg"}}).status, 401);
  EXPECT_EQ(files_on_disk(), 0u);
}

class SmallUploadsApi : public MediaApi {
 protected:
  SmallUploadsApi() : MediaApi({.max_upload_mb = 1}) {}
};

TEST_F(SmallUploadsApi, OversizedFilesGet413) {
  // Just over the limit: the body fits the route's limit, the file does not.
  auto just_over = upload(ann_, std::string((1 << 20) + 100, 'x'));
  EXPECT_EQ(just_over.status, 413) << just_over.body;
  EXPECT_NE(str(json(just_over), "error").find("too large"), std::string::npos) << just_over.body;
  // Far over: refused from the Content-Length, before the body is read.
  auto far_over = upload(ann_, std::string(3 << 20, 'x'));
  EXPECT_EQ(far_over.status, 413) << far_over.body;
  EXPECT_EQ(files_on_disk(), 0u);
  // The server is still fine afterwards.
  EXPECT_EQ(upload(ann_, photo()).status, 200);
}

TEST_F(MediaApi, PutEditsAltTextAndFocusOfOwnUnattachedMediaOnly) {
  const std::string id = upload_id(ann_, photo());
  auto r = request("PUT", "/api/v1/media/" + id, R"({"description":"Our garden","focus":"-0.5,1"})",
                   {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "description"), "Our garden");
  EXPECT_DOUBLE_EQ(json(r).at("meta").at("focus").at("x").as_double(), -0.5);
  EXPECT_EQ(str(json(get("/api/v1/media/" + id, ann_.token)), "description"), "Our garden");

  auto bad = request("PUT", "/api/v1/media/" + id, R"({"focus":"0,1.5"})",
                     {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(str(json(get("/api/v1/media/" + id, ann_.token)), "description"), "Our garden");
  EXPECT_EQ(request("PUT", "/api/v1/media/" + id, R"({"description":"mine now"})",
                    {{"Content-Type", "application/json"}}, bob_.token)
                .status,
            404);
  EXPECT_EQ(get("/api/v1/media/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/media/123456", ann_.token).status, 404);

  ASSERT_EQ(post_with_media(ann_, {id}).status, 200);
  // Attached media are part of the post now.
  EXPECT_EQ(get("/api/v1/media/" + id, ann_.token).status, 404);
  EXPECT_EQ(request("PUT", "/api/v1/media/" + id, R"({"description":"x"})",
                    {{"Content-Type", "application/json"}}, ann_.token)
                .status,
            404);
}

TEST_F(MediaApi, StatusesCarryTheirPhotosInOrder) {
  const std::string a = upload_id(ann_, photo(800, 600, 1), {{"description", "first"}});
  const std::string b = upload_id(ann_, photo(600, 800, 2), {{"description", "second"}});
  auto r = post_with_media(ann_, {b, a}, "");  // a photo post needs no caption
  ASSERT_EQ(r.status, 200) << r.body;
  auto st = json(r);
  const auto& media = st.at("media_attachments").as_array();
  ASSERT_EQ(media.size(), 2u);
  EXPECT_EQ(str(media[0], "id"), b);
  EXPECT_EQ(str(media[0], "description"), "second");
  EXPECT_EQ(str(media[1], "id"), a);

  auto fetched = json(get("/api/v1/statuses/" + str(st, "id")));
  EXPECT_EQ(ids(fetched.at("media_attachments")), (std::vector<std::string>{b, a}));
  auto listed = json(get("/api/v1/accounts/" + ann_.id + "/statuses"));
  EXPECT_EQ(ids(listed.as_array()[0].at("media_attachments")), (std::vector<std::string>{b, a}));
}

TEST_F(MediaApi, MediaIdsMustBeOwnUnattachedAndAtMostFour) {
  const std::string mine = upload_id(ann_, photo(400, 300, 1));
  const std::string bobs = upload_id(bob_, photo(400, 300, 2));
  const int64_t before = num(me(ann_), "statuses_count");

  EXPECT_EQ(post_with_media(ann_, {"999999999"}).status, 422);
  EXPECT_EQ(post_with_media(ann_, {"not-a-number"}).status, 422);
  EXPECT_EQ(post_with_media(ann_, {bobs}).status, 422);
  EXPECT_EQ(post_with_media(ann_, {mine, mine}).status, 422);
  std::vector<std::string> five;
  for (int i = 0; i < 5; ++i) five.push_back(upload_id(ann_, photo(200, 200, 10 + i)));
  auto too_many = post_with_media(ann_, five);
  EXPECT_EQ(too_many.status, 422) << too_many.body;
  EXPECT_EQ(num(me(ann_), "statuses_count"), before);
  // Nothing was attached by the refused posts: all of them can still be used.
  EXPECT_EQ(post_with_media(ann_, {mine}).status, 200);
  EXPECT_EQ(post_with_media(ann_, {five[0], five[1], five[2], five[3]}).status, 200);
  // ... but only once.
  EXPECT_EQ(post_with_media(ann_, {mine}).status, 422);

  auto form = post_form("/api/v1/statuses", "status=hi&media_ids[]=" + five[4], ann_.token);
  EXPECT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(json(form).at("media_attachments").as_array().size(), 1u);
}

TEST_F(MediaApi, DeletingAStatusDeletesItsFilesUnlessAnotherPostUsesThem) {
  const std::string bytes = photo();
  const std::string a = upload_id(ann_, bytes);
  const std::string b = upload_id(bob_, bytes);  // the same file, content-addressed once
  auto ann_post = json(post_with_media(ann_, {a}));
  auto bob_post = json(post_with_media(bob_, {b}));
  const std::string url = str(ann_post.at("media_attachments").as_array()[0], "url");
  EXPECT_EQ(url, str(bob_post.at("media_attachments").as_array()[0], "url"));
  const size_t files = files_on_disk();

  auto deleted = del("/api/v1/statuses/" + str(ann_post, "id"), ann_.token);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json(deleted).at("media_attachments").as_array().size(), 1u);
  EXPECT_EQ(fetch(url).status, 200);  // Bob's post still shows it
  EXPECT_EQ(files_on_disk(), files);

  ASSERT_EQ(del("/api/v1/statuses/" + str(bob_post, "id"), bob_.token).status, 200);
  EXPECT_EQ(fetch(url).status, 404);
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_F(MediaApi, DeleteRemovesAnUnattachedUpload) {
  const std::string id = upload_id(ann_, photo());
  EXPECT_EQ(del("/api/v1/media/" + id, bob_.token).status, 404);
  auto r = del("/api/v1/media/" + id, ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(get("/api/v1/media/" + id, ann_.token).status, 404);
  EXPECT_EQ(del("/api/v1/media/" + id, ann_.token).status, 404);
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_F(MediaApi, UploadsNeverPostedAreSweptAfterADay) {
  // Larger than the preview, so each upload has two files.
  const std::string old_upload = upload_id(ann_, photo(800, 600, 1));
  const std::string posted = upload_id(ann_, photo(800, 600, 2));
  ASSERT_EQ(post_with_media(ann_, {posted}).status, 200);
  clock().advance_ms(23 * 3600 * 1000);
  const std::string recent = upload_id(ann_, photo(800, 600, 3));
  auto none = instance().media_for_test().sweep_unattached();
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0u);

  clock().advance_ms(2 * 3600 * 1000);  // the first upload is 25 hours old, the last 2 hours
  auto swept = instance().media_for_test().sweep_unattached();
  ASSERT_TRUE(swept.has_value()) << swept.error().to_string();
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(get("/api/v1/media/" + old_upload, ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/media/" + recent, ann_.token).status, 200);
  auto statuses = json(get("/api/v1/accounts/" + ann_.id + "/statuses"));
  const auto& kept = statuses.as_array()[0].at("media_attachments").as_array()[0];
  EXPECT_EQ(fetch(str(kept, "url")).status, 200);
  EXPECT_EQ(files_on_disk(), 4u);  // original and preview of the posted and the recent upload
}

TEST_F(MediaApi, ConcurrentUploadsAllSucceed) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client("127.0.0.1", instance().port());
      for (int i = 0; i < 3; ++i) {
        auto r = client.post_multipart(
            "/api/v2/media", {{"file", photo(1200, 900, 100 + t * 10 + i), "p.jpg", "image/jpeg"}},
            ann_.token);
        if (r.status == 200 || r.status == 202) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
}

TEST_F(MediaApi, UpdateCredentialsChangesTheProfile) {
  auto r = http().patch_multipart(
      "/api/v1/accounts/update_credentials",
      {{"display_name", "Ann Example"},
       {"note", "Gardener & <photographer>"},
       {"locked", "true"},
       {"fields_attributes[0][name]", "Pronouns"},
       {"fields_attributes[0][value]", "she/her"},
       {"fields_attributes[1][name]", "Home"},
       {"fields_attributes[1][value]", "Leeds"},
       {"avatar", photo(900, 600, 5), "me.jpg", "image/jpeg"},
       {"header", photo(2000, 1000, 6, "png"), "header.png", "image/png"}},
      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto a = json(r);
  EXPECT_EQ(str(a, "display_name"), "Ann Example");
  EXPECT_EQ(str(a, "note"), "<p>Gardener &amp; &lt;photographer&gt;</p>");
  EXPECT_EQ(a.at("locked").as_bool(), true);
  EXPECT_EQ(str(a.at("source"), "note"), "Gardener & <photographer>");
  const auto& fields = a.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(str(fields[0], "name"), "Pronouns");
  EXPECT_EQ(str(fields[0], "value"), "she/her");
  EXPECT_EQ(str(fields[1], "name"), "Home");
  EXPECT_EQ(a.at("source").at("fields").as_array().size(), 2u);

  auto avatar = fetch(str(a, "avatar"));
  ASSERT_EQ(avatar.status, 200) << str(a, "avatar");
  EXPECT_EQ(avatar.header("cache-control"), "public, max-age=31536000, immutable");
  auto avatar_image = ti::decode(avatar.body);
  EXPECT_EQ(avatar_image.width(), 400);
  EXPECT_EQ(avatar_image.height(), 400);
  auto header = fetch(str(a, "header"));
  ASSERT_EQ(header.status, 200);
  auto header_image = ti::decode(header.body);
  EXPECT_EQ(header_image.width(), 1500);
  EXPECT_EQ(header_image.height(), 500);

  // Others see it too, and a new avatar replaces (and deletes) the old file.
  EXPECT_EQ(str(json(get("/api/v1/accounts/" + ann_.id)), "display_name"), "Ann Example");
  auto again = http().patch_multipart("/api/v1/accounts/update_credentials",
                                      {{"avatar", photo(500, 500, 7), "me2.jpg", "image/jpeg"}},
                                      ann_.token);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(str(json(again), "avatar"), str(a, "avatar"));
  EXPECT_EQ(fetch(str(a, "avatar")).status, 404);
  EXPECT_EQ(str(json(again), "display_name"), "Ann Example");  // untouched fields stay

  // JSON works as well, fields as an array.
  auto js = request("PATCH", "/api/v1/accounts/update_credentials",
                    R"({"display_name":"Ann","fields_attributes":[{"name":"Site","value":"ann.example"}]})",
                    {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(js.status, 200) << js.body;
  EXPECT_EQ(str(json(js), "display_name"), "Ann");
  EXPECT_EQ(json(js).at("fields").as_array().size(), 1u);
}

TEST_F(MediaApi, AccountsWithoutPicturesGetTheDefaults) {
  auto a = json(get("/api/v1/accounts/" + bob_.id));
  EXPECT_EQ(str(a, "avatar"), std::string(kBaseUrl) + "/avatars/original/missing.png");
  EXPECT_EQ(get(local_path(str(a, "avatar"))).status, 200);
  EXPECT_EQ(get(local_path(str(a, "header"))).status, 200);
}

TEST_F(MediaApi, BadProfileUpdatesChangeNothing) {
  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "display_name=Ann&note=hello",
                              ann_.token).status, 200);
  struct Case {
    const char* what;
    std::vector<Part> parts;
    int status;
  };
  const std::vector<Case> cases = {
      {"long name", {{"display_name", std::string(31, 'a')}}, 422},
      {"long note", {{"note", std::string(501, 'a')}}, 422},
      {"five fields",
       {{"fields_attributes[0][name]", "a"}, {"fields_attributes[1][name]", "b"},
        {"fields_attributes[2][name]", "c"}, {"fields_attributes[3][name]", "d"},
        {"fields_attributes[4][name]", "e"}},
       422},
      {"long field", {{"fields_attributes[0][value]", std::string(256, 'v')}}, 422},
      {"odd field key", {{"fields_attributes[x][name]", "a"}}, 422},
      {"avatar not an image", {{"display_name", "X"}, {"avatar", "not an image", "a.jpg", "image/jpeg"}}, 422},
      {"empty avatar", {{"avatar", "", "a.jpg", "image/jpeg"}}, 422},
      {"avatar bomb", {{"avatar", ti::png_header_only(50'000, 50'000), "a.png", "image/png"}}, 422},
      {"avatar as text", {{"avatar", "abc"}}, 422},
      {"locked not a boolean", {{"locked", "maybe"}}, 422},
  };
  for (const auto& c : cases) {
    auto r = http().patch_multipart("/api/v1/accounts/update_credentials", c.parts, ann_.token);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << c.what;
  }
  auto a = me(ann_);
  EXPECT_EQ(str(a, "display_name"), "Ann");
  EXPECT_EQ(str(a.at("source"), "note"), "hello");
  EXPECT_EQ(a.at("fields").as_array().size(), 0u);
  EXPECT_EQ(str(a, "avatar"), std::string(kBaseUrl) + "/avatars/original/missing.png");
  EXPECT_EQ(files_on_disk(), 0u);
  EXPECT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "display_name=x").status, 401);
}

}  // namespace
}  // namespace kindred::testing
