#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "social/model/context.h"
#include "social/posts/posts.h"

namespace kindred::social {

// A person's blocks of whole domains (Mastodon's account domain blocks). Kindred does not
// federate, so no account here belongs to another domain and a block hides nothing yet; the list
// is kept so that apps that manage it work, and so that it applies the day accounts from other
// servers can appear. Thread-safe: holds nothing mutable besides the store.
class DomainBlockService {
 public:
  explicit DomainBlockService(Deps deps) : deps_(deps) {}

  // The domain as Mastodon stores it: trimmed, lower case, IDNA (punycode) form. Errors:
  // InvalidArgument if blank, longer than 253 characters, or not a host name.
  static Result<std::string> normalize(std::string_view domain);

  // Idempotent. Errors: InvalidArgument as normalize().
  Status block(Id account_id, std::string_view domain);
  // Idempotent; unblocking a domain never blocked is not an error. Errors: as normalize().
  Status unblock(Id account_id, std::string_view domain);
  // The account's blocked domains, most recently blocked first; positions are block times.
  Result<Page<std::string>> list(Id account_id, const ListQuery& q) const;

 private:
  Deps deps_;
};

}  // namespace kindred::social
