#include "api/kindred/support_json.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kindred::api {

namespace json = boost::json;

namespace {

Status invalid(const std::string& what) {
  return Status::invalid_argument("Validation failed: " + what);
}

// An optional string member: absent or null -> "", a string -> it, anything else an error.
Status read_string(const json::object& o, std::string_view key, std::string_view label,
                   std::string& out) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return Status::ok();
  if (!it->value().is_string()) return invalid(std::string(label) + " must be a string");
  out = std::string(it->value().get_string());
  return Status::ok();
}

Status read_strings(const json::object& o, std::string_view key, std::string_view label,
                    std::vector<std::string>& out) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return Status::ok();
  if (!it->value().is_array()) return invalid(std::string(label) + " must be an array of strings");
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) return invalid(std::string(label) + " must be an array of strings");
    out.emplace_back(v.get_string());
  }
  return Status::ok();
}

Status only_known(const json::object& o, std::string_view where,
                  std::initializer_list<std::string_view> known) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      return invalid("unknown field '" + std::string(kv.key()) + "'" + std::string(where));
  }
  return Status::ok();
}

Status read_hours(const json::value& v, social::SupportResource& r) {
  if (v.is_null()) return Status::ok();
  if (!v.is_object()) return invalid("Hours must be null or an object with time_zone and weekly");
  const auto& o = v.get_object();
  KINDRED_RETURN_IF_ERROR(only_known(o, " in hours", {"time_zone", "weekly"}));
  KINDRED_RETURN_IF_ERROR(read_string(o, "time_zone", "Hours time zone", r.time_zone));
  auto weekly = o.find("weekly");
  if (weekly == o.end() || !weekly->value().is_array())
    return invalid("Hours weekly must be an array");
  for (const auto& e : weekly->value().get_array()) {
    if (!e.is_object()) return invalid("Hours weekly entries must be objects");
    const auto& eo = e.get_object();
    KINDRED_RETURN_IF_ERROR(only_known(eo, " in hours", {"days", "opens", "closes"}));
    social::OpeningHours h;
    KINDRED_RETURN_IF_ERROR(read_strings(eo, "days", "Hours days", h.days));
    KINDRED_RETURN_IF_ERROR(read_string(eo, "opens", "Opens", h.opens));
    KINDRED_RETURN_IF_ERROR(read_string(eo, "closes", "Closes", h.closes));
    r.hours.push_back(std::move(h));
  }
  return Status::ok();
}

Status read_closures(const json::value& v, social::SupportResource& r) {
  if (v.is_null()) return Status::ok();
  if (!v.is_array()) return invalid("Closures must be an array");
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) return invalid("Closures entries must be objects");
    const auto& eo = e.get_object();
    KINDRED_RETURN_IF_ERROR(only_known(eo, " in closures", {"from", "to", "reason"}));
    social::Closure c;
    KINDRED_RETURN_IF_ERROR(read_string(eo, "from", "Closure from", c.from));
    KINDRED_RETURN_IF_ERROR(read_string(eo, "to", "Closure to", c.to));
    KINDRED_RETURN_IF_ERROR(read_string(eo, "reason", "Closure reason", c.reason));
    r.closures.push_back(std::move(c));
  }
  return Status::ok();
}

void put_resource(json::array& out, const social::SupportResource& r) {
  json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  json::array topics, regions;
  for (const auto& t : r.topics) topics.emplace_back(t);
  for (const auto& t : r.regions) regions.emplace_back(t);
  o["topics"] = std::move(topics);
  o["regions"] = std::move(regions);
  auto opt = [&o](std::string_view key, const std::string& v) {
    if (v.empty()) {
      o[key] = nullptr;
    } else {
      o[key] = v;
    }
  };
  opt("phone", r.phone);
  opt("email", r.email);
  opt("website", r.website);
  if (r.hours.empty()) {
    o["hours"] = nullptr;
  } else {
    json::array weekly;
    for (const auto& h : r.hours) {
      json::array days;
      for (const auto& d : h.days) days.emplace_back(d);
      weekly.emplace_back(
          json::object{{"days", std::move(days)}, {"opens", h.opens}, {"closes", h.closes}});
    }
    o["hours"] = json::object{{"time_zone", r.time_zone}, {"weekly", std::move(weekly)}};
  }
  json::array closures;
  for (const auto& c : r.closures) {
    json::object co{{"from", c.from}, {"to", c.to}};
    if (c.reason.empty()) {
      co["reason"] = nullptr;
    } else {
      co["reason"] = c.reason;
    }
    closures.emplace_back(std::move(co));
  }
  o["closures"] = std::move(closures);
  out.emplace_back(std::move(o));
}

Result<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return invalid("not valid JSON (" + ec.message() + ")");
  return v;
}

Status unavailable(const std::string& what, const std::string& path) {
  return Status::unavailable(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<social::SupportResource> support_resource_from_json(const json::value& v, bool with_id) {
  if (!v.is_object()) return invalid("the body must be a JSON object");
  const auto& o = v.get_object();
  KINDRED_RETURN_IF_ERROR(
      only_known(o, "",
                 {"id", "name", "topics", "regions", "phone", "email", "website", "hours",
                  "closures", "open_now", "closes_at", "next_open_at", "next_open_at_local"}));
  social::SupportResource r;
  if (with_id) KINDRED_RETURN_IF_ERROR(read_string(o, "id", "Id", r.id));
  KINDRED_RETURN_IF_ERROR(read_string(o, "name", "Name", r.name));
  KINDRED_RETURN_IF_ERROR(read_strings(o, "topics", "Topics", r.topics));
  KINDRED_RETURN_IF_ERROR(read_strings(o, "regions", "Regions", r.regions));
  KINDRED_RETURN_IF_ERROR(read_string(o, "phone", "Phone", r.phone));
  KINDRED_RETURN_IF_ERROR(read_string(o, "email", "Email", r.email));
  KINDRED_RETURN_IF_ERROR(read_string(o, "website", "Website", r.website));
  if (auto it = o.find("hours"); it != o.end()) KINDRED_RETURN_IF_ERROR(read_hours(it->value(), r));
  if (auto it = o.find("closures"); it != o.end())
    KINDRED_RETURN_IF_ERROR(read_closures(it->value(), r));
  return r;
}

Result<std::vector<social::SupportResource>> support_directory_from_json(std::string_view text) {
  KINDRED_ASSIGN_OR_RETURN(json::value v, parse_json(text));
  if (!v.is_object()) return invalid("the directory must be an object with resources");
  const auto& o = v.get_object();
  auto version = o.find("version");
  if (version == o.end() || !version->value().is_int64() || version->value().get_int64() != 1)
    return invalid("the directory's version must be 1");
  auto list = o.find("resources");
  if (list == o.end() || !list->value().is_array())
    return invalid("the directory's resources must be an array");
  std::vector<social::SupportResource> out;
  for (const auto& e : list->value().get_array()) {
    KINDRED_ASSIGN_OR_RETURN(auto r, support_resource_from_json(e, /*with_id=*/true));
    out.push_back(std::move(r));
  }
  return out;
}

std::string support_directory_to_json(const std::vector<social::SupportResource>& directory) {
  json::array resources;
  for (const auto& r : directory) put_resource(resources, r);
  // One resource per line keeps hand edits and diffs readable.
  std::string out = "{\"version\": 1, \"resources\": [\n";
  for (size_t i = 0; i < resources.size(); ++i) {
    out += "  " + json::serialize(resources[i]);
    out += i + 1 < resources.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

Result<std::vector<social::BuiltinWordList>> builtin_word_lists_from_json(std::string_view text) {
  KINDRED_ASSIGN_OR_RETURN(json::value v, parse_json(text));
  if (!v.is_object()) return invalid("the hidden words file must be an object of languages");
  std::vector<social::BuiltinWordList> lists;
  for (const auto& entry : v.get_object()) {
    if (entry.key().starts_with("_")) continue;
    if (!entry.value().is_object()) return invalid("each hidden words list must be an object");
    const auto& o = entry.value().get_object();
    social::BuiltinWordList list;
    list.language = std::string(entry.key());
    const bool lang_ok = (list.language.size() == 2 || list.language.size() == 3) &&
                         std::all_of(list.language.begin(), list.language.end(),
                                     [](char c) { return c >= 'a' && c <= 'z'; });
    if (!lang_ok) return invalid("hidden words list '" + list.language + "' must be named by an ISO 639 code");
    KINDRED_RETURN_IF_ERROR(read_string(o, "name", "List name", list.name));
    KINDRED_RETURN_IF_ERROR(read_strings(o, "phrases", "List phrases", list.phrases));
    if (list.name.empty()) return invalid("hidden words list '" + list.language + "' has no name");
    lists.push_back(std::move(list));
  }
  return lists;
}

Result<social::TopicLexicon> topic_lexicon_from_json(std::string_view text) {
  KINDRED_ASSIGN_OR_RETURN(json::value v, parse_json(text));
  if (!v.is_object() || !v.get_object().contains("topics") ||
      !v.get_object().at("topics").is_array())
    return invalid("the topic lexicon must be an object with a topics array");
  social::TopicLexicon lexicon;
  for (const auto& t : v.get_object().at("topics").get_array()) {
    if (!t.is_object()) return invalid("each topic must be an object");
    const auto& o = t.get_object();
    social::TopicLexicon::Topic topic;
    KINDRED_RETURN_IF_ERROR(read_string(o, "id", "Topic id", topic.id));
    KINDRED_RETURN_IF_ERROR(read_string(o, "name", "Topic name", topic.name));
    KINDRED_RETURN_IF_ERROR(read_string(o, "message", "Topic message", topic.message));
    for (std::string_view field : {"phrases", "except"}) {
      auto it = o.find(field);
      if (it == o.end()) continue;
      if (!it->value().is_object())
        return invalid("topic " + std::string(field) + " must map languages to arrays");
      for (const auto& lang : it->value().get_object()) {
        std::vector<std::string> phrases;
        KINDRED_RETURN_IF_ERROR(
            read_strings(it->value().get_object(), lang.key(), "Topic phrases", phrases));
        if (field == "phrases") {
          topic.phrases.emplace_back(std::string(lang.key()), std::move(phrases));
        } else {
          topic.except.insert(topic.except.end(), phrases.begin(), phrases.end());
        }
      }
    }
    lexicon.topics.push_back(std::move(topic));
  }
  return lexicon;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unavailable("cannot read", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_text_file(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return unavailable("cannot write", tmp);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = unavailable("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = unavailable("cannot sync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = unavailable("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return s;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

Status SupportFile::save(const std::vector<social::SupportResource>& directory) {
  return write_text_file(path_, support_directory_to_json(directory));
}

Result<SupportFile::Loaded> SupportFile::load(const std::string& seed_path) {
  std::error_code ec;
  const bool seeded = std::filesystem::exists(path_, ec);
  const std::string& from = seeded ? path_ : seed_path;
  KINDRED_ASSIGN_OR_RETURN(std::string text, read_text_file(from));
  auto directory = support_directory_from_json(text);
  if (!directory.has_value())
    return Status::invalid_argument(from + ": " + directory.error().message());
  return Loaded{std::move(*directory), !seeded};
}

}  // namespace kindred::api
