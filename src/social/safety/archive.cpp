#include "social/safety/archive.h"

#include <filesystem>
#include <iostream>
#include <system_error>

namespace kindred::social {

namespace fs = std::filesystem;
using store::AssocType;
using store::ObjectType;

std::string Archive::encode() const { return record::encode(*this); }
Result<Archive> Archive::decode(std::string_view b) {
  return record::decode<Archive>(b, "archive");
}

std::string_view archive_state_name(ArchiveState s) {
  switch (s) {
    case ArchiveState::kPending:
      return "pending";
    case ArchiveState::kReady:
      return "ready";
    case ArchiveState::kFailed:
      return "failed";
  }
  return "pending";
}

ArchiveService::ArchiveService(Deps deps, const AccountService& accounts, std::string dir,
                               ArchiveConfig config)
    : deps_(deps), accounts_(accounts), dir_(std::move(dir)), config_(config) {}

ArchiveService::~ArchiveService() {
  {
    std::scoped_lock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ArchiveService::start() {
  {
    std::scoped_lock lock(mu_);
    wake_ = true;  // whatever a stop left pending
  }
  thread_ = std::thread([this] { loop(); });
}

void ArchiveService::loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || wake_; });
      if (stop_) return;
      wake_ = false;
    }
    auto built = build_pending();
    if (!built.has_value())
      std::cerr << "kindred: building archives: " << built.error().message() << '\n';
  }
}

Result<std::optional<Archive>> ArchiveService::load(Id account_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kArchive, account_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return std::optional<Archive>();
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Archive a, Archive::decode(*bytes));
  return std::optional<Archive>(std::move(a));
}

Result<Archive> ArchiveService::request(const Viewer& viewer) {
  std::scoped_lock lock(request_mu_);
  const int64_t now = deps_.clock.now_ms();
  KINDRED_ASSIGN_OR_RETURN(auto last, load(viewer.account_id));
  if (last && last->state != ArchiveState::kFailed &&
      now - last->requested_at_ms < config_.min_interval_ms)
    return Status::rate_limited("You can only request an archive once a day");
  Archive a;
  a.account_id = viewer.account_id;
  a.request_id = deps_.ids.next();
  a.requested_at_ms = now;
  if (last) a.file = last->file;  // the file before, removed once this one is built
  store::Batch b;
  b.put_object(ObjectType::kArchive, a.account_id, a.encode());
  if (last && last->state == ArchiveState::kPending)
    b.remove_assoc(store::kInstanceNode, AssocType::kPendingArchives, a.account_id);
  b.add_assoc({store::kInstanceNode, AssocType::kPendingArchives, a.account_id, a.request_id, ""});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  {
    std::scoped_lock wake(mu_);
    wake_ = true;
  }
  cv_.notify_all();
  return a;
}

Result<std::optional<Archive>> ArchiveService::latest(const Viewer& viewer) const {
  return load(viewer.account_id);
}

Result<std::string> ArchiveService::file_path(const Viewer& viewer) const {
  KINDRED_ASSIGN_OR_RETURN(auto a, load(viewer.account_id));
  if (!a || a->state != ArchiveState::kReady || a->file.empty())
    return Status::not_found("Record not found");
  return dir_ + "/" + a->file;
}

Status ArchiveService::forget(Id account_id) {
  std::scoped_lock lock(request_mu_);
  KINDRED_ASSIGN_OR_RETURN(auto stored, load(account_id));
  if (!stored) return Status::ok();
  store::Batch b;
  b.delete_object(ObjectType::kArchive, account_id);
  b.remove_assoc(store::kInstanceNode, AssocType::kPendingArchives, account_id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  std::error_code ec;
  if (!stored->file.empty()) fs::remove(dir_ + "/" + stored->file, ec);
  return Status::ok();
}

Result<size_t> ArchiveService::build_pending() {
  std::scoped_lock lock(build_mu_);
  size_t handled = 0;
  for (;;) {
    store::RangeQuery q;
    q.limit = 16;
    q.oldest_first = true;
    KINDRED_ASSIGN_OR_RETURN(
        auto range, deps_.store.assoc_range(store::kInstanceNode, AssocType::kPendingArchives, q));
    if (range.items.empty()) return handled;
    for (const auto& e : range.items) {
      KINDRED_RETURN_IF_ERROR(build(e.to, e.position));
      ++handled;
    }
  }
}

Status ArchiveService::build(Id account_id, Id request_id) {
  KINDRED_ASSIGN_OR_RETURN(auto stored, load(account_id));
  store::Batch done;
  done.remove_assoc(store::kInstanceNode, AssocType::kPendingArchives, account_id);
  if (!stored || stored->request_id != request_id || stored->state != ArchiveState::kPending)
    return deps_.store.apply(done).status();  // superseded or already handled
  Archive a = *stored;
  const std::string previous = a.file;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const std::string name =
      "archive-" + account_id.to_string() + "-" + request_id.to_string() + ".zip";
  const std::string work = dir_ + "/work-" + request_id.to_string();
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  Status built = Status::ok();
  auto account = accounts_.get(account_id);
  if (!account.has_value()) {
    built = account.error();
  } else if (is_hidden(*account)) {
    built = Status::not_found("the account is suspended or deleted");
  } else if (renderer_ == nullptr) {
    built = Status::unavailable("no archive renderer");
  } else if (ec) {
    built = Status::internal(work + ": " + ec.message());
  } else {
    built = renderer_->render(*account, dir_ + "/" + name + ".tmp", work);
    if (built.is_ok()) {
      fs::rename(dir_ + "/" + name + ".tmp", dir_ + "/" + name, ec);
      if (ec) built = Status::internal(name + ": " + ec.message());
    }
  }
  fs::remove_all(work, ec);
  a.completed_at_ms = deps_.clock.now_ms();
  if (built.is_ok()) {
    a.state = ArchiveState::kReady;
    a.file = name;
    a.size = static_cast<int64_t>(fs::file_size(dir_ + "/" + name, ec));
  } else {
    fs::remove(dir_ + "/" + name + ".tmp", ec);
    std::cerr << "kindred: archive of account " << account_id.to_string()
              << " failed: " << built.message() << '\n';
    a.state = ArchiveState::kFailed;
    a.file.clear();
    a.error = built.message();
  }
  done.put_object(ObjectType::kArchive, account_id, a.encode());
  {
    // A request made meanwhile (the last one being over a day old) wins; this file goes.
    std::scoped_lock lock(request_mu_);
    KINDRED_ASSIGN_OR_RETURN(auto now_stored, load(account_id));
    if (!now_stored || now_stored->request_id != request_id) {
      if (!a.file.empty()) fs::remove(dir_ + "/" + a.file, ec);
      return Status::ok();
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(done).status());
  }
  // The archive before this one is replaced (its file kept until now, so it stayed downloadable).
  if (!previous.empty() && previous != a.file) fs::remove(dir_ + "/" + previous, ec);
  return Status::ok();
}

}  // namespace kindred::social
