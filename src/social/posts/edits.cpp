// PostService's edits: PUT /api/v1/statuses/:id and the history of versions it keeps.
#include <algorithm>
#include <set>
#include <utility>

#include "social/graph/notifications.h"
#include "social/posts/polls.h"
#include "social/posts/post_rules.h"
#include "social/posts/posts.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

// A post's versions are read at most this many at a time; history answers at most this many.
constexpr size_t kVersionsPage = 1000;

PostVersion version_of(const Post& post, const std::vector<Media>& media, int64_t at_ms) {
  PostVersion v;
  v.text = post.text;
  v.content_html = post.content_html;
  v.spoiler_text = post.spoiler_text;
  v.sensitive = post.sensitive;
  v.created_at_ms = at_ms;
  for (Id id : post.media_ids) {
    auto m = std::find_if(media.begin(), media.end(), [&](const Media& x) { return x.id == id; });
    if (m == media.end()) continue;
    v.media_ids.push_back(id);
    v.media_descriptions.push_back(m->description);
  }
  return v;
}

using IndexSet = std::set<std::pair<Id, AssocType>>;

IndexSet indexes_of(const Post& post) {
  IndexSet out;
  for_each_index(post, [&](Id from, AssocType type) { out.emplace(from, type); });
  return out;
}

}  // namespace

Status PostService::check_poll_edit(const Post& post, const PostEdit& in) const {
  if (post.poll_id.is_none()) {
    if (in.poll)
      return Status::invalid_argument(
          "Validation failed: A poll cannot be added by editing a post on this server");
    return Status::ok();
  }
  // As Mastodon's validate_media!: a post with a poll has no photos.
  if (!in.media_ids.empty()) return Status::invalid_argument("Cannot attach more than 4 files");
  if (!in.poll) return Status::ok();  // the poll stays as it is
  auto bytes = deps_.store.get_object(ObjectType::kPoll, post.poll_id);
  if (!bytes.has_value()) return bytes.error();
  KINDRED_ASSIGN_OR_RETURN(Poll poll, Poll::decode(*bytes));
  // The poll the post has, stated again (clients send it back with each edit): kept with its
  // votes and end. Mastodon would reset the votes of a changed poll; Kindred refuses the change.
  if (poll_titles(*in.poll) == poll.options && in.poll->multiple == poll.multiple &&
      in.poll->hide_totals == poll.hide_totals)
    return Status::ok();
  return Status::invalid_argument(
      "Validation failed: A poll's options cannot be changed on this server (delete and redraft "
      "the post instead)");
}

Result<std::vector<PostVersion>> PostService::versions_of(Id post_id, size_t limit) const {
  store::RangeQuery q;
  q.oldest_first = true;
  q.limit = limit;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(post_id, AssocType::kStatusEdits, q));
  std::vector<PostVersion> out;
  out.reserve(range.items.size());
  for (const auto& a : range.items) {
    KINDRED_ASSIGN_OR_RETURN(PostVersion v, PostVersion::decode(a.data));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Id>> PostService::version_media(Id post_id) const {
  std::vector<Id> out;
  store::RangeQuery q;
  q.limit = kVersionsPage;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(post_id, AssocType::kStatusEdits, q));
    for (const auto& a : page.items) {
      KINDRED_ASSIGN_OR_RETURN(PostVersion v, PostVersion::decode(a.data));
      for (Id m : v.media_ids)
        if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
    if (!page.more || page.items.empty()) return out;
    q.max_position = page.items.back().position;
  }
}

Status PostService::remove_versions(Id post_id) {
  store::RangeQuery q;
  q.limit = kVersionsPage;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(post_id, AssocType::kStatusEdits, q));
    if (page.items.empty()) return Status::ok();
    store::Batch b;
    for (const auto& a : page.items) b.remove_assoc(post_id, AssocType::kStatusEdits, a.to);
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    if (!page.more) return Status::ok();
  }
}

Result<PostView> PostService::edit(const Viewer& viewer, Id id, const PostEdit& in) {
  Post before, post;
  {
    // As update(): one change of a post at a time, read fresh from the store.
    std::lock_guard lock(update_locks_[id.value % update_locks_.size()]);
    KINDRED_ASSIGN_OR_RETURN(auto loaded, load(id));
    if (loaded->account_id != viewer.account_id || loaded->is_reblog())
      return Status::not_found("Record not found");
    auto bytes = deps_.store.get_object(ObjectType::kStatus, id);
    if (!bytes.has_value()) {
      if (bytes.error().is_not_found()) return Status::not_found("Record not found");
      return bytes.error();
    }
    KINDRED_ASSIGN_OR_RETURN(before, Post::decode(*bytes));
    post = before;

    KINDRED_RETURN_IF_ERROR(check_poll_edit(before, in));
    KINDRED_RETURN_IF_ERROR(
        check_post_text(deps_.config, in.text, in.spoiler_text, !in.media_ids.empty()));
    if (!in.language.empty()) {
      KINDRED_ASSIGN_OR_RETURN(post.language, post_language(in.language));
    }
    // Held until the batch is applied, as in create().
    KINDRED_ASSIGN_OR_RETURN(MediaService::Attachment attachment,
                             media_.prepare_attachment(post.account_id, in.media_ids, post.id));
    KINDRED_ASSIGN_OR_RETURN(bool media_edited, media_.edit_attached(attachment, in.media_attributes));

    post.text = in.text;
    post.spoiler_text = in.spoiler_text;
    post.sensitive = in.sensitive || !in.spoiler_text.empty();
    post.media_ids = in.media_ids;
    render_post(post, accounts_, deps_.config);
    // Mastodon keeps no version of a request that changes nothing.
    if (!media_edited && post.text == before.text && post.spoiler_text == before.spoiler_text &&
        post.sensitive == before.sensitive && post.language == before.language &&
        post.media_ids == before.media_ids)
      return view_of(viewer, std::move(before));

    // A comment that now says one of its post's author's hidden words is held as a new one
    // would be (only for hidden words: Limits and restrictions judge when and who, not what).
    Post parent;
    if (screen_ && !post.in_reply_to_id.is_none() && post.in_reply_to_account_id != post.account_id &&
        post.hold == CommentHold::kNone && !post.approved) {
      auto p = load(post.in_reply_to_id);
      if (p.has_value()) {
        KINDRED_ASSIGN_OR_RETURN(CommentHold hold, screen_->screen(**p, post));
        if (hold == CommentHold::kHiddenWords) post.hold = hold;
      } else if (!p.error().is_not_found()) {
        return p.error();
      }
    }

    post.edited_at_ms = deps_.clock.now_ms();
    store::Batch b;
    // Whether the original is kept yet: as stored now (the post's lock is held).
    const store::FreshReads fresh;
    KINDRED_ASSIGN_OR_RETURN(int64_t versions, deps_.store.assoc_count(id, AssocType::kStatusEdits));
    if (versions == 0) {
      // The first edit keeps the original as the first version.
      KINDRED_ASSIGN_OR_RETURN(auto old_media, media_.load_many(before.media_ids));
      const Id original = deps_.ids.next();
      b.add_assoc({id, AssocType::kStatusEdits, original, original,
                   version_of(before, old_media, before.created_at_ms).encode()});
    }
    const Id version = deps_.ids.next();
    b.add_assoc({id, AssocType::kStatusEdits, version, version,
                 version_of(post, attachment.media(), post.edited_at_ms).encode()});
    // Photos taken off stay attached to the post (its history shows them) until it is deleted.
    attachment.add_to(b, id);

    const IndexSet old_lists = indexes_of(before), new_lists = indexes_of(post);
    for (const auto& [from, type] : old_lists)
      if (!new_lists.count({from, type})) b.remove_assoc(from, type, id);
    for (const auto& [from, type] : new_lists)
      if (!old_lists.count({from, type})) b.add_assoc({from, type, id, id, {}});
    if (post.hold != before.hold) {
      b.add_assoc({post.in_reply_to_id, AssocType::kHeldReplies, id, id, {}});
      b.add_assoc({post.in_reply_to_account_id, AssocType::kHeldComments, id, id, {}});
    } else if (post.hold == CommentHold::kNone) {
      // As Mastodon's edits: accounts mentioned for the first time are told.
      for (Id mentioned : post.mention_ids)
        if (std::find(before.mention_ids.begin(), before.mention_ids.end(), mentioned) ==
            before.mention_ids.end())
          KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate_, mentioned,
                                                   NotificationType::kMention, post.account_id, &post)
                                      .status());
    }
    b.put_object(ObjectType::kStatus, id, post.encode());
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    cache_.put(id, std::make_shared<const Post>(post));
    media_.note_attached(attachment);
  }
  KINDRED_RETURN_IF_ERROR(notify_rebloggers_of_edit(post));
  for (PostListener* l : listeners_) l->post_edited(before, post);
  return view_of(viewer, std::move(post));
}

Status PostService::notify_rebloggers_of_edit(const Post& post) {
  store::RangeQuery q;
  q.limit = kVersionsPage;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(post.id, AssocType::kRebloggedBy, q));
    if (page.items.empty()) return Status::ok();
    store::Batch b;
    for (const auto& a : page.items)
      KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate_, a.to, NotificationType::kUpdate,
                                               post.account_id, &post)
                                  .status());
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    if (!page.more) return Status::ok();
    q.max_position = page.items.back().position;
  }
}

Result<std::vector<PostVersionView>> PostService::history(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  KINDRED_ASSIGN_OR_RETURN(auto versions, versions_of(id, kVersionsPage));
  std::vector<Id> media_ids;
  for (const auto& v : versions) media_ids.insert(media_ids.end(), v.media_ids.begin(), v.media_ids.end());
  media_ids.insert(media_ids.end(), post.media_ids.begin(), post.media_ids.end());
  KINDRED_ASSIGN_OR_RETURN(auto media, media_.load_many(media_ids));
  if (versions.empty()) {
    // Never edited: the post as it is, as Mastodon answers.
    versions.push_back(version_of(post, media, post.edited_at_ms ? post.edited_at_ms : post.created_at_ms));
  }
  KINDRED_ASSIGN_OR_RETURN(AccountView author, accounts_.view(post.account_id));
  std::vector<PostVersionView> out;
  out.reserve(versions.size());
  for (auto& v : versions) {
    PostVersionView& view = out.emplace_back();
    for (size_t i = 0; i < v.media_ids.size(); ++i) {
      auto m = std::find_if(media.begin(), media.end(), [&](const Media& x) { return x.id == v.media_ids[i]; });
      if (m == media.end()) continue;
      Media then = *m;
      if (i < v.media_descriptions.size()) then.description = v.media_descriptions[i];
      view.media.push_back(std::move(then));
    }
    view.version = std::move(v);
    view.author = author;
  }
  return out;
}

}  // namespace kindred::social
