#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "social/model/context.h"
#include "social/model/views.h"

namespace kindred::social {

// An admin-made announcement (`kindred admin announce`), shown to every signed-in person until
// they dismiss it or it ends. Kept, with all the others, in one AnnouncementList record.
struct Announcement {
  Id id;
  std::string text;          // plain text as the admin wrote it
  int64_t starts_at_ms = 0;  // the event it announces, if any (0: none)
  int64_t ends_at_ms = 0;    // 0: shown until removed; else hidden from this moment
  bool all_day = false;
  int64_t published_at_ms = 0;
  int64_t updated_at_ms = 0;
  // Emoji people reacted with, in order of first use (at most kMaxReactionNames); whether a name
  // still has reactions is its count.
  std::vector<std::string> reaction_names;
  bool operator==(const Announcement&) const = default;
  template <class V>
  void field_list(V& v) {
    v(id, text, starts_at_ms, ends_at_ms, all_day, published_at_ms, updated_at_ms,
      record::at_most(reaction_names, 64));
  }
};

struct AnnouncementList {
  std::vector<Announcement> items;  // oldest first
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(record::at_most(items, 1000));
  }
};

struct AnnouncementReaction {
  std::string name;
  int64_t count = 0;
  bool me = false;
};

struct AnnouncementView {
  Announcement announcement;
  bool read = false;                            // the viewer dismissed it
  std::vector<AnnouncementReaction> reactions;  // names with at least one reaction
};

inline constexpr size_t kMaxAnnouncementChars = 5000;
inline constexpr size_t kMaxReactionNames = 8;  // distinct emoji per announcement, as Mastodon

// The store node whose kAnnouncementReactions edges list who reacted to `announcement` with
// `name`: the first 64 bits of a hash of both.
Id reaction_node(Id announcement, std::string_view name);
// Whether `name` is one emoji as Unicode recommends it (RGI), the only reactions Kindred has (no
// custom emoji).
bool is_emoji(std::string_view name);

// Announcements: written by an admin command (server stopped), read and reacted to by everyone.
// Thread-safe: the list record is changed under one mutex and cached in memory.
class AnnouncementService {
 public:
  explicit AnnouncementService(Deps deps) : deps_(deps) {}

  // Admin: publishes an announcement. Errors: InvalidArgument for blank or over-long text, or an
  // end before the start.
  Result<Announcement> create(std::string text, int64_t starts_at_ms, int64_t ends_at_ms,
                              bool all_day);
  // Admin: removes one. Errors: NotFound.
  Status remove(Id id);
  // Every announcement stored, ended ones included, oldest first.
  Result<std::vector<Announcement>> all() const;

  // The announcements showing now (not ended), oldest first, without those the viewer dismissed
  // unless `with_dismissed`. REQUIRES: viewer.signed_in().
  Result<std::vector<AnnouncementView>> list(const Viewer& viewer, bool with_dismissed) const;
  // Marks one read for the viewer. Idempotent. Errors: NotFound for an unknown announcement.
  Status dismiss(const Viewer& viewer, Id id);
  // Adds or takes back the viewer's reaction `name`. Idempotent. Errors: NotFound for an unknown
  // announcement; InvalidArgument for a name that is not an emoji, or a ninth distinct emoji.
  Status react(const Viewer& viewer, Id id, std::string_view name);
  Status unreact(const Viewer& viewer, Id id, std::string_view name);

 private:
  Result<AnnouncementList> load() const;
  Status save(const AnnouncementList& list);
  Result<Announcement> find(Id id) const;

  Deps deps_;
  mutable std::mutex mu_;  // guards cached_ and every read-change-write of the list record
  mutable std::optional<AnnouncementList> cached_;
  mutable int64_t cached_expiry_ = 0;  // CacheAge: when cached_ goes stale
};

}  // namespace kindred::social
