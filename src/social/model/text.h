#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"

namespace kindred::social {

// Status text to the safe HTML Mastodon clients expect in `content`: every character escaped;
// blank lines separate <p> paragraphs, single newlines become <br />; http(s) links, local
// @mentions and #hashtags become links. Unknown mentions stay plain text. Pure and thread-safe.
struct RenderedText {
  std::string html;
  std::vector<Id> mention_ids;  // resolved local accounts, first mention first, no repeats
  std::vector<std::string> tags;  // lower-cased hashtags, no repeats
};

struct MentionTarget {
  Id id;
  std::string username;  // canonical spelling
};

// `resolve` maps a mentioned username (without '@', any case) to a local account, or nullopt.
// `local_domain` is this instance's host ("kindred.example"): "@ann@kindred.example" is local.
RenderedText render_text(std::string_view text, std::string_view base_url,
                         std::string_view local_domain,
                         const std::function<std::optional<MentionTarget>(std::string_view)>& resolve);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// The number of characters Mastodon counts: Unicode code points, each URL counting as 23.
size_t count_status_chars(std::string_view text);

}  // namespace kindred::social
