#include "social/identity/preferences.h"

#include <algorithm>
#include <fstream>
#include <set>

namespace kindred::social {

namespace {

constexpr const char* kIso3166Table = "/usr/share/zoneinfo/iso3166.tab";

std::set<std::string, std::less<>> read_regions() {
  std::set<std::string, std::less<>> codes;
  std::ifstream in(kIso3166Table);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() >= 2 && line[0] >= 'A' && line[0] <= 'Z' && line[1] >= 'A' && line[1] <= 'Z' &&
        (line.size() == 2 || line[2] == '\t'))
      codes.insert(line.substr(0, 2));
  }
  return codes;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

bool known_region(std::string_view code) {
  // Read once and never changed: the table ships with tzdata and changes only with it.
  static const std::set<std::string, std::less<>> kRegions = read_regions();
  return kRegions.find(code) != kRegions.end();
}

Result<Preferences> PreferencesService::load(Id account_id) const {
  auto bytes = deps_.store.get_object(store::ObjectType::kPreferences, account_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Preferences{};
    return bytes.error();
  }
  return Preferences::decode(*bytes);
}

Result<Preferences> PreferencesService::get(Id account_id) const {
  if (auto cached = cache_.find(account_id); cached && *cached) return **cached;
  KINDRED_ASSIGN_OR_RETURN(Preferences p, load(account_id));
  cache_.insert_if_absent(account_id, std::make_shared<const Preferences>(p));
  return p;
}

Result<TimeZone> PreferencesService::time_zone(Id account_id) const {
  KINDRED_ASSIGN_OR_RETURN(Preferences p, get(account_id));
  if (p.time_zone.empty()) return TimeZone();
  // A stored name that the tz database no longer knows (a zone removed by a tzdata update)
  // falls back to UTC rather than failing every read.
  auto zone = TimeZone::named(p.time_zone);
  if (!zone.has_value()) return TimeZone();
  return zone;
}

Result<Preferences> PreferencesService::update(Id account_id, const PreferencesEdit& edit) {
  std::string region, zone;
  if (edit.region) {
    region = ascii_upper(*edit.region);
    if (!region.empty() && (region.size() != 2 || !known_region(region)))
      return Status::invalid_argument(
          "Validation failed: Region is not an ISO 3166-1 alpha-2 country code");
  }
  if (edit.time_zone) {
    zone = *edit.time_zone;
    if (!zone.empty() && !TimeZone::valid(zone))
      return Status::invalid_argument("Validation failed: Time zone is not a known IANA time zone");
  }

  std::scoped_lock lock(update_locks_[std::hash<Id>()(account_id) % update_locks_.size()]);
  KINDRED_ASSIGN_OR_RETURN(Preferences p, load(account_id));
  if (edit.memories) p.memories = *edit.memories;
  if (edit.support_resources) p.support_resources = *edit.support_resources;
  if (edit.region) p.region = region;
  if (edit.time_zone) p.time_zone = zone;
  if (edit.limit_until_ms) p.limit_until_ms = *edit.limit_until_ms;
  if (edit.limit_recent_followers) p.limit_recent_followers = *edit.limit_recent_followers;
  if (edit.default_reply_policy) p.default_reply_policy = *edit.default_reply_policy;
  store::Batch b;
  b.put_object(store::ObjectType::kPreferences, account_id, p.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.put(account_id, std::make_shared<const Preferences>(p));
  return p;
}

}  // namespace kindred::social
