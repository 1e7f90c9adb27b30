#include "social/graph/conversations.h"

#include <algorithm>
#include <unordered_map>

#include "social/graph/relationships.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

std::string Conversation::encode() const { return record::encode(*this); }
Result<Conversation> Conversation::decode(std::string_view bytes) {
  return record::decode<Conversation>(bytes, "conversation");
}

namespace {

std::string conversation_key(Id account, Id thread, const std::vector<Id>& participants) {
  std::string key = account.to_string() + "/" + thread.to_string() + "/";
  for (size_t i = 0; i < participants.size(); ++i) {
    if (i > 0) key += ',';
    key += participants[i].to_string();
  }
  return key;
}

// Mastodon's participants_from_status: the post's author and mentioned, less the recipient.
std::vector<Id> participants_for(Id recipient, const Post& post) {
  std::vector<Id> out = post.mention_ids;
  out.push_back(post.account_id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase(out, recipient);
  return out;
}

}  // namespace

std::mutex& ConversationService::lock_for(Id account) const {
  return locks_[std::hash<Id>()(account) % locks_.size()];
}

Result<Id> ConversationService::thread_of(const Post& post) const {
  Post cur = post;
  for (size_t i = 0; i < deps_.config.context_ancestors_limit; ++i) {
    if (cur.in_reply_to_id.is_none()) return cur.id;
    KINDRED_ASSIGN_OR_RETURN(auto parent, posts_.stored_posts({cur.in_reply_to_id}));
    // A deleted parent ends the walk: its id still names the thread for its other replies.
    if (parent.empty()) return cur.in_reply_to_id;
    cur = std::move(parent.front());
  }
  return cur.id;
}

Status ConversationService::add_status(const Post& post) {
  KINDRED_ASSIGN_OR_RETURN(Id thread, thread_of(post));
  std::vector<Id> recipients{post.account_id};
  for (Id m : post.mention_ids)
    if (std::find(recipients.begin(), recipients.end(), m) == recipients.end())
      recipients.push_back(m);
  for (Id r : recipients) {
    if (r != post.account_id) {
      // As Mastodon's NotifyService, which adds the post to a recipient's conversation: not
      // for those who may not see it (blocks either way) or who mute its author.
      if (!posts_.can_see(Viewer{r}, post)) continue;
      KINDRED_ASSIGN_OR_RETURN(
          auto mute, mute_in_force(deps_.store, r, post.account_id, deps_.clock.now_ms()));
      if (mute) continue;
    }
    std::scoped_lock lock(lock_for(r));
    KINDRED_RETURN_IF_ERROR(add_to(r, post, thread));
  }
  return Status::ok();
}

Status ConversationService::add_to(Id recipient, const Post& post, Id thread) {
  Conversation c;
  const std::string key = conversation_key(recipient, thread, participants_for(recipient, post));
  auto existing = deps_.store.lookup_key(KeyspaceType::kConversationKey, key);
  const bool fresh = !existing.has_value();
  if (fresh) {
    if (!existing.error().is_not_found()) return existing.error();
    c.id = deps_.ids.next();
    c.account_id = recipient;
    c.thread_id = thread;
    c.participant_ids = participants_for(recipient, post);
  } else {
    KINDRED_ASSIGN_OR_RETURN(auto bytes,
                             deps_.store.get_object(ObjectType::kConversation, *existing));
    KINDRED_ASSIGN_OR_RETURN(c, Conversation::decode(bytes));
    if (std::binary_search(c.status_ids.begin(), c.status_ids.end(), post.id)) return Status::ok();
  }
  const Id old_last = c.last_status_id;
  c.status_ids.insert(std::lower_bound(c.status_ids.begin(), c.status_ids.end(), post.id), post.id);
  if (c.status_ids.size() > kMaxConversationStatuses) c.status_ids.erase(c.status_ids.begin());
  c.unread = post.account_id != recipient;
  c.last_status_id = std::max(old_last, post.id);
  store::Batch b;
  b.put_object(ObjectType::kConversation, c.id, c.encode());
  if (fresh) b.claim_key(KeyspaceType::kConversationKey, key, c.id);
  if (old_last != c.last_status_id) {
    if (!old_last.is_none()) b.remove_assoc(recipient, AssocType::kConversations, old_last);
    b.add_assoc({recipient, AssocType::kConversations, c.last_status_id, c.last_status_id,
                 c.id.to_string()});
  }
  return deps_.store.apply(b).status();
}

Result<Conversation> ConversationService::load(const Viewer& viewer, Id id) const {
  auto bytes = deps_.store.get_object(ObjectType::kConversation, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Conversation c, Conversation::decode(*bytes));
  if (c.account_id != viewer.account_id) return Status::not_found("Record not found");
  return c;
}

Result<std::vector<ConversationView>> ConversationService::views_of(
    const Viewer& viewer, const std::vector<Conversation>& cs) const {
  // The last statuses and the participants of the whole page, each in one batch.
  std::vector<Id> lasts, people;
  for (const auto& c : cs) {
    lasts.push_back(c.last_status_id);
    people.insert(people.end(), c.participant_ids.begin(), c.participant_ids.end());
  }
  people.push_back(viewer.account_id);
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.get_many(viewer, lasts));
  KINDRED_ASSIGN_OR_RETURN(auto accounts, accounts_.views(people));
  std::unordered_map<Id, PostView> post_by_id;
  for (auto& p : posts) post_by_id.emplace(p.post.id, std::move(p));
  std::unordered_map<Id, AccountView> account_by_id;
  for (auto& a : accounts) account_by_id.emplace(a.account.id, std::move(a));

  std::vector<ConversationView> out;
  out.reserve(cs.size());
  for (const auto& c : cs) {
    ConversationView v;
    v.id = c.id;
    v.unread = c.unread;
    if (auto it = post_by_id.find(c.last_status_id); it != post_by_id.end()) {
      v.last_status = it->second;
    } else {
      // The last one was deleted or hidden since: the newest the viewer may still see.
      std::vector<Id> older(c.status_ids.rbegin(), c.status_ids.rend());
      KINDRED_ASSIGN_OR_RETURN(auto visible, posts_.get_many(viewer, older));
      if (!visible.empty()) v.last_status = std::move(visible.front());
    }
    for (Id p : c.participant_ids)
      if (auto it = account_by_id.find(p); it != account_by_id.end())
        v.accounts.push_back(it->second);
    // Mastodon's participant_accounts: a conversation with oneself shows oneself.
    if (c.participant_ids.empty())
      if (auto it = account_by_id.find(viewer.account_id); it != account_by_id.end())
        v.accounts.push_back(it->second);
    out.push_back(std::move(v));
  }
  return out;
}

Result<Page<ConversationView>> ConversationService::list(const Viewer& viewer,
                                                         const ListQuery& q) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range,
                           deps_.store.assoc_range(viewer.account_id, AssocType::kConversations,
                                                   to_range_query(q, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  std::vector<Id> positions;
  for (const auto& a : range.items) {
    auto id = Id::parse(a.data);
    if (!id) continue;
    ids.push_back(*id);
    positions.push_back(a.position);
  }
  KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kConversation, ids));
  std::vector<Conversation> cs;
  std::vector<Id> kept_positions;
  for (size_t i = 0; i < blobs.size(); ++i) {
    if (!blobs[i]) continue;
    KINDRED_ASSIGN_OR_RETURN(Conversation c, Conversation::decode(*blobs[i]));
    cs.push_back(std::move(c));
    kept_positions.push_back(positions[i]);
  }
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(viewer, cs));
  Page<ConversationView> page;
  for (size_t i = 0; i < views.size(); ++i) {
    if (!views[i].last_status) continue;  // nothing of it left to see
    page.items.push_back(std::move(views[i]));
    page.positions.push_back(kept_positions[i]);
  }
  return page;
}

Result<ConversationView> ConversationService::get(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Conversation c, load(viewer, id));
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(viewer, {c}));
  if (views.empty()) return Status::not_found("Record not found");
  return std::move(views.front());
}

Result<ConversationView> ConversationService::mark_read(const Viewer& viewer, Id id) {
  Conversation c;
  {
    std::scoped_lock lock(lock_for(viewer.account_id));
    KINDRED_ASSIGN_OR_RETURN(c, load(viewer, id));
    if (c.unread) {
      c.unread = false;
      store::Batch b;
      b.put_object(ObjectType::kConversation, c.id, c.encode());
      KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    }
  }
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(viewer, {c}));
  return std::move(views.front());
}

Status ConversationService::remove(const Viewer& viewer, Id id) {
  std::scoped_lock lock(lock_for(viewer.account_id));
  KINDRED_ASSIGN_OR_RETURN(Conversation c, load(viewer, id));
  store::Batch b;
  b.delete_object(ObjectType::kConversation, c.id);
  b.release_key(KeyspaceType::kConversationKey,
                conversation_key(c.account_id, c.thread_id, c.participant_ids));
  b.remove_assoc(c.account_id, AssocType::kConversations, c.last_status_id);
  return deps_.store.apply(b).status();
}

}  // namespace kindred::social
