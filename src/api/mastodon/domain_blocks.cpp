// A person's domain blocks (GET/POST/DELETE /api/v1/domain_blocks) and the documented routes of
// features this server has turned off, answered as a Mastodon server without them answers:
// annual reports (none generated), async refreshes (none running), e-mail confirmation (every
// account here is confirmed when made) and identity proofs (removed from Mastodon's features,
// still answered with an empty list).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

void register_domain_block_routes(http::Router& router, ApiServices& s) {
  // Domains as strings, most recently blocked first, paged with Link headers (limit 100, max 200).
  router.add(http::Method::kGet, "/api/v1/domain_blocks", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:blocks"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 100, 200));
    API_TRY(auto page, s.domain_blocks.list(caller.viewer().account_id, q));
    json::array out;
    for (const auto& d : page.items) out.emplace_back(d);
    auto res = json_response(out);
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
  for (const auto method : {http::Method::kPost, http::Method::kDelete}) {
    router.add(method, "/api/v1/domain_blocks", [&s, method](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:blocks"));
      API_TRY(Input in, Input::from(req));
      API_TRY(std::optional<std::string> domain, in.string("domain"));
      const Id me = caller.viewer().account_id;
      const Status done = method == http::Method::kPost ? s.domain_blocks.block(me, domain.value_or(""))
                                                        : s.domain_blocks.unblock(me, domain.value_or(""));
      if (!done.is_ok()) return error_response(done);
      return json_response(json::object{});
    });
  }

  // No annual report is ever generated here.
  router.add(http::Method::kGet, "/api/v1/annual_reports", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    return json_response(json::object{{"accounts", json::array{}},
                                      {"statuses", json::array{}},
                                      {"annual_reports", json::array{}}});
  });
  router.add(http::Method::kGet, "/api/v1/annual_reports/:year", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    return error_response(404, "Record not found");
  });
  router.add(http::Method::kPost, "/api/v1/annual_reports/:year/read", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    return error_response(404, "Record not found");
  });
  // Nothing is refreshed in the background on a server without remote content.
  router.add(http::Method::kGet, "/api/v1_alpha/async_refreshes/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
    return error_response(404, "Record not found");
  });
  // Accounts are confirmed when made, so there is never a confirmation to send again; Mastodon
  // answers a confirmed account so.
  router.add(http::Method::kPost, "/api/v1/emails/confirmations", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, ""));
    return error_response(403, "This method is only available while the e-mail is awaiting confirmation");
  });
  router.add(http::Method::kGet, "/api/v1/accounts/:id/identity_proofs", [&s](http::Request& req) {
    API_TRY(Id id, path_id(req));
    API_TRY(social::Account account, s.accounts.get(id));
    return json_response(json::array{});
  });
}

}  // namespace kindred::api
