#include "social/posts/posts.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>


#include "social/care/filters.h"
#include "social/care/comment_controls.h"
#include "social/graph/notifications.h"
#include "social/graph/relationships.h"
#include "social/care/support.h"
#include "social/posts/live_counts.h"
#include "social/identity/account_names.h"
#include "social/model/text.h"
#include "social/posts/polls.h"
#include "social/posts/post_rules.h"
#include "social/posts/tag_names.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

namespace {

// "en", "pt-BR" -> "pt" (Mastodon keeps the ISO 639 language and drops the region).
std::string normalise_language(std::string_view lang) {
  std::string out(lang.substr(0, lang.find_first_of("-_")));
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool valid_language(std::string_view lang) {
  return lang.empty() || ((lang.size() == 2 || lang.size() == 3) &&
                          std::all_of(lang.begin(), lang.end(), [](unsigned char c) {
                            return std::islower(c);
                          }));
}

}  // namespace

Result<std::string> post_language(std::string_view lang) {
  std::string language = normalise_language(lang);
  if (!valid_language(language) || (language.empty() && !lang.empty()))
    return Status::invalid_argument("Validation failed: Language is not a valid ISO 639 code");
  return language;
}

Status check_post_text(const SocialConfig& config, std::string_view text,
                       std::string_view spoiler_text, bool has_media) {
  const bool blank = std::all_of(text.begin(), text.end(),
                                 [](unsigned char c) { return std::isspace(c); });
  if (blank && !has_media) return Status::invalid_argument("Validation failed: Text can't be blank");
  const size_t chars = count_status_chars(text) + count_status_chars(spoiler_text);
  if (chars > config.max_status_chars ||
      text.size() + spoiler_text.size() > max_text_bytes(config.max_status_chars))
    return Status::invalid_argument("Validation failed: Text character limit of " +
                                    std::to_string(config.max_status_chars) + " exceeded");
  return Status::ok();
}

void render_post(Post& post, const AccountService& accounts, const SocialConfig& config) {
  RenderedText rendered = render_text(
      post.text, config.base_url, config.domain,
      [&accounts](std::string_view username) -> std::optional<MentionTarget> {
        auto a = accounts.lookup(username);
        if (!a.has_value()) return std::nullopt;
        return MentionTarget{a->id, a->username};
      });
  post.content_html = std::move(rendered.html);
  post.mention_ids = std::move(rendered.mention_ids);
  post.tags = std::move(rendered.tags);
  if (!post.in_reply_to_account_id.is_none() && post.in_reply_to_account_id != post.account_id &&
      std::find(post.mention_ids.begin(), post.mention_ids.end(), post.in_reply_to_account_id) ==
          post.mention_ids.end())
    post.mention_ids.push_back(post.in_reply_to_account_id);
}

Id tag_node(std::string_view tag) { return hash_node(tag); }

Id account_tag_node(Id account, std::string_view tag) {
  return tag_node(account.to_string() + ":" + std::string(tag));
}

namespace {

// Deletes the post's record and takes it off every list it is on. Its likes and reblogs, and
// the reblogger's edge of a reblog, are the caller's.
void add_post_removal(store::Batch& b, const Post& post) {
  b.delete_object(ObjectType::kStatus, post.id);
  b.remove_assoc(post.account_id, AssocType::kAuthored, post.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kInstanceStatuses, post.id);
  if (!post.in_reply_to_id.is_none()) {
    b.remove_assoc(post.in_reply_to_id, AssocType::kReplies, post.id);
    b.remove_assoc(post.in_reply_to_id, AssocType::kSelfReplies, post.id);
    b.remove_assoc(post.in_reply_to_id, AssocType::kCommentPins, post.id);
    if (post.hold != CommentHold::kNone) {
      b.remove_assoc(post.in_reply_to_id, AssocType::kHeldReplies, post.id);
      b.remove_assoc(post.in_reply_to_account_id, AssocType::kHeldComments, post.id);
    }
  }
  for_each_index(post, [&](Id from, AssocType type) { b.remove_assoc(from, type, post.id); });
  b.remove_assoc(post.account_id, AssocType::kPinned, post.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kPendingFanout, post.id);
  if (!post.poll_id.is_none()) {  // its votes' edges stay, unread
    b.delete_object(ObjectType::kPoll, post.poll_id);
    b.remove_assoc(store::kInstanceNode, AssocType::kPollsDue, post.poll_id);
  }
}

}  // namespace

store::RangeQuery to_range_query(const ListQuery& q, bool& reverse) {
  store::RangeQuery r;
  r.limit = q.limit;
  r.max_position = q.max_id;
  reverse = false;
  if (!q.min_id.is_none()) {
    r.min_position = q.min_id;
    r.oldest_first = true;
    reverse = true;
  } else {
    r.min_position = q.since_id;
  }
  return r;
}

Result<Page<AccountView>> accounts_along(const store::Store& store, const AccountService& accounts,
                                         Id from, AssocType type, const ListQuery& lq) {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, store.assoc_range(from, type, to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  for (const auto& a : range.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto views, accounts.views(ids));
  Page<AccountView> page;
  // Keep positions aligned with accounts that still exist.
  size_t j = 0;
  for (auto& v : views) {
    while (j < range.items.size() && range.items[j].to != v.account.id) ++j;
    page.positions.push_back(j < range.items.size() ? range.items[j].position : Id());
    page.items.push_back(std::move(v));
  }
  return page;
}

Result<std::vector<bool>> PostService::visible(const Viewer& viewer,
                                               const std::vector<const Post*>& posts) const {
  KINDRED_ASSIGN_OR_RETURN(auto out, visible_by_rules(viewer, posts));
  // A suspended or deleted account's posts are gone for everyone (one atomic load when no
  // account is hidden).
  if (accounts_.any_hidden())
    for (size_t i = 0; i < posts.size(); ++i)
      if (out[i] && accounts_.hidden(posts[i]->account_id)) out[i] = false;
  return out;
}

Result<std::vector<bool>> PostService::visible_by_rules(const Viewer& viewer,
                                                        const std::vector<const Post*>& posts) const {
  std::vector<bool> out(posts.size(), false);
  if (!viewer.signed_in()) {
    for (size_t i = 0; i < posts.size(); ++i)
      out[i] = posts[i]->hold == CommentHold::kNone &&
               (posts[i]->visibility == Visibility::kPublic ||
                posts[i]->visibility == Visibility::kUnlisted);
    return out;
  }
  const Id me = viewer.account_id;
  // Authors other than the viewer: are they blocked either way? (Skipped for the many viewers
  // with no block at all.) And, for followers-only posts, does the viewer follow them?
  std::vector<Id> others, followers_only;
  for (const Post* p : posts) {
    if (p->account_id == me || p->hold != CommentHold::kNone) continue;
    if (std::find(others.begin(), others.end(), p->account_id) == others.end())
      others.push_back(p->account_id);
    if (p->visibility == Visibility::kPrivate &&
        std::find(p->mention_ids.begin(), p->mention_ids.end(), me) == p->mention_ids.end() &&
        std::find(followers_only.begin(), followers_only.end(), p->account_id) == followers_only.end())
      followers_only.push_back(p->account_id);
  }
  auto in = [](const std::vector<Id>& ids, const std::vector<bool>& hits, Id id) {
    for (size_t i = 0; i < ids.size(); ++i)
      if (ids[i] == id) return static_cast<bool>(hits[i]);
    return false;
  };
  std::vector<bool> blocked_by, blocks, follows;
  const auto flags = accounts_.viewer_flags(me);
  if (!others.empty() && (!flags || flags->any_blocks)) {
    KINDRED_ASSIGN_OR_RETURN(blocked_by, deps_.store.assocs_exist(me, AssocType::kBlockedBy, others));
    KINDRED_ASSIGN_OR_RETURN(blocks, deps_.store.assocs_exist(me, AssocType::kBlocks, others));
  }
  if (!followers_only.empty()) {
    KINDRED_ASSIGN_OR_RETURN(follows, deps_.store.assocs_exist(me, AssocType::kFollows, followers_only));
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    const Post& post = *posts[i];
    if (post.account_id == me) {
      out[i] = true;
      continue;
    }
    // A held reply shows to its writer only (its parent's author reviews it elsewhere).
    if (post.hold != CommentHold::kNone) continue;
    // Neither a blocked account nor one that blocks the author sees the author's posts.
    if (!blocked_by.empty() && (in(others, blocked_by, post.account_id) || in(others, blocks, post.account_id)))
      continue;
    if (post.visibility == Visibility::kPublic || post.visibility == Visibility::kUnlisted) {
      out[i] = true;
    } else if (std::find(post.mention_ids.begin(), post.mention_ids.end(), me) != post.mention_ids.end()) {
      out[i] = true;
    } else if (post.visibility == Visibility::kPrivate) {
      out[i] = in(followers_only, follows, post.account_id);
    }
  }
  return out;
}

Result<bool> PostService::file_is_public(std::string_view blob) const {
  // A file shared by many (the same photo posted again) needs one public use; twenty looked at
  // are plenty, and bound the work of one request.
  KINDRED_ASSIGN_OR_RETURN(auto users, media_.file_users(blob, 20));
  auto found = media_.load_many(users);
  if (!found.has_value()) return found.error();
  for (Id user : users) {
    auto m = std::find_if(found->begin(), found->end(), [&](const Media& x) { return x.id == user; });
    if (m == found->end()) return true;  // not a photo: an account's avatar or header
    if (m->status_id.is_none()) continue;
    auto post = get_visible_post(Viewer{}, m->status_id);
    if (post.has_value()) return true;
    if (!post.error().is_not_found()) return post.error();
  }
  return false;
}

bool PostService::can_see(const Viewer& viewer, const Post& post) const {
  auto seen = visible(viewer, {&post});
  return seen.has_value() && seen->front();
}

Result<std::vector<Post>> PostService::visible_posts(const Viewer& viewer,
                                                     const std::vector<Id>& ids) const {
  KINDRED_ASSIGN_OR_RETURN(auto posts, load_many(ids));
  std::vector<const Post*> ptrs;
  ptrs.reserve(posts.size());
  for (const auto& p : posts) ptrs.push_back(&p);
  KINDRED_ASSIGN_OR_RETURN(auto seen, visible(viewer, ptrs));
  std::vector<Post> out;
  out.reserve(posts.size());
  for (size_t i = 0; i < posts.size(); ++i)
    if (seen[i]) out.push_back(std::move(posts[i]));
  return out;
}

Result<std::shared_ptr<const Post>> PostService::load(Id id) const {
  if (auto cached = cache_.find(id)) {
    if (!*cached) return Status::not_found("Record not found");
    return *cached;
  }
  auto bytes = deps_.store.get_object(ObjectType::kStatus, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Post post, Post::decode(*bytes));
  auto shared = std::make_shared<const Post>(std::move(post));
  cache_.insert_if_absent(id, shared);
  return shared;
}

Result<std::vector<Post>> PostService::load_many(const std::vector<Id>& ids) const {
  return load_records(cache_, deps_.store, ObjectType::kStatus, ids, [](const Post&) { return true; });
}

Result<Post> PostService::update(Id id, const std::function<Status(Post&, store::Batch&)>& change) {
  std::lock_guard lock(update_locks_[id.value % update_locks_.size()]);
  auto bytes = deps_.store.get_object(ObjectType::kStatus, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Post post, Post::decode(*bytes));
  const Post before = post;
  store::Batch b;
  KINDRED_RETURN_IF_ERROR(change(post, b));
  if (post.id != before.id || post.account_id != before.account_id ||
      post.in_reply_to_id != before.in_reply_to_id || post.reblog_of_id != before.reblog_of_id)
    return Status::internal("a post update changed the post's identity");
  b.put_object(ObjectType::kStatus, post.id, post.encode());
  KINDRED_ASSIGN_OR_RETURN(auto applied, deps_.store.apply(b));
  (void)applied;
  cache_.put(id, std::make_shared<const Post>(post));
  if (post.hold != before.hold)
    for (PostListener* l : listeners_) l->reply_hold_changed(post);
  return post;
}

Result<Post> PostService::get_visible_post(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(auto post, load(id));
  // A store that cannot answer (a failover) is Unavailable, never "not found": a client must
  // not take a passing failure for a final answer.
  KINDRED_ASSIGN_OR_RETURN(auto seen, visible(viewer, {post.get()}));
  if (!seen.front()) return Status::not_found("Record not found");
  return *post;
}

Result<Id> PostService::action_target(const Viewer& viewer, const Post& post) const {
  if (!post.is_reblog()) return post.id;
  KINDRED_RETURN_IF_ERROR(get_visible_post(viewer, post.reblog_of_id).status());
  return post.reblog_of_id;
}

Result<std::unordered_map<Id, std::shared_ptr<const PostView>>> PostService::reblogged_originals(
    const Viewer& viewer, const std::vector<Post>& posts) const {
  std::unordered_map<Id, std::shared_ptr<const PostView>> out;
  std::vector<Id> original_ids;
  for (const auto& p : posts)
    if (p.is_reblog() && std::find(original_ids.begin(), original_ids.end(), p.reblog_of_id) == original_ids.end())
      original_ids.push_back(p.reblog_of_id);
  if (original_ids.empty()) return out;
  KINDRED_ASSIGN_OR_RETURN(auto originals, visible_posts(viewer, original_ids));
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(viewer, std::move(originals)));
  for (const auto& p : posts) {
    if (!p.is_reblog()) continue;
    auto v = std::find_if(views.begin(), views.end(),
                          [&](const PostView& o) { return o.post.id == p.reblog_of_id; });
    if (v == views.end()) continue;
    // Only the reblog its author's edge names is current (an undone one, or the loser of two
    // racing requests, may be read for a moment before it is deleted).
    KINDRED_ASSIGN_OR_RETURN(Id current, reblog_by(p.account_id, p.reblog_of_id));
    if (current != p.id) continue;
    out.emplace(p.id, std::make_shared<const PostView>(*v));
  }
  return out;
}

Result<PostView> PostService::view_of(const Viewer& viewer, Post post) const {
  std::vector<Post> one;
  one.push_back(std::move(post));
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(viewer, std::move(one)));
  if (views.empty()) return Status::not_found("Record not found");
  return std::move(views.front());
}

Result<std::vector<PostView>> PostService::views_of(const Viewer& viewer,
                                                    std::vector<Post> posts) const {
  // Everything a page shows is read in a few batches (MultiGets), never one read per post:
  // authors with their counts, the posts' counts, the viewer's flags, mentions and photos.
  // Reblogs whose original is gone, hidden from the viewer or undone are left out.
  KINDRED_ASSIGN_OR_RETURN(auto originals, reblogged_originals(viewer, posts));
  const size_t n = posts.size();
  const Id me = viewer.account_id;
  std::vector<Id> ids, authors, mentioned, media_ids, own;
  ids.reserve(n);
  for (auto& p : posts) {
    // A moderator marked the author's photos sensitive (Mastodon's "sensitive" action).
    if (!p.sensitive && !p.media_ids.empty() && accounts_.sensitized(p.account_id)) p.sensitive = true;
    ids.push_back(p.id);
    if (std::find(authors.begin(), authors.end(), p.account_id) == authors.end())
      authors.push_back(p.account_id);
    for (Id m : p.mention_ids)
      if (std::find(mentioned.begin(), mentioned.end(), m) == mentioned.end()) mentioned.push_back(m);
    media_ids.insert(media_ids.end(), p.media_ids.begin(), p.media_ids.end());
    if (viewer.signed_in() && p.account_id == me) own.push_back(p.id);
  }
  // Hidden authors included: who may see the posts is the caller's check (moderators see them).
  KINDRED_ASSIGN_OR_RETURN(auto author_views, accounts_.views_with_hidden(authors));
  KINDRED_ASSIGN_OR_RETURN(auto counts, read_post_counts(deps_.store, ids));
  std::vector<const Post*> post_ptrs;
  for (const auto& p : posts) post_ptrs.push_back(&p);
  KINDRED_ASSIGN_OR_RETURN(
      auto can_reply, may_reply_in_threads(
                          deps_.store, viewer, post_ptrs,
                          [this](const std::vector<Id>& parents) { return load_many(parents); },
                          deps_.config.context_ancestors_limit));
  std::vector<bool> favourited, bookmarked, pinned;
  bool any_thread_mutes = false;
  if (viewer.signed_in()) {
    // Only a post somebody liked can be one the viewer liked: most replies have no likes, and
    // their counts are read already.
    std::vector<Id> liked;
    for (size_t i = 0; i < n; ++i)
      if (counts[i].favourites > 0) liked.push_back(ids[i]);
    favourited.assign(n, false);
    if (!liked.empty()) {
      KINDRED_ASSIGN_OR_RETURN(auto edges,
                               deps_.store.assocs_exist(me, AssocType::kFavourites, liked));
      for (size_t i = 0, j = 0; i < n; ++i)
        if (counts[i].favourites > 0) favourited[i] = edges[j++];
    }
    const auto flags = accounts_.viewer_flags(me);
    any_thread_mutes = !flags || flags->any_thread_mutes;
    if (!flags || flags->any_bookmarks) {
      KINDRED_ASSIGN_OR_RETURN(bookmarked, deps_.store.assocs_exist(me, AssocType::kBookmarks, ids));
    }
    if (!own.empty()) {
      KINDRED_ASSIGN_OR_RETURN(pinned, deps_.store.assocs_exist(me, AssocType::kPinned, own));
    }
  }
  // Pinned comments: per parent, a count first (most posts pin none), then one batch.
  std::vector<bool> comment_pinned(n, false);
  for (size_t i = 0; i < n; ++i) {
    const Id parent = posts[i].in_reply_to_id;
    if (parent.is_none() ||
        std::any_of(posts.begin(), posts.begin() + static_cast<std::ptrdiff_t>(i),
                    [&](const Post& p) { return p.in_reply_to_id == parent; }))
      continue;  // not a reply, or its parent's pins are asked about already
    KINDRED_ASSIGN_OR_RETURN(int64_t pins,
                             deps_.store.assoc_count(parent, AssocType::kCommentPins));
    if (pins == 0) continue;
    std::vector<size_t> at;
    std::vector<Id> replies;
    for (size_t j = i; j < n; ++j)
      if (posts[j].in_reply_to_id == parent) {
        at.push_back(j);
        replies.push_back(posts[j].id);
      }
    KINDRED_ASSIGN_OR_RETURN(auto pinned_edges,
                             deps_.store.assocs_exist(parent, AssocType::kCommentPins, replies));
    for (size_t k = 0; k < at.size(); ++k) comment_pinned[at[k]] = pinned_edges[k];
  }
  std::vector<std::optional<std::string>> mention_blobs;
  if (!mentioned.empty()) {
    KINDRED_ASSIGN_OR_RETURN(mention_blobs, deps_.store.get_objects(ObjectType::kAccount, mentioned));
  }
  std::vector<MentionView> mention_views;
  for (auto& blob : mention_blobs) {
    if (!blob) continue;
    KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*blob));
    mention_views.push_back({a.id, a.username});
  }
  std::vector<Media> media;
  if (!media_ids.empty()) {
    KINDRED_ASSIGN_OR_RETURN(media, media_.load_many(media_ids));
  }
  std::vector<Id> poll_ids;
  for (const auto& p : posts)
    if (!p.poll_id.is_none()) poll_ids.push_back(p.poll_id);
  KINDRED_ASSIGN_OR_RETURN(auto polls, poll_views(deps_.store, viewer, poll_ids, deps_.clock.now_ms()));

  std::vector<PostView> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Post& post = posts[i];
    // Built in place (a PostView is large: moving it copies every small string's buffer).
    PostView& v = out.emplace_back();
    auto author = std::find_if(author_views.begin(), author_views.end(),
                               [&](const AccountView& a) { return a.account.id == post.account_id; });
    if (author == author_views.end()) return Status::not_found("Record not found");
    // The last post by an author takes its view; earlier ones copy it.
    const bool last_of_author = std::none_of(posts.begin() + static_cast<std::ptrdiff_t>(i) + 1, posts.end(),
                                             [&](const Post& p) { return p.account_id == post.account_id; });
    if (last_of_author) {
      v.author = std::move(*author);
    } else {
      v.author = *author;
    }
    v.replies_count = counts[i].replies;
    v.favourites_count = counts[i].favourites;
    v.reblogs_count = counts[i].reblogs;
    v.viewer_signed_in = viewer.signed_in();
    if (viewer.signed_in() && v.reblogs_count > 0) {  // most posts are never reblogged: skip the read
      KINDRED_ASSIGN_OR_RETURN(
          v.reblogged, deps_.store.assoc_exists(post.id, AssocType::kRebloggedBy, me));
    }
    v.comment_pinned = comment_pinned[i];
    v.viewer_is_author = viewer.signed_in() && post.account_id == me;
    v.can_reply = can_reply[i];
    if (post.hide_favourites_count && !v.viewer_is_author) v.favourites_count = 0;
    if (viewer.signed_in()) {
      v.favourited = favourited[i];
      v.bookmarked = !bookmarked.empty() && bookmarked[i];
      if (any_thread_mutes) {
        KINDRED_ASSIGN_OR_RETURN(auto muted, thread_muted_by(post, {me}));
        v.muted = muted[0];
      }
    }
    if (v.viewer_is_author) {
      auto at = std::find(own.begin(), own.end(), post.id) - own.begin();
      v.pinned = pinned[static_cast<size_t>(at)];
      if (!post.app_id.is_none()) {
        auto bytes = deps_.store.get_object(ObjectType::kApp, post.app_id);
        if (bytes.has_value()) {
          auto app = App::decode(*bytes);
          if (app.has_value()) v.app = std::move(*app);
        }
      }
    }
    for (Id m : post.mention_ids)
      for (const auto& mv : mention_views)
        if (mv.id == m) v.mentions.push_back(mv);
    for (Id m : post.media_ids)
      for (const auto& md : media)
        if (md.id == m) v.media.push_back(md);
    if (post.is_reblog()) {
      auto original = originals.find(post.id);
      if (original == originals.end()) {  // gone, hidden or undone
        out.pop_back();
        continue;
      }
      v.reblog = original->second;
      // As Mastodon answers a reblog: its own counts, the viewer's flags of the original (likes
      // and bookmarks of a reblog go to the original, so it has none of its own).
      v.reblogged = v.reblog->reblogged;
      v.favourited = v.reblog->favourited;
      v.bookmarked = v.reblog->bookmarked;
      v.can_reply = v.reblog->can_reply;  // a reply to a reblog is judged by its original
    }
    if (support_) v.support = support_->card_for(viewer, post);
    if (!post.poll_id.is_none())
      v.poll = polls[static_cast<size_t>(std::find(poll_ids.begin(), poll_ids.end(), post.poll_id) - poll_ids.begin())];
    v.post = std::move(post);
  }
  if (filters_ && viewer.signed_in()) KINDRED_RETURN_IF_ERROR(filters_->annotate(me, out));
  return out;
}

Result<PostView> PostService::get(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  return view_of(viewer, std::move(post));
}

Result<std::vector<PostView>> PostService::get_many(const Viewer& viewer,
                                                    const std::vector<Id>& ids) const {
  KINDRED_ASSIGN_OR_RETURN(auto posts, visible_posts(viewer, ids));
  return views_of(viewer, std::move(posts));
}

Result<PostView> PostService::create(const Account& author, const NewPost& in) {
  const Viewer viewer{author.id};
  std::string idem_key;
  if (!in.idempotency_key.empty()) {
    if (in.idempotency_key.size() > 200)
      return Status::invalid_argument("Idempotency-Key is too long (maximum is 200 characters)");
    idem_key = author.id.to_string() + ":" + in.idempotency_key;
    auto existing = deps_.store.lookup_key(KeyspaceType::kIdempotency, idem_key);
    if (existing.has_value()) return get(viewer, *existing);
  }

  std::optional<Poll> poll;
  if (in.poll) {
    // As Mastodon's PostStatusService#validate_media!, in its words.
    if (!in.media_ids.empty()) return Status::invalid_argument("Cannot attach more than 4 files");
    KINDRED_ASSIGN_OR_RETURN(poll, make_poll(*in.poll, deps_.clock.now_ms()));
  }
  KINDRED_RETURN_IF_ERROR(check_post_text(deps_.config, in.text, in.spoiler_text, !in.media_ids.empty()));
  KINDRED_ASSIGN_OR_RETURN(const std::string language, post_language(in.language));

  Post post;
  Post parent;
  if (!in.in_reply_to_id.is_none()) {
    KINDRED_ASSIGN_OR_RETURN(parent, get_visible_post(viewer, in.in_reply_to_id));
    KINDRED_RETURN_IF_ERROR(check_reply(
        deps_.store, author.id, parent, [this](Id id) { return load(id); },
        deps_.config.context_ancestors_limit));
    post.in_reply_to_id = parent.id;
    post.in_reply_to_account_id = parent.account_id;
  }
  post.account_id = author.id;
  post.text = in.text;
  post.sensitive = in.sensitive || !in.spoiler_text.empty();
  post.spoiler_text = in.spoiler_text;
  post.visibility = in.visibility.value_or(Visibility::kPublic);
  post.language = language;
  post.app_id = in.app_id;
  post.reply_policy = in.reply_policy;
  post.hide_favourites_count = in.hide_favourites_count;

  render_post(post, accounts_, deps_.config);

  // Held until the batch is applied, so the uploads cannot be attached twice or deleted meanwhile.
  KINDRED_ASSIGN_OR_RETURN(MediaService::Attachment attachment,
                           media_.prepare_attachment(author.id, in.media_ids, in.scheduled_id));
  post.media_ids = in.media_ids;

  if (screen_ && !post.in_reply_to_id.is_none() && parent.account_id != author.id) {
    KINDRED_ASSIGN_OR_RETURN(post.hold, screen_->screen(parent, post));
  }

  post.id = deps_.ids.next();
  post.created_at_ms = post.id.ms();
  store::Batch b;
  if (poll) {
    poll->id = deps_.ids.next();
    poll->status_id = post.id;
    poll->account_id = author.id;
    post.poll_id = poll->id;
    add_poll(b, *poll);
  }
  attachment.add_to(b, post.id);
  if (!idem_key.empty()) b.claim_key(KeyspaceType::kIdempotency, idem_key, post.id);
  b.put_object(ObjectType::kStatus, post.id, post.encode());
  b.add_assoc({author.id, AssocType::kAuthored, post.id, post.id, {}});
  b.add_assoc({store::kInstanceNode, AssocType::kInstanceStatuses, post.id, post.id, {}});
  if (!post.in_reply_to_id.is_none()) {
    b.add_assoc({post.in_reply_to_id, AssocType::kReplies, post.id, post.id, {}});
    if (post.in_reply_to_account_id == author.id)
      b.add_assoc({post.in_reply_to_id, AssocType::kSelfReplies, post.id, post.id, {}});
  }
  for_each_index(post, [&](Id from, AssocType type) { b.add_assoc({from, type, post.id, post.id, {}}); });
  add_tag_name_index(b, post);
  if (post.hold != CommentHold::kNone) {
    // Held for the parent's author to review; nobody is told about it meanwhile.
    b.add_assoc({post.in_reply_to_id, AssocType::kHeldReplies, post.id, post.id, {}});
    b.add_assoc({post.in_reply_to_account_id, AssocType::kHeldComments, post.id, post.id, {}});
  } else {
    // Nobody who muted the thread hears of it.
    KINDRED_ASSIGN_OR_RETURN(auto muted, thread_muted_by(post, post.mention_ids));
    for (size_t i = 0; i < post.mention_ids.size(); ++i)
      if (!muted[i])
        KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate_, post.mention_ids[i],
                                                 NotificationType::kMention, author.id, &post)
                                    .status());
  }
  // Durable until the followers' feeds have it, so a crash cannot lose the fan-out.
  b.add_assoc({store::kInstanceNode, AssocType::kPendingFanout, post.id, post.id, {}});
  auto applied = deps_.store.apply(b);
  if (!applied.has_value()) {
    if (applied.error().is_conflict() && !idem_key.empty()) {
      // The same request raced itself: answer with the one that won.
      KINDRED_ASSIGN_OR_RETURN(Id winner, deps_.store.lookup_key(KeyspaceType::kIdempotency, idem_key));
      return get(viewer, winner);
    }
    return applied.error();
  }
  media_.note_attached(attachment);
  accounts_.note_posted(author.id, post.created_at_ms);
  for (PostListener* l : listeners_) l->post_created(post);
  // A reply to a post deleted meanwhile would dangle; it still stands, as in Mastodon.
  return view_of(viewer, std::move(post));
}

Result<PostView> PostService::remove(const Viewer& viewer, Id id) {
  // Not while update() rewrites it, which would bring the record back.
  std::lock_guard lock(update_locks_[id.value % update_locks_.size()]);
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
  return remove_checked(viewer, post);
}

Result<PostView> PostService::remove_comment(const Viewer& viewer, Id post_id, Id comment_id) {
  std::lock_guard lock(update_locks_[comment_id.value % update_locks_.size()]);
  // Loaded without the visibility check: the post's author may remove a comment even from
  // someone they blocked since, whose posts they no longer see.
  KINDRED_ASSIGN_OR_RETURN(auto comment, load(comment_id));
  if (comment->in_reply_to_id != post_id || comment->in_reply_to_account_id != viewer.account_id)
    return Status::not_found("Record not found");
  KINDRED_ASSIGN_OR_RETURN(auto post, load(post_id));
  if (post->account_id != viewer.account_id) return Status::not_found("Record not found");
  return remove_checked(viewer, *comment);
}

Result<PostView> PostService::remove_checked(const Viewer& viewer, const Post& post) {
  auto viewed = view_of(viewer, post);
  if (!viewed.has_value()) {
    if (!post.is_reblog() || !viewed.error().is_not_found()) return viewed.error();
    // A reblog whose original is gone or hidden from its author can still be deleted.
    PostView bare;
    KINDRED_ASSIGN_OR_RETURN(bare.author, accounts_.view(post.account_id));
    bare.post = post;
    bare.viewer_signed_in = true;
    bare.viewer_is_author = true;
    viewed = std::move(bare);
  }
  PostView before = std::move(*viewed);

  KINDRED_RETURN_IF_ERROR(remove_record(post));
  // The post is gone for everyone now; take its likes off the likers' lists in bounded batches.
  KINDRED_RETURN_IF_ERROR(remove_likes(post.id, 1000, nullptr));
  if (!post.is_reblog()) KINDRED_RETURN_IF_ERROR(remove_reblogs_of(post));
  if (!post.is_reblog()) KINDRED_RETURN_IF_ERROR(remove_versions(post.id));
  before.favourited = false;
  if (post.is_reblog() && before.reblog) {
    // Undone: the original as its reblogger now sees it.
    auto original = std::make_shared<PostView>(*before.reblog);
    original->reblogged = false;
    original->reblogs_count = std::max<int64_t>(0, original->reblogs_count - 1);
    before.reblogged = false;
    before.reblog = std::move(original);
  }
  return before;
}

Status PostService::remove_record(const Post& post) {
  store::Batch b;
  add_post_removal(b, post);
  {
    // Its own comment pins (a handful: CommentService keeps at most three).
    store::RangeQuery pins;
    pins.limit = 64;
    KINDRED_ASSIGN_OR_RETURN(auto pinned, deps_.store.assoc_range(post.id, AssocType::kCommentPins, pins));
    for (const auto& a : pinned.items) b.remove_assoc(post.id, AssocType::kCommentPins, a.to);
  }
  if (post.is_reblog()) {
    // The edge goes only if it names this reblog, not a newer one of the same post.
    KINDRED_ASSIGN_OR_RETURN(Id current, reblog_by(post.account_id, post.reblog_of_id));
    if (current == post.id)
      b.remove_assoc(post.reblog_of_id, AssocType::kRebloggedBy, post.account_id);
  }
  // Followers' feed entries stay; feeds skip posts that no longer exist. Photos an edit took
  // off stayed attached for the history, and go with it.
  Post with_all_media = post;
  KINDRED_ASSIGN_OR_RETURN(auto edited_media, version_media(post.id));
  for (Id m : edited_media)
    if (std::find(post.media_ids.begin(), post.media_ids.end(), m) == post.media_ids.end())
      with_all_media.media_ids.push_back(m);
  const std::vector<std::string> files = media_.add_post_media_removal(b, with_all_media);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.tombstone(post.id);
  for (PostListener* l : listeners_) l->post_removed(post);
  KINDRED_RETURN_IF_ERROR(media_.collect_files(files));
  accounts_.note_post_removed(post.account_id);
  return Status::ok();
}

Status PostService::remove_likes(Id post_id, size_t batch_edges, const std::function<Status()>& pace) {
  store::RangeQuery q;
  q.limit = std::max<size_t>(1, batch_edges);
  for (;;) {
    // Always the first page: each batch removes what the last one read.
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(post_id, AssocType::kFavouritedBy, q));
    if (page.items.empty()) return Status::ok();
    store::Batch likes;
    for (const auto& a : page.items) {
      likes.remove_assoc(post_id, AssocType::kFavouritedBy, a.to);
      likes.remove_assoc(a.to, AssocType::kFavourites, post_id);
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(likes).status());
    if (!page.more) return Status::ok();
    if (pace) KINDRED_RETURN_IF_ERROR(pace());
  }
}

Status PostService::purge(Id id, size_t batch_edges, const std::function<Status()>& pace) {
  KINDRED_ASSIGN_OR_RETURN(auto loaded, load(id));
  const bool reblog = loaded->is_reblog();
  // Likes and reblogs first, the record last: until the record goes the post stays on its
  // author's kAuthored list, so a purge a crash interrupted is found again and finishes.
  if (!reblog) {
    // A like is two edges; a reblog about eight (its record's lists and its own).
    KINDRED_RETURN_IF_ERROR(remove_likes(id, batch_edges / 2, pace));
    KINDRED_RETURN_IF_ERROR(remove_reblogs_of(*loaded, batch_edges / 8, pace));
  }
  {
    // Not while update() rewrites it (a hold changed by its parent's author, say).
    std::lock_guard lock(update_locks_[id.value % update_locks_.size()]);
    auto bytes = deps_.store.get_object(ObjectType::kStatus, id);
    // Removed meanwhile (by its own removal racing this one): NotFound, as for a post absent.
    if (!bytes.has_value())
      return bytes.error().is_not_found() ? Status::not_found("Record not found") : bytes.error();
    KINDRED_ASSIGN_OR_RETURN(Post post, Post::decode(*bytes));
    KINDRED_RETURN_IF_ERROR(remove_record(post));
  }
  if (!reblog) KINDRED_RETURN_IF_ERROR(remove_versions(id));
  return Status::ok();
}

Status PostService::remove_reblogs_of(const Post& original, size_t per_batch,
                                     const std::function<Status()>& pace) {
  store::RangeQuery q;
  q.limit = std::max<size_t>(1, per_batch);
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page,
                             deps_.store.assoc_range(original.id, AssocType::kRebloggedBy, q));
    if (page.items.empty()) return Status::ok();
    store::Batch b;
    std::vector<Post> reblogs;
    for (const auto& a : page.items) {
      // The edge names the reblog: enough to rebuild the lists it is on without reading it.
      Post r;
      r.id = a.position;
      r.account_id = a.to;
      r.reblog_of_id = original.id;
      r.reblog_of_account_id = original.account_id;
      add_post_removal(b, r);
      b.remove_assoc(original.id, AssocType::kRebloggedBy, a.to);
      reblogs.push_back(std::move(r));
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    for (const auto& r : reblogs) {
      cache_.tombstone(r.id);
      accounts_.note_post_removed(r.account_id);
    }
    if (!page.more) return Status::ok();
    if (pace) KINDRED_RETURN_IF_ERROR(pace());
  }
}

Result<Id> PostService::reblog_by(Id account, Id post_id) const {
  auto edge = deps_.store.get_assoc(post_id, AssocType::kRebloggedBy, account);
  if (!edge.has_value()) {
    if (edge.error().is_not_found()) return Id();
    return edge.error();
  }
  return edge->position;
}

Result<PostView> PostService::add_reblog(const Viewer& viewer, const Post& original,
                                         Visibility visibility) {
  KINDRED_ASSIGN_OR_RETURN(Id existing, reblog_by(viewer.account_id, original.id));
  if (!existing.is_none()) return get(viewer, existing);

  Post r;
  r.id = deps_.ids.next();
  r.account_id = viewer.account_id;
  r.visibility = visibility;
  r.created_at_ms = r.id.ms();
  r.reblog_of_id = original.id;
  r.reblog_of_account_id = original.account_id;
  store::Batch b;
  b.put_object(ObjectType::kStatus, r.id, r.encode());
  // Listed as the reblogger's post (profile, statuses_count, home feeds), but not instance-wide:
  // public and hashtag timelines leave reblogs out, as Mastodon's do.
  b.add_assoc({r.account_id, AssocType::kAuthored, r.id, r.id, {}});
  for_each_index(r, [&](Id from, AssocType type) { b.add_assoc({from, type, r.id, r.id, {}}); });
  const size_t edge = b.assoc_adds.size();
  b.add_assoc({original.id, AssocType::kRebloggedBy, r.account_id, r.id, {}});
  KINDRED_ASSIGN_OR_RETURN(auto muted, thread_muted_by(original, {original.account_id}));
  Id notification;
  if (!muted[0]) {
    KINDRED_ASSIGN_OR_RETURN(notification,
                             add_notification(b, deps_.ids, gate_, original.account_id,
                                              NotificationType::kReblog, r.account_id, &original));
  }
  b.add_assoc({store::kInstanceNode, AssocType::kPendingFanout, r.id, r.id, {}});
  KINDRED_ASSIGN_OR_RETURN(store::BatchOutcome outcome, deps_.store.apply(b));
  if (!outcome.assoc_added[edge]) {
    // A concurrent request of the same person reblogged first (an existing edge keeps its
    // position): take this one back and answer with theirs.
    store::Batch undo;
    add_post_removal(undo, r);
    if (!notification.is_none())
      undo.remove_assoc(original.account_id, AssocType::kNotifications, notification);
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(undo).status());
    cache_.tombstone(r.id);
    KINDRED_ASSIGN_OR_RETURN(Id winner, reblog_by(viewer.account_id, original.id));
    return get(viewer, winner);
  }
  accounts_.note_posted(r.account_id, r.created_at_ms);
  for (PostListener* l : listeners_) l->post_created(r);
  return view_of(viewer, std::move(r));
}

void PostService::collect_descendants(const Viewer& viewer, const Post& node, Id thread_author,
                                      size_t depth, size_t& walked, std::vector<Post>& out) const {
  const size_t limit = deps_.config.context_descendants_limit;
  if (depth >= deps_.config.context_descendants_depth || walked >= limit) return;
  // The thread author's own replies first (a continuing thread), then everyone's, oldest first.
  // Most comments have no replies of their own: a count (a point read) saves opening a range.
  auto replies = deps_.store.assoc_count(node.id, AssocType::kReplies);
  if (!replies.has_value() || *replies == 0) return;
  std::vector<Id> child_ids;
  std::unordered_set<Id> seen;
  store::RangeQuery q;
  q.oldest_first = true;
  q.limit = limit;
  if (node.account_id == thread_author) {
    auto self = deps_.store.assoc_range(node.id, AssocType::kSelfReplies, q);
    if (self.has_value())
      for (const auto& a : self->items)
        if (seen.insert(a.to).second) child_ids.push_back(a.to);
  }
  auto all = deps_.store.assoc_range(node.id, AssocType::kReplies, q);
  if (all.has_value())
    for (const auto& a : all->items)
      if (seen.insert(a.to).second) child_ids.push_back(a.to);
  auto children = load_many(child_ids);
  if (!children.has_value()) return;
  std::vector<const Post*> ptrs;
  for (const auto& child : *children) ptrs.push_back(&child);
  // In one batch: a page of replies is one question, not 60. Unanswered, none is shown (their
  // replies are still walked, as a hidden reply's are).
  auto shown = visible(viewer, ptrs);
  if (!shown.has_value()) shown = std::vector<bool>(ptrs.size(), false);
  for (size_t i = 0; i < children->size(); ++i) {
    if (walked >= limit) return;
    ++walked;
    // As Mastodon's tree path: a reply the viewer may not see is left out, but the visible
    // replies under it are not (the limit counts both, so hidden replies cost a bounded walk).
    const Post& child = (*children)[i];
    if ((*shown)[i]) out.push_back(child);
    collect_descendants(viewer, child, thread_author, depth + 1, walked, out);
  }
}

Result<ContextView> PostService::context(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  ContextView ctx;
  std::vector<Post> ancestors;
  Id parent = post.in_reply_to_id;
  for (size_t walked = 0; !parent.is_none() && walked < deps_.config.context_ancestors_limit;
       ++walked) {
    auto p = load(parent);
    if (!p.has_value()) break;  // deleted: the thread above it is cut off
    parent = (*p)->in_reply_to_id;
    // As Mastodon's tree path: a post the viewer may not see is left out, the visible ones
    // above it are not.
    if (can_see(viewer, **p)) ancestors.push_back(**p);
  }
  std::reverse(ancestors.begin(), ancestors.end());
  std::vector<Post> descendants;
  size_t walked = 0;
  collect_descendants(viewer, post, post.account_id, 0, walked, descendants);
  // Each side in one batch: a page of 60 replies is a few MultiGets, not 60 rounds of them.
  KINDRED_ASSIGN_OR_RETURN(ctx.ancestors, views_of(viewer, std::move(ancestors)));
  KINDRED_ASSIGN_OR_RETURN(ctx.descendants, views_of(viewer, std::move(descendants)));
  KINDRED_RETURN_IF_ERROR(drop_muted(viewer, ctx.ancestors));
  KINDRED_RETURN_IF_ERROR(drop_muted(viewer, ctx.descendants));
  return ctx;
}

Status PostService::drop_muted(const Viewer& viewer, std::vector<PostView>& views) const {
  if (!viewer.signed_in() || views.empty()) return Status::ok();
  const Id me = viewer.account_id;
  const auto flags = accounts_.viewer_flags(me);
  if (flags && !flags->any_mutes) return Status::ok();
  std::vector<Id> authors;
  for (const auto& v : views)
    if (v.post.account_id != me &&
        std::find(authors.begin(), authors.end(), v.post.account_id) == authors.end())
      authors.push_back(v.post.account_id);
  if (authors.empty()) return Status::ok();
  KINDRED_ASSIGN_OR_RETURN(auto edges, deps_.store.assocs_exist(me, AssocType::kMutes, authors));
  std::vector<Id> muted;
  const int64_t now = deps_.clock.now_ms();
  for (size_t i = 0; i < authors.size(); ++i) {
    if (!edges[i]) continue;
    KINDRED_ASSIGN_OR_RETURN(auto mute, mute_in_force(deps_.store, me, authors[i], now));
    if (mute) muted.push_back(authors[i]);
  }
  if (muted.empty()) return Status::ok();
  std::erase_if(views, [&](const PostView& v) {
    return std::find(muted.begin(), muted.end(), v.post.account_id) != muted.end();
  });
  return Status::ok();
}

}  // namespace kindred::social
