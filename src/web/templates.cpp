#include "web/templates.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "web/embedded.h"

namespace kindred::web {

namespace {

constexpr std::string_view kPrefix = "templates/";
constexpr std::string_view kSuffix = ".mustache";

using Templates = std::map<std::string, std::unique_ptr<Template>, std::less<>>;

Templates parse_all(std::string* error) {
  Templates out;
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& f = kEmbeddedFiles[i];
    if (!f.name.starts_with(kPrefix) || !f.name.ends_with(kSuffix)) continue;
    std::string name(f.name.substr(kPrefix.size(), f.name.size() - kPrefix.size() - kSuffix.size()));
    std::string why;
    auto t = Template::parse(f.bytes, &why);
    if (!t) {
      if (error && error->empty()) *error = name + ": " + why;
      continue;
    }
    out.emplace(std::move(name), std::move(t));
  }
  return out;
}

const Templates& templates() {
  static const Templates all = parse_all(nullptr);
  return all;
}

}  // namespace

std::string render(std::string_view name, const Data& data, const Texts& texts) {
  auto it = templates().find(name);
  if (it == templates().end()) {
    std::fprintf(stderr, "kindred web: no template named %.*s\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  std::string out;
  out.reserve(16 * 1024);
  it->second->render(data, out, texts);
  return out;
}

std::string check_templates() {
  std::string error = check_catalogues();
  if (!error.empty()) return error;
  const Templates all = parse_all(&error);
  if (!error.empty()) return error;
  // Every {{@key}} names an English message (English holds them all).
  const Texts& en = english();
  for (const auto& [name, t] : all) {
    for (const std::string& key : t->message_keys()) {
      if (!en.find(key)) return name + ": {{@" + key + "}} is not in text/en.txt";
    }
  }
  return "";
}

}  // namespace kindred::web
