#include "api/mastodon/entities/admin.h"

#include <boost/json/serialize.hpp>

#include "api/mastodon/entities/rules.h"

namespace kindred::api::entities {

void write_admin_account(JsonWriter& w, const social::AccountView& v, const ApiConfig& c) {
  const social::Account& a = v.account;
  w.begin_object()
      .member("id", a.id.to_string())
      .member("username", a.username)
      .key("domain")
      .null()
      .member("created_at", iso8601(a.created_at_ms))
      .member("email", a.email)
      .key("ip")
      .null()
      .key("ips")
      .raw("[]")
      .key("locale");
  if (a.locale.empty()) {
    w.null();
  } else {
    w.string(a.locale);
  }
  w.key("invite_request")
      .null()
      .key("role")
      .raw(role_json(social::role_of(a)))
      .member("confirmed", true)
      .member("approved", a.approved)
      .member("disabled", a.disabled)
      .member("silenced", a.silenced)
      .member("sensitized", a.sensitized)
      .member("suspended", social::is_hidden(a))
      .key("account");
  write_account(w, v, c);
  w.end_object();
}

std::string admin_account_json(const social::AccountView& v, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  write_admin_account(w, v, c);
  return out;
}

std::string admin_accounts_json(const std::vector<social::AdminAccountView>& vs, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& v : vs) write_admin_account(w, v.view, c);
  w.end_array();
  return out;
}

void write_account_warning(JsonWriter& w, const social::WarningView& v, const ApiConfig& c) {
  const social::AccountWarning& a = v.warning;
  w.begin_object()
      .member("id", a.id.to_string())
      .member("action", social::account_action_name(a.action))
      .member("text", a.text)
      .key("status_ids");
  if (a.status_ids.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (Id id : a.status_ids) w.string(id.to_string());
    w.end_array();
  }
  w.key("target_account");
  write_account(w, v.target, c);
  w.key("appeal").null().member("created_at", iso8601(a.created_at_ms));
  w.end_object();
}

namespace {

void write_admin_account_or_null(JsonWriter& w, std::string_view key,
                                 const std::optional<social::AccountView>& v, const ApiConfig& c) {
  w.key(key);
  if (v) {
    write_admin_account(w, *v, c);
  } else {
    w.null();
  }
}

}  // namespace

void write_admin_report(JsonWriter& w, const social::ReportView& v, const ApiConfig& c) {
  const social::Report& r = v.report;
  w.begin_object()
      .member("id", r.id.to_string())
      .member("action_taken", r.action_taken);
  write_instant_or_null(w, "action_taken_at", r.action_taken ? r.action_taken_at_ms : 0);
  w.member("category", social::report_category_name(r.category))
      .member("comment", r.comment)
      .member("forwarded", false)
      .member("created_at", iso8601(r.created_at_ms))
      .member("updated_at", iso8601(r.updated_at_ms ? r.updated_at_ms : r.created_at_ms))
      .key("account");
  write_admin_account(w, v.account, c);
  w.key("target_account");
  write_admin_account(w, v.target_account, c);
  write_admin_account_or_null(w, "assigned_account", v.assigned_account, c);
  write_admin_account_or_null(w, "action_taken_by_account", v.action_taken_by_account, c);
  w.key("statuses").begin_array();
  for (const auto& s : v.statuses) write_status(w, s, c);
  w.end_array();
  w.key("rules").raw(boost::json::serialize(rules_json(v.rules)));
  w.end_object();
}

std::string admin_report_json(const social::ReportView& v, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  write_admin_report(w, v, c);
  return out;
}

std::string admin_reports_json(const std::vector<social::ReportView>& vs, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& v : vs) write_admin_report(w, v, c);
  w.end_array();
  return out;
}

}  // namespace kindred::api::entities
