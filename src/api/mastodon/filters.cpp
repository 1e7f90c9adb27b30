// Mastodon's filters v2: /api/v2/filters, /api/v2/filters/:filter_id/keywords and /statuses,
// /api/v2/filters/keywords/:id and /api/v2/filters/statuses/:id; and the deprecated v1 filters,
// /api/v1/filters and /api/v1/filters/:id, on top of them (social/care/filters_v1.h).
#include <functional>
#include <map>

#include "api/mastodon/entities/filters.h"
#include "api/mastodon/handler.h"
#include "social/care/filters_v1.h"

namespace kindred::api {
namespace {

Status bad(std::string_view what) {
  return Status::invalid_argument("Invalid value for parameter " + std::string(what));
}

// A boolean as Rails casts it in nested attributes. Errors: InvalidArgument for other text.
Result<bool> rails_bool(std::string_view v, std::string_view what) {
  if (auto b = rails_boolean(v)) return *b;
  return bad(what);
}

// keywords_attributes[] as Rails reads nested attributes: form names
// "keywords_attributes[0][keyword]" (or "[][keyword]" for one keyword), or JSON
// {"keywords_attributes": [{"keyword": ..., "whole_word": ..., "id": ..., "_destroy": ...}]}.
Result<std::vector<social::KeywordEdit>> read_keywords(const Input& in) {
  std::map<long, social::KeywordEdit> by_index;
  for (const auto& [path, value] : in.flattened("keywords_attributes")) {
    const size_t close = path.find(']');
    if (path.size() < 3 || path[0] != '[' || close == std::string::npos) return bad("keywords_attributes");
    const std::string index = path.substr(1, close - 1);
    const std::string member = path.substr(close + 1);
    if (index.size() > 4 || index.find_first_not_of("0123456789") != std::string::npos)
      return bad("keywords_attributes");
    auto& k = by_index[index.empty() ? -1 : std::stol(index)];
    if (member == "[keyword]") {
      k.keyword = value;
    } else if (member == "[whole_word]") {
      KINDRED_ASSIGN_OR_RETURN(k.whole_word, rails_bool(value, "keywords_attributes"));
    } else if (member == "[_destroy]") {
      KINDRED_ASSIGN_OR_RETURN(k.destroy, rails_bool(value, "keywords_attributes"));
    } else if (member == "[id]") {
      auto id = Id::parse(value);
      if (!id) return Status::not_found("Record not found");
      k.id = *id;
    } else {
      return bad("keywords_attributes");
    }
  }
  std::vector<social::KeywordEdit> out;
  for (auto& [index, k] : by_index) {
    // Rails' reject_if: :all_blank drops a new keyword whose fields are all blank.
    if (k.id.is_none() && !k.destroy && (!k.keyword || k.keyword->empty()) && !k.whole_word) continue;
    out.push_back(std::move(k));
  }
  return out;
}

// expires_in: `set` when given; empty (or null) means never, as Mastodon reads it.
Status read_expires_in(const Input& in, bool& set, std::optional<int64_t>& seconds) {
  if (!in.present("expires_in")) return Status::ok();
  set = true;
  KINDRED_ASSIGN_OR_RETURN(auto text, in.string("expires_in"));
  if (text && !text->empty()) {
    if (text->size() > 12 || text->find_first_not_of("0123456789") != std::string::npos)
      return Status::invalid_argument(
          "Validation failed: Expires in must be a positive number of seconds");
    seconds = std::stoll(*text);
  }
  return Status::ok();
}

Result<social::FilterEdit> read_filter_edit(const Input& in) {
  social::FilterEdit e;
  KINDRED_ASSIGN_OR_RETURN(e.title, in.string("title"));
  if (in.present("context")) {
    KINDRED_ASSIGN_OR_RETURN(e.context, in.strings("context"));
  }
  KINDRED_ASSIGN_OR_RETURN(e.filter_action, in.string("filter_action"));
  KINDRED_RETURN_IF_ERROR(read_expires_in(in, e.expires_in_set, e.expires_in));
  if (in.has_prefix("keywords_attributes")) {
    KINDRED_ASSIGN_OR_RETURN(e.keywords, read_keywords(in));
  }
  return e;
}

// The parameters of Mastodon's v1 filters: phrase, context[], irreversible, whole_word,
// expires_in.
Result<social::FilterV1Edit> read_v1_edit(const Input& in) {
  social::FilterV1Edit e;
  KINDRED_ASSIGN_OR_RETURN(e.phrase, in.string("phrase"));
  if (in.present("context")) {
    KINDRED_ASSIGN_OR_RETURN(e.context, in.strings("context"));
  }
  KINDRED_ASSIGN_OR_RETURN(e.irreversible, in.boolean("irreversible"));
  KINDRED_ASSIGN_OR_RETURN(e.whole_word, in.boolean("whole_word"));
  KINDRED_RETURN_IF_ERROR(read_expires_in(in, e.expires_in_set, e.expires_in));
  return e;
}

Result<social::KeywordEdit> read_keyword_edit(const Input& in) {
  social::KeywordEdit k;
  KINDRED_ASSIGN_OR_RETURN(k.keyword, in.string("keyword"));
  KINDRED_ASSIGN_OR_RETURN(k.whole_word, in.boolean("whole_word"));
  return k;
}

// DELETE `path` (with ":id"): `remove(account, id)`, answering {} as Mastodon does.
void add_delete(http::Router& router, ApiServices& s, const char* path,
                std::function<Status(Id account, Id id)> remove) {
  router.add(http::Method::kDelete, path, [&s, remove = std::move(remove)](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "id"));
    if (Status done = remove(caller.account->id, id); !done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });
}

// GET `path` (with `param`): `read(account, id)` as JSON.
void add_read(http::Router& router, ApiServices& s, const char* path, const char* param,
              std::function<Result<std::string>(Id account, Id id)> read) {
  router.add(http::Method::kGet, path, [&s, param, read = std::move(read)](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:filters"));
    API_TRY(Id id, path_id(req, param));
    API_TRY(std::string body, read(caller.account->id, id));
    return json_text_response(std::move(body));
  });
}

// The JSON of `r`'s value written by `write`, or its error.
template <class T, class Write>
Result<std::string> as_json(Result<T> r, Write write) {
  if (!r.has_value()) return r.error();
  return write(*r);
}

}  // namespace

void register_filter_routes(http::Router& router, ApiServices& s) {
  using http::Method;

  router.add(Method::kGet, "/api/v2/filters", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:filters"));
    API_TRY(auto list, s.filters.list(caller.account->id));
    return json_text_response(entities::filters_json(list));
  });
  router.add(Method::kPost, "/api/v2/filters", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::FilterEdit edit, read_filter_edit(in));
    API_TRY(social::Filter f, s.filters.create(caller.account->id, edit));
    return json_text_response(entities::filter_json(f));
  });
  router.add(Method::kPut, "/api/v2/filters/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "id"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::FilterEdit edit, read_filter_edit(in));
    API_TRY(social::Filter f, s.filters.update(caller.account->id, id, edit));
    return json_text_response(entities::filter_json(f));
  });

  add_read(router, s, "/api/v2/filters/:id", "id", [&s](Id account, Id id) {
    return as_json(s.filters.get(account, id), entities::filter_json);
  });
  add_delete(router, s, "/api/v2/filters/:id",
             [&s](Id account, Id id) { return s.filters.remove(account, id); });

  // Keywords.
  add_read(router, s, "/api/v2/filters/:filter_id/keywords", "filter_id", [&s](Id account, Id id) {
    return as_json(s.filters.get(account, id),
                   [](const social::Filter& f) { return entities::filter_keywords_json(f.keywords); });
  });
  add_read(router, s, "/api/v2/filters/keywords/:id", "id", [&s](Id account, Id id) {
    return as_json(s.filters.keyword(account, id), entities::filter_keyword_json);
  });
  add_delete(router, s, "/api/v2/filters/keywords/:id",
             [&s](Id account, Id id) { return s.filters.remove_keyword(account, id); });
  router.add(Method::kPost, "/api/v2/filters/:filter_id/keywords", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "filter_id"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::KeywordEdit edit, read_keyword_edit(in));
    API_TRY(social::FilterKeyword k, s.filters.add_keyword(caller.account->id, id, edit));
    return json_text_response(entities::filter_keyword_json(k));
  });
  router.add(Method::kPut, "/api/v2/filters/keywords/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "id"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::KeywordEdit edit, read_keyword_edit(in));
    API_TRY(social::FilterKeyword k, s.filters.update_keyword(caller.account->id, id, edit));
    return json_text_response(entities::filter_keyword_json(k));
  });

  // Statuses.
  add_read(router, s, "/api/v2/filters/:filter_id/statuses", "filter_id", [&s](Id account, Id id) {
    return as_json(s.filters.get(account, id),
                   [](const social::Filter& f) { return entities::filter_statuses_json(f.statuses); });
  });
  add_read(router, s, "/api/v2/filters/statuses/:id", "id", [&s](Id account, Id id) {
    return as_json(s.filters.status(account, id), entities::filter_status_json);
  });
  add_delete(router, s, "/api/v2/filters/statuses/:id",
             [&s](Id account, Id id) { return s.filters.remove_status(account, id); });
  router.add(Method::kPost, "/api/v2/filters/:filter_id/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "filter_id"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto text, in.string("status_id"));
    // A missing or malformed id names no status: Mastodon's "Status must exist".
    const auto status_id = Id::parse(text.value_or(""));
    API_TRY(social::FilterStatus fs,
            s.filters.add_status(caller.account->id, id, status_id.value_or(Id())));
    return json_text_response(entities::filter_status_json(fs));
  });

  // Filters v1: each keyword as a filter.
  router.add(Method::kGet, "/api/v1/filters", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:filters"));
    API_TRY(auto list, social::v1_filters(s.filters, caller.account->id));
    return json_text_response(entities::filters_v1_json(list));
  });
  add_read(router, s, "/api/v1/filters/:id", "id", [&s](Id account, Id id) {
    return as_json(social::v1_filter(s.filters, account, id), entities::filter_v1_json);
  });
  router.add(Method::kPost, "/api/v1/filters", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::FilterV1Edit edit, read_v1_edit(in));
    API_TRY(social::FilterV1 f, social::create_v1_filter(s.filters, caller.account->id, edit));
    return json_text_response(entities::filter_v1_json(f));
  });
  router.add(Method::kPut, "/api/v1/filters/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:filters"));
    API_TRY(Id id, path_id(req, "id"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::FilterV1Edit edit, read_v1_edit(in));
    API_TRY(social::FilterV1 f, social::update_v1_filter(s.filters, caller.account->id, id, edit));
    return json_text_response(entities::filter_v1_json(f));
  });
  // Deletes the keyword only, as Mastodon destroys the CustomFilterKeyword.
  add_delete(router, s, "/api/v1/filters/:id",
             [&s](Id account, Id id) { return s.filters.remove_keyword(account, id); });
}

}  // namespace kindred::api
