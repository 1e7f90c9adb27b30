#pragma once

#include <cstdint>
#include <string>

#include "social/identity/accounts.h"

namespace kindred::app {

// Everything `kindred serve` is told on the command line or through KINDRED_* variables.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  std::string data_dir = "./data";
  // Where records live: "rocksdb" (the embedded store in data_dir/store, the default) or
  // "postgres" (the database at database_url; media files and the search index stay in data_dir).
  std::string store = "rocksdb";
  std::string database_url;  // --store postgres: a libpq connection string or URI
  // --store postgres: this node's number, 0..63, distinct among the nodes on one database (the
  // low bits of every id it issues); claimed in the database for this data_dir at start-up, so a
  // second node given the same number refuses to start. -1: ids use every bit (one node only).
  int node_id = -1;
  // Several nodes over one database: what they share that need not be durable (rate limits,
  // locks, live updates) goes through Redis at this URL (redis://HOST:PORT[/DB] or
  // unix:///PATH); empty: each node keeps it alone. Only with --store postgres.
  std::string redis_url;
  // How many nodes serve the instance: while Redis is unreachable each node allows its share of
  // every rate limit (the limit divided by this, at least 1).
  int cluster_nodes = 1;
  std::string base_url;                   // default: http://<listen>
  int threads = 0;                        // 0: one per core
  // Threads for blocking handlers (password hashing); 0: every handler runs on the pool of
  // max(4, 2 x threads) instead of inline (for comparison).
  int workers = 2;
  bool demo = false;
  bool access_log = true;
  social::RegistrationMode registrations = social::RegistrationMode::kOpen;
  bool rate_limits = true;
  // Reverse proxies (comma-separated addresses or CIDR blocks) whose X-Forwarded-For names the
  // client; rate limits and the access log then see the client, not the proxy.
  std::string trusted_proxies;
  // Connections from those proxies may begin with a PROXY protocol v1 line naming the client
  // (HAProxy in TCP mode with send-proxy): --proxy-protocol.
  bool proxy_protocol = false;
  bool sync = false;
  size_t max_characters = 500;
  size_t max_body_bytes = 1024 * 1024;  // every request but uploads
  size_t max_upload_mb = 16;             // photo uploads (media, avatar, header)
  int media_threads = 1;
  int64_t large_account_followers = 10'000;  // above this, posts are merged into feeds when read
  // The "top" comment order ranks this many newest direct replies of a post; older ones follow.
  size_t comments_ranked_limit = 5000;
  // A post's first this many likes notify its author one by one (the v1 list names each liker);
  // the likes beyond share one like notice.
  size_t exact_like_notifications = 1000;
  // How long POST /api/v2/media waits for processing before answering 202 (Mastodon's v2 answers
  // at once; a photo on this machine is ready in well under a second).
  int64_t media_wait_ms = 3000;
  // Support resources: the reader's region when they name none (ISO 3166-1 alpha-2), and where
  // the shipped data files are (support_topics.json, the seed support_resources.json); empty:
  // the source tree's share/ this binary was built from.
  std::string region = "GB";
  std::string share_dir;
  std::string title = "Kindred";
  std::string contact_email;
  // Where Kindred's source code is published (source_url in /api/v2/instance).
  std::string source_url = "https://github.com/kindred-social/kindred";
  bool fast_password_hashing = false;  // tests only: argon2id at its minimum cost
  // Connections open at once, in all (0: the open-file limit less 512 kept for the store, media
  // and logs) and from one client address (an IPv6 /64; trusted proxies are exempt).
  size_t max_connections = 0;
  size_t max_connections_per_address = 256;
  // Streaming (WebSocket and SSE) connections open at once per account and per client address
  // (429 beyond; 0: no cap), and the messages one may have waiting before it is dropped.
  size_t streaming_per_account = 32;
  size_t streaming_per_address = 64;
  size_t stream_queue_messages = 1024;
  // How often a kindred:status stream may send a post's counts (tests shorten it).
  int64_t stream_counts_interval_ms = 1000;
  // Account deletion: edges removed per store batch, and a pause between batches (0: a yield
  // only; tests lengthen it to catch a deletion midway).
  size_t deletion_batch = 500;
  int64_t deletion_pause_ms = 0;
};

// Raises this process's soft limit on open files to its hard limit (start-up, before serving) and
// returns the soft limit now in force.
size_t raise_open_file_limit();

// Opens the store, builds the services, serves until SIGINT or SIGTERM, then shuts down in
// reverse order (stop accepting, finish in-flight requests, close the store). Writes one line to
// stdout when ready: "Kindred 0.1.0 listening on http://HOST:PORT". Returns the process exit code.
int serve(const ServeConfig& config);

// Splits "HOST:PORT" ("[::1]:8080" for IPv6). False when malformed.
bool split_listen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace kindred::app
