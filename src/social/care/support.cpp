#include "social/care/support.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <stdexcept>

#include "social/identity/preferences.h"
#include "social/care/word_match.h"
#include "social/model/text.h"

namespace kindred::social {

namespace {

constexpr int kSearchDays = 400;  // how far ahead the next opening is looked for
constexpr size_t kMaxResources = 1000;
constexpr size_t kMaxHours = 64;
constexpr size_t kMaxClosures = 400;
constexpr int kMaxClosureDays = 366;
constexpr size_t kMaxNameChars = 200;
constexpr std::array<std::string_view, 7> kDays = {"sunday",   "monday", "tuesday", "wednesday",
                                                   "thursday", "friday", "saturday"};  // c_encoding

Status invalid(std::string what) { return Status::invalid_argument("Validation failed: " + what); }

// ---- time ----

// "HH:MM" -> minutes after midnight; "24:00" only when `allow_24`. -1 when malformed.
int parse_hhmm(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return -1;
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59) return -1;
  if (h == 24 && m == 0 && allow_24) return 24 * 60;
  if (h > 23) return -1;
  return h * 60 + m;
}

// "YYYY-MM-DD", a real calendar date.
std::optional<date::sys_days> parse_iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    const int digit = s[i] - '0';
    if (i < 4)
      y = y * 10 + digit;
    else if (i < 7)
      m = m * 10 + digit;
    else
      d = d * 10 + digit;
  }
  const date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days(ymd);
}

int day_index(std::string_view name) {
  for (size_t i = 0; i < kDays.size(); ++i)
    if (kDays[i] == name) return static_cast<int>(i);
  return -1;
}

// The zone named `name`, or null. The tz library throws for unknown names; that stops here.
const date::time_zone* find_zone(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.find("..") != std::string::npos) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string local_text(const date::time_zone* zone, date::sys_seconds t) {
  return date::format("%FT%T%Ez", date::zoned_seconds(zone, t));
}

// ---- shapes ----

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

bool valid_email(std::string_view e) {
  const size_t at = e.find('@');
  if (e.size() > 254 || at == std::string_view::npos || at == 0 ||
      e.find('@', at + 1) != std::string_view::npos)
    return false;
  if (has_control_or_space(e)) return false;
  const std::string_view domain = e.substr(at + 1);
  const size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 2 <= domain.size() &&
         domain.find("..") == std::string_view::npos && domain.front() != '.';
}

bool valid_url(std::string_view u) {
  std::string_view rest;
  if (u.substr(0, 8) == "https://")
    rest = u.substr(8);
  else if (u.substr(0, 7) == "http://")
    rest = u.substr(7);
  else
    return false;
  if (u.size() > 2000 || has_control_or_space(u)) return false;
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  return !host.empty() && host.find('.') != std::string_view::npos && host.front() != '.' &&
         host.back() != '.' && host.find('@') == std::string_view::npos;
}

bool valid_phone(std::string_view p) {
  int digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')')
      return false;
  }
  return p.size() <= 32 && digits >= 3;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::vector<std::string> topic_words(std::string_view text) { return match_words(text); }

// ---- TopicMatcher ----

Result<TopicMatcher> TopicMatcher::build(TopicLexicon lexicon) {
  if (lexicon.topics.empty()) return invalid("the topic lexicon has no topics");
  TopicMatcher m;
  for (size_t t = 0; t < lexicon.topics.size(); ++t) {
    const auto& topic = lexicon.topics[t];
    const bool id_ok = !topic.id.empty() && topic.id.size() <= 64 &&
                       std::all_of(topic.id.begin(), topic.id.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       });
    if (!id_ok) return invalid("topic id '" + topic.id + "' must be a-z, 0-9 and _");
    for (size_t u = 0; u < t; ++u)
      if (lexicon.topics[u].id == topic.id)
        return invalid("topic '" + topic.id + "' appears twice");
    if (topic.message.empty()) return invalid("topic '" + topic.id + "' has no message");
    for (const auto& [language, phrases] : topic.phrases) {
      for (const auto& p : phrases) {
        auto words = topic_words(p);
        if (words.empty())
          return invalid("topic '" + topic.id + "' has an empty phrase (" + language + ")");
        m.by_first_word_[words.front()].push_back(m.phrases_.size());
        m.phrases_.push_back({std::move(words), t});
      }
    }
    for (const auto& p : topic.except) {
      auto words = topic_words(p);
      if (!words.empty()) m.excepts_.push_back({std::move(words), t});
    }
  }
  for (size_t t = 0; t < lexicon.topics.size(); ++t)
    if (std::none_of(m.phrases_.begin(), m.phrases_.end(),
                     [t](const Phrase& p) { return p.topic == t; }))
      return invalid("topic '" + lexicon.topics[t].id + "' has no phrases");
  m.lexicon_ = std::move(lexicon);
  return m;
}

bool TopicMatcher::has_topic(std::string_view id) const {
  return std::any_of(lexicon_.topics.begin(), lexicon_.topics.end(),
                     [&](const TopicLexicon::Topic& t) { return t.id == id; });
}

std::vector<std::string> TopicMatcher::match(std::string_view text) const {
  const auto words = topic_words(text);
  auto matches_at = [&](const Phrase& p, size_t i) {
    if (i + p.words.size() > words.size()) return false;
    return std::equal(p.words.begin(), p.words.end(),
                      words.begin() + static_cast<std::ptrdiff_t>(i));
  };
  // Words inside an exception phrase of a topic do not count for that topic.
  std::vector<std::vector<bool>> excluded(lexicon_.topics.size());
  for (const auto& e : excepts_) {
    for (size_t i = 0; i < words.size(); ++i) {
      if (!matches_at(e, i)) continue;
      auto& ex = excluded[e.topic];
      if (ex.empty()) ex.assign(words.size(), false);
      for (size_t k = 0; k < e.words.size(); ++k) ex[i + k] = true;
    }
  }
  std::vector<bool> hit(lexicon_.topics.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    auto it = by_first_word_.find(words[i]);
    if (it == by_first_word_.end()) continue;
    for (size_t pi : it->second) {
      const Phrase& p = phrases_[pi];
      if (hit[p.topic] || !matches_at(p, i)) continue;
      const auto& ex = excluded[p.topic];
      bool cancelled = false;
      for (size_t k = 0; k < p.words.size() && !ex.empty(); ++k) cancelled = cancelled || ex[i + k];
      if (!cancelled) hit[p.topic] = true;
    }
  }
  std::vector<std::string> out;
  for (size_t t = 0; t < hit.size(); ++t)
    if (hit[t]) out.push_back(lexicon_.topics[t].id);
  return out;
}

// ---- SupportService ----

SupportService::SupportService(const Clock& clock, IdGenerator& ids, TopicMatcher matcher,
                               SupportConfig config, SupportDirectorySink* sink,
                               const PreferencesService* preferences)
    : clock_(clock),
      ids_(ids),
      matcher_(std::move(matcher)),
      config_(std::move(config)),
      sink_(sink),
      preferences_(preferences),
      topics_cache_(config_.match_cache_entries),
      dir_(std::make_shared<const Directory>()) {}

bool SupportService::valid_region(std::string_view code) const {
  return code.size() == 2 && known_region(code);
}

Status SupportService::validate(SupportResource& r) const {
  if (!valid_id(r.id)) return invalid("Id must be 1 to 64 of a-z, 0-9 and -");
  r.name = trimmed(r.name);
  if (r.name.empty()) return invalid("Name can't be blank");
  if (count_characters(r.name) > kMaxNameChars || r.name.size() > max_text_bytes(kMaxNameChars))
    return invalid("Name is too long (maximum is 200 characters)");
  if (r.topics.empty()) return invalid("Topics can't be blank");
  for (const auto& t : r.topics)
    if (!matcher_.has_topic(t)) return invalid("Topic '" + t + "' is not a known topic");
  if (r.regions.empty()) return invalid("Regions can't be blank");
  for (auto& code : r.regions) {
    std::string upper = code;
    for (auto& ch : upper)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    if (!valid_region(upper))
      return invalid("Region '" + code + "' is not an ISO 3166-1 alpha-2 code");
    code = std::move(upper);
  }
  for (auto* list : {&r.topics, &r.regions}) {
    std::vector<std::string> seen;
    for (const auto& x : *list)
      if (std::find(seen.begin(), seen.end(), x) == seen.end()) seen.push_back(x);
    *list = std::move(seen);
  }
  r.phone = trimmed(r.phone);
  r.email = trimmed(r.email);
  r.website = trimmed(r.website);
  if (!r.phone.empty() && !valid_phone(r.phone))
    return invalid("Phone must be digits, spaces, +, -, ( and ) (at most 32)");
  if (!r.email.empty() && !valid_email(r.email)) return invalid("Email is not an email address");
  if (!r.website.empty() && !valid_url(r.website)) return invalid("Website must be an http(s) URL");
  if (r.phone.empty() && r.email.empty() && r.website.empty())
    return invalid("a phone, email or website is needed");
  if (r.hours.empty() && !r.time_zone.empty())
    return invalid("Hours weekly can't be blank (hours are null when not known)");
  if (!r.hours.empty() && r.time_zone.empty()) return invalid("Hours time zone can't be blank");
  if (!r.time_zone.empty() && !find_zone(r.time_zone))
    return invalid("Time zone '" + r.time_zone + "' is not an IANA time zone");
  if (r.hours.empty() && !r.closures.empty()) return invalid("Closures need opening hours");
  if (r.hours.size() > kMaxHours) return invalid("Hours has too many entries (maximum is 64)");
  for (auto& h : r.hours) {
    if (h.days.empty()) return invalid("Hours days can't be blank");
    for (const auto& d : h.days)
      if (day_index(d) < 0) return invalid("Day '" + d + "' is not monday..sunday");
    const int opens = parse_hhmm(h.opens, false);
    const int closes = parse_hhmm(h.closes, true);
    if (opens < 0) return invalid("Opens '" + h.opens + "' is not a time HH:MM");
    if (closes < 0) return invalid("Closes '" + h.closes + "' is not a time HH:MM (up to 24:00)");
    if (closes <= opens)
      return invalid("Closes must be after opens (" + h.opens + "-" + h.closes + ")");
  }
  if (r.closures.size() > kMaxClosures)
    return invalid("Closures has too many entries (maximum is 400)");
  for (auto& c : r.closures) {
    if (c.to.empty()) c.to = c.from;
    const auto from = parse_iso_day(c.from);
    const auto to = parse_iso_day(c.to);
    if (!from) return invalid("Closure from '" + c.from + "' is not a date YYYY-MM-DD");
    if (!to) return invalid("Closure to '" + c.to + "' is not a date YYYY-MM-DD");
    if (*to < *from) return invalid("Closure to is before from");
    if ((*to - *from).count() >= kMaxClosureDays) return invalid("Closure is longer than a year");
    c.reason = trimmed(c.reason);
    if (count_characters(c.reason) > kMaxNameChars || c.reason.size() > max_text_bytes(kMaxNameChars))
      return invalid("Closure reason is too long (maximum is 200 characters)");
  }
  return Status::ok();
}

OpenState SupportService::open_state(const SupportResource& r, int64_t now_ms) const {
  OpenState s;
  const date::time_zone* zone = r.hours.empty() ? nullptr : find_zone(r.time_zone);
  if (!zone) return s;
  s.known = true;
  using std::chrono::minutes;
  const date::sys_time<std::chrono::milliseconds> now{std::chrono::milliseconds(now_ms)};
  const date::local_days today = date::floor<date::days>(zone->to_local(now));

  // The openings of each day in order; every opening is turned into UTC instants through the
  // zone's rules for that date. A local time skipped by a spring-forward maps to the change
  // itself; one repeated by a fall-back opens at its first and closes at its second occurrence.
  struct Span {
    int opens, closes;
  };
  std::array<std::vector<Span>, 7> by_day;
  for (const auto& h : r.hours)
    for (const auto& d : h.days)
      by_day[static_cast<size_t>(day_index(d))].push_back(
          {parse_hhmm(h.opens, false), parse_hhmm(h.closes, true)});
  for (auto& spans : by_day)
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.opens < b.opens; });

  date::sys_time<std::chrono::milliseconds> closes_at{};
  for (int i = 0; i <= kSearchDays; ++i) {
    const date::local_days day = today + date::days(i);
    const std::string iso = date::format("%F", day);
    const bool closed = std::any_of(r.closures.begin(), r.closures.end(),
                                    [&](const Closure& c) { return c.from <= iso && iso <= c.to; });
    if (closed) continue;
    for (const Span& span : by_day[date::weekday(day).c_encoding()]) {
      const auto open_at = zone->to_sys(day + minutes(span.opens), date::choose::earliest);
      const auto close_at = zone->to_sys(day + minutes(span.closes), date::choose::latest);
      if (close_at <= now) continue;
      if (s.open_now) {
        if (open_at <= closes_at) {  // continues the current opening
          closes_at = std::max<date::sys_time<std::chrono::milliseconds>>(closes_at, close_at);
          continue;
        }
      } else if (open_at <= now) {
        s.open_now = true;
        closes_at = close_at;
        continue;
      }
      s.next_open_at_ms = date::sys_seconds(open_at).time_since_epoch().count() * 1000;
      s.next_open_at_local = local_text(zone, open_at);
      break;
    }
    if (s.next_open_at_ms != 0) break;
  }
  if (s.open_now) {
    s.closes_at_ms = closes_at.time_since_epoch().count();
    s.closes_at_local = local_text(zone, date::floor<std::chrono::seconds>(closes_at));
  }
  return s;
}

std::vector<std::string> SupportService::topics_of(const Post& post) const {
  if (auto cached = topics_cache_.find(post.id); cached && *cached &&
                                                 (*cached)->edited_at_ms == post.edited_at_ms)
    return (*cached)->topics;
  std::string text = post.spoiler_text;
  text += '\n';
  text += post.text;
  auto topics = std::make_shared<PostTopics>();
  topics->edited_at_ms = post.edited_at_ms;
  topics->topics = matcher_.match(text);
  // An edit's newer version replaces an older one; an older one never replaces a newer one.
  auto cached = topics_cache_.find(post.id);
  if (!cached || !*cached || (*cached)->edited_at_ms < post.edited_at_ms)
    topics_cache_.put(post.id, topics);
  return topics->topics;
}

std::shared_ptr<const SupportService::Directory> SupportService::snapshot() const {
  std::scoped_lock lock(dir_mutex_);
  return dir_;
}

ResourceView SupportService::view(std::shared_ptr<const SupportResource> r, int64_t now_ms) const {
  ResourceView v;
  v.state = open_state(*r, now_ms);
  v.resource = std::move(r);
  return v;
}

std::vector<ResourceView> SupportService::resources_for(const std::vector<std::string>& topics,
                                                        std::string_view region,
                                                        int64_t now_ms) const {
  std::vector<ResourceView> out;
  // Held for the loop: a range-for over `*snapshot()` would outlive the temporary pointer.
  const auto directory = snapshot();
  for (const auto& r : *directory) {
    const bool on_topic =
        topics.empty() ||
        std::any_of(r->topics.begin(), r->topics.end(), [&](const std::string& t) {
          return std::find(topics.begin(), topics.end(), t) != topics.end();
        });
    const bool in_region = region.empty() || std::find(r->regions.begin(), r->regions.end(),
                                                       region) != r->regions.end();
    if (on_topic && in_region) out.push_back(view(r, now_ms));
  }
  return out;
}

Result<std::vector<ResourceView>> SupportService::list(std::string_view topic,
                                                       std::string_view region) const {
  if (!topic.empty() && !matcher_.has_topic(topic))
    return Status::invalid_argument("Validation failed: Topic '" + std::string(topic) +
                                    "' is not a known topic");
  std::string upper(region);
  for (auto& ch : upper)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
  if (!upper.empty() && !valid_region(upper))
    return Status::invalid_argument("Validation failed: Region '" + std::string(region) +
                                    "' is not an ISO 3166-1 alpha-2 code");
  std::vector<std::string> topics;
  if (!topic.empty()) topics.emplace_back(topic);
  return resources_for(topics, upper, clock_.now_ms());
}

std::shared_ptr<const SupportCard> SupportService::card_for(const Viewer& viewer,
                                                            const Post& post) const {
  if (post.is_reblog()) return nullptr;
  auto topics = topics_of(post);  // cached: most posts end here
  if (topics.empty()) return nullptr;
  std::string region = config_.region;
  if (preferences_ && viewer.signed_in()) {
    // A preference that cannot be read counts as the defaults: a card is never an error.
    auto prefs = preferences_->get(viewer.account_id);
    if (prefs.has_value()) {
      if (!prefs->support_resources) return nullptr;
      if (!prefs->region.empty()) region = prefs->region;
    }
  }
  auto resources = resources_for(topics, region, clock_.now_ms());
  if (resources.empty()) return nullptr;  // "support is available" only where it is
  auto card = std::make_shared<SupportCard>();
  for (const auto& t : matcher_.lexicon().topics) {
    if (t.id == topics.front()) card->message = t.message;
  }
  card->topics = std::move(topics);
  card->resources = std::move(resources);
  return card;
}

Status SupportService::load(std::vector<SupportResource> directory) {
  std::scoped_lock lock(write_mutex_);
  Directory next;
  for (auto& r : directory) next.push_back(std::make_shared<const SupportResource>(std::move(r)));
  // Loading installs what is already saved: validate, but write nothing back.
  return commit(std::move(next), /*save=*/false);
}

Status SupportService::commit(Directory next, bool save) {
  if (next.size() > kMaxResources) return invalid("the directory is full (at most 1000 resources)");
  std::vector<SupportResource> plain;
  plain.reserve(next.size());
  for (size_t i = 0; i < next.size(); ++i) {
    SupportResource r = *next[i];
    KINDRED_RETURN_IF_ERROR(validate(r));
    for (size_t j = 0; j < i; ++j)
      if (next[j]->id == r.id) return invalid("Id '" + r.id + "' appears twice");
    next[i] = std::make_shared<const SupportResource>(r);
    plain.push_back(std::move(r));
  }
  if (save && sink_) KINDRED_RETURN_IF_ERROR(sink_->save(plain));
  auto installed = std::make_shared<const Directory>(std::move(next));
  std::scoped_lock lock(dir_mutex_);
  dir_ = std::move(installed);
  return Status::ok();
}

namespace {
Status require_admin(const Account& actor) {
  if (!actor.admin) return Status::permission_denied("This action is not allowed");
  return Status::ok();
}
}  // namespace

Result<std::vector<ResourceView>> SupportService::admin_list(const Account& actor) const {
  KINDRED_RETURN_IF_ERROR(require_admin(actor));
  return resources_for({}, "", clock_.now_ms());
}

Result<ResourceView> SupportService::create(const Account& actor, SupportResource r) {
  KINDRED_RETURN_IF_ERROR(require_admin(actor));
  r.id = ids_.next().to_string();
  KINDRED_RETURN_IF_ERROR(validate(r));
  std::scoped_lock lock(write_mutex_);
  Directory next = *snapshot();
  auto entry = std::make_shared<const SupportResource>(std::move(r));
  next.push_back(entry);
  KINDRED_RETURN_IF_ERROR(commit(std::move(next), /*save=*/true));
  return view(entry, clock_.now_ms());
}

Result<ResourceView> SupportService::replace(const Account& actor, std::string_view id,
                                             SupportResource r) {
  KINDRED_RETURN_IF_ERROR(require_admin(actor));
  std::scoped_lock lock(write_mutex_);
  Directory next = *snapshot();
  auto it = std::find_if(next.begin(), next.end(), [&](const auto& e) { return e->id == id; });
  if (it == next.end()) return Status::not_found("Record not found");
  r.id = std::string(id);
  KINDRED_RETURN_IF_ERROR(validate(r));
  *it = std::make_shared<const SupportResource>(std::move(r));
  auto entry = *it;
  KINDRED_RETURN_IF_ERROR(commit(std::move(next), /*save=*/true));
  return view(entry, clock_.now_ms());
}

Result<ResourceView> SupportService::remove(const Account& actor, std::string_view id) {
  KINDRED_RETURN_IF_ERROR(require_admin(actor));
  std::scoped_lock lock(write_mutex_);
  Directory next = *snapshot();
  auto it = std::find_if(next.begin(), next.end(), [&](const auto& e) { return e->id == id; });
  if (it == next.end()) return Status::not_found("Record not found");
  auto entry = *it;
  next.erase(it);
  KINDRED_RETURN_IF_ERROR(commit(std::move(next), /*save=*/true));
  return view(entry, clock_.now_ms());
}

}  // namespace kindred::social
