// libFuzzer target for the request parameter readers: http::Params (query strings and
// application/x-www-form-urlencoded bodies), api::Input::from() and check_json_text() (the text
// rule of src/api/mastodon/input.h) and normalize_and_check_text()/valid_utf8() (src/core/utf8.h).
// Built by the `fuzz` preset (clang-14); run it with `make fuzz`. The first byte picks the
// reader, the rest is the payload:
//
//   byte % 5 == 0: a form body (Content-Type: application/x-www-form-urlencoded)
//                  "\x00status=Hello%0D%0Aworld&media_ids[]=1&media_ids[]=2"
//   byte % 5 == 1: a query string ("/x?" + payload)      "\x01limit=20&max_id=1&types[]=mention"
//   byte % 5 == 2: a JSON body (Content-Type: application/json)   "\x02{\"status\":\"hi\"}"
//   byte % 5 == 3: a JSON value a handler parses itself, through check_json_text()
//   byte % 5 == 4: a multipart/form-data body with boundary XyZ (text fields are parameters)
//
// With the byte's top bit set, form and JSON bodies come without a Content-Type (Input::from
// then reads a body starting with '{' as JSON, anything else as a form). Empty input does nothing.
//
// The rule checked (input.h, utf8.h): every text Input accepts, names and values, is well-formed
// UTF-8 (RFC 3629) without C0 control characters but tab and line feed; CR LF and lone CR in
// values became LF; a name holding CR is refused. Each reader's outcome is compared with a model
// written here from that rule: Input accepts exactly when every piece passes, and then holds the
// values the model predicts. Error messages (shown to clients) obey the same rule.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/mastodon/input.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/message.h"
#include "http/multipart.h"

namespace {

namespace json = boost::json;
using kindred::TextProblem;
using kindred::api::Input;

// Invariants a caller relies on; a broken one aborts, which libFuzzer reports as a crash (the
// line says which: the checks are inlined, so stack traces often do not).
void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "%s:%d: invariant broken\n", __FILE__, line);
  std::abort();
}

// Well-formed UTF-8 per the Unicode standard's table of well-formed byte sequences (Table 3-7),
// written independently of valid_utf8().
bool reference_utf8(std::string_view s) {
  auto in = [](unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
    size_t n = 0;
    if (c <= 0x7F) {
      n = 1;
    } else if (in(c, 0xC2, 0xDF)) {
      n = in(at(1), 0x80, 0xBF) ? 2 : 0;
    } else if (c == 0xE0) {
      n = in(at(1), 0xA0, 0xBF) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    } else if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) {
      n = in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    } else if (c == 0xED) {
      n = in(at(1), 0x80, 0x9F) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    } else if (c == 0xF0) {
      n = in(at(1), 0x90, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    } else if (in(c, 0xF1, 0xF3)) {
      n = in(at(1), 0x80, 0xBF) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    } else if (c == 0xF4) {
      n = in(at(1), 0x80, 0x8F) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    }
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') return true;
  }
  return false;
}

// Text as Input may hand it to a handler (CR is a control character here: it was made LF).
bool acceptable(std::string_view s) { return !has_control(s) && reference_utf8(s); }

// CR LF and lone CR made LF.
std::string reference_normalize(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r') {
      out.push_back(s[i]);
      continue;
    }
    out.push_back('\n');
    if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
  }
  return out;
}

// normalize_and_check_text() against the reference; returns the normalised text when accepted.
std::optional<std::string> value_text(std::string_view s) {
  std::string text(s);
  TextProblem problem = kindred::normalize_and_check_text(text);
  std::string expected = reference_normalize(s);
  check(kindred::valid_utf8(s) == reference_utf8(s));
  check(text == expected);  // changed only by the line endings
  check(kindred::valid_utf8(expected) == reference_utf8(expected));
  switch (problem) {
    case TextProblem::kNone:
      check(acceptable(text));
      return text;
    case TextProblem::kInvalidUtf8:
      check(!reference_utf8(text));
      break;
    case TextProblem::kControlCharacter:
      check(has_control(text));
      break;
  }
  check(!acceptable(text));
  return std::nullopt;
}

// A parameter name passes when it holds no CR and is acceptable text as it stands.
bool name_ok(std::string_view name) {
  return name.find('\r') == std::string_view::npos && value_text(name).has_value();
}

// What Input holds after a form, query or multipart's text fields: "k[]" appends to the array k
// (replacing a plain value), "k" sets k (replacing an array).
struct FormModel {
  std::map<std::string, std::vector<std::string>, std::less<>> arrays;
  std::map<std::string, std::string, std::less<>> plain;

  void add(const std::string& name, std::string value) {
    if (name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0) {
      std::string key = name.substr(0, name.size() - 2);
      if (plain.erase(key) > 0) arrays[key].clear();
      arrays[key].push_back(std::move(value));
    } else {
      arrays.erase(name);
      plain[name] = std::move(value);
    }
  }

  void compare(const Input& in) const {
    size_t values = 0;
    for (const auto& [key, value] : plain) {
      check(in.has(key) && in.present(key));
      auto text = in.string(key);
      check(text.has_value() && text->has_value() && **text == value);
      auto all = in.strings(key);
      check(all.has_value() && all->size() == 1 && all->front() == value);
      ++values;
    }
    for (const auto& [key, items] : arrays) {
      check(in.has(key));
      check(!in.string(key).has_value());  // an array is no scalar
      auto all = in.strings(key);
      check(all.has_value() && *all == items);
      values += items.size();
    }
    check(in.flattened("").size() == values);
  }
};

// Every text a handler can reach through Input: values, names, nested names. Also runs the
// typed accessors over every name, which must not crash whatever the value.
void check_accepted(const Input& in) {
  for (const auto& [name, value] : in.flattened("")) {
    check(acceptable(name));
    check(acceptable(value));
  }
  for (const auto& [name, value] : in.flattened("")) {
    std::string_view key = std::string_view(name).substr(0, name.find('['));
    (void)in.boolean(key);
    (void)in.id(key);
    (void)in.integer(key);
    (void)in.has_prefix(key);
    // A scalar is split at spaces and line breaks (an array's items are taken as they are).
    auto scalar = in.string(key);
    auto words = in.strings(key, /*split_spaces=*/true);
    if (scalar.has_value() && scalar->has_value()) {
      check(words.has_value());
      for (const auto& word : *words) {
        check(!word.empty() && word.find_first_of(" \n\r\t") == std::string::npos);
      }
    }
  }
}

// An error's message reaches the client: it follows the text rule too.
template <class T>
void check_error(const kindred::Result<T>& result) {
  if (!result.has_value()) check(acceptable(result.error().message()));
}

kindred::http::Request request(std::string_view content_type, std::string_view body) {
  kindred::http::Request req;
  req.method = kindred::http::Method::kPost;
  req.set_target("/api/v1/statuses");
  if (!content_type.empty()) req.headers.emplace_back("content-type", std::string(content_type));
  req.body = std::string(body);
  return req;
}

// Form bodies and query strings.
void fuzz_form(const kindred::http::Request& req, std::string_view encoded) {
  auto in = Input::from(req);
  check_error(in);
  auto params = kindred::http::Params::parse(encoded);
  if (!params) {
    check(!in.has_value());  // a malformed escape anywhere
    return;
  }
  FormModel model;
  bool ok = true;
  for (const auto& [name, value] : params->items()) {
    check(!name.empty());
    auto text = value_text(value);
    if (!name_ok(name) || !text) {
      ok = false;
      break;
    }
    model.add(name, std::move(*text));
    (void)params->get_all(name);
  }
  check(in.has_value() == ok);
  if (!ok) return;
  check_accepted(*in);
  model.compare(*in);
}

// Whether check_json_text() accepts `v` (keys by the name rule, strings by the value rule).
bool json_ok(const json::value& v) {
  if (v.is_string()) return value_text(v.get_string()).has_value();
  if (v.is_array()) {
    for (const auto& item : v.get_array())
      if (!json_ok(item)) return false;
  }
  if (v.is_object()) {
    for (const auto& [key, child] : v.get_object())
      if (!name_ok(key) || !json_ok(child)) return false;
  }
  return true;
}

// `after` is `before` with every string's line endings made LF, and nothing else changed.
void check_json_normalized(const json::value& before, const json::value& after) {
  check(before.kind() == after.kind());
  if (before.is_string()) {
    check(after.get_string() == reference_normalize(before.get_string()));
    check(acceptable(after.get_string()));
  } else if (before.is_array()) {
    const auto& a = before.get_array();
    const auto& b = after.get_array();
    check(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) check_json_normalized(a[i], b[i]);
  } else if (before.is_object()) {
    const auto& a = before.get_object();
    const auto& b = after.get_object();
    check(a.size() == b.size());
    auto it = b.begin();
    for (const auto& [key, child] : a) {
      check(it->key() == key && acceptable(key));
      check_json_normalized(child, it->value());
      ++it;
    }
  } else if (before.is_double() && std::isnan(before.get_double())) {
    // Boost.JSON 1.81 reads "0e999" as NaN, which equals nothing, itself included. Such a
    // number reaches a handler as the text "NaN", which no numeric parameter accepts.
    check(after.is_double() && std::isnan(after.get_double()));
  } else {
    check(before == after);
  }
}

// JSON bodies: Input::from's JSON branch.
void fuzz_json_body(const kindred::http::Request& req) {
  auto in = Input::from(req);
  check_error(in);
  if (req.body.empty()) {  // no body, no parameters
    check(in.has_value() && in->flattened("").empty());
    return;
  }
  json::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec || !v.is_object()) {
    check(!in.has_value());
    return;
  }
  bool ok = true;
  for (const auto& [key, child] : v.get_object()) ok = ok && name_ok(key) && json_ok(child);
  check(in.has_value() == ok);
  if (!ok) return;
  check_accepted(*in);
  for (const auto& [key, child] : v.get_object()) {
    check(in->present(key));
    if (child.is_string()) {
      auto text = in->string(key);
      check(text.has_value() && text->has_value() &&
            **text == reference_normalize(child.get_string()));
    }
  }
}

// A JSON value a handler parsed itself.
void fuzz_json_value(std::string_view payload) {
  json::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec) return;
  const json::value before = v;
  kindred::Status status = kindred::api::check_json_text("fuzz", v);
  check(status.is_ok() == json_ok(before));
  if (!status.is_ok()) {
    check(acceptable(status.message()));
    return;
  }
  check_json_normalized(before, v);
}

// Multipart bodies: text fields are parameters, file parts are kept as views.
void fuzz_multipart(const kindred::http::Request& req) {
  auto in = Input::from(req);
  check_error(in);
  if (req.body.empty()) {
    check(in.has_value() && in->flattened("").empty());
    return;
  }
  auto parts = kindred::http::parse_multipart(req.body, "XyZ");
  if (!parts) {
    check(!in.has_value());
    return;
  }
  FormModel model;
  bool ok = true;
  for (const auto& part : *parts) {
    if (!name_ok(part.name)) {
      ok = false;
      break;
    }
    if (!part.filename.empty()) continue;
    auto text = value_text(part.data);
    if (!text) {
      ok = false;
      break;
    }
    model.add(part.name, std::move(*text));
  }
  check(in.has_value() == ok);
  if (!ok) return;
  check_accepted(*in);
  model.compare(*in);
  for (const auto& part : *parts) {
    if (part.filename.empty()) continue;
    auto file = in->file(part.name);
    check(file.has_value());
    // The bytes are a view into the request body.
    check(file->data.data() >= req.body.data() &&
          file->data.data() + file->data.size() <= req.body.data() + req.body.size());
  }
}

void fuzz_params(std::string_view input) {
  if (input.empty()) return;
  const auto selector = static_cast<unsigned char>(input.front());
  const std::string_view payload = input.substr(1);
  const bool typed = (selector & 0x80) == 0;
  value_text(payload);  // the text rule itself, on any bytes
  switch (selector % 5) {
    case 0: {
      auto req = request(typed ? "application/x-www-form-urlencoded" : "", payload);
      // Without a type, a body starting with '{' is read as JSON.
      if (!typed && !payload.empty() && payload.front() == '{') return fuzz_json_body(req);
      return fuzz_form(req, payload);
    }
    case 1: {
      kindred::http::Request req;
      req.set_target("/api/v1/timelines/home?" + std::string(payload));
      check(req.query == payload);
      return fuzz_form(req, payload);
    }
    case 2: {
      auto req = request(typed ? "application/json; charset=utf-8" : "", payload);
      if (!typed && !payload.empty() && payload.front() != '{') return fuzz_form(req, payload);
      return fuzz_json_body(req);
    }
    case 3:
      return fuzz_json_value(payload);
    default:
      return fuzz_multipart(request("multipart/form-data; boundary=XyZ", payload));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_params(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
