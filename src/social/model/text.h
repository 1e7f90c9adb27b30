#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"

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

// A hashtag's name (without '#') as render_text recognises one: word characters (ASCII letters,
// digits, '_', any non-ASCII), not only digits and underscores, at most 100 characters. Returns
// it lower-cased (the form posts store), or nullopt when `name` is no hashtag.
std::optional<std::string> normalize_tag_name(std::string_view name);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// Characters as Mastodon counts them: grapheme clusters, what a reader sees as one character
// (a family emoji, a letter with its accents, CR LF). REQUIRES: valid UTF-8.
size_t count_characters(std::string_view text);
// A status's characters: as count_characters, but each link of at most 4,096 characters (the
// ones render_text links) counts 23 however long it is; a longer URL counts as the text it is.
size_t count_status_chars(std::string_view text);

// Every text field is capped in bytes too: a character may take many (combining marks pile up
// without end), and a page of posts must stay a page. 64 bytes per allowed character is room for
// any real character (a family emoji with skin tones is 41) and still bounds what a field holds.
constexpr size_t kMaxBytesPerChar = 64;
constexpr size_t max_text_bytes(size_t max_chars) { return max_chars * kMaxBytesPerChar; }

// `text` with its bidirectional embeddings, overrides and isolates balanced (UAX #9): a closer
// with nothing open is dropped, and whatever is left open is closed at the end, so a name shown
// inside other text cannot turn the direction of what follows it. REQUIRES: valid UTF-8.
std::string balance_bidi(std::string_view text);
// Whether `text` is not empty but shows nothing: only white space, default-ignorable characters
// (zero-width spaces and joiners, Hangul fillers, direction marks) and the blank braille pattern.
bool only_invisible(std::string_view text);
// Whether `text` holds a check mark (✓ ✔ ✅ ☑ 🗸 🗹 ...), which beside a name reads as the mark
// Kindred shows for verified accounts.
bool has_check_mark(std::string_view text);

enum class Counting {
  kLiteral,     // count_characters: names, profile fields, alt text, notes
  kLinksAs23,   // count_status_chars: statuses, bios (as Mastodon's NoteLengthValidator)
};
// InvalidArgument "Validation failed: <what> is too long (maximum is <max_chars> characters)"
// when `text` counts more than `max_chars` or takes more than max_text_bytes(max_chars) bytes.
Status check_length(std::string_view what, std::string_view text, size_t max_chars,
                    Counting counting = Counting::kLiteral);

}  // namespace kindred::social
