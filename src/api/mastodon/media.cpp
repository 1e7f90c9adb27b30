// POST /api/v2/media and /api/v1/media, GET/PUT/DELETE /api/v1/media/:id, and the files
// themselves under /system/media/:name.
#include "api/mastodon/handler.h"
#include "http/static_file.h"

namespace kindred::api {

namespace {

// Room for the multipart framing and the text fields next to a file of the largest size.
constexpr size_t kMultipartOverhead = 64 * 1024;

Result<social::NewUpload> read_upload(const Input& in) {
  social::NewUpload u;
  auto file = in.file("file");
  if (!file) return Status::invalid_argument("Validation failed: File can't be blank");
  KINDRED_ASSIGN_OR_RETURN(u.description, in.string("description"));
  KINDRED_ASSIGN_OR_RETURN(u.focus, in.string("focus"));
  if (u.focus && u.focus->empty()) u.focus.reset();
  u.bytes.assign(file->data);
  return u;
}

http::Response media_response(const social::Media& m, const ApiConfig& c, int ready_code,
                              int processing_code) {
  if (m.state == social::MediaState::kFailed) return error_response(422, m.error);
  return json_text_response(entities::media_json(m, c),
                            m.state == social::MediaState::kReady ? ready_code : processing_code);
}

std::string_view mime_for(std::string_view name) {
  return name.size() > 4 && name.substr(name.size() - 4) == ".png" ? "image/png" : "image/jpeg";
}

}  // namespace

void register_media_routes(http::Router& router, ApiServices& s) {
  http::RouteOptions upload_options;
  // Uploads are read and parsed off the network threads; processing has threads of its own.
  upload_options.blocking = true;
  upload_options.max_body_bytes = s.media.config().limits.max_bytes + kMultipartOverhead;

  auto upload = [&s](http::Request& req, std::chrono::milliseconds wait) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:media"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::NewUpload u, read_upload(in));
    API_TRY(social::Media m, s.media.upload(*caller.account, std::move(u), wait));
    return media_response(m, s.config, 200, 202);
  };
  // v2 answers 202 with url null if processing takes longer than a moment; v1 always waits.
  router.add(http::Method::kPost, "/api/v2/media",
             [&s, upload](http::Request& req) { return upload(req, s.config.media_wait); },
             upload_options);
  router.add(http::Method::kPost, "/api/v1/media",
             [upload](http::Request& req) { return upload(req, std::chrono::minutes(5)); },
             upload_options);

  router.add(http::Method::kGet, "/api/v1/media/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:media"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::Media m, s.media.get_unattached(caller.viewer(), id));
    return media_response(m, s.config, 200, 206);
  });

  router.add(http::Method::kPut, "/api/v1/media/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:media"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    social::MediaEdit edit;
    API_TRY(edit.description, in.string("description"));
    API_TRY(edit.focus, in.string("focus"));
    if (edit.focus && edit.focus->empty()) edit.focus.reset();
    API_TRY(social::Media m, s.media.update(caller.viewer(), id, edit));
    return media_response(m, s.config, 200, 206);
  });

  router.add(http::Method::kDelete, "/api/v1/media/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:media"));
    API_TRY(Id id, path_id(req));
    auto removed = s.media.remove_unattached(caller.viewer(), id);
    if (!removed.is_ok()) return error_response(removed);
    return json_text_response("{}");
  });

  router.add(http::Method::kGet, "/system/media/:name", [&s](http::Request& req) {
    const std::string name(req.param("name"));
    auto bytes = s.media.read_file(name);
    if (!bytes.has_value()) return error_response(bytes.error());
    // The name is the content's hash: the file never changes, and the hash is its ETag.
    const std::string etag = name.substr(0, name.find('.'));
    http::Response res = http::file_response(req, std::move(*bytes), mime_for(name), etag, true);
    // A photo of a private or direct post (or an upload not yet posted) must not be kept by a
    // shared cache between a client and Kindred, where others could be served it.
    auto shared = s.posts.file_is_public(name);
    if (!shared.has_value() || !*shared)
      for (auto& [header, value] : res.headers)
        if (header == "Cache-Control") value = "private, max-age=31536000, immutable";
    return res;
  });
}

}  // namespace kindred::api
