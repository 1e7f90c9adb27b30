#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kindred::http {

// Percent-decodes `in` ('+' as space when `plus_is_space`). nullopt on a malformed escape
// ('%' not followed by two hex digits). Decoded bytes are not checked for UTF-8. Thread-safe.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
// Percent-encodes every byte except RFC 3986 unreserved ones (A-Z a-z 0-9 - . _ ~), with
// upper-case hex; the result decodes back to `in` whether or not '+' is read as space.
std::string percent_encode(std::string_view in);

// Ordered name/value pairs from a query string or an application/x-www-form-urlencoded body.
// Names keep Rails' array suffix ("scopes[]") as sent.
// A plain value: const methods may be called from many threads, non-const ones need outside
// locking.
class Params {
 public:
  // Parses "a=1&b=x%20y&c[]=1&c[]=2": '+' is a space, a piece without '=' has an empty value,
  // empty pieces ("a=1&&b=2") and nameless ones ("=x") are skipped. Errors are reported as
  // nullopt (a malformed escape anywhere).
  static std::optional<Params> parse(std::string_view encoded);

  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  // The last value named exactly `name`, or nullopt. The view is valid while this is unchanged.
  std::optional<std::string_view> get(std::string_view name) const;
  // All values named `name` or `name[]`, in order; empty if none.
  std::vector<std::string> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace kindred::http
