#include "social/identity/scopes.h"

#include <algorithm>
#include <array>

namespace kindred::social {
namespace {

constexpr std::array<std::string_view, 40> kKnown = {
    "read", "write", "follow", "push", "profile", "admin:read", "admin:write",
    "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters",
    "read:follows", "read:lists", "read:mutes", "read:notifications", "read:search",
    "read:statuses", "write:accounts", "write:blocks", "write:bookmarks", "write:conversations",
    "write:favourites", "write:filters", "write:follows", "write:lists", "write:media",
    "write:mutes", "write:notifications", "write:reports", "write:statuses",
    "admin:read:accounts", "admin:write:accounts", "admin:read:reports", "admin:write:reports",
    "read:me", "admin:read:domain_blocks", "admin:write:domain_blocks", "admin:read:ip_blocks",
    "admin:write:ip_blocks"};

constexpr std::array<std::string_view, 6> kFollowAlias = {
    "read:follows", "read:blocks", "read:mutes", "write:follows", "write:blocks", "write:mutes"};

bool known(std::string_view s) {
  return std::find(kKnown.begin(), kKnown.end(), s) != kKnown.end();
}

}  // namespace

Result<std::vector<std::string>> parse_scopes(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '+')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '+') ++j;
    if (j > i) {
      std::string_view s = text.substr(i, j - i);
      if (!known(s)) return Status::invalid_argument("The requested scope is invalid, unknown, or malformed.");
      if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
    }
    i = j;
  }
  if (out.empty()) out.emplace_back("read");
  return out;
}

bool scopes_allow(const std::vector<std::string>& granted, std::string_view required) {
  for (const auto& g : granted) {
    if (g == required) return true;
    // "write" covers "write:favourites"; "admin:read" covers "admin:read:accounts".
    if (required.size() > g.size() && required.substr(0, g.size()) == g && required[g.size()] == ':')
      return true;
    if (g == "follow" &&
        std::find(kFollowAlias.begin(), kFollowAlias.end(), required) != kFollowAlias.end())
      return true;
  }
  return false;
}

bool scopes_subset(const std::vector<std::string>& requested, const std::vector<std::string>& granted) {
  return std::all_of(requested.begin(), requested.end(),
                     [&](const std::string& s) { return scopes_allow(granted, s); });
}

std::vector<std::string> known_scopes() { return {kKnown.begin(), kKnown.end()}; }

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace kindred::social
