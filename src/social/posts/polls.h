#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "social/posts/posts.h"

namespace kindred::social {

// Mastodon's PollValidator limits, which /api/v1/instance and /api/v2/instance advertise.
struct PollLimits {
  size_t max_options = 4;
  size_t max_characters_per_option = 50;  // grapheme clusters, counted as code points here
  int64_t min_expiration_s = 5 * 60;
  int64_t max_expiration_s = 2'629'746;  // one month, as Rails' 1.month
};
inline constexpr PollLimits kPollLimits{};

// A post's poll, stored as ObjectType::kPoll by its own id. Its votes are edges: kPollVoters
// (poll -> each account that voted, counted: voters_count) and kPollOptionVoters
// (poll_option_node(poll, i) -> each account that chose option i, counted: the option's votes).
// While it runs it is on the instance's kPollsDue list (position: its end), which the scheduled
// posts' thread reads to tell its voters and author when it ends.
struct Poll {
  Id id;
  Id status_id;
  Id account_id;
  std::vector<std::string> options;  // titles, stripped, in order
  int64_t expires_at_ms = 0;
  bool multiple = false;
  bool hide_totals = false;

  bool operator==(const Poll&) const = default;
  bool expired(int64_t now_ms) const { return now_ms >= expires_at_ms; }
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, status_id, account_id, record::at_most(options, 64), expires_at_ms, multiple, hide_totals);
  }
  std::string encode() const;
  static Result<Poll> decode(std::string_view bytes);
};

// A poll as one viewer sees it (Mastodon's REST::PollSerializer).
struct PollView {
  Poll poll;
  bool expired = false;
  int64_t votes_count = 0;   // every choice made, all options together
  int64_t voters_count = 0;  // accounts that voted
  // Each option's votes, aligned with poll.options; empty while totals are hidden (hide_totals
  // and not yet ended: Mastodon shows null then).
  std::vector<int64_t> option_votes;
  bool viewer_signed_in = false;
  bool voted = false;             // the viewer voted, or wrote the poll (as Mastodon)
  std::vector<int> own_votes;     // the options the viewer chose, ascending
};

// The store node whose kPollOptionVoters edges are the accounts that chose option `index`.
Id poll_option_node(Id poll, size_t index);

// The options of `in` as stored: stripped of surrounding spaces, blank ones dropped (Mastodon's
// Poll#prepare_options).
std::vector<std::string> poll_titles(const NewPoll& in);

// Checks `in` by Mastodon's PollValidator at `now_ms` (options stripped and blank ones dropped
// first, as Mastodon's Poll#prepare_options) and returns the poll to store (id, status and
// account left for the caller). Errors: InvalidArgument with Mastodon's messages.
Result<Poll> make_poll(const NewPoll& in, int64_t now_ms, const PollLimits& limits = kPollLimits);

// Adds to `b` the writes that store `poll` (its record and its place on the due list).
void add_poll(store::Batch& b, const Poll& poll);

// Views of `poll_ids` for `viewer` at `now_ms`, one slot each (null where the poll is absent),
// read in a few batches. Used by PostService::views_of.
Result<std::vector<std::shared_ptr<const PollView>>> poll_views(const store::Store& store,
                                                                const Viewer& viewer,
                                                                const std::vector<Id>& poll_ids,
                                                                int64_t now_ms);

// Votes, reading polls as their posts' viewers may, and the end of polls. Thread-safe.
class PollService {
 public:
  PollService(Deps deps, const PostService& posts) : deps_(deps), posts_(posts) {}

  // The poll as `viewer` sees it. Errors: NotFound when there is no such poll or its post is
  // not visible to `viewer` (as Mastodon, "Record not found").
  Result<PollView> get(const Viewer& viewer, Id poll_id) const;

  // Records the viewer's `choices` (option indexes) as Mastodon's VoteService and VoteValidator:
  // all or none of them. A single-choice poll takes one vote per person; a multiple-choice poll
  // takes more later, each option once. The votes and the counts they make are written in one
  // batch, and one person's votes on one poll are serialised, so racing requests cannot both
  // count. Returns the poll as the viewer now sees it.
  // Errors: NotFound as get(); InvalidArgument ("Validation failed: ...") for an ended poll, a
  // choice that is no option, the author's own poll, or a choice made already (a second choice
  // on a single-choice poll included); nothing is written then. REQUIRES: viewer.signed_in().
  Result<PollView> vote(const Viewer& viewer, Id poll_id, const std::vector<int64_t>& choices);

  // Ends every poll whose time has come: its author and the accounts that voted get a "poll"
  // notification (as Mastodon's PollExpirationNotifyWorker), then it leaves the due list.
  // Returns how many polls ended. Run by the scheduled posts' thread each second, so it also
  // catches up at start-up on polls that ended while the server was down.
  Result<size_t> end_due();

 private:
  Result<Poll> load(Id poll_id) const;
  // The poll if its post is visible to `viewer`. Errors: NotFound.
  Result<Poll> load_visible(const Viewer& viewer, Id poll_id) const;
  Status end(const Poll& poll);

  Deps deps_;
  const PostService& posts_;
  std::mutex end_mu_;  // one end_due() at a time
  static constexpr size_t kStripes = 64;
  std::array<std::mutex, kStripes> vote_locks_;  // by (poll, voter)
};

}  // namespace kindred::social
