#pragma once

#include <string>
#include <vector>

#include "api/mastodon/entities/json_writer.h"
#include "social/care/filters.h"
#include "social/care/filters_v1.h"

// Mastodon's filters v2 entities (docs.joinmastodon.org/entities/Filter, FilterKeyword,
// FilterStatus, FilterResult). Pure functions: no store, no I/O.
namespace kindred::api::entities {

// Filter: {id, title, context, expires_at (ISO 8601 or null), filter_action}, and with
// `with_rules` its keywords and statuses (as /api/v2/filters answers; inside a FilterResult
// Mastodon leaves them out).
void write_filter(JsonWriter& w, const social::Filter& f, bool with_rules = true);
std::string filter_json(const social::Filter& f);
std::string filters_json(const std::vector<social::Filter>& fs);
// FilterKeyword: {id, keyword, whole_word}.
void write_filter_keyword(JsonWriter& w, const social::FilterKeyword& k);
std::string filter_keyword_json(const social::FilterKeyword& k);
std::string filter_keywords_json(const std::vector<social::FilterKeyword>& ks);
// FilterStatus: {id, status_id}.
void write_filter_status(JsonWriter& w, const social::FilterStatus& s);
std::string filter_status_json(const social::FilterStatus& s);
std::string filter_statuses_json(const std::vector<social::FilterStatus>& ss);
// The deprecated V1 Filter: {id (the keyword's), phrase, context, whole_word, expires_at,
// irreversible (the filter hides)}.
void write_filter_v1(JsonWriter& w, const social::FilterV1& f);
std::string filter_v1_json(const social::FilterV1& f);
std::string filters_v1_json(const std::vector<social::FilterV1>& fs);
// A Status's `filtered`: an array of FilterResult {filter, keyword_matches, status_matches}.
void write_filter_results(JsonWriter& w, const std::vector<social::FilterResult>& rs);

}  // namespace kindred::api::entities
