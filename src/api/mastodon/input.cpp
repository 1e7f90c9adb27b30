#include "api/mastodon/input.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "core/utf8.h"
#include "http/form.h"
#include "http/multipart.h"
#include "social/model/calendar.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

void add_form_value(json::object& out, std::string_view name, std::string value) {
  if (name.size() > 2 && name.substr(name.size() - 2) == "[]") {
    auto key = name.substr(0, name.size() - 2);
    auto it = out.find(key);
    if (it == out.end() || !it->value().is_array()) it = out.insert_or_assign(key, json::array()).first;
    it->value().as_array().emplace_back(json::string(value));
  } else {
    out.insert_or_assign(name, json::string(value));
  }
}

// Every text a request carries is checked here, once, before any handler reads it: well-formed
// UTF-8, no C0 control characters but tab and line feed (CR LF becomes LF). 422 otherwise, so
// that nothing stored can make a strict client's JSON reader fail later.
Status check_text(std::string_view name, std::string& text) {
  switch (normalize_and_check_text(text)) {
    case TextProblem::kNone: return Status::ok();
    case TextProblem::kInvalidUtf8:
      return Status::invalid_argument("Invalid value for parameter " + std::string(name) +
                                      ": not valid UTF-8 text");
    case TextProblem::kControlCharacter:
      return Status::invalid_argument("Invalid value for parameter " + std::string(name) +
                                      ": control characters are not allowed");
  }
  return Status::ok();
}

// Names are not normalised: one holding a line break at all is refused.
Status check_name(std::string& name) {
  if (name.find('\r') != std::string::npos || normalize_and_check_text(name) != TextProblem::kNone)
    return Status::invalid_argument("Invalid parameter name");
  return Status::ok();
}

Status merge_form(json::object& out, std::string_view encoded) {
  auto params = http::Params::parse(encoded);
  if (!params) return Status::malformed("Error occurred while parsing request parameters");
  for (auto [k, v] : params->items()) {
    KINDRED_RETURN_IF_ERROR(check_name(k));
    KINDRED_RETURN_IF_ERROR(check_text(k, v));
    add_form_value(out, k, std::move(v));
  }
  return Status::ok();
}

}  // namespace

// JSON strings are UTF-8 already (the parser refuses anything else), but escapes can spell NUL
// and other controls ("\u0000"): the same rule applies to every string and key inside.
Status check_json_text(std::string_view name, json::value& v) {
  if (v.is_string()) {
    std::string text(v.get_string());
    KINDRED_RETURN_IF_ERROR(check_text(name, text));
    if (text != v.get_string()) v = json::string(text);  // line endings became LF
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) KINDRED_RETURN_IF_ERROR(check_json_text(name, item));
  } else if (v.is_object()) {
    for (auto& [k, child] : v.get_object()) {
      std::string key(k);
      KINDRED_RETURN_IF_ERROR(check_name(key));
      KINDRED_RETURN_IF_ERROR(check_json_text(name, child));
    }
  }
  return Status::ok();
}

namespace {

std::optional<std::string> scalar_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return json::serialize(v);
    default: return std::nullopt;
  }
}

Status bad_param(std::string_view name) {
  return Status::invalid_argument("Invalid value for parameter " + std::string(name));
}

}  // namespace

Result<Input> Input::from(const http::Request& req) {
  Input in;
  if (!req.query.empty()) KINDRED_RETURN_IF_ERROR(merge_form(in.values_, req.query));
  if (req.body.empty()) return in;
  std::string_view type = req.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == "application/json" || (type.empty() && req.body.front() == '{')) {
    json::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec) return Status::malformed("Error occurred while parsing request parameters");
    if (!v.is_object()) return Status::invalid_argument("Error occurred while parsing request parameters");
    for (auto& [k, val] : v.as_object()) {
      std::string key(k);
      KINDRED_RETURN_IF_ERROR(check_name(key));
      KINDRED_RETURN_IF_ERROR(check_json_text(key, val));
      in.values_.insert_or_assign(key, std::move(val));
    }
    return in;
  }
  if (type == "application/x-www-form-urlencoded" || type.empty()) {
    KINDRED_RETURN_IF_ERROR(merge_form(in.values_, req.body));
    return in;
  }
  if (auto boundary = http::multipart_boundary(req.header("content-type").value_or(""))) {
    auto parts = http::parse_multipart(req.body, *boundary);
    if (!parts) return Status::malformed("Error occurred while parsing request parameters");
    for (const auto& part : *parts) {
      std::string name(part.name);
      KINDRED_RETURN_IF_ERROR(check_name(name));
      if (part.filename.empty()) {
        std::string value(part.data);
        KINDRED_RETURN_IF_ERROR(check_text(name, value));
        add_form_value(in.values_, name, std::move(value));
      } else {  // a file: its bytes are the media pipeline's to check
        in.files_.push_back({part.name, File{part.filename, part.content_type, part.data}});
      }
    }
    return in;
  }
  return Status::invalid_argument("Unsupported content type: " + std::string(type));
}

bool Input::has(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->value().is_null();
}

bool Input::has_prefix(std::string_view prefix) const {
  for (const auto& kv : values_)
    if (kv.key().substr(0, prefix.size()) == prefix) return true;
  return false;
}

Result<std::optional<std::string>> Input::string(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->value().is_null()) return std::optional<std::string>();
  auto text = scalar_text(it->value());
  if (!text) return bad_param(name);
  return text;
}

Result<std::optional<bool>> Input::boolean(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->value().is_null()) return std::optional<bool>();
  if (it->value().is_bool()) return std::optional<bool>(it->value().get_bool());
  auto text = scalar_text(it->value());
  if (!text) return bad_param(name);
  if (auto b = rails_boolean(*text)) return b;
  return bad_param(name);
}

std::optional<bool> rails_boolean(std::string_view text) {
  // ActiveModel::Type::Boolean's spellings (its FALSE_VALUES, and their counterparts for true).
  for (std::string_view t : {"true", "1", "on", "t", "T", "TRUE", "True", "ON"})
    if (text == t) return true;
  for (std::string_view f : {"false", "0", "off", "f", "F", "FALSE", "False", "OFF", ""})
    if (text == f) return false;
  return std::nullopt;
}

Result<std::optional<Id>> Input::id(std::string_view name) const {
  KINDRED_ASSIGN_OR_RETURN(auto text, string(name));
  if (!text || text->empty()) return std::optional<Id>();
  auto parsed = Id::parse(*text);
  if (!parsed) return bad_param(name);
  return std::optional<Id>(*parsed);
}

Result<std::optional<int64_t>> Input::integer(std::string_view name) const {
  KINDRED_ASSIGN_OR_RETURN(auto text, string(name));
  if (!text || text->empty()) return std::optional<int64_t>();
  auto parsed = Id::parse(*text);
  if (!parsed || parsed->value > (1ull << 62)) return bad_param(name);
  return std::optional<int64_t>(static_cast<int64_t>(parsed->value));
}

Result<std::vector<std::string>> Input::strings(std::string_view name, bool split_spaces) const {
  std::vector<std::string> out;
  auto it = values_.find(name);
  if (it == values_.end() || it->value().is_null()) return out;
  if (it->value().is_array()) {
    for (const auto& v : it->value().get_array()) {
      auto text = scalar_text(v);
      if (!text) return bad_param(name);
      out.push_back(std::move(*text));
    }
    return out;
  }
  auto text = scalar_text(it->value());
  if (!text) return bad_param(name);
  if (!split_spaces) {
    out.push_back(std::move(*text));
    return out;
  }
  size_t i = 0;
  while (i < text->size()) {
    size_t j = text->find_first_of(" \n\r\t", i);
    if (j == std::string::npos) j = text->size();
    if (j > i) out.push_back(text->substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace kindred::api

namespace kindred::api {

std::optional<Input::File> Input::file(std::string_view name) const {
  for (const auto& [n, f] : files_)
    if (n == name) return f;
  return std::nullopt;
}

namespace {

void flatten(const json::value& v, std::string path,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) flatten(child, path + "[" + std::string(k) + "]", out);
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    for (size_t i = 0; i < a.size(); ++i) flatten(a[i], path + "[" + std::to_string(i) + "]", out);
  } else if (v.is_string()) {
    out.emplace_back(std::move(path), std::string(v.as_string()));
  } else if (!v.is_null()) {
    out.emplace_back(std::move(path), json::serialize(v));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Input::flattened(std::string_view prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : values_) {
    std::string_view key = k;
    if (key.substr(0, prefix.size()) != prefix) continue;
    flatten(v, std::string(key.substr(prefix.size())), out);
  }
  return out;
}

Result<std::vector<Id>> read_media_ids(const Input& in, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(auto media, in.strings(name));
  std::vector<Id> out;
  for (const auto& m : media) {
    auto id = Id::parse(m);
    if (!id) return Status::invalid_argument("Validation failed: Media could not be found");
    out.push_back(*id);
  }
  return out;
}

Result<std::optional<social::NewPoll>> read_poll(const Input& in) {
  auto items = in.flattened("poll");
  if (items.empty()) return std::optional<social::NewPoll>();
  social::NewPoll p;
  for (const auto& [path, value] : items) {
    if (path.rfind("[options][", 0) == 0) {
      p.options.push_back(value);
    } else if (path == "[expires_in]") {
      int64_t seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size())
        return Status::invalid_argument("Validation failed: Poll expires in is not a number of seconds");
      p.expires_in_s = seconds;
    } else if (path == "[multiple]" || path == "[hide_totals]") {
      auto b = rails_boolean(value);
      if (!b) return Status::invalid_argument("Invalid value for parameter poll" + path);
      (path == "[multiple]" ? p.multiple : p.hide_totals) = *b;
    }
  }
  return std::optional<social::NewPoll>(std::move(p));
}

Result<int64_t> parse_iso8601_ms(std::string_view t, std::string_view what) {
  const Status bad = Status::invalid_argument("Validation failed: " + std::string(what) + " is invalid");
  auto date = t.size() >= 10 ? social::parse_date(t.substr(0, 10)) : std::nullopt;
  if (!date || t.size() < 16 || (t[10] != 'T' && t[10] != 't' && t[10] != ' ')) return bad;
  auto digits = [&](size_t at, size_t n, int64_t max) -> std::optional<int64_t> {
    if (at + n > t.size()) return std::nullopt;
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    if (v > max) return std::nullopt;
    return v;
  };
  auto hour = digits(11, 2, 23), minute = digits(14, 2, 59);
  if (!hour || !minute || t[13] != ':') return bad;
  int64_t second = 0, millis = 0;
  size_t at = 16;
  if (at < t.size() && t[at] == ':') {
    auto s = digits(at + 1, 2, 59);
    if (!s) return bad;
    second = *s;
    at += 3;
    if (at < t.size() && t[at] == '.') {
      size_t n = 0;
      for (++at; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at, ++n)
        if (n < 3) millis = millis * 10 + (t[at] - '0');
      if (n == 0) return bad;
      for (; n < 3; ++n) millis *= 10;
    }
  }
  int64_t offset_min = 0;
  const std::string_view zone = t.substr(at);
  if (zone == "Z" || zone == "z" || zone.empty()) {
  } else if ((zone[0] == '+' || zone[0] == '-') && (zone.size() == 6 || zone.size() == 5)) {
    const size_t m = zone.size() == 6 ? 4 : 3;
    auto oh = digits(at + 1, 2, 23), om = digits(at + m, 2, 59);
    if (!oh || !om || (zone.size() == 6 && zone[3] != ':')) return bad;
    offset_min = (zone[0] == '-' ? -1 : 1) * (*oh * 60 + *om);
  } else {
    return bad;
  }
  const int64_t minutes = social::days_since_epoch(*date) * 1440 + *hour * 60 + *minute - offset_min;
  return (minutes * 60 + second) * 1000 + millis;
}

}  // namespace kindred::api
