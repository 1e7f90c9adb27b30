#include "http/static_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "http/internal.h"

namespace kindred::http {
namespace {

using detail::iequals_ascii;
using detail::json_error;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// etagc = %x21 / %x23-7E (obs-text left out: nothing of ours needs it).
bool valid_opaque_tag(std::string_view tag) {
  if (tag.empty()) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x7e);
  });
}

// Whether an If-None-Match field value names `etag`: "*", or a list of entity-tags compared
// weakly (W/ ignored). A malformed element ends the list: what came before it still counts.
bool none_match_hits(std::string_view field, std::string_view etag) {
  field = trim_ows(field);
  if (field == "*") return true;
  size_t i = 0;
  while (i < field.size()) {
    // Empty list elements and the whitespace around them are allowed (RFC 9110 5.6.1).
    if (is_ows(field[i]) || field[i] == ',') {
      ++i;
      continue;
    }
    if (field.compare(i, 2, "W/") == 0) i += 2;
    if (i >= field.size() || field[i] != '"') return false;
    size_t close = field.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (field.substr(i + 1, close - i - 1) == etag) return true;
    i = close + 1;
    while (i < field.size() && is_ows(field[i])) ++i;
    if (i < field.size() && field[i] != ',') return false;
  }
  return false;
}

// If-Range holds one entity-tag or an HTTP-date; only the same strong tag lets a range through.
bool if_range_matches(std::string_view field, std::string_view etag) {
  field = trim_ows(field);
  return field.size() == etag.size() + 2 && field.front() == '"' && field.back() == '"' &&
         field.substr(1, etag.size()) == etag;
}

// 1*DIGIT into `out`, saturating at the largest uint64 (far past any file we hold).
bool parse_digits(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<uint64_t>(c - '0');
    v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
  }
  out = v;
  return true;
}

struct ByteRange {
  enum class Kind { kIgnore, kSatisfiable, kUnsatisfiable } kind = Kind::kIgnore;
  size_t first = 0;  // included
  size_t last = 0;   // included
};

// Interprets a Range field value against a representation of `total` bytes.
ByteRange parse_range(std::string_view field, size_t total) {
  ByteRange r;
  size_t eq = field.find('=');
  if (eq == std::string_view::npos || !iequals_ascii(trim_ows(field.substr(0, eq)), "bytes")) {
    return r;  // another unit or no unit: ignore
  }
  std::string_view spec;
  int specs = 0;
  std::string_view set = field.substr(eq + 1);
  while (!set.empty()) {
    size_t comma = set.find(',');
    std::string_view element = trim_ows(set.substr(0, comma));
    if (!element.empty()) {
      spec = element;
      ++specs;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (specs != 1 || total == 0) return r;  // none, several (no multipart/byteranges), or empty

  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return r;
  uint64_t first = 0;
  uint64_t last = 0;
  if (dash == 0) {  // "-n": the last n bytes
    if (!parse_digits(spec.substr(1), last)) return r;
    if (last == 0) {
      r.kind = ByteRange::Kind::kUnsatisfiable;
      return r;
    }
    r.kind = ByteRange::Kind::kSatisfiable;
    r.first = total - static_cast<size_t>(std::min<uint64_t>(last, total));
    r.last = total - 1;
    return r;
  }
  if (!parse_digits(spec.substr(0, dash), first)) return r;
  std::string_view last_text = spec.substr(dash + 1);
  if (last_text.empty()) {
    last = std::numeric_limits<uint64_t>::max();
  } else if (!parse_digits(last_text, last) || last < first) {
    return r;  // "5-2" is invalid, not unsatisfiable
  }
  if (first >= total) {
    r.kind = ByteRange::Kind::kUnsatisfiable;
    return r;
  }
  r.kind = ByteRange::Kind::kSatisfiable;
  r.first = static_cast<size_t>(first);
  r.last = static_cast<size_t>(std::min<uint64_t>(last, total - 1));
  return r;
}

}  // namespace

Response file_response(const Request& req, std::string bytes, std::string_view content_type,
                       std::string_view etag, bool immutable) {
  const bool has_etag = valid_opaque_tag(etag);
  const bool get_or_head = req.method == Method::kGet || req.method == Method::kHead;
  const size_t total = bytes.size();

  Response res;
  res.content_type = std::string(content_type);
  if (has_etag) res.set_header("ETag", "\"" + std::string(etag) + "\"");
  res.set_header("Cache-Control", std::string(immutable ? kImmutable : kRevalidate));
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("X-Content-Type-Options", "nosniff");

  if (has_etag) {
    for (const auto& [name, value] : req.headers) {
      if (!iequals_ascii(name, "if-none-match") || !none_match_hits(value, etag)) continue;
      if (!get_or_head) return json_error(412, "Precondition failed");
      res.status = 304;  // no body: the client's copy is current
      return res;
    }
  }

  std::optional<std::string_view> range = req.header("range");
  if (range && get_or_head) {
    std::optional<std::string_view> if_range = req.header("if-range");
    if (!if_range || (has_etag && if_range_matches(*if_range, etag))) {
      ByteRange r = parse_range(*range, total);
      if (r.kind == ByteRange::Kind::kUnsatisfiable) {
        // Not the file, so none of its cache headers: a cache must not keep this for the URL.
        Response refused = json_error(416, "Range not satisfiable");
        refused.set_header("Content-Range", "bytes */" + std::to_string(total));
        refused.set_header("Accept-Ranges", "bytes");
        return refused;
      }
      if (r.kind == ByteRange::Kind::kSatisfiable) {
        res.status = 206;
        res.set_header("Content-Range", "bytes " + std::to_string(r.first) + "-" +
                                            std::to_string(r.last) + "/" + std::to_string(total));
        bytes.erase(r.last + 1);
        bytes.erase(0, r.first);
        res.body = std::move(bytes);
        return res;
      }
    }
  }

  res.body = std::move(bytes);
  return res;
}

Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below anyway); regular
  // files ignore the flag.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::not_found("no such file: " + path.string());
    return Status::internal("cannot open " + path.string() + ": " + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return Status::internal("cannot stat " + path.string() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::not_found("not a regular file: " + path.string());
  auto too_large = [&] {
    return Status::invalid_argument(path.string() + " is larger than " + std::to_string(max_bytes) +
                                    " bytes");
  };
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) return too_large();

  // One byte more than the size, so a file that grew since fstat is noticed.
  const size_t cap = max_bytes < std::numeric_limits<size_t>::max() ? max_bytes + 1 : max_bytes;
  std::string out;
  out.resize(static_cast<size_t>(size) + 1);
  size_t len = 0;
  for (;;) {
    if (len == out.size()) {
      if (len > max_bytes) return too_large();
      out.resize(std::min<size_t>(std::max<size_t>(2 * len, 4096), cap));
    }
    ssize_t n = ::read(fd, out.data() + len, out.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::internal("cannot read " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  if (len > max_bytes) return too_large();
  out.resize(len);
  return out;
}

}  // namespace kindred::http
