#pragma once

// What the settings pages (/settings/...) share: the sections and their nav, the page around a
// section's form, the confirmations a page shows after a form (named by an enumerated ?done=
// code, never text from the address), and small readers of form fields. Internal to the web
// layer; each settings_*.cpp file registers its own sections' routes.
#include <optional>
#include <string>
#include <string_view>

#include "web/page.h"

namespace kindred::web::settings {

enum class Section {
  kIndex,
  kProfile,
  kPassword,
  kSessions,
  kFilters,
  kHiddenWords,
  kLimits,
  kPeople,
  kComments,
  kSupport,
  kMemories,
  kAppearance,
  kData,
  kDelete,
};

// "/settings/profile" ("/settings" for the index).
std::string path_of(Section s);

// What a form did, said once on the page it returns to (`?done=<code>`).
enum class Done {
  kSaved,
  kPasswordChanged,
  kSignedOut,
  kSignedOutOthers,
  kRevoked,
  kFilterCreated,
  kFilterDeleted,
  kLimitsOn,
  kLimitsOff,
  kRemoved,
  kRangeAdded,
  kArchiveRequested,
};
// 303 to `section`'s page with `?done=<code>`.
http::Response done(Section section, Done what);

// A settings page: the settings nav with `current` marked, the section's heading, the sentence
// the request's ?done= code names (none for an unknown code) unless `status` is an error, and
// `content_html` (a rendered template).
http::Response settings_page(const PageContext& c, Section current, int status, std::string content_html);

// The field `name` as text a person may save: lines ended with LF, no control characters;
// nullopt when it holds invalid UTF-8 or control characters.
std::optional<std::string> text_field(const PageContext& c, std::string_view name);
// Whether the checkbox `name` was ticked (value "1").
bool ticked(const PageContext& c, std::string_view name);
// An id in field `name`, or nullopt when absent or malformed.
std::optional<Id> id_field(const PageContext& c, std::string_view name);
// The form's CSRF token and every key in `keys` set to false, for a template's optional keys.
Data form_data(const PageContext& c, std::initializer_list<const char*> keys);
// "2 March 2024" (UTC).
std::string date_text(const PageContext& c, int64_t ms);
// "2 March 2024, 13:45 UTC".
std::string time_text(const PageContext& c, int64_t ms);

// Each file's routes.
void register_account_settings(const Routes& r);  // profile, password, sessions and apps, appearance
void register_filter_settings(const Routes& r);   // filters
void register_comment_settings(const Routes& r);  // hidden words, limits, people, comments
void register_care_settings(const Routes& r);     // support, memories
void register_data_settings(const Routes& r);     // your data: lists in and out, the archive
void register_delete_settings(const Routes& r);   // deleting the account

}  // namespace kindred::web::settings
