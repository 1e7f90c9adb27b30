#include "app/instance.h"

#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <fstream>
#include <random>
#include <thread>

#include "api/kindred/archive_file.h"
#include "api/kindred/support_json.h"
#include "api/mastodon/api.h"
#include "api/mastodon/rules_file.h"
#include "app/demo.h"
#include "cluster/redis_state.h"
#include "core/invalidation.h"
#include "http/server.h"
#include "search/xapian_index.h"
#include "social/safety/account_deletion.h"
#include "social/search/indexer.h"
#include "social/streaming/hub.h"
#include "store/cached_store.h"
#include "store/observed_store.h"
#include "store/postgres/postgres_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "web/web.h"

namespace kindred::app {

namespace {
constexpr int kSyncWriters = 64;
// Connections each node opens to PostgreSQL (reads take one each; writes share a few).
constexpr int kPostgresConnections = 16;
// How stale a node's caches may be with several nodes on one database (the bound the cluster
// test checks: a token revoked on one node is refused on another within a second).
constexpr int64_t kMultiNodeCacheMs = 500;
// Descriptors kept out of the connection cap: the store's files, photos being read and written,
// logs.
constexpr size_t kReservedFiles = 512;
}  // namespace

struct Instance::Impl {
  ServeConfig config;
  SystemClock system_clock;
  const Clock* clock;
  std::unique_ptr<IdGenerator> ids;
  std::unique_ptr<store::Store> store;
  // What nodes share through Redis (--redis-url), or null on one node. Declared before, so
  // destroyed after, every service that uses it.
  std::unique_ptr<SharedState> shared;
  // Cache invalidation after commit, through `shared` (docs/scaling/redis.md).
  std::unique_ptr<Invalidation> invalidation;
  // With several nodes and Redis: what this node remembers of the database until a write on any
  // node invalidates it (store/cached_store.h), between `store` and `observed`.
  std::unique_ptr<store::CachedStore> cached;
  // What the services write through: the streaming hub watches its batches.
  std::unique_ptr<store::ObservedStore> observed;
  std::unique_ptr<social::StreamHub> hub;
  std::unique_ptr<social::LiveCounts> live_counts;  // the hub's, told of likes and posts
  social::SocialConfig social_config;
  api::ApiConfig api_config;
  web::WebConfig web_config;
  std::unique_ptr<social::PasswordHasher> hasher;
  std::unique_ptr<social::AccountService> accounts;
  std::unique_ptr<social::OAuthService> oauth;
  std::unique_ptr<social::SessionService> sessions;
  std::unique_ptr<media::BlobStore> blobs;
  std::unique_ptr<social::MediaService> media;
  std::unique_ptr<social::ProfileService> profiles;
  std::unique_ptr<social::PostService> posts;
  std::unique_ptr<social::ScheduledPostService> scheduled;
  std::unique_ptr<social::AccountDeletion> deletion;
  std::unique_ptr<social::PollService> polls;
  std::unique_ptr<social::LikeService> likes;
  std::unique_ptr<social::ReblogService> reblogs;
  std::unique_ptr<social::RelationshipService> relationships;
  std::unique_ptr<social::FeedService> feeds;
  std::unique_ptr<social::NotificationService> notifications;
  std::unique_ptr<social::CommentService> comments;
  std::unique_ptr<api::SupportFile> support_file;
  std::unique_ptr<social::SupportService> support;
  std::unique_ptr<social::PreferencesService> preferences;
  std::unique_ptr<social::MemoryService> memories;
  std::unique_ptr<social::CommentHoldService> holds;
  std::unique_ptr<social::FilterService> filters;
  std::unique_ptr<social::DomainBlockService> domain_blocks;
  std::unique_ptr<api::RulesFile> rules;
  std::unique_ptr<social::ReportService> reports;
  std::unique_ptr<social::ModerationService> moderation;
  std::unique_ptr<social::ListService> list_service;
  std::unique_ptr<social::ConversationService> conversations;
  std::unique_ptr<social::TrendService> trends;
  std::unique_ptr<social::TagService> tags;
  std::unique_ptr<social::NotificationPolicyService> notification_policies;
  std::unique_ptr<social::PushService> push;
  std::unique_ptr<social::AnnouncementService> announcements;
  std::unique_ptr<social::ActivityService> activity;
  std::unique_ptr<social::DiscoveryService> discovery;
  std::unique_ptr<search::XapianStatusIndex> search_index;
  std::unique_ptr<social::StatusIndexer> indexer;
  std::unique_ptr<social::SearchService> search;
  std::unique_ptr<social::DataListService> data_lists;
  std::unique_ptr<api::ArchiveFile> archive_file;
  std::unique_ptr<social::ArchiveService> archives;
  http::Router router;
  std::unique_ptr<api::MastodonApi> api;
  std::unique_ptr<web::WebPages> web;
  std::unique_ptr<http::Server> server;
  std::string host;
  uint16_t port = 0;
  bool stopped = false;

  // The support directory lives in DATA_DIR/support_resources.json, not in the store: the issue
  // asks for a data file the admin can edit, it is small (a few hundred entries at most), read
  // whole into memory, and written whole and atomically (api::SupportFile) on each admin edit.
  // The first start seeds it from the shipped share/support_resources.json.
  // The built-in hidden-word lists, shipped in share/hidden_words.json.
  Status start_holds(social::Deps deps) {
    const std::string share = config.share_dir.empty() ? std::string(KINDRED_SHARE_DIR) : config.share_dir;
    const std::string path = share + "/hidden_words.json";
    KINDRED_ASSIGN_OR_RETURN(std::string text, api::read_text_file(path));
    auto lists = api::builtin_word_lists_from_json(text);
    if (!lists.has_value()) return Status::invalid_argument(path + ": " + lists.error().message());
    holds = std::make_unique<social::CommentHoldService>(deps, *posts, *accounts, *preferences,
                                                         std::move(*lists));
    posts->set_reply_screen(holds.get());
    return Status::ok();
  }

  Status start_support() {
    const std::string share = config.share_dir.empty() ? std::string(KINDRED_SHARE_DIR) : config.share_dir;
    const std::string topics_path = share + "/support_topics.json";
    KINDRED_ASSIGN_OR_RETURN(std::string topics_text, api::read_text_file(topics_path));
    auto lexicon = api::topic_lexicon_from_json(topics_text);
    if (!lexicon.has_value()) return Status::invalid_argument(topics_path + ": " + lexicon.error().message());
    auto matcher = social::TopicMatcher::build(std::move(*lexicon));
    if (!matcher.has_value()) return Status::invalid_argument(topics_path + ": " + matcher.error().message());
    support_file = std::make_unique<api::SupportFile>(config.data_dir + "/support_resources.json");
    social::SupportConfig sc;
    sc.region = config.region;
    support = std::make_unique<social::SupportService>(*clock, *ids, std::move(*matcher), sc,
                                                       support_file.get(), preferences.get());
    if (!support->valid_region(config.region))
      return Status::invalid_argument("--region must be an ISO 3166-1 alpha-2 code, got '" + config.region + "'");
    KINDRED_ASSIGN_OR_RETURN(auto loaded, support_file->load(share + "/support_resources.json"));
    std::vector<social::SupportResource> seed = loaded.directory;
    if (Status s = support->load(std::move(loaded.directory)); !s.is_ok())
      return Status::invalid_argument(config.data_dir + "/support_resources.json: " + s.message());
    if (loaded.from_seed) KINDRED_RETURN_IF_ERROR(support_file->save(seed));
    posts->set_support(support.get());
    return Status::ok();
  }

  void set_urls(uint16_t bound_port) {
    std::string base = config.base_url;
    if (base.empty()) {
      const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      base = "http://" + h + ":" + std::to_string(bound_port);
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    const size_t scheme = base.find("://");
    std::string domain = base.substr(scheme == std::string::npos ? 0 : scheme + 3);
    domain = domain.substr(0, domain.find('/'));
    social_config.base_url = base;
    social_config.domain = domain;
    api_config.base_url = base;
    api_config.domain = domain;
    web_config.base_url = base;
    web_config.domain = domain;
  }
};

// This data directory's identity as a node: a random id kept in `<data_dir>/node-identity`,
// made on first start.
Result<Id> node_identity(const std::string& data_dir) {
  const std::string path = data_dir + "/node-identity";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::internal("cannot create " + data_dir + ": " + ec.message());
  if (std::ifstream in(path); in) {
    std::string text;
    std::getline(in, text);
    auto id = Id::parse(text);
    if (!id || id->is_none()) return Status::corruption(path + " does not hold a node identity");
    return *id;
  }
  std::random_device rd;
  const uint64_t value = ((uint64_t{rd()} << 32) | rd()) | 1;  // never zero
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << value << "\n";
    out.flush();
    if (!out) return Status::internal("cannot write " + temp);
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status::internal("cannot write " + path + ": " + ec.message());
  return Id(value);
}

// Claims node number `node` on the shared database for this data directory: a restart of the
// same node finds its own claim; another node (another data directory) claiming the same number
// is refused, since two nodes with one number could issue the same ids.
Status claim_node_number(store::Store& store, int node, const std::string& data_dir) {
  KINDRED_ASSIGN_OR_RETURN(Id identity, node_identity(data_dir));
  store::Batch claim;
  claim.claim_key(store::KeyspaceType::kNodeNumber, "node:" + std::to_string(node), identity);
  auto done = store.apply(claim);
  if (!done.has_value() && done.error().code() == StatusCode::kConflict) {
    return Status::invalid_argument(
        "--node-id " + std::to_string(node) +
        " is held by another node (another --data-dir) on this database; give each node its own"
        " number");
  }
  return done.has_value() ? Status::ok() : done.error();
}

bool split_listen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= listen.size()) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long v = std::stoul(p);
  if (v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

Instance::Instance(ServeConfig config, const Clock* clock) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->clock = clock ? clock : &impl_->system_clock;
}

Instance::~Instance() { stop(); }

std::optional<Instance::StoreCacheState> Instance::store_cache() const {
  if (!impl_->cached) return std::nullopt;
  const auto stats = impl_->cached->stats();
  return StoreCacheState{impl_->invalidation->trust().trusted, stats.hits, stats.misses};
}

Status Instance::start(std::ostream* access_log) {
  Impl& m = *impl_;
  const ServeConfig& c = m.config;
  if (!split_listen(c.listen, m.host, m.port))
    return Status::invalid_argument("--listen must be HOST:PORT, got '" + c.listen + "'");
  auto trusted_proxies = http::parse_cidrs(c.trusted_proxies);
  if (!trusted_proxies.has_value())
    return Status::invalid_argument("--trusted-proxies: " + trusted_proxies.error().message());
  if (c.proxy_protocol && trusted_proxies->empty()) {
    return Status::invalid_argument(
        "--proxy-protocol on needs --trusted-proxies: only a trusted proxy may name the client");
  }

  if (c.store == "postgres") {
    if (c.database_url.empty()) {
      return Status::invalid_argument("--store postgres needs --database-url");
    }
    // Records live in the database; media, the search index and the instance texts stay here.
    std::error_code made;
    std::filesystem::create_directories(c.data_dir, made);
    if (made) return Status::unavailable("cannot create " + c.data_dir + ": " + made.message());
    store::PostgresOptions po;
    po.conninfo = c.database_url;
    po.max_connections = kPostgresConnections;
    KINDRED_ASSIGN_OR_RETURN(m.store, store::open_postgres_store(po));
    if (c.node_id >= 0) KINDRED_RETURN_IF_ERROR(claim_node_number(*m.store, c.node_id, c.data_dir));
    // Other nodes write the same database: nothing cached here is answered from for longer than
    // this, so a change on any node (a revoked token, a block, a suspension) holds on every node
    // within it (docs/ARCHITECTURE.md, "Caches with several nodes").
    social::CacheAge::set_max_ms(kMultiNodeCacheMs);
  } else if (c.store == "rocksdb") {
    if (!c.database_url.empty()) {
      return Status::invalid_argument("--database-url needs --store postgres");
    }
    if (c.node_id >= 0) return Status::invalid_argument("--node-id needs --store postgres");
    social::CacheAge::set_max_ms(0);  // the only writer: caches are kept exact
    store::StoreOptions so;
    so.path = c.data_dir + "/store";
    so.durability = c.sync ? store::Durability::kFsync : store::Durability::kWal;
    KINDRED_ASSIGN_OR_RETURN(m.store, store::open_rocksdb_store(so));
  } else {
    return Status::invalid_argument("--store must be rocksdb or postgres, got '" + c.store + "'");
  }

  if (!c.redis_url.empty()) {
    // The embedded store serves one node: nothing to share.
    if (c.store != "postgres") return Status::invalid_argument("--redis-url needs --store postgres");
    cluster::RedisOptions ro;
    ro.url = c.redis_url;
    KINDRED_ASSIGN_OR_RETURN(m.shared, cluster::open_redis_state(ro));
    m.api_config.limit_sharing = {m.shared.get(), c.cluster_nodes};
    m.web_config.limit_sharing = m.api_config.limit_sharing;
  }

  m.invalidation = std::make_unique<Invalidation>(m.shared.get());
  if (m.shared) {
    if (c.cluster_nodes == 1) {
      std::cerr << "kindred: --redis-url with --cluster-nodes 1: if more nodes serve this database,"
                   " give each --cluster-nodes N (a node that never reaches Redis would otherwise go"
                   " unnoticed by the others' store caches)\n";
    }
    // Heartbeats tell each node whether it has heard every node lately, which is what lets the
    // store cache answer without asking the database (core/invalidation.h).
    m.invalidation->start_heartbeats({.expected_nodes = c.cluster_nodes});
    m.cached = std::make_unique<store::CachedStore>(*m.store, *m.invalidation);
  }
  m.ids = c.node_id >= 0 ? std::make_unique<IdGenerator>(*m.clock, static_cast<uint64_t>(c.node_id))
                        : std::make_unique<IdGenerator>(*m.clock);
  for (auto type : {store::ObjectType::kAccount, store::ObjectType::kStatus, store::ObjectType::kApp,
                    store::ObjectType::kToken, store::ObjectType::kAuthCode,
                    store::ObjectType::kMedia, store::ObjectType::kScheduledStatus,
                    store::ObjectType::kPoll}) {
    KINDRED_ASSIGN_OR_RETURN(Id max, m.store->max_object_id(type));
    m.ids->observe(max);
  }

  m.social_config.max_status_chars = c.max_characters;
  m.social_config.comments_ranked_limit = c.comments_ranked_limit;
  m.social_config.exact_like_notifications = c.exact_like_notifications;
  m.api_config.title = c.title;
  m.web_config.title = c.title;
  m.web_config.rate_limits = c.rate_limits;
  m.web_config.registrations = c.registrations;
  m.web_config.max_status_chars = c.max_characters;
  m.web_config.description = m.api_config.description;
  m.api_config.contact_email = c.contact_email;
  m.api_config.source_url = c.source_url;
  m.api_config.data_dir = c.data_dir;
  m.api_config.registrations = c.registrations;
  m.api_config.max_status_chars = c.max_characters;
  m.api_config.rate_limits = c.rate_limits;
  m.api_config.media_wait = std::chrono::milliseconds(c.media_wait_ms);

  m.set_urls(m.port);  // provisional until the server has bound (port 0)
  // Over the network each read is a round trip: a request reads each count once (the embedded
  // store's counts are in memory already).
  m.observed = std::make_unique<store::ObservedStore>(m.cached ? *m.cached : *m.store,
                                                      /*remember_counts=*/c.store == "postgres");
  social::Deps deps{*m.observed, *m.clock, *m.ids, m.social_config, m.shared.get(), m.invalidation.get()};
  m.hasher = std::make_unique<social::PasswordHasher>(1, c.fast_password_hashing);
  m.accounts = std::make_unique<social::AccountService>(deps, *m.hasher, c.registrations);
  KINDRED_RETURN_IF_ERROR(m.accounts->load_marks());  // suspensions, silences, deletions
  m.oauth = std::make_unique<social::OAuthService>(deps);
  m.sessions = std::make_unique<social::SessionService>(deps);
  m.blobs = std::make_unique<media::BlobStore>(c.data_dir + "/media");
  // Left by uploads a crash interrupted; nothing refers to them.
  KINDRED_RETURN_IF_ERROR(m.blobs->remove_temp_files());
  social::MediaConfig mc;
  mc.limits.max_bytes = c.max_upload_mb << 20;
  mc.processing_threads = c.media_threads;
  m.media = std::make_unique<social::MediaService>(deps, *m.blobs, mc);
  m.profiles = std::make_unique<social::ProfileService>(*m.accounts, *m.media);
  m.posts = std::make_unique<social::PostService>(deps, *m.accounts, *m.media);
  m.likes = std::make_unique<social::LikeService>(deps, *m.posts, *m.accounts);
  m.reblogs = std::make_unique<social::ReblogService>(deps, *m.posts, *m.accounts);
  m.relationships = std::make_unique<social::RelationshipService>(deps, *m.accounts);
  social::FeedConfig fc;
  fc.large_account_followers = c.large_account_followers;
  m.feeds = std::make_unique<social::FeedService>(deps, *m.posts, *m.relationships, fc);
  m.posts->set_listener(m.feeds.get());
  // Trends are kept in memory: rebuilt from the store now, then told of each post and like.
  m.trends = std::make_unique<social::TrendService>(deps, *m.posts);
  KINDRED_RETURN_IF_ERROR(m.trends->load());
  m.posts->add_listener(m.trends.get());
  m.likes->set_trends(m.trends.get());
  m.tags = std::make_unique<social::TagService>(deps, *m.accounts, *m.trends);
  m.notifications = std::make_unique<social::NotificationService>(deps, *m.accounts, *m.posts,
                                                                   *m.relationships);
  m.notification_policies =
      std::make_unique<social::NotificationPolicyService>(deps, *m.accounts, *m.posts);
  m.posts->set_notification_gate(m.notification_policies.get());
  m.relationships->set_notification_gate(m.notification_policies.get());
  m.notifications->set_notification_gate(m.notification_policies.get());
  m.push = std::make_unique<social::PushService>(deps);
  m.comments = std::make_unique<social::CommentService>(deps, *m.posts, *m.accounts);
  m.preferences = std::make_unique<social::PreferencesService>(deps);
  m.memories = std::make_unique<social::MemoryService>(deps, *m.accounts, *m.posts, *m.preferences);
  m.filters = std::make_unique<social::FilterService>(deps, *m.posts);
  KINDRED_RETURN_IF_ERROR(m.filters->load_owners());
  m.posts->set_filters(m.filters.get());
  m.domain_blocks = std::make_unique<social::DomainBlockService>(deps);
  m.rules = std::make_unique<api::RulesFile>(c.data_dir.empty() ? "" : c.data_dir + "/rules.json");
  m.reports = std::make_unique<social::ReportService>(deps, *m.accounts, *m.posts, m.rules.get());
  // Suspensions a crash interrupted go on moving their edges.
  m.moderation = std::make_unique<social::ModerationService>(deps, *m.accounts, *m.posts, *m.reports);
  KINDRED_RETURN_IF_ERROR(m.moderation->start());
  m.list_service = std::make_unique<social::ListService>(deps, *m.accounts, *m.feeds);
  m.conversations = std::make_unique<social::ConversationService>(deps, *m.accounts, *m.posts);
  m.feeds->set_conversations(m.conversations.get());
  // Live updates: told of new, edited and deleted posts, and of home-feed, notification and
  // conversation edges as they are written.
  m.hub = std::make_unique<social::StreamHub>(*m.observed, *m.posts, *m.notifications,
                                              *m.conversations, *m.list_service);
  m.posts->add_listener(m.hub.get());
  m.observed->set_observer(m.hub.get());
  m.hub->caps().set_limits(c.streaming_per_account, c.streaming_per_address);
  m.hub->set_large_account_followers(c.large_account_followers);
  // An open post's counts as they move (kindred:status streams): told of likes, reblogs, replies.
  m.live_counts = std::make_unique<social::LiveCounts>(deps);
  m.posts->add_listener(m.live_counts.get());
  m.likes->set_live_counts(m.live_counts.get());
  m.hub->set_live_counts(m.live_counts.get(), std::chrono::milliseconds(c.stream_counts_interval_ms));
  // Several nodes: live updates reach readers on every node.
  if (m.shared) m.hub->relay_through(*m.shared);
  KINDRED_RETURN_IF_ERROR(m.start_support());
  KINDRED_RETURN_IF_ERROR(m.start_holds(deps));
  // Status search: posts written since the index's last commit are indexed again first.
  KINDRED_ASSIGN_OR_RETURN(m.search_index, search::XapianStatusIndex::open(c.data_dir + "/search"));
  m.indexer = std::make_unique<social::StatusIndexer>(deps, *m.accounts, *m.search_index);
  KINDRED_RETURN_IF_ERROR(m.indexer->start());
  m.posts->add_listener(m.indexer.get());
  m.search = std::make_unique<social::SearchService>(deps, *m.accounts, *m.posts);
  m.search->set_index(m.search_index.get());
  // Fan-outs a crash interrupted go on where they stopped.
  KINDRED_RETURN_IF_ERROR(m.feeds->resume_pending_fanouts());
  m.announcements = std::make_unique<social::AnnouncementService>(deps);
  m.activity = std::make_unique<social::ActivityService>(deps);
  m.discovery = std::make_unique<social::DiscoveryService>(deps, *m.accounts);
  KINDRED_RETURN_IF_ERROR(api::write_default_instance_texts(c.data_dir, c.title));
  // Scheduled posts whose time came while the server was down go out now; then a thread keeps
  // publishing them on time.
  m.scheduled = std::make_unique<social::ScheduledPostService>(deps, *m.posts, *m.accounts, *m.media);
  KINDRED_RETURN_IF_ERROR(m.scheduled->publish_due().status());
  // Polls that ended meanwhile are told now; then the same thread ends them on time.
  m.polls = std::make_unique<social::PollService>(deps, *m.posts);
  KINDRED_RETURN_IF_ERROR(m.polls->end_due().status());
  m.scheduled->add_due_work("ending polls", [p = m.polls.get()] { return p->end_due(); });
  m.scheduled->start();
  // A person's data: CSV lists in and out, and archives built on a thread of their own (those
  // a stop interrupted first), kept in DATA_DIR/archives.
  m.data_lists = std::make_unique<social::DataListService>(deps, *m.accounts, *m.posts,
                                                           *m.relationships, *m.likes);
  m.archive_file = std::make_unique<api::ArchiveFile>(m.api_config, *m.accounts, *m.feeds,
                                                      *m.likes, *m.media);
  m.archives = std::make_unique<social::ArchiveService>(deps, *m.accounts, c.data_dir + "/archives");
  m.archives->set_renderer(m.archive_file.get());
  m.archives->start();
  // Account deletions a crash (or a stop) interrupted go on where they stopped.
  social::DeletionConfig dc;
  dc.batch_edges = c.deletion_batch;
  dc.pause = std::chrono::milliseconds(c.deletion_pause_ms);
  m.deletion = std::make_unique<social::AccountDeletion>(deps, *m.accounts, *m.posts, *m.media,
                                                         *m.oauth, *m.sessions, dc);
  m.deletion->set_scheduled(m.scheduled.get());
  m.deletion->set_archives(m.archives.get());
  m.moderation->set_deleter([d = m.deletion.get()](Id id) { return d->start(id); });
  KINDRED_RETURN_IF_ERROR(m.deletion->resume());
  m.deletion->start_worker();

  if (c.demo) {
    KINDRED_RETURN_IF_ERROR(
        seed_demo({*m.accounts, *m.posts, *m.likes, *m.media, *m.profiles, *m.relationships,
                   *m.reblogs, *m.comments, *m.holds, *m.store, deps}));
  }

  api::ApiServices services{m.api_config, *m.clock, *m.store,    *m.accounts,
                            *m.oauth,      *m.sessions, *m.posts, *m.likes,    *m.reblogs, *m.media,
                            *m.profiles,   *m.relationships, *m.feeds, *m.notifications,
                            *m.comments,   *m.support, *m.preferences, *m.memories,
                            *m.holds, *m.filters, *m.domain_blocks, *m.reports,
                            *m.list_service, *m.conversations, *m.tags, *m.trends,
                            *m.notification_policies, *m.push, *m.announcements,
                            *m.activity, *m.discovery, *m.scheduled, *m.search, *m.polls};
  services.streams = m.hub.get();
  services.moderation = m.moderation.get();
  services.data_lists = m.data_lists.get();
  services.archives = m.archives.get();
  services.deletion = m.deletion.get();
  m.api = std::make_unique<api::MastodonApi>(services, m.router);
  // The web pages beside the API, on the same social/ services (after the API: they replace its
  // not-found answer with one that gives browsers an HTML page).
  web::SignInLimiters limiters{m.api->sign_in_limiter(), m.api->sign_in_account_limiter(),
                               m.api->signup_limiter()};
  m.web = std::make_unique<web::WebPages>(
      web::WebServices{m.web_config,     *m.clock,       *m.accounts,      *m.sessions,
                       *m.oauth,         *m.posts,       *m.likes,         *m.comments,
                       *m.feeds,         *m.media,       *m.profiles,      *m.relationships,
                       *m.notifications, *m.preferences, *m.memories,      *m.holds,
                       *m.filters,       limiters,         *m.polls,         m.hub.get(),
                       m.data_lists.get(), m.archives.get(), m.deletion.get(),
                       m.reports.get(),  m.moderation.get()},
      m.router);

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  http::ServerOptions ho;
  ho.host = m.host;
  ho.port = m.port;
  ho.io_threads = c.threads > 0 ? c.threads : cores;
  ho.inline_handlers = c.workers > 0 && !c.sync;
  ho.worker_threads = c.workers > 0 ? c.workers : std::max(4, 2 * ho.io_threads);
  // With --sync every write waits for an fsync. RocksDB commits concurrent writers as one group
  // with one fsync, so throughput grows with the writers in flight: run handlers on a pool wide
  // enough to keep many waiting at once, rather than inline on two network threads.
  if (c.sync) ho.worker_threads = std::max(ho.worker_threads, kSyncWriters);
  // Over PostgreSQL every store call is a round trip, and writes wait for the standby: the same
  // reasoning, and the store groups the writes that wait together into one statement.
  if (c.store == "postgres") {
    ho.inline_handlers = false;
    ho.worker_threads = std::max(ho.worker_threads, kSyncWriters);
    if (m.cached) {
      // A read the store cache can answer needs no thread to wait on the database: it runs on
      // the network thread, saving two thread hand-offs, while the cache is trusted and the
      // database has answered its recent misses quickly (a miss then costs a round trip there).
      store::CachedStore* cached = m.cached.get();
      Invalidation* invalidation = m.invalidation.get();
      ho.run_inline = [cached, invalidation](const http::Request& r) {
        return (r.method == http::Method::kGet || r.method == http::Method::kHead) &&
               invalidation->trust().trusted && cached->answering_quickly();
      };
    }
  }
  ho.max_body_bytes = c.max_body_bytes;
  ho.trusted_proxies = std::move(*trusted_proxies);
  ho.proxy_protocol = c.proxy_protocol;
  ho.max_connections = c.max_connections;
  if (ho.max_connections == 0) {
    rlimit files{};
    const size_t open_files = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                                  ? static_cast<size_t>(files.rlim_cur)
                                  : size_t{1} << 20;
    ho.max_connections = open_files > kReservedFiles + 64 ? open_files - kReservedFiles : 64;
  }
  ho.max_connections_per_address = c.max_connections_per_address;
  ho.max_stream_queue_messages = c.stream_queue_messages;
  ho.access_log = c.access_log ? access_log : nullptr;
  // Links name the instance, so without --base-url they need the port actually bound.
  ho.on_bound = [&m](uint16_t port) { m.set_urls(port); };
  m.server = std::make_unique<http::Server>(ho, m.router);
  KINDRED_RETURN_IF_ERROR(m.server->start());
  m.port = m.server->port();
  return Status::ok();
}

uint16_t Instance::port() const { return impl_->port; }

std::string Instance::url() const {
  const std::string& h = impl_->host;
  return "http://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" +
         std::to_string(impl_->port);
}

void Instance::wait_for_signal() {
  if (impl_->server) impl_->server->wait_for_signal();
}

social::MediaService& Instance::media_for_test() { return *impl_->media; }
social::FeedService& Instance::feeds_for_test() { return *impl_->feeds; }
social::StatusIndexer& Instance::indexer_for_test() { return *impl_->indexer; }
social::StreamHub& Instance::streams_for_test() { return *impl_->hub; }
social::AccountDeletion& Instance::deletion_for_test() { return *impl_->deletion; }

void Instance::stop() {
  Impl& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  if (m.server) m.server->stop();
  m.server.reset();
  // The hub's thread may still hold a stream's subscriber, whose rendering reads the API's
  // services: it delivers nothing more (joined) before they go. Writes still coming (a deletion,
  // scheduled posts) are ignored by it.
  if (m.hub) m.hub->stop();
  m.api.reset();
  m.web.reset();
  // Stops between two batches; an unfinished deletion resumes at the next start.
  m.deletion.reset();
  // Finishes queued fan-outs and the uploads being processed (their results go to the store)
  // before it closes.
  m.archives.reset();  // finishes the archive being built (reads posts, likes, photos)
  m.archive_file.reset();
  m.data_lists.reset();
  m.scheduled.reset();  // publishes through posts, ends polls
  m.polls.reset();
  if (m.posts) m.posts->set_listener(nullptr);
  // The other nodes stop counting this one (and this one its store cache) once it serves nothing.
  if (m.invalidation) m.invalidation->stop_heartbeats();
  if (m.likes) m.likes->set_trends(nullptr);
  if (m.likes) m.likes->set_live_counts(nullptr);
  if (m.posts) m.posts->set_support(nullptr);
  if (m.posts) m.posts->set_filters(nullptr);
  m.list_service.reset();
  m.search.reset();
  if (m.indexer) m.indexer->stop();  // commits what is queued
  m.indexer.reset();
  m.search_index.reset();
  m.filters.reset();
  m.domain_blocks.reset();
  m.moderation.reset();
  m.reports.reset();
  m.rules.reset();
  m.tags.reset();
  m.trends.reset();
  m.support.reset();  // reads preferences
  m.feeds.reset();
  // Every writer has stopped (server, fan-outs, scheduled posts): the hub hears nothing more.
  if (m.observed) m.observed->set_observer(nullptr);
  m.hub.reset();
  m.conversations.reset();  // after the fan-outs that add to it
  m.notifications.reset();
  m.memories.reset();
  m.preferences.reset();
  m.comments.reset();
  m.relationships.reset();
  m.reblogs.reset();
  m.likes.reset();
  m.posts.reset();
  m.profiles.reset();
  m.media.reset();
  // `shared`, `invalidation`, `cached` and `observed` stay until the Impl goes: services not reset
  // above still write through them when destroyed (the activity counts are saved then).
  if (m.store) {
    Status s = m.store->close();
    (void)s;
  }
}

}  // namespace kindred::app
