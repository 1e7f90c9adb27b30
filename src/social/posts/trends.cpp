#include "social/posts/trends.h"

#include <algorithm>
#include <cmath>

namespace kindred::social {

using store::AssocType;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// Past this, a day's distinct accounts are only counted, not remembered (a tag used by very many
// accounts in one day may count a few of them twice).
constexpr size_t kMaxDayAccounts = 10'000;
// The reference time moves forward once scores have grown by 2^(this / half-life).
constexpr int64_t kRescaleAfterMs = 60 * kDayMs;

int64_t day_of(int64_t ms) { return ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs; }

}  // namespace

TrendService::TrendService(Deps deps, const PostService& posts, TrendConfig config)
    : deps_(deps), posts_(posts), config_(config) {
  reference_ms_ = deps_.clock.now_ms() - config_.window_ms;
}

bool TrendService::may_trend(const Post& p, int64_t now_ms) const {
  return p.visibility == Visibility::kPublic && !p.is_reblog() && p.in_reply_to_id.is_none() &&
         p.spoiler_text.empty() && !p.sensitive && p.created_at_ms >= now_ms - config_.window_ms;
}

double TrendService::weight_at(int64_t at_ms) {
  if (at_ms - reference_ms_ > kRescaleAfterMs) {
    const int64_t moved = at_ms - config_.window_ms - reference_ms_;
    const double factor = std::exp2(-static_cast<double>(moved) / static_cast<double>(config_.half_life_ms));
    for (auto& [id, score] : statuses_) score *= factor;
    for (auto& [name, entry] : tags_) entry.score *= factor;
    reference_ms_ += moved;
  }
  return std::exp2(static_cast<double>(at_ms - reference_ms_) /
                   static_cast<double>(config_.half_life_ms));
}

template <class Map>
void TrendService::trim(Map& map, size_t limit, const typename Map::key_type& spare) {
  if (map.size() <= limit) return;
  // Keep the best nine tenths of the limit, so that trimming runs once per many additions; and
  // `spare`, the entry just added to: a newcomer then has until the next trim to grow.
  const size_t keep = std::max<size_t>(1, limit - limit / 10);
  std::vector<double> scores;
  scores.reserve(map.size());
  for (const auto& [key, value] : map) scores.push_back(score_of(value));
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(keep - 1), scores.end(),
                   std::greater<>());
  const double cut = scores[keep - 1];
  for (auto it = map.begin(); it != map.end() && map.size() > keep;) {
    if (it->first == spare) {
      ++it;
      continue;
    }
    it = score_of(it->second) < cut ? map.erase(it) : std::next(it);
  }
}

void TrendService::add_status_score(Id post, double w) {
  statuses_[post] += w;
  trim(statuses_, config_.max_statuses, post);
}

void TrendService::add_tag_use(const std::string& tag, Id account, int64_t at_ms) {
  TagEntry& e = tags_[tag];
  const int64_t day = day_of(at_ms);
  Day& d = e.days[((day % kDays) + kDays) % kDays];
  if (d.day != day) {
    if (d.day > day) return;  // a use older than the week kept here
    d = Day{};
    d.day = day;
  }
  ++d.uses;
  bool new_account = false;
  if (d.accounts.size() < kMaxDayAccounts) {
    new_account = d.accounts.insert(account).second;
  } else if (d.accounts.count(account) == 0) {
    ++d.extra_accounts;
    new_account = true;
  }
  // One person using a tag many times in a day counts once: a tag trends by how many use it.
  if (new_account) e.score += weight_at(at_ms);
  trim(tags_, config_.max_tags, tag);
}

void TrendService::post_created(const Post& post) {
  const int64_t now = deps_.clock.now_ms();
  if (post.visibility != Visibility::kPublic) return;
  // A comment counts twice what a like does; a reblog as much as a like. One's own don't count.
  Id target;
  double worth = 0;
  if (post.is_reblog()) {
    target = post.reblog_of_id;
    worth = 1;
  } else if (!post.in_reply_to_id.is_none() && post.in_reply_to_account_id != post.account_id) {
    target = post.in_reply_to_id;
    worth = 2;
  }
  std::optional<Post> original;
  if (!target.is_none()) {
    auto p = posts_.get_visible_post(Viewer{}, target);
    if (p.has_value() && may_trend(*p, now)) original = std::move(*p);
  }
  std::scoped_lock lock(mutex_);
  if (original) add_status_score(original->id, worth * weight_at(now));
  if (!post.is_reblog()) {
    for (const auto& t : post.tags) add_tag_use(t, post.account_id, post.created_at_ms);
  }
}

void TrendService::liked(const Post& target, Id viewer) {
  const int64_t now = deps_.clock.now_ms();
  if (target.account_id == viewer || !may_trend(target, now)) return;
  std::scoped_lock lock(mutex_);
  add_status_score(target.id, weight_at(now));
}

Status TrendService::load() {
  const int64_t now = deps_.clock.now_ms();
  store::RangeQuery q;
  q.limit = 500;
  size_t read = 0;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode,
                                                                AssocType::kInstanceStatuses, q));
    std::vector<Id> ids;
    bool past_window = false;
    for (const auto& a : page.items) {
      if (a.position.ms() < now - config_.window_ms) {
        past_window = true;
        break;
      }
      ids.push_back(a.to);
    }
    KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.stored_posts(ids));
    std::vector<std::pair<Id, AssocType>> lists;
    std::vector<const Post*> trending;
    for (const auto& p : posts) {
      if (!may_trend(p, now)) continue;
      trending.push_back(&p);
      lists.push_back({p.id, AssocType::kFavouritedBy});
      lists.push_back({p.id, AssocType::kReplies});
      lists.push_back({p.id, AssocType::kRebloggedBy});
    }
    KINDRED_ASSIGN_OR_RETURN(auto counts, deps_.store.assoc_counts(lists));
    {
      std::scoped_lock lock(mutex_);
      for (const auto& p : posts) {
        if (p.visibility != Visibility::kPublic || p.is_reblog()) continue;
        for (const auto& t : p.tags) add_tag_use(t, p.account_id, p.created_at_ms);
      }
      // When each interaction came is not read back: all count as of the post's time.
      for (size_t i = 0; i < trending.size(); ++i) {
        const double n = static_cast<double>(counts[3 * i] + 2 * counts[3 * i + 1] + counts[3 * i + 2]);
        if (n > 0) add_status_score(trending[i]->id, n * weight_at(trending[i]->created_at_ms));
      }
    }
    read += page.items.size();
    if (past_window || !page.more || page.items.empty() || read >= config_.rebuild_posts) break;
    q.max_position = page.items.back().position;
  }
  return Status::ok();
}

std::vector<Id> TrendService::ranked_statuses() const {
  std::scoped_lock lock(mutex_);
  const double now_factor = std::exp2(static_cast<double>(deps_.clock.now_ms() - reference_ms_) /
                                      static_cast<double>(config_.half_life_ms));
  std::vector<std::pair<double, Id>> ranked;
  for (const auto& [id, score] : statuses_)
    if (score / now_factor >= config_.min_status_score) ranked.push_back({score, id});
  std::sort(ranked.begin(), ranked.end(), std::greater<>());
  std::vector<Id> ids;
  ids.reserve(ranked.size());
  for (const auto& r : ranked) ids.push_back(r.second);
  return ids;
}

Result<std::vector<PostView>> TrendService::statuses(const Viewer& viewer, size_t offset,
                                                     size_t limit) const {
  const std::vector<Id> ranked = ranked_statuses();
  const int64_t now = deps_.clock.now_ms();
  std::vector<PostView> out;
  size_t skipped = 0;
  constexpr size_t kChunk = 40;
  for (size_t at = 0; at < ranked.size() && out.size() < limit; at += kChunk) {
    std::vector<Id> chunk(ranked.begin() + static_cast<std::ptrdiff_t>(at),
                          ranked.begin() + static_cast<std::ptrdiff_t>(std::min(at + kChunk, ranked.size())));
    KINDRED_ASSIGN_OR_RETURN(auto views, posts_.get_many(viewer, chunk));
    std::erase_if(views, [&](const PostView& v) {
      // Memorial accounts are not promoted to strangers; nor accounts not yet approved.
      // Nor silenced (limited) accounts, which reach only their followers.
      return !may_trend(v.post, now) || v.author.account.memorial || !v.author.account.approved ||
             v.author.account.silenced;
    });
    KINDRED_RETURN_IF_ERROR(posts_.drop_muted(viewer, views));
    for (auto& v : views) {
      if (skipped < offset) {
        ++skipped;
        continue;
      }
      if (out.size() == limit) break;
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::vector<std::string> TrendService::tags(size_t offset, size_t limit) const {
  std::scoped_lock lock(mutex_);
  const int64_t today = day_of(deps_.clock.now_ms());
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [name, e] : tags_) {
    int64_t accounts = 0;
    for (const Day& d : e.days)
      if (d.day > today - kDays && d.day <= today)
        accounts += static_cast<int64_t>(d.accounts.size()) + d.extra_accounts;
    if (accounts >= config_.min_tag_accounts) ranked.push_back({e.score, name});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (size_t i = offset; i < ranked.size() && out.size() < limit; ++i) out.push_back(ranked[i].second);
  return out;
}

std::vector<TagDay> TrendService::history(std::string_view tag) const {
  const int64_t today = day_of(deps_.clock.now_ms());
  std::vector<TagDay> out;
  std::scoped_lock lock(mutex_);
  auto it = tags_.find(std::string(tag));
  for (int i = 0; i < kDays; ++i) {
    const int64_t day = today - i;
    TagDay td{day * kDayMs, 0, 0};
    if (it != tags_.end()) {
      const Day& d = it->second.days[((day % kDays) + kDays) % kDays];
      if (d.day == day) {
        td.uses = d.uses;
        td.accounts = static_cast<int64_t>(d.accounts.size()) + d.extra_accounts;
      }
    }
    out.push_back(td);
  }
  return out;
}

}  // namespace kindred::social
