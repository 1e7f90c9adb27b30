#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "social/model/models.h"
#include "social/model/record_cache.h"
#include "social/model/views.h"

// Support resources: a directory of support organisations (helplines), a topic matcher that
// marks posts on a topic (pregnancy and baby loss), and the support card a post on a topic
// carries for its reader. Opening hours are a weekly schedule in the organisation's own IANA
// time zone, computed with the tz database (Howard Hinnant's date/tz.h over the system's
// /usr/share/zoneinfo), so daylight-saving changes are right and no offset is ever hard-coded.
namespace kindred::social {

class PreferencesService;

// One weekly opening: on each of `days` ("monday".."sunday") from `opens` to `closes`, local
// "HH:MM" times in the organisation's time zone. `closes` is after `opens`, at most "24:00"
// (no span crosses midnight: an overnight service is two entries).
struct OpeningHours {
  std::vector<std::string> days;
  std::string opens;
  std::string closes;
};

// Closed on the local dates `from` to `to` (inclusive, "YYYY-MM-DD"; `to` == `from` for one
// day), e.g. a bank holiday. `reason` may be empty.
struct Closure {
  std::string from;
  std::string to;
  std::string reason;
};

// One organisation. Empty strings and lists mean "not known"; nothing unknown is ever claimed.
struct SupportResource {
  std::string id;  // [a-z0-9-], 1..64 characters; unique in the directory
  std::string name;
  std::vector<std::string> topics;   // ids of the topic lexicon ("pregnancy_loss")
  std::vector<std::string> regions;  // ISO 3166-1 alpha-2, upper case ("GB")
  std::string phone;
  std::string email;
  std::string website;
  std::string time_zone;            // IANA ("Europe/London"); needed with hours or closures
  std::vector<OpeningHours> hours;  // empty: opening hours not known
  std::vector<Closure> closures;
};

// Whether an organisation is open at one moment. With no hours known, `known` is false and
// nothing else is meaningful: it is neither claimed open nor closed.
struct OpenState {
  bool known = false;
  bool open_now = false;
  int64_t closes_at_ms = 0;     // when open_now: the end of the current opening (UTC ms)
  std::string closes_at_local;  // the same in local time, "2026-03-30T16:00:00+01:00"
  int64_t next_open_at_ms = 0;  // the next opening after now (after the current one when open);
                                // 0 when none within the next 400 days
  std::string next_open_at_local;
};

struct ResourceView {
  std::shared_ptr<const SupportResource> resource;
  OpenState state;
};

// What a post on a topic carries for its reader: a calm message, the post's topics, and the
// resources for the reader's region with their opening state now.
struct SupportCard {
  std::string message;
  std::vector<std::string> topics;
  std::vector<ResourceView> resources;
};

// The topic matcher's data: per topic, words and phrases per language, and phrases that must
// not count (a "miscarriage of justice" is not a pregnancy loss).
struct TopicLexicon {
  struct Topic {
    std::string id;       // [a-z0-9_], e.g. "pregnancy_loss"
    std::string name;     // for people: "Pregnancy and baby loss"
    std::string message;  // shown with its resources
    std::vector<std::pair<std::string, std::vector<std::string>>> phrases;  // language -> phrases
    std::vector<std::string> except;  // phrases that cancel a match inside them (any language)
  };
  std::vector<Topic> topics;
};

// The words of `text` as the matcher sees them: match_words (social/care/word_match.h), which folds
// case, width and accents, drops apostrophes inside words ("son's" -> "sons") and splits on
// everything else that is not a letter or digit. Exposed for tests.
std::vector<std::string> topic_words(std::string_view text);

// Matches text against a lexicon: a phrase matches a run of whole words, so "lost our son"
// matches "We lost our son." and never "lost our sonnet". Immutable after construction;
// thread-safe.
class TopicMatcher {
 public:
  // Errors: InvalidArgument for a lexicon without topics, a bad topic id, or a topic without
  // phrases.
  static Result<TopicMatcher> build(TopicLexicon lexicon);
  // Ids of the topics `text` is on, in lexicon order.
  std::vector<std::string> match(std::string_view text) const;
  const TopicLexicon& lexicon() const { return lexicon_; }
  bool has_topic(std::string_view id) const;

 private:
  struct Phrase {
    std::vector<std::string> words;
    size_t topic = 0;
  };
  TopicLexicon lexicon_;
  std::vector<Phrase> phrases_;
  std::vector<Phrase> excepts_;
  std::unordered_map<std::string, std::vector<size_t>> by_first_word_;  // into phrases_
};

// Where an edited directory is kept (the data directory's JSON file; see api/kindred/). save()
// replaces it whole and atomically or fails leaving it as it was.
class SupportDirectorySink {
 public:
  virtual ~SupportDirectorySink() = default;
  virtual Status save(const std::vector<SupportResource>& directory) = 0;
};

struct SupportConfig {
  std::string region = "GB";  // the reader's region when the viewer names none (--region)
  size_t match_cache_entries = 1 << 16;
};

// The directory, the matcher and the cards. Thread-safe: a read copies the directory's snapshot
// pointer (under a mutex held for that copy only); admin writes are serialised, validated whole
// before anything is saved, saved through the sink, and only then become visible, so bad input
// never changes the directory.
class SupportService {
 public:
  // `sink` may be null (nothing is saved: tests); so may `preferences` (every reader then has
  // the defaults: cards on, the instance's region). Not owned; both outlive the service.
  SupportService(const Clock& clock, IdGenerator& ids, TopicMatcher matcher, SupportConfig config,
                 SupportDirectorySink* sink, const PreferencesService* preferences = nullptr);

  // Installs `directory` (at start-up). Errors: InvalidArgument naming the first bad entry.
  Status load(std::vector<SupportResource> directory);

  // Checks one entry: id shape, non-empty name, known topics, ISO 3166-1 regions (upper-cased
  // in place), phone, email and URL shapes, an existing IANA zone, days, HH:MM times, dates.
  // Errors: InvalidArgument with "Validation failed: ..." naming the field.
  Status validate(SupportResource& r) const;

  // The opening state of `r` at `now_ms` (UTC). REQUIRES: `r` validated.
  OpenState open_state(const SupportResource& r, int64_t now_ms) const;

  // The topics of a post (its text and spoiler text), matched once per version of a post (its
  // id and when it was last edited) and cached.
  std::vector<std::string> topics_of(const Post& post) const;

  // The resources on any of `topics` (all when empty) for `region` (all when empty), in
  // directory order, with their state at `now_ms`.
  std::vector<ResourceView> resources_for(const std::vector<std::string>& topics,
                                          std::string_view region, int64_t now_ms) const;

  // The public list: `topic` and `region` are optional filters. Errors: InvalidArgument for an
  // unknown topic or a region that is not ISO 3166-1 alpha-2.
  Result<std::vector<ResourceView>> list(std::string_view topic, std::string_view region) const;

  // The card `viewer` sees on `post`, or null: when the post is on no topic, the viewer turned
  // support cards off in their preferences, or no resource serves the viewer's region (their
  // preferences' region, else the instance's; signed out: the instance's).
  std::shared_ptr<const SupportCard> card_for(const Viewer& viewer, const Post& post) const;

  // Admin: every call needs `actor.admin`. Errors: PermissionDenied ("This action is not
  // allowed") otherwise; InvalidArgument from validate(); NotFound for an unknown id;
  // Unavailable/Internal when the directory could not be saved (then nothing changed).
  Result<std::vector<ResourceView>> admin_list(const Account& actor) const;
  // `r.id` is ignored: a new id is made.
  Result<ResourceView> create(const Account& actor, SupportResource r);
  // Replaces the whole entry `id` (`r.id` is ignored).
  Result<ResourceView> replace(const Account& actor, std::string_view id, SupportResource r);
  Result<ResourceView> remove(const Account& actor, std::string_view id);

  const TopicMatcher& matcher() const { return matcher_; }
  const std::string& default_region() const { return config_.region; }
  // Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case; social::known_region).
  bool valid_region(std::string_view code) const;

 private:
  using Directory = std::vector<std::shared_ptr<const SupportResource>>;
  std::shared_ptr<const Directory> snapshot() const;
  // Validates `next` whole, saves it through the sink when `save`, then installs it.
  // REQUIRES: write_mutex_ held.
  Status commit(Directory next, bool save);
  ResourceView view(std::shared_ptr<const SupportResource> r, int64_t now_ms) const;

  // Constant after construction.
  const Clock& clock_;
  IdGenerator& ids_;
  TopicMatcher matcher_;
  SupportConfig config_;
  SupportDirectorySink* sink_;             // may be null
  const PreferencesService* preferences_;  // may be null

  // Topics per post id (empty: none), of the version edited at `edited_at_ms`. Provides its own
  // synchronisation.
  struct PostTopics {
    int64_t edited_at_ms = 0;
    std::vector<std::string> topics;
  };
  mutable RecordCache<Id, PostTopics> topics_cache_;

  mutable std::mutex dir_mutex_;  // guards dir_ (swapped whole; readers copy the pointer)
  std::shared_ptr<const Directory> dir_;
  std::mutex write_mutex_;  // one admin write at a time
};

}  // namespace kindred::social
