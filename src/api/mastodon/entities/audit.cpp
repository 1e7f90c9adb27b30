#include "api/mastodon/entities/audit.h"

namespace kindred::api::entities {

void write_audit_entry(JsonWriter& w, const social::AuditEntryView& v, const ApiConfig& c) {
  const social::AuditEntry& e = v.entry;
  w.begin_object()
      .member("id", e.id.to_string())
      .member("action", social::audit_action_name(e.action))
      .member("target_type", social::audit_target_name(e.target_type))
      .member("target_id", e.target_id.to_string())
      .key("account");
  write_account(w, v.account, c);
  w.member("created_at", iso8601(e.created_at_ms)).end_object();
}

std::string audit_entries_json(const std::vector<social::AuditEntryView>& vs, const ApiConfig& c) {
  return to_json_array(vs, [&c](JsonWriter& w, const social::AuditEntryView& v) {
    write_audit_entry(w, v, c);
  });
}

}  // namespace kindred::api::entities
