#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "store/store.h"

namespace kindred::app {

struct SeedLoadConfig {
  std::string data_dir = "./data";
  int64_t accounts = 1000;
  std::string tokens_out;  // one access token per line, account order
  std::string prefix = "load";
  bool force = false;      // seed even when the instance has real users
  int64_t batch = 5000;
};

// `kindred admin seed-load`: creates load-test accounts and tokens straight in the store, with a
// progress line and a rate on stderr. Refuses (exit 2) when the instance has real users unless
// forced. Appends to what earlier runs made: account numbers continue. Returns the exit code.
int seed_load(const SeedLoadConfig& config);

struct VerifyConfig {
  std::string data_dir = "./data";
  std::string username;  // as the account registered it, "name" or "@name"
  bool off = false;      // clear the mark instead of setting it
};

// `kindred admin verify --username NAME [--off]`: sets (or clears) the verified mark of a local
// account, shown as `kindred.verified` on its Account. Idempotent; prints the result on stdout.
// Exit codes: 0 done; 1 no store in data_dir, no such account, or a store error (then nothing
// changed). Needs the server stopped (the store admits one process).
int verify(const VerifyConfig& config);

// data_dir, username, the role to give ("user", "moderator", "admin"; empty: "admin"), and
// `off` (as before roles: "user").
struct RoleConfig : VerifyConfig {
  std::string role;
};

// `kindred admin role --username NAME [--role moderator|admin|user] [--off]`: gives a local
// account a role. With a token holding admin:read / admin:write, an admin may use the admin API
// (/api/v1/admin/reports, /api/v1/kindred/admin/...), a moderator only its reports routes.
// Without --role it gives the admin role, with --off it takes any role away. Idempotent; prints
// the result on stdout. Exit codes as verify(); 1 also for an unknown role, or --off with a role
// other than user.
int role(const RoleConfig& config);
// `kindred admin memorial --username NAME [--off]`: marks (or unmarks) a local account as a
// memorial, at the family's request: its profile says "Remembering ...", nobody can sign into
// it, and its existing tokens stop working. Same options, exit codes and conditions as verify.
int memorial(const VerifyConfig& config);

// `kindred admin delete-account --username NAME`: deletes a local account for good, as its owner
// deleting it would (social::AccountDeletion): marks it deleted, then removes its posts, likes,
// follows, notifications, tokens and the rest, printing progress on stderr, and prints
// "@NAME is deleted" when done. The username stays taken. Resumes a deletion a crash
// interrupted. Exit codes as verify(); needs the server stopped (the store admits one process).
int delete_account(const VerifyConfig& config);

// The store of `data_dir` for an admin command (the server stopped), or null after printing why
// on stderr: no store there (one is never created), or it cannot be opened (the server holds it).
std::unique_ptr<store::Store> open_existing_store(const std::string& data_dir);

// `kindred admin --database-url URL ...`: the admin commands then work on that PostgreSQL
// database instead of the embedded store in --data-dir (several nodes may be running), and the
// ids they make carry kAdminNodeId, a node number no server takes.
inline constexpr int kAdminNodeId = 63;
void set_admin_database_url(std::string url);
// `kindred admin --redis-url URL` (with --database-url): the cluster's Redis, through which each
// write the command makes is named to the running nodes, whose caches drop what it changed. Without
// it the nodes may answer from what they remembered for up to CachedStore's age bound (30 s).
void set_admin_redis_url(std::string url);
// An id generator for an admin command (kAdminNodeId's ids over PostgreSQL).
IdGenerator admin_ids(const Clock& clock);

// `kindred admin compact`: flushes and fully compacts the store (server stopped), printing its
// size on disk before and after. Returns the exit code.
int compact(const std::string& data_dir);
// Copies the embedded store in `data_dir` into the PostgreSQL database `database_url` (objects,
// edges, keys; the database counts the edges) and compares every count. The server must be
// stopped. 0 when the copy's counts all match; 1 otherwise (running it again is safe).
int copy_store(const std::string& data_dir, const std::string& database_url);

// `kindred admin search-reindex`: rebuilds the status search index (<data_dir>/search) from every
// stored post, oldest first, with a progress bar on stderr (server stopped). Exit codes: 0 done;
// 1 no store, the store or index cannot be opened, or an error while indexing.
int search_reindex(const std::string& data_dir);

}  // namespace kindred::app

namespace kindred::app {

struct AnnounceConfig {
  std::string data_dir = "./data";
  std::string text;       // publishes an announcement with this text
  std::string starts_at;  // optional: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]Z" (UTC)
  std::string ends_at;    // optional, same forms: hidden from then on
  bool all_day = false;
  std::string remove;     // the id of an announcement to remove instead
  bool list = false;      // list the announcements instead
};

// `kindred admin announce`: publishes (--text), removes (--remove ID) or lists (--list) the
// announcements every signed-in person sees in their app (GET /api/v1/announcements). Prints the
// new id, or the list, on stdout. Exit codes: 0 done; 1 no store, a store error, or no such
// announcement; 2 bad options (nothing changed). Needs the server stopped.
int announce(const AnnounceConfig& config);

}  // namespace kindred::app

namespace kindred::app {

struct RulesConfig {
  std::string data_dir = "./data";
  std::string action;  // "list", "add", "edit" or "remove"
  std::string id;      // edit, remove: the rule's id
  std::optional<std::string> text;  // add (required), edit: the rule, plain text
  std::optional<std::string> hint;  // add, edit: more detail
};

// `kindred admin rules list|add|edit|remove`: the server's rules (GET /api/v1/instance/rules,
// cited by reports), kept in <data_dir>/rules.json. list prints "id<TAB>text<TAB>hint" a line;
// add prints the new id (ids go up and are never reused); remove keeps the rule in the file,
// marked removed, so reports citing it still name it. Safe while the server runs: the file is
// replaced atomically and the server reads it again when it changes. Exit codes: 0 done; 1 the
// file cannot be read, parsed or written, or no such rule; 2 bad options (a blank text, one over
// 300 characters, nothing to change). On any error the file is as it was.
int rules(const RulesConfig& config);

}  // namespace kindred::app
