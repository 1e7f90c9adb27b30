#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/care/memories.h"
#include "social/identity/oauth.h"
#include "social/identity/preferences.h"
#include "social/graph/relationships.h"
#include "social/model/views.h"
#include "social/posts/polls.h"

// Domain views -> Mastodon JSON entities. Pure functions: no store, no I/O.
namespace kindred::api::entities {

// "2026-11-25T17:00:00.123Z"
std::string iso8601(int64_t ms);
// "2026-11-25"
std::string iso_date(int64_t ms);
// `key`: iso8601(ms), or null when `ms` is 0.
void write_instant_or_null(JsonWriter& w, std::string_view key, int64_t ms);

// Mastodon's Role entity of Mastodon's default roles: the "everyone" role (id "-99") for users,
// Moderator ("1", permission manage_reports) and Admin ("2", administrator), as serialised JSON.
std::string_view role_json(social::Role role);

// Mastodon's Account; `kindred.verified` is Kindred's extension, and so is
// `kindred.remembering` ("Remembering <name>", on memorial accounts only, beside Mastodon's
// `memorial: true`). With `credential`, the
// CredentialAccount (adds `source` and `role`), for the account itself only.
void write_account(JsonWriter& w, const social::AccountView& v, const ApiConfig& c,
                   bool credential = false);
// Mastodon's Status as its viewer sees it; a reblog has empty content and the original in
// `reblog`. `with_source` adds `text` (as returned by delete). A reply pinned by its post's
// author adds Kindred's `kindred.comment_pinned` (true).
// A post on a support topic adds `kindred.support` (entities/support.h) for its reader.
void write_status(JsonWriter& w, const social::PostView& v, const ApiConfig& c,
                  bool with_source = false);

// Mastodon's Poll as its viewer sees it: votes_count of each option null while totals are
// hidden, voters_count null on a single-choice poll (as documented), voted and own_votes for a
// signed-in viewer only.
void write_poll(JsonWriter& w, const social::PollView& v);
std::string poll_json(const social::PollView& v);

// Mastodon's MediaAttachment; url, preview_url, blurhash and meta sizes are null/absent while
// processing.
void write_media(JsonWriter& w, const social::Media& m, const ApiConfig& c);
std::string media_json(const social::Media& m, const ApiConfig& c);
// Where a stored file is served: <base_url>/system/media/<blob>.
std::string media_url(const ApiConfig& c, std::string_view blob);

// The same, serialised: one object, or an array of them.
std::string account_json(const social::AccountView& v, const ApiConfig& c, bool credential = false);
std::string status_json(const social::PostView& v, const ApiConfig& c, bool with_source = false);
std::string accounts_json(const std::vector<social::AccountView>& vs, const ApiConfig& c);
std::string statuses_json(const std::vector<social::PostView>& vs, const ApiConfig& c);

// Mastodon's Relationship.
std::string relationship_json(const social::RelationshipView& r);

// Application; `with_secrets` adds client_id and client_secret (only when just created).
boost::json::object application(const social::App& app, bool with_secrets);
// Token: {access_token, token_type, scope, created_at}.
boost::json::object token(const social::IssuedToken& t);

// Kindred's preferences: {memories, support_resources, region, time_zone} (null when unset).
std::string preferences_json(const social::Preferences& p);
// Kindred's memories: [{years_ago, label ("One year ago", "2 years ago"), date, status}].
std::string memories_json(const std::vector<social::MemoryView>& ms, const ApiConfig& c);
// "One year ago", "2 years ago", ...
std::string years_ago_label(int years);
// A hidden memory range: {id, start_date, end_date, note}; or an array of them.
std::string hidden_range_json(const social::HiddenRange& r);
std::string hidden_ranges_json(const std::vector<social::HiddenRange>& rs);

// Kindred's hidden words: {words, builtin_lists, available_builtin_lists: [{language, name, size}]}.
std::string hidden_words_json(const social::HiddenWords& w,
                              const std::vector<social::BuiltinWordList>& lists);
// Kindred's Limits: {active, until (null when not active), recent_followers}.
std::string limits_json(const social::LimitsView& v);
// Whether the caller restricts an account: {id, restricting}.
std::string restriction_json(Id id, bool restricting);

}  // namespace kindred::api::entities
