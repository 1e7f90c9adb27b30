#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace kindred::social {

// OAuth scopes as Mastodon defines them: top-level `read`, `write`, `follow`, `push`, `profile`,
// their sub-scopes (`read:statuses`, `write:favourites`...), and `follow` as the legacy alias of
// read:follows, read:blocks, read:mutes, write:follows, write:blocks, write:mutes.

// Splits and validates a space- (or '+'-) separated scope list. Empty text means "read".
// Errors: InvalidArgument naming the first unknown scope.
Result<std::vector<std::string>> parse_scopes(std::string_view text);

// Whether `granted` (a parsed list) includes `required` ("write:favourites"), directly, through
// its top-level scope ("write"), or through `follow`.
bool scopes_allow(const std::vector<std::string>& granted, std::string_view required);

// Whether every scope in `requested` is allowed by `granted` (used when a token asks for a subset
// of its app's scopes).
bool scopes_subset(const std::vector<std::string>& requested, const std::vector<std::string>& granted);

// Every scope Kindred knows, in a fixed order (for OAuth discovery's scopes_supported).
std::vector<std::string> known_scopes();

std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace kindred::social
