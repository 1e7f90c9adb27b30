#include "social/identity/account_names.h"

#include <sodium.h>

#include <algorithm>

#include "social/model/fold.h"

namespace kindred::social {

namespace {

// Display names of more words than this are indexed by their first words only.
constexpr size_t kMaxNameWords = 8;

using store::AssocType;

void add_terms(std::string_view name, std::vector<std::string>& out) {
  auto words = fold_words(name, false);
  if (words.size() > kMaxNameWords) words.resize(kMaxNameWords);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string term;
    for (size_t k = i; k < words.size(); ++k) {
      if (k > i) term += ' ';
      term += words[k];
    }
    if (std::find(out.begin(), out.end(), term) == out.end()) out.push_back(std::move(term));
  }
}

// Byte length of the first `chars` UTF-8 characters of `s`.
size_t prefix_bytes(std::string_view s, size_t chars) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < chars) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++n;
  }
  return i;
}

std::set<std::string> index_keys(const Account& a) {
  return name_index_keys(account_name_terms(a));
}

}  // namespace

Id hash_node(std::string_view bytes) {
  unsigned char hash[8];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  uint64_t v = 0;
  for (unsigned char b : hash) v = (v << 8) | b;
  return Id(v | 1);
}

std::set<std::string> name_index_keys(const std::vector<std::string>& terms) {
  std::set<std::string> keys;
  for (const auto& term : terms) {
    const size_t end = prefix_bytes(term, kNamePrefixChars);
    for (size_t i = 1; i <= end; ++i) {
      if (i < term.size() && (static_cast<unsigned char>(term[i]) & 0xC0) == 0x80) continue;
      if (term[i - 1] == ' ') continue;  // "ann " reads as "ann"
      keys.insert(term.substr(0, i));
    }
  }
  return keys;
}

std::vector<std::string> account_name_terms(const Account& account) {
  std::vector<std::string> out;
  add_terms(account.username, out);
  add_terms(account.display_name, out);
  return out;
}

std::string fold_name_query(std::string_view query) {
  std::string out;
  for (const auto& w : fold_words(query, false)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string name_index_key(std::string_view folded_query) {
  return std::string(folded_query.substr(0, prefix_bytes(folded_query, kNamePrefixChars)));
}

Id account_name_node(std::string_view key) { return hash_node("account-name:" + std::string(key)); }

bool account_name_matches(const Account& account, std::string_view folded_query) {
  for (const auto& term : account_name_terms(account))
    if (term.starts_with(folded_query)) return true;
  return false;
}

void add_account_name_index(store::Batch& batch, const Account* before, const Account& after) {
  const auto next = index_keys(after);
  if (before) {
    if (before->username == after.username && before->display_name == after.display_name) return;
    const auto prev = index_keys(*before);
    for (const auto& k : prev)
      if (!next.contains(k))
        batch.remove_assoc(account_name_node(k), AssocType::kAccountNames, after.id);
    for (const auto& k : next)
      if (!prev.contains(k))
        batch.add_assoc({account_name_node(k), AssocType::kAccountNames, after.id, after.id, {}});
    return;
  }
  for (const auto& k : next)
    batch.add_assoc({account_name_node(k), AssocType::kAccountNames, after.id, after.id, {}});
}

}  // namespace kindred::social
