#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "social/model/context.h"
#include "social/model/record_cache.h"
#include "social/model/views.h"

namespace kindred::social {

class PostService;

// Where a filter applies (Mastodon's filter contexts), as bits of Filter::context.
enum class FilterContext : uint8_t {
  kHome = 1,           // the home timeline (and lists)
  kNotifications = 2,  // notifications
  kPublic = 4,         // public and hashtag timelines
  kThread = 8,         // a status's context and its comments
  kAccount = 16,       // an account's statuses
};
std::string_view filter_context_name(FilterContext c);
// Errors: InvalidArgument for anything but home, notifications, public, thread, account.
Result<FilterContext> parse_filter_context(std::string_view name);
inline constexpr std::array<FilterContext, 5> kFilterContexts = {
    FilterContext::kHome, FilterContext::kNotifications, FilterContext::kPublic,
    FilterContext::kThread, FilterContext::kAccount};

// What a client does with a matching status: warn (show it behind the filter's title), hide
// (leave it out), blur (Mastodon 4.4: show it with its photos blurred).
enum class FilterAction : uint8_t { kWarn = 0, kHide = 1, kBlur = 2 };
std::string_view filter_action_name(FilterAction a);
// Errors: InvalidArgument for anything but warn, hide, blur.
Result<FilterAction> parse_filter_action(std::string_view name);

struct FilterKeyword {
  Id id;
  std::string keyword;
  bool whole_word = true;  // Mastodon's default
  bool operator==(const FilterKeyword&) const = default;
  template <class V>
  void field_list(V& v) {
    v(id, keyword, whole_word);
  }
};

struct FilterStatus {
  Id id;
  Id status_id;
  bool operator==(const FilterStatus&) const = default;
  template <class V>
  void field_list(V& v) {
    v(id, status_id);
  }
};

// A person's filter (Mastodon's filters v2): its keywords and statuses live inside the record
// (ObjectType::kFilter, keyed by its id; the account lists it with AssocType::kFilters).
struct Filter {
  Id id;
  Id account_id;
  std::string title;
  uint8_t context = 0;  // FilterContext bits
  FilterAction action = FilterAction::kWarn;
  int64_t expires_at_ms = 0;  // 0: never
  int64_t created_at_ms = 0;
  std::vector<FilterKeyword> keywords;  // in the order added
  std::vector<FilterStatus> statuses;   // in the order added

  bool in(FilterContext c) const { return (context & static_cast<uint8_t>(c)) != 0; }
  bool active_at(int64_t now_ms) const { return expires_at_ms == 0 || expires_at_ms > now_ms; }
  bool operator==(const Filter&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, title, record::upto(context, 31), record::upto(action, FilterAction::kBlur),
      expires_at_ms, created_at_ms, keywords, statuses);
  }
  std::string encode() const;
  static Result<Filter> decode(std::string_view bytes);
};

// A keyword of a filter being created or updated (Mastodon's keywords_attributes[]): without
// an id a new keyword; with one, a change to that keyword, or its removal with `destroy`.
struct KeywordEdit {
  Id id;
  std::optional<std::string> keyword;
  std::optional<bool> whole_word;
  bool destroy = false;
};

// A filter being created (title and context required) or updated (each field present is set).
struct FilterEdit {
  std::optional<std::string> title;
  std::optional<std::vector<std::string>> context;  // context names
  std::optional<std::string> filter_action;
  bool expires_in_set = false;       // expires_in was given
  std::optional<int64_t> expires_in;  // seconds from now; nullopt (with expires_in_set): never
  std::vector<KeywordEdit> keywords;
};

// Limits of one person's filters (Mastodon has none this small; a record must stay bounded).
inline constexpr size_t kMaxFilters = 100;
inline constexpr size_t kMaxFilterKeywords = 200;
inline constexpr size_t kMaxFilterStatuses = 500;
inline constexpr size_t kMaxFilterTitleChars = 256;    // Mastodon's TITLE_LENGTH_LIMIT
inline constexpr size_t kMaxFilterKeywordChars = 512;  // Mastodon's KEYWORD_LENGTH_LIMIT

// Whether `v` is left out of a list of `context` read by `viewer`: a filter of that context with
// the hide action matched it, and its (original) author is not the viewer. Mastodon's web client
// applies hide this way (never to one's own statuses, only in the filter's contexts); Kindred
// does it on the server so that every client gets it.
bool hidden_by_filters(const PostView& v, FilterContext context, Id viewer);
// Removes from `views` those hidden_by_filters. Page cursors are the caller's to keep: Link
// headers stay those of the unfiltered page, so paging on never skips or repeats a status.
void drop_hidden(std::vector<PostView>& views, FilterContext context, Id viewer);

// Each person's filters (GET/POST/PUT/DELETE /api/v2/filters and their keywords and statuses),
// and the matching of statuses against them (PostView::filtered) on every signed-in read.
//
// Filters are cached per account as an immutable snapshot with their keywords compiled into one
// pattern per filter (compiled once per version of a filter, not per status); every write
// replaces the snapshot, which is exact because this process is the store's only writer. The
// accounts that have filters at all are known in memory (kFilterOwners, read at start-up), so a
// person without filters, most people, costs one hash lookup per page and no store read.
// Thread-safe.
class FilterService {
 public:
  FilterService(Deps deps, const PostService& posts);
  ~FilterService();
  FilterService(const FilterService&) = delete;
  FilterService& operator=(const FilterService&) = delete;

  // Reads which accounts have filters; call once before serving.
  Status load_owners();

  // The account's filters, oldest first, expired ones included.
  Result<std::vector<Filter>> list(Id account) const;
  // Errors: NotFound if absent or not the account's own.
  Result<Filter> get(Id account, Id filter_id) const;
  // Errors: InvalidArgument with Mastodon's message (blank or over-long title, missing or
  // unknown context, unknown filter_action, bad expires_in, blank or over-long keyword, too
  // many); NotFound for a keywords_attributes id that is not the filter's. Nothing is written
  // then.
  Result<Filter> create(Id account, const FilterEdit& edit);
  Result<Filter> update(Id account, Id filter_id, const FilterEdit& edit);
  // Errors: NotFound if absent or not the account's own.
  Status remove(Id account, Id filter_id);

  // Keywords and statuses by their own ids, looked up among the account's filters: the filter
  // and the item. Errors: NotFound.
  Result<FilterKeyword> keyword(Id account, Id keyword_id) const;
  Result<FilterKeyword> add_keyword(Id account, Id filter_id, const KeywordEdit& edit);
  Result<FilterKeyword> update_keyword(Id account, Id keyword_id, const KeywordEdit& edit);
  Status remove_keyword(Id account, Id keyword_id);
  Result<FilterStatus> status(Id account, Id filter_status_id) const;
  // Errors: InvalidArgument ("Status must exist") if the status is absent or not visible to
  // the account, or already in the filter; NotFound for the filter.
  Result<FilterStatus> add_status(Id account, Id filter_id, Id status_id);
  Status remove_status(Id account, Id filter_status_id);

  // Sets PostView::filtered on each view (and a reblog's original) for `viewer`'s filters
  // active now. Nothing is read from the store once the viewer's filters are cached.
  Status annotate(Id viewer, std::vector<PostView>& views) const;

  struct Compiled;  // a filter with its keyword pattern (filters.cpp)
  struct Snapshot;  // an account's compiled filters

 private:
  Result<std::shared_ptr<const Snapshot>> snapshot(Id account) const;
  // REQUIRES: the account's lock held.
  Result<std::shared_ptr<const Snapshot>> load_locked(Id account) const;
  std::mutex& lock_for(Id account) const;
  // Writes `filter` (new, or a new version of one in `current`) and caches the snapshot with it,
  // compiling its keywords only if they changed. REQUIRES: the account's lock held.
  Status write(Id account, const Filter& filter, bool is_new, const Snapshot& current);
  // Under the account's lock: lets `change` edit a copy of the first filter `pick` selects and
  // writes it. Errors: NotFound if none is selected; whatever `change` returns (nothing written).
  Result<Filter> modify(Id account, const std::function<bool(const Filter&)>& pick,
                        const std::function<Status(Filter&)>& change);

  Deps deps_;
  const PostService& posts_;
  mutable RecordCache<Id, Snapshot> cache_;
  mutable std::array<std::mutex, 32> locks_;  // one writer (or loader) per account at a time
  mutable std::shared_mutex owners_mu_;
  std::unordered_set<Id> owners_;  // accounts with at least one filter
};

}  // namespace kindred::social
