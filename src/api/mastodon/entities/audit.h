#pragma once

#include <string>
#include <vector>

#include "api/mastodon/entities/entities.h"
#include "social/safety/audit_views.h"

namespace kindred::api::entities {

// One line of the audit log (Kindred's; Mastodon has no REST entity for it, so this follows its
// Admin::ActionLog record): {id, action (Mastodon's action names: "resolve", "suspend", ...),
// target_type ("Report" or "Account"), target_id, account (the moderator, as an Account),
// created_at}.
void write_audit_entry(JsonWriter& w, const social::AuditEntryView& v, const ApiConfig& c);
std::string audit_entries_json(const std::vector<social::AuditEntryView>& vs, const ApiConfig& c);

}  // namespace kindred::api::entities
