#include "http/multipart.h"

#include <algorithm>
#include <cctype>

namespace kindred::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `key` in a header like `form-data; name="file"; filename="a.jpg"`.
std::optional<std::string> header_param(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    // Quoted values may contain ';'.
    size_t eq = header.find('=', pos);
    if (eq != std::string_view::npos && (semi == std::string_view::npos || eq < semi)) {
      std::string_view k = trim(header.substr(pos, eq - pos));
      size_t vstart = eq + 1;
      while (vstart < header.size() && header[vstart] == ' ') ++vstart;
      std::string value;
      size_t next;
      if (vstart < header.size() && header[vstart] == '"') {
        size_t i = vstart + 1;
        while (i < header.size() && header[i] != '"') {
          if (header[i] == '\\' && i + 1 < header.size()) ++i;
          value += header[i++];
        }
        if (i >= header.size()) return std::nullopt;  // unterminated quote
        next = header.find(';', i);
      } else {
        next = header.find(';', vstart);
        value = std::string(trim(header.substr(vstart, next == std::string_view::npos ? std::string_view::npos : next - vstart)));
      }
      if (lower(k) == key) return value;
      if (next == std::string_view::npos) break;
      pos = next + 1;
    } else {
      if (semi == std::string_view::npos) break;
      pos = semi + 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data") return std::nullopt;
  if (semi == std::string_view::npos) return std::nullopt;
  auto b = header_param(content_type.substr(semi + 1), "boundary");
  if (!b || b->empty() || b->size() > 70) return std::nullopt;
  return b;
}

std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                          std::string_view boundary) {
  if (boundary.empty()) return std::nullopt;
  const std::string delim = "--" + std::string(boundary);
  const std::string next_delim = "\r\n" + delim;
  std::vector<MultipartPart> parts;
  // The body starts with the first delimiter (a preamble before it is allowed and ignored).
  size_t pos;
  if (body.substr(0, delim.size()) == delim) {
    pos = delim.size();
  } else {
    size_t p = body.find(next_delim);
    if (p == std::string_view::npos) return std::nullopt;
    pos = p + next_delim.size();
  }
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    const size_t data_end_probe = body.find(next_delim, pos);
    MultipartPart part;
    size_t data_start;
    if (headers_end != std::string_view::npos &&
        (data_end_probe == std::string_view::npos || headers_end < data_end_probe)) {
      std::string_view headers = body.substr(pos, headers_end - pos);
      data_start = headers_end + 4;
      size_t h = 0;
      bool named = false;
      while (h <= headers.size()) {
        size_t eol = headers.find("\r\n", h);
        if (eol == std::string_view::npos) eol = headers.size();
        std::string_view line = headers.substr(h, eol - h);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        const std::string name = lower(trim(line.substr(0, colon)));
        std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
          if (lower(trim(value.substr(0, value.find(';')))) != "form-data") return std::nullopt;
          auto n = header_param(value, "name");
          if (!n) return std::nullopt;
          part.name = *n;
          named = true;
          part.filename = header_param(value, "filename").value_or("");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
        h = eol + 2;
      }
      if (!named) return std::nullopt;
    } else if (body.substr(pos, 2) == "\r\n") {
      return std::nullopt;  // a part with no headers has no name
    } else {
      return std::nullopt;
    }
    const size_t data_end = body.find(next_delim, data_start);
    if (data_end == std::string_view::npos) return std::nullopt;
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    pos = data_end + next_delim.size();
  }
}

}  // namespace kindred::http
