// POST /api/v1/reports: a person reports an account, and perhaps some of its posts, to this
// server's moderators, and gets Mastodon's Report entity back.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

// Ids from a list parameter; one that is not an id names no record (404, as Mastodon's find).
Result<std::vector<Id>> ids_param(const Input& in, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(std::vector<std::string> texts, in.strings(name));
  std::vector<Id> out;
  for (const auto& t : texts) {
    auto id = Id::parse(t);
    if (!id || id->is_none()) return Status::not_found("Record not found");
    out.push_back(*id);
  }
  return out;
}

json::value id_strings(const std::vector<Id>& ids) {
  json::array a;
  for (Id id : ids) a.emplace_back(id.to_string());
  return a;
}

}  // namespace

void register_report_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kPost, "/api/v1/reports", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:reports"));
    API_TRY(Input in, Input::from(req));
    API_TRY(std::optional<std::string> account, in.string("account_id"));
    const auto account_id = Id::parse(account.value_or(""));
    if (!account_id || account_id->is_none()) return error_response(404, "Record not found");
    social::ReportRequest r;
    r.target_account_id = *account_id;
    API_TRY(r.status_ids, ids_param(in, "status_ids"));
    API_TRY(r.rule_ids, ids_param(in, "rule_ids"));
    API_TRY(std::optional<std::string> comment, in.string("comment"));
    r.comment = comment.value_or("");
    API_TRY(std::optional<std::string> category, in.string("category"));
    r.category = category.value_or("");
    API_TRY(std::optional<bool> forward, in.boolean("forward"));
    r.forward = forward.value_or(false);
    API_TRY(social::Report report, s.reports.file(caller.viewer(), r));
    API_TRY(social::AccountView target, s.accounts.view(report.target_account_id));
    json::object out{
        {"id", report.id.to_string()},
        {"action_taken", report.action_taken},
        {"action_taken_at",
         report.action_taken ? json::value(entities::iso8601(report.action_taken_at_ms)) : nullptr},
        {"category", social::report_category_name(report.category)},
        {"comment", report.comment},
        {"forwarded", false},  // no other server to forward to
        {"created_at", entities::iso8601(report.created_at_ms)},
        {"status_ids", report.status_ids.empty() ? json::value(nullptr) : id_strings(report.status_ids)},
        {"rule_ids", report.rule_ids.empty() ? json::value(nullptr) : id_strings(report.rule_ids)},
        {"target_account", json::parse(entities::account_json(target, s.config))},
    };
    return json_response(out);
  });
}

}  // namespace kindred::api
