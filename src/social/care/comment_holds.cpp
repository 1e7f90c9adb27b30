#include "social/care/comment_holds.h"

#include <algorithm>

#include "social/graph/notifications.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

constexpr size_t kMatcherCacheEntries = 4096;
constexpr int64_t kDayMs = 24 * 60 * 60 * 1000LL;

std::string trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}


}  // namespace

CommentHoldService::CommentHoldService(Deps deps, PostService& posts, const AccountService& accounts,
                                       PreferencesService& preferences,
                                       std::vector<BuiltinWordList> builtin_lists)
    : deps_(deps),
      posts_(posts),
      accounts_(accounts),
      preferences_(preferences),
      builtin_lists_(std::move(builtin_lists)) {
  for (const auto& list : builtin_lists_) builtin_matchers_.push_back(PhraseMatcher::build(list.phrases));
}

// ---- hidden words ----

Result<HiddenWords> CommentHoldService::load_words(Id account_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kHiddenWords, account_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return HiddenWords{};
    return bytes.error();
  }
  return HiddenWords::decode(*bytes);
}

Result<CommentHoldService::Compiled> CommentHoldService::compiled_of(Id account_id) const {
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(account_id);
    if (it != cache_.end() && CacheAge::fresh(it->second.expiry)) return it->second;
  }
  KINDRED_ASSIGN_OR_RETURN(HiddenWords words, load_words(account_id));
  auto matcher = std::make_shared<const PhraseMatcher>(PhraseMatcher::build(words.words));
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kMatcherCacheEntries) cache_.clear();
  // A write meanwhile put the newer words: keep them.
  Compiled loaded{std::move(words), std::move(matcher), CacheAge::expiry_from_now()};
  auto [it, inserted] = cache_.try_emplace(account_id, loaded);
  if (!inserted && !CacheAge::fresh(it->second.expiry)) it->second = std::move(loaded);
  return it->second;
}

Result<HiddenWords> CommentHoldService::hidden_words(Id account_id) const {
  KINDRED_ASSIGN_OR_RETURN(Compiled c, compiled_of(account_id));
  return std::move(c.words);
}

Result<HiddenWords> CommentHoldService::set_hidden_words(Id account_id, HiddenWords in) {
  HiddenWords out;
  for (const auto& raw : in.words) {
    std::string w = trimmed(raw);
    if (w.empty()) continue;
    if (count_characters(w) > kMaxHiddenWordChars || w.size() > max_text_bytes(kMaxHiddenWordChars))
      return Status::invalid_argument("Validation failed: Hidden word '" + w.substr(0, 40) +
                                      "...' is too long (maximum is " +
                                      std::to_string(kMaxHiddenWordChars) + " characters)");
    if (match_words(w).empty())
      return Status::invalid_argument("Validation failed: Hidden word '" + w +
                                      "' has no letters or digits");
    if (std::find(out.words.begin(), out.words.end(), w) == out.words.end()) out.words.push_back(std::move(w));
  }
  if (out.words.size() > kMaxHiddenWords)
    return Status::invalid_argument("Validation failed: Too many hidden words (maximum is " +
                                    std::to_string(kMaxHiddenWords) + ")");
  for (const auto& lang : in.builtin_lists) {
    const bool known = std::any_of(builtin_lists_.begin(), builtin_lists_.end(),
                                   [&](const BuiltinWordList& l) { return l.language == lang; });
    if (!known)
      return Status::invalid_argument("Validation failed: There is no built-in hidden words list for '" +
                                      lang + "'");
    if (std::find(out.builtin_lists.begin(), out.builtin_lists.end(), lang) == out.builtin_lists.end())
      out.builtin_lists.push_back(lang);
  }
  std::lock_guard write(write_locks_[account_id.value % write_locks_.size()]);
  store::Batch b;
  b.put_object(ObjectType::kHiddenWords, account_id, out.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  auto matcher = std::make_shared<const PhraseMatcher>(PhraseMatcher::build(out.words));
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kMatcherCacheEntries) cache_.clear();
  cache_.insert_or_assign(account_id,
                          Compiled{out, std::move(matcher), CacheAge::expiry_from_now()});
  return out;
}

// ---- Limits ----

LimitsView CommentHoldService::limits_view(const Preferences& p) const {
  LimitsView v;
  v.active = p.limit_until_ms > deps_.clock.now_ms();
  v.until_ms = v.active ? p.limit_until_ms : 0;
  v.recent_followers = p.limit_recent_followers;
  return v;
}

Result<LimitsView> CommentHoldService::limits(Id account_id) const {
  KINDRED_ASSIGN_OR_RETURN(Preferences p, preferences_.get(account_id));
  return limits_view(p);
}

Result<LimitsView> CommentHoldService::set_limits(Id account_id, int64_t days, bool recent_followers) {
  if (days < kMinLimitDays || days > kMaxLimitDays)
    return Status::invalid_argument("Validation failed: Limits last from " +
                                    std::to_string(kMinLimitDays) + " to " +
                                    std::to_string(kMaxLimitDays) + " days");
  PreferencesEdit edit;
  edit.limit_until_ms = deps_.clock.now_ms() + days * kDayMs;
  edit.limit_recent_followers = recent_followers;
  KINDRED_ASSIGN_OR_RETURN(Preferences p, preferences_.update(account_id, edit));
  return limits_view(p);
}

Result<LimitsView> CommentHoldService::end_limits(Id account_id) {
  PreferencesEdit edit;
  edit.limit_until_ms = 0;
  KINDRED_ASSIGN_OR_RETURN(Preferences p, preferences_.update(account_id, edit));
  return limits_view(p);
}

// ---- Restrict ----

Status CommentHoldService::restrict(const Viewer& viewer, Id target) {
  if (target == viewer.account_id) return Status::invalid_argument("You cannot restrict yourself");
  KINDRED_RETURN_IF_ERROR(accounts_.get(target).status());
  KINDRED_ASSIGN_OR_RETURN(bool already, restricts(viewer.account_id, target));
  if (already) return Status::ok();
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kRestricts, target, deps_.ids.next(), {}});
  return deps_.store.apply(b).status();
}

Status CommentHoldService::unrestrict(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(accounts_.get(target).status());
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kRestricts, target);
  return deps_.store.apply(b).status();
}

Result<bool> CommentHoldService::restricts(Id account_id, Id target) const {
  return deps_.store.assoc_exists(account_id, AssocType::kRestricts, target);
}

Result<Page<AccountView>> CommentHoldService::restricted(const Viewer& viewer, const ListQuery& q) const {
  return accounts_along(deps_.store, accounts_, viewer.account_id, AssocType::kRestricts, q);
}

// ---- screening ----

Result<CommentHold> CommentHoldService::screen(const Post& parent, const Post& reply) const {
  const Id author = parent.account_id;
  const Id writer = reply.account_id;
  KINDRED_ASSIGN_OR_RETURN(bool restricted_writer, restricts(author, writer));
  if (restricted_writer) return CommentHold::kRestricted;

  KINDRED_ASSIGN_OR_RETURN(Preferences prefs, preferences_.get(author));
  const int64_t now = deps_.clock.now_ms();
  if (prefs.limit_until_ms > now) {
    KINDRED_ASSIGN_OR_RETURN(bool author_follows, deps_.store.assoc_exists(author, AssocType::kFollows, writer));
    if (!author_follows) {
      auto follow = deps_.store.get_assoc(writer, AssocType::kFollows, author);
      if (!follow.has_value()) {
        if (!follow.error().is_not_found()) return follow.error();
        return CommentHold::kLimited;
      }
      if (prefs.limit_recent_followers && now - follow->position.ms() < kRecentFollowMs)
        return CommentHold::kLimited;
    }
  }

  KINDRED_ASSIGN_OR_RETURN(Compiled c, compiled_of(author));
  const HiddenWords& words = c.words;
  if (words.words.empty() && words.builtin_lists.empty()) return CommentHold::kNone;
  const std::string text = reply.spoiler_text.empty() ? reply.text : reply.spoiler_text + "\n" + reply.text;
  if (c.matcher->first_match(text)) return CommentHold::kHiddenWords;
  for (size_t i = 0; i < builtin_lists_.size(); ++i) {
    const auto& lang = builtin_lists_[i].language;
    if (std::find(words.builtin_lists.begin(), words.builtin_lists.end(), lang) == words.builtin_lists.end())
      continue;
    if (builtin_matchers_[i].first_match(text)) return CommentHold::kHiddenWords;
  }
  return CommentHold::kNone;
}

// ---- review ----

Result<Page<PostView>> CommentHoldService::held(const Viewer& viewer, Id post_id,
                                                const ListQuery& q) const {
  Id from = viewer.account_id;
  AssocType type = AssocType::kHeldComments;
  if (!post_id.is_none()) {
    KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
    if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
    from = post_id;
    type = AssocType::kHeldReplies;
  }
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(from, type, to_range_query(q, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  for (const auto& a : range.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto stored, posts_.stored_posts(ids));
  // Only what is still held and still answers the viewer (an edge and its post are written
  // together, so this is a guard, not a repair).
  std::vector<Post> posts;
  for (auto& p : stored)
    if (p.hold != CommentHold::kNone && p.in_reply_to_account_id == viewer.account_id)
      posts.push_back(std::move(p));
  KINDRED_ASSIGN_OR_RETURN(auto views, posts_.views_of(viewer, std::move(posts)));
  Page<PostView> page;
  for (auto& v : views) {
    v.in_review = true;
    page.positions.push_back(v.post.id);
    page.items.push_back(std::move(v));
  }
  return page;
}

namespace {

// A reply to one of the viewer's posts by someone else (the author's own replies are never held).
Status check_reply_to_own_post(const Post& p, Id viewer) {
  if (p.in_reply_to_account_id != viewer || p.account_id == viewer)
    return Status::not_found("Record not found");
  return Status::ok();
}

}  // namespace

Result<PostView> CommentHoldService::hide(const Viewer& viewer, Id comment_id) {
  KINDRED_ASSIGN_OR_RETURN(
      Post post, posts_.update(comment_id, [&](Post& p, store::Batch& b) -> Status {
        KINDRED_RETURN_IF_ERROR(check_reply_to_own_post(p, viewer.account_id));
        if (p.hold != CommentHold::kNone) return Status::ok();
        p.hold = CommentHold::kAuthorHidden;
        b.add_assoc({p.in_reply_to_id, AssocType::kHeldReplies, p.id, p.id, {}});
        b.add_assoc({p.in_reply_to_account_id, AssocType::kHeldComments, p.id, p.id, {}});
        b.remove_assoc(p.in_reply_to_id, AssocType::kCommentPins, p.id);
        return Status::ok();
      }));
  KINDRED_ASSIGN_OR_RETURN(PostView v, posts_.view_of(viewer, std::move(post)));
  v.in_review = true;
  return v;
}

Result<PostView> CommentHoldService::approve(const Viewer& viewer, Id comment_id) {
  KINDRED_ASSIGN_OR_RETURN(
      Post post, posts_.update(comment_id, [&](Post& p, store::Batch& b) -> Status {
        KINDRED_RETURN_IF_ERROR(check_reply_to_own_post(p, viewer.account_id));
        if (p.hold == CommentHold::kNone) return Status::ok();
        // Held when written: nobody was told then, so the mentions are told now, once.
        const bool never_shown = p.hold != CommentHold::kAuthorHidden && !p.approved;
        p.hold = CommentHold::kNone;
        p.approved = true;
        b.remove_assoc(p.in_reply_to_id, AssocType::kHeldReplies, p.id);
        b.remove_assoc(p.in_reply_to_account_id, AssocType::kHeldComments, p.id);
        if (never_shown)
          for (Id mentioned : p.mention_ids)
            KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, posts_.notification_gate(),
                                                     mentioned, NotificationType::kMention,
                                                     p.account_id, &p)
                                        .status());
        return Status::ok();
      }));
  return posts_.view_of(viewer, std::move(post));
}

}  // namespace kindred::social
