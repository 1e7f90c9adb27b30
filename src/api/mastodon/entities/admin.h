#pragma once

#include <string>
#include <vector>

#include "api/mastodon/entities/entities.h"
#include "social/graph/notifications.h"
#include "social/safety/moderation.h"
#include "social/safety/reports.h"

namespace kindred::api::entities {

// Mastodon's Admin::Account for a local account, with its moderation marks (a deleted account
// shows as suspended). What Kindred does not keep answers as a server without it: domain, ip and
// invite_request null, ips [], confirmed true (sign-up needs no email confirmation);
// created_by_application_id and invited_by_account_id are left out (optional in Mastodon).
void write_admin_account(JsonWriter& w, const social::AccountView& v, const ApiConfig& c);
std::string admin_account_json(const social::AccountView& v, const ApiConfig& c);
std::string admin_accounts_json(const std::vector<social::AdminAccountView>& vs, const ApiConfig& c);

// Mastodon's AccountWarning (a moderation_warning notification's `moderation_warning`): appeal
// is null (no appeals yet).
void write_account_warning(JsonWriter& w, const social::WarningView& v, const ApiConfig& c);

// Mastodon's Admin::Report: the report with its reporter (`account`), `target_account`,
// `assigned_account` and `action_taken_by_account` (Admin::Account or null), the reported
// `statuses` that still exist and the cited `rules`. `forwarded` is false (nothing is remote).
void write_admin_report(JsonWriter& w, const social::ReportView& v, const ApiConfig& c);
std::string admin_report_json(const social::ReportView& v, const ApiConfig& c);
std::string admin_reports_json(const std::vector<social::ReportView>& vs, const ApiConfig& c);

}  // namespace kindred::api::entities
