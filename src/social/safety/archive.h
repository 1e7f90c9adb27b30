#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "social/identity/accounts.h"

// A person's archive of their own data, as Mastodon's "Request your archive": their posts
// (ActivityStreams outbox.json), profile (actor.json), likes and bookmarks, and their photos, in
// one zip file built in the background, at most one a day, downloadable once ready.
namespace kindred::social {

enum class ArchiveState : uint8_t { kPending = 0, kReady = 1, kFailed = 2 };
std::string_view archive_state_name(ArchiveState s);  // "pending", "ready", "failed"

// An account's latest archive (ObjectType::kArchive, keyed by the account's id). Requests before
// it are forgotten, and so is the file of the one before.
struct Archive {
  Id account_id;
  Id request_id;  // a time-ordered id of the request; names the file
  int64_t requested_at_ms = 0;
  ArchiveState state = ArchiveState::kPending;
  int64_t completed_at_ms = 0;  // ready or failed since
  int64_t size = 0;             // bytes of the file, once ready
  std::string file;             // its name in the archives directory, once ready
  std::string error;            // why building failed (for logs; the person reads "failed")
  bool operator==(const Archive&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(account_id, request_id, requested_at_ms, record::upto(state, ArchiveState::kFailed),
      completed_at_ms, size, file, error);
  }
  std::string encode() const;
  static Result<Archive> decode(std::string_view bytes);
};

// What writes an archive's content: ActivityStreams JSON and the zip, which the domain leaves to
// the edge (api/kindred/archive_file.h). Called on the archive thread, one archive at a time.
class ArchiveRenderer {
 public:
  virtual ~ArchiveRenderer() = default;
  // Writes `account`'s archive as a zip file at `path`; `work_dir` is an empty directory for
  // its scratch files, removed afterwards. Errors: whatever stopped it (the file is not used).
  virtual Status render(const Account& account, const std::string& path,
                        const std::string& work_dir) const = 0;
};

struct ArchiveConfig {
  int64_t min_interval_ms = 24LL * 60 * 60 * 1000;  // one request a day per account
};

// Requests, builds and hands out archives. Archives live in `dir` (DATA_DIR/archives); a request
// is stored with its place in the pending list (kPendingArchives) in one batch, so one that a
// crash or a stop interrupted is built after the next start(). Thread-safe.
class ArchiveService {
 public:
  ArchiveService(Deps deps, const AccountService& accounts, std::string dir,
                 ArchiveConfig config = {});
  ~ArchiveService();  // stops the thread (an archive being built is finished first)
  ArchiveService(const ArchiveService&) = delete;
  ArchiveService& operator=(const ArchiveService&) = delete;

  // Set once at start-up, before start() or build_pending(). Not owned.
  void set_renderer(const ArchiveRenderer* renderer) { renderer_ = renderer; }
  // Starts the thread that builds pending archives (those left from before first).
  void start();
  // How long after a request the next one is allowed.
  int64_t min_interval_ms() const { return config_.min_interval_ms; }

  // Asks for a new archive of the viewer's data and returns it (pending). Errors: RateLimited
  // "You can only request an archive once a day" when the last request is less than
  // min_interval_ms old (a failed build does not count). REQUIRES: viewer.signed_in().
  Result<Archive> request(const Viewer& viewer);
  // The viewer's latest archive, or nullopt if they never asked.
  Result<std::optional<Archive>> latest(const Viewer& viewer) const;
  // The path of the viewer's ready archive file. Errors: NotFound when none is ready.
  Result<std::string> file_path(const Viewer& viewer) const;

  // Forgets `account_id`'s archive: its record, its place in the pending list and its file (for
  // account deletion). Idempotent; an archive being built now is dropped once built.
  Status forget(Id account_id);

  // Builds every pending archive now, on the caller's thread; returns how many were handled.
  // Errors: a store failure (what is left stays pending).
  Result<size_t> build_pending();

 private:
  Result<std::optional<Archive>> load(Id account_id) const;
  // Builds the archive of `account_id` requested as `request_id`. REQUIRES: build_mu_ held.
  Status build(Id account_id, Id request_id);
  void loop();

  Deps deps_;
  const AccountService& accounts_;
  const std::string dir_;
  const ArchiveConfig config_;
  const ArchiveRenderer* renderer_ = nullptr;

  std::mutex request_mu_;  // one request at a time: the daily check and the write go together
  std::mutex build_mu_;    // one build at a time
  std::mutex mu_;          // guards the fields below
  std::condition_variable cv_;
  bool wake_ = false;  // GUARDED_BY(mu_)
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace kindred::social
