#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/text.h"

// The subset of Mustache (mustache.github.io, mustache(5)) the page templates use, rendered
// straight into one string: {{name}} (escaped with escape_html), {{{name}}} and {{&name}} (placed
// as they are), {{@key}} (the catalogue message `key` of web/text.h in the render's language,
// escaped, its {placeholders} filled from the data as {{placeholder}} would be), dotted names ({{author.name}}), {{.}}, sections {{#name}}..{{/name}} over lists,
// objects, booleans and strings, inverted sections {{^name}}..{{/name}}, comments {{! ..}}, and
// the spec's standalone lines (a line holding only a section tag leaves no blank line). Not
// supported: partials, lambdas, changing delimiters.
//
// Why not kainjow's Mustache (Debian's libkainjow-mustache-dev), which the templates were first
// written for: its data values copy their whole subtree on every set() and push_back(), and its
// renderer writes through std::function and an ostringstream per section. Measured on the
// memorial post's page (bench/web_pages.sh, docs/PERFORMANCE.md): most of the page's time went
// to malloc and kainjow's data copies, and the page ran at 0.23 x the API call listing the same
// comments, against a target of 0.5. Values here are moved, never copied.
namespace kindred::web {

// A template value: nothing (false), a boolean, a string, a list or an object. Move it in.
class Value {
 public:
  enum class Kind : unsigned char { kNull, kBool, kString, kList, kObject };

  Value() = default;
  Value(bool b) : kind_(Kind::kBool), bool_(b) {}  // NOLINT: implicit by design
  Value(std::string s) : kind_(Kind::kString), string_(std::move(s)) {}  // NOLINT
  Value(std::string_view s) : kind_(Kind::kString), string_(s) {}        // NOLINT
  Value(const char* s) : kind_(Kind::kString), string_(s) {}             // NOLINT
  static Value list() { Value v; v.kind_ = Kind::kList; return v; }
  static Value object() { Value v; v.kind_ = Kind::kObject; return v; }

  // Sets `key` on an object (a null value becomes an object); a key set twice keeps the last.
  Value& set(std::string key, Value value);
  // Appends to a list (a null value becomes a list).
  void push_back(Value value);

  Kind kind() const { return kind_; }
  // What a section sees: false for null, false, "", an empty list; true otherwise.
  bool truthy() const;
  // The member `key` of an object, or null when absent or not an object.
  const Value* find(std::string_view key) const;
  const std::string& string() const { return string_; }
  const std::vector<Value>& items() const { return items_; }

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string string_;
  std::vector<Value> items_;                           // a list's items
  std::vector<std::pair<std::string, Value>> fields_;  // an object's members, in order
};

// A parsed template. Immutable after parse(); render() may run on many threads at once.
class Template {
 public:
  // Errors are returned as a sentence naming the line ("line 12: {{/a}} closes {{#b}}").
  static std::unique_ptr<Template> parse(std::string_view text, std::string* error);
  // Appends the output for `data` to `out`, with the messages of `texts`.
  void render(const Value& data, std::string& out, const Texts& texts = english()) const;
  // The keys of the {{@key}} tags, in order, repeats included.
  std::vector<std::string> message_keys() const;
  ~Template();

  struct Node;  // one piece of the parsed template (mustache.cpp)

 private:
  Template();
  std::vector<Node> nodes_;
};

}  // namespace kindred::web
