#include "social/model/text.h"

#include <algorithm>
#include <cctype>

namespace kindred::social {
namespace {

constexpr size_t kUrlWeight = 23;

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

size_t count_status_chars(std::string_view text) {
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (starts_url(text, i)) {
      size_t j = url_end(text, i);
      if (j > i + 8) {
        n += kUrlWeight;
        i = j;
        continue;
      }
    }
    size_t j = i + 1;
    while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
    ++n;
    i = j;
  }
  return n;
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
    if (starts_url(s, i)) {
      size_t j = url_end(s, i);
      if (j > i + 8) {
        append_link(out, s.substr(i, j - i));
        i = j;
        continue;
      }
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
      bool has_alpha = std::any_of(tag.begin(), tag.end(), [](char ch) {
        return !std::isdigit(static_cast<unsigned char>(ch)) && ch != '_';
      });
      if (!tag.empty() && has_alpha && utf8_length(tag) <= 100) {
        std::string lower(tag);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
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
