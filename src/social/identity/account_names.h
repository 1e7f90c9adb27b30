#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "social/model/models.h"
#include "store/store.h"

namespace kindred::social {

// The account name index that account search reads: every account is listed (kAccountNames, an
// edge to the account positioned at its id) under each prefix of each of its name terms, up to
// kNamePrefixChars characters. A name term is a run of the folded words (fold_words, no run
// collapsing) of the username or of the display name, from one word to the end: "Ann Marie
// Smith" gives "ann marie smith", "marie smith" and "smith". Written in the batch that creates
// the account or changes its names, so the index always agrees with the accounts.
inline constexpr size_t kNamePrefixChars = 16;

// The node named by `bytes`: the first 64 bits of their BLAKE2b hash, odd (never zero).
Id hash_node(std::string_view bytes);
// Every prefix of each of `terms` up to kNamePrefixChars characters (a prefix never ends in a
// space): the lists an entry with these terms is written to.
std::set<std::string> name_index_keys(const std::vector<std::string>& terms);

// The name terms of `account` (as above, whole), no repeats.
std::vector<std::string> account_name_terms(const Account& account);
// A search query folded the way names are: its folded words joined by single spaces ("" when it
// has none).
std::string fold_name_query(std::string_view query);
// The first kNamePrefixChars characters of a folded query: the list to read.
std::string name_index_key(std::string_view folded_query);
// The node whose kAccountNames edges list the accounts with a term starting with `key`.
Id account_name_node(std::string_view key);
// Whether a term of `account` starts with `folded_query` (for queries longer than the index key).
bool account_name_matches(const Account& account, std::string_view folded_query);

// Adds to `batch` the index changes from `before` (null for a new account) to `after`.
void add_account_name_index(store::Batch& batch, const Account* before, const Account& after);

}  // namespace kindred::social
