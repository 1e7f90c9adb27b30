#include "social/posts.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include <sodium.h>

#include "social/notifications.h"
#include "social/text.h"

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

Id tag_node(std::string_view tag) {
  unsigned char hash[8];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(tag.data()),
                     tag.size(), nullptr, 0);
  uint64_t v = 0;
  for (unsigned char b : hash) v = (v << 8) | b;
  return Id(v | 1);
}

namespace {

// The lists a post appears in besides its author's and the instance's: with photos, top-level,
// by hashtag. Added on create and removed on delete, so they always agree.
template <class Fn>
void for_each_index(const Post& post, Fn&& fn) {
  if (!post.media_ids.empty()) {
    fn(post.account_id, AssocType::kAuthoredMedia);
    if (post.visibility == Visibility::kPublic)
      fn(store::kInstanceNode, AssocType::kInstanceMediaStatuses);
  }
  if (post.in_reply_to_id.is_none()) fn(post.account_id, AssocType::kAuthoredTopLevel);
  for (const auto& t : post.tags) fn(tag_node(t), AssocType::kTagStatuses);
  // The author sees their own post at once; followers get it from the fan-out.
  fn(post.account_id, AssocType::kHomeFeed);
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

bool PostService::can_see(const Viewer& viewer, const Post& post) const {
  const auto flags = viewer.signed_in() ? accounts_.viewer_flags(viewer.account_id) : std::nullopt;
  if (viewer.signed_in() && viewer.account_id != post.account_id && (!flags || flags->any_blocks)) {
    // Neither a blocked account nor one that blocks the author sees the author's posts.
    auto blocked = deps_.store.assoc_exists(viewer.account_id, AssocType::kBlockedBy, post.account_id);
    if (!blocked.has_value() || *blocked) return false;
    blocked = deps_.store.assoc_exists(viewer.account_id, AssocType::kBlocks, post.account_id);
    if (!blocked.has_value() || *blocked) return false;
  }
  if (post.visibility == Visibility::kPublic || post.visibility == Visibility::kUnlisted) return true;
  if (!viewer.signed_in()) return false;
  if (viewer.account_id == post.account_id) return true;
  if (std::find(post.mention_ids.begin(), post.mention_ids.end(), viewer.account_id) !=
      post.mention_ids.end())
    return true;
  if (post.visibility == Visibility::kPrivate) {
    auto follows = deps_.store.assoc_exists(viewer.account_id, AssocType::kFollows, post.account_id);
    return follows.has_value() && *follows;
  }
  return false;
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

Result<Post> PostService::get_visible_post(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(auto post, load(id));
  if (!can_see(viewer, *post)) return Status::not_found("Record not found");
  return *post;
}

Result<std::vector<Post>> PostService::visible_posts(const Viewer& viewer,
                                                     const std::vector<Id>& ids) const {
  KINDRED_ASSIGN_OR_RETURN(auto posts, load_many(ids));
  std::erase_if(posts, [&](const Post& p) { return !can_see(viewer, p); });
  return posts;
}

Result<PostView> PostService::view_of(const Viewer& viewer, Post post) const {
  PostView v;
  KINDRED_ASSIGN_OR_RETURN(v.author, accounts_.view(post.account_id));
  KINDRED_ASSIGN_OR_RETURN(v.replies_count, deps_.store.assoc_count(post.id, AssocType::kReplies));
  KINDRED_ASSIGN_OR_RETURN(v.favourites_count,
                           deps_.store.assoc_count(post.id, AssocType::kFavouritedBy));
  v.viewer_signed_in = viewer.signed_in();
  v.viewer_is_author = viewer.account_id == post.account_id;
  if (v.viewer_is_author) {
    KINDRED_ASSIGN_OR_RETURN(v.pinned,
                             deps_.store.assoc_exists(post.account_id, AssocType::kPinned, post.id));
  }
  if (!post.in_reply_to_id.is_none()) {
    KINDRED_ASSIGN_OR_RETURN(v.comment_pinned, deps_.store.assoc_exists(post.in_reply_to_id,
                                                                        AssocType::kCommentPins, post.id));
  }
  if (viewer.signed_in()) {
    KINDRED_ASSIGN_OR_RETURN(
        v.favourited, deps_.store.assoc_exists(post.id, AssocType::kFavouritedBy, viewer.account_id));
    const auto flags = accounts_.viewer_flags(viewer.account_id);
    if (!flags || flags->any_bookmarks) {
      KINDRED_ASSIGN_OR_RETURN(
          v.bookmarked, deps_.store.assoc_exists(viewer.account_id, AssocType::kBookmarks, post.id));
    }
  }
  if (!post.mention_ids.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto blobs,
                             deps_.store.get_objects(ObjectType::kAccount, post.mention_ids));
    for (auto& blob : blobs) {
      if (!blob) continue;
      KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*blob));
      v.mentions.push_back({a.id, a.username});
    }
  }
  if (!post.app_id.is_none() && viewer.account_id == post.account_id) {
    auto bytes = deps_.store.get_object(ObjectType::kApp, post.app_id);
    if (bytes.has_value()) {
      auto app = App::decode(*bytes);
      if (app.has_value()) v.app = std::move(*app);
    }
  }
  if (!post.media_ids.empty()) {
    KINDRED_ASSIGN_OR_RETURN(v.media, media_.load_many(post.media_ids));
  }
  v.post = std::move(post);
  return v;
}

Result<PostView> PostService::get(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  return view_of(viewer, std::move(post));
}

Result<std::vector<PostView>> PostService::get_many(const Viewer& viewer,
                                                    const std::vector<Id>& ids) const {
  KINDRED_ASSIGN_OR_RETURN(auto posts, load_many(ids));
  std::vector<PostView> out;
  out.reserve(posts.size());
  for (auto& p : posts) {
    if (!can_see(viewer, p)) continue;
    KINDRED_ASSIGN_OR_RETURN(PostView v, view_of(viewer, std::move(p)));
    out.push_back(std::move(v));
  }
  return out;
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

  std::string_view text = in.text;
  const bool blank = std::all_of(text.begin(), text.end(),
                                 [](unsigned char c) { return std::isspace(c); });
  if (blank && in.media_ids.empty())
    return Status::invalid_argument("Validation failed: Text can't be blank");
  const size_t chars = count_status_chars(text) + count_status_chars(in.spoiler_text);
  if (chars > deps_.config.max_status_chars)
    return Status::invalid_argument("Validation failed: Text character limit of " +
                                    std::to_string(deps_.config.max_status_chars) + " exceeded");
  const std::string language = normalise_language(in.language);
  if (!valid_language(language) || (language.empty() && !in.language.empty()))
    return Status::invalid_argument("Validation failed: Language is not a valid ISO 639 code");

  Post post;
  if (!in.in_reply_to_id.is_none()) {
    KINDRED_ASSIGN_OR_RETURN(Post parent, get_visible_post(viewer, in.in_reply_to_id));
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

  const AccountService& accounts = accounts_;
  RenderedText rendered = render_text(
      text, deps_.config.base_url, deps_.config.domain,
      [&accounts](std::string_view username) -> std::optional<MentionTarget> {
        auto a = accounts.lookup(username);
        if (!a.has_value()) return std::nullopt;
        return MentionTarget{a->id, a->username};
      });
  post.content_html = std::move(rendered.html);
  post.mention_ids = std::move(rendered.mention_ids);
  post.tags = std::move(rendered.tags);
  // A reply mentions the account it replies to, as Mastodon does.
  if (!post.in_reply_to_account_id.is_none() && post.in_reply_to_account_id != author.id &&
      std::find(post.mention_ids.begin(), post.mention_ids.end(), post.in_reply_to_account_id) ==
          post.mention_ids.end())
    post.mention_ids.push_back(post.in_reply_to_account_id);

  // Held until the batch is applied, so the uploads cannot be attached twice or deleted meanwhile.
  KINDRED_ASSIGN_OR_RETURN(MediaService::Attachment attachment,
                           media_.prepare_attachment(author.id, in.media_ids));
  post.media_ids = in.media_ids;

  post.id = deps_.ids.next();
  post.created_at_ms = post.id.ms();
  store::Batch b;
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
  for (Id mentioned : post.mention_ids)
    add_notification(b, deps_.ids, mentioned, NotificationType::kMention, author.id, post.id);
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
  accounts_.note_posted(author.id, post.created_at_ms);
  if (listener_) listener_->post_created(post);
  // A reply to a post deleted meanwhile would dangle; it still stands, as in Mastodon.
  return view_of(viewer, std::move(post));
}

Result<PostView> PostService::remove(const Viewer& viewer, Id id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
  KINDRED_ASSIGN_OR_RETURN(PostView before, view_of(viewer, post));

  store::Batch b;
  b.delete_object(ObjectType::kStatus, post.id);
  b.remove_assoc(post.account_id, AssocType::kAuthored, post.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kInstanceStatuses, post.id);
  if (!post.in_reply_to_id.is_none()) {
    b.remove_assoc(post.in_reply_to_id, AssocType::kReplies, post.id);
    b.remove_assoc(post.in_reply_to_id, AssocType::kSelfReplies, post.id);
    b.remove_assoc(post.in_reply_to_id, AssocType::kCommentPins, post.id);
  }
  {
    // Its own comment pins (a handful: CommentService keeps at most three).
    store::RangeQuery pins;
    pins.limit = 64;
    KINDRED_ASSIGN_OR_RETURN(auto pinned, deps_.store.assoc_range(post.id, AssocType::kCommentPins, pins));
    for (const auto& a : pinned.items) b.remove_assoc(post.id, AssocType::kCommentPins, a.to);
  }
  for_each_index(post, [&](Id from, AssocType type) { b.remove_assoc(from, type, post.id); });
  b.remove_assoc(post.account_id, AssocType::kPinned, post.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kPendingFanout, post.id);
  // Followers' feed entries stay; feeds skip posts that no longer exist.
  const std::vector<std::string> files = media_.add_post_media_removal(b, post);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.tombstone(post.id);
  KINDRED_RETURN_IF_ERROR(media_.collect_files(files));
  accounts_.note_post_removed(post.account_id);

  // The post is gone for everyone now; take its likes off the likers' lists in bounded batches.
  store::RangeQuery q;
  q.limit = 1000;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(post.id, AssocType::kFavouritedBy, q));
    if (page.items.empty()) break;
    store::Batch likes;
    for (const auto& a : page.items) {
      likes.remove_assoc(post.id, AssocType::kFavouritedBy, a.to);
      likes.remove_assoc(a.to, AssocType::kFavourites, post.id);
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(likes).status());
    if (!page.more) break;
  }
  before.favourited = false;
  return before;
}

void PostService::collect_descendants(const Viewer& viewer, const Post& node, Id thread_author,
                                      size_t depth, std::vector<Post>& out) const {
  const size_t limit = deps_.config.context_descendants_limit;
  if (depth >= deps_.config.context_descendants_depth || out.size() >= limit) return;
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
  for (auto& child : *children) {
    if (out.size() >= limit) return;
    if (!can_see(viewer, child)) continue;
    out.push_back(child);
    collect_descendants(viewer, child, thread_author, depth + 1, out);
  }
}

Result<ContextView> PostService::context(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  ContextView ctx;
  std::vector<Post> ancestors;
  Id parent = post.in_reply_to_id;
  while (!parent.is_none() && ancestors.size() < deps_.config.context_ancestors_limit) {
    auto p = get_visible_post(viewer, parent);
    if (!p.has_value()) break;
    parent = p->in_reply_to_id;
    ancestors.push_back(std::move(*p));
  }
  std::reverse(ancestors.begin(), ancestors.end());
  std::vector<Post> descendants;
  collect_descendants(viewer, post, post.account_id, 0, descendants);
  for (auto& p : ancestors) {
    KINDRED_ASSIGN_OR_RETURN(PostView v, view_of(viewer, std::move(p)));
    ctx.ancestors.push_back(std::move(v));
  }
  for (auto& p : descendants) {
    KINDRED_ASSIGN_OR_RETURN(PostView v, view_of(viewer, std::move(p)));
    ctx.descendants.push_back(std::move(v));
  }
  return ctx;
}

}  // namespace kindred::social
