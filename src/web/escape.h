#pragma once

#include <string>
#include <string_view>

// The web pages' one escaping helper: every value a page shows passes through one of these, by
// the context it lands in. Templates escape with escape_html by default ({{name}}); a value
// placed unescaped ({{{name}}}) must be HTML a social/ view already sanitised (a status's
// content_html) or the output of a page template.
namespace kindred::web {

// Text and quoted attribute values: & < > " ' become character references. Valid in both, so
// a template never needs to know which of the two a value lands in.
std::string escape_html(std::string_view text);
// The same, appended to `out`.
void append_escaped(std::string& out, std::string_view text);

// A URL for an href or src attribute (escape_html it as well, as templates do), or "" when the
// URL is not one a page may link to. Allowed: absolute http: and https: URLs, mailto: and tel:
// links, paths on this site ("/@lena", not "//evil.example" nor "/\evil.example"), and query
// or fragment references ("?cursor=..", "#main"). Refused: every other scheme (javascript:,
// data:, vbscript:, any case), and any URL holding a control character, a space or a backslash,
// since browsers drop or reinterpret those ("java\tscript:").
std::string safe_url(std::string_view url);

// A tel: link for a phone number as people write it ("0800 0147 800", "+44 (0)1924 200799"):
// "tel:" and its digits, with a leading '+' kept; "(0)" after a country code is dropped. "" when
// the number holds no digits.
std::string tel_url(std::string_view phone);

// JSON placed inside an HTML element (<script type="application/json">): < > & and the
// characters U+2028 and U+2029 become \u escapes, so no "</script>" or "<!--" can end or bend
// the element. REQUIRES: `json` is valid JSON.
std::string json_for_html(std::string_view json);

}  // namespace kindred::web
