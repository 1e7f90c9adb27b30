#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <string_view>
#include <thread>

#include "social/posts/posts.h"
#include "social/graph/relationships.h"

namespace kindred::social {

struct List;
class ConversationService;

struct FeedConfig {
  // An author with more followers than this is "large": their posts are not written into each
  // follower's feed (a million writes per post) but merged into home feeds when read.
  int64_t large_account_followers = 10'000;
  size_t fanout_batch = 1'000;  // feed entries written per store batch
};

// Which of an account's posts to list.
struct AccountPostsFilter {
  bool only_media = false;
  bool exclude_replies = false;
  bool exclude_reblogs = false;
  bool pinned = false;
};

// Home, public and hashtag timelines, profile lists, and pins.
//
// Home feeds are written on post (fan-out on write) by a background thread: the post's batch
// holds a kPendingFanout edge, so a crash before the fan-out finishes resumes it at start-up.
// Posts of large accounts are not fanned out; home() merges them in at read time. Public posts
// also go to the followers of their hashtags (graph/tags.h), whether the author is large or not:
// one feed write per follower of the tags, paid at posting, so a home read stays one list. Every read
// checks again that the viewer may see each post and still follows its author, so an unfollow,
// a block, a mute or a delete takes effect at once.
class FeedService : public PostListener {
 public:
  FeedService(Deps deps, const PostService& posts, const RelationshipService& relationships,
              FeedConfig config);
  ~FeedService() override;  // finishes queued fan-outs, then joins the thread
  FeedService(const FeedService&) = delete;
  FeedService& operator=(const FeedService&) = delete;

  // Queues the fan-out of a new post (PostListener).
  void post_created(const Post& post) override;
  // Queues every fan-out a crash interrupted. Call once at start-up.
  Status resume_pending_fanouts();
  // Writes `post_id` into its followers' feeds now, on the calling thread.
  Status fan_out(Id post_id);
  // Set once at start-up, before serving: direct posts are added to conversations as they are
  // fanned out. Not owned; may be null. Must outlive this service's queued fan-outs.
  void set_conversations(ConversationService* conversations) { conversations_ = conversations; }
  // Blocks until the queue is empty and no fan-out runs (tests, benchmarks).
  void wait_idle();

  // The viewer's home feed: their own posts and reblogs, those of accounts they follow (their
  // direct posts only when they mention the viewer) and public posts using hashtags they follow,
  // newest first. A page shows each post once, however many of them reblogged it; reblogs of
  // the viewer's own posts are left out, and so are posts by members of the viewer's exclusive
  // lists (social/graph/lists.h).
  Result<Page<PostView>> home(const Viewer& viewer, const ListQuery& q) const;
  // A list's timeline for its owner: the posts and reblogs of `members` (sorted ids) that the
  // owner still follows (the owner's own too if a member), newest first, with home's rules for
  // visibility, blocks, mutes and reblogs, no direct posts, and replies to others as the list's
  // replies_policy says (always those to the owner). Read by merging the members' own lists.
  Result<Page<PostView>> list_timeline(const Viewer& viewer, const List& list,
                                       const std::vector<Id>& members, const ListQuery& q) const;
  // Public posts of this instance (no reblogs), newest first.
  Result<Page<PostView>> public_timeline(const Viewer& viewer, const ListQuery& q,
                                         bool only_media) const;
  // Public posts with `tag` ("#Loss" or "loss"). Errors: InvalidArgument for an empty tag.
  Result<Page<PostView>> tag_timeline(const Viewer& viewer, std::string_view tag,
                                      const ListQuery& q, bool only_media) const;
  // An account's posts and reblogs as `viewer` may see them. Errors: NotFound for an unknown
  // account.
  Result<Page<PostView>> account_posts(const Viewer& viewer, Id account_id, const ListQuery& q,
                                       const AccountPostsFilter& filter) const;

  // Pins the viewer's own post to their profile (at most 5; not direct posts) / unpins it.
  // Idempotent. Errors: NotFound if not the viewer's own; InvalidArgument over the limit or for
  // a direct post or a reblog.
  Result<PostView> pin(const Viewer& viewer, Id post_id);
  Result<PostView> unpin(const Viewer& viewer, Id post_id);

 private:
  struct Source {
    Id from;
    store::AssocType type;
    // When known: no entry of this source is newer (positions are post ids). A source whose
    // newest entry cannot make the page is not read.
    Id newest;
  };
  // What the viewer has to do with the accounts of one batch of posts, read in a few batches.
  struct Relations {
    std::vector<Id> follows;  // authors and replied-to accounts the viewer follows (home only)
    std::vector<Id> muted;    // authors the viewer mutes (unexpired)
    std::vector<Id> followed_tags;  // tag nodes of these posts the viewer follows (home only)
    bool follows_account(Id id) const;
    bool mutes(Id id) const;
  };
  // What a timeline's filter reads: nothing (profiles), mutes (public, tags), or mutes and
  // follows (home).
  enum class Needs { kNothing, kMutes, kMutesAndFollows };
  Result<Relations> relations_with(const Viewer& viewer, const std::vector<Post>& posts,
                                   Needs needs) const;
  // Merges `sources` newest first (by position), keeps what `keep(post, relations)` accepts, and
  // pages like account lists do. `keep` gets the viewer's visible posts. Each round reads a
  // batch of entries, the posts, the relations and the views in a few batched reads.
  template <class Keep>
  Result<Page<PostView>> merged(const Viewer& viewer, const std::vector<Source>& sources,
                                const ListQuery& q, Needs needs, Keep keep) const;
  static bool wanted_in_home(Id viewer, const Post& post, const Relations& r);
  // Every large account (read from the store once, then kept as fan_out marks more).
  Result<std::vector<Id>> large_accounts() const;
  // The newest post of a large account: kept from post_created, read from the store once.
  Result<Id> newest_post_of_large(Id account) const;
  void worker_loop();
  // Writes a public post into the home feeds of its hashtags' followers (not its author's).
  Status fan_out_to_tag_followers(const Post& p);

  Deps deps_;
  // Whether `p` is by a silenced account and so left out of public timelines for `viewer`.
  bool silenced_for(const Viewer& viewer, const Post& p) const;

  const PostService& posts_;
  const RelationshipService& relationships_;
  FeedConfig config_;
  ConversationService* conversations_ = nullptr;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Id> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;

  // Large accounts and their newest posts, so that a home page reads only the large accounts'
  // lists that can reach it (most cannot: their newest post is older than the page). The store
  // stays the truth; a single node is its only writer, so what it notes here is complete; with
  // several nodes both are forgotten once older than CacheAge's bound.
  mutable std::mutex large_mutex_;
  mutable bool large_loaded_ = false;                // GUARDED_BY(large_mutex_)
  mutable std::vector<Id> large_;                    // GUARDED_BY(large_mutex_)
  mutable std::unordered_map<Id, Id> large_newest_;  // GUARDED_BY(large_mutex_)
  mutable int64_t large_expiry_ = 0;                 // GUARDED_BY(large_mutex_), CacheAge
  void expire_large_if_stale() const;
};

}  // namespace kindred::social
