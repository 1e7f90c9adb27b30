#include "social/model/text.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <memory>
#include <vector>

#include "core/utf8.h"

namespace kindred::social {
namespace {

constexpr size_t kUrlWeight = 23;
constexpr size_t kMaxUrlChars = 4096;

bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

bool starts_url(std::string_view s, size_t i) {
  auto at = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
  if (i > 0 && is_word(s[i - 1])) return false;
  return at("https://") || at("http://");
}

// URL end: stop at whitespace or '<'; drop trailing punctuation that usually ends a sentence.
size_t url_end(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '<' &&
         s[j] != '"')
    ++j;
  while (j > i && std::string_view(".,:;!?)'").find(s[j - 1]) != std::string_view::npos) --j;
  return j;
}

size_t utf8_length(std::string_view s);

// The end of the link that starts at `i`, or 0 when none does. A URL longer than 4,096
// characters is not a link (as Mastodon's extractor): it stays text, and counts as text.
size_t link_at(std::string_view s, size_t i) {
  if (!starts_url(s, i)) return 0;
  size_t j = url_end(s, i);
  if (j <= i + 8 || j - i > kMaxUrlChars) return 0;
  return j;
}

// Grapheme clusters in valid UTF-8 (ICU's character boundaries, as Ruby's each_grapheme_cluster).
size_t count_graphemes(std::string_view s) {
  if (s.empty()) return 0;
  if (std::all_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; })) {
    // ASCII: one cluster per byte, except CR LF, which is one.
    size_t n = s.size();
    for (size_t i = 0; i + 1 < s.size(); ++i)
      if (s[i] == '\r' && s[i + 1] == '\n') --n;
    return n;
  }
  thread_local std::unique_ptr<icu::BreakIterator> breaks = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(it) : nullptr;
  }();
  UErrorCode status = U_ZERO_ERROR;
  UText* text = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status);
  if (breaks == nullptr || U_FAILURE(status)) {
    if (text != nullptr) utext_close(text);
    return utf8_length(s);
  }
  breaks->setText(text, status);
  size_t n = 0;
  if (U_SUCCESS(status))
    for (int32_t b = breaks->next(); b != icu::BreakIterator::DONE; b = breaks->next()) ++n;
  else
    n = utf8_length(s);
  utext_close(text);
  return n;
}

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void append_link(std::string& out, std::string_view url) {
  const size_t scheme = url.find("://") + 3;
  std::string_view rest = url.substr(scheme);
  out += "<a href=\"";
  out += html_escape(url);
  out += "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">";
  out += "<span class=\"invisible\">";
  out += html_escape(url.substr(0, scheme));
  out += "</span>";
  if (rest.size() > 30) {
    out += "<span class=\"ellipsis\">";
    out += html_escape(rest.substr(0, 30));
    out += "</span><span class=\"invisible\">";
    out += html_escape(rest.substr(30));
    out += "</span>";
  } else {
    out += "<span class=\"\">";
    out += html_escape(rest);
    out += "</span><span class=\"invisible\"></span>";
  }
  out += "</a>";
}

}  // namespace

std::optional<std::string> normalize_tag_name(std::string_view name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_word)) return std::nullopt;
  const bool has_alpha = std::any_of(name.begin(), name.end(), [](char ch) {
    return !std::isdigit(static_cast<unsigned char>(ch)) && ch != '_';
  });
  // Non-ASCII bytes count as word characters: the name must still be well-formed UTF-8.
  if (!has_alpha || !valid_utf8(name) || utf8_length(name) > 100) return std::nullopt;
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

size_t count_characters(std::string_view text) { return count_graphemes(text); }

namespace {

// Calls f(code point, byte offset, byte length) for each code point of valid UTF-8.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, n, c);
    f(c, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
}

constexpr UChar32 kLre = 0x202A, kRle = 0x202B, kPdf = 0x202C, kLro = 0x202D, kRlo = 0x202E;
constexpr UChar32 kLri = 0x2066, kRli = 0x2067, kFsi = 0x2068, kPdi = 0x2069;

}  // namespace

std::string balance_bidi(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  std::vector<bool> open;  // what is open, innermost last: true for an isolate
  for_each_code_point(text, [&](UChar32 c, size_t at, size_t len) {
    if (c == kLre || c == kRle || c == kLro || c == kRlo) {
      open.push_back(false);
    } else if (c == kLri || c == kRli || c == kFsi) {
      open.push_back(true);
    } else if (c == kPdf) {
      if (open.empty() || open.back()) return;  // closes nothing within the current isolate
      open.pop_back();
    } else if (c == kPdi) {
      auto isolate = std::find(open.rbegin(), open.rend(), true);
      if (isolate == open.rend()) return;  // no isolate open
      open.erase(std::prev(isolate.base()), open.end());  // also closes embeddings inside it
    }
    out.append(text.substr(at, len));
  });
  for (auto it = open.rbegin(); it != open.rend(); ++it) out += *it ? "\u2069" : "\u202C";
  return out;
}

bool only_invisible(std::string_view text) {
  if (text.empty()) return false;
  bool visible = false;
  for_each_code_point(text, [&](UChar32 c, size_t, size_t) {
    if (u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
        c == 0x2800 /* braille pattern blank */)
      return;
    visible = true;
  });
  return !visible;
}

bool has_check_mark(std::string_view text) {
  bool found = false;
  for_each_code_point(text, [&](UChar32 c, size_t, size_t) {
    switch (c) {
      case 0x2713:   // ✓ check mark
      case 0x2714:   // ✔ heavy check mark
      case 0x2705:   // ✅ white heavy check mark
      case 0x2611:   // ☑ ballot box with check
      case 0x237B:   // ⍻ not check mark
      case 0x1F5F8:  // 🗸 light check mark
      case 0x1F5F9:  // 🗹 ballot box with bold check
      case 0x10102:  // 𐄂 Aegean check mark
        found = true;
        break;
      default:
        break;
    }
  });
  return found;
}

size_t count_status_chars(std::string_view text) {
  size_t n = 0;
  size_t plain_from = 0;  // start of the text since the last link
  for (size_t i = 0; i < text.size();) {
    if (size_t j = link_at(text, i); j != 0) {
      n += count_graphemes(text.substr(plain_from, i - plain_from)) + kUrlWeight;
      i = plain_from = j;
      continue;
    }
    ++i;
  }
  return n + count_graphemes(text.substr(plain_from));
}

Status check_length(std::string_view what, std::string_view text, size_t max_chars,
                    Counting counting) {
  const size_t chars =
      counting == Counting::kLinksAs23 ? count_status_chars(text) : count_characters(text);
  if (chars > max_chars || text.size() > max_text_bytes(max_chars))
    return Status::invalid_argument("Validation failed: " + std::string(what) +
                                    " is too long (maximum is " + std::to_string(max_chars) +
                                    " characters)");
  return Status::ok();
}

RenderedText render_text(std::string_view text, std::string_view base_url,
                         std::string_view local_domain,
                         const std::function<std::optional<MentionTarget>(std::string_view)>& resolve) {
  RenderedText r;
  // Normalise line endings, trim surrounding blank space.
  std::string norm;
  norm.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      norm += '\n';
    } else {
      norm += text[i];
    }
  }
  std::string_view s = norm;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);

  std::string& out = r.html;
  out += "<p>";
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      size_t j = i;
      while (j < s.size() && s[j] == '\n') ++j;
      out += (j - i >= 2) ? "</p><p>" : "<br />";
      i = j;
      continue;
    }
    if (size_t j = link_at(s, i); j != 0) {
      append_link(out, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '@' && (i == 0 || !is_word(s[i - 1]))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      std::string_view user = s.substr(i + 1, j - i - 1);
      size_t end = j;
      bool local = true;
      if (j < s.size() && s[j] == '@') {  // @user@domain
        size_t k = j + 1;
        while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '.' ||
                                s[k] == '-' || s[k] == ':'))
          ++k;
        while (k > j + 1 && s[k - 1] == '.') --k;
        std::string_view domain = s.substr(j + 1, k - j - 1);
        local = !domain.empty() && domain.size() == local_domain.size() &&
                std::equal(domain.begin(), domain.end(), local_domain.begin(), [](char x, char y) {
                  return std::tolower(static_cast<unsigned char>(x)) ==
                         std::tolower(static_cast<unsigned char>(y));
                });
        if (!domain.empty()) end = k;
      }
      std::optional<MentionTarget> target;
      if (!user.empty() && local) target = resolve(user);
      if (target) {
        if (std::find(r.mention_ids.begin(), r.mention_ids.end(), target->id) == r.mention_ids.end())
          r.mention_ids.push_back(target->id);
        out += "<span class=\"h-card\" translate=\"no\"><a href=\"";
        out += html_escape(base_url);
        out += "/@";
        out += html_escape(target->username);
        out += "\" class=\"u-url mention\">@<span>";
        out += html_escape(target->username);
        out += "</span></a></span>";
        i = end;
        continue;
      }
    }
    if (c == '#' && (i == 0 || !is_word(s[i - 1]))) {
      size_t j = i + 1;
      while (j < s.size() && is_word(s[j])) ++j;
      std::string_view tag = s.substr(i + 1, j - i - 1);
      if (auto normal = normalize_tag_name(tag)) {
        std::string lower = std::move(*normal);
        if (std::find(r.tags.begin(), r.tags.end(), lower) == r.tags.end()) r.tags.push_back(lower);
        out += "<a href=\"";
        out += html_escape(base_url);
        out += "/tags/";
        out += html_escape(lower);
        out += "\" class=\"mention hashtag\" rel=\"tag\">#<span>";
        out += html_escape(tag);
        out += "</span></a>";
        i = j;
        continue;
      }
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
    ++i;
  }
  out += "</p>";
  return r;
}

}  // namespace kindred::social
