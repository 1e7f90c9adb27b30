#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/photos/media.h"
#include "social/model/record_cache.h"
#include "social/model/views.h"

namespace kindred::social {

class SupportService;
class FilterService;
class NotificationGate;

// A poll as POST /api/v1/statuses asks for it (social/posts/polls.h checks it) (poll[options][], poll[expires_in],
// poll[multiple], poll[hide_totals]).
struct NewPoll {
  std::vector<std::string> options;
  std::optional<int64_t> expires_in_s;
  bool multiple = false;
  bool hide_totals = false;
  bool operator==(const NewPoll&) const = default;
  template <class V>
  void field_list(V& v) {
    v(options, expires_in_s, multiple, hide_totals);
  }
};

struct NewPost {
  std::string text;
  Id in_reply_to_id;
  bool sensitive = false;
  std::string spoiler_text;
  std::optional<Visibility> visibility;  // default: public
  std::string language;
  std::string idempotency_key;  // the Idempotency-Key header, or empty
  Id app_id;
  std::vector<Id> media_ids;    // the author's own unattached, processed uploads (at most 4)
  // Comment controls. The caller passes the author's default_reply_policy when the request
  // names none.
  ReplyPolicy reply_policy = ReplyPolicy::kEveryone;
  bool hide_favourites_count = false;
  // Set when a scheduled post is published: its photos, which it holds, qualify.
  Id scheduled_id;
  std::optional<NewPoll> poll;  // a poll; a post with one has no photos
};

// An edit of a post by its author (PUT /api/v1/statuses/:id). As in Mastodon, an edit states
// the post's whole new text, content warning, sensitivity and photos (a photo left out is taken
// off the post); only the language stays as it was when none is given.
struct PostEdit {
  std::string text;
  std::string spoiler_text;
  bool sensitive = false;
  std::string language;        // empty: unchanged
  std::vector<Id> media_ids;   // the post's own photos and the author's unattached ready uploads
  // Alt text and focus of photos among media_ids (others are ignored, as in Mastodon).
  std::vector<std::pair<Id, MediaEdit>> media_attributes;
  // The poll as the edit states it, or none (the post keeps its poll). Only the poll it has may
  // be stated: changing a poll's options is refused (see edit()).
  std::optional<NewPoll> poll;
};

// One version of a post as GET /api/v1/statuses/:id/history shows it.
struct PostVersionView {
  PostVersion version;
  AccountView author;
  std::vector<Media> media;  // its photos, with the alt text they had then
};

// Which of an account's posts to list, newest first. Bounds are exclusive ids; zero = unbounded.
struct ListQuery {
  Id max_id;
  Id since_id;
  Id min_id;       // when set, the page closest to min_id (walked upwards, returned newest first)
  size_t limit = 20;
};

// Told about each post once it is stored (feeds fan it out, search indexes it), and once it is
// deleted. Called on the writing thread, after the store has the change.
class PostListener {
 public:
  virtual ~PostListener() = default;
  virtual void post_created(const Post& post) = 0;
  // After its author edited `before` into `after` (same id; text, tags, mentions or photos may
  // differ). Every edit goes through here, so an index of post text re-indexes here.
  virtual void post_edited(const Post& before, const Post& after) {
    (void)before;
    (void)after;
  }
  // `post` as it was; its record is gone. Reblogs undone are told too (a reblog is a post).
  virtual void post_removed(const Post& post) { (void)post; }
  // `reply` was held back for review, hidden by its parent's author, or shown again: its parent's
  // visible replies count moved.
  virtual void reply_hold_changed(const Post& reply) { (void)reply; }
};

// Decides, as a reply is written, whether it is held for its parent's author to review
// (CommentHoldService). Called for replies to someone else's post only.
class ReplyScreen {
 public:
  virtual ~ReplyScreen() = default;
  // Why `reply` (not yet stored; its text, mentions and author set) to `parent` is held, or kNone.
  virtual Result<CommentHold> screen(const Post& parent, const Post& reply) const = 0;
};

// The store node whose kTagStatuses edges list the posts using `tag` (lower-cased): the first
// 64 bits of its BLAKE2b hash (hash_node).
Id tag_node(std::string_view tag);
// The store node whose kAccountTagStatuses edges list `account`'s public and unlisted posts using
// `tag` (lower-cased), for featured tags' counts: a hash of both.
Id account_tag_node(Id account, std::string_view tag);

// Posts and comments (a comment is a reply): create, read as a viewer may see them, delete,
// and read a thread. Thread-safe: holds nothing mutable besides the store.
class PostService {
 public:
  PostService(Deps deps, const AccountService& accounts, MediaService& media)
      : deps_(deps), accounts_(accounts), media_(media), cache_(deps.config.post_cache_entries) {}

  // Creates a post by `author`, attaching its photos. With an idempotency key already used by
  // this author, returns the post created then. Errors: InvalidArgument (blank text without
  // photos, over-long text, bad language, media that are not the author's own unattached ready
  // uploads, more than 4, a poll make_poll() refuses, a poll with photos); NotFound if replying
  // to a post `author` may not see;
  // PermissionDenied if the post's (or its thread's) comment controls exclude `author`
  // (social/care/comment_controls.h).
  Result<PostView> create(const Account& author, const NewPost& in);

  // Edits the viewer's own post as `in` says and returns it as they now see it. The first edit
  // keeps the original as the first version of its history, and each edit adds one; its likes,
  // comments, reblogs and counts stay; its hashtag and photo lists, mentions (newly mentioned
  // accounts are told) and hold follow the new text; its rebloggers get an "update"
  // notification, as Mastodon sends. An edit that changes nothing writes nothing and returns the
  // post as it is. Its poll stays as it is (votes included). Errors: NotFound if absent, not
  // visible or not the viewer's own (or a reblog); InvalidArgument as create()'s checks, for bad
  // alt text or focus, for a poll other than the one it has (its options or kind changed, or a
  // poll added), and for photos on a post with a poll (nothing changes then).
  Result<PostView> edit(const Viewer& viewer, Id id, const PostEdit& in);
  // The post's versions, oldest first: the original and each edit, or the post as it is when it
  // was never edited (as Mastodon answers). Errors: NotFound if absent or not visible to `viewer`.
  Result<std::vector<PostVersionView>> history(const Viewer& viewer, Id id) const;

  // The post as `viewer` sees it. Errors: NotFound if absent or not visible to `viewer`.
  Result<PostView> get(const Viewer& viewer, Id id) const;
  // Visible posts among `ids`, in order; missing or invisible ones are skipped.
  Result<std::vector<PostView>> get_many(const Viewer& viewer, const std::vector<Id>& ids) const;
  // The stored post if `viewer` may see it (no counts). For a reblog only the reblog itself is
  // checked; views check its original too. Errors: NotFound.
  Result<Post> get_visible_post(const Viewer& viewer, Id id) const;
  // The id of what a like or bookmark of `post` acts on, as in Mastodon: `post` itself, or the
  // original of a reblog. Errors: NotFound if that original is gone or not visible to `viewer`.
  Result<Id> action_target(const Viewer& viewer, const Post& post) const;

  // Deletes the author's own post and returns it as it was, with its source text. Its photos go
  // too, and their files unless something else uses them, and so do its reblogs. Deleting one's
  // own reblog undoes it. Errors: NotFound if absent or not the viewer's own.
  Result<PostView> remove(const Viewer& viewer, Id id);
  // Deletes `comment_id`, a direct reply to the viewer's own post `post_id`, exactly as its
  // writer deleting it would (remove()), and returns it as it was. Works whether or not the
  // viewer may still see the reply (one they blocked, say). Errors: NotFound if either is absent,
  // the post is not the viewer's, or the comment is not a direct reply to it.
  Result<PostView> remove_comment(const Viewer& viewer, Id post_id, Id comment_id);

  // Writes the viewer's reblog of `original` with `visibility` and returns it, or returns the
  // reblog they made already (idempotent). The rules of who may reblog what are the caller's
  // (ReblogService). REQUIRES: viewer.signed_in(); `original` is stored, visible to the viewer
  // and not itself a reblog.
  Result<PostView> add_reblog(const Viewer& viewer, const Post& original, Visibility visibility);
  // The id of `account`'s current reblog of `post_id`, or none.
  Result<Id> reblog_by(Id account, Id post_id) const;

  // The thread around a post, bounded by the configured limits: the ancestors and descendants
  // `viewer` may see (one they may not see is left out, not the visible ones beyond it, as in
  // Mastodon). Errors: NotFound if the post is absent or not visible to `viewer`.
  Result<ContextView> context(const Viewer& viewer, Id id) const;

  // Changes a stored post after posting (comment controls, holds): loads it fresh, lets `change`
  // edit it, and writes it with the writes `change` added to the batch, atomically; the cache is
  // refreshed. Changes of one post are serialised. Returns the post as written.
  // Errors: NotFound if absent or deleted; whatever `change` returns (nothing is written then).
  // `change` must keep the id, author, reply and reblog fields.
  Result<Post> update(Id id, const std::function<Status(Post&, store::Batch&)>& change);

  // Conversation mutes (Mastodon's POST /api/v1/statuses/:id/mute): the viewer is told nothing
  // more about the thread `id` is part of (no mention by a reply in it, no reblog of a post in
  // it). Kept as the thread's root (found through the replies' parents; a reply whose chain of
  // parents was cut by a deletion no longer reaches it). Idempotent; returns the post as the
  // viewer sees it. Errors: NotFound if absent or not visible to the viewer.
  Result<PostView> mute_conversation(const Viewer& viewer, Id id);
  Result<PostView> unmute_conversation(const Viewer& viewer, Id id);
  // For each of `accounts`, whether it muted the thread `post` belongs to (`post` itself need
  // not be stored yet). One count from memory per account that never muted a thread.
  Result<std::vector<bool>> thread_muted_by(const Post& post, const std::vector<Id>& accounts) const;

  // Leaves out of `views` the posts by accounts `viewer` mutes (their own aside), as Mastodon's
  // StatusFilter does in threads. For the many who mute nobody, one count from memory.
  Status drop_muted(const Viewer& viewer, std::vector<PostView>& views) const;

  // Whether the photo file `blob` may be kept by shared caches: it is an avatar or a header, or
  // a photo of a post anyone signed out may see. Photos of private and direct posts, and uploads
  // not yet posted, are not (their files are served with Cache-Control: private).
  Result<bool> file_is_public(std::string_view blob) const;

  // The accounts the posts' authors are (moderation marks: AccountService::silenced...).
  const AccountService& accounts() const { return accounts_; }

  bool can_see(const Viewer& viewer, const Post& post) const;
  // can_see for each post, with the relationship lookups of all of them batched.
  Result<std::vector<bool>> visible(const Viewer& viewer, const std::vector<const Post*>& posts) const;
  // The stored posts among `ids` that `viewer` may see, in order; missing and deleted ones and
  // those hidden from the viewer are skipped.
  Result<std::vector<Post>> visible_posts(const Viewer& viewer, const std::vector<Id>& ids) const;
  // Stored posts among `ids`, in order, skipping missing and deleted ones, with no visibility
  // check: for callers that decide who sees them (the review of held replies).
  Result<std::vector<Post>> stored_posts(const std::vector<Id>& ids) const { return load_many(ids); }
  // Views of `posts` (whose visibility the caller checked), in order, with authors, counts,
  // viewer flags, mentions and photos of all of them read in a few batches.
  Result<std::vector<PostView>> views_of(const Viewer& viewer, std::vector<Post> posts) const;
  // Set once at start-up, before serving: the one listener (null: none). Not owned.
  void set_listener(PostListener* listener) {
    listeners_.clear();
    if (listener) listeners_.push_back(listener);
  }
  // Adds another listener, told after those set before. Start-up only. Not owned.
  void add_listener(PostListener* listener) { listeners_.push_back(listener); }
  // Set once at start-up, before serving: holds replies. Not owned; may be null (none held).
  void set_reply_screen(const ReplyScreen* screen) { screen_ = screen; }
  // Set once at start-up, before serving: fills PostView::support. Not owned; may be null.
  void set_support(const SupportService* support) { support_ = support; }
  // Set once at start-up, before serving: fills PostView::filtered. Not owned; may be null.
  void set_filters(const FilterService* filters) { filters_ = filters; }
  // Set once at start-up, before serving: the recipients' notification policies, which the
  // services writing notifications (posts, reblogs, likes, held comments) consult. Not owned;
  // may be null (every notification accepted).
  void set_notification_gate(const NotificationGate* gate) { gate_ = gate; }
  const NotificationGate* notification_gate() const { return gate_; }
  // The post as `viewer` sees it, with counts and flags; a reblog carries its original's view.
  // REQUIRES: `viewer` may see `post`. Errors: NotFound for a reblog whose original is deleted,
  // not visible to `viewer`, or whose reblog was undone.
  Result<PostView> view_of(const Viewer& viewer, Post post) const;

 private:
  // visible() before the authors' moderation marks: visibility, holds and blocks.
  Result<std::vector<bool>> visible_by_rules(const Viewer& viewer,
                                             const std::vector<const Post*>& posts) const;
  // Appends the replies under `node` that `viewer` may see, depth first, walking at most the
  // configured number of replies (`walked` counts them, hidden ones included).
  void collect_descendants(const Viewer& viewer, const Post& node, Id thread_author, size_t depth,
                           size_t& walked, std::vector<Post>& out) const;

  // For each current reblog among `posts` whose original `viewer` may see: the original's view,
  // by the reblog's id. (Originals are never reblogs themselves.)
  Result<std::unordered_map<Id, std::shared_ptr<const PostView>>> reblogged_originals(
      const Viewer& viewer, const std::vector<Post>& posts) const;
  // remove() and remove_comment() once they have checked who may delete `post`.
  // REQUIRES: the update lock of post.id is held.
  Result<PostView> remove_checked(const Viewer& viewer, const Post& post);
  // `post`'s id and its ancestors', the root last (at most 1,000 steps up).
  Result<std::vector<Id>> thread_chain(const Post& post) const;
  // thread_chain of the post `id` (of the original, for a reblog) if `viewer` may see it.
  // Errors: NotFound.
  Result<std::vector<Id>> visible_thread_chain(const Viewer& viewer, Id id) const;
  // Deletes, in bounded batches, the reblogs of a post just deleted.
  Status remove_reblogs_of(const Post& original);
  // The stored versions of `post_id` (none if never edited), oldest first, at most `limit`.
  Result<std::vector<PostVersion>> versions_of(Id post_id, size_t limit) const;
  // The photos of every stored version of `post_id` (those an edit took off among them).
  Result<std::vector<Id>> version_media(Id post_id) const;
  // Whether `in` may edit `post` as far as polls go (edit()'s poll rules).
  Status check_poll_edit(const Post& post, const PostEdit& in) const;
  // Deletes the stored versions of a post just deleted, in bounded batches.
  Status remove_versions(Id post_id);
  // After an edit: tells the accounts that reblogged `post` (Mastodon's "update"), in bounded
  // batches.
  Status notify_rebloggers_of_edit(const Post& post);

  // The stored post by id through the cache. Errors: NotFound (also for deleted posts).
  Result<std::shared_ptr<const Post>> load(Id id) const;
  // Stored posts among `ids`, in order, skipping missing ones, through the cache.
  Result<std::vector<Post>> load_many(const std::vector<Id>& ids) const;

  Deps deps_;
  const AccountService& accounts_;
  MediaService& media_;
  std::vector<PostListener*> listeners_;
  const SupportService* support_ = nullptr;
  const ReplyScreen* screen_ = nullptr;
  const FilterService* filters_ = nullptr;
  const NotificationGate* gate_ = nullptr;
  // Decoded posts. A post changes only through update(), which refreshes its entry; deletion
  // leaves a tombstone.
  mutable RecordCache<Id, Post> cache_;
  std::array<std::mutex, 64> update_locks_;
};

// Converts a ListQuery to a store range query; `reverse` is set when the result must be reversed
// to come out newest first (min_id paging walks upwards).
store::RangeQuery to_range_query(const ListQuery& q, bool& reverse);

// A page of the accounts along `from`'s `type` list (favourited_by, reblogged_by), newest first,
// read in one batch; accounts that no longer exist are skipped, positions stay aligned.
Result<Page<AccountView>> accounts_along(const store::Store& store, const AccountService& accounts,
                                         Id from, store::AssocType type, const ListQuery& q);

}  // namespace kindred::social
