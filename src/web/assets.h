#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace kindred::web {

// The stylesheets and scripts of src/web/assets, served from memory under content-hashed names
// ("/assets/post.3f2a1c9b0d4e5f60.css"): a changed file gets a new name, so every answer is
// cached for a year as immutable. Each is gzip-compressed once, at construction, and sent so
// to clients that accept gzip (Vary: Accept-Encoding). Immutable after construction.
class Assets {
 public:
  Assets();

  // The URL path of the asset `name` ("post.css"). REQUIRES: `name` is an embedded asset
  // (a missing one is a build mistake: it aborts at start-up, never at a request).
  const std::string& url(std::string_view name) const;
  // GET /assets/:file. 404 for an unknown or outdated name.
  http::Response serve(const http::Request& req) const;
  // Bytes of `name` as sent without and with gzip (for size checks and benchmarks).
  size_t size(std::string_view name) const;
  size_t gzip_size(std::string_view name) const;
  // Every asset's name ("post.css"), in order.
  std::vector<std::string> names() const;

 private:
  struct Asset {
    std::string url;           // "/assets/post.<hash>.css"
    std::string content_type;  // "text/css; charset=utf-8"
    std::string etag;          // the hash
    std::string bytes;
    std::string gzip;
  };
  const Asset& find(std::string_view name) const;
  std::map<std::string, Asset, std::less<>> by_name_;      // "post.css"
  std::map<std::string, const Asset*, std::less<>> by_file_;  // "post.<hash>.css"
};

// Whether the request's Accept-Encoding takes gzip (listed, case-insensitively, with a weight
// above 0: "gzip", "gzip;q=0.5", not "gzip; q=0" nor "gzip;q=0.000").
bool accepts_gzip(const http::Request& req);

// gzip (RFC 1952) of `bytes` at `level` (1 fastest .. 12 smallest; libdeflate's levels).
std::string gzip(std::string_view bytes, int level = 12);

}  // namespace kindred::web
