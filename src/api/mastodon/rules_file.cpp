#include "api/mastodon/rules_file.h"

#include <sys/stat.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <iostream>

#include "api/kindred/support_json.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

Status bad(const std::string& what) { return Status::invalid_argument(what); }

Result<social::InstanceRule> rule_from_json(const json::value& v, size_t index) {
  const std::string where = "rule " + std::to_string(index + 1) + ": ";
  if (!v.is_object()) return bad(where + "not an object");
  social::InstanceRule r;
  bool has_id = false, has_text = false;
  for (const auto& [key, value] : v.as_object()) {
    if (key == "id") {
      std::optional<Id> id;
      if (value.is_string()) id = Id::parse(value.as_string());
      if (value.is_int64() && value.as_int64() > 0) id = Id(static_cast<uint64_t>(value.as_int64()));
      if (value.is_uint64()) id = Id(value.as_uint64());
      if (!id || id->is_none()) return bad(where + "\"id\" is not a number of at least 1");
      r.id = *id;
      has_id = true;
    } else if (key == "text" || key == "hint") {
      if (!value.is_string()) return bad(where + "\"" + std::string(key) + "\" is not a string");
      (key == "text" ? r.text : r.hint) = std::string(value.as_string());
      has_text = has_text || key == "text";
    } else if (key == "removed") {
      if (!value.is_bool()) return bad(where + "\"removed\" is not true or false");
      r.removed = value.as_bool();
    } else {
      return bad(where + "unknown field \"" + std::string(key) + "\"");
    }
  }
  if (!has_id) return bad(where + "no \"id\"");
  if (!has_text) return bad(where + "no \"text\"");
  return r;
}

}  // namespace

Result<std::vector<social::InstanceRule>> rules_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return bad("not JSON: " + ec.message());
  if (!v.is_array()) return bad("not a JSON array of rules");
  std::vector<social::InstanceRule> all;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    KINDRED_ASSIGN_OR_RETURN(social::InstanceRule r, rule_from_json(v.as_array()[i], i));
    all.push_back(std::move(r));
  }
  KINDRED_RETURN_IF_ERROR(social::validate_rules(all));
  return all;
}

std::string rules_to_json(const std::vector<social::InstanceRule>& all) {
  std::string out = "[";
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& r = all[i];
    json::object o{{"id", r.id.to_string()}, {"text", r.text}, {"hint", r.hint}};
    if (r.removed) o["removed"] = true;
    out += (i == 0 ? "\n  " : ",\n  ") + json::serialize(o);
  }
  out += all.empty() ? "]\n" : "\n]\n";
  return out;
}

RulesFile::Version RulesFile::version_now() const {
  Version v;
  struct stat st {};
  if (path_.empty() || ::stat(path_.c_str(), &st) != 0) return v;
  v.present = true;
  v.inode = st.st_ino;
  v.size = st.st_size;
  v.mtime = st.st_mtim;
  return v;
}

std::vector<social::InstanceRule> RulesFile::rules() const {
  const Version now = version_now();
  std::lock_guard lock(mu_);
  if (read_once_ && now == seen_) return rules_;
  read_once_ = true;
  seen_ = now;
  rules_.clear();
  if (!now.present) return rules_;
  auto loaded = load();
  if (loaded.has_value()) {
    rules_ = std::move(*loaded);
  } else {
    std::cerr << "kindred: " << loaded.error().message() << "; answering as with no rules\n";
  }
  return rules_;
}

Result<std::vector<social::InstanceRule>> RulesFile::load() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return std::vector<social::InstanceRule>{};
  KINDRED_ASSIGN_OR_RETURN(std::string text, read_text_file(path_));
  auto all = rules_from_json(text);
  if (!all.has_value()) return Status::invalid_argument(path_ + ": " + all.error().message());
  return all;
}

Status RulesFile::save(const std::vector<social::InstanceRule>& all) const {
  return write_text_file(path_, rules_to_json(all));
}

}  // namespace kindred::api
