#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/mastodon/api.h"
#include "social/graph/discovery.h"
#include "social/identity/announcements.h"

// Entities of the start-up routes: Announcement, Suggestion, FamiliarFollowers.
namespace kindred::api::entities {

// Plain text as HTML: escaped, paragraphs at blank lines, line breaks as <br>.
std::string plain_text_html(std::string_view text);

// Mastodon's Announcement as `read` by the viewer (a signed-in viewer: `read` and `me` present).
std::string announcements_json(const std::vector<social::AnnouncementView>& vs);

// Mastodon 4.3's Suggestion ({source, sources, account}); with `v1`, the v1 list (accounts).
std::string suggestions_json(const std::vector<social::Suggestion>& ss, const ApiConfig& c,
                             bool v1);

// [{id, accounts: [Account]}].
std::string familiar_followers_json(const std::vector<social::DiscoveryService::Familiar>& fs,
                                    const ApiConfig& c);

}  // namespace kindred::api::entities
