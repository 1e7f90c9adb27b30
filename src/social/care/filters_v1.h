#pragma once

#include <optional>
#include <string>
#include <vector>

#include "social/care/filters.h"

namespace kindred::social {

// Mastodon's deprecated filters v1 (/api/v1/filters), kept on filters v2 as Mastodon keeps them:
// each keyword of a filter is a v1 filter of its own, with its filter's context, expiry and
// action (irreversible: hide); creating one creates a filter titled with the phrase holding that
// one keyword; deleting one deletes the keyword only.
struct FilterV1 {
  Filter filter;  // the filter the keyword belongs to
  FilterKeyword keyword;
};

// A v1 filter being created (phrase and context required) or updated (each field present is set).
struct FilterV1Edit {
  std::optional<std::string> phrase;
  std::optional<std::vector<std::string>> context;  // context names
  std::optional<bool> irreversible;
  std::optional<bool> whole_word;
  bool expires_in_set = false;        // expires_in was given
  std::optional<int64_t> expires_in;  // seconds from now; nullopt (with expires_in_set): never
};

// Every keyword of the account's filters, filter by filter, oldest first.
Result<std::vector<FilterV1>> v1_filters(const FilterService& filters, Id account);
// Errors: NotFound if no filter of the account has that keyword.
Result<FilterV1> v1_filter(const FilterService& filters, Id account, Id keyword_id);
// Errors: InvalidArgument as FilterService::create. Nothing is written then.
Result<FilterV1> create_v1_filter(FilterService& filters, Id account, const FilterV1Edit& edit);
// Sets the keyword's phrase and whole_word, and its filter's title (the phrase), context,
// expiry and action. Errors: NotFound; InvalidArgument as FilterService::update, or when a
// change to the filter would reach other keywords of it (Mastodon's
// deprecated_api_multiple_keywords). Nothing is written then.
Result<FilterV1> update_v1_filter(FilterService& filters, Id account, Id keyword_id,
                                  const FilterV1Edit& edit);

}  // namespace kindred::social
