#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "http/message.h"
#include "social/posts/posts.h"

namespace kindred::api {

// A request's parameters as Mastodon reads them: the query string, then the body (JSON object,
// or application/x-www-form-urlencoded), later sources winning. Form names with Rails' "[]"
// suffix collect into arrays.
class Input {
 public:
  // Errors: InvalidArgument for a body that does not parse (malformed JSON, a JSON body that is
  // not an object, bad percent-escapes) or an unsupported content type.
  static Result<Input> from(const http::Request& req);

  // Whether `name` is present and not null.
  bool has(std::string_view name) const;
  // Whether `name` is present at all, null included (PATCH bodies clear a setting with null).
  bool present(std::string_view name) const { return values_.find(name) != values_.end(); }
  // Whether any parameter name starts with `prefix` ("poll[" finds Rails-style nested forms).
  bool has_prefix(std::string_view prefix) const;
  // A scalar as text (numbers and booleans converted), or nullopt when absent or null.
  // Errors: InvalidArgument when the value is an object or array.
  Result<std::optional<std::string>> string(std::string_view name) const;
  // Booleans as Rails reads them: true/false, "true"/"1"/"on"/"t", "false"/"0"/"off"/"f"/"".
  // Errors: InvalidArgument for anything else.
  Result<std::optional<bool>> boolean(std::string_view name) const;
  // Errors: InvalidArgument when present but not a decimal id.
  Result<std::optional<Id>> id(std::string_view name) const;
  // Errors: InvalidArgument when present but not a non-negative integer.
  Result<std::optional<int64_t>> integer(std::string_view name) const;
  // An array of scalars (or a single scalar, or a space-separated string when `split_spaces`).
  Result<std::vector<std::string>> strings(std::string_view name, bool split_spaces = false) const;

  // A file sent as a multipart part with a filename (the bytes view into the request body, so
  // valid while the request is). nullopt when there is none by that name.
  struct File {
    std::string filename;
    std::string content_type;
    std::string_view data;
  };
  std::optional<File> file(std::string_view name) const;

  // The parameters whose names start with `prefix`, as (rest of name, value) in order: with
  // prefix "fields_attributes", form names "fields_attributes[0][name]" give "[0][name]".
  // JSON objects and arrays under `prefix` are flattened the same way ([0][name]).
  std::vector<std::pair<std::string, std::string>> flattened(std::string_view prefix) const;

 private:
  boost::json::object values_;
  std::vector<std::pair<std::string, File>> files_;
};

// The parameter `name` (media_ids[]) as ids. Errors: InvalidArgument with Mastodon's words for an
// id that does not parse.
Result<std::vector<Id>> read_media_ids(const Input& in, std::string_view name = "media_ids");

// Booleans as Rails reads them (Input::boolean's rule); nullopt for anything else.
std::optional<bool> rails_boolean(std::string_view text);

// The poll parameters of POST and PUT /api/v1/statuses (poll[options][], poll[expires_in],
// poll[multiple], poll[hide_totals], as a form or a JSON object), or nullopt when there are
// none. Errors: InvalidArgument for expires_in that is not an integer or a bad boolean.
Result<std::optional<social::NewPoll>> read_poll(const Input& in);

// An ISO 8601 time, "YYYY-MM-DDTHH:MM[:SS[.fff]]" then "Z", "+HH:MM" or "-HH:MM" (or nothing:
// UTC), as milliseconds since the epoch. Errors: InvalidArgument naming `what`.
Result<int64_t> parse_iso8601_ms(std::string_view text, std::string_view what);

// Applies Input's rule for text (well-formed UTF-8, no C0 controls but tab and line feed, CR LF
// made LF) to every string and key in `v`, for a JSON body a handler parses itself.
// Errors: InvalidArgument naming the parameter.
Status check_json_text(std::string_view name, boost::json::value& v);

}  // namespace kindred::api
