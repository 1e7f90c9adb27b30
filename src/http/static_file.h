#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace kindred::http {

// Answers a GET or HEAD for a file held in memory (`bytes`), with validators, caching and byte
// ranges (RFC 9110). Register it on a GET route: HEAD reaches it through the Router's fallback
// and the server leaves the body out, so HEAD gets the headers GET would get.
//
// `etag` is the opaque tag without quotes (a content hash, say); it is sent strong and quoted:
// `ETag: "abc"`. An empty etag, or one with a byte outside RFC 9110's etagc ('!' and '#'..'~';
// obs-text is refused too), sends no ETag and disables If-None-Match and If-Range. `immutable`
// sends `Cache-Control: public, max-age=31536000, immutable` (for names that change with the
// content); otherwise `Cache-Control: no-cache`, so caches revalidate with the ETag.
//
// Every answer carries ETag, Cache-Control, `Accept-Ranges: bytes` and
// `X-Content-Type-Options: nosniff`. In order:
// - If-None-Match (all such headers; `*` or a list of tags, weak comparison, so W/"abc" matches)
//   matching: 304 with no body for GET and HEAD, 412 for any other method.
// - Range, for GET and HEAD only, exactly one `bytes=a-b`, `bytes=a-` or `bytes=-n`: 206 with
//   those bytes and `Content-Range: bytes a-b/total` (`b` past the end is clamped; `-n` longer
//   than the file means all of it). If-Range, when present, must name this ETag by strong
//   comparison (a weak tag or a date never matches) or the whole file is sent with 200.
//   A start at or past the end, or `-0`: 416 {"error":"Range not satisfiable"} with
//   `Content-Range: bytes */total`. Several ranges, another unit, malformed syntax, or any range
//   of an empty file: the Range header is ignored (RFC 9110 allows it) and 200 sends all.
// - Otherwise 200 with all of `bytes`, `content_type` as Content-Type.
// If-Match and If-(Un)Modified-Since are not evaluated. Thread-safe.
Response file_response(const Request& req, std::string bytes, std::string_view content_type,
                       std::string_view etag, bool immutable);

// Reads the whole regular file at `path`.
// Errors: NotFound if nothing is there or it is not a regular file (a directory, a socket);
// InvalidArgument if it is larger than `max_bytes`; Internal for other failures (permissions,
// I/O), with the reason in the message. Blocking I/O: call it off the network threads or for
// small files only. Thread-safe.
Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes);

}  // namespace kindred::http
