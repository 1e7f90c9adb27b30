#include "api/mastodon/entities/conversations.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

void write_conversation(JsonWriter& w, const social::ConversationView& v, const ApiConfig& c) {
  w.begin_object().member("id", v.id.to_string()).member("unread", v.unread);
  w.key("accounts").begin_array();
  for (const auto& a : v.accounts) write_account(w, a, c);
  w.end_array();
  w.key("last_status");
  if (v.last_status) {
    write_status(w, *v.last_status, c);
  } else {
    w.null();
  }
  w.end_object();
}

std::string conversation_json(const social::ConversationView& v, const ApiConfig& c) {
  return to_json(
      v, [&c](JsonWriter& w, const social::ConversationView& x) { write_conversation(w, x, c); });
}

std::string conversations_json(const std::vector<social::ConversationView>& vs,
                               const ApiConfig& c) {
  return to_json_array(
      vs, [&c](JsonWriter& w, const social::ConversationView& x) { write_conversation(w, x, c); });
}

}  // namespace kindred::api::entities
