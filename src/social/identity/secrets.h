#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/id.h"
#include "core/status.h"

namespace kindred::social {

// 256 random bits as 43 URL-safe base64 characters (libsodium's CSPRNG).
std::string random_token();
// An access token that names its own record: the token's id in decimal, a dot, and
// random_token(). Authenticating it is one read by id, where a bare random token needs its hash's
// key first (a second read, of a block that is seldom cached: the hashes are random). The id is
// no secret; the 256 random bits are, and the record holds the whole token's hash to check them.
std::string id_token(Id id);
// The id an access token names (id_token), or nothing for a token of random bits alone (those
// issued before ids were named, and app secrets): their base64url text never holds a dot.
std::optional<Id> token_id_of(std::string_view token);
// Hex of SHA-256 of `secret`: how tokens and codes are named in the store.
std::string hash_secret(std::string_view secret);
// base64url (no padding) of SHA-256 of `verifier`: PKCE's S256 code challenge.
std::string pkce_s256(std::string_view verifier);
// Constant-time equality for secrets.
bool secrets_equal(std::string_view a, std::string_view b);

// Argon2id password hashing (libsodium, interactive limits) on its own small thread pool, so a
// sign-up or sign-in never runs the hash on a thread that serves other requests' I/O, and at most
// `threads` hashes (each ~64 MiB) run at once. Thread-safe. The destructor finishes queued work.
class PasswordHasher {
 public:
  explicit PasswordHasher(int threads = 1, bool fast_for_tests = false);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // The encoded argon2id hash of `password`. Errors: Internal if libsodium runs out of memory.
  Result<std::string> hash(std::string password);
  // Whether `password` matches `encoded`. An empty or malformed `encoded` never matches, but the
  // same work is done, so timing does not tell whether an account exists.
  bool verify(std::string password, std::string encoded);

 private:
  std::future<void> submit(std::function<void()> job);
  void run();

  const bool fast_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> queue_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;                          // GUARDED_BY(mutex_)
  std::vector<std::thread> threads_;
};

}  // namespace kindred::social
