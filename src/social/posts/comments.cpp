#include "social/posts/comments.h"

#include <sodium.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/record.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;

namespace {

constexpr uint64_t kCursorVersion = 1;
constexpr size_t kMaxCursorChars = 200;  // an encoded cursor is about 50
constexpr size_t kRangeChunk = 1000;     // edges per ranged read

// The groups of the top order, in order. kOlder holds the replies beyond the ranked window.
enum Group : uint8_t {
  kPinned = 0,
  kAuthor = 1,
  kFollowed = 2,
  kVerified = 3,
  kRest = 4,
  kOlder = 5
};

// A comment's place in the top order: its group, then `rank` (the pin's position in kPinned, the
// like count in kAuthor..kRest, 0 in kOlder), then its id. Ids are unique, so the order is total.
struct Key {
  uint8_t group = kPinned;
  uint64_t rank = 0;
  Id id;
};

// Whether `a` comes before `b` in the top order.
bool comes_before(const Key& a, const Key& b) {
  if (a.group != b.group) return a.group < b.group;
  if (a.group == kPinned && a.rank != b.rank) return a.rank < b.rank;  // pinned first, first
  if (a.group != kPinned && a.group != kOlder && a.rank != b.rank) return a.rank > b.rank;
  return a.id > b.id;  // newer first
}

Status bad_cursor() {
  return Status::invalid_argument("Validation failed: cursor is not one this server gave out");
}

// The visible direct replies of `post_id` older than `before` (exclusive; none: from the newest),
// newest first, skipping `skip`, at most `limit`. `more` tells whether a visible one lies beyond.
Result<std::vector<Post>> newest_replies(const store::Store& db, const PostService& posts,
                                         const Viewer& viewer, Id post_id, Id before, size_t limit,
                                         const std::unordered_set<Id>& skip, bool& more) {
  std::vector<Post> out;
  more = false;
  store::RangeQuery q;
  q.max_position = before;
  q.limit = std::clamp<size_t>(2 * limit, 32, kRangeChunk);
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, db.assoc_range(post_id, AssocType::kReplies, q));
    std::vector<Id> ids;
    for (const auto& a : page.items)
      if (!skip.contains(a.to)) ids.push_back(a.to);
    KINDRED_ASSIGN_OR_RETURN(auto visible, posts.visible_posts(viewer, ids));
    for (auto& p : visible) {
      if (out.size() == limit) {
        more = true;
        return out;
      }
      out.push_back(std::move(p));
    }
    if (!page.more || page.items.empty()) return out;
    q.max_position = page.items.back().position;
  }
}

// Up to `cap` direct reply ids of `post_id` with positions in (min, max) (exclusive; none:
// unbounded), newest first, read in chunks. `more` tells whether another lies beyond the cap.
Result<std::vector<Id>> reply_ids(const store::Store& db, Id post_id, Id max, Id min, size_t cap,
                                  bool& more) {
  std::vector<Id> out;
  more = false;
  store::RangeQuery q;
  q.max_position = max;
  q.min_position = min;
  while (out.size() < cap) {
    q.limit = std::min(kRangeChunk, cap - out.size());
    KINDRED_ASSIGN_OR_RETURN(auto page, db.assoc_range(post_id, AssocType::kReplies, q));
    for (const auto& a : page.items) out.push_back(a.to);
    more = page.more;
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  return out;
}

struct Ranked {
  Key key;
  Post post;
};

// `pins` (first pinned first) and the `rest` of the ranked window of `post`'s replies, sorted in
// the top order for `viewer`. Per comment: one count read (likes) and the author's account through
// the cache; per distinct author one slot of a batched follow check. Nothing per like.
Result<std::vector<Ranked>> rank_comments(const store::Store& db, const AccountService& accounts,
                                          const Viewer& viewer, const Post& post,
                                          std::vector<Post> pins,
                                          const std::unordered_map<Id, Id>& pin_position,
                                          std::vector<Post> rest) {
  std::vector<Id> authors;
  std::unordered_set<Id> seen;
  for (const auto& p : rest)
    if (p.account_id != post.account_id && seen.insert(p.account_id).second)
      authors.push_back(p.account_id);
  std::unordered_set<Id> followed, verified;
  if (viewer.signed_in() && !authors.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto follows,
                             db.assocs_exist(viewer.account_id, AssocType::kFollows, authors));
    for (size_t i = 0; i < authors.size(); ++i)
      if (follows[i]) followed.insert(authors[i]);
  }
  for (Id author : authors) {
    if (followed.contains(author)) continue;
    auto account = accounts.get(author);
    if (!account.has_value()) {
      if (account.error().is_not_found()) continue;
      return account.error();
    }
    if (account->verified) verified.insert(author);
  }

  std::vector<Ranked> out;
  out.reserve(pins.size() + rest.size());
  for (auto& p : pins) {
    const Key k{kPinned, pin_position.at(p.id).value, p.id};
    out.push_back({k, std::move(p)});
  }
  for (auto& p : rest) {
    Key k{kRest, 0, p.id};
    if (p.account_id == post.account_id) {
      k.group = kAuthor;
    } else if (followed.contains(p.account_id)) {
      k.group = kFollowed;
    } else if (verified.contains(p.account_id)) {
      k.group = kVerified;
    }
    KINDRED_ASSIGN_OR_RETURN(int64_t likes, db.assoc_count(p.id, AssocType::kFavouritedBy));
    k.rank = static_cast<uint64_t>(std::max<int64_t>(0, likes));
    out.push_back({k, std::move(p)});
  }
  std::sort(out.begin(), out.end(),
            [](const Ranked& x, const Ranked& y) { return comes_before(x.key, y.key); });
  return out;
}

}  // namespace

std::string_view comment_order_name(CommentOrder order) {
  return order == CommentOrder::kRecent ? "recent" : "top";
}

Result<CommentOrder> parse_comment_order(std::string_view name) {
  if (name == "top") return CommentOrder::kTop;
  if (name == "recent") return CommentOrder::kRecent;
  return Status::invalid_argument("Validation failed: order must be top or recent");
}

// Where a page ended, and for the top order the frame its first page fixed. Sent to clients as
// base64url of a versioned record; they only hand it back.
struct CommentService::Cursor {
  CommentOrder order = CommentOrder::kTop;
  Id post;
  Key last;   // the last comment returned (recent: only its id)
  Id newest;  // top: the newest reply when the first page was read; none if there was none
  Id floor;   // top: the oldest ranked reply; none when every reply was ranked

  template <class V>
  void field_list(V& v) {
    v.version(kCursorVersion);
    v(record::upto(order, CommentOrder::kRecent), post, last.id, record::upto(last.group, kOlder),
      last.rank, newest, floor);
  }

  std::string encode() const {
    const std::string bin = record::encode(*this);
    std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                    '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                      bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
  }

  static Result<Cursor> decode(std::string_view text) {
    if (text.empty() || text.size() > kMaxCursorChars) return bad_cursor();
    std::string bin(text.size(), '\0');
    size_t bin_len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(),
                          text.size(), nullptr, &bin_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size())
      return bad_cursor();
    bin.resize(bin_len);
    Cursor c;
    if (!record::decode_into(bin, c, record::Trailing::kRefuse) || c.post.is_none() ||
        c.last.id.is_none())
      return bad_cursor();
    return c;
  }
};

Result<CommentPage> CommentService::comments(const Viewer& viewer, Id post_id,
                                             const CommentQuery& q) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  std::optional<Cursor> after;
  if (!q.cursor.empty()) {
    KINDRED_ASSIGN_OR_RETURN(after, Cursor::decode(q.cursor));
    if (after->post != post.id || after->order != q.order)
      return Status::invalid_argument("Validation failed: cursor belongs to another post or order");
  }
  const size_t limit = std::max<size_t>(1, q.limit);
  const Cursor* a = after ? &*after : nullptr;
  KINDRED_ASSIGN_OR_RETURN(CommentPage page, q.order == CommentOrder::kRecent
                                                 ? recent(viewer, post, a, limit)
                                                 : top(viewer, post, a, limit));
  // Muted accounts' comments are left out after paging, so the cursor still walks past them.
  KINDRED_RETURN_IF_ERROR(posts_.drop_muted(viewer, page.items));
  return page;
}

Result<std::vector<std::vector<PostView>>> CommentService::reply_threads(
    const Viewer& viewer, const std::vector<Id>& parents, size_t limit) const {
  std::vector<Post> all;
  std::vector<size_t> owner;  // parents' index of each of `all`
  for (size_t i = 0; i < parents.size(); ++i) {
    bool more = false;
    KINDRED_ASSIGN_OR_RETURN(auto replies,
                             newest_replies(deps_.store, posts_, viewer, parents[i], Id(), limit, {}, more));
    for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
      all.push_back(std::move(*it));
      owner.push_back(i);
    }
  }
  std::unordered_map<Id, size_t> owner_of;
  for (size_t i = 0; i < all.size(); ++i) owner_of.emplace(all[i].id, owner[i]);
  KINDRED_ASSIGN_OR_RETURN(auto views, this->views(viewer, std::move(all)));
  KINDRED_RETURN_IF_ERROR(posts_.drop_muted(viewer, views));
  std::vector<std::vector<PostView>> out(parents.size());
  for (auto& v : views) {
    auto it = owner_of.find(v.post.id);
    if (it != owner_of.end()) out[it->second].push_back(std::move(v));
  }
  return out;
}

Result<CommentPage> CommentService::recent(const Viewer& viewer, const Post& post,
                                           const Cursor* after, size_t limit) const {
  bool more = false;
  KINDRED_ASSIGN_OR_RETURN(auto posts,
                           newest_replies(deps_.store, posts_, viewer, post.id,
                                          after ? after->last.id : Id(), limit, {}, more));
  CommentPage page;
  if (more && !posts.empty()) {
    Cursor next;
    next.order = CommentOrder::kRecent;
    next.post = post.id;
    next.last.id = posts.back().id;
    page.next_cursor = next.encode();
  }
  KINDRED_ASSIGN_OR_RETURN(page.items, views(viewer, std::move(posts)));
  return page;
}

Result<CommentPage> CommentService::top(const Viewer& viewer, const Post& post, const Cursor* after,
                                        size_t limit) const {
  const store::Store& db = deps_.store;
  // The author's pins, first pinned first. At most kMaxCommentPins; read a few more to be safe.
  store::RangeQuery pq;
  pq.oldest_first = true;
  pq.limit = 4 * kMaxCommentPins;
  KINDRED_ASSIGN_OR_RETURN(auto pin_edges, db.assoc_range(post.id, AssocType::kCommentPins, pq));
  std::unordered_set<Id> pinned;
  std::unordered_map<Id, Id> pin_position;
  std::vector<Id> pin_ids;
  for (const auto& e : pin_edges.items) {
    pinned.insert(e.to);
    pin_position[e.to] = e.position;
    pin_ids.push_back(e.to);
  }

  // The frame: the first page fixes the newest reply and the oldest one ranked.
  Cursor frame;
  frame.order = CommentOrder::kTop;
  frame.post = post.id;
  if (after) {
    frame.newest = after->newest;
    frame.floor = after->floor;
  }
  std::vector<Post> picked;
  std::vector<Key> keys;
  bool ranked_left = false;  // ranked comments remain after the page
  if (!after || after->last.group != kOlder) {
    bool beyond = false;
    std::vector<Id> window;
    if (after) {
      const Id max = Id(frame.newest.value + 1);  // newest none: positions < 1, nothing
      const Id min = frame.floor.is_none() ? Id() : Id(frame.floor.value - 1);
      KINDRED_ASSIGN_OR_RETURN(
          window, reply_ids(db, post.id, max, min, deps_.config.comments_ranked_limit, beyond));
    } else {
      KINDRED_ASSIGN_OR_RETURN(
          window, reply_ids(db, post.id, Id(), Id(), deps_.config.comments_ranked_limit, beyond));
      if (!window.empty()) frame.newest = window.front();
      if (beyond) frame.floor = window.back();
    }
    std::erase_if(window, [&](Id id) { return pinned.contains(id); });

    KINDRED_ASSIGN_OR_RETURN(auto pins, posts_.visible_posts(viewer, pin_ids));
    // A pin is always a direct reply of this post (pin() checks, delete unpins); be sure anyway.
    std::erase_if(pins, [&](const Post& p) { return p.in_reply_to_id != post.id; });
    KINDRED_ASSIGN_OR_RETURN(auto rest, posts_.visible_posts(viewer, window));

    KINDRED_ASSIGN_OR_RETURN(
        auto entries,
        rank_comments(db, accounts_, viewer, post, std::move(pins), pin_position, std::move(rest)));
    auto it = entries.begin();
    if (after) {
      it = std::upper_bound(entries.begin(), entries.end(), after->last,
                            [](const Key& k, const Ranked& e) { return comes_before(k, e.key); });
    }
    for (; it != entries.end() && picked.size() < limit; ++it) {
      keys.push_back(it->key);
      picked.push_back(std::move(it->post));
    }
    ranked_left = it != entries.end();
  }

  // Replies older than the ranked window, newest first.
  bool older_left = false;
  if (!frame.floor.is_none() && picked.size() < limit) {
    const Id before = after && after->last.group == kOlder ? after->last.id : frame.floor;
    KINDRED_ASSIGN_OR_RETURN(auto older, newest_replies(db, posts_, viewer, post.id, before,
                                                        limit - picked.size(), pinned, older_left));
    for (auto& p : older) {
      keys.push_back({kOlder, 0, p.id});
      picked.push_back(std::move(p));
    }
  } else if (!frame.floor.is_none()) {
    older_left = true;  // not looked at yet; the next page will tell
  }

  CommentPage page;
  if (!picked.empty() && (ranked_left || older_left)) {
    frame.last = keys.back();
    page.next_cursor = frame.encode();
  }
  KINDRED_ASSIGN_OR_RETURN(page.items, views(viewer, std::move(picked)));
  return page;
}

Result<std::vector<PostView>> CommentService::views(const Viewer& viewer,
                                                    std::vector<Post> posts) const {
  std::vector<PostView> out;
  out.reserve(posts.size());
  for (auto& p : posts) {
    KINDRED_ASSIGN_OR_RETURN(PostView v, posts_.view_of(viewer, std::move(p)));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::pair<Post, Post>> CommentService::pinnable(const Viewer& viewer, Id comment_id) const {
  KINDRED_ASSIGN_OR_RETURN(Post comment, posts_.get_visible_post(viewer, comment_id));
  if (comment.in_reply_to_id.is_none())
    return Status::invalid_argument(
        "Validation failed: Only comments (replies to a post) can be pinned");
  // The post may be gone (a reply outlives it) or hidden from the viewer: then there is no post
  // of theirs to pin to.
  KINDRED_ASSIGN_OR_RETURN(Post parent, posts_.get_visible_post(viewer, comment.in_reply_to_id));
  if (parent.account_id != viewer.account_id)
    return Status::permission_denied("Only the author of a post can pin its comments");
  return std::pair<Post, Post>{std::move(comment), std::move(parent)};
}

Result<PostView> CommentService::pin(const Viewer& viewer, Id comment_id) {
  KINDRED_ASSIGN_OR_RETURN(auto both, pinnable(viewer, comment_id));
  auto& [comment, parent] = both;
  {
    std::scoped_lock lock(pin_locks_[std::hash<Id>()(parent.id) % pin_locks_.size()]);
    // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
    const store::FreshReads fresh;
    KINDRED_ASSIGN_OR_RETURN(
        bool already, deps_.store.assoc_exists(parent.id, AssocType::kCommentPins, comment.id));
    if (!already) {
      KINDRED_ASSIGN_OR_RETURN(int64_t count,
                               deps_.store.assoc_count(parent.id, AssocType::kCommentPins));
      if (count >= static_cast<int64_t>(kMaxCommentPins))
        return Status::invalid_argument("Validation failed: A post can have at most " +
                                        std::to_string(kMaxCommentPins) + " pinned comments");
      store::Batch b;
      b.add_assoc({parent.id, AssocType::kCommentPins, comment.id, deps_.ids.next(), {}});
      KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    }
  }
  return posts_.view_of(viewer, std::move(comment));
}

Result<PostView> CommentService::unpin(const Viewer& viewer, Id comment_id) {
  KINDRED_ASSIGN_OR_RETURN(auto both, pinnable(viewer, comment_id));
  auto& [comment, parent] = both;
  store::Batch b;
  b.remove_assoc(parent.id, AssocType::kCommentPins, comment.id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return posts_.view_of(viewer, std::move(comment));
}

}  // namespace kindred::social
