#include "social/streaming/hub.h"

#include <algorithm>
#include <array>
#include <iostream>
#include <type_traits>
#include <utility>

#include "social/care/filters.h"

namespace kindred::social {

namespace {

struct NamedStream {
  StreamName name;
  std::string_view text;
};
constexpr std::array<NamedStream, 12> kStreamNames{{
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
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void StreamHub::subscribe(const std::shared_ptr<StreamSubscriber>& subscriber, Viewer viewer,
                          StreamKey key) {
  std::scoped_lock lock(mutex_);
  for (const auto& s : subscriptions_)
    if (s.id == subscriber.get() && s.key == key) return;
  if (stream_is_personal(key.name)) ++readers_[viewer.account_id];
  subscriptions_.push_back({subscriber, subscriber.get(), viewer, std::move(key)});
}

void StreamHub::unsubscribe(const StreamSubscriber* subscriber, const StreamKey& key) {
  std::scoped_lock lock(mutex_);
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(), [&](const Subscription& s) {
    return s.id == subscriber && s.key == key;
  });
  if (it == subscriptions_.end()) return;
  if (stream_is_personal(it->key.name) && --readers_[it->viewer.account_id] == 0)
    readers_.erase(it->viewer.account_id);
  subscriptions_.erase(it);
}

void StreamHub::remove(const StreamSubscriber* subscriber) {
  std::scoped_lock lock(mutex_);
  std::erase_if(subscriptions_, [&](const Subscription& s) {
    if (s.id != subscriber) return false;
    if (stream_is_personal(s.key.name) && --readers_[s.viewer.account_id] == 0)
      readers_.erase(s.viewer.account_id);
    return true;
  });
}

size_t StreamHub::subscriptions(const StreamSubscriber* subscriber) const {
  std::scoped_lock lock(mutex_);
  return static_cast<size_t>(std::count_if(subscriptions_.begin(), subscriptions_.end(),
                                           [&](const Subscription& s) { return s.id == subscriber; }));
}

void StreamHub::post_created(const Post& post) {
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty()) return;
  }
  enqueue(Created{post});
}

void StreamHub::post_removed(const Post& post) {
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty()) return;
  }
  enqueue(Removed{post});
}

void StreamHub::post_edited(const Post& before, const Post& after) {
  (void)before;
  {
    std::scoped_lock lock(mutex_);
    if (subscriptions_.empty()) return;
  }
  enqueue(Edited{after});
}

void StreamHub::batch_applied(const store::Batch& batch, const store::BatchOutcome& outcome) {
  std::vector<Work> found;
  {
    std::scoped_lock lock(mutex_);
    if (readers_.empty()) return;
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
      if (!readers_.contains(a.from)) continue;
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
  for (;;) {
    cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (stopping_) return;
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
    } else {
      for (const auto& sub : subscriptions_)
        if (sub.viewer.account_id == reader) subs.push_back(sub);
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
  // Other people's posts reach home feeds through their fan-out (HomeFeed); one's own post is on
  // one's home timeline at once.
  deliver_post(w.post, StreamItem::Event::kUpdate, subs, [&](Id reader) {
    return w.post.account_id == reader;
  });
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
  return readers_.contains(account);
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

}  // namespace kindred::social
