#include "api/mastodon/entities/status_edits.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

void write_status_edit(JsonWriter& w, const social::PostVersionView& v, const ApiConfig& c) {
  const social::PostVersion& p = v.version;
  w.begin_object()
      .member("content", p.content_html)
      .member("spoiler_text", p.spoiler_text)
      .member("sensitive", p.sensitive)
      .member("created_at", iso8601(p.created_at_ms));
  w.key("account");
  write_account(w, v.author, c);
  w.key("media_attachments").begin_array();
  for (const auto& m : v.media) write_media(w, m, c);
  w.end_array();
  w.key("emojis").raw("[]").end_object();
}

std::string status_edits_json(const std::vector<social::PostVersionView>& vs, const ApiConfig& c) {
  return to_json_array(vs, [&c](JsonWriter& w, const social::PostVersionView& v) {
    write_status_edit(w, v, c);
  });
}

std::string status_source_json(const social::Post& p) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .member("id", p.id.to_string())
      .member("text", p.text)
      .member("spoiler_text", p.spoiler_text)
      .end_object();
  return out;
}

}  // namespace kindred::api::entities
