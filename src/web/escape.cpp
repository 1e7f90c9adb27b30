#include "web/escape.h"

#include <algorithm>
#include <cctype>

namespace kindred::web {

void append_escaped(std::string& out, std::string_view text) {
  size_t run = 0;  // start of the stretch of characters copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    const char* ref;
    switch (text[i]) {
      case '&': ref = "&amp;"; break;
      case '<': ref = "&lt;"; break;
      case '>': ref = "&gt;"; break;
      case '"': ref = "&quot;"; break;
      case '\'': ref = "&#39;"; break;
      default: continue;
    }
    out.append(text.data() + run, i - run);
    out += ref;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_escaped(out, text);
  return out;
}

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

std::string safe_url(std::string_view url) {
  if (url.empty()) return "";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') return "";
  }
  if (url.front() == '/') {
    // "//host" is another site, and so is "/\host" in some browsers (refused above).
    if (url.size() > 1 && url[1] == '/') return "";
    return std::string(url);
  }
  if (url.front() == '?' || url.front() == '#') return std::string(url);
  for (std::string_view scheme : {"https://", "http://", "mailto:", "tel:"}) {
    if (starts_with_ci(url, scheme) && url.size() > scheme.size()) return std::string(url);
  }
  return "";
}

std::string tel_url(std::string_view phone) {
  std::string digits;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty()) {
      digits += c;
    } else if (c == '(' && i + 2 < phone.size() && phone[i + 1] == '0' && phone[i + 2] == ')' &&
               !digits.empty() && digits.front() == '+') {
      i += 2;  // "+44 (0)1924": the 0 is dialled only from inside the country
    }
  }
  if (digits.empty() || digits == "+") return "";
  return "tel:" + digits;
}

std::string json_for_html(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace kindred::web
