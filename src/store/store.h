#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/id.h"
#include "core/status.h"

namespace kindred::store {

// The kinds of object the store keeps, each in its own id space. Values are stored; never renumber.
enum class ObjectType : uint8_t {
  kAccount = 1,
  kStatus = 2,
  kApp = 3,
  kToken = 4,
  kAuthCode = 5,
  kMedia = 6,
  kMarkers = 7,  // an account's read markers (home, notifications), keyed by the account id
  kPreferences = 12,  // an account's Kindred preferences (social::Preferences), keyed by its id
  kHiddenWords = 13,  // an account's hidden words for comments on its posts, keyed by its id
  kFilter = 14,       // a filters v2 filter (social::Filter, with its keywords and statuses)
  kWebSession = 15,   // a signed-in browser (social::WebSession), named by its cookie's hash
  kReport = 29,       // a report to the moderators (social::Report)
  kList = 20,         // a person's list of accounts (social::List)
  kConversation = 21, // a person's direct conversation (social::Conversation)
  kNotificationPolicy = 22,  // an account's notification policy (social::NotificationPolicy), by its id
  kPushSubscription = 23,    // a Web Push subscription (social::PushSubscription), by its token's id
  kAnnouncements = 26,  // every admin-made announcement (social::AnnouncementList), at kInstanceNode
  kScheduledStatus = 17,  // a post to publish later (social::ScheduledPost)
  kLoginSketch = 32,  // a week's logins as a HyperLogLog sketch (social::LoginSketch), by week node
  kPoll = 30,             // a post's poll (social::Poll), by its own id
  kAuditEntry = 33,  // one moderator action (social::AuditEntry), by its own id
  kAccountWarning = 38,  // a moderator's action told to its account (social::AccountWarning)
  kArchive = 34,     // an account's latest data archive (social::Archive), keyed by the account id
};

// Typed, directed associations between ids, in the spirit of Facebook's TAO. Each is a set of
// (from, to) edges with a position (a time-ordered id chosen by the writer) that orders ranges,
// plus optional small data. Values are stored; never renumber.
enum class AssocType : uint16_t {
  kFavouritedBy = 1,   // status -> account that liked it
  kFavourites = 2,     // account -> status it liked
  kReplies = 3,        // status -> reply status
  kAuthored = 4,       // account -> status it wrote
  kFollows = 5,        // account -> account it follows
  kFollowedBy = 6,     // account -> account following it
  kSelfReplies = 7,    // status -> reply written by the status's own author (threads read author-first)
  kInstanceAccounts = 8,  // kInstanceNode -> every local account
  kInstanceStatuses = 9,  // kInstanceNode -> every local status
  kInstanceLoadAccounts = 10,  // kInstanceNode -> accounts made by `kindred admin seed-load`
  kBlobUsers = 11,     // blob node (from the file's hash) -> media or account using the file
  kUnattachedMedia = 12,  // kInstanceNode -> uploads not yet attached to a post (swept after a day)
  kFollowRequestsIn = 13,   // account -> account asking to follow it (locked accounts)
  kFollowRequestsOut = 14,  // account -> locked account it asked to follow
  kBlocks = 15,        // account -> account it blocks
  kBlockedBy = 16,     // account -> account blocking it
  kMutes = 17,         // account -> account it mutes; data: social::Mute
  kHomeFeed = 18,      // account -> status written into its home feed (position: the status id)
  kLargeAccounts = 19,  // kInstanceNode -> account whose posts home feeds merge at read time
  kPendingFanout = 20,  // kInstanceNode -> status not yet written into its followers' feeds
  kAuthoredMedia = 21,  // account -> its status with photos (only_media)
  kAuthoredTopLevel = 22,  // account -> its status that is not a reply (exclude_replies)
  kInstanceMediaStatuses = 23,  // kInstanceNode -> every local status with photos
  kTagStatuses = 24,   // tag node (social::tag_node: a hash of the tag) -> status using it
  kPinned = 25,        // account -> status it pinned to its profile
  kNotifications = 26,  // account -> notification id; data: social::Notification
  kBookmarks = 27,     // account -> status it bookmarked (position: when)
  kRebloggedBy = 28,   // status -> account that reblogged it (position: the reblog's own id)
  kHeldComments = 29,  // account -> held reply to one of its posts (position: the reply id)
  kHeldReplies = 30,   // status -> its held direct reply (position: the reply id); counted
  kRestricts = 31,     // account -> account it restricts (position: when)
  kCommentPins = 32,   // status -> direct reply its author pinned (position: when, so pin order)
  kFilters = 33,       // account -> its filters v2 filter (position: the filter id)
  kFilterOwners = 34,  // kInstanceNode -> account with at least one filter (all held in memory)
  kLikeNotices = 36,   // account -> the like that stands for all likes of one of its posts
                       // (to and position: that like's time id; data: social::Notification)
  kLikeNoticeOf = 37,  // status -> its kLikeNotices entry (to and position as there)
  // Memories (social::MemoryService): what a person hid from their memories, until they unhide it.
  kMemoryHiddenRanges = 45,    // account -> hidden range id (position: the same); data: the range
  kMemoryHiddenAccounts = 46,  // account -> account whose memories are hidden (position: when)
  kMemoryHiddenStatuses = 47,  // account -> its own status hidden from memories (position: when)
  kAppTokens = 48,  // app -> its client_credentials token (position: the token id); counted
  kAccountSessions = 49,  // account -> its web session (position: the session id)
  kAccountTokens = 50,    // account -> an access token issued for it (position: the token id)
  kDomainBlocks = 82,     // account -> hash of a domain it blocks (position: when); data: the domain
  kReportsFiled = 80,     // account -> report it filed (position: the report id)
  kOpenReports = 81,      // kInstanceNode -> report not yet resolved (position: the report id)
  // Moderation (social::ReportService's moderator side, social::AuditLog).
  kAuditLog = 86,         // kInstanceNode -> audit entry (position: its id); counted
  kReportsAgainst = 87,   // account -> report about it (position: the report id)
  kResolvedReports = 88,  // kInstanceNode -> resolved report (position: the report id)
  kModeratedAccounts = 89,  // kInstanceNode -> account with a moderation or deletion mark
                            // (social::is_marked; all held in memory); counted
  kPendingSweeps = 100,     // kInstanceNode -> account whose suspension (or its undoing) has not
                            // yet moved all of its edges (social::ModerationService)
  kAccountWarnings = 101,   // account -> warning it was given (position: the warning id)
  // Data archives (social::ArchiveService).
  kPendingArchives = 94,  // kInstanceNode -> account whose requested archive is not built yet
                          // (position: the request's time id)
  // Account deletion (social::AccountDeletion).
  kPendingDeletions = 90,  // kInstanceNode -> account whose deletion has not finished (position:
                           // when it started); read at start-up to resume
  kNotificationsSent = 91,  // account -> notification it caused (position: the notification's
                            // id); data: the recipient's id (decimal)
  // Lists (social::ListService).
  kLists = 58,           // account -> its list (position: the list id)
  kListAccounts = 59,    // list -> member account (position: the member's id, Mastodon's order)
  kExclusiveLists = 60,  // account -> its list whose members' posts leave its home feed
  // Direct conversations (social::ConversationService).
  kConversations = 61,  // account -> the last status of one of its conversations (position:
                        // the same); data: the conversation's id
  // Hashtags (social::TagService): follows, featured tags.
  kTagFollowers = 68,  // tag node -> account following the tag (position: when); counted
  kFollowedTags = 69,  // account -> tag node it follows (position: when); data: the tag's name
  kFeaturedTags = 70,  // account -> its featured tag id (position: the same); data: the name
  kAccountTagStatuses = 71,  // social::account_tag_node(account, tag) -> its public or unlisted
                             // status using the tag (featured tags' counts); counted
  // Notification requests (social::NotificationPolicyService): notifications the recipient's
  // policy filtered, one request per sender.
  kNotificationRequests = 64,     // account -> sender with filtered notifications (position: the
                                  // request id, the first filtered notification's id); counted
  kRequestNotifications = 65,     // request node (social::request_node) -> filtered notification
                                  // id; data: social::Notification; counted
  kNotificationRequestIds = 66,   // account -> request id; data: the sender's id (decimal)
  kNotificationPermissions = 67,  // account -> sender whose request it accepted (always let through)
  // Start-up routes (announcements, endorsements, notes, suggestions, conversation mutes).
  kAnnouncementDismissals = 73,  // account -> announcement it dismissed (position: when)
  kAnnouncementReactions = 74,   // reaction node (social::reaction_node) -> account; counted
  kEndorsements = 75,     // account -> account it features on its profile (position: when)
  kAccountNotes = 76,     // account -> account it wrote a private note about; data: the note
  kSuggestionDismissals = 77,  // account -> account it asked not to be suggested (position: when)
  kMutedConversations = 78,    // account -> root status of a thread it muted (position: when)
  kWeeklyLogins = 79,     // retired 2026-12-03 (weeks' logins are now kLoginSketch objects); was
                          // week node -> account active that week
  kScheduledStatuses = 55,  // account -> its scheduled post (position: the same id); counted
  kScheduledDue = 56,  // kInstanceNode -> due slot (position: the same; its time); data: the scheduled post's id
  kStatusEdits = 54,  // status -> one version of it (position: the version's id); data: social::PostVersion
  // Search (social/identity/account_names.h, social/search/): name prefixes to what bears them.
  kAccountNames = 51,  // name-prefix node -> account with a name term so starting (position: its id)
  kTagNames = 52,      // name-prefix node -> tag node (social::tag_node) of a hashtag so starting
                       // (position: the first post using it; data: the tag's name)
  // Polls (social::PollService).
  kPollVoters = 83,        // poll -> account that voted (position: its first vote); counted
  kPollOptionVoters = 84,  // social::poll_option_node(poll, i) -> account that chose option i;
                           // counted (the option's votes)
  kPollsDue = 85,          // kInstanceNode -> poll not yet ended (position: its end, to: the poll)
};

// Lists whose length nothing reads keep no count: a write to them moves no count, and asking
// their count is an error (InvalidArgument), so a count is never answered that nobody keeps. A
// like wrote four lists' counts; over PostgreSQL each was a count row to update (the author's
// notifications a hot one), and the statement summed the rows again to tell the request its counts
// after. Now it writes one, the post's. A list that someday needs its count must be counted
// afresh: taken out of this set, its existing lists would go on from whatever count a store kept
// before they stopped being counted (4ed3a29), stale, so a migration must count them first.
inline constexpr AssocType kUncountedAssocTypes[] = {
    AssocType::kFavourites,     // a person's likes: Mastodon shows no count of them
    AssocType::kNotifications,  // unread counts walk the list (NotificationService::unread_count)
    AssocType::kNotificationsSent,  // read only by account deletion, page by page
};
constexpr bool is_counted(AssocType type) {
  for (AssocType t : kUncountedAssocTypes)
    if (t == type) return false;
  return true;
}
// InvalidArgument if any of `lists` keeps no count (assoc_count, assoc_counts).
inline Status check_counted(const std::vector<std::pair<Id, AssocType>>& lists) {
  for (const auto& [from, type] : lists) {
    if (!is_counted(type)) {
      return Status::invalid_argument("the list of kind " + std::to_string(static_cast<int>(type)) +
                                      " keeps no count");
    }
  }
  return Status::ok();
}

// The id that instance-wide associations hang from (no object has it: real ids carry a time).
inline constexpr Id kInstanceNode{1};

// Namespaces of unique string keys that name an id (a username, a token hash...).
enum class KeyspaceType : uint8_t {
  kUsername = 1,      // lower-cased username -> account id
  kEmail = 2,         // lower-cased email -> account id
  kTokenHash = 3,     // hash of an access token -> token id
  kClientId = 4,      // OAuth client_id -> app id
  kAuthCodeHash = 5,  // hash of an authorization code -> auth code id
  kIdempotency = 6,   // "<account id>:<Idempotency-Key>" -> status id
  kSessionHash = 7,   // hash of a web session's cookie -> session id
  kConversationKey = 10,  // "<account>/<thread>/<participant ids>" -> conversation id
  kNodeNumber = 11,       // "node:<N>" -> the identity of the node (data dir) that holds N
};

// An object found through a unique key (Store::get_keyed_object): its id and its bytes.
struct KeyedObject {
  Id id;
  std::string bytes;
};

struct Assoc {
  Id from;
  AssocType type{};
  Id to;
  Id position;       // orders ranges newest-first; a cursor for paging
  std::string data;  // optional payload, small
};

// One atomic unit of change. Applied all-or-nothing by Store::apply, in this order: key
// releases, key claims, object puts, object deletes, edge adds, edge removes (so adding and
// removing one edge in a batch leaves it absent). Adding an edge that exists already keeps its old
// position and data. Ids must not be zero.
//
// An edge added with add_assoc_if_added is written only if an earlier add of the batch (its
// condition) really added its edge, as BatchOutcome::assoc_added tells: a like's notification is
// written with the like, only if the like is new, without reading first whether it was. The
// condition must be an earlier, unconditional add, and neither edge may appear anywhere else in the
// batch (InvalidArgument otherwise).
//
// A conditional add may also ask that the condition's list held fewer than `fewer_than` edges
// before the batch (a post's first likes each notify; later ones do not), again without a read
// first. "Before" is as the store saw the list when it applied the batch: on PostgreSQL the
// statement's snapshot, counting the same list's conditions ahead of it in a grouped statement.
// Writers adding to the list at the same moment on other connections or nodes are not counted, so
// near the line a few more than `fewer_than` may pass, as with a count read first.
struct Batch {
  struct ObjectPut {
    ObjectType type;
    Id id;
    std::string bytes;
  };
  struct ObjectDelete {
    ObjectType type;
    Id id;
  };
  static constexpr size_t kAlways = SIZE_MAX;
  static constexpr int64_t kAnyCount = INT64_MAX;
  struct AssocAdd {
    Assoc assoc;
    size_t only_if_added = kAlways;  // else the index in assoc_adds of this add's condition
    // With a condition: written only if the condition's list held fewer edges before the batch.
    int64_t only_if_fewer_than = kAnyCount;
  };
  struct AssocRemove {
    Id from;
    AssocType type;
    Id to;
  };
  struct KeyClaim {  // fails the whole batch with Conflict if `key` names another id
    KeyspaceType space;
    std::string key;
    Id id;
  };
  struct KeyRelease {
    KeyspaceType space;
    std::string key;
  };

  std::vector<ObjectPut> object_puts;
  std::vector<ObjectDelete> object_deletes;
  std::vector<AssocAdd> assoc_adds;
  std::vector<AssocRemove> assoc_removes;
  std::vector<KeyClaim> key_claims;
  std::vector<KeyRelease> key_releases;

  void put_object(ObjectType type, Id id, std::string bytes) {
    object_puts.push_back({type, id, std::move(bytes)});
  }
  void delete_object(ObjectType type, Id id) { object_deletes.push_back({type, id}); }
  void add_assoc(Assoc a) { assoc_adds.push_back({std::move(a)}); }
  // Adds `a` only if assoc_adds[condition] adds its edge and its list held fewer than
  // `fewer_than` edges before the batch (see above).
  void add_assoc_if_added(Assoc a, size_t condition, int64_t fewer_than = kAnyCount) {
    assoc_adds.push_back({std::move(a), condition, fewer_than});
  }
  bool has_conditions() const {
    for (const auto& a : assoc_adds)
      if (a.only_if_added != kAlways || a.only_if_fewer_than != kAnyCount) return true;
    return false;
  }
  void remove_assoc(Id from, AssocType type, Id to) { assoc_removes.push_back({from, type, to}); }
  void claim_key(KeyspaceType space, std::string key, Id id) {
    key_claims.push_back({space, std::move(key), id});
  }
  void release_key(KeyspaceType space, std::string key) {
    key_releases.push_back({space, std::move(key)});
  }
  bool empty() const {
    return object_puts.empty() && object_deletes.empty() && assoc_adds.empty() &&
           assoc_removes.empty() && key_claims.empty() && key_releases.empty();
  }
};

// InvalidArgument unless every conditional add of `batch` meets the rules above.
inline Status check_conditions(const Batch& batch) {
  if (!batch.has_conditions()) return Status::ok();
  const auto same = [](const Assoc& a, Id from, AssocType type, Id to) {
    return a.from == from && a.type == type && a.to == to;
  };
  for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
    const Batch::AssocAdd& add = batch.assoc_adds[i];
    if (add.only_if_fewer_than < 0) {
      return Status::invalid_argument("an edge's count condition must not be negative");
    }
    if (add.only_if_added == Batch::kAlways) {
      if (add.only_if_fewer_than != Batch::kAnyCount) {
        return Status::invalid_argument("an edge's count condition needs an edge condition");
      }
      continue;
    }
    const size_t c = add.only_if_added;
    if (c >= i || batch.assoc_adds[c].only_if_added != Batch::kAlways) {
      return Status::invalid_argument("an edge's condition must be an earlier unconditional add");
    }
    const Assoc& cond = batch.assoc_adds[c].assoc;
    const Assoc& a = add.assoc;
    if (add.only_if_fewer_than != Batch::kAnyCount && !is_counted(cond.type)) {
      return Status::invalid_argument("an edge's count condition is on a list that keeps no count");
    }
    for (const auto& r : batch.assoc_removes) {
      if (same(cond, r.from, r.type, r.to) || same(a, r.from, r.type, r.to)) {
        return Status::invalid_argument("a conditional edge or its condition is also removed");
      }
    }
    for (size_t j = 0; j < batch.assoc_adds.size(); ++j) {
      const Assoc& other = batch.assoc_adds[j].assoc;
      if ((j != i && same(other, a.from, a.type, a.to)) ||
          (j != c && same(other, cond.from, cond.type, cond.to))) {
        return Status::invalid_argument("a conditional edge or its condition is added twice");
      }
    }
  }
  return Status::ok();
}

// What a batch changed: for each assoc add/remove in order, whether the edge set changed
// (an add of an existing edge or a remove of a missing one changes nothing and no count).
struct BatchOutcome {
  std::vector<bool> assoc_added;
  std::vector<bool> assoc_removed;
  // The counts of lists the batch changed, just after it, where a backend learns them as it
  // writes (PostgreSQL's write statement); empty elsewhere, or for a list it did not learn.
  // Exact for the batch's own change; a change other writers made at the same moment may be
  // missing from it, as from a read just before the write. For the request that wrote (its
  // answer's counts: store::ObservedStore), not for remembering across requests.
  // Given for batches of at most kMaxCountedBatchEdges edges (a like, not a fan-out).
  struct ListCount {
    Id from;
    AssocType type;
    int64_t count;
  };
  std::vector<ListCount> counts_after;
  static constexpr size_t kMaxCountedBatchEdges = 16;
  // Whether `batch` is small enough to be told its counts after.
  static bool counts_after_given(const Batch& batch) {
    return batch.assoc_adds.size() + batch.assoc_removes.size() <= kMaxCountedBatchEdges;
  }
};

// A newest-first (or oldest-first) window over one association list, by position.
// Bounds are exclusive; a zero Id means unbounded. Positions are unique within a list (they come
// from the id generator), so an exclusive cursor never skips an edge. limit 0 returns no items.
struct RangeQuery {
  Id max_position;          // only positions < max_position
  Id min_position;          // only positions > min_position
  size_t limit = 20;
  bool oldest_first = false;  // walk up from min_position instead of down from max_position
};

struct RangePage {
  std::vector<Assoc> items;  // in the order walked
  bool more = false;         // another item lies beyond the last one in walking order
};

// Durability of acknowledged writes.
enum class Durability {
  kWal,    // apply() returns once the change is in the write-ahead log: survives a process kill
  kFsync,  // ... and the log is fsynced: survives power loss
};

struct StoreOptions {
  std::string path;  // a directory; created if missing
  Durability durability = Durability::kWal;
};

// The one storage interface for everything Kindred keeps: objects by (type, id), typed
// associations with exact counts and cursored ranges, and unique keys. Backends (RocksDB, later
// PostgreSQL) implement it; nothing above store/ sees a backend type.
//
// Thread-safety: all methods may be called concurrently from many threads without external locks.
// Counts are exact under concurrent adds and removes of the same and different edges, and across
// close and reopen: an edge is counted once however many times it is added.
class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies every change in `batch` atomically: all or none become visible and durable.
  // Errors: Conflict if a key claim names another id (nothing applied); InvalidArgument for a
  // zero id; Corruption for unreadable stored bytes; Internal for I/O errors; Unavailable after
  // close().
  virtual Result<BatchOutcome> apply(const Batch& batch) = 0;

  // Errors: NotFound if absent.
  virtual Result<std::string> get_object(ObjectType type, Id id) const = 0;
  // One slot per id, in order; nullopt where absent.
  virtual Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const = 0;

  // Errors: NotFound if the key names nothing.
  virtual Result<Id> lookup_key(KeyspaceType space, std::string_view key) const = 0;
  // The object of `type` that `key` names in `space` (lookup_key, then get_object), in one round
  // trip where the backend can: a request with a token not seen before reads its record so. Not
  // found if the key or the object is missing.
  virtual Result<KeyedObject> get_keyed_object(KeyspaceType space, std::string_view key,
                                               ObjectType type) const {
    KINDRED_ASSIGN_OR_RETURN(Id id, lookup_key(space, key));
    KINDRED_ASSIGN_OR_RETURN(std::string bytes, get_object(type, id));
    return KeyedObject{id, std::move(bytes)};
  }

  // The edge if present. Errors: NotFound if absent.
  virtual Result<Assoc> get_assoc(Id from, AssocType type, Id to) const = 0;
  virtual Result<bool> assoc_exists(Id from, AssocType type, Id to) const = 0;
  // For each `to`, whether (from, type, to) exists; one slot per input.
  virtual Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                                 const std::vector<Id>& tos) const = 0;
  // The exact number of edges (from, type, *). Errors: InvalidArgument for a list that keeps no
  // count (is_counted).
  virtual Result<int64_t> assoc_count(Id from, AssocType type) const = 0;
  // assoc_count for each (from, type), one slot per input, read together (a page of statuses
  // needs dozens of counts; one batched read costs about as much as a few single ones).
  virtual Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const = 0;
  virtual Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const = 0;

  // The largest id of `type` currently stored, or Id() if none (id generators observe it on
  // reopen; ids are time-ordered, so a deleted newest id is not reissued by a later clock).
  virtual Result<Id> max_object_id(ObjectType type) const = 0;

  // Flushes everything written and compacts stored data to its smallest form (for measuring and
  // after bulk loads). Slow on large stores; other calls may proceed meanwhile.
  virtual Status compact() = 0;

  // Flushes and closes; later calls answer Unavailable. Idempotent. The destructor calls it.
  virtual Status close() = 0;
};

}  // namespace kindred::store
