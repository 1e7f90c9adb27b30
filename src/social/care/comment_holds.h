#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "social/identity/accounts.h"
#include "social/posts/posts.h"
#include "social/identity/preferences.h"
#include "social/care/word_match.h"

namespace kindred::social {

// One of the shipped lists of common abuse (share/hidden_words.json), by language.
struct BuiltinWordList {
  std::string language;  // ISO 639-1, "en"
  std::string name;      // "English"
  std::vector<std::string> phrases;
};

// An author's Limits as they stand at one moment.
struct LimitsView {
  bool active = false;
  int64_t until_ms = 0;  // when they end; 0 when not active
  bool recent_followers = true;
};

// Held comments: replies to an author's posts that are hidden from everyone but their writer
// and wait for the author's review. A reply to someone else's post is held when it is written
//  1. by an account the post's author restricts (kRestricted), or
//  2. while the author's Limits are on, by an account that neither follows the author for at
//     least a week (or at all, when recent followers are not covered) nor is followed by the
//     author (kLimited), or
//  3. with one of the author's hidden words, or a phrase of a shipped list the author turned on,
//     as whole words after folding case, width and accents (kHiddenWords).
// The author can also hide any reply to their posts (kAuthorHidden). The author reviews held
// replies (held()) and can show one again (approve()): from then on it shows like any comment
// and is never held automatically again.
//
// The rules are checked when a reply is written (PostService calls screen()); changing words,
// Limits or restrictions later does not reach back to replies already shown. They cover direct
// replies to the author's posts, the author's comment sections; a reply deeper in a thread
// follows the rules of the post it answers.
//
// A held reply stays in its parent's replies list (so its writer sees it in the thread) and is
// also listed in kHeldReplies (by post, counted: replies_count leaves held ones out) and
// kHeldComments (by the author, for review). No notification is sent for a held reply; approving
// an automatically held one sends the mention notifications then.
//
// Thread-safe. Compiled hidden-word matchers are cached per author and replaced on every write.
class CommentHoldService : public ReplyScreen {
 public:
  static constexpr size_t kMaxHiddenWords = 1000;
  static constexpr size_t kMaxHiddenWordChars = 100;
  static constexpr int64_t kMinLimitDays = 1;
  static constexpr int64_t kMaxLimitDays = 28;
  static constexpr int64_t kRecentFollowMs = 7 * 24 * 60 * 60 * 1000LL;

  CommentHoldService(Deps deps, PostService& posts, const AccountService& accounts,
                     PreferencesService& preferences, std::vector<BuiltinWordList> builtin_lists);

  const std::vector<BuiltinWordList>& builtin_lists() const { return builtin_lists_; }

  // The account's hidden words (none when never set).
  Result<HiddenWords> hidden_words(Id account_id) const;
  // Replaces them. Words are trimmed; blank ones are dropped and repeats kept once.
  // Errors: InvalidArgument for more than kMaxHiddenWords, one over kMaxHiddenWordChars, one
  // with no letters or digits at all, or an unknown built-in list. Nothing is written then.
  Result<HiddenWords> set_hidden_words(Id account_id, HiddenWords words);

  Result<LimitsView> limits(Id account_id) const;
  // Turns Limits on for `days` from now (replacing any running ones).
  // Errors: InvalidArgument unless kMinLimitDays <= days <= kMaxLimitDays.
  Result<LimitsView> set_limits(Id account_id, int64_t days, bool recent_followers);
  Result<LimitsView> end_limits(Id account_id);

  // Restricting an account holds its future replies to the viewer's posts. Idempotent.
  // Errors: NotFound for an unknown account; InvalidArgument for oneself.
  Status restrict(const Viewer& viewer, Id target);
  Status unrestrict(const Viewer& viewer, Id target);
  Result<bool> restricts(Id account_id, Id target) const;
  // The accounts the viewer restricts, newest first.
  Result<Page<AccountView>> restricted(const Viewer& viewer, const ListQuery& q) const;

  // Held replies to the viewer's posts, newest first; only those to `post_id` when it is set.
  // Errors: NotFound when `post_id` is not the viewer's own post.
  Result<Page<PostView>> held(const Viewer& viewer, Id post_id, const ListQuery& q) const;
  // The author of the parent post hides a reply to it. Idempotent.
  // Errors: NotFound if the reply is absent or not a reply to one of the viewer's posts.
  Result<PostView> hide(const Viewer& viewer, Id comment_id);
  // The author of the parent post shows a held reply again. Idempotent. Errors as hide().
  Result<PostView> approve(const Viewer& viewer, Id comment_id);

  // ReplyScreen: why `reply` (not yet stored) to `parent` must be held, or kNone.
  Result<CommentHold> screen(const Post& parent, const Post& reply) const override;

 private:
  struct Compiled {
    HiddenWords words;
    std::shared_ptr<const PhraseMatcher> matcher;  // of words.words
    int64_t expiry = 0;                             // CacheAge: when the cached entry goes stale
  };
  // The author's words and their compiled matcher, through the cache.
  Result<Compiled> compiled_of(Id account_id) const;
  Result<HiddenWords> load_words(Id account_id) const;
  LimitsView limits_view(const Preferences& p) const;

  Deps deps_;
  PostService& posts_;
  const AccountService& accounts_;
  PreferencesService& preferences_;
  std::vector<BuiltinWordList> builtin_lists_;
  std::vector<PhraseMatcher> builtin_matchers_;  // one per list, in the same order

  mutable std::mutex cache_mu_;
  mutable std::unordered_map<Id, Compiled> cache_;  // bounded: cleared when it grows past a limit
  std::array<std::mutex, 16> write_locks_;           // one words write per account at a time
};

}  // namespace kindred::social
