#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <vector>

#include "core/record.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/views.h"
#include "social/posts/posts.h"

namespace kindred::social {

// One person's view of a thread of direct posts among the same people (Mastodon's
// AccountConversation): ObjectType::kConversation, found by its key (KeyspaceType::
// kConversationKey: the person, the thread's first post, the other participants) and listed by a
// kConversations edge from the person to the conversation's last status.
struct Conversation {
  Id id;
  Id account_id;
  Id thread_id;                     // the first post of the thread (as far as it can be walked up)
  std::vector<Id> participant_ids;  // the others: the posts' authors and mentioned, sorted
  std::vector<Id> status_ids;       // oldest first, at most kMaxConversationStatuses (the newest)
  Id last_status_id;
  bool unread = false;
  bool operator==(const Conversation&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, thread_id, participant_ids, status_ids, last_status_id, unread);
  }
  std::string encode() const;
  static Result<Conversation> decode(std::string_view bytes);
};

inline constexpr size_t kMaxConversationStatuses = 100;

// A conversation as its person sees it (Mastodon's Conversation entity).
struct ConversationView {
  Id id;
  bool unread = false;
  std::vector<AccountView> accounts;    // the other participants; the person alone talks to self
  std::optional<PostView> last_status;  // the newest of its posts the person may still see
};

// Direct conversations, built from direct posts as Mastodon builds them: each direct post is
// added to its author's conversation and to each mentioned person's (unless they block or mute
// the author, or may not see the post), keyed by the thread and the other participants; it is
// unread for everyone but its author. Deleting a conversation deletes it for its person only; a
// later post in the thread starts a new one. Writes of one person's conversations are
// serialised. Thread-safe.
class ConversationService {
 public:
  ConversationService(Deps deps, const AccountService& accounts, const PostService& posts)
      : deps_(deps), accounts_(accounts), posts_(posts) {}

  // Adds a stored direct post to the conversations of its author and mentioned people.
  // Idempotent (a post already added changes nothing), so a fan-out run again after a crash
  // may call it again. REQUIRES: post.visibility is direct.
  Status add_status(const Post& post);

  // The viewer's conversations, by last status, newest first; positions are the last statuses'
  // ids. Conversations none of whose posts the viewer may still see are left out.
  Result<Page<ConversationView>> list(const Viewer& viewer, const ListQuery& q) const;
  // The viewer's conversation `id` as list() shows it. Errors: NotFound if absent or not the
  // viewer's.
  Result<ConversationView> get(const Viewer& viewer, Id id) const;
  // Marks the conversation read and returns it. Errors: NotFound if absent or not the viewer's.
  Result<ConversationView> mark_read(const Viewer& viewer, Id id);
  // Errors: NotFound if absent or not the viewer's.
  Status remove(const Viewer& viewer, Id id);

 private:
  std::mutex& lock_for(Id account) const;
  // The first post of `post`'s thread, walking up stored replies (bounded).
  Result<Id> thread_of(const Post& post) const;
  // Adds `post` to `recipient`'s conversation of `thread`. REQUIRES: the recipient's lock held.
  Status add_to(Id recipient, const Post& post, Id thread);
  // The viewer's own conversation. Errors: NotFound.
  Result<Conversation> load(const Viewer& viewer, Id id) const;
  Result<std::vector<ConversationView>> views_of(const Viewer& viewer,
                                                 const std::vector<Conversation>& cs) const;

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  mutable std::array<std::mutex, 32> locks_;
};

}  // namespace kindred::social
