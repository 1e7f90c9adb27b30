#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kindred {

// The closed list of outcomes every layer speaks. Add a code only when a caller will branch on it.
enum class StatusCode {
  kOk = 0,
  kNotFound,
  kInvalidArgument,  // bad input: the caller can fix it (HTTP 422 / 400)
  kUnauthenticated,  // no or bad credentials (HTTP 401)
  kPermissionDenied, // authenticated, but not allowed (HTTP 403)
  kConflict,         // a unique name is taken, a write raced (HTTP 409/422)
  kRateLimited,      // HTTP 429
  kUnavailable,      // shutting down, overloaded (HTTP 503)
  kCorruption,       // stored bytes do not decode
  kInternal,
  kTooLarge,         // an upload over the size limit (HTTP 413)
  kMalformed,        // a request body that cannot be parsed at all (HTTP 400)
};

std::string_view status_code_name(StatusCode code);

// A cheap value: an OK status holds no allocation. The message is safe to show a client only for
// kInvalidArgument, kPermissionDenied, kNotFound, kConflict, kTooLarge and kMalformed; other codes' messages are for logs.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status not_found(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status invalid_argument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status unauthenticated(std::string msg) {
    return Status(StatusCode::kUnauthenticated, std::move(msg));
  }
  static Status permission_denied(std::string msg) {
    return Status(StatusCode::kPermissionDenied, std::move(msg));
  }
  static Status conflict(std::string msg) { return Status(StatusCode::kConflict, std::move(msg)); }
  static Status rate_limited(std::string msg) {
    return Status(StatusCode::kRateLimited, std::move(msg));
  }
  static Status unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }
  static Status corruption(std::string msg) { return Status(StatusCode::kCorruption, std::move(msg)); }
  static Status internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }
  static Status too_large(std::string msg) { return Status(StatusCode::kTooLarge, std::move(msg)); }
  static Status malformed(std::string msg) { return Status(StatusCode::kMalformed, std::move(msg)); }

  Status(StatusCode code, std::string msg)
      : rep_(code == StatusCode::kOk ? nullptr
                                     : std::make_shared<const Rep>(Rep{code, std::move(msg)})) {}

  bool is_ok() const { return rep_ == nullptr; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const;
  bool is_not_found() const { return code() == StatusCode::kNotFound; }
  bool is_conflict() const { return code() == StatusCode::kConflict; }
  // "NotFound: no such status" or "OK"; for logs and test failures.
  std::string to_string() const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;
};

// Shaped like std::expected<T, Status>: has_value(), value(), value_or(), error(), *, ->.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT implicit
  Result(Status error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: has_value()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // REQUIRES: !has_value()
  const Status& error() const { return std::get<1>(v_); }
  // The status: OK when a value is held.
  Status status() const { return has_value() ? Status::ok() : error(); }
  // The value, or `fallback` on an error (as std::expected::value_or).
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kindred

// Returns the Status from the enclosing function when `expr` (a Status) is not OK.
#define KINDRED_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::kindred::Status kindred_s_ = (expr);   \
    if (!kindred_s_.is_ok()) return kindred_s_; \
  } while (0)

#define KINDRED_CONCAT_INNER(a, b) a##b
#define KINDRED_CONCAT(a, b) KINDRED_CONCAT_INNER(a, b)
// `KINDRED_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result or returns its error.
#define KINDRED_ASSIGN_OR_RETURN(decl, expr)                               \
  auto KINDRED_CONCAT(kindred_r_, __LINE__) = (expr);                      \
  if (!KINDRED_CONCAT(kindred_r_, __LINE__).has_value())                   \
    return KINDRED_CONCAT(kindred_r_, __LINE__).error();                   \
  decl = std::move(KINDRED_CONCAT(kindred_r_, __LINE__)).value()
