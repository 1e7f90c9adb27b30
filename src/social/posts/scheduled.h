#pragma once

#include <condition_variable>
#include <functional>
#include <string>
#include <utility>
#include <mutex>
#include <thread>
#include <vector>

#include "social/posts/posts.h"

namespace kindred::social {

// A post to be published later (Mastodon's ScheduledStatus): what POST /api/v1/statuses was
// given, kept until its time. Stored as ObjectType::kScheduledStatus by its id.
struct ScheduledPost {
  Id id;
  Id account_id;
  int64_t scheduled_at_ms = 0;
  Id app_id;
  std::string text;
  Id in_reply_to_id;
  std::optional<bool> sensitive;             // as given (null when not)
  std::optional<std::string> spoiler_text;
  std::string visibility;                    // a visibility name, or "" when not given
  std::optional<std::string> language;
  std::vector<Id> media_ids;                 // held by this scheduled post until published
  std::string idempotency;                   // the Idempotency-Key header, or ""
  ReplyPolicy reply_policy = ReplyPolicy::kEveryone;
  bool hide_favourites_count = false;
  // Its entry in the instance's list of what is due (kScheduledDue): the time, made unique.
  Id due_slot;
  std::optional<NewPoll> poll;  // its poll, as asked for (appended)

  bool operator==(const ScheduledPost&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, scheduled_at_ms, app_id, text, in_reply_to_id, sensitive, spoiler_text,
      visibility, language, media_ids, idempotency, record::upto(reply_policy, ReplyPolicy::kNobody),
      hide_favourites_count, due_slot);
    v.may_end_here();  // written before polls
    v(poll);
  }
  std::string encode() const;
  static Result<ScheduledPost> decode(std::string_view bytes);
};

struct ScheduledPostView {
  ScheduledPost scheduled;
  std::vector<Media> media;  // its photos, in order
};

struct ScheduledConfig {
  int64_t min_offset_ms = 5 * 60 * 1000;  // scheduled_at at least this far ahead (as Mastodon)
  size_t total_limit = 300;               // scheduled posts per account at once
  size_t daily_limit = 25;                // ... per UTC day of publication
};

// Scheduled posts: kept, listed, moved and cancelled by their author, and published when their
// time comes by a thread of their own (every second, by the injected clock), and by
// publish_due(), which start-up calls for those whose time passed while the server was down.
// Publishing goes through PostService::create with an idempotency key of the scheduled post, so
// a crash between publishing and forgetting it cannot post twice. Thread-safe.
class ScheduledPostService {
 public:
  ScheduledPostService(Deps deps, PostService& posts, const AccountService& accounts,
                       MediaService& media, ScheduledConfig config = {});
  ~ScheduledPostService();  // stops the thread
  ScheduledPostService(const ScheduledPostService&) = delete;
  ScheduledPostService& operator=(const ScheduledPostService&) = delete;

  // Starts the publishing thread. Call once, after a first publish_due().
  void start();
  // Gives the thread more work of the same kind to run after each publish_due(), every second
  // (e.g. ending polls whose time came: PollService::end_due). Start-up only, before start().
  void add_due_work(std::string name, std::function<Result<size_t>()> work) {
    due_work_.emplace_back(std::move(name), std::move(work));
  }

  // Whether a post asked for at `at_ms` is published at once: a time already past (as Mastodon).
  bool due_now(int64_t at_ms) const { return at_ms <= deps_.clock.now_ms(); }
  // Keeps `in` by `author` for `at_ms`, checked as create() would check it now (text, language,
  // photos, which it then holds, the post replied to). Errors: InvalidArgument for a time less
  // than five minutes ahead or past the per-account limits (Mastodon's messages), and as
  // create()'s checks; NotFound for a reply to a post `author` may not see.
  Result<ScheduledPostView> schedule(const Account& author, const NewPost& in, int64_t at_ms);
  // The viewer's scheduled posts, newest id first. REQUIRES: viewer.signed_in().
  Result<Page<ScheduledPostView>> list(const Viewer& viewer, const ListQuery& q) const;
  // Errors: NotFound unless it is the viewer's own.
  Result<ScheduledPostView> get(const Viewer& viewer, Id id) const;
  // Moves it to `at_ms`. Errors: NotFound; InvalidArgument as schedule()'s time checks.
  Result<ScheduledPostView> reschedule(const Viewer& viewer, Id id, int64_t at_ms);
  // Forgets it; its photos are the author's unattached uploads again. Errors: NotFound.
  Status cancel(const Viewer& viewer, Id id);

  // Publishes every scheduled post whose time has come and returns how many were handled. One
  // that can no longer be posted (its text too long now, its reply target gone) is dropped.
  // Errors: a store failure (what is left is tried again on the next call).
  Result<size_t> publish_due();

 private:
  Status check_time(Id account_id, int64_t at_ms, Id except) const;
  Result<ScheduledPost> load_own(const Viewer& viewer, Id id) const;
  Result<ScheduledPostView> view(ScheduledPost p) const;
  // A free slot in the due list for `at_ms`. REQUIRES: mu_ held.
  Result<Id> free_slot(int64_t at_ms, Id id) const;
  // REQUIRES: mu_ held.
  Status publish(Id id, Id slot);
  // Forgets `p`, releasing its photos. REQUIRES: mu_ held.
  Status drop(const ScheduledPost& p);
  void loop();

  Deps deps_;
  PostService& posts_;
  const AccountService& accounts_;
  MediaService& media_;
  ScheduledConfig config_;

  std::mutex mu_;  // serialises writes: schedule, reschedule, cancel, publish
  std::vector<std::pair<std::string, std::function<Result<size_t>()>>> due_work_;
  std::mutex thread_mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(thread_mu_)
  std::thread thread_;
};

}  // namespace kindred::social
