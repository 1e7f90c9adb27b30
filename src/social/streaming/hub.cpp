#include "social/streaming/hub.h"

#include <algorithm>
#include <array>
#include <iostream>
#include <random>
#include <type_traits>
#include <utility>

#include "core/codec.h"
#include "social/care/filters.h"

namespace kindred::social {

namespace {

struct NamedStream {
  StreamName name;
  std::string_view text;
};
constexpr std::array<NamedStream, 13> kStreamNames{{
    {StreamName::kUser, "user"},
    {StreamName::kUserNotification, "user:notification"},
    {StreamName::kPublic, "public"},
    {StreamName::kPublicMedia, "public:media"},
    {StreamName::kPublicLocal, "public:local"},
    {StreamName::kPublicLocalMedia, "public:local:media"},
    {StreamName::kPublicRemote, "public:remote"},
    {StreamName::kPublicRemoteMedia, "public:remote:media"},
    {StreamName::kHashtag, "hashtag"},
    {StreamName::kHashtagLocal, "hashtag:local"},
    {StreamName::kDirect, "direct"},
    {StreamName::kList, "list"},
    {StreamName::kKindredStatus, "kindred:status"},
}};

// Work waiting for the hub's thread beyond this is dropped (and said so once per burst): live
// updates are a courtesy, the timelines stay the truth.
constexpr size_t kMaxQueuedWork = 100'000;

}  // namespace

std::optional<StreamName> parse_stream_name(std::string_view name) {
  for (const auto& n : kStreamNames)
    if (n.text == name) return n.name;
  return std::nullopt;
}

std::string_view stream_name(StreamName name) {
  for (const auto& n : kStreamNames)
    if (n.name == name) return n.text;
  return "";
}

bool stream_is_personal(StreamName name) {
  return name == StreamName::kUser || name == StreamName::kUserNotification ||
         name == StreamName::kDirect || name == StreamName::kList;
}

bool stream_needs_tag(StreamName name) {
  return name == StreamName::kHashtag || name == StreamName::kHashtagLocal;
}

bool stream_needs_post(StreamName name) { return name == StreamName::kKindredStatus; }

void StreamCaps::set_limits(size_t per_account, size_t per_address) {
  std::scoped_lock lock(mutex_);
  per_account_limit_ = per_account;
  per_address_limit_ = per_address;
}

std::string StreamCaps::admit(Id account, const std::string& address) {
  std::scoped_lock lock(mutex_);
  if (!account.is_none() && per_account_limit_ > 0 && per_account_[account] >= per_account_limit_)
    return "Too many streaming connections for this account";
  if (per_address_limit_ > 0 && per_address_[address] >= per_address_limit_)
    return "Too many streaming connections from this address";
  if (!account.is_none()) ++per_account_[account];
  ++per_address_[address];
  return "";
}

void StreamCaps::release(Id account, const std::string& address) {
  std::scoped_lock lock(mutex_);
  if (!account.is_none() && --per_account_[account] == 0) per_account_.erase(account);
  if (--per_address_[address] == 0) per_address_.erase(address);
}

StreamHub::StreamHub(const store::Store& store, const PostService& posts,
                     const NotificationService& notifications,
                     const ConversationService& conversations, const ListService& lists)
    : store_(store),
      posts_(posts),
      notifications_(notifications),
      conversations_(conversations),
      lists_(lists) {
  worker_ = std::thread([this] { worker_loop(); });
}

StreamHub::~StreamHub() { stop(); }

void StreamHub::stop() {
  if (relay_target_) {
    std::scoped_lock lock(relay_target_->mutex);
    relay_target_->hub = nullptr;
  }
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void StreamHub::set_live_counts(LiveCounts* live, std::chrono::milliseconds interval) {
  {
    std::scoped_lock lock(mutex_);
    live_ = live;
    counts_interval_ = interval;
  }
  cv_.notify_all();  // the worker starts ticking
}

void StreamHub::subscribe(const std::shared_ptr<StreamSubscriber>& subscriber, Viewer viewer,
                          StreamKey key) {
  if (key.name == StreamName::kKindredStatus) {
    // Its author decides who sees a hidden like count, and whom a block cuts off.
    Id author;
    if (auto posts = posts_.stored_posts({key.post}); posts.has_value() && !posts->empty())
      author = posts->front().account_id;
    LiveCounts* live = nullptr;
    {
      std::scoped_lock lock(mutex_);
      auto& readers = counts_subs_[key.post];
      for (const auto& slice : readers.slices)
        if (slice.contains(subscriber.get())) return;
      const Id post = key.post;
      const uint32_t slice = next_slice_++ % kSlices;
      // Never sent (seen 0): its counts go out at its slice's next tick.
      readers.slices[slice].emplace(subscriber.get(), CountsSubscription{subscriber, viewer, std::move(key),
                                                                         author, std::nullopt, 0, slice});
      ++readers.size;
      counts_of_[subscriber.get()].push_back(post);
      live = live_;
      if (live) live->watch(post);
    }
    return;
  }
  std::scoped_lock lock(mutex_);
  for (const auto& s : subscriptions_)
    if (s.id == subscriber.get() && s.key == key) return;
  Subscription s{subscriber, subscriber.get(), viewer, std::move(key)};
  if (stream_is_personal(s.key.name)) by_reader_[viewer.account_id].push_back(s);
  subscriptions_.push_back(std::move(s));
}

void StreamHub::forget_counts(const StreamSubscriber* subscriber, Id post) {
  auto it = counts_subs_.find(post);
  if (it == counts_subs_.end()) return;
  size_t erased = 0;
  for (auto& slice : it->second.slices) erased += slice.erase(subscriber);
  if (erased == 0) return;
  it->second.size -= erased;
  if (it->second.size == 0) counts_subs_.erase(it);
  if (auto of = counts_of_.find(subscriber); of != counts_of_.end()) {
    std::erase(of->second, post);
    if (of->second.empty()) counts_of_.erase(of);
  }
  if (live_) live_->unwatch(post);
}

void StreamHub::forget_personal(const Subscription& s) {
  auto it = by_reader_.find(s.viewer.account_id);
  if (it == by_reader_.end()) return;
  std::erase_if(it->second, [&](const Subscription& p) { return p.id == s.id && p.key == s.key; });
  if (it->second.empty()) by_reader_.erase(it);
}

void StreamHub::unsubscribe(const StreamSubscriber* subscriber, const StreamKey& key) {
  std::scoped_lock lock(mutex_);
  if (key.name == StreamName::kKindredStatus) return forget_counts(subscriber, key.post);
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(), [&](const Subscription& s) {
    return s.id == subscriber && s.key == key;
  });
  if (it == subscriptions_.end()) return;
  if (stream_is_personal(it->key.name)) forget_personal(*it);
  subscriptions_.erase(it);
}

void StreamHub::remove(const StreamSubscriber* subscriber) {
  std::scoped_lock lock(mutex_);
  std::erase_if(subscriptions_, [&](const Subscription& s) {
    if (s.id != subscriber) return false;
    if (stream_is_personal(s.key.name)) forget_personal(s);
    return true;
  });
  if (auto of = counts_of_.find(subscriber); of != counts_of_.end()) {
    const std::vector<Id> posts = of->second;
    for (Id post : posts) forget_counts(subscriber, post);
  }
}

size_t StreamHub::subscriptions(const StreamSubscriber* subscriber) const {
  std::scoped_lock lock(mutex_);
  auto of = counts_of_.find(subscriber);
  return (of == counts_of_.end() ? 0 : of->second.size()) +
         static_cast<size_t>(std::count_if(subscriptions_.begin(), subscriptions_.end(),
                                           [&](const Subscription& s) { return s.id == subscriber; }));
}

void StreamHub::relay_through(SharedState& shared) {
  relay_ = &shared;
  std::random_device rd;
  origin_ = (static_cast<uint64_t>(rd()) << 32) | rd();
  relay_target_ = std::make_shared<RelayTarget>();
  relay_target_->hub = this;
  Status s = shared.subscribe(std::string(kStreamChannel), [target = relay_target_](std::string_view bytes) {
    std::scoped_lock lock(target->mutex);
    if (target->hub != nullptr) target->hub->on_relayed(bytes);
  });
  if (!s.is_ok())
    std::cerr << "kindred streaming: not yet subscribed to other nodes' updates (" << s.to_string()
              << "); subscribing when Redis answers\n";
}

void StreamHub::publish_post(Relayed kind, const Post& post) {
  RecordWriter w;
  w.put_u64(origin_);
  w.put_u64(static_cast<uint64_t>(kind));
  w.put_str(post.encode());
  (void)relay_->publish(kStreamChannel, w.bytes());  // Redis down: other nodes miss it
}

void StreamHub::publish_batch(const store::Batch& batch, const store::BatchOutcome& outcome) {
  // What apply_batch reads: the edges it looks at that were added, the removals that mean a
  // merge or a filter gone, and filters written.
  RecordWriter w;
  w.put_u64(origin_);
  w.put_u64(static_cast<uint64_t>(Relayed::kBatch));
  std::vector<const store::Assoc*> adds;
  for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
    const store::Assoc& a = batch.assoc_adds[i].assoc;
    if (a.type != store::AssocType::kHomeFeed && a.type != store::AssocType::kNotifications &&
        a.type != store::AssocType::kConversations && a.type != store::AssocType::kBlocks)
      continue;
    if (i < outcome.assoc_added.size() && !outcome.assoc_added[i]) continue;
    adds.push_back(&a);
  }
  w.put_u64(adds.size());
  for (const store::Assoc* a : adds) {
    w.put_u64(static_cast<uint64_t>(a->type));
    w.put_u64(a->from.value);
    w.put_u64(a->to.value);
    w.put_u64(a->position.value);
    w.put_str(a->data);
  }
  std::vector<const store::Batch::AssocRemove*> removes;
  for (const auto& r : batch.assoc_removes)
    if (r.type == store::AssocType::kRequestNotifications || r.type == store::AssocType::kFilters)
      removes.push_back(&r);
  w.put_u64(removes.size());
  for (const auto* r : removes) {
    w.put_u64(static_cast<uint64_t>(r->type));
    w.put_u64(r->from.value);
    w.put_u64(r->to.value);
  }
  std::vector<const store::Batch::ObjectPut*> puts;
  for (const auto& put : batch.object_puts)
    if (put.type == store::ObjectType::kFilter) puts.push_back(&put);
  w.put_u64(puts.size());
  for (const auto* put : puts) {
    w.put_u64(put->id.value);
    w.put_str(put->bytes);
  }
  (void)relay_->publish(kStreamChannel, w.bytes());
}

void StreamHub::on_relayed(std::string_view bytes) {
  RecordReader r(bytes);
  uint64_t origin = 0, kind = 0;
  if (!r.get_u64(origin) || !r.get_u64(kind)) return;
  if (origin == origin_) return;  // this node's: its subscribers had it
  if (kind == static_cast<uint64_t>(Relayed::kBatch)) {
    store::Batch batch;
    uint64_t n = 0;
    if (!r.get_u64(n)) return;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t type, from, to, position;
      std::string data;
      if (!r.get_u64(type) || !r.get_u64(from) || !r.get_u64(to) || !r.get_u64(position) || !r.get_str(data))
        return;
      batch.add_assoc({Id(from), static_cast<store::AssocType>(type), Id(to), Id(position), std::move(data)});
    }
    if (!r.get_u64(n)) return;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t type, from, to;
      if (!r.get_u64(type) || !r.get_u64(from) || !r.get_u64(to)) return;
      batch.remove_assoc(Id(from), static_cast<store::AssocType>(type), Id(to));
    }
    if (!r.get_u64(n)) return;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t id;
      std::string put;
      if (!r.get_u64(id) || !r.get_str(put)) return;
      batch.put_object(store::ObjectType::kFilter, Id(id), std::move(put));
    }
    store::BatchOutcome outcome;  // only edges that were added were sent
    outcome.assoc_added.assign(batch.assoc_adds.size(), true);
    outcome.assoc_removed.assign(batch.assoc_removes.size(), true);
    apply_batch(batch, outcome);
    return;
  }
  std::string encoded;
  if (!r.get_str(encoded)) return;
  auto post = Post::decode(encoded);
  if (!post.has_value()) return;
  {
    std::scoped_lock lock(mutex_);
    const bool wanted = !subscriptions_.empty() ||
                        (kind == static_cast<uint64_t>(Relayed::kRemoved) && !counts_subs_.empty());
    if (!wanted) return;
  }
  switch (static_cast<Relayed>(kind)) {
    case Relayed::kCreated: enqueue(Created{std::move(*post)}); break;
    case Relayed::kRemoved: enqueue(Removed{std::move(*post)}); break;
    case Relayed::kEdited: enqueue(Edited{std::move(*post)}); break;
    case Relayed::kBatch: break;
  }
}

void StreamHub::post_created(const Post& post) {
  if (relay_) publish_post(Relayed::kCreated, post);
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty()) return;
  }
  enqueue(Created{post});
}

void StreamHub::post_removed(const Post& post) {
  if (relay_) publish_post(Relayed::kRemoved, post);
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty() && counts_subs_.empty()) return;
  }
  enqueue(Removed{post});
}

void StreamHub::post_edited(const Post& before, const Post& after) {
  (void)before;
  if (relay_) publish_post(Relayed::kEdited, after);
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty()) return;
  }
  enqueue(Edited{after});
}

void StreamHub::find_personal(const store::Batch& batch, const store::BatchOutcome& outcome,
                              std::vector<Work>& found) const {
  // Accepting a notification request moves its notifications into the list in batches that
  // also empty the request: one notifications_merged, not a notification each.
  const bool merging = std::any_of(batch.assoc_removes.begin(), batch.assoc_removes.end(),
                                   [](const store::Batch::AssocRemove& r) {
                                     return r.type == store::AssocType::kRequestNotifications;
                                   });
  for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
    const store::Assoc& a = batch.assoc_adds[i].assoc;
    if (a.type != store::AssocType::kHomeFeed && a.type != store::AssocType::kNotifications &&
        a.type != store::AssocType::kConversations)
      continue;
    if (i < outcome.assoc_added.size() && !outcome.assoc_added[i]) continue;  // was there
    if (!by_reader_.contains(a.from)) continue;
    if (a.type == store::AssocType::kHomeFeed) {
      found.emplace_back(HomeFeed{a.from, a.to});
    } else if (a.type == store::AssocType::kNotifications && merging) {
      const bool told = std::any_of(found.begin(), found.end(), [&](const Work& w) {
        return std::holds_alternative<Merged>(w) && std::get<Merged>(w).account == a.from;
      });
      if (!told) found.emplace_back(Merged{a.from});
    } else if (a.type == store::AssocType::kNotifications) {
      found.emplace_back(Noticed{a.from, a.to});
    } else if (auto conversation = Id::parse(a.data)) {
      // A conversation's newest post moved: its edge names the conversation in its data.
      found.emplace_back(Conversed{a.from, *conversation});
    }
  }
}

void StreamHub::batch_applied(const store::Batch& batch, const store::BatchOutcome& outcome) {
  // Most writes (a like: its edges and counts) hold nothing a stream is told of: they are let
  // through without the hub's lock, which every network thread would otherwise take per write.
  // A conditional edge that was not written (a repeated like's notification) is nothing.
  const auto watched = [&](size_t i) {
    const store::Batch::AssocAdd& add = batch.assoc_adds[i];
    const auto t = add.assoc.type;
    if (t != store::AssocType::kHomeFeed && t != store::AssocType::kNotifications &&
        t != store::AssocType::kConversations && t != store::AssocType::kBlocks)
      return false;
    return add.only_if_added == store::Batch::kAlways ||
           (i < outcome.assoc_added.size() && outcome.assoc_added[i]);
  };
  bool any_watched = false;
  for (size_t i = 0; i < batch.assoc_adds.size() && !any_watched; ++i) any_watched = watched(i);
  const bool relevant =
      any_watched ||
      std::any_of(batch.object_puts.begin(), batch.object_puts.end(),
                  [](const auto& put) { return put.type == store::ObjectType::kFilter; }) ||
      std::any_of(
          batch.assoc_removes.begin(), batch.assoc_removes.end(),
          [](const store::Batch::AssocRemove& r) { return r.type == store::AssocType::kFilters; });
  if (!relevant) return;
  if (relay_) publish_batch(batch, outcome);
  apply_batch(batch, outcome);
}

void StreamHub::apply_batch(const store::Batch& batch, const store::BatchOutcome& outcome) {
  std::vector<Work> found;
  {
    std::scoped_lock lock(mutex_);
    // A block ends the blocked reader's (and the blocker's) live counts of the other's posts.
    if (!counts_subs_.empty()) {
      for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
        const store::Assoc& a = batch.assoc_adds[i].assoc;
        if (a.type == store::AssocType::kBlocks) found.emplace_back(Blocked{a.from, a.to});
      }
    }
    if (by_reader_.empty()) {
      if (found.empty()) return;
    } else {
      find_personal(batch, outcome, found);
    }
  }
  // A filter written (created, edited) or taken off its owner's list (deleted).
  for (const auto& put : batch.object_puts) {
    if (put.type != store::ObjectType::kFilter) continue;
    auto f = Filter::decode(put.bytes);
    if (f.has_value() && listens(f->account_id)) found.emplace_back(FiltersChanged{f->account_id});
  }
  for (const auto& r : batch.assoc_removes)
    if (r.type == store::AssocType::kFilters && listens(r.from)) found.emplace_back(FiltersChanged{r.from});
  for (auto& w : found) enqueue(std::move(w));
}

void StreamHub::enqueue(Work work) {
  {
    std::scoped_lock lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= kMaxQueuedWork) {
      if (queue_.size() == kMaxQueuedWork)
        std::cerr << "kindred streaming: the hub is behind; live updates are dropped\n";
      return;
    }
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
}

void StreamHub::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void StreamHub::worker_loop() {
  std::unique_lock lock(mutex_);
  auto next_tick = std::chrono::steady_clock::now();
  uint32_t slice = 0;
  for (;;) {
    const auto ready = [&] { return !queue_.empty() || stopping_; };
    if (live_) {
      cv_.wait_until(lock, next_tick, ready);
    } else {
      cv_.wait(lock, [&] { return ready() || live_ != nullptr; });
    }
    if (stopping_) return;
    // Live counts go out on the interval, between work items: a queue that never empties does
    // not hold them back.
    if (live_ && std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + counts_interval_ / kSlices;
      slice = (slice + 1) % kSlices;
      if (!counts_subs_.empty()) {
        busy_ = true;
        LiveCounts* live = live_;
        lock.unlock();
        tick(*live, slice);
        lock.lock();
        busy_ = false;
        if (queue_.empty()) idle_cv_.notify_all();
      }
      continue;
    }
    if (queue_.empty()) continue;
    Work work = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    // Work for one reader takes only that reader's subscriptions.
    const Id reader = std::visit(
        [](const auto& w) -> Id {
          using W = std::decay_t<decltype(w)>;
          if constexpr (std::is_same_v<W, HomeFeed>) return w.reader;
          if constexpr (std::is_same_v<W, Noticed>) return w.recipient;
          if constexpr (std::is_same_v<W, Conversed> || std::is_same_v<W, FiltersChanged> ||
                        std::is_same_v<W, Merged>)
            return w.account;
          return Id();
        },
        work);
    std::vector<Subscription> subs;
    if (reader.is_none()) {
      subs = subscriptions_;
    } else if (auto it = by_reader_.find(reader); it != by_reader_.end()) {
      subs = it->second;  // an index: 10,000 readers' fan-out is not 10,000 scans of every stream
    }
    lock.unlock();
    std::visit([&](const auto& w) { handle(w, subs); }, work);
    subs.clear();  // subscribers released outside the lock
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

std::optional<PostView> StreamHub::shown(const Viewer& viewer, Id post, bool home) const {
  auto view = posts_.get(viewer, post);  // visibility, blocks both ways
  if (!view.has_value()) return std::nullopt;
  std::vector<PostView> views;
  views.push_back(std::move(*view));
  if (!posts_.drop_muted(viewer, views).is_ok()) return std::nullopt;
  drop_hidden(views, home ? FilterContext::kHome : FilterContext::kPublic, viewer.account_id);
  if (views.empty()) return std::nullopt;
  return std::move(views.front());
}

bool StreamHub::public_stream_wants(const StreamKey& key, const Post& post) {
  if (post.visibility != Visibility::kPublic || post.is_reblog()) return false;
  switch (key.name) {
    case StreamName::kPublic:
    case StreamName::kPublicLocal:
      return true;
    case StreamName::kPublicMedia:
    case StreamName::kPublicLocalMedia:
      return !post.media_ids.empty();
    case StreamName::kHashtag:
    case StreamName::kHashtagLocal:
      return std::find(post.tags.begin(), post.tags.end(), key.tag) != post.tags.end();
    default:  // remote streams (nothing here is remote) and personal ones
      return false;
  }
}

void StreamHub::send(const Subscription& sub, const StreamItem& item) {
  if (auto s = sub.subscriber.lock()) s->deliver(sub.key, item);
}

void StreamHub::handle(const Created& w, const std::vector<Subscription>& subs) {
  const Post& p = w.post;
  // Other people's posts reach home feeds through their fan-out (HomeFeed); one's own post is on
  // one's home timeline at once. A large account's posts are not written into its followers'
  // feeds (home timelines merge them in when read), so no HomeFeed edge tells of them: its
  // followers' `user` streams are given them here, by home's rules. (Direct posts are written
  // to those they mention whoever the author is.)
  const bool others_listen = std::any_of(subs.begin(), subs.end(), [&](const Subscription& s) {
    return s.key.name == StreamName::kUser && s.viewer.account_id != p.account_id;
  });
  const bool large = others_listen && p.visibility != Visibility::kDirect && is_large(p.account_id);
  deliver_post(p, StreamItem::Event::kUpdate, subs, [&](Id reader) {
    if (p.account_id == reader) return true;
    return large && large_post_in_home(reader, p);
  });
}

bool StreamHub::is_large(Id account) const {
  auto marked = store_.assoc_exists(store::kInstanceNode, store::AssocType::kLargeAccounts, account);
  if (marked.has_value() && *marked) return true;
  // Its first post as a large account: the fan-out marks it, maybe after this.
  auto followers = store_.assoc_count(account, store::AssocType::kFollowedBy);
  return followers.has_value() && *followers > large_account_followers_;
}

bool StreamHub::large_post_in_home(Id reader, const Post& p) const {
  auto follows = [&](Id account) {
    auto f = store_.assoc_exists(reader, store::AssocType::kFollows, account);
    return f.has_value() && *f;
  };
  if (!follows(p.account_id)) return false;
  // Not one's own post coming back through a reblog.
  if (p.is_reblog() && p.reblog_of_account_id == reader) return false;
  // A reply to someone else shows only to those who follow both, as on Mastodon.
  if (!p.in_reply_to_account_id.is_none() && p.in_reply_to_account_id != p.account_id &&
      p.in_reply_to_account_id != reader && !follows(p.in_reply_to_account_id))
    return false;
  return true;
}

void StreamHub::deliver_post(const Post& post, StreamItem::Event event,
                             const std::vector<Subscription>& subs,
                             const std::function<bool(Id)>& in_home) {
  for (const auto& sub : subs) {
    if (sub.key.name == StreamName::kList) {
      deliver_to_list(sub, post, event);
      continue;
    }
    bool home = false;
    if (sub.key.name == StreamName::kUser) {
      if (!in_home(sub.viewer.account_id)) continue;
      home = true;
    } else if (!public_stream_wants(sub.key, post)) {
      continue;
    }
    auto view = shown(sub.viewer, post.id, home);
    if (!view) continue;
    StreamItem item;
    item.event = event;
    item.post = &*view;
    send(sub, item);
  }
}

void StreamHub::handle(const Removed& w, const std::vector<Subscription>& subs) {
  // Those who had it open: the post is gone, and so is its counts stream.
  end_counts([&](const CountsSubscription& c) { return c.key.post == w.post.id; });
  for (const auto& sub : subs) {
    if (sub.key.name == StreamName::kUserNotification || sub.key.name == StreamName::kDirect)
      continue;
    if (sub.key.name == StreamName::kList) {
      // Its author is a member of the list.
      auto with = lists_.lists_with(sub.viewer.account_id, w.post.account_id);
      if (!with.has_value() ||
          std::none_of(with->begin(), with->end(), [&](const List& l) { return l.id == sub.key.list; }))
        continue;
    } else if (sub.key.name != StreamName::kUser && !public_stream_wants(sub.key, w.post)) {
      continue;
    }
    // Everyone who may have seen it is told (as Mastodon tells every follower's stream).
    if (!posts_.can_see(sub.viewer, w.post)) continue;
    StreamItem item;
    item.event = StreamItem::Event::kDelete;
    item.deleted = w.post.id;
    send(sub, item);
  }
}

void StreamHub::handle(const Edited& w, const std::vector<Subscription>& subs) {
  // Those whose home timeline holds it: its author, and the feeds it was written into.
  deliver_post(w.post, StreamItem::Event::kStatusUpdate, subs, [&](Id reader) {
    if (w.post.account_id == reader) return true;
    auto in_feed = store_.assoc_exists(reader, store::AssocType::kHomeFeed, w.post.id);
    return in_feed.has_value() && *in_feed;
  });
}

void StreamHub::handle(const HomeFeed& w, const std::vector<Subscription>& subs) {
  std::optional<std::optional<PostView>> view;  // read once, for the first subscription
  for (const auto& sub : subs) {
    if (sub.key.name != StreamName::kUser || sub.viewer.account_id != w.reader) continue;
    if (!view) view = shown(sub.viewer, w.post, /*home=*/true);
    // One's own posts were delivered as they were created (whether or not a fan-out also
    // writes them into one's own feed).
    if (!*view || (*view)->post.account_id == w.reader) return;
    StreamItem item;
    item.post = &**view;
    send(sub, item);
  }
}

void StreamHub::handle(const Noticed& w, const std::vector<Subscription>& subs) {
  std::optional<std::optional<NotificationView>> view;
  for (const auto& sub : subs) {
    if (sub.key.name == StreamName::kDirect || !stream_is_personal(sub.key.name) ||
        sub.viewer.account_id != w.recipient)
      continue;
    if (!view) {
      auto got = notifications_.get(sub.viewer, w.notification);  // blocks, mutes, deletions
      view.emplace(got.has_value() ? std::optional<NotificationView>(std::move(*got)) : std::nullopt);
    }
    if (!*view) return;
    StreamItem item;
    item.event = StreamItem::Event::kNotification;
    item.notification = &**view;
    send(sub, item);
  }
}

void StreamHub::handle(const Conversed& w, const std::vector<Subscription>& subs) {
  std::optional<std::optional<ConversationView>> view;
  for (const auto& sub : subs) {
    if (sub.key.name != StreamName::kDirect || sub.viewer.account_id != w.account) continue;
    if (!view) {
      auto got = conversations_.get(sub.viewer, w.conversation);  // its visible posts only
      view.emplace(got.has_value() ? std::optional<ConversationView>(std::move(*got)) : std::nullopt);
    }
    if (!*view) return;
    StreamItem item;
    item.event = StreamItem::Event::kConversation;
    item.conversation = &**view;
    send(sub, item);
  }
}

void StreamHub::deliver_to_list(const Subscription& sub, const Post& post, StreamItem::Event event) {
  // The list timeline itself, read around this one post: its rules (members the owner follows,
  // replies policy, mutes, no direct posts) decide.
  ListQuery q;
  q.max_id = Id{post.id.value + 1};
  q.since_id = Id{post.id.value - 1};
  q.limit = 1;
  auto page = lists_.timeline(sub.viewer, sub.key.list, q);
  if (!page.has_value()) return;
  drop_hidden(page->items, FilterContext::kHome, sub.viewer.account_id);  // as the list route
  if (page->items.empty() || page->items.front().post.id != post.id) return;
  StreamItem item;
  item.event = event;
  item.post = &page->items.front();
  send(sub, item);
}

bool StreamHub::listens(Id account) const {
  std::scoped_lock lock(mutex_);
  return by_reader_.contains(account);
}

void StreamHub::handle(const FiltersChanged& w, const std::vector<Subscription>& subs) {
  for (const auto& sub : subs) {
    if (sub.key.name != StreamName::kUser || sub.viewer.account_id != w.account) continue;
    StreamItem item;
    item.event = StreamItem::Event::kFiltersChanged;
    send(sub, item);
  }
}

void StreamHub::handle(const Merged& w, const std::vector<Subscription>& subs) {
  for (const auto& sub : subs) {
    const bool notices = sub.key.name == StreamName::kUser ||
                         sub.key.name == StreamName::kUserNotification;
    if (!notices || sub.viewer.account_id != w.account) continue;
    StreamItem item;
    item.event = StreamItem::Event::kNotificationsMerged;
    send(sub, item);
  }
}

void StreamHub::handle(const Blocked& w, const std::vector<Subscription>& subs) {
  (void)subs;
  // As the post's page would answer 404 to either of them now.
  end_counts([&](const CountsSubscription& c) {
    return (c.viewer.account_id == w.blocked && c.author == w.blocker) ||
           (c.viewer.account_id == w.blocker && c.author == w.blocked);
  });
}

void StreamHub::end_counts(const std::function<bool(const CountsSubscription&)>& drop) {
  struct Ended {
    const StreamSubscriber* id;
    std::weak_ptr<StreamSubscriber> subscriber;
    StreamKey key;
  };
  std::vector<Ended> ended;
  {
    std::scoped_lock lock(mutex_);
    for (const auto& [post, readers] : counts_subs_)
      for (const auto& slice : readers.slices)
        for (const auto& [id, sub] : slice)
          if (drop(sub)) ended.push_back({id, sub.subscriber, sub.key});
    for (const Ended& e : ended) forget_counts(e.id, e.key.post);
  }
  for (const Ended& e : ended) {
    StreamItem item;
    item.event = StreamItem::Event::kDelete;
    item.deleted = e.key.post;
    if (auto s = e.subscriber.lock()) s->deliver(e.key, item);
  }
}

void StreamHub::tick(LiveCounts& live, uint32_t slice) {
  // The posts whose counts moved past what a subscription of this slice was last sent. Versions
  // are read before the counts: a change after that moves the version again, so no reader is
  // left with anything but the final counts.
  std::vector<Id> due;
  std::vector<uint64_t> due_versions;
  // Several nodes: a like on another node moves no version here, so every watched post is read
  // (once per interval) and its readers sent what differs from what they were sent last.
  const bool poll = relay_ != nullptr;
  {
    std::scoped_lock lock(mutex_);
    for (const auto& [post, readers] : counts_subs_) {
      const auto& subs = readers.slices[slice];
      if (subs.empty()) continue;
      const uint64_t v = live.version(post);
      for (const auto& [id, sub] : subs) {
        if (sub.seen == v && !poll) continue;
        due.push_back(post);
        due_versions.push_back(v);
        break;
      }
    }
  }
  if (due.empty()) return;
  auto counts = live.read(due);
  if (!counts.has_value()) {
    std::cerr << "kindred streaming: reading live counts failed: " << counts.error().to_string() << '\n';
    return;
  }
  struct Out {
    std::weak_ptr<StreamSubscriber> subscriber;
    StreamKey key;
    PostCounts counts;
    bool hidden;
    size_t rendered;  // in `rendered`: one per post and hidden-or-not, shared by its readers
  };
  std::vector<Out> out;
  std::vector<std::unique_ptr<StreamItem::Rendered>> rendered;
  {
    std::scoped_lock lock(mutex_);
    size_t next = 0;  // counts come in due's order, deleted posts left out
    for (size_t d = 0; d < due.size(); ++d) {
      const ChangedCounts* c = nullptr;
      if (next < counts->size() && (*counts)[next].post_id == due[d]) c = &(*counts)[next++];
      std::array<std::optional<size_t>, 2> shared;  // rendered bytes: [shown, hidden]
      auto it = counts_subs_.find(due[d]);
      if (it == counts_subs_.end()) continue;
      for (auto& [id, sub] : it->second.slices[slice]) {
        if (sub.seen == due_versions[d] && !poll) continue;
        sub.seen = due_versions[d];
        if (c == nullptr) continue;  // deleted: its subscribers are told by handle(Removed)
        const bool hidden = c->favourites_hidden && sub.viewer.account_id != c->author_id;
        PostCounts shown = *c;
        if (hidden) shown.favourites = 0;
        if (sub.last == shown) continue;  // e.g. a like and its undoing within one interval
        sub.last = shown;
        auto& slot = shared[hidden ? 1 : 0];
        if (!slot) {
          slot = rendered.size();
          rendered.push_back(std::make_unique<StreamItem::Rendered>());
        }
        out.push_back({sub.subscriber, sub.key, shown, hidden, *slot});
      }
    }
  }
  for (const Out& o : out) {
    auto s = o.subscriber.lock();
    if (!s) continue;
    StreamItem item;
    item.event = StreamItem::Event::kCounts;
    item.counts = &o.counts;
    item.favourites_hidden = o.hidden;
    item.rendered = rendered[o.rendered].get();
    s->deliver(o.key, item);
  }
}

}  // namespace kindred::social
