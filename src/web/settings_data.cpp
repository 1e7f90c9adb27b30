// "Your data": a person's lists as Mastodon's CSV files (download, and import from another
// server), and their archive (request, state, download). Every part works without JavaScript:
// the downloads are links on the session cookie, the import is a multipart form.
#include <array>

#include "http/static_file.h"
#include "web/routes.h"
#include "web/settings_pages.h"

namespace kindred::web::settings {

namespace {

constexpr size_t kMaxArchiveBytes = size_t{4} << 30;  // as the API's download
constexpr size_t kRefusalsShown = 20;

struct ExportInfo {
  social::DataList list;
  std::string_view what;  // a message key
};
constexpr std::array<ExportInfo, 4> kExports = {{
    {social::DataList::kFollowing, "settings_data.people_you_follow"},
    {social::DataList::kBlocking, "settings_data.people_you_block"},
    {social::DataList::kMuting, "settings_data.people_you_mute"},
    {social::DataList::kBookmarks, "settings_data.posts_you_bookmarked"},
}};

// "2.4 MB", "830 kB", "120 bytes".
std::string size_text(const PageContext& c, int64_t bytes) {
  if (bytes >= 1'000'000) {
    const int64_t tenths = (bytes + 50'000) / 100'000;
    return c.t("settings_data.megabytes",
               {{"n", c.number(tenths / 10) + "." + std::to_string(tenths % 10)}});
  }
  if (bytes >= 1000) return c.t("settings_data.kilobytes", {{"n", c.number((bytes + 500) / 1000)}});
  return c.plural("settings_data.bytes", bytes, {{"n", c.number(bytes)}});
}

// What the import form sent and what came of it.
struct ImportForm {
  std::string type = "following";
  std::string mode = "merge";
  std::string error;          // next to the file field
  std::string archive_error;  // next to the archive button
  std::optional<social::ImportResult> result;
};

http::Response data_form(const PageContext& c, int status, const ImportForm& f) {
  Data d = form_data(c, {"archive_url", "archive_size", "can_request", "archive_error",
                         "import_error", "import_result", "has_refusals", "more_refused"});
  if (!f.archive_error.empty()) d.set("archive_error", f.archive_error);
  Data exports = list();
  for (const auto& e : kExports) {
    Data item;
    const std::string file(social::export_file_name(e.list));
    item.set("file", file);
    item.set("href", "/settings/data/export/" + file);
    item.set("what", c.t(e.what));
    exports.push_back(std::move(item));
  }
  d.set("exports", std::move(exports));

  auto latest = c.s.archives->latest(c.viewer());
  if (!latest.has_value()) return failure(c, latest.error());
  const int64_t now = c.s.clock.now_ms();
  if (!*latest) {
    d.set("archive_text", c.t("settings_data.you_have_not_asked"));
    d.set("can_request", true);
  } else {
    const social::Archive& a = **latest;
    const int64_t next = a.requested_at_ms + c.s.archives->min_interval_ms();
    const bool may = a.state == social::ArchiveState::kFailed || now >= next;
    d.set("can_request", may);
    switch (a.state) {
      case social::ArchiveState::kPending:
        d.set("archive_text", c.t("settings_data.your_archive_is_being_made",
                                  {{"when", time_text(c, a.requested_at_ms)}}));
        break;
      case social::ArchiveState::kReady:
        d.set("archive_text", c.t("settings_data.your_archive_of_when_is_ready",
                                  {{"when", time_text(c, a.requested_at_ms)}}));
        d.set("archive_url", std::string("/settings/data/archive"));
        d.set("archive_size", size_text(c, a.size));
        break;
      case social::ArchiveState::kFailed:
        d.set("archive_text", c.t("settings_data.your_archive_could_not_be_made"));
        break;
    }
    if (!may)
      d.set("next_text", c.t("settings_data.you_can_ask_again", {{"when", time_text(c, next)}}));
  }
  if (!d.find("next_text")) d.set("next_text", false);

  Data types = list();
  for (const auto& e : kExports) {
    Data t;
    const std::string value(social::data_list_name(e.list));
    t.set("value", value);
    t.set("label", c.t(e.what));
    t.set("selected", value == f.type);
    types.push_back(std::move(t));
  }
  d.set("types", std::move(types));
  d.set("merge", f.mode != "overwrite");
  d.set("overwrite", f.mode == "overwrite");
  if (!f.error.empty()) d.set("import_error", f.error);
  if (f.result) {
    const auto& r = *f.result;
    std::string sentence = c.plural("settings_data.imported", static_cast<int64_t>(r.imported),
                                    {{"n", c.number(static_cast<int64_t>(r.imported))},
                                     {"file_rows", c.number(static_cast<int64_t>(r.total))}});
    if (r.removed)
      sentence += " " + c.plural("settings_data.removed", static_cast<int64_t>(r.removed),
                                 {{"n", c.number(static_cast<int64_t>(r.removed))}});
    if (r.refused_count)
      sentence +=
          " " + c.plural("settings_data.not_imported", static_cast<int64_t>(r.refused_count),
                         {{"n", c.number(static_cast<int64_t>(r.refused_count))}});
    d.set("import_result", sentence);
    Data refusals = list();
    for (size_t i = 0; i < r.refused.size() && i < kRefusalsShown; ++i) {
      Data x;
      x.set("line", c.number(static_cast<int64_t>(r.refused[i].line)));
      x.set("value", r.refused[i].value);
      x.set("reason", r.refused[i].reason);
      refusals.push_back(std::move(x));
    }
    d.set("has_refusals", !r.refused.empty());
    d.set("refusals", std::move(refusals));
    if (r.refused_count > kRefusalsShown)
      d.set("more_refused",
            c.t("settings_data.and_more",
                {{"n", c.number(static_cast<int64_t>(r.refused_count - kRefusalsShown))}}));
  }
  if (!d.find("refusals")) d.set("refusals", list());
  return settings_page(c, Section::kData, status, c.render("settings_data", d));
}

http::Response data_page(const PageContext& c) { return data_form(c, 200, ImportForm{}); }

http::Response export_file(const PageContext& c) {
  auto list = social::parse_export_file(c.req.param("file"));
  if (!list) return error_page(c, 404);
  auto csv = c.s.data_lists->export_csv(c.viewer(), *list);
  if (!csv.has_value()) return failure(c, csv.error());
  http::Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = std::move(*csv);
  res.set_header("Content-Disposition",
                 "attachment; filename=\"" + std::string(social::export_file_name(*list)) + "\"");
  res.set_header("Cache-Control", "private, no-store");
  return res;
}

http::Response archive_file(const PageContext& c) {
  auto path = c.s.archives->file_path(c.viewer());
  if (!path.has_value()) return failure(c, path.error());
  auto bytes = http::read_file(*path, kMaxArchiveBytes);
  if (!bytes.has_value()) return failure(c, bytes.error());
  const std::string name = path->substr(path->rfind('/') + 1);
  http::Response res;
  res.content_type = "application/zip";
  res.body = std::move(*bytes);
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "private, no-store");
  return res;
}

http::Response archive_post(const PageContext& c) {
  auto made = c.s.archives->request(c.viewer());
  if (!made.has_value()) {
    if (made.error().code() != StatusCode::kRateLimited) return failure(c, made.error());
    ImportForm f;
    f.archive_error = c.t("settings_data.you_can_only_ask_once_a_day");
    return data_form(c, 429, f);
  }
  return done(Section::kData, Done::kArchiveRequested);
}

http::Response import_post(const PageContext& c) {
  ImportForm f;
  f.type = c.field("type");
  f.mode = c.field("mode");
  auto list = social::parse_data_list(f.type);
  auto mode = social::parse_import_mode(f.mode.empty() ? "merge" : f.mode);
  if (!list) {
    f.type = "following";
    f.error = c.t("settings_data.choose_what_the_file_holds");
    return data_form(c, 422, f);
  }
  if (!mode) {
    f.mode = "merge";
    f.error = c.t("settings_data.choose_merge_or_overwrite");
    return data_form(c, 422, f);
  }
  const http::MultipartPart* file = nullptr;
  for (const auto& part : c.files)
    if (part.name == "data") file = &part;
  if (file == nullptr || (file->filename.empty() && file->data.empty())) {
    f.error = c.t("settings_data.choose_a_csv_file");
    return data_form(c, 422, f);
  }
  auto result = c.s.data_lists->import_csv(c.viewer(), *list, *mode, file->data);
  if (!result.has_value()) {
    if (result.error().code() != StatusCode::kInvalidArgument) return failure(c, result.error());
    std::string why = result.error().message();
    const std::string_view prefix = "Validation failed: ";
    if (why.starts_with(prefix)) why.erase(0, prefix.size());
    f.error = c.t("settings_data.that_file_could_not_be_imported", {{"why", why}});
    return data_form(c, 422, f);
  }
  f.result = std::move(*result);
  return data_form(c, 200, f);
}

}  // namespace

void register_data_settings(const Routes& r) {
  if (r.s.data_lists == nullptr || r.s.archives == nullptr) return;
  using http::Method;
  const auto user = Need::kSignedIn;
  auto& router = r.router;
  router.add(Method::kGet, "/settings/data", signed_in_page(r.s, r.assets, r.limiter, data_page));
  router.add_blocking(Method::kGet, "/settings/data/export/:file",
                      signed_in_page(r.s, r.assets, r.limiter, export_file));
  router.add_blocking(Method::kGet, "/settings/data/archive",
                      signed_in_page(r.s, r.assets, r.limiter, archive_file));
  router.add(Method::kPost, "/settings/data/archive",
             action(r.s, r.assets, r.limiter, user, archive_post));
  http::RouteOptions import_options;
  import_options.blocking = true;
  import_options.max_body_bytes = social::kMaxImportBytes + 64 * 1024;
  router.add(Method::kPost, "/settings/data/import",
             action(r.s, r.assets, r.limiter, user, import_post), import_options);
}

}  // namespace kindred::web::settings
