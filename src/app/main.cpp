// kindred: the command line. `kindred serve` runs the server; see `kindred serve --help`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "app/admin.h"
#include "app/serve.h"
#include "media/image.h"

namespace {

bool parse_on_off(const std::string& v) { return v == "on" || v == "true" || v == "1" || v == "yes"; }

}  // namespace

int main(int argc, char** argv) {
  using kindred::app::ServeConfig;
  CLI::App cli{"Kindred: a self-hostable photo-sharing social server that speaks the Mastodon API."};
  cli.require_subcommand(1);

  ServeConfig config;
  std::string access_log = "on";
  std::string rate_limits = "on";
  std::string registrations = "open";
  auto* serve = cli.add_subcommand("serve", "Run the server on the embedded store.");
  serve->add_option("--listen", config.listen, "Address to listen on, HOST:PORT (port 0: any free port)")
      ->envname("KINDRED_LISTEN")
      ->capture_default_str();
  serve->add_option("--data-dir", config.data_dir, "Directory of the embedded store (created if missing)")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  serve->add_option("--store", config.store,
                    "Where records live: rocksdb (embedded, in --data-dir) or postgres (--database-url;"
                    " see docs/SCALING.md)")
      ->envname("KINDRED_STORE")
      ->check(CLI::IsMember({"rocksdb", "postgres"}))
      ->capture_default_str();
  serve->add_option("--database-url", config.database_url,
                    "With --store postgres: the database, as a libpq connection string or URI")
      ->envname("KINDRED_DATABASE_URL");
  serve->add_option("--node-id", config.node_id,
                    "With --store postgres and more than one node: this node's number, 0-62, distinct"
                    " per node (claimed in the database for this --data-dir; 63 is the admin"
                    " commands')")
      ->envname("KINDRED_NODE_ID")
      ->check(CLI::Range(0, 62));
  serve->add_option("--redis-url", config.redis_url,
                    "With --store postgres and several nodes: Redis for rate limits, locks and live"
                    " updates shared between nodes, redis://HOST[:PORT][/DB] or unix:///PATH"
                    " (docs/scaling/redis.md)")
      ->envname("KINDRED_REDIS_URL");
  serve->add_option("--cluster-nodes", config.cluster_nodes,
                    "How many nodes serve the instance: each answers from its store cache only while"
                    " it hears this many through Redis, and while Redis is unreachable each allows"
                    " this share of every rate limit")
      ->envname("KINDRED_CLUSTER_NODES")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--base-url", config.base_url,
                    "Public URL of this instance, used in links (default: http://LISTEN)")
      ->envname("KINDRED_BASE_URL");
  serve->add_option("--threads", config.threads, "Network threads (default: one per core)")
      ->envname("KINDRED_THREADS")
      ->check(CLI::Range(0, 256));
  serve->add_option("--workers", config.workers,
                    "Threads for slow handlers (sign-up, sign-in); other handlers run on the "
                    "network threads. 0 runs every handler on a separate pool instead")
      ->envname("KINDRED_WORKERS")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  serve->add_flag("--demo", config.demo, "Seed demo accounts and posts into an empty data directory")
      ->envname("KINDRED_DEMO");
  serve->add_option("--access-log", access_log, "One JSON line per request on stdout: on|off")
      ->envname("KINDRED_ACCESS_LOG")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve->add_option("--registrations", registrations, "Sign-ups: open|approval|closed")
      ->envname("KINDRED_REGISTRATIONS")
      ->check(CLI::IsMember({"open", "approval", "closed"}))
      ->capture_default_str();
  serve->add_option("--rate-limits", rate_limits,
                    "Mastodon's rate limits (300 requests/5 min per account or IP, 5 sign-ups/30 "
                    "min per IP): on|off")
      ->envname("KINDRED_RATE_LIMITS")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve->add_option("--trusted-proxies", config.trusted_proxies,
                    "Reverse proxies whose X-Forwarded-For names the client, as addresses or CIDR "
                    "blocks: 127.0.0.1,10.0.0.0/8,fd00::/8 (default: none; the peer is the client)")
      ->envname("KINDRED_TRUSTED_PROXIES");
  std::string proxy_protocol = "off";
  serve->add_option("--proxy-protocol", proxy_protocol,
                    "Accept a PROXY protocol v1 line (HAProxy's send-proxy) at the start of a "
                    "connection from a trusted proxy, naming the client: on|off")
      ->envname("KINDRED_PROXY_PROTOCOL")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve->add_option("--max-connections", config.max_connections,
                    "Connections open at once; beyond it new ones get 503 (0: the open-file limit "
                    "less 512)")
      ->envname("KINDRED_MAX_CONNECTIONS")
      ->capture_default_str();
  serve->add_option("--max-connections-per-address", config.max_connections_per_address,
                    "Connections open at once from one client address (IPv6: one /64); beyond it "
                    "new ones get 429 (0: no cap; trusted proxies are exempt)")
      ->envname("KINDRED_MAX_CONNECTIONS_PER_ADDRESS")
      ->capture_default_str();
  serve->add_option("--streaming-connections-per-account", config.streaming_per_account,
                    "Streaming connections (WebSocket, SSE) open at once per account; beyond it "
                    "new ones get 429 (0: no cap)")
      ->envname("KINDRED_STREAMING_CONNECTIONS_PER_ACCOUNT")
      ->capture_default_str();
  serve->add_option("--streaming-connections-per-address", config.streaming_per_address,
                    "Streaming connections open at once per client address; beyond it new ones "
                    "get 429 (0: no cap)")
      ->envname("KINDRED_STREAMING_CONNECTIONS_PER_ADDRESS")
      ->capture_default_str();
  serve->add_option("--stream-queue-messages", config.stream_queue_messages,
                    "Messages a streaming client may leave unread before it is dropped")
      ->envname("KINDRED_STREAM_QUEUE_MESSAGES")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  serve->add_flag("--sync", config.sync,
                  "fsync the write-ahead log before acknowledging a write (survives power loss)")
      ->envname("KINDRED_SYNC");
  serve->add_option("--max-characters", config.max_characters, "Longest status, in characters")
      ->envname("KINDRED_MAX_CHARACTERS")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve->add_option("--max-body-bytes", config.max_body_bytes, "Largest request body accepted")
      ->envname("KINDRED_MAX_BODY_BYTES")
      ->check(CLI::Range(1024, 1 << 30))
      ->capture_default_str();
  serve->add_option("--max-upload-mb", config.max_upload_mb,
                    "Largest photo upload, in MiB (refused with 413 while it streams in)")
      ->envname("KINDRED_MAX_UPLOAD_MB")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--media-threads", config.media_threads,
                    "Threads processing uploaded photos, at a lower CPU priority than requests")
      ->envname("KINDRED_MEDIA_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--exact-like-notifications", config.exact_like_notifications,
                    "Likes of a post that each notify its author (the v1 notifications list "
                    "names every liker); later likes share one notice per post")
      ->envname("KINDRED_EXACT_LIKE_NOTIFICATIONS")
      ->check(CLI::Range(size_t{0}, size_t{1'000'000}))
      ->capture_default_str();
  serve->add_option("--deletion-batch", config.deletion_batch,
                    "Account deletion: edges removed per store batch (it yields between batches)")
      ->envname("KINDRED_DELETION_BATCH")
      ->check(CLI::Range(size_t{8}, size_t{100'000}))
      ->capture_default_str();
  serve->add_option("--deletion-pause-ms", config.deletion_pause_ms,
                    "Account deletion: pause between batches, in ms (tests lengthen it)")
      ->envname("KINDRED_DELETION_PAUSE_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000}))
      ->capture_default_str();
  serve->add_option("--large-account-followers", config.large_account_followers,
                    "Followers above which an account's posts are merged into home feeds when "
                    "read instead of written into each follower's feed")
      ->envname("KINDRED_LARGE_ACCOUNT_FOLLOWERS")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}))
      ->capture_default_str();
  serve->add_option("--comments-ranked-limit", config.comments_ranked_limit,
                    "Direct replies of a post (the newest) that the top comment order ranks; older "
                    "ones follow them, newest first")
      ->envname("KINDRED_COMMENTS_RANKED_LIMIT")
      ->check(CLI::Range(1, 20000))
      ->capture_default_str();
  serve->add_option("--region", config.region,
                    "Readers' region for support resources (ISO 3166-1 alpha-2); their own region preference overrides it")
      ->envname("KINDRED_REGION")
      ->capture_default_str();
  serve->add_option("--share-dir", config.share_dir,
                    "Directory of the shipped data files (support topics, seed support directory); "
                    "default: the source tree's share/")
      ->envname("KINDRED_SHARE_DIR");
  serve->add_option("--title", config.title, "Instance title")->envname("KINDRED_TITLE")->capture_default_str();
  serve->add_option("--source-url", config.source_url,
                    "Where Kindred's source code is published (source_url in /api/v2/instance)")
      ->envname("KINDRED_SOURCE_URL")
      ->capture_default_str();
  serve->add_option("--contact-email", config.contact_email, "Contact address shown in /api/v1/instance")
      ->envname("KINDRED_CONTACT_EMAIL");
  serve->add_flag("--fast-password-hashing", config.fast_password_hashing,
                  "Tests only: argon2id at its minimum cost")
      ->group("");

  auto* admin = cli.add_subcommand("admin", "Administration commands (run with the server stopped).");
  admin->require_subcommand(1);
  std::string admin_database_url;
  admin->add_option("--database-url", admin_database_url,
                    "Work on this PostgreSQL database (--store postgres) instead of the embedded"
                    " store in --data-dir; the servers may keep running")
      ->envname("KINDRED_DATABASE_URL");
  std::string admin_redis_url;
  admin->add_option("--redis-url", admin_redis_url,
                    "With --database-url: the running nodes' Redis, so that they hear of every"
                    " change at once (without it they may answer from memory for up to 30 s)")
      ->envname("KINDRED_REDIS_URL");
  kindred::app::SeedLoadConfig seed;
  auto* seed_cmd = admin->add_subcommand(
      "seed-load", "Create load-test accounts and access tokens straight in the store, in bulk.");
  seed_cmd->add_option("--data-dir", seed.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  seed_cmd->add_option("--accounts", seed.accounts, "How many accounts to add")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}))
      ->capture_default_str();
  seed_cmd->add_option("--tokens-out", seed.tokens_out,
                       "Append one access token per line to this file (for wrk scripts)");
  seed_cmd->add_option("--prefix", seed.prefix, "Username prefix")->capture_default_str();
  seed_cmd->add_option("--batch", seed.batch, "Accounts per atomic batch")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000}))
      ->capture_default_str();
  seed_cmd->add_flag("--force", seed.force, "Seed even if the instance has real accounts");

  std::string compact_dir = "./data";
  auto* compact_cmd = admin->add_subcommand(
      "compact", "Flush and fully compact the store, printing its size before and after.");
  compact_cmd->add_option("--data-dir", compact_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();

  std::string copy_dir = "./data";
  std::string copy_url;
  auto* copy_cmd = admin->add_subcommand(
      "copy-store",
      "Copy the embedded store into PostgreSQL (to move an instance to --store postgres), then"
      " compare every count. Stop the server first; running it again is safe.");
  copy_cmd->add_option("--data-dir", copy_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  copy_cmd->add_option("--database-url", copy_url, "The PostgreSQL database, as a libpq string or URI")
      ->envname("KINDRED_DATABASE_URL")
      ->required();

  std::string reindex_dir = "./data";
  auto* reindex_cmd = admin->add_subcommand(
      "search-reindex", "Rebuild the status search index from every stored post.");
  reindex_cmd->add_option("--data-dir", reindex_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();

  kindred::app::VerifyConfig verify;
  auto* verify_cmd = admin->add_subcommand(
      "verify", "Set (or with --off clear) an account's verified mark, shown as kindred.verified.");
  verify_cmd->add_option("--data-dir", verify.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  verify_cmd->add_option("--username", verify.username, "The account's username")->required();
  verify_cmd->add_flag("--off", verify.off, "Clear the mark instead of setting it");

  kindred::app::RoleConfig role;
  auto* role_cmd = admin->add_subcommand(
      "role", "Give an account a role (moderator, admin, user) for the admin API; --off: user.");
  role_cmd->add_option("--data-dir", role.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  role_cmd->add_option("--username", role.username, "The account's username")->required();
  role_cmd->add_flag("--off", role.off, "Take the role away instead of giving it (--role user)");
  role_cmd->add_option("--role", role.role, "moderator, admin or user (default: admin)")
      ->check(CLI::IsMember({"moderator", "admin", "user"}));
  kindred::app::VerifyConfig memorial;
  auto* memorial_cmd = admin->add_subcommand(
      "memorial",
      "Mark (or with --off unmark) an account as a memorial, at the family's request: its "
      "profile says \"Remembering\", and it can no longer be signed into.");
  memorial_cmd->add_option("--data-dir", memorial.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  memorial_cmd->add_option("--username", memorial.username, "The account's username")->required();
  memorial_cmd->add_flag("--off", memorial.off, "Clear the mark instead of setting it");

  kindred::app::VerifyConfig delete_account;
  auto* delete_account_cmd = admin->add_subcommand(
      "delete-account",
      "Delete an account for good, as its owner would: its posts, likes, follows, notifications, "
      "tokens and the rest go (the username stays taken). Prints progress; needs the server "
      "stopped. Run it again to go on after an interruption.");
  delete_account_cmd->add_option("--data-dir", delete_account.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  delete_account_cmd->add_option("--username", delete_account.username, "The account's username")
      ->required();

  kindred::app::AnnounceConfig announce;
  auto* announce_cmd = admin->add_subcommand(
      "announce",
      "Publish (--text), remove (--remove ID) or list (--list) the announcements people see in "
      "their apps.");
  announce_cmd->add_option("--data-dir", announce.data_dir, "Directory of the embedded store")
      ->envname("KINDRED_DATA_DIR")
      ->capture_default_str();
  announce_cmd->add_option("--text", announce.text, "The announcement, as plain text");
  announce_cmd->add_option("--starts-at", announce.starts_at,
                           "When the event it announces starts: YYYY-MM-DD or YYYY-MM-DDTHH:MMZ");
  announce_cmd->add_option("--ends-at", announce.ends_at,
                           "When it ends and stops showing: YYYY-MM-DD or YYYY-MM-DDTHH:MMZ");
  announce_cmd->add_flag("--all-day", announce.all_day, "The event lasts whole days");
  announce_cmd->add_option("--remove", announce.remove, "Remove the announcement with this id");
  announce_cmd->add_flag("--list", announce.list, "List the announcements (id, text)");

  kindred::app::RulesConfig rules;
  auto* rules_cmd = admin->add_subcommand(
      "rules",
      "List, add, edit or remove the server's rules (GET /api/v1/instance/rules, cited by "
      "reports), kept in DATA_DIR/rules.json; fine while the server runs.");
  rules_cmd->require_subcommand(1);
  auto rules_action = [&rules, rules_cmd](const char* name, const char* what) {
    auto* cmd = rules_cmd->add_subcommand(name, what);
    cmd->add_option("--data-dir", rules.data_dir, "Directory of the server's data")
        ->envname("KINDRED_DATA_DIR")
        ->capture_default_str();
    cmd->callback([&rules, name] { rules.action = name; });
    return cmd;
  };
  rules_action("list", "Print the rules in force: id, text and hint, a line each.");
  auto* rules_add = rules_action("add", "Add a rule at the end; prints its id.");
  rules_add->add_option("--text", rules.text, "The rule, plain text (at most 300 characters)")
      ->required();
  rules_add->add_option("--hint", rules.hint, "More detail about the rule");
  auto* rules_edit = rules_action("edit", "Change a rule's text or hint.");
  rules_edit->add_option("id", rules.id, "The rule's id")->required();
  rules_edit->add_option("--text", rules.text, "The new text");
  rules_edit->add_option("--hint", rules.hint, "The new hint");
  auto* rules_remove = rules_action(
      "remove", "Remove a rule (reports that cited it keep naming it; its id is not reused).");
  rules_remove->add_option("id", rules.id, "The rule's id")->required();

  CLI11_PARSE(cli, argc, argv);
  if (kindred::Status s = kindred::media::init_media(argv[0]); !s.is_ok()) {
    std::cerr << "kindred: " << s.to_string() << '\n';
    return 1;
  }

  kindred::app::set_admin_database_url(admin_database_url);
  kindred::app::set_admin_redis_url(admin_redis_url);
  if (compact_cmd->parsed()) return kindred::app::compact(compact_dir);
  if (copy_cmd->parsed()) return kindred::app::copy_store(copy_dir, copy_url);
  if (reindex_cmd->parsed()) return kindred::app::search_reindex(reindex_dir);

  if (seed_cmd->parsed()) return kindred::app::seed_load(seed);

  if (verify_cmd->parsed()) return kindred::app::verify(verify);

  if (role_cmd->parsed()) return kindred::app::role(role);
  if (memorial_cmd->parsed()) return kindred::app::memorial(memorial);
  if (delete_account_cmd->parsed()) return kindred::app::delete_account(delete_account);
  if (announce_cmd->parsed()) return kindred::app::announce(announce);
  if (rules_cmd->parsed()) return kindred::app::rules(rules);

  if (serve->parsed()) {
    config.access_log = parse_on_off(access_log);
    config.rate_limits = parse_on_off(rate_limits);
    config.proxy_protocol = parse_on_off(proxy_protocol);
    static const std::map<std::string, kindred::social::RegistrationMode> kModes = {
        {"open", kindred::social::RegistrationMode::kOpen},
        {"approval", kindred::social::RegistrationMode::kApproval},
        {"closed", kindred::social::RegistrationMode::kClosed}};
    config.registrations = kModes.at(registrations);
    return kindred::app::serve(config);
  }
  return 0;
}
