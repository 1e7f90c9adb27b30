#include "http/multipart.h"

#include <gtest/gtest.h>

#include <random>

namespace kindred::http {
namespace {

TEST(Multipart, BoundaryComesFromTheContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a;b\""), "a;b");
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("application/json; boundary=abc"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary="));
}

TEST(Multipart, ParsesFieldsAndFiles) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nhello\r\nworld\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--XyZ--\r\n";
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "status");
  EXPECT_EQ((*parts)[0].data, "hello\r\nworld");
  EXPECT_EQ((*parts)[1].filename, "a.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parts)[1].data, "\xff\xd8");
}

TEST(Multipart, MalformedBodiesAreRefused) {
  const char* bad[] = {
      "",                                                                   // nothing
      "--other\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--other--",  // wrong boundary
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",         // never closed
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nx\r\n--B--",   // no blank line
      "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--",           // no name
      "--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",  // not form-data
      "--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--B--",  // unterminated quote
      "--B\r\n\r\nx\r\n--B--",                                              // no headers at all
      "--Bjunk",                                                            // garbage after delimiter
  };
  for (const char* b : bad) EXPECT_FALSE(parse_multipart(b, "B")) << b;
}

TEST(Multipart, RandomBytesNeverCrash) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::string pieces[] = {"--B", "\r\n", "Content-Disposition: form-data; name=\"a\"",
                                "\"", ";", "--", "x", "filename=\"f\"", "\r\n\r\n"};
  for (int i = 0; i < 5000; ++i) {
    std::string body;
    const int n = static_cast<int>(rng() % 12);
    for (int j = 0; j < n; ++j) body += pieces[rng() % std::size(pieces)];
    auto parts = parse_multipart(body, "B");
    if (parts) {
      for (const auto& p : *parts) EXPECT_LE(p.data.size(), body.size());
    }
  }
}

}  // namespace
}  // namespace kindred::http
