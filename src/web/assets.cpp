#include "web/assets.h"

#include <libdeflate.h>

#include <cstdio>
#include <cstdlib>

#include "http/static_file.h"
#include "web/embedded.h"

namespace kindred::web {

namespace {

constexpr std::string_view kPrefix = "assets/";

// FNV-1a, 64 bits: a stable content hash for cache-busting names (not a security boundary).
std::string content_hash(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js") || name.ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

bool accepts_gzip(const http::Request& req) {
  auto header = req.header("accept-encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    if (coding.size() != 4 || (coding[0] | 0x20) != 'g' || (coding[1] | 0x20) != 'z' ||
        (coding[2] | 0x20) != 'i' || (coding[3] | 0x20) != 'p')
      continue;
    if (semi == std::string_view::npos) return true;
    // "q=0", "q=0.0", "q=0.000" refuse it; any other weight accepts it.
    std::string_view params = item.substr(semi + 1);
    const size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view v = params.substr(q + 2);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

std::string gzip(std::string_view bytes, int level) {
  // libdeflate rather than zlib: a page is compressed on every request, and with zlib's fastest
  // level that took 30% of the server's CPU on the memorial post's page; libdeflate compresses the
  // same page smaller in about a third of the time (docs/PERFORMANCE.md, "Web pages"). One
  // compressor per thread and level, made once.
  struct Compressor {
    libdeflate_compressor* c = nullptr;
    ~Compressor() {
      if (c) libdeflate_free_compressor(c);
    }
  };
  thread_local Compressor compressors[13];
  if (level < 1 || level > 12) level = 12;
  Compressor& comp = compressors[level];
  if (!comp.c) {
    comp.c = libdeflate_alloc_compressor(level);
    if (!comp.c) std::abort();
  }
  std::string out(libdeflate_gzip_compress_bound(comp.c, bytes.size()), '\0');
  const size_t n = libdeflate_gzip_compress(comp.c, bytes.data(), bytes.size(), out.data(), out.size());
  if (n == 0) std::abort();  // the bound always suffices
  out.resize(n);
  return out;
}

Assets::Assets() {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& f = kEmbeddedFiles[i];
    if (!f.name.starts_with(kPrefix)) continue;
    const std::string name(f.name.substr(kPrefix.size()));
    const size_t dot = name.rfind('.');
    Asset a;
    a.etag = content_hash(f.bytes);
    const std::string file = name.substr(0, dot) + "." + a.etag + name.substr(dot);
    a.url = "/assets/" + file;
    a.content_type = std::string(content_type_of(name));
    a.bytes = std::string(f.bytes);
    a.gzip = gzip(a.bytes);
    auto [it, inserted] = by_name_.emplace(name, std::move(a));
    by_file_.emplace(file, &it->second);
  }
}

const Assets::Asset& Assets::find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    std::fprintf(stderr, "kindred web: no asset named %.*s\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return it->second;
}

const std::string& Assets::url(std::string_view name) const { return find(name).url; }
size_t Assets::size(std::string_view name) const { return find(name).bytes.size(); }
size_t Assets::gzip_size(std::string_view name) const { return find(name).gzip.size(); }

http::Response Assets::serve(const http::Request& req) const {
  auto it = by_file_.find(req.param("file"));
  if (it == by_file_.end()) {
    http::Response r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Not found\n";
    r.set_header("X-Content-Type-Options", "nosniff");
    return r;
  }
  const Asset& a = *it->second;
  const bool gz = accepts_gzip(req);
  // The two encodings are different representations: each has its own strong tag.
  http::Response r = http::file_response(req, gz ? a.gzip : a.bytes, a.content_type,
                                         gz ? a.etag + "-gz" : a.etag, /*immutable=*/true);
  if (gz && r.status != 416) r.set_header("Content-Encoding", "gzip");
  r.set_header("Vary", "Accept-Encoding");
  return r;
}

std::vector<std::string> Assets::names() const {
  std::vector<std::string> out;
  for (const auto& [name, asset] : by_name_) out.push_back(name);
  return out;
}

}  // namespace kindred::web
