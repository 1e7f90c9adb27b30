#pragma once

// Reading HTML in tests of the web pages, as text: whether it holds a piece, how often, its text
// without tags, attribute values unescaped, and regex captures.
#include <string>
#include <string_view>
#include <vector>

namespace kindred::testing::html {

bool has(std::string_view text, std::string_view what);
size_t count(std::string_view text, std::string_view what);
// The text with every tag removed (entities left as they are).
std::string strip_tags(std::string_view html);
// An attribute value or text as HTML holds it, with the references the templates write undone
// (&quot; &#39; &lt; &gt; &amp;).
std::string unescape(std::string_view s);
// Every match of the first group of `pattern` in `html`, in order.
std::vector<std::string> all(const std::string& html, const std::string& pattern);

}  // namespace kindred::testing::html
