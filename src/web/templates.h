#pragma once

#include <string>
#include <string_view>

#include "web/mustache.h"

namespace kindred::web {

// Template data (web/mustache.h): set(key, value) on objects, push_back on lists. Move values in.
using Data = Value;
// An empty list, to push_back objects into.
inline Data list() { return Value::list(); }

// The page templates of src/web/templates (Mustache), compiled into the binary and parsed once.
// {{name}} is escaped with escape_html (web/escape.h) in text and attributes alike; {{{name}}}
// is placed as it is, only for HTML a social/ view sanitised or another template rendered.
// Templates hold no logic beyond sections over lists and flags: what a page says is decided in
// C++ from social/ views. Thread-safe.
//
// A key a section's items lack is looked up in the enclosing data, as Mustache does: set every
// optional key of a list item (false when absent), or an item may show its parent's value.
// {{@key}} tags take their messages from `texts` (web/text.h), usually PageContext::texts().
std::string render(std::string_view name, const Data& data, const Texts& texts);

// Parses every embedded template and text catalogue and checks that each {{@key}} of a template
// is in the English catalogue; returns "" when all is well, else "<name>: <error>". The server
// calls it at start-up, so a malformed template stops it from starting, never fails a request.
std::string check_templates();

}  // namespace kindred::web
