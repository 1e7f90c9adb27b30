#include "social/posts/scheduled.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "social/posts/polls.h"
#include "social/posts/post_rules.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// How often the thread looks for due posts (a one-entry range read from memory).
constexpr auto kPollInterval = std::chrono::seconds(1);
// Due posts published per read of the due list.
constexpr size_t kDuePage = 64;

Status invalid(const std::string& what) { return Status::invalid_argument("Validation failed: " + what); }

}  // namespace

std::string ScheduledPost::encode() const { return record::encode(*this); }
Result<ScheduledPost> ScheduledPost::decode(std::string_view b) {
  return record::decode<ScheduledPost>(b, "scheduled status");
}

ScheduledPostService::ScheduledPostService(Deps deps, PostService& posts,
                                           const AccountService& accounts, MediaService& media,
                                           ScheduledConfig config)
    : deps_(deps), posts_(posts), accounts_(accounts), media_(media), config_(config) {}

ScheduledPostService::~ScheduledPostService() {
  {
    std::scoped_lock lock(thread_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ScheduledPostService::start() {
  thread_ = std::thread([this] { loop(); });
}

void ScheduledPostService::loop() {
  std::unique_lock lock(thread_mu_);
  for (;;) {
    if (cv_.wait_for(lock, kPollInterval, [&] { return stopping_; })) return;
    lock.unlock();
    auto done = publish_due();
    if (!done.has_value())
      std::cerr << "kindred: publishing scheduled posts failed: " << done.error().to_string() << '\n';
    for (auto& [name, work] : due_work_) {
      auto worked = work();
      if (!worked.has_value())
        std::cerr << "kindred: " << name << " failed: " << worked.error().to_string() << '\n';
    }
    lock.lock();
  }
}

Status ScheduledPostService::check_time(Id account_id, int64_t at_ms, Id except) const {
  if (at_ms <= deps_.clock.now_ms() + config_.min_offset_ms)
    return invalid("Scheduled at The scheduled date must be in the future");
  store::RangeQuery q;
  q.limit = config_.total_limit + 1;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(account_id, AssocType::kScheduledStatuses, q));
  std::vector<Id> ids;
  for (const auto& a : range.items)
    if (a.to != except) ids.push_back(a.to);
  if (ids.size() >= config_.total_limit)
    return invalid("You have exceeded the limit of " + std::to_string(config_.total_limit) +
                   " scheduled posts");
  KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kScheduledStatus, ids));
  size_t same_day = 0;
  for (const auto& blob : blobs) {
    if (!blob) continue;
    KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, ScheduledPost::decode(*blob));
    if (p.scheduled_at_ms / kDayMs == at_ms / kDayMs) ++same_day;
  }
  if (same_day >= config_.daily_limit)
    return invalid("You have exceeded the limit of " + std::to_string(config_.daily_limit) +
                   " scheduled posts for today");
  return Status::ok();
}

Result<Id> ScheduledPostService::free_slot(int64_t at_ms, Id id) const {
  const uint64_t base = Id::at_ms(at_ms).value;
  const store::FreshReads fresh;  // a slot taken on another node a moment ago is taken
  for (uint64_t k = 0; k <= 0xFFFF; ++k) {
    const Id slot(base + ((id.value + k) & 0xFFFF));
    KINDRED_ASSIGN_OR_RETURN(bool taken, deps_.store.assoc_exists(store::kInstanceNode, AssocType::kScheduledDue, slot));
    if (!taken) return slot;
  }
  return Status::unavailable("Too many posts are scheduled for that moment");
}

Result<ScheduledPostView> ScheduledPostService::view(ScheduledPost p) const {
  ScheduledPostView v;
  KINDRED_ASSIGN_OR_RETURN(v.media, media_.load_many(p.media_ids));
  v.scheduled = std::move(p);
  return v;
}

Result<ScheduledPostView> ScheduledPostService::schedule(const Account& author, const NewPost& in,
                                                         int64_t at_ms) {
  if (in.poll) {  // checked as create() will check it when it is published
    if (!in.media_ids.empty()) return Status::invalid_argument("Cannot attach more than 4 files");
    KINDRED_RETURN_IF_ERROR(make_poll(*in.poll, at_ms).status());
  }
  KINDRED_RETURN_IF_ERROR(check_post_text(deps_.config, in.text, in.spoiler_text, !in.media_ids.empty()));
  KINDRED_ASSIGN_OR_RETURN(std::string language, post_language(in.language));
  if (!in.in_reply_to_id.is_none()) {
    KINDRED_RETURN_IF_ERROR(posts_.get_visible_post(Viewer{author.id}, in.in_reply_to_id).status());
  }
  std::scoped_lock lock(mu_);
  KINDRED_RETURN_IF_ERROR(check_time(author.id, at_ms, Id()));
  KINDRED_ASSIGN_OR_RETURN(MediaService::Attachment attachment,
                           media_.prepare_attachment(author.id, in.media_ids));
  ScheduledPost p;
  p.id = deps_.ids.next();
  p.account_id = author.id;
  p.scheduled_at_ms = at_ms;
  p.app_id = in.app_id;
  p.text = in.text;
  p.in_reply_to_id = in.in_reply_to_id;
  if (in.sensitive) p.sensitive = true;
  if (!in.spoiler_text.empty()) p.spoiler_text = in.spoiler_text;
  if (in.visibility) p.visibility = std::string(visibility_name(*in.visibility));
  if (!language.empty()) p.language = language;
  p.media_ids = in.media_ids;
  p.idempotency = in.idempotency_key;
  p.reply_policy = in.reply_policy;
  p.hide_favourites_count = in.hide_favourites_count;
  p.poll = in.poll;
  KINDRED_ASSIGN_OR_RETURN(p.due_slot, free_slot(at_ms, p.id));
  store::Batch b;
  attachment.add_to(b, p.id);  // held: not swept, not attached elsewhere
  b.put_object(ObjectType::kScheduledStatus, p.id, p.encode());
  b.add_assoc({author.id, AssocType::kScheduledStatuses, p.id, p.id, {}});
  b.add_assoc({store::kInstanceNode, AssocType::kScheduledDue, p.due_slot, p.due_slot, p.id.to_string()});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  media_.note_attached(attachment);
  return view(std::move(p));
}

Result<ScheduledPost> ScheduledPostService::load_own(const Viewer& viewer, Id id) const {
  auto bytes = deps_.store.get_object(ObjectType::kScheduledStatus, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, ScheduledPost::decode(*bytes));
  if (p.account_id != viewer.account_id) return Status::not_found("Record not found");
  return p;
}

Result<Page<ScheduledPostView>> ScheduledPostService::list(const Viewer& viewer, const ListQuery& lq) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kScheduledStatuses,
                                                               to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  for (const auto& a : range.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kScheduledStatus, ids));
  Page<ScheduledPostView> page;
  for (size_t i = 0; i < blobs.size(); ++i) {
    if (!blobs[i]) continue;  // published or cancelled meanwhile
    KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, ScheduledPost::decode(*blobs[i]));
    KINDRED_ASSIGN_OR_RETURN(ScheduledPostView v, view(std::move(p)));
    page.items.push_back(std::move(v));
    page.positions.push_back(ids[i]);
  }
  return page;
}

Result<ScheduledPostView> ScheduledPostService::get(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, load_own(viewer, id));
  return view(std::move(p));
}

Result<ScheduledPostView> ScheduledPostService::reschedule(const Viewer& viewer, Id id, int64_t at_ms) {
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, load_own(viewer, id));
  KINDRED_RETURN_IF_ERROR(check_time(p.account_id, at_ms, p.id));
  const Id old_slot = p.due_slot;
  KINDRED_ASSIGN_OR_RETURN(p.due_slot, free_slot(at_ms, p.id));
  p.scheduled_at_ms = at_ms;
  store::Batch b;
  b.put_object(ObjectType::kScheduledStatus, p.id, p.encode());
  b.remove_assoc(store::kInstanceNode, AssocType::kScheduledDue, old_slot);
  b.add_assoc({store::kInstanceNode, AssocType::kScheduledDue, p.due_slot, p.due_slot, p.id.to_string()});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return view(std::move(p));
}

Status ScheduledPostService::cancel(const Viewer& viewer, Id id) {
  std::scoped_lock lock(mu_);
  KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, load_own(viewer, id));
  return drop(p);
}

Status ScheduledPostService::drop(const ScheduledPost& p) {
  store::Batch b;
  KINDRED_RETURN_IF_ERROR(media_.add_release(b, p.id, p.media_ids));
  b.delete_object(ObjectType::kScheduledStatus, p.id);
  b.remove_assoc(p.account_id, AssocType::kScheduledStatuses, p.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kScheduledDue, p.due_slot);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  media_.forget_attached(p.media_ids);
  return Status::ok();
}

Status ScheduledPostService::publish(Id id, Id slot) {
  auto bytes = deps_.store.get_object(ObjectType::kScheduledStatus, id);
  if (!bytes.has_value()) {
    if (!bytes.error().is_not_found()) return bytes.error();
    store::Batch b;  // a due entry left by a crash: nothing to publish
    b.remove_assoc(store::kInstanceNode, AssocType::kScheduledDue, slot);
    return deps_.store.apply(b).status();
  }
  KINDRED_ASSIGN_OR_RETURN(ScheduledPost p, ScheduledPost::decode(*bytes));
  auto author = accounts_.get(p.account_id);
  if (!author.has_value()) {
    if (!author.error().is_not_found()) return author.error();
    return drop(p);
  }
  NewPost np;
  np.text = p.text;
  np.in_reply_to_id = p.in_reply_to_id;
  np.sensitive = p.sensitive.value_or(false);
  np.spoiler_text = p.spoiler_text.value_or("");
  if (!p.visibility.empty()) {
    auto v = parse_visibility(p.visibility);
    if (v.has_value()) np.visibility = *v;
  }
  np.language = p.language.value_or("");
  // Once only, whatever happens between publishing and forgetting it.
  np.idempotency_key = "scheduled:" + p.id.to_string();
  np.app_id = p.app_id;
  np.media_ids = p.media_ids;
  np.reply_policy = p.reply_policy;
  np.hide_favourites_count = p.hide_favourites_count;
  np.scheduled_id = p.id;
  np.poll = p.poll;  // its expires_in counts from publication, as in Mastodon
  auto posted = posts_.create(*author, np);
  if (!posted.has_value()) {
    const Status& e = posted.error();
    if (!(e.is_not_found() || e.code() == StatusCode::kInvalidArgument ||
          e.code() == StatusCode::kPermissionDenied))
      return e;
    // It can no longer be posted as it was asked for (as Mastodon, it is dropped).
    std::cerr << "kindred: scheduled post " << p.id.to_string() << " dropped: " << e.to_string() << '\n';
    return drop(p);
  }
  store::Batch b;
  b.delete_object(ObjectType::kScheduledStatus, p.id);
  b.remove_assoc(p.account_id, AssocType::kScheduledStatuses, p.id);
  b.remove_assoc(store::kInstanceNode, AssocType::kScheduledDue, p.due_slot);
  return deps_.store.apply(b).status();
}

Result<size_t> ScheduledPostService::publish_due() {
  size_t handled = 0;
  for (;;) {
    std::scoped_lock lock(mu_);
    const int64_t now = deps_.clock.now_ms();
    store::RangeQuery q;
    q.oldest_first = true;
    q.limit = kDuePage;
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(store::kInstanceNode, AssocType::kScheduledDue, q));
    size_t published = 0;
    for (const auto& a : range.items) {
      if (a.position.ms() > now) return handled;
      auto id = Id::parse(a.data);
      if (!id) return Status::corruption("a due scheduled post names no id");
      KINDRED_RETURN_IF_ERROR(publish(*id, a.to));
      ++handled;
      ++published;
    }
    if (!range.more || published == 0) return handled;
  }
}

}  // namespace kindred::social
