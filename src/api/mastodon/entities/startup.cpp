#include "api/mastodon/entities/startup.h"

#include "api/mastodon/entities/entities.h"
#include "social/model/text.h"

namespace kindred::api::entities {

std::string plain_text_html(std::string_view text) {
  std::string out;
  std::string paragraph;
  auto flush = [&] {
    while (!paragraph.empty() && paragraph.back() == '\n') paragraph.pop_back();
    if (paragraph.empty()) return;
    std::string html;
    for (char ch : social::html_escape(paragraph)) {
      if (ch == '\n') {
        html += "<br>";
      } else {
        html += ch;
      }
    }
    out += "<p>" + html + "</p>";
    paragraph.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      flush();
    } else {
      paragraph += line;
      paragraph += '\n';
    }
    start = end + 1;
  }
  flush();
  return out;
}

std::string announcements_json(const std::vector<social::AnnouncementView>& vs) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& v : vs) {
    const auto& a = v.announcement;
    w.begin_object().member("id", a.id.to_string()).member("content", plain_text_html(a.text));
    write_instant_or_null(w, "starts_at", a.starts_at_ms);
    write_instant_or_null(w, "ends_at", a.ends_at_ms);
    w.member("all_day", a.all_day)
        .member("published_at", iso8601(a.published_at_ms))
        .member("updated_at", iso8601(a.updated_at_ms))
        .member("read", v.read);
    w.key("mentions")
        .raw("[]")
        .key("statuses")
        .raw("[]")
        .key("tags")
        .raw("[]")
        .key("emojis")
        .raw("[]");
    w.key("reactions").begin_array();
    for (const auto& r : v.reactions)
      w.begin_object()
          .member("name", r.name)
          .member("count", r.count)
          .member("me", r.me)
          .end_object();
    w.end_array().end_object();
  }
  w.end_array();
  return out;
}

std::string suggestions_json(const std::vector<social::Suggestion>& ss, const ApiConfig& c,
                             bool v1) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& s : ss) {
    if (v1) {
      write_account(w, s.account, c);
      continue;
    }
    // `source` is the deprecated one-word reason Mastodon derives from the first of `sources`.
    const bool fof = s.source == "friends_of_friends";
    w.begin_object()
        .member("source", fof ? "past_interactions" : "global")
        .key("sources")
        .begin_array()
        .string(s.source)
        .end_array()
        .key("account");
    write_account(w, s.account, c);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::string familiar_followers_json(const std::vector<social::DiscoveryService::Familiar>& fs,
                                    const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& f : fs) {
    w.begin_object().member("id", f.id.to_string()).key("accounts").begin_array();
    for (const auto& a : f.accounts) write_account(w, a, c);
    w.end_array().end_object();
  }
  w.end_array();
  return out;
}

}  // namespace kindred::api::entities
