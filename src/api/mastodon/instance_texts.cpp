// The instance's texts and figures: GET /api/v1/instance/activity, /rules, /domain_blocks,
// /extended_description, /privacy_policy, /terms_of_service (and /terms_of_service/:date).
// The texts are plain-text files in the data directory that an admin edits; the shipped
// defaults are written there on first start. Their time is the file's.
#include <sys/stat.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fstream>
#include <sstream>

#include "api/mastodon/entities/rules.h"
#include "api/mastodon/entities/startup.h"
#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

constexpr size_t kActivityWeeks = 12;

struct TextFile {
  const char* name;
  const char* fallback;  // the shipped default; "%s" is the instance's title
};

constexpr TextFile kExtendedDescription{
    "extended_description.txt",
    "%s is a Kindred server: a place to share photos with the people you care about.\n\n"
    "Be kind. Post what you would be glad to see yourself, describe your photos for those who "
    "cannot see them, and look after each other."};
constexpr TextFile kPrivacyPolicy{
    "privacy_policy.txt",
    "This server keeps what you give it to run your account: your username, email address and "
    "password (stored only as a hash), your profile, your posts and photos, and the people you "
    "follow.\n\n"
    "Photos are stripped of their metadata (including location) when you upload them. Posts are "
    "shown to the people their visibility allows; direct and followers-only posts can still be "
    "read by this server's operators.\n\n"
    "Nothing is sold or shared with advertisers. Deleting a post deletes it and its photos from "
    "this server."};
constexpr TextFile kTermsOfService{
    "terms_of_service.txt",
    "By using %s you agree to treat others with respect, to post only what you have the right "
    "to share, and not to use the service to harass, threaten or deceive anyone.\n\n"
    "The operators may remove content or accounts that break these terms. The service is "
    "provided as is, without warranty."};

std::string with_title(const char* text, const std::string& title) {
  std::string out = text;
  if (auto at = out.find("%s"); at != std::string::npos) out.replace(at, 2, title);
  return out;
}

struct Text {
  std::string content;  // HTML
  int64_t updated_ms = 0;
};

// The admin's file if there is one, else the shipped default (with no time: the epoch).
Text read_text(const ApiServices& s, const TextFile& f) {
  Text t;
  std::string raw = with_title(f.fallback, s.config.title);
  if (!s.config.data_dir.empty()) {
    const std::string path = s.config.data_dir + "/" + f.name;
    struct stat st {};
    std::ifstream in(path, std::ios::binary);
    if (in && ::stat(path.c_str(), &st) == 0) {
      std::ostringstream buf;
      buf << in.rdbuf();
      raw = buf.str();
      t.updated_ms =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    }
  }
  t.content = entities::plain_text_html(raw);
  return t;
}

json::object policy(const ApiServices& s, const TextFile& f) {
  Text t = read_text(s, f);
  return json::object{{"updated_at", entities::iso8601(t.updated_ms)}, {"content", t.content}};
}

}  // namespace

Status write_default_instance_texts(const std::string& data_dir, const std::string& title) {
  for (const TextFile* f : {&kExtendedDescription, &kPrivacyPolicy, &kTermsOfService}) {
    const std::string path = data_dir + "/" + f->name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) continue;
    const std::string temp = path + ".tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << with_title(f->fallback, title) << '\n';
      if (!out) return Status::unavailable("cannot write " + temp);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      return Status::unavailable("cannot write " + path);
  }
  return Status::ok();
}

void register_instance_text_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/instance/activity", [&s](http::Request&) {
    API_TRY(auto weeks, s.activity.weeks(kActivityWeeks));
    json::array out;
    for (const auto& w : weeks) {
      out.push_back(json::object{{"week", std::to_string(w.week_start_ms / 1000)},
                                 {"statuses", std::to_string(w.statuses)},
                                 {"logins", std::to_string(w.logins)},
                                 {"registrations", std::to_string(w.registrations)}});
    }
    return json_response(out);
  });
  // The admin's rules (the data directory's rules.json, read again when it changes).
  router.add(http::Method::kGet, "/api/v1/instance/rules", [&s](http::Request&) {
    return json_response(entities::rules_json(s.reports.rules()));
  });
  // No other server to moderate: an empty list, as such a Mastodon answers.
  router.add(http::Method::kGet, "/api/v1/instance/domain_blocks",
             [](http::Request&) { return json_response(json::array{}); });
  router.add(http::Method::kGet, "/api/v1/instance/extended_description",
             [&s](http::Request&) { return json_response(policy(s, kExtendedDescription)); });
  router.add(http::Method::kGet, "/api/v1/instance/privacy_policy",
             [&s](http::Request&) { return json_response(policy(s, kPrivacyPolicy)); });
  // Mastodon 4.4's TermsOfService: one version, in effect since the file was last written.
  auto terms = [&s](http::Request& req) {
    Text t = read_text(s, kTermsOfService);
    const std::string date = entities::iso_date(t.updated_ms);
    if (!req.param("date").empty() && req.param("date") != date)
      return error_response(404, "Record not found");
    return json_response(json::object{{"effective_date", date},
                                      {"effective", true},
                                      {"content", t.content},
                                      {"succeeded_by", nullptr}});
  };
  router.add(http::Method::kGet, "/api/v1/instance/terms_of_service", terms);
  router.add(http::Method::kGet, "/api/v1/instance/terms_of_service/:date", terms);
}

}  // namespace kindred::api
