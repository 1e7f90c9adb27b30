#include "http/static_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/server.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace kindred::http {
namespace {

using kindred::testing::HttpClient;
using kindred::testing::TempDir;

constexpr std::string_view kBytes = "0123456789abcdefghij";  // 20 bytes
constexpr std::string_view kTag = "c0ffee";

Request request(Method method, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request req;
  req.method = method;
  req.set_target("/files/x.jpg");
  req.headers = std::move(headers);
  return req;
}

Response serve(const Request& req, bool immutable = true, std::string_view etag = kTag,
               std::string bytes = std::string(kBytes)) {
  return file_response(req, std::move(bytes), "image/jpeg", etag, immutable);
}

// All values of header `name`, joined by "|"; "<none>" when absent. Names compare exactly, as
// file_response spells them.
std::string header(const Response& res, std::string_view name) {
  std::string out;
  for (const auto& [k, v] : res.headers) {
    if (k != name) continue;
    if (!out.empty()) out += "|";
    out += v;
  }
  return out.empty() ? "<none>" : out;
}

Response get_with(std::string name, std::string value) {
  return serve(request(Method::kGet, {{std::move(name), std::move(value)}}));
}

TEST(FileResponse, SendsTheWholeFileWithValidatorsAndCacheHeaders) {
  Response res = serve(request(Method::kGet));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, kBytes);
  EXPECT_EQ(res.content_type, "image/jpeg");
  EXPECT_EQ(header(res, "ETag"), "\"c0ffee\"");
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(res, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(res, "Content-Range"), "<none>");
}

TEST(FileResponse, MutableFilesAskCachesToRevalidate) {
  Response res = serve(request(Method::kGet), /*immutable=*/false);
  EXPECT_EQ(header(res, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(res, "ETag"), "\"c0ffee\"");
}

TEST(FileResponse, IfNoneMatchWithTheCurrentTagIs304WithValidatorsAndNoBody) {
  Response res = get_with("if-none-match", "\"c0ffee\"");
  EXPECT_EQ(res.status, 304);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(header(res, "ETag"), "\"c0ffee\"");
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST(FileResponse, IfNoneMatchComparesWeakly) {
  EXPECT_EQ(get_with("if-none-match", "W/\"c0ffee\"").status, 304);
}

TEST(FileResponse, IfNoneMatchAcceptsListsAndStar) {
  EXPECT_EQ(get_with("if-none-match", "\"a\", W/\"b\",\"c0ffee\"").status, 304);
  EXPECT_EQ(get_with("if-none-match", " \"a\" ,, \"c0ffee\" ").status, 304);
  EXPECT_EQ(get_with("if-none-match", "\"a,b\", \"c0ffee\"").status, 304);  // ',' inside a tag
  EXPECT_EQ(get_with("if-none-match", "*").status, 304);
  EXPECT_EQ(get_with("if-none-match", " * ").status, 304);
}

TEST(FileResponse, IfNoneMatchWithOtherTagsSendsTheFile) {
  for (std::string value :
       {"\"other\"", "\"a\", W/\"b\"", "\"c0ffe\"", "\"c0ffee2\"", "\"C0FFEE\"", "\"\""}) {
    Response res = get_with("if-none-match", value);
    EXPECT_EQ(res.status, 200) << value;
    EXPECT_EQ(res.body, kBytes) << value;
  }
}

TEST(FileResponse, MalformedIfNoneMatchElementsDoNotMatch) {
  // Unquoted, unterminated, lower-case weak prefix, '*' in a list, junk after a tag.
  for (std::string value :
       {"c0ffee", "\"c0ffee", "w/\"c0ffee\"", "\"a\", *", "\"a\"x, \"c0ffee\"", ""}) {
    EXPECT_EQ(get_with("if-none-match", value).status, 200) << value;
  }
  // What came before a malformed element still counts.
  EXPECT_EQ(get_with("if-none-match", "\"c0ffee\", junk").status, 304);
}

TEST(FileResponse, IfNoneMatchOnAnyOfSeveralHeaderLinesCounts) {
  Request req =
      request(Method::kGet, {{"if-none-match", "\"old\""}, {"If-None-Match", "\"c0ffee\""}});
  EXPECT_EQ(serve(req).status, 304);
}

TEST(FileResponse, IfNoneMatchOnOtherMethodsIs412) {
  Request req = request(Method::kPost, {{"if-none-match", "*"}});
  Response res = serve(req);
  EXPECT_EQ(res.status, 412);
  EXPECT_EQ(res.body, R"({"error":"Precondition failed"})");
}

TEST(FileResponse, ClosedRangeIs206WithContentRange) {
  Response res = get_with("range", "bytes=2-5");
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "2345");
  EXPECT_EQ(header(res, "Content-Range"), "bytes 2-5/20");
  EXPECT_EQ(res.content_type, "image/jpeg");
  EXPECT_EQ(header(res, "ETag"), "\"c0ffee\"");
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(res, "Accept-Ranges"), "bytes");
}

TEST(FileResponse, SingleByteRanges) {
  Response first = get_with("range", "bytes=0-0");
  EXPECT_EQ(first.body, "0");
  EXPECT_EQ(header(first, "Content-Range"), "bytes 0-0/20");
  Response last = get_with("range", "bytes=19-19");
  EXPECT_EQ(last.body, "j");
  EXPECT_EQ(header(last, "Content-Range"), "bytes 19-19/20");
}

TEST(FileResponse, OpenRangeRunsToTheEnd) {
  Response res = get_with("range", "bytes=15-");
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "fghij");
  EXPECT_EQ(header(res, "Content-Range"), "bytes 15-19/20");
  EXPECT_EQ(get_with("range", "bytes=0-").body, kBytes);
}

TEST(FileResponse, SuffixRangeTakesTheLastBytes) {
  Response res = get_with("range", "bytes=-3");
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "hij");
  EXPECT_EQ(header(res, "Content-Range"), "bytes 17-19/20");
  // Longer than the file: all of it, still as a range.
  Response all = get_with("range", "bytes=-500");
  EXPECT_EQ(all.status, 206);
  EXPECT_EQ(all.body, kBytes);
  EXPECT_EQ(header(all, "Content-Range"), "bytes 0-19/20");
}

TEST(FileResponse, RangeEndPastTheFileIsClamped) {
  Response res = get_with("range", "bytes=18-1000");
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "ij");
  EXPECT_EQ(header(res, "Content-Range"), "bytes 18-19/20");
}

TEST(FileResponse, UnsatisfiableRangeIs416WithTheLength) {
  for (std::string value : {"bytes=20-", "bytes=20-25", "bytes=100-200", "bytes=-0"}) {
    Response res = get_with("range", value);
    EXPECT_EQ(res.status, 416) << value;
    EXPECT_EQ(header(res, "Content-Range"), "bytes */20") << value;
    EXPECT_EQ(res.body, R"({"error":"Range not satisfiable"})") << value;
    // An error about a range is not the file: nothing a cache could keep for the URL.
    EXPECT_EQ(header(res, "Cache-Control"), "<none>") << value;
    EXPECT_EQ(header(res, "ETag"), "<none>") << value;
  }
}

TEST(FileResponse, SeveralRangesAreIgnoredAndTheWholeFileSent) {
  for (std::string value : {"bytes=0-1,5-6", "bytes=0-1, -2", "bytes=0-1,100-200"}) {
    Response res = get_with("range", value);
    EXPECT_EQ(res.status, 200) << value;
    EXPECT_EQ(res.body, kBytes) << value;
    EXPECT_EQ(header(res, "Content-Range"), "<none>") << value;
  }
}

TEST(FileResponse, MalformedRangeIsIgnoredAndTheWholeFileSent) {
  for (std::string value :
       {"bytes=5-2", "bytes=a-b", "bytes=1-b", "items=0-1", "bytes=", "bytes=-", "bytes 0-1", "0-1",
        "bytes=0-1-2", "bytes=0 -1", "bytes=+1-2", "bytes=--1", "bytes=,", ""}) {
    Response res = get_with("range", value);
    EXPECT_EQ(res.status, 200) << value;
    EXPECT_EQ(res.body, kBytes) << value;
  }
}

TEST(FileResponse, RangeUnitIgnoresCaseAndListWhitespace) {
  Response res = get_with("range", "Bytes= 1-2 ,");
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "12");
}

TEST(FileResponse, HugeRangeNumbersSaturateInsteadOfOverflowing) {
  Response clamped = get_with("range", "bytes=10-99999999999999999999999999");
  EXPECT_EQ(clamped.status, 206);
  EXPECT_EQ(header(clamped, "Content-Range"), "bytes 10-19/20");
  EXPECT_EQ(get_with("range", "bytes=99999999999999999999999999-").status, 416);
  Response suffix = get_with("range", "bytes=-99999999999999999999999999");
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, kBytes);
}

TEST(FileResponse, EmptyFileIgnoresRanges) {
  for (std::string value : {"bytes=0-", "bytes=-5", "bytes=0-0"}) {
    Response res = serve(request(Method::kGet, {{"range", value}}), true, kTag, "");
    EXPECT_EQ(res.status, 200) << value;
    EXPECT_EQ(res.body, "") << value;
  }
}

TEST(FileResponse, IfRangeWithTheCurrentTagLetsTheRangeThrough) {
  Request req = request(Method::kGet, {{"range", "bytes=0-1"}, {"if-range", "\"c0ffee\""}});
  Response res = serve(req);
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.body, "01");
}

TEST(FileResponse, IfRangeWithAnotherTagAWeakTagOrADateSendsTheWholeFile) {
  for (std::string value : {"\"old\"", "W/\"c0ffee\"", "Wed, 21 Oct 2015 07:28:00 GMT", "c0ffee"}) {
    Request req = request(Method::kGet, {{"range", "bytes=0-1"}, {"if-range", value}});
    Response res = serve(req);
    EXPECT_EQ(res.status, 200) << value;
    EXPECT_EQ(res.body, kBytes) << value;
  }
  // Even an unsatisfiable range is ignored then.
  Request req = request(Method::kGet, {{"range", "bytes=50-"}, {"if-range", "\"old\""}});
  EXPECT_EQ(serve(req).status, 200);
}

TEST(FileResponse, IfNoneMatchIsDecidedBeforeRange) {
  Request req = request(Method::kGet, {{"range", "bytes=0-1"}, {"if-none-match", "\"c0ffee\""}});
  EXPECT_EQ(serve(req).status, 304);
}

TEST(FileResponse, HeadGetsWhatGetWouldGet) {
  // The server drops the body; the status, headers and body size must match GET's.
  for (auto headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"range", "bytes=1-2"}},
           {{"if-none-match", "\"c0ffee\""}},
           {{"range", "bytes=99-"}}}) {
    Response get = serve(request(Method::kGet, headers));
    Response head = serve(request(Method::kHead, headers));
    EXPECT_EQ(head.status, get.status);
    EXPECT_EQ(head.headers, get.headers);
    EXPECT_EQ(head.body.size(), get.body.size());
  }
}

TEST(FileResponse, RangeIsIgnoredForOtherMethods) {
  Response res = serve(request(Method::kPost, {{"range", "bytes=0-1"}}));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, kBytes);
}

TEST(FileResponse, EmptyOrInvalidTagSendsNoETagAndDisablesConditionals) {
  for (std::string_view tag :
       {std::string_view(""), std::string_view("a\"b"), std::string_view("a b"),
        std::string_view("a\r\nX-Evil: 1"), std::string_view("caf\xC3\xA9")}) {
    Request req = request(Method::kGet, {{"if-none-match", "*"}});
    Response res = serve(req, true, tag);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(header(res, "ETag"), "<none>");
    Request ranged = request(Method::kGet, {{"range", "bytes=0-1"}, {"if-range", "\"\""}});
    EXPECT_EQ(serve(ranged, true, tag).status, 200);
  }
}

class ReadFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = dir_.sub(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  TempDir dir_;
};

TEST_F(ReadFileTest, ReadsTheWholeFile) {
  std::string bytes("binary\0data\xff", 12);
  auto got = read_file(write("a.bin", bytes), 1024);
  ASSERT_TRUE(got.has_value()) << got.error().to_string();
  EXPECT_EQ(*got, bytes);
  auto empty = read_file(write("empty", ""), 1024);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, "");
}

TEST_F(ReadFileTest, LargerThanMaxIsInvalidArgumentAndExactlyMaxIsFine) {
  std::string path = write("big", std::string(100, 'b'));
  EXPECT_EQ(read_file(path, 99).status().code(), StatusCode::kInvalidArgument);
  auto ok = read_file(path, 100);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->size(), 100u);
}

TEST_F(ReadFileTest, MissingFileIsNotFound) {
  EXPECT_TRUE(read_file(dir_.sub("nope"), 1024).status().is_not_found());
  // A path through a regular file (ENOTDIR) is missing too.
  std::string file = write("file", "x");
  EXPECT_TRUE(read_file(file + "/child", 1024).status().is_not_found());
}

TEST_F(ReadFileTest, DirectoriesAndFifosAreNotFound) {
  EXPECT_TRUE(read_file(dir_.path(), 1024).status().is_not_found());
  std::string fifo = dir_.sub("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Returns at once rather than waiting for a writer.
  EXPECT_TRUE(read_file(fifo, 1024).status().is_not_found());
}

TEST(FileResponseServer, GetHeadRangesAnd304OverTheWire) {
  Router router;
  router.add(Method::kGet, "/files/:name", [](Request& req) {
    return file_response(req, std::string(kBytes), "image/jpeg", kTag, true);
  });
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  Server server(options, router);
  ASSERT_TRUE(server.start().is_ok());
  HttpClient client("127.0.0.1", server.port());

  auto full = client.get("/files/a.jpg");
  EXPECT_EQ(full.status, 200) << full.error;
  EXPECT_EQ(full.body, kBytes);
  EXPECT_EQ(full.header("content-length"), "20");
  EXPECT_EQ(full.header("etag"), "\"c0ffee\"");
  EXPECT_EQ(full.header("accept-ranges"), "bytes");

  auto head = client.head("/files/a.jpg");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), "20");

  auto not_modified = client.get("/files/a.jpg", {{"If-None-Match", "W/\"c0ffee\""}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_FALSE(not_modified.has_header("content-length"));
  EXPECT_FALSE(not_modified.has_header("content-type"));
  EXPECT_EQ(not_modified.header("etag"), "\"c0ffee\"");
  EXPECT_EQ(not_modified.header("cache-control"), "public, max-age=31536000, immutable");

  auto partial = client.get("/files/a.jpg", {{"Range", "bytes=-4"}});
  EXPECT_EQ(partial.status, 206);
  EXPECT_EQ(partial.body, "ghij");
  EXPECT_EQ(partial.header("content-length"), "4");
  EXPECT_EQ(partial.header("content-range"), "bytes 16-19/20");

  auto refused = client.get("/files/a.jpg", {{"Range", "bytes=20-"}});
  EXPECT_EQ(refused.status, 416);
  EXPECT_EQ(refused.header("content-range"), "bytes */20");

  // Every answer above left the connection clean for the next one (no stray body bytes).
  EXPECT_EQ(client.get("/files/a.jpg").body, kBytes);
  EXPECT_EQ(client.connections_opened(), 1);

  // Over a raw socket: the 304 carries no Content-Length and no body at all.
  std::string raw = client.raw_exchange(
      "GET /files/a.jpg HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"c0ffee\"\r\nConnection: "
      "close\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u) << raw;
  EXPECT_EQ(raw.find("Content-Length"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.size() - 4), "\r\n\r\n") << raw;
}

}  // namespace
}  // namespace kindred::http
