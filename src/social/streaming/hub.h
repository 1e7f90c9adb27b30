#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/shared_state.h"
#include "social/graph/conversations.h"
#include "social/graph/lists.h"
#include "social/graph/notifications.h"
#include "social/posts/live_counts.h"
#include "social/posts/posts.h"
#include "store/observed_store.h"

namespace kindred::social {

// Mastodon's streams (its streaming server's channel names).
enum class StreamName : uint8_t {
  kUser,                 // "user": the reader's home feed and notifications
  kUserNotification,     // "user:notification"
  kPublic,               // "public"
  kPublicMedia,          // "public:media"
  kPublicLocal,          // "public:local"
  kPublicLocalMedia,     // "public:local:media"
  kPublicRemote,         // "public:remote": nothing here is remote, so it stays silent
  kPublicRemoteMedia,    // "public:remote:media"
  kHashtag,              // "hashtag" with a tag
  kHashtagLocal,         // "hashtag:local" with a tag
  kDirect,               // "direct": the reader's conversations (Mastodon's `conversation` events)
  kList,                 // "list" with a list of the reader's: what its list timeline shows
  // Kindred's own: "kindred:status" with a post, its exact like, reblog and reply counts as they
  // change (at most once per interval), for a reader who has the post open.
  kKindredStatus,
};
std::optional<StreamName> parse_stream_name(std::string_view name);
std::string_view stream_name(StreamName name);
// Whether the stream needs a signed-in reader (user, direct and list streams) / a tag (hashtag
// streams).
bool stream_is_personal(StreamName name);
bool stream_needs_tag(StreamName name);
bool stream_needs_post(StreamName name);

// One stream a connection follows: a name, and for hashtag streams the tag (lower-cased, no '#'),
// for list streams the list, for kindred:status the post.
struct StreamKey {
  StreamName name = StreamName::kPublic;
  std::string tag;
  Id list = Id();  // (explicit: keeps g++ quiet on {name, tag})
  Id post = Id();
  bool operator==(const StreamKey&) const = default;
};

// What a subscriber is given; already checked against what its REST timeline would show it.
struct StreamItem {
  // kFiltersChanged: the reader's filters changed (no payload), on their `user` stream.
  // kNotificationsMerged: an accepted notification request's notifications joined the reader's
  // (Mastodon's notifications_merged, instead of one notification event each).
  enum class Event {
    kUpdate,
    kDelete,
    kNotification,
    kStatusUpdate,
    kConversation,
    kFiltersChanged,
    kNotificationsMerged,
    kCounts,  // kindred:status: the post's counts as this reader may see them
  };
  Event event = Event::kUpdate;
  // kUpdate, kStatusUpdate (an edit): the post as the reader sees it
  const PostView* post = nullptr;
  Id deleted;                                      // kDelete: the post's id
  const NotificationView* notification = nullptr;  // kNotification
  const ConversationView* conversation = nullptr;  // kConversation
  const PostCounts* counts = nullptr;              // kCounts (favourites 0 when hidden)
  bool favourites_hidden = false;                  // kCounts: the author hid the like count
  // Bytes as a renderer wrote them for this same item and key, given to several subscribers
  // (kCounts: one post's readers in one tick who may see the same counts): the first renders, the
  // others reuse. Null when each subscriber's item is its own. Written on the hub's thread only.
  struct Rendered {
    std::string websocket;     // the API's WebSocket message
    std::string event_stream;  // the API's SSE event
    std::string page;          // the web page's SSE event
  };
  Rendered* rendered = nullptr;
};

// Open streaming connections per account and per address, against caps set at start-up; shared
// by every endpoint that streams (the API's and the web pages'). Thread-safe.
class StreamCaps {
 public:
  // 0: no cap.
  void set_limits(size_t per_account, size_t per_address);
  // Counts one more connection (`account` none for a signed-out reader), or says which cap it
  // would pass ("" when admitted; then release() it once it ends).
  std::string admit(Id account, const std::string& address);
  void release(Id account, const std::string& address);

 private:
  std::mutex mutex_;
  size_t per_account_limit_ = 0;                          // GUARDED_BY(mutex_)
  size_t per_address_limit_ = 0;                          // GUARDED_BY(mutex_)
  std::unordered_map<Id, size_t> per_account_;            // GUARDED_BY(mutex_)
  std::unordered_map<std::string, size_t> per_address_;   // GUARDED_BY(mutex_)
};

// A connection's end of the hub (implemented by the API, which renders and sends). deliver()
// runs on the hub's thread, one call at a time; it must not block (it queues what it sends).
class StreamSubscriber {
 public:
  virtual ~StreamSubscriber() = default;
  virtual void deliver(const StreamKey& key, const StreamItem& item) = 0;
};

// Live updates: connections subscribe to streams, and the hub tells each what its timeline
// would show it as posts are written, deleted and notifications added. It learns of posts as a
// PostListener and of home-feed and notification edges as they are written (a BatchObserver on
// the store the services write through), queues what it learns without reading anything on the
// writer's thread, and does the per-reader checks (visibility, blocks both ways, mutes, filters
// with action hide) on its own thread. Thread-safe.
class StreamHub : public PostListener, public store::BatchObserver {
 public:
  // `store` answers whether a post is in a reader's home feed (who is told of an edit).
  StreamHub(const store::Store& store, const PostService& posts,
            const NotificationService& notifications, const ConversationService& conversations,
            const ListService& lists);
  ~StreamHub() override;  // stop()
  // Drops what is queued and joins the hub's thread: nothing more is delivered, and the services
  // it reads may go (shut-down, before them). Calls still arriving are ignored. Idempotent.
  void stop();
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  // Live counts (kindred:status streams): `live` is told of likes (LikeService) and posts
  // (a PostListener); the hub sends each subscriber a post's changed counts at most once per
  // `interval`, and once soon after it subscribes. Before serving; without it such
  // subscriptions are kept but silent.
  void set_live_counts(LiveCounts* live, std::chrono::milliseconds interval);
  // FeedConfig::large_account_followers: above it an author's posts are not fanned out, and the
  // hub gives them to their followers' `user` streams itself. Before serving.
  void set_large_account_followers(int64_t followers) { large_account_followers_ = followers; }

  // Several nodes (docs/scaling/redis.md): what this node's writes tell the hub (posts created,
  // edited and removed after they were written; home-feed, notification, conversation, block and
  // filter changes after their batch was applied) is also published on kStreamChannel, and what
  // other nodes publish there reaches this node's subscribers as if it had been written here
  // (this node's own messages are skipped: its subscribers had them already). kindred:status
  // readers are sent their post's counts when they differ from what they were last sent, read
  // once per interval whether or not this node saw them move (likes on other nodes are not
  // announced). Redis down: each node's readers hear of what their node writes only. Before
  // serving; `shared` outlives the hub.
  void relay_through(SharedState& shared);
  static constexpr std::string_view kStreamChannel = "kindred:stream";

  // Adds `key` to what `subscriber` (reading as `viewer`) follows; idempotent. The hub holds it
  // weakly: a subscriber gone is forgotten. REQUIRES: a personal stream has a signed-in viewer;
  // a kindred:status post is one the viewer may see (checked by the caller).
  void subscribe(const std::shared_ptr<StreamSubscriber>& subscriber, Viewer viewer, StreamKey key);
  void unsubscribe(const StreamSubscriber* subscriber, const StreamKey& key);
  // Every stream of `subscriber` (its connection closed).
  void remove(const StreamSubscriber* subscriber);
  // Streams `subscriber` follows (tests).
  size_t subscriptions(const StreamSubscriber* subscriber) const;

  void post_created(const Post& post) override;
  void post_removed(const Post& post) override;
  // An edit reaches those whose timeline shows the post (Mastodon's status.update).
  void post_edited(const Post& before, const Post& after) override;
  void batch_applied(const store::Batch& batch, const store::BatchOutcome& outcome) override;

  // Blocks until everything queued so far was delivered (tests).
  void wait_idle();

  StreamCaps& caps() { return caps_; }

 private:
  struct Subscription {
    std::weak_ptr<StreamSubscriber> subscriber;
    const StreamSubscriber* id;
    Viewer viewer;
    StreamKey key;
  };
  struct Created { Post post; };
  struct Removed { Post post; };
  struct Edited { Post post; };
  struct HomeFeed { Id reader; Id post; };
  struct Noticed { Id recipient; Id notification; };
  struct Conversed { Id account; Id conversation; };
  struct FiltersChanged { Id account; };
  struct Merged { Id account; };
  struct Blocked { Id blocker; Id blocked; };
  using Work = std::variant<Created, Removed, Edited, HomeFeed, Noticed, Conversed, FiltersChanged,
                            Merged, Blocked>;
  // A kindred:status subscription, indexed by its post.
  struct CountsSubscription {
    std::weak_ptr<StreamSubscriber> subscriber;
    Viewer viewer;
    StreamKey key;
    Id author;                          // the post's
    std::optional<PostCounts> last;     // what it was last sent
    uint64_t seen = 0;                  // the post's LiveCounts version then (0: never sent)
    uint32_t slice = 0;                 // which tick of each interval looks at it
  };
  // Each interval is cut into this many ticks, and each kindred:status subscription belongs to
  // one: the once-a-second messages of 10,000 readers go out as ten bursts of 1,000, not one of
  // 10,000 queued at once in front of the network threads' requests.
  static constexpr uint32_t kSlices = 10;
  // A post's kindred:status subscriptions, by slice: a tick touches only its own.
  struct PostReaders {
    std::array<std::unordered_map<const StreamSubscriber*, CountsSubscription>, kSlices> slices;
    size_t size = 0;
  };

  // The relay's end that outlives a stopped hub: the shared state's thread holds it, and stop()
  // cuts it off (after a message being handled now is done).
  struct RelayTarget {
    std::mutex mutex;
    StreamHub* hub = nullptr;  // GUARDED_BY(mutex)
  };
  enum class Relayed : uint8_t { kCreated = 1, kRemoved = 2, kEdited = 3, kBatch = 4 };
  // Publishes `post` (kCreated, kRemoved, kEdited) or the part of a batch the hub reads.
  void publish_post(Relayed kind, const Post& post);
  void publish_batch(const store::Batch& batch, const store::BatchOutcome& outcome);
  // A message from another node (a relay_through subscription).
  void on_relayed(std::string_view bytes);
  // batch_applied past its "anything for the hub?" check, for this node's batches and others'.
  void apply_batch(const store::Batch& batch, const store::BatchOutcome& outcome);
  void enqueue(Work work);
  // The home-feed, notification and conversation edges of `batch` that readers with a personal
  // stream open are to hear of. REQUIRES: mutex_ held.
  void find_personal(const store::Batch& batch, const store::BatchOutcome& outcome,
                     std::vector<Work>& found) const;
  void worker_loop();
  void handle(const Created& w, const std::vector<Subscription>& subs);
  void handle(const Removed& w, const std::vector<Subscription>& subs);
  void handle(const Edited& w, const std::vector<Subscription>& subs);
  void handle(const HomeFeed& w, const std::vector<Subscription>& subs);
  void handle(const Noticed& w, const std::vector<Subscription>& subs);
  void handle(const Conversed& w, const std::vector<Subscription>& subs);
  void handle(const FiltersChanged& w, const std::vector<Subscription>& subs);
  void handle(const Merged& w, const std::vector<Subscription>& subs);
  void handle(const Blocked& w, const std::vector<Subscription>& subs);
  // Sends the changed counts of watched posts to their subscribers (the worker, each interval).
  void tick(LiveCounts& live, uint32_t slice);
  // Forgets the kindred:status subscriptions `drop` picks, telling each that its post is gone
  // for it (a `delete`). Takes mutex_.
  void end_counts(const std::function<bool(const CountsSubscription&)>& drop);
  void forget_counts(const StreamSubscriber* subscriber, Id post);  // REQUIRES: mutex_ held
  // The post as `viewer`'s timeline in `context` would show it, or none (not visible, a muted
  // or blocked author, a filter hiding it).
  std::optional<PostView> shown(const Viewer& viewer, Id post, bool home) const;
  bool listens(Id account) const;  // has a personal stream open
  void forget_personal(const Subscription& s);  // from by_reader_; REQUIRES: mutex_ held
  bool is_large(Id account) const;
  // Whether a large account's new post `p` belongs in `reader`'s home timeline (FeedService's
  // rules for a followed author; mutes and visibility are shown()'s).
  bool large_post_in_home(Id reader, const Post& p) const;
  void deliver_to_list(const Subscription& sub, const Post& post, StreamItem::Event event);
  static bool public_stream_wants(const StreamKey& key, const Post& post);
  // Gives `post` (as `event`) to the public and hashtag subscriptions that want it and to the
  // `user` subscriptions of readers for whom `in_home(reader)` holds, each as it may see it.
  void deliver_post(const Post& post, StreamItem::Event event, const std::vector<Subscription>& subs,
                    const std::function<bool(Id)>& in_home);
  static void send(const Subscription& sub, const StreamItem& item);

  const store::Store& store_;
  const PostService& posts_;
  const NotificationService& notifications_;
  const ConversationService& conversations_;
  const ListService& lists_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::vector<Subscription> subscriptions_;      // GUARDED_BY(mutex_): all but kindred:status
  // The personal ones again, by their reader: work for one reader reads only these.
  std::unordered_map<Id, std::vector<Subscription>> by_reader_;  // GUARDED_BY(mutex_)
  std::deque<Work> queue_;                       // GUARDED_BY(mutex_)
  // kindred:status subscriptions by post, and the posts each subscriber follows that way.
  std::unordered_map<Id, PostReaders> counts_subs_;                         // GUARDED_BY(mutex_)
  std::unordered_map<const StreamSubscriber*, std::vector<Id>> counts_of_;  // GUARDED_BY(mutex_)
  LiveCounts* live_ = nullptr;                   // set before serving
  std::chrono::milliseconds counts_interval_{1000};
  int64_t large_account_followers_ = 10'000;
  uint32_t next_slice_ = 0;                      // GUARDED_BY(mutex_)
  StreamCaps caps_;
  SharedState* relay_ = nullptr;  // set before serving; null on one node
  uint64_t origin_ = 0;           // this hub's mark on what it publishes
  std::shared_ptr<RelayTarget> relay_target_;
  bool busy_ = false;                            // GUARDED_BY(mutex_)
  bool stopping_ = false;                        // GUARDED_BY(mutex_)
  std::thread worker_;
};

}  // namespace kindred::social
