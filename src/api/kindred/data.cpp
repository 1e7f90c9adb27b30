// A person's data, in Mastodon's formats (Mastodon offers these in its settings pages only, so
// they live under Kindred's namespace): GET /api/v1/kindred/exports/:file (following_accounts.csv,
// blocked_accounts.csv, muted_accounts.csv, bookmarks.csv), POST /api/v1/kindred/imports (a CSV
// file as `data`, `type` and `mode` as Mastodon's import form), and the archive: POST and GET
// /api/v1/kindred/archive, GET /api/v1/kindred/archive/download.
#include <boost/json/serialize.hpp>

#include "api/mastodon/handler.h"
#include "http/static_file.h"

namespace kindred::api {

namespace {

// Room for the multipart framing and the text fields beside the largest file allowed.
constexpr size_t kMultipartOverhead = 64 * 1024;
// The largest archive served (the response is built in memory).
constexpr size_t kMaxArchiveBytes = size_t{4} << 30;

// The scopes each list needs, as Mastodon's own routes for follows, blocks, mutes and bookmarks.
struct ListScopes {
  const char* read;
  const char* write;
};
ListScopes scopes_of(social::DataList l) {
  switch (l) {
    case social::DataList::kFollowing:
      return {"read:follows", "write:follows"};
    case social::DataList::kBlocking:
      return {"read:blocks", "write:blocks"};
    case social::DataList::kMuting:
      return {"read:mutes", "write:mutes"};
    case social::DataList::kBookmarks:
      return {"read:bookmarks", "write:bookmarks"};
  }
  return {"read", "write"};
}

std::string import_json(const social::ImportResult& r) {
  boost::json::array refused;
  for (const auto& x : r.refused)
    refused.push_back(
        boost::json::object{{"line", x.line}, {"value", x.value}, {"reason", x.reason}});
  return boost::json::serialize(boost::json::object{
      {"type", social::data_list_name(r.type)},
      {"mode", social::import_mode_name(r.mode)},
      {"total_items", r.total},
      {"imported_items", r.imported},
      {"removed_items", r.removed},
      {"refused_items", r.refused_count},
      {"refused", std::move(refused)},
  });
}

std::string archive_json(const social::Archive& a, const ApiConfig& c, int64_t min_interval_ms) {
  const bool ready = a.state == social::ArchiveState::kReady;
  boost::json::object o{
      {"id", a.request_id.to_string()},
      {"state", social::archive_state_name(a.state)},
      {"created_at", entities::iso8601(a.requested_at_ms)},
      {"completed_at", a.completed_at_ms ? boost::json::value(entities::iso8601(a.completed_at_ms))
                                         : boost::json::value(nullptr)},
      {"size", ready ? boost::json::value(a.size) : boost::json::value(nullptr)},
      {"url", ready ? boost::json::value(c.base_url + "/api/v1/kindred/archive/download")
                    : boost::json::value(nullptr)},
      {"next_request_at", entities::iso8601(a.requested_at_ms + min_interval_ms)},
  };
  return boost::json::serialize(o);
}

}  // namespace

void register_kindred_data_routes(http::Router& router, ApiServices& s) {
  if (s.data_lists == nullptr || s.archives == nullptr) return;
  using http::Method;

  router.add(
      Method::kGet, "/api/v1/kindred/exports/:file",
      [&s](http::Request& req) {
        auto list = social::parse_export_file(req.param("file"));
        if (!list) return error_response(404, "Record not found");
        API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, scopes_of(*list).read));
        API_TRY(std::string csv, s.data_lists->export_csv(caller.viewer(), *list));
        http::Response res;
        res.content_type = "text/csv; charset=utf-8";
        res.body = std::move(csv);
        res.set_header(
            "Content-Disposition",
            "attachment; filename=\"" + std::string(social::export_file_name(*list)) + "\"");
        res.set_header("Cache-Control", "private, no-store");
        return res;
      },
      /*blocking=*/true);

  http::RouteOptions import_options;
  import_options.blocking = true;
  import_options.max_body_bytes = social::kMaxImportBytes + kMultipartOverhead;
  router.add(
      Method::kPost, "/api/v1/kindred/imports",
      [&s](http::Request& req) {
        API_TRY(Caller any, authenticate(s, req, AuthNeed::kUser, ""));
        (void)any;
        API_TRY(Input in, Input::from(req));
        API_TRY(auto type, in.string("type"));
        auto list = social::parse_data_list(type.value_or(""));
        if (!list)
          return error_response(
              422, "Validation failed: Type must be one of following, blocking, muting, bookmarks");
        API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, scopes_of(*list).write));
        API_TRY(auto mode_text, in.string("mode"));
        auto mode = social::parse_import_mode(mode_text.value_or("merge"));
        if (!mode) return error_response(422, "Validation failed: Mode must be merge or overwrite");
        auto file = in.file("data");
        if (!file) return error_response(422, "Validation failed: Data can't be blank");
        API_TRY(social::ImportResult r,
                s.data_lists->import_csv(caller.viewer(), *list, *mode, file->data));
        return json_text_response(import_json(r));
      },
      import_options);

  router.add(Method::kPost, "/api/v1/kindred/archive", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
    auto made = s.archives->request(caller.viewer());
    if (!made.has_value()) {
      if (made.error().code() == StatusCode::kRateLimited)
        return error_response(429, made.error().message());
      return error_response(made.error());
    }
    return json_text_response(archive_json(*made, s.config, s.archives->min_interval_ms()), 202);
  });

  router.add(Method::kGet, "/api/v1/kindred/archive", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
    API_TRY(auto latest, s.archives->latest(caller.viewer()));
    if (!latest) return error_response(404, "Record not found");
    return json_text_response(archive_json(*latest, s.config, s.archives->min_interval_ms()));
  });

  router.add(
      Method::kGet, "/api/v1/kindred/archive/download",
      [&s](http::Request& req) {
        API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
        API_TRY(std::string path, s.archives->file_path(caller.viewer()));
        API_TRY(std::string bytes, http::read_file(path, kMaxArchiveBytes));
        const std::string name = path.substr(path.rfind('/') + 1);
        http::Response res = http::file_response(req, std::move(bytes), "application/zip",
                                                 name.substr(0, name.size() - 4), false);
        for (auto& [header, value] : res.headers)
          if (header == "Cache-Control") value = "private, no-store";
        res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        return res;
      },
      /*blocking=*/true);
}

}  // namespace kindred::api
