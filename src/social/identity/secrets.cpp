#include "social/identity/secrets.h"

#include <sodium.h>

#include <cstdio>

namespace kindred::social {
namespace {

std::string b64url(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

// A dummy hash verified against when an account has none, so the work is the same.
const std::string& dummy_hash(bool fast) {
  static const std::string kSlow = [] {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, "dummy", 5, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
      return std::string();
    return std::string(out);
  }();
  static const std::string kFast = [] {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, "dummy", 5, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                              crypto_pwhash_argon2id_MEMLIMIT_MIN,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
      return std::string();
    return std::string(out);
  }();
  return fast ? kFast : kSlow;
}

}  // namespace

std::string random_token() {
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  return b64url(buf, sizeof buf);
}

std::string id_token(Id id) { return id.to_string() + '.' + random_token(); }

std::optional<Id> token_id_of(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  return Id::parse(token.substr(0, dot));
}

std::string hash_secret(std::string_view secret) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  std::string out(sizeof digest * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), digest, sizeof digest);
  out.pop_back();
  return out;
}

std::string pkce_s256(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  return b64url(digest, sizeof digest);
}

bool secrets_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

PasswordHasher::PasswordHasher(int threads, bool fast_for_tests) : fast_(fast_for_tests) {
  if (sodium_init() < 0) std::fputs("kindred: libsodium failed to initialise\n", stderr);
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

PasswordHasher::~PasswordHasher() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::future<void> PasswordHasher::submit(std::function<void()> job) {
  std::packaged_task<void()> task(std::move(job));
  auto fut = task.get_future();
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return fut;
}

void PasswordHasher::run() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

Result<std::string> PasswordHasher::hash(std::string password) {
  std::string out;
  bool ok = false;
  const unsigned long long ops =
      fast_ ? crypto_pwhash_argon2id_OPSLIMIT_MIN : crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
  const size_t mem =
      fast_ ? crypto_pwhash_argon2id_MEMLIMIT_MIN : crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
  submit([&] {
    char buf[crypto_pwhash_STRBYTES];
    ok = crypto_pwhash_str_alg(buf, password.data(), password.size(), ops, mem,
                               crypto_pwhash_ALG_ARGON2ID13) == 0;
    if (ok) out = buf;
  }).wait();
  if (!ok) return Status::internal("password hashing failed (out of memory?)");
  return out;
}

bool PasswordHasher::verify(std::string password, std::string encoded) {
  bool real = !encoded.empty() && encoded.size() < crypto_pwhash_STRBYTES;
  if (!real) encoded = dummy_hash(fast_);
  bool match = false;
  submit([&] {
    match = crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
  }).wait();
  return real && match;
}

}  // namespace kindred::social
