// src/web/assets.h: the stylesheets and scripts under content-hashed names, cached as
// immutable, gzip-compressed once, and small enough for a slow phone.
#include "web/assets.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <iostream>
#include <regex>
#include <string>

namespace kindred::web {
namespace {

http::Request request_for(std::string_view file,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request req;
  req.set_target("/assets/" + std::string(file));
  req.path_params = {{"file", std::string(file)}};
  req.headers = std::move(headers);
  return req;
}

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      return v;
  return "";
}

// The bytes of a gzip stream, or "<gunzip failed>".
std::string gunzip(std::string_view gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return "<gunzip failed>";
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "<gunzip failed>";
}

// "/assets/site.0123456789abcdef.css" -> "site.0123456789abcdef.css"
std::string file_of(const std::string& url) { return url.substr(std::string("/assets/").size()); }

class AssetsTest : public ::testing::Test {
 protected:
  Assets assets_;
};

TEST_F(AssetsTest, UrlsCarryAContentHash) {
  EXPECT_TRUE(
      std::regex_match(assets_.url("site.css"), std::regex("/assets/site\\.[0-9a-f]{16}\\.css")))
      << assets_.url("site.css");
  for (const char* name : {"post.css", "grid.css", "profile.css", "home.css"}) {
    const std::string& url = assets_.url(name);
    EXPECT_TRUE(url.starts_with("/assets/")) << url;
    EXPECT_TRUE(url.ends_with(".css")) << url;
  }
  EXPECT_NE(assets_.url("site.css"), assets_.url("post.css"));
}

TEST_F(AssetsTest, ServesTheFileImmutableWithAnETag) {
  const std::string file = file_of(assets_.url("site.css"));
  http::Response r = assets_.serve(request_for(file));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/css; charset=utf-8");
  EXPECT_NE(header(r, "Cache-Control").find("immutable"), std::string::npos)
      << header(r, "Cache-Control");
  EXPECT_NE(header(r, "Cache-Control").find("max-age=31536000"), std::string::npos);
  EXPECT_FALSE(header(r, "ETag").empty());
  EXPECT_EQ(header(r, "Content-Encoding"), "");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(r.body.size(), assets_.size("site.css"));
  EXPECT_NE(r.body.find("{"), std::string::npos) << "CSS";
}

TEST_F(AssetsTest, SendsGzipToClientsThatAcceptItAndItInflatesToTheSameBytes) {
  const std::string file = file_of(assets_.url("post.css"));
  const std::string plain = assets_.serve(request_for(file)).body;
  http::Response r = assets_.serve(request_for(file, {{"accept-encoding", "gzip, deflate, br"}}));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(r.body.size(), assets_.gzip_size("post.css"));
  EXPECT_LT(r.body.size(), plain.size());
  EXPECT_EQ(gunzip(r.body), plain);
  // Each encoding has its own tag.
  EXPECT_NE(header(r, "ETag"), header(assets_.serve(request_for(file)), "ETag"));
  // Refused with q=0: the plain bytes.
  http::Response refused =
      assets_.serve(request_for(file, {{"accept-encoding", "gzip;q=0, identity"}}));
  EXPECT_EQ(header(refused, "Content-Encoding"), "");
  EXPECT_EQ(refused.body, plain);
}

TEST_F(AssetsTest, IfNoneMatchWithTheETagIs304) {
  const std::string file = file_of(assets_.url("site.css"));
  const std::string etag = header(assets_.serve(request_for(file)), "ETag");
  ASSERT_FALSE(etag.empty());
  http::Response r = assets_.serve(request_for(file, {{"if-none-match", etag}}));
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  const std::string gz_etag =
      header(assets_.serve(request_for(file, {{"accept-encoding", "gzip"}})), "ETag");
  EXPECT_EQ(
      assets_.serve(request_for(file, {{"accept-encoding", "gzip"}, {"if-none-match", gz_etag}}))
          .status,
      304);
  EXPECT_EQ(assets_.serve(request_for(file, {{"if-none-match", "\"0000000000000000\""}})).status,
            200);
}

TEST_F(AssetsTest, UnknownAndOutdatedNamesAre404) {
  for (const char* file : {"site.css", "nope.css", "site.0000000000000000.css", "site.css.gz",
                           "../CMakeLists.txt", "", "templates/layout.mustache"}) {
    http::Response r = assets_.serve(request_for(file));
    EXPECT_EQ(r.status, 404) << file;
    EXPECT_EQ(r.body.find("{"), std::string::npos) << file;
  }
  // An outdated name: the right stem, a hash of other content.
  std::string file = file_of(assets_.url("site.css"));
  file[5] = file[5] == '0' ? '1' : '0';
  EXPECT_EQ(assets_.serve(request_for(file)).status, 404) << file;
}

TEST_F(AssetsTest, EachPageKindLoadsAtMost20KBOfGzippedCss) {
  constexpr size_t kBudget = 20 * 1024;
  const std::vector<std::vector<std::string>> kinds = {
      {"site.css", "post.css"},                 // a post
      {"site.css", "grid.css", "profile.css"},  // a profile
      {"site.css", "grid.css"},                 // explore, a tag
      {"site.css", "grid.css", "home.css"},     // the front page
  };
  for (const auto& kind : kinds) {
    size_t total = 0;
    std::string names;
    for (const auto& name : kind) {
      total += assets_.gzip_size(name);
      names += name + " ";
    }
    EXPECT_LE(total, kBudget) << names;
  }
}

// The budget for the whole app, whatever pages load: all stylesheets together at most
// 20 KB gzipped, all scripts at most 30 KB.
TEST_F(AssetsTest, TheWholeAppIsAtMost20KBOfCssAnd30KBOfJavaScriptGzipped) {
  size_t css = 0, js = 0;
  for (const auto& name : assets_.names()) {
    if (name.ends_with(".css")) css += assets_.gzip_size(name);
    if (name.ends_with(".js")) js += assets_.gzip_size(name);
  }
  EXPECT_GT(css, 0u);
  EXPECT_GT(js, 0u);
  EXPECT_LE(css, 20u * 1024) << "CSS, gzipped";
  EXPECT_LE(js, 30u * 1024) << "JavaScript, gzipped";
  std::cout << "[ sizes    ] CSS " << css << " B, JavaScript " << js << " B gzipped\n";
}

TEST(Gzip, RoundTripsAtEveryLevel) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "line " + std::to_string(i) + " of some CSS\n";
  for (int level : {1, 6, 12}) EXPECT_EQ(gunzip(gzip(text, level)), text) << level;
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(AcceptsGzip, ReadsTheCodingsAndTheirWeights) {
  auto with = [](std::string value) {
    http::Request req;
    req.headers.emplace_back("accept-encoding", std::move(value));
    return accepts_gzip(req);
  };
  EXPECT_TRUE(with("gzip"));
  EXPECT_TRUE(with("br, GZIP"));
  EXPECT_TRUE(with("gzip, deflate, br"));
  EXPECT_TRUE(with("gzip;q=0.5"));
  EXPECT_TRUE(with("deflate;q=0, gzip"));
  EXPECT_FALSE(with("gzip;q=0"));
  EXPECT_FALSE(with("gzip; q=0"));
  EXPECT_FALSE(with("gzip;q=0.000"));
  EXPECT_FALSE(with("x-gzip2, deflate"));
  EXPECT_FALSE(with("identity"));
  EXPECT_FALSE(with(""));
  EXPECT_FALSE(accepts_gzip(http::Request{}));
}

}  // namespace
}  // namespace kindred::web
