#include "social/identity/announcements.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <algorithm>

#include "social/identity/account_names.h"
#include "social/model/record_cache.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

Id reaction_node(Id announcement, std::string_view name) {
  // The hash tag nodes use; no hashtag holds a ':', so the two never meet.
  return hash_node(announcement.to_string() + ":" + std::string(name));
}

bool is_emoji(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  UChar buf[64];
  int32_t length = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8(buf, 64, &length, name.data(), static_cast<int32_t>(name.size()), &err);
  if (U_FAILURE(err) || length <= 0) return false;
  return u_stringHasBinaryProperty(buf, length, UCHAR_RGI_EMOJI);
}

Result<AnnouncementList> AnnouncementService::load() const {
  if (cached_ && CacheAge::fresh(cached_expiry_)) return *cached_;
  auto bytes = deps_.store.get_object(ObjectType::kAnnouncements, store::kInstanceNode);
  AnnouncementList list;
  if (bytes.has_value()) {
    KINDRED_ASSIGN_OR_RETURN(list, record::decode<AnnouncementList>(*bytes, "announcements"));
  } else if (!bytes.error().is_not_found()) {
    return bytes.error();
  }
  cached_ = list;
  cached_expiry_ = CacheAge::expiry_from_now();
  return list;
}

Status AnnouncementService::save(const AnnouncementList& list) {
  store::Batch b;
  b.put_object(ObjectType::kAnnouncements, store::kInstanceNode, record::encode(list));
  cached_.reset();
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cached_ = list;
  cached_expiry_ = CacheAge::expiry_from_now();
  return Status::ok();
}

Result<Announcement> AnnouncementService::find(Id id) const {
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
  for (auto& a : list.items)
    if (a.id == id) return a;
  return Status::not_found("Record not found");
}

Result<Announcement> AnnouncementService::create(std::string text, int64_t starts_at_ms,
                                                 int64_t ends_at_ms, bool all_day) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::invalid_argument("Validation failed: Text can't be blank");
  if (text.size() > kMaxAnnouncementChars * 4)
    return Status::invalid_argument("Validation failed: Text is too long");
  if (ends_at_ms != 0 && starts_at_ms != 0 && ends_at_ms < starts_at_ms)
    return Status::invalid_argument("Validation failed: Ends at must be after the start");
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
  Announcement a;
  a.id = deps_.ids.next();
  a.text = std::move(text);
  a.starts_at_ms = starts_at_ms;
  a.ends_at_ms = ends_at_ms;
  a.all_day = all_day;
  a.published_at_ms = deps_.clock.now_ms();
  a.updated_at_ms = a.published_at_ms;
  list.items.push_back(a);
  KINDRED_RETURN_IF_ERROR(save(list));
  return a;
}

Status AnnouncementService::remove(Id id) {
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
  auto it = std::find_if(list.items.begin(), list.items.end(),
                         [id](const Announcement& a) { return a.id == id; });
  if (it == list.items.end()) return Status::not_found("Record not found");
  list.items.erase(it);
  return save(list);
}

Result<std::vector<Announcement>> AnnouncementService::all() const {
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
  return list.items;
}

Result<std::vector<AnnouncementView>> AnnouncementService::list(const Viewer& viewer,
                                                                bool with_dismissed) const {
  std::vector<Announcement> items;
  {
    std::scoped_lock lock(mu_);
    KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
    items = std::move(list.items);
  }
  const int64_t now = deps_.clock.now_ms();
  std::erase_if(items,
                [now](const Announcement& a) { return a.ends_at_ms != 0 && a.ends_at_ms <= now; });
  // Mastodon's order: by the event's start, else by publication.
  std::stable_sort(items.begin(), items.end(), [](const Announcement& x, const Announcement& y) {
    return (x.starts_at_ms ? x.starts_at_ms : x.published_at_ms) <
           (y.starts_at_ms ? y.starts_at_ms : y.published_at_ms);
  });
  std::vector<Id> ids;
  for (const auto& a : items) ids.push_back(a.id);
  KINDRED_ASSIGN_OR_RETURN(
      auto read,
      deps_.store.assocs_exist(viewer.account_id, AssocType::kAnnouncementDismissals, ids));
  std::vector<AnnouncementView> out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (read[i] && !with_dismissed) continue;
    AnnouncementView v;
    v.read = read[i];
    for (const auto& name : items[i].reaction_names) {
      const Id node = reaction_node(items[i].id, name);
      KINDRED_ASSIGN_OR_RETURN(int64_t count,
                               deps_.store.assoc_count(node, AssocType::kAnnouncementReactions));
      if (count == 0) continue;
      KINDRED_ASSIGN_OR_RETURN(
          bool me,
          deps_.store.assoc_exists(node, AssocType::kAnnouncementReactions, viewer.account_id));
      v.reactions.push_back({name, count, me});
    }
    v.announcement = std::move(items[i]);
    out.push_back(std::move(v));
  }
  return out;
}

Status AnnouncementService::dismiss(const Viewer& viewer, Id id) {
  KINDRED_RETURN_IF_ERROR(find(id).status());
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kAnnouncementDismissals, id, deps_.ids.next(), {}});
  return deps_.store.apply(b).status();
}

Status AnnouncementService::react(const Viewer& viewer, Id id, std::string_view name) {
  if (!is_emoji(name))
    return Status::invalid_argument("Validation failed: Name is not a recognized emoji");
  std::scoped_lock lock(mu_);
  // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
  const store::FreshReads fresh;
  KINDRED_ASSIGN_OR_RETURN(AnnouncementList list, load());
  auto it = std::find_if(list.items.begin(), list.items.end(),
                         [id](const Announcement& a) { return a.id == id; });
  if (it == list.items.end()) return Status::not_found("Record not found");
  auto& names = it->reaction_names;
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    // A name whose reactions were all taken back makes room for a new one.
    std::vector<std::string> live;
    for (const auto& n : names) {
      KINDRED_ASSIGN_OR_RETURN(
          int64_t c,
          deps_.store.assoc_count(reaction_node(id, n), AssocType::kAnnouncementReactions));
      if (c > 0) live.push_back(n);
    }
    if (live.size() >= kMaxReactionNames)
      return Status::invalid_argument(
          "Validation failed: Maximum number of different reactions reached");
    live.emplace_back(name);
    names = std::move(live);
    KINDRED_RETURN_IF_ERROR(save(list));
  }
  store::Batch b;
  b.add_assoc({reaction_node(id, name),
               AssocType::kAnnouncementReactions,
               viewer.account_id,
               deps_.ids.next(),
               {}});
  return deps_.store.apply(b).status();
}

Status AnnouncementService::unreact(const Viewer& viewer, Id id, std::string_view name) {
  KINDRED_RETURN_IF_ERROR(find(id).status());
  store::Batch b;
  b.remove_assoc(reaction_node(id, name), AssocType::kAnnouncementReactions, viewer.account_id);
  return deps_.store.apply(b).status();
}

}  // namespace kindred::social
