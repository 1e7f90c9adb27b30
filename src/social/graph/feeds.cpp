#include "social/graph/feeds.h"

#include <algorithm>
#include <iostream>

#include "social/graph/conversations.h"
#include "social/graph/lists.h"
#include "social/model/text.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;

namespace {

constexpr size_t kMaxPins = 5;
constexpr size_t kMaxLargeAccounts = 10'000;
constexpr int kMaxRounds = 50;  // a page that needs more rounds than this ends early

}  // namespace

FeedService::FeedService(Deps deps, const PostService& posts,
                         const RelationshipService& relationships, FeedConfig config)
    : deps_(deps), posts_(posts), relationships_(relationships), config_(config) {
  worker_ = std::thread([this] { worker_loop(); });
}

FeedService::~FeedService() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void FeedService::post_created(const Post& post) {
  {
    std::scoped_lock lock(large_mutex_);
    if (std::find(large_.begin(), large_.end(), post.account_id) != large_.end()) {
      Id& newest = large_newest_[post.account_id];
      newest = std::max(newest, post.id);
    }
  }
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(post.id);
  }
  cv_.notify_one();
}

Status FeedService::resume_pending_fanouts() {
  store::RangeQuery q;
  q.limit = 1000;
  q.oldest_first = true;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode,
                                                                AssocType::kPendingFanout, q));
    {
      std::scoped_lock lock(mutex_);
      for (const auto& a : page.items) queue_.push_back(a.to);
    }
    cv_.notify_one();
    if (!page.more || page.items.empty()) return Status::ok();
    q.min_position = page.items.back().position;
  }
}

void FeedService::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void FeedService::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything queued is done
    const Id id = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status s = fan_out(id);
    if (!s.is_ok()) std::cerr << "kindred feeds: fan-out of " << id.to_string() << ": " << s.to_string() << '\n';
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

Status FeedService::fan_out(Id post_id) {
  store::Batch done;
  done.remove_assoc(store::kInstanceNode, AssocType::kPendingFanout, post_id);
  auto post = posts_.get_visible_post(Viewer{Id()}, post_id);
  Post p;
  if (post.has_value()) {
    p = std::move(*post);
  } else {
    // Not public: read it as its author may.
    auto bytes = deps_.store.get_object(store::ObjectType::kStatus, post_id);
    if (!bytes.has_value()) {
      if (bytes.error().is_not_found()) return deps_.store.apply(done).status();  // deleted
      return bytes.error();
    }
    KINDRED_ASSIGN_OR_RETURN(p, Post::decode(*bytes));
  }

  auto write = [&](const std::vector<Id>& readers) -> Status {
    store::Batch b;
    for (Id r : readers) b.add_assoc({r, AssocType::kHomeFeed, p.id, p.id, {}});
    if (b.empty()) return Status::ok();
    return deps_.store.apply(b).status();
  };

  if (p.visibility == Visibility::kDirect) {
    // As Mastodon's FanOutOnWriteService: to the home feeds of the mentioned who follow the
    // author (a stranger's direct post reaches them as a mention notification only).
    std::vector<Id> readers;
    if (!p.mention_ids.empty()) {
      KINDRED_ASSIGN_OR_RETURN(auto follow, deps_.store.assocs_exist(
                                                p.account_id, AssocType::kFollowedBy, p.mention_ids));
      for (size_t i = 0; i < p.mention_ids.size(); ++i)
        if (follow[i]) readers.push_back(p.mention_ids[i]);
    }
    KINDRED_RETURN_IF_ERROR(write(readers));
    // Before the pending edge goes, so a crash adds it again (adding is idempotent).
    if (conversations_ != nullptr) KINDRED_RETURN_IF_ERROR(conversations_->add_status(p));
    return deps_.store.apply(done).status();
  }
  KINDRED_RETURN_IF_ERROR(fan_out_to_tag_followers(p));
  KINDRED_ASSIGN_OR_RETURN(int64_t followers, deps_.store.assoc_count(p.account_id, AssocType::kFollowedBy));
  if (followers > config_.large_account_followers) {
    // Too many to write to: home feeds merge this author's posts when read. Once large, an
    // account stays large, so none of its posts falls between the two ways.
    done.add_assoc({store::kInstanceNode, AssocType::kLargeAccounts, p.account_id, deps_.ids.next(), {}});
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(done).status());
    std::scoped_lock lock(large_mutex_);
    if (large_loaded_ && std::find(large_.begin(), large_.end(), p.account_id) == large_.end()) {
      large_.push_back(p.account_id);
      large_newest_.erase(p.account_id);  // not tracked until now: read it from the store
    }
    return Status::ok();
  }
  const bool reply_to_other = !p.in_reply_to_account_id.is_none() && p.in_reply_to_account_id != p.account_id;
  // A reblog goes to the reblogger's followers like their own post, except to the original's
  // author (home() leaves it out too, for large accounts).
  const Id reblogged_author = p.is_reblog() ? p.reblog_of_account_id : Id();
  store::RangeQuery q;
  q.limit = config_.fanout_batch;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(p.account_id, AssocType::kFollowedBy, q));
    std::vector<Id> readers;
    for (const auto& a : page.items)
      if (a.to != reblogged_author) readers.push_back(a.to);
    if (reply_to_other) {
      // As Mastodon: a reply reaches those who follow both people in the conversation.
      KINDRED_ASSIGN_OR_RETURN(auto both, deps_.store.assocs_exist(p.in_reply_to_account_id,
                                                                   AssocType::kFollowedBy, readers));
      std::vector<Id> kept;
      for (size_t i = 0; i < readers.size(); ++i)
        if (both[i] || readers[i] == p.in_reply_to_account_id) kept.push_back(readers[i]);
      readers = std::move(kept);
    }
    KINDRED_RETURN_IF_ERROR(write(readers));
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  return deps_.store.apply(done).status();
}

Status FeedService::fan_out_to_tag_followers(const Post& p) {
  // As Mastodon's FanOutOnWriteService: public posts (not reblogs) reach those who follow one of
  // their hashtags. Each follower is written once however many of the tags they follow; home()
  // checks the follow again when read, and leaves out what the reader may not see or mutes.
  if (p.visibility != Visibility::kPublic || p.is_reblog() || p.tags.empty()) return Status::ok();
  std::vector<Id> written;
  for (const auto& tag : p.tags) {
    store::RangeQuery q;
    q.limit = config_.fanout_batch;
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(tag_node(tag), AssocType::kTagFollowers, q));
      store::Batch b;
      for (const auto& a : page.items) {
        if (a.to == p.account_id || std::find(written.begin(), written.end(), a.to) != written.end())
          continue;
        written.push_back(a.to);
        b.add_assoc({a.to, AssocType::kHomeFeed, p.id, p.id, {}});
      }
      if (!b.empty()) KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
      if (!page.more || page.items.empty()) break;
      q.max_position = page.items.back().position;
    }
  }
  return Status::ok();
}

bool FeedService::Relations::follows_account(Id id) const {
  return std::find(follows.begin(), follows.end(), id) != follows.end();
}
bool FeedService::Relations::mutes(Id id) const {
  return std::find(muted.begin(), muted.end(), id) != muted.end();
}

Result<FeedService::Relations> FeedService::relations_with(const Viewer& viewer,
                                                           const std::vector<Post>& posts,
                                                           Needs needs) const {
  Relations r;
  if (!viewer.signed_in() || posts.empty() || needs == Needs::kNothing) return r;
  const Id me = viewer.account_id;
  std::vector<Id> authors, accounts;
  auto add = [](std::vector<Id>& v, Id id) {
    if (!id.is_none() && std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
  };
  for (const auto& p : posts) {
    add(authors, p.account_id);
    add(authors, p.reblog_of_account_id);  // muting someone hides reblogs of their posts too
    add(accounts, p.account_id);
    add(accounts, p.in_reply_to_account_id);
  }
  // Most people mute nobody: then there is nothing to look up (the count is read from memory).
  KINDRED_ASSIGN_OR_RETURN(int64_t mutes, deps_.store.assoc_count(me, AssocType::kMutes));
  std::vector<bool> mute_edges;
  if (mutes > 0) {
    KINDRED_ASSIGN_OR_RETURN(mute_edges, deps_.store.assocs_exist(me, AssocType::kMutes, authors));
  }
  for (size_t i = 0; i < mute_edges.size(); ++i) {
    if (!mute_edges[i]) continue;
    // A mute edge may have expired: mute_of knows.
    KINDRED_ASSIGN_OR_RETURN(auto mute, relationships_.mute_of(me, authors[i]));
    if (mute) r.muted.push_back(authors[i]);
  }
  if (needs == Needs::kMutesAndFollows) {
    KINDRED_ASSIGN_OR_RETURN(auto follows, deps_.store.assocs_exist(me, AssocType::kFollows, accounts));
    for (size_t i = 0; i < accounts.size(); ++i)
      if (follows[i]) r.follows.push_back(accounts[i]);
    // The hashtags of public posts by accounts not followed: the reader may follow one of them.
    std::vector<Id> nodes;
    for (const auto& p : posts) {
      if (p.visibility != Visibility::kPublic || p.is_reblog() || p.account_id == me ||
          r.follows_account(p.account_id))
        continue;
      for (const auto& t : p.tags) add(nodes, tag_node(t));
    }
    if (!nodes.empty()) {
      KINDRED_ASSIGN_OR_RETURN(auto followed, deps_.store.assocs_exist(me, AssocType::kFollowedTags, nodes));
      for (size_t i = 0; i < nodes.size(); ++i)
        if (followed[i]) r.followed_tags.push_back(nodes[i]);
    }
  }
  return r;
}

bool FeedService::wanted_in_home(Id viewer, const Post& post, const Relations& r) {
  if (post.account_id == viewer) return true;
  if (post.is_reblog()) {
    // Not one's own posts coming back, nor the posts of someone muted, through a reblog.
    if (post.reblog_of_account_id == viewer || r.mutes(post.reblog_of_account_id)) return false;
  }
  if (r.mutes(post.account_id)) return false;
  if (!r.follows_account(post.account_id)) {
    // A public post of someone not followed, through a hashtag the reader follows.
    if (post.visibility != Visibility::kPublic || post.is_reblog()) return false;
    return std::any_of(post.tags.begin(), post.tags.end(), [&](const std::string& t) {
      const Id node = tag_node(t);
      return std::find(r.followed_tags.begin(), r.followed_tags.end(), node) != r.followed_tags.end();
    });
  }
  // A direct post, only to those it mentions (who follow its author, as above).
  if (post.visibility == Visibility::kDirect)
    return std::find(post.mention_ids.begin(), post.mention_ids.end(), viewer) != post.mention_ids.end();
  // A reply to someone else shows only to those who follow both, as on Mastodon.
  if (!post.in_reply_to_account_id.is_none() && post.in_reply_to_account_id != post.account_id &&
      post.in_reply_to_account_id != viewer && !r.follows_account(post.in_reply_to_account_id))
    return false;
  return true;
}

template <class Keep>
Result<Page<PostView>> FeedService::merged(const Viewer& viewer, const std::vector<Source>& sources,
                                           const ListQuery& lq, Needs needs, Keep keep) const {
  bool reverse = false;
  store::RangeQuery rq = to_range_query(lq, reverse);
  Page<PostView> page;
  page.positions.reserve(lq.limit);
  // Posts already taken or refused (sorted; a page holds tens of them, so no hash set).
  std::vector<Id> seen;
  auto was_seen = [&](Id id) { return std::binary_search(seen.begin(), seen.end(), id); };
  auto mark_seen = [&](Id id) {
    auto at = std::lower_bound(seen.begin(), seen.end(), id);
    if (at != seen.end() && *at == id) return false;
    seen.insert(at, id);
    return true;
  };
  for (int round = 0; round < kMaxRounds && page.items.size() < lq.limit; ++round) {
    std::vector<store::Assoc> all;
    bool more = false;
    auto read = [&](const Source& src) -> Status {
      KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(src.from, src.type, rq));
      more = more || range.more;
      for (auto& a : range.items) all.push_back(std::move(a));
      return Status::ok();
    };
    // Sources of unknown extent first; then those whose newest entry can still make this round:
    // newer than the round's oldest entry so far (when that many were read), or, walking
    // oldest first, newer than the cursor.
    for (const auto& src : sources)
      if (src.newest.is_none()) KINDRED_RETURN_IF_ERROR(read(src));
    Id bound;
    if (!rq.oldest_first && all.size() >= rq.limit) {
      std::vector<Id> positions;
      for (const auto& a : all) positions.push_back(a.position);
      std::nth_element(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(rq.limit - 1),
                       positions.end(), std::greater<>());
      bound = positions[rq.limit - 1];
    } else if (rq.oldest_first) {
      bound = rq.min_position;
    }
    for (const auto& src : sources) {
      if (src.newest.is_none()) continue;
      const bool cannot_reach = rq.oldest_first ? !bound.is_none() && src.newest <= bound
                                                : !bound.is_none() && src.newest < bound;
      if (cannot_reach) {
        more = more || !rq.oldest_first;  // its entries may belong to a later round
        continue;
      }
      KINDRED_RETURN_IF_ERROR(read(src));
    }
    std::stable_sort(all.begin(), all.end(), [&](const store::Assoc& a, const store::Assoc& b) {
      return rq.oldest_first ? a.position < b.position : a.position > b.position;
    });
    if (all.size() > rq.limit) {
      all.resize(rq.limit);
      more = true;
    }
    if (all.empty()) break;
    std::vector<Id> ids;        // new posts of this round, in order
    std::vector<Id> positions;  // their entries' positions
    for (const auto& a : all) {
      if (was_seen(a.to) || std::find(ids.begin(), ids.end(), a.to) != ids.end()) continue;
      ids.push_back(a.to);
      positions.push_back(a.position);
    }
    KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.visible_posts(viewer, ids));
    KINDRED_ASSIGN_OR_RETURN(Relations rel, relations_with(viewer, posts, needs));
    std::vector<Post> kept;
    kept.reserve(posts.size());
    for (auto& p : posts) {
      if (page.items.size() + kept.size() >= lq.limit) break;
      if (!mark_seen(p.id) || !keep(p, rel)) continue;
      kept.push_back(std::move(p));
    }
    KINDRED_ASSIGN_OR_RETURN(auto views, posts_.views_of(viewer, std::move(kept)));
    for (const auto& v : views) {
      page.positions.push_back(positions[static_cast<size_t>(
          std::find(ids.begin(), ids.end(), v.post.id) - ids.begin())]);
    }
    if (page.items.empty()) {
      page.items = std::move(views);  // the usual single round: no view is moved one by one
    } else {
      for (auto& v : views) page.items.push_back(std::move(v));
    }
    if (!more) break;
    if (rq.oldest_first) {
      rq.min_position = all.back().position;
    } else {
      rq.max_position = all.back().position;
    }
  }
  if (reverse) {
    std::reverse(page.items.begin(), page.items.end());
    std::reverse(page.positions.begin(), page.positions.end());
  }
  return page;
}

Result<Page<PostView>> FeedService::home(const Viewer& viewer, const ListQuery& q) const {
  std::vector<Source> sources{{viewer.account_id, AssocType::kHomeFeed, Id()}};
  KINDRED_ASSIGN_OR_RETURN(auto large, large_accounts());
  if (!large.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto followed, deps_.store.assocs_exist(viewer.account_id,
                                                                     AssocType::kFollows, large));
    for (size_t i = 0; i < large.size(); ++i) {
      if (!followed[i]) continue;
      KINDRED_ASSIGN_OR_RETURN(Id newest, newest_post_of_large(large[i]));
      if (newest.is_none()) continue;  // has never posted
      sources.push_back({large[i], AssocType::kAuthored, newest});
    }
  }
  const Id me = viewer.account_id;
  // Members of exclusive lists are read for this request only; for the many without such lists
  // that is one count, from memory.
  KINDRED_ASSIGN_OR_RETURN(const std::vector<Id> excluded, exclusive_list_members(deps_.store, me));
  std::vector<Id> shown;  // originals on this page
  return merged(viewer, sources, q, Needs::kMutesAndFollows, [&](const Post& p, const Relations& r) {
    const Id original = p.is_reblog() ? p.reblog_of_id : p.id;
    if (!wanted_in_home(me, p, r) || std::find(shown.begin(), shown.end(), original) != shown.end())
      return false;
    if (!excluded.empty() && p.account_id != me &&
        std::binary_search(excluded.begin(), excluded.end(), p.account_id))
      return false;
    shown.push_back(original);
    return true;
  });
}

Result<Page<PostView>> FeedService::list_timeline(const Viewer& viewer, const List& list,
                                                  const std::vector<Id>& members,
                                                  const ListQuery& q) const {
  std::vector<Source> sources;
  sources.reserve(members.size());
  for (Id m : members) sources.push_back({m, AssocType::kAuthored, Id()});
  if (sources.empty()) return Page<PostView>{};
  const Id me = viewer.account_id;
  auto member = [&](Id id) { return std::binary_search(members.begin(), members.end(), id); };
  std::vector<Id> shown;  // originals on this page
  return merged(viewer, sources, q, Needs::kMutesAndFollows, [&](const Post& p, const Relations& r) {
    if (p.visibility == Visibility::kDirect) return false;  // lists get no direct posts
    if (p.account_id != me && (!r.follows_account(p.account_id) || r.mutes(p.account_id)))
      return false;
    if (p.is_reblog() && (p.reblog_of_account_id == me || r.mutes(p.reblog_of_account_id)))
      return false;
    // As Mastodon's FeedManager#filter_from_list?: a reply to someone else than its author and
    // the owner shows as the list's policy says.
    const Id to = p.in_reply_to_account_id;
    if (!to.is_none() && to != p.account_id && to != me) {
      switch (list.replies_policy) {
        case RepliesPolicy::kFollowed:
          if (!r.follows_account(to)) return false;
          break;
        case RepliesPolicy::kList:
          if (!member(to)) return false;
          break;
        case RepliesPolicy::kNone:
          return false;
      }
    }
    const Id original = p.is_reblog() ? p.reblog_of_id : p.id;
    if (std::find(shown.begin(), shown.end(), original) != shown.end()) return false;
    shown.push_back(original);
    return true;
  });
}

// REQUIRES: large_mutex_ held. With several nodes (CacheAge bounded), another node may have
// found a new large account or noted a newer post of one: forget both once older than the bound.
void FeedService::expire_large_if_stale() const {
  if (!CacheAge::bounded() || CacheAge::fresh(large_expiry_)) return;
  large_loaded_ = false;
  large_.clear();
  large_newest_.clear();
  large_expiry_ = CacheAge::expiry_from_now();
}

Result<std::vector<Id>> FeedService::large_accounts() const {
  {
    std::scoped_lock lock(large_mutex_);
    expire_large_if_stale();
    if (large_loaded_) return large_;
  }
  store::RangeQuery all;
  all.limit = kMaxLargeAccounts;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode,
                                                              AssocType::kLargeAccounts, all));
  std::scoped_lock lock(large_mutex_);
  if (!large_loaded_) {  // another reader may have loaded them meanwhile, and fan_out added more
    for (const auto& a : page.items)
      if (std::find(large_.begin(), large_.end(), a.to) == large_.end()) large_.push_back(a.to);
    large_loaded_ = true;
  }
  return large_;
}

Result<Id> FeedService::newest_post_of_large(Id account) const {
  {
    std::scoped_lock lock(large_mutex_);
    expire_large_if_stale();
    if (auto it = large_newest_.find(account); it != large_newest_.end()) return it->second;
  }
  store::RangeQuery q;
  q.limit = 1;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(account, AssocType::kAuthored, q));
  const Id read = page.items.empty() ? Id() : page.items.front().position;
  std::scoped_lock lock(large_mutex_);
  Id& newest = large_newest_[account];  // post_created may have noted a newer one meanwhile
  newest = std::max(newest, read);
  return newest;
}

bool FeedService::silenced_for(const Viewer& viewer, const Post& p) const {
  // A silenced (limited) account's posts leave the public and hashtag timelines, as Mastodon's
  // PublicFeed leaves them out; its own author still sees them.
  return p.account_id != viewer.account_id && posts_.accounts().silenced(p.account_id);
}

Result<Page<PostView>> FeedService::public_timeline(const Viewer& viewer, const ListQuery& q,
                                                    bool only_media) const {
  const Source src{store::kInstanceNode,
                   only_media ? AssocType::kInstanceMediaStatuses : AssocType::kInstanceStatuses, Id()};
  return merged(viewer, {src}, q, Needs::kMutes, [&](const Post& p, const Relations& r) {
    if (p.visibility != Visibility::kPublic || p.is_reblog()) return false;
    // Replies to others stay in their conversations, as on Mastodon's public timelines.
    if (!p.in_reply_to_account_id.is_none() && p.in_reply_to_account_id != p.account_id) return false;
    if (silenced_for(viewer, p)) return false;
    return !r.mutes(p.account_id);
  });
}

Result<Page<PostView>> FeedService::tag_timeline(const Viewer& viewer, std::string_view tag,
                                                 const ListQuery& q, bool only_media) const {
  if (!tag.empty() && tag.front() == '#') tag.remove_prefix(1);
  if (tag.empty()) return Status::invalid_argument("Validation failed: Hashtag can't be blank");
  const std::string name = ascii_lower(tag);
  return merged(viewer, {{tag_node(name), AssocType::kTagStatuses, Id()}}, q, Needs::kMutes,
                [&](const Post& p, const Relations& r) {
    if (p.visibility != Visibility::kPublic) return false;
    if (only_media && p.media_ids.empty()) return false;
    // The node is a hash: make sure the post really uses this tag.
    if (std::find(p.tags.begin(), p.tags.end(), name) == p.tags.end()) return false;
    if (silenced_for(viewer, p)) return false;
    return !r.mutes(p.account_id);
  });
}

Result<Page<PostView>> FeedService::account_posts(const Viewer& viewer, Id account_id,
                                                  const ListQuery& q,
                                                  const AccountPostsFilter& f) const {
  auto exists = deps_.store.get_object(store::ObjectType::kAccount, account_id);
  if (!exists.has_value()) {
    if (exists.error().is_not_found()) return Status::not_found("Record not found");
    return exists.error();
  }
  AssocType type = AssocType::kAuthored;
  if (f.pinned) {
    type = AssocType::kPinned;
  } else if (f.only_media) {
    type = AssocType::kAuthoredMedia;
  } else if (f.exclude_replies) {
    type = AssocType::kAuthoredTopLevel;
  }
  return merged(viewer, {{account_id, type, Id()}}, q, Needs::kNothing, [&](const Post& p, const Relations&) {
    if (f.only_media && p.media_ids.empty()) return false;
    if (f.exclude_reblogs && p.is_reblog()) return false;
    // Threads continued by their author count as top-level, as in Mastodon.
    if (f.exclude_replies && !p.in_reply_to_id.is_none() && p.in_reply_to_account_id != p.account_id)
      return false;
    return true;
  });
}

Result<PostView> FeedService::pin(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
  if (post.visibility == Visibility::kDirect)
    return Status::invalid_argument("Validation failed: Direct posts cannot be pinned");
  if (post.is_reblog())
    return Status::invalid_argument("Validation failed: A boost cannot be pinned");
  // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
  const store::FreshReads fresh;
  KINDRED_ASSIGN_OR_RETURN(bool pinned, deps_.store.assoc_exists(viewer.account_id,
                                                                 AssocType::kPinned, post.id));
  if (!pinned) {
    KINDRED_ASSIGN_OR_RETURN(int64_t count, deps_.store.assoc_count(viewer.account_id, AssocType::kPinned));
    if (count >= static_cast<int64_t>(kMaxPins))
      return Status::invalid_argument("Validation failed: You have already pinned the maximum number of posts");
    store::Batch b;
    b.add_assoc({viewer.account_id, AssocType::kPinned, post.id, deps_.ids.next(), {}});
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  return posts_.view_of(viewer, std::move(post));
}

Result<PostView> FeedService::unpin(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kPinned, post.id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return posts_.view_of(viewer, std::move(post));
}

}  // namespace kindred::social
