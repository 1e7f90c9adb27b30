#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "social/identity/accounts.h"
#include "social/safety/archive.h"
#include "social/model/context.h"

namespace kindred::social {

class MediaService;
class OAuthService;
class PostService;
class ScheduledPostService;
class SessionService;

struct DeletionConfig {
  // At most this many edges removed by one store batch (a post's likes, the likes given, the
  // follows...); the work yields between batches, so requests never wait behind a deletion.
  size_t batch_edges = 500;
  // Slept between batches (0: only a yield). Tests lengthen it to catch a deletion midway.
  std::chrono::milliseconds pause{0};
};

// One step of a deletion, for progress output: what is being removed and how many so far.
struct DeletionProgress {
  std::string_view step;
  int64_t removed = 0;
};

// Deletes accounts for good (POST /api/v1/kindred/account/delete, the web settings' "Delete your
// account", `kindred admin delete-account`, and the admin API's DELETE /api/v1/admin/accounts/:id).
//
// start() marks the account deleted (Account::deleted_at_ms, through AccountService::update, so
// it is hidden from every answer at once: views, posts, tokens, sessions, sign-in) and writes a
// kPendingDeletions marker in the same batch. The work then runs in bounded batches: scheduled
// posts; posts, comments and reblogs (each through PostService::purge: their likes, reblogs,
// photos — files kept while another post or account uses the same bytes — and versions); likes
// given (both edges, so each liked post's count drops by exactly one, and the notification or
// like notice each like wrote); bookmarks; follows and follow requests both ways (and the
// followers' lists and endorsements naming the account); blocks both ways, mutes and restricts
// it made; its lists, filters, own notifications and notification requests; the notifications
// it caused in others' lists (kNotificationsSent); tokens with their push subscriptions, web
// sessions; its other per-account lists and objects (preferences, markers, hidden words,
// memories, followed and featured tags, domain blocks...); its avatar and header. Last, the
// record is cut down to a tombstone (username and id kept, so the name stays taken; email,
// password, profile emptied and the email released) and the marker removed, in one batch.
//
// Every step walks the remaining edges from the start and removes what it finds, so it is
// idempotent: an edge another actor removed already (a moderator, the other person unfollowing)
// is simply absent, and removing an absent edge changes no count. A crash leaves the marker;
// resume() at start-up queues the account again and the steps go on from what remains.
//
// What stays (no index leads there, or it is others' record): others' mutes, restricts, notes,
// memory and suggestion dismissals naming the account (pointing at a hidden tombstone), poll votes
// it cast, announcement reactions, replies others wrote to its posts (as when a post is deleted),
// reports it filed or that name it (the moderators' record), and its unattached uploads (swept
// after a day as every unattached upload is).
//
// Thread-safe. One background thread (start_worker) runs queued deletions one at a time.
class AccountDeletion {
 public:
  AccountDeletion(Deps deps, AccountService& accounts, PostService& posts, MediaService& media,
                  OAuthService& oauth, SessionService& sessions, DeletionConfig config = {});
  ~AccountDeletion();  // stop()
  AccountDeletion(const AccountDeletion&) = delete;
  AccountDeletion& operator=(const AccountDeletion&) = delete;

  // Set once before use: scheduled posts are cancelled through it (null: removed directly).
  void set_scheduled(ScheduledPostService* scheduled) { scheduled_ = scheduled; }
  // Set once before use: the account's data archive goes too (null: none kept).
  void set_archives(ArchiveService* archives) { archives_ = archives; }

  // The person deleting their own account: checks `password` (the account's current one), then
  // start(). Errors: InvalidArgument "The password you entered was not correct" for a wrong
  // password (nothing changes); as start().
  Status delete_own(Id account_id, std::string password);

  // Starts deleting `account_id`: marks it deleted and records it as pending, atomically, then
  // queues it for the background thread (if started). The account is hidden from every answer
  // when this returns. Idempotent: an account already being deleted (or deleted) is queued again
  // if its marker is still there, and success is returned. Errors: NotFound for no such account;
  // store errors.
  Status start(Id account_id);

  // Whether the deletion of `account_id` has started and not finished (its marker is stored).
  // False on a store error.
  bool pending(Id account_id) const;

  // Runs the deletion of `account_id` to its end on the calling thread (the admin command,
  // tests), telling `progress` (may be null) after each batch. REQUIRES: start() was called (the
  // account is marked). Errors: InvalidArgument if it is not marked deleted; store errors
  // (the marker stays; running again goes on).
  Status run(Id account_id, const std::function<void(const DeletionProgress&)>& progress);

  // Start-up: queues every account whose deletion a crash (or a stop) interrupted.
  Status resume();
  // Starts the background thread that runs queued deletions. Start-up, once.
  void start_worker();
  // Stops the thread at the next batch boundary (unfinished deletions resume at next start).
  // Idempotent.
  void stop();
  // Blocks until nothing is queued or running (tests).
  void wait_idle();

 private:
  void worker_loop();
  // Between batches: stops the walk when stopping, sleeps the pause, yields.
  Status pace();
  // The steps, in order; each returns when its lists are empty.
  Status run_steps(Id account_id, const std::function<void(const DeletionProgress&)>& progress);

  Deps deps_;
  AccountService& accounts_;
  PostService& posts_;
  MediaService& media_;
  OAuthService& oauth_;
  SessionService& sessions_;
  ArchiveService* archives_ = nullptr;
  ScheduledPostService* scheduled_ = nullptr;
  DeletionConfig config_;

  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Id> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace kindred::social
