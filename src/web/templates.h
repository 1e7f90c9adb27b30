#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

namespace kindred::web {

// Mustache data: a value, an object (set(key, value)) or a list (push_back).
using Data = kainjow::mustache::data;
// An empty list, to push_back objects into.
inline Data list() { return Data(Data::type::list); }

// The page templates of src/web/templates (Mustache, kainjow's implementation), compiled into
// the binary. {{name}} is escaped with escape_html (web/escape.h) in text and attributes alike;
// {{{name}}} is placed as it is, only for HTML a social/ view sanitised or another template
// rendered. Templates hold no logic beyond sections over lists and flags: what a page says is
// decided in C++ from social/ views.
//
// Thread-safe: each thread renders with its own parsed copy (kainjow's renderer keeps state).
// Every template is parsed once at start-up by check_templates(), so a malformed one stops the
// server from starting rather than failing a request.
std::string render(std::string_view name, const Data& data);

// Parses every embedded template; returns "" when all parse, else "<name>: <error>".
std::string check_templates();

}  // namespace kindred::web
