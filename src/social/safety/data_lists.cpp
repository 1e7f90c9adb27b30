#include "social/safety/data_lists.h"

#include <algorithm>
#include <array>
#include <functional>
#include <unordered_set>

#include "core/csv.h"

namespace kindred::social {

namespace {

using store::AssocType;

struct ListInfo {
  DataList list;
  std::string_view type;  // the import type
  std::string_view file;  // the export's file name
  AssocType edge;         // the viewer's edges the list is made of
};

constexpr std::array<ListInfo, 4> kLists = {{
    {DataList::kFollowing, "following", "following_accounts.csv", AssocType::kFollows},
    {DataList::kBlocking, "blocking", "blocked_accounts.csv", AssocType::kBlocks},
    {DataList::kMuting, "muting", "muted_accounts.csv", AssocType::kMutes},
    {DataList::kBookmarks, "bookmarks", "bookmarks.csv", AssocType::kBookmarks},
}};

const ListInfo& info(DataList l) { return kLists[static_cast<size_t>(l)]; }

constexpr std::string_view kAddress = "Account address";
constexpr std::string_view kHideNotifications = "Hide notifications";
constexpr std::string_view kUri = "#uri";
// Form::Import::KNOWN_FIRST_HEADERS: a first row starting so is a header row.
constexpr std::array<std::string_view, 4> kKnownFirstHeaders = {kAddress, "#domain", kUri,
                                                                "List name"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ActiveModel::Type::Boolean's cast of a downcased field: nil for blank, false for the false
// words, true for anything else.
std::optional<bool> rails_cast(std::string_view field) {
  if (field.empty()) return std::nullopt;
  const std::string f = ascii_lower(field);
  return !(f == "0" || f == "f" || f == "false" || f == "off");
}

// Walks `from`'s edges of `type`, newest first, a page at a time.
Status for_each_page(const store::Store& store, Id from, AssocType type, size_t page,
                     const std::function<Status(const std::vector<store::Assoc>&)>& fn) {
  store::RangeQuery q;
  q.limit = page;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto range, store.assoc_range(from, type, q));
    if (!range.items.empty()) KINDRED_RETURN_IF_ERROR(fn(range.items));
    if (!range.more || range.items.empty()) return Status::ok();
    q.max_position = range.items.back().position;
  }
}

}  // namespace

std::optional<DataList> parse_data_list(std::string_view name) {
  for (const auto& i : kLists)
    if (i.type == name) return i.list;
  return std::nullopt;
}
std::string_view data_list_name(DataList l) { return info(l).type; }
std::optional<DataList> parse_export_file(std::string_view file) {
  for (const auto& i : kLists)
    if (i.file == file) return i.list;
  return std::nullopt;
}
std::string_view export_file_name(DataList l) { return info(l).file; }

std::optional<ImportMode> parse_import_mode(std::string_view name) {
  if (name == "merge") return ImportMode::kMerge;
  if (name == "overwrite") return ImportMode::kOverwrite;
  return std::nullopt;
}
std::string_view import_mode_name(ImportMode m) {
  return m == ImportMode::kOverwrite ? "overwrite" : "merge";
}

std::string DataListService::address(const Account& a) const {
  return a.username + "@" + deps_.config.domain;
}

Result<std::string> DataListService::export_csv(const Viewer& viewer, DataList list) const {
  std::string out;
  const int64_t now = deps_.clock.now_ms();
  if (list == DataList::kFollowing)
    append_csv_row(out, {kAddress, "Show boosts", "Notify on new posts", "Languages"});
  if (list == DataList::kMuting) append_csv_row(out, {kAddress, kHideNotifications});
  auto page = [&](const std::vector<store::Assoc>& edges) -> Status {
    if (list == DataList::kBookmarks) {
      std::vector<Id> ids;
      for (const auto& e : edges) ids.push_back(e.to);
      KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.stored_posts(ids));
      std::vector<const Post*> ptrs;
      for (const auto& p : posts) ptrs.push_back(&p);
      KINDRED_ASSIGN_OR_RETURN(auto seen, posts_.visible(viewer, ptrs));
      for (size_t i = 0; i < posts.size(); ++i) {
        if (!seen[i]) continue;
        auto author = accounts_.get(posts[i].account_id);
        if (!author.has_value()) continue;
        const std::string uri = deps_.config.base_url + "/users/" + author->username +
                                "/statuses/" + posts[i].id.to_string();
        append_csv_row(out, {uri});
      }
      return Status::ok();
    }
    for (const auto& e : edges) {
      if (accounts_.hidden(e.to)) continue;
      auto a = accounts_.get(e.to);
      if (!a.has_value()) {
        if (a.error().is_not_found()) continue;
        return a.error();
      }
      const std::string acct = address(*a);
      switch (list) {
        case DataList::kFollowing:
          append_csv_row(out, {acct, "true", "false", ""});
          break;
        case DataList::kBlocking:
          append_csv_row(out, {acct});
          break;
        case DataList::kMuting: {
          const Mute m = decode_mute(e.data);
          if (m.expires_at_ms != 0 && m.expires_at_ms <= now) break;  // ran out
          append_csv_row(out, {acct, m.notifications ? "true" : "false"});
          break;
        }
        case DataList::kBookmarks:
          break;
      }
    }
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(
      for_each_page(deps_.store, viewer.account_id, info(list).edge, kExportPage, page));
  return out;
}

Result<std::vector<DataListService::Row>> DataListService::read_rows(DataList list,
                                                                     std::string_view csv) const {
  if (csv.size() > kMaxImportBytes)
    return Status::invalid_argument("Validation failed: File is too large");
  auto parsed = parse_csv(csv, kMaxImportRows + 2);
  if (!parsed.has_value())
    return Status::invalid_argument("Validation failed: Invalid CSV file. Error: " +
                                    parsed.error().message());
  std::vector<CsvRow>& rows = *parsed;
  if (rows.empty()) return Status::invalid_argument("Validation failed: Empty CSV file");
  // A header row when its first field is one Mastodon knows; otherwise the type's columns.
  std::vector<std::string> headers;
  size_t first = 0;
  const std::string_view lead = trim(rows[0][0]);
  if (std::find(kKnownFirstHeaders.begin(), kKnownFirstHeaders.end(), lead) !=
      kKnownFirstHeaders.end()) {
    for (const auto& h : rows[0]) headers.emplace_back(trim(h));
    first = 1;
  } else if (list == DataList::kBookmarks) {
    headers = {std::string(kUri)};
  } else {
    headers = {std::string(kAddress)};
  }
  auto column = [&](std::string_view name) -> std::optional<size_t> {
    for (size_t i = 0; i < headers.size(); ++i)
      if (headers[i] == name) return i;
    return std::nullopt;
  };
  const auto value_col = column(list == DataList::kBookmarks ? kUri : kAddress);
  if (!value_col)
    return Status::invalid_argument(
        "Validation failed: Incompatible with the selected import type");
  if (rows.size() - first > kMaxImportRows)
    return Status::invalid_argument("Validation failed: Data contains more than " +
                                    std::to_string(kMaxImportRows) + " rows");
  const auto hide_col = column(kHideNotifications);
  std::vector<Row> out;
  out.reserve(rows.size() - first);
  for (size_t r = first; r < rows.size(); ++r) {
    Row row;
    row.line = r + 1;
    if (*value_col < rows[r].size()) row.value = std::string(trim(rows[r][*value_col]));
    if (list != DataList::kBookmarks && !row.value.empty() && row.value.front() == '@')
      row.value.erase(0, 1);
    if (list == DataList::kMuting && hide_col && *hide_col < rows[r].size())
      row.hide_notifications = rails_cast(trim(rows[r][*hide_col]));
    out.push_back(std::move(row));
  }
  return out;
}

Result<Id> DataListService::account_of(std::string_view address) const {
  if (address.empty()) return Status::invalid_argument("The account address is empty.");
  const size_t at = address.find('@');
  if (at != std::string_view::npos &&
      ascii_lower(address.substr(at + 1)) != ascii_lower(deps_.config.domain))
    return Status::invalid_argument("That account is on another server (" +
                                    std::string(address.substr(at + 1)) +
                                    "); this server does not federate.");
  auto a = accounts_.lookup(address);
  if (!a.has_value()) {
    if (!a.error().is_not_found()) return a.error();
    return Status::invalid_argument("There is no account by that name here.");
  }
  if (accounts_.hidden(a->id))
    return Status::invalid_argument("There is no account by that name here.");
  return a->id;
}

Result<Id> DataListService::post_of(std::string_view uri) const {
  if (uri.empty()) return Status::invalid_argument("The post address is empty.");
  const std::string base = deps_.config.base_url + "/";
  if (uri.substr(0, base.size()) != base)
    return Status::invalid_argument(
        "That post is on another server; this server does not federate.");
  std::string_view rest = uri.substr(base.size());
  // <base>/users/<name>/statuses/<id> (the URI Mastodon exports) or <base>/@<name>/<id> (its URL).
  std::optional<Id> id;
  if (rest.substr(0, 6) == "users/") {
    const size_t mark = rest.find("/statuses/");
    if (mark != std::string_view::npos) id = Id::parse(rest.substr(mark + 10));
  } else if (rest.substr(0, 1) == "@") {
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) id = Id::parse(rest.substr(slash + 1));
  }
  if (!id || id->is_none())
    return Status::invalid_argument("That is not the address of a post here.");
  return *id;
}

Status DataListService::apply_row(const Viewer& viewer, DataList list, const Row& row, Id target) {
  switch (list) {
    case DataList::kFollowing:
      return relationships_.follow(viewer, target).status();
    case DataList::kBlocking:
      return relationships_.block(viewer, target).status();
    case DataList::kMuting:
      return relationships_.mute(viewer, target, row.hide_notifications.value_or(true), 0).status();
    case DataList::kBookmarks:
      return likes_.bookmark(viewer, target).status();
  }
  return Status::internal("unknown list");
}

Status DataListService::undo(const Viewer& viewer, DataList list, Id target) {
  switch (list) {
    case DataList::kFollowing:
      return relationships_.unfollow(viewer, target).status();
    case DataList::kBlocking:
      return relationships_.unblock(viewer, target).status();
    case DataList::kMuting:
      return relationships_.unmute(viewer, target).status();
    case DataList::kBookmarks:
      return likes_.unbookmark(viewer, target).status();
  }
  return Status::internal("unknown list");
}

Result<ImportResult> DataListService::import_csv(const Viewer& viewer, DataList list,
                                                 ImportMode mode, std::string_view csv) {
  KINDRED_ASSIGN_OR_RETURN(std::vector<Row> rows, read_rows(list, csv));
  ImportResult result;
  result.type = list;
  result.mode = mode;
  result.total = rows.size();
  auto refuse = [&](const Row& row, std::string reason) {
    if (result.refused.size() < kMaxRefusalsListed)
      result.refused.push_back({row.line, row.value, std::move(reason)});
    ++result.refused_count;
  };
  // Resolve every row first, so that overwrite knows what the file keeps.
  std::vector<std::pair<const Row*, Id>> targets;
  std::unordered_set<Id> named;
  for (const auto& row : rows) {
    auto id = list == DataList::kBookmarks ? post_of(row.value) : account_of(row.value);
    if (!id.has_value()) {
      if (!(id.error().code() == StatusCode::kInvalidArgument)) return id.error();
      refuse(row, id.error().message());
      continue;
    }
    targets.emplace_back(&row, *id);
    named.insert(*id);
  }
  if (mode == ImportMode::kOverwrite) {
    std::vector<Id> drop;
    KINDRED_RETURN_IF_ERROR(for_each_page(deps_.store, viewer.account_id, info(list).edge,
                                          kExportPage, [&](const std::vector<store::Assoc>& edges) {
                                            for (const auto& e : edges)
                                              if (!named.count(e.to)) drop.push_back(e.to);
                                            return Status::ok();
                                          }));
    for (Id id : drop) {
      Status s = undo(viewer, list, id);
      if (s.is_ok()) {
        ++result.removed;
      } else if (!s.is_not_found()) {
        return s;
      }
    }
  }
  for (const auto& [row, id] : targets) {
    Status s = apply_row(viewer, list, *row, id);
    if (s.is_ok()) {
      ++result.imported;
    } else if (s.is_not_found()) {
      refuse(*row, list == DataList::kBookmarks
                       ? "There is no such post here, or you cannot see it."
                       : "There is no account by that name here.");
    } else if (s.code() == StatusCode::kPermissionDenied ||
               s.code() == StatusCode::kInvalidArgument) {
      refuse(*row, s.message());
    } else {
      return s;
    }
  }
  std::sort(result.refused.begin(), result.refused.end(),
            [](const ImportRefusal& a, const ImportRefusal& b) { return a.line < b.line; });
  return result;
}

}  // namespace kindred::social
