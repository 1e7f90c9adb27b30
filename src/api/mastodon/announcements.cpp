// GET /api/v1/announcements, POST /api/v1/announcements/:id/dismiss,
// PUT and DELETE /api/v1/announcements/:id/reactions/:name.
#include <boost/json/object.hpp>

#include "api/mastodon/entities/startup.h"
#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

void register_announcement_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/announcements", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto with_dismissed, in.boolean("with_dismissed"));
    API_TRY(auto list, s.announcements.list(caller.viewer(), with_dismissed.value_or(false)));
    return json_text_response(entities::announcements_json(list));
  });

  router.add(http::Method::kPost, "/api/v1/announcements/:id/dismiss", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Id id, path_id(req));
    if (Status st = s.announcements.dismiss(caller.viewer(), id); !st.is_ok())
      return error_response(st);
    return json_response(json::object{});
  });

  using React =
      Status (social::AnnouncementService::*)(const social::Viewer&, Id, std::string_view);
  for (auto [method, react] :
       {std::pair{http::Method::kPut, React{&social::AnnouncementService::react}},
        std::pair{http::Method::kDelete, React{&social::AnnouncementService::unreact}}}) {
    router.add(method, "/api/v1/announcements/:id/reactions/:name",
               [&s, react = react](http::Request& req) {
                 API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:favourites"));
                 API_TRY(Id id, path_id(req));
                 if (Status st = (s.announcements.*react)(caller.viewer(), id, req.param("name"));
                     !st.is_ok())
                   return error_response(st);
                 return json_response(json::object{});
               });
  }
}

}  // namespace kindred::api
