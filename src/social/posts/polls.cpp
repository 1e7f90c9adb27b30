#include "social/posts/polls.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "social/graph/notifications.h"
#include "social/identity/account_names.h"
#include "social/model/text.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

// Polls ended per read of the due list, and voters told per batch.
constexpr size_t kDuePage = 64;
constexpr size_t kVoterBatch = 500;

Status invalid(const std::string& what) { return Status::invalid_argument("Validation failed: " + what); }

std::string strip(std::string_view s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string Poll::encode() const { return record::encode(*this); }
Result<Poll> Poll::decode(std::string_view b) { return record::decode<Poll>(b, "poll"); }

Id poll_option_node(Id poll, size_t index) {
  return hash_node("poll-option:" + poll.to_string() + ":" + std::to_string(index));
}

std::vector<std::string> poll_titles(const NewPoll& in) {
  std::vector<std::string> out;
  for (const auto& o : in.options) {
    std::string title = strip(o);
    if (!title.empty()) out.push_back(std::move(title));
  }
  return out;
}

Result<Poll> make_poll(const NewPoll& in, int64_t now_ms, const PollLimits& limits) {
  Poll p;
  p.options = poll_titles(in);
  p.multiple = in.multiple;
  p.hide_totals = in.hide_totals;
  // As Mastodon's PollValidator, every problem at once, in its order.
  std::vector<std::string> errors;
  if (p.options.size() < 2) errors.push_back("Poll options must have more than one item");
  if (p.options.size() > limits.max_options)
    errors.push_back("Poll options can't contain more than " + std::to_string(limits.max_options) + " items");
  if (std::any_of(p.options.begin(), p.options.end(), [&](const std::string& o) {
        return count_characters(o) > limits.max_characters_per_option ||
               o.size() > max_text_bytes(limits.max_characters_per_option);
      }))
    errors.push_back("Poll options cannot be longer than " +
                     std::to_string(limits.max_characters_per_option) + " characters each");
  std::vector<std::string> sorted = p.options;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    errors.push_back("Poll options contain duplicate items");
  if (!in.expires_in_s) {
    errors.push_back("Poll expires at can't be blank");
  } else if (*in.expires_in_s > limits.max_expiration_s) {
    errors.push_back("Poll expires at is too far into the future");
  } else if (*in.expires_in_s < limits.min_expiration_s) {
    errors.push_back("Poll expires at is too soon");
  }
  if (!errors.empty()) {
    std::string message = errors[0];
    for (size_t i = 1; i < errors.size(); ++i) message += ", " + errors[i];
    return invalid(message);
  }
  p.expires_at_ms = now_ms + *in.expires_in_s * 1000;
  return p;
}

void add_poll(store::Batch& b, const Poll& poll) {
  b.put_object(ObjectType::kPoll, poll.id, poll.encode());
  b.add_assoc({store::kInstanceNode, AssocType::kPollsDue, poll.id, Id::at_ms(poll.expires_at_ms), {}});
}

Result<std::vector<std::shared_ptr<const PollView>>> poll_views(const store::Store& store,
                                                                const Viewer& viewer,
                                                                const std::vector<Id>& poll_ids,
                                                                int64_t now_ms) {
  std::vector<std::shared_ptr<const PollView>> out(poll_ids.size());
  if (poll_ids.empty()) return out;
  KINDRED_ASSIGN_OR_RETURN(auto blobs, store.get_objects(ObjectType::kPoll, poll_ids));
  std::vector<Poll> polls(poll_ids.size());
  std::vector<std::pair<Id, AssocType>> lists;
  for (size_t i = 0; i < blobs.size(); ++i) {
    if (!blobs[i]) continue;
    KINDRED_ASSIGN_OR_RETURN(polls[i], Poll::decode(*blobs[i]));
    lists.emplace_back(polls[i].id, AssocType::kPollVoters);
    for (size_t o = 0; o < polls[i].options.size(); ++o)
      lists.emplace_back(poll_option_node(polls[i].id, o), AssocType::kPollOptionVoters);
  }
  KINDRED_ASSIGN_OR_RETURN(auto counts, store.assoc_counts(lists));
  size_t at = 0;
  for (size_t i = 0; i < blobs.size(); ++i) {
    if (!blobs[i]) continue;
    auto v = std::make_shared<PollView>();
    v->expired = polls[i].expired(now_ms);
    v->voters_count = counts[at++];
    std::vector<int64_t> option_votes;
    for (size_t o = 0; o < polls[i].options.size(); ++o) {
      option_votes.push_back(counts[at]);
      v->votes_count += counts[at++];
    }
    if (v->expired || !polls[i].hide_totals) v->option_votes = std::move(option_votes);
    v->viewer_signed_in = viewer.signed_in();
    if (viewer.signed_in()) {
      KINDRED_ASSIGN_OR_RETURN(bool voted, store.assoc_exists(polls[i].id, AssocType::kPollVoters,
                                                              viewer.account_id));
      if (voted) {
        for (size_t o = 0; o < polls[i].options.size(); ++o) {
          KINDRED_ASSIGN_OR_RETURN(bool chose, store.assoc_exists(poll_option_node(polls[i].id, o),
                                                                  AssocType::kPollOptionVoters,
                                                                  viewer.account_id));
          if (chose) v->own_votes.push_back(static_cast<int>(o));
        }
      }
      v->voted = voted || viewer.account_id == polls[i].account_id;
    }
    v->poll = std::move(polls[i]);
    out[i] = std::move(v);
  }
  return out;
}

Result<Poll> PollService::load(Id poll_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kPoll, poll_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return Poll::decode(*bytes);
}

Result<Poll> PollService::load_visible(const Viewer& viewer, Id poll_id) const {
  KINDRED_ASSIGN_OR_RETURN(Poll poll, load(poll_id));
  KINDRED_RETURN_IF_ERROR(posts_.get_visible_post(viewer, poll.status_id).status());
  return poll;
}

Result<PollView> PollService::get(const Viewer& viewer, Id poll_id) const {
  KINDRED_RETURN_IF_ERROR(load_visible(viewer, poll_id).status());
  KINDRED_ASSIGN_OR_RETURN(auto views, poll_views(deps_.store, viewer, {poll_id}, deps_.clock.now_ms()));
  if (!views[0]) return Status::not_found("Record not found");
  return *views[0];
}

Result<PollView> PollService::vote(const Viewer& viewer, Id poll_id, const std::vector<int64_t>& choices) {
  KINDRED_ASSIGN_OR_RETURN(Poll poll, load_visible(viewer, poll_id));
  const Id me = viewer.account_id;
  {
    std::scoped_lock lock(vote_locks_[std::hash<uint64_t>()(poll.id.value ^ (me.value * 0x9E3779B97F4A7C15ULL)) % kStripes]);
    const store::FreshReads fresh;  // the votes as stored now: they decide what is written
    KINDRED_ASSIGN_OR_RETURN(bool voted, deps_.store.assoc_exists(poll.id, AssocType::kPollVoters, me));
    std::vector<bool> chosen(poll.options.size(), false);
    if (voted) {
      for (size_t o = 0; o < poll.options.size(); ++o) {
        KINDRED_ASSIGN_OR_RETURN(bool c, deps_.store.assoc_exists(poll_option_node(poll.id, o),
                                                                  AssocType::kPollOptionVoters, me));
        chosen[o] = c;
      }
    }
    // As Mastodon: the votes are made one by one in a transaction, each checked by
    // VoteValidator against those before it; the first that fails undoes them all.
    const bool expired = poll.expired(deps_.clock.now_ms());
    for (int64_t choice : choices) {
      std::vector<std::string> errors;
      if (expired) errors.push_back("The poll has already ended");
      const bool valid = choice >= 0 && choice < static_cast<int64_t>(poll.options.size());
      if (!valid) errors.push_back("The chosen vote option does not exist");
      if (me == poll.account_id) errors.push_back("You cannot vote in your own polls");
      if (poll.multiple ? (valid && chosen[static_cast<size_t>(choice)]) : voted)
        errors.push_back("You have already voted on this poll");
      if (!errors.empty()) {
        std::string message = errors[0];
        for (size_t i = 1; i < errors.size(); ++i) message += ", " + errors[i];
        return invalid(message);
      }
      chosen[static_cast<size_t>(choice)] = true;
      voted = true;
    }
    store::Batch b;
    const Id at = deps_.ids.next();
    b.add_assoc({poll.id, AssocType::kPollVoters, me, at, {}});
    for (int64_t choice : choices)
      b.add_assoc({poll_option_node(poll.id, static_cast<size_t>(choice)), AssocType::kPollOptionVoters,
                   me, at, {}});
    if (!choices.empty()) KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  KINDRED_ASSIGN_OR_RETURN(auto views, poll_views(deps_.store, viewer, {poll.id}, deps_.clock.now_ms()));
  if (!views[0]) return Status::not_found("Record not found");
  return *views[0];
}

Status PollService::end(const Poll& poll) {
  auto posts = posts_.stored_posts({poll.status_id});
  if (!posts.has_value()) return posts.error();
  store::Batch b;
  if (!posts->empty()) {
    const Post& post = posts->front();
    const NotificationGate* gate = posts_.notification_gate();
    // The author first (add_notification leaves out the actor's own, so written here).
    Notification n;
    n.id = deps_.ids.next();
    n.type = NotificationType::kPoll;
    n.from_account = poll.account_id;
    n.status_id = post.id;
    b.add_assoc({poll.account_id, AssocType::kNotifications, n.id, n.id, encode_notification(n)});
    store::RangeQuery q;
    q.oldest_first = true;
    q.limit = kVoterBatch;
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(poll.id, AssocType::kPollVoters, q));
      for (const auto& a : page.items)
        KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate, a.to, NotificationType::kPoll,
                                                 poll.account_id, &post)
                                    .status());
      if (!page.more || page.items.empty()) break;
      q.min_position = page.items.back().position;
      // A crash between batches tells some voters twice, never none.
      KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
      b = store::Batch();
    }
  }
  b.remove_assoc(store::kInstanceNode, AssocType::kPollsDue, poll.id);
  return deps_.store.apply(b).status();
}

Result<size_t> PollService::end_due() {
  std::scoped_lock lock(end_mu_);
  size_t ended = 0;
  for (;;) {
    const int64_t now = deps_.clock.now_ms();
    store::RangeQuery q;
    q.oldest_first = true;
    q.limit = kDuePage;
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(store::kInstanceNode, AssocType::kPollsDue, q));
    size_t done = 0;
    for (const auto& a : range.items) {
      if (a.position.ms() > now) return ended;
      auto poll = load(a.to);
      if (!poll.has_value()) {
        if (!poll.error().is_not_found()) return poll.error();
        store::Batch b;  // its post was deleted: nobody to tell
        b.remove_assoc(store::kInstanceNode, AssocType::kPollsDue, a.to);
        KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
      } else {
        KINDRED_RETURN_IF_ERROR(end(*poll));
      }
      ++ended;
      ++done;
    }
    if (!range.more || done == 0) return ended;
  }
}

}  // namespace kindred::social
