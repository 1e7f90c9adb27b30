#include "web/templates.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "web/embedded.h"
#include "web/escape.h"

namespace kindred::web {

namespace {

using Mustache = kainjow::mustache::mustache;
constexpr std::string_view kPrefix = "templates/";
constexpr std::string_view kSuffix = ".mustache";

std::map<std::string, std::unique_ptr<Mustache>, std::less<>> parse_all(std::string* error) {
  std::map<std::string, std::unique_ptr<Mustache>, std::less<>> out;
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& f = kEmbeddedFiles[i];
    if (!f.name.starts_with(kPrefix) || !f.name.ends_with(kSuffix)) continue;
    std::string name(f.name.substr(kPrefix.size(), f.name.size() - kPrefix.size() - kSuffix.size()));
    auto m = std::make_unique<Mustache>(std::string(f.bytes));
    if (!m->is_valid() && error && error->empty()) *error = name + ": " + m->error_message();
    m->set_custom_escape([](const std::string& s) { return escape_html(s); });
    out.emplace(std::move(name), std::move(m));
  }
  return out;
}

}  // namespace

std::string render(std::string_view name, const Data& data) {
  thread_local auto templates = parse_all(nullptr);
  auto it = templates.find(name);
  if (it == templates.end()) {
    std::fprintf(stderr, "kindred web: no template named %.*s\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return it->second->render(data);
}

std::string check_templates() {
  std::string error;
  parse_all(&error);
  return error;
}

}  // namespace kindred::web
