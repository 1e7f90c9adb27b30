#include "social/graph/domain_blocks.h"

#include <unicode/uidna.h>

#include "social/identity/account_names.h"

#include <algorithm>
#include <cctype>

namespace kindred::social {

using store::AssocType;

namespace {

Status invalid_domain() { return Status::invalid_argument("Validation failed: Domain is invalid"); }

}  // namespace

Result<std::string> DomainBlockService::normalize(std::string_view domain) {
  while (!domain.empty() && std::isspace(static_cast<unsigned char>(domain.front()))) domain.remove_prefix(1);
  while (!domain.empty() && std::isspace(static_cast<unsigned char>(domain.back()))) domain.remove_suffix(1);
  if (domain.empty()) return Status::invalid_argument("Validation failed: Domain can't be blank");
  if (domain.size() > 253) return invalid_domain();
  UErrorCode err = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &err);
  if (U_FAILURE(err)) return Status::internal("IDNA unavailable");
  char out[256];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const int32_t n = uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()),
                                           out, sizeof out, &info, &err);
  uidna_close(idna);
  if (U_FAILURE(err) || info.errors != 0 || n <= 0 || n > 253) return invalid_domain();
  std::string ascii(out, static_cast<size_t>(n));
  // A host name: letters, digits, hyphens and dots, no empty label.
  const bool host = std::all_of(ascii.begin(), ascii.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.';
  });
  if (!host || ascii.front() == '.' || ascii.back() == '.' || ascii.find("..") != std::string::npos) {
    return invalid_domain();
  }
  return ascii;
}

Status DomainBlockService::block(Id account_id, std::string_view domain) {
  KINDRED_ASSIGN_OR_RETURN(std::string d, normalize(domain));
  const Id node = hash_node(d);
  KINDRED_ASSIGN_OR_RETURN(bool already, deps_.store.assoc_exists(account_id, AssocType::kDomainBlocks, node));
  if (already) return Status::ok();
  store::Batch b;
  b.add_assoc({account_id, AssocType::kDomainBlocks, node, deps_.ids.next(), std::move(d)});
  return deps_.store.apply(b).status();
}

Status DomainBlockService::unblock(Id account_id, std::string_view domain) {
  KINDRED_ASSIGN_OR_RETURN(std::string d, normalize(domain));
  store::Batch b;
  b.remove_assoc(account_id, AssocType::kDomainBlocks, hash_node(d));
  return deps_.store.apply(b).status();
}

Result<Page<std::string>> DomainBlockService::list(Id account_id, const ListQuery& q) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(account_id, AssocType::kDomainBlocks,
                                                               to_range_query(q, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  Page<std::string> page;
  for (auto& a : range.items) {
    page.items.push_back(std::move(a.data));
    page.positions.push_back(a.position);
  }
  return page;
}

}  // namespace kindred::social
