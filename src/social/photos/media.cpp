#include "social/photos/media.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <future>
#include <iostream>
#include <set>

#include "social/model/text.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

std::string_view extension_for(std::string_view mime_type) {
  return mime_type == "image/png" ? "png" : "jpg";
}

Result<double> parse_coordinate(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) ||
      v < -1.0 || v > 1.0)
    return Status::invalid_argument(
        "Validation failed: Focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
  return v;
}

}  // namespace

Result<std::pair<double, double>> parse_focus(std::string_view focus) {
  auto comma = focus.find(',');
  if (comma == std::string_view::npos)
    return Status::invalid_argument(
        "Validation failed: Focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
  KINDRED_ASSIGN_OR_RETURN(double x, parse_coordinate(focus.substr(0, comma)));
  KINDRED_ASSIGN_OR_RETURN(double y, parse_coordinate(focus.substr(comma + 1)));
  return std::pair{x, y};
}

// One upload being processed. The handler waits on it for a while; the processing thread
// writes every outcome to the store itself, so an upload the handler stopped waiting for still
// becomes ready (or failed).
struct MediaService::Job {
  Id media_id;
  std::string bytes;
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  bool handed_off = false;  // the handler answered "processing"; a failure must be kept
  Status failure;           // when done and processing failed
  std::optional<Media> ready;
};

MediaService::MediaService(Deps deps, media::BlobStore& blobs, MediaConfig config)
    : deps_(deps), blobs_(blobs), config_(std::move(config)), attached_cache_(1 << 14) {
  const int n = std::max(1, config_.processing_threads);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
  sweeper_ = std::thread([this] { sweeper_loop(); });
}

MediaService::~MediaService() {
  {
    std::scoped_lock lock(queue_mutex_);
    stopping_ = true;
    paused_ = false;
  }
  queue_cv_.notify_all();
  sweeper_cv_.notify_all();
  for (auto& t : workers_) t.join();
  sweeper_.join();
}

void MediaService::worker_loop() {
  // Below the network threads: a burst of uploads slows itself, not everyone's reads and likes.
  media::lower_this_thread_priority(config_.processing_priority);
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return (!queue_.empty() && !paused_) || (stopping_ && queue_.empty()); });
      if (queue_.empty()) return;
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    // libvips runs the pixels on threads of its own, which may have been started at normal
    // priority by another thread: bring them down to ours before each job.
    media::lower_libvips_worker_priority(config_.processing_priority);
    fn();
  }
}

void MediaService::sweeper_loop() {
  std::unique_lock lock(queue_mutex_);
  for (;;) {
    // Every ten minutes; wall-clock waits, whatever clock the store's times come from.
    if (sweeper_cv_.wait_for(lock, std::chrono::minutes(10), [&] { return stopping_; })) return;
    lock.unlock();
    auto swept = sweep_unattached();
    if (!swept.has_value())
      std::cerr << "kindred media: sweep failed: " << swept.error().to_string() << '\n';
    lock.lock();
  }
}

void MediaService::submit(std::function<void()> fn) {
  {
    std::scoped_lock lock(queue_mutex_);
    queue_.push_back(std::move(fn));
  }
  queue_cv_.notify_one();
}

template <class T>
Result<T> MediaService::on_pool(std::function<Result<T>()> fn) {
  auto task = std::make_shared<std::packaged_task<Result<T>()>>(std::move(fn));
  auto future = task->get_future();
  submit([task] { (*task)(); });
  return future.get();
}

void MediaService::pause_processing_for_test(bool paused) {
  {
    std::scoped_lock lock(queue_mutex_);
    paused_ = paused;
  }
  paused_for_test_.store(paused);
  queue_cv_.notify_all();
}

std::mutex& MediaService::media_lock(Id id) const {
  return media_locks_[std::hash<uint64_t>()(id.value) % media_locks_.size()];
}

std::string MediaService::media_lock_name(Id id) { return "kindred:lock:media:" + id.to_string(); }

Result<NodeLock> MediaService::lock_media(Id id) const {
  return NodeLock::acquire(&media_lock(id), deps_.shared, media_lock_name(id));
}

Result<NodeLock> MediaService::lock_files() {
  return NodeLock::acquire(&files_mutex_, deps_.shared, "kindred:lock:media-files");
}

Id MediaService::blob_node(std::string_view blob) {
  // The first 16 hex digits of the content hash. Two files sharing a node (a 64-bit collision)
  // would only keep a file longer than needed, never delete one in use.
  uint64_t v = 0;
  std::from_chars(blob.data(), blob.data() + std::min<size_t>(16, blob.size()), v, 16);
  return Id(v | 1);
}

Status MediaService::check_upload(const std::string& bytes) const {
  if (bytes.size() > config_.limits.max_bytes)
    return Status::too_large("File is too large (maximum is " +
                             std::to_string(config_.limits.max_bytes >> 20) + " MB)");
  return media::probe(bytes, config_.limits).status();
}

Result<Media> MediaService::load(Id id) const {
  auto bytes = deps_.store.get_object(ObjectType::kMedia, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return Media::decode(*bytes);
}

namespace {

Status check_description(const std::optional<std::string>& d, size_t max_chars) {
  if (d) return check_length("Description", *d, max_chars);
  return Status::ok();
}

}  // namespace

Result<Media> MediaService::upload(const Account& owner, NewUpload in,
                                   std::chrono::milliseconds wait) {
  KINDRED_RETURN_IF_ERROR(check_upload(in.bytes));
  KINDRED_RETURN_IF_ERROR(check_description(in.description, config_.max_description_chars));
  Media m;
  if (in.focus) {
    KINDRED_ASSIGN_OR_RETURN(auto focus, parse_focus(*in.focus));
    m.focus_x = focus.first;
    m.focus_y = focus.second;
  }
  m.id = deps_.ids.next();
  m.account_id = owner.id;
  m.created_at_ms = deps_.clock.now_ms();
  m.description = in.description.value_or("");
  m.state = MediaState::kProcessing;
  store::Batch b;
  b.put_object(ObjectType::kMedia, m.id, m.encode());
  b.add_assoc({store::kInstanceNode, AssocType::kUnattachedMedia, m.id, m.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());

  auto job = std::make_shared<Job>();
  job->media_id = m.id;
  job->bytes = std::move(in.bytes);
  submit([this, job] { run_job(*job); });

  std::unique_lock lock(job->mutex);
  // While processing is paused for a test no job can finish: answer at once.
  job->cv.wait_for(lock, wait, [&] { return job->done || paused_for_test_.load(); });
  if (!job->done) {
    job->handed_off = true;
    return m;
  }
  if (!job->failure.is_ok()) return job->failure;
  return *job->ready;
}

void MediaService::run_job(Job& job) {
  auto processed = media::process(job.bytes, config_.limits);
  job.bytes = std::string();  // free the upload early
  Status failure;
  std::optional<Media> ready;
  if (!processed.has_value()) {
    failure = processed.error();
  } else {
    // Files and their references are written under files_mutex_, so a concurrent delete of a
    // file's last other user cannot remove it between this write (skipped when it exists) and
    // the new reference being counted.
    auto files = lock_files();
    auto written = files.has_value() ? write_files(*processed)
                                     : Result<std::pair<MediaFile, MediaFile>>(files.error());
    if (!written.has_value()) {
      failure = written.error();
    } else {
      auto record = lock_media(job.media_id);
      // (alt text may have been edited meanwhile)
      auto m = record.has_value() ? load(job.media_id) : Result<Media>(record.error());
      if (!m.has_value()) {
        failure = m.error();  // deleted while processing
      } else {
        m->state = MediaState::kReady;
        m->original = written->first;
        m->preview = written->second;
        m->blurhash = processed->blurhash;
        store::Batch b;
        b.put_object(ObjectType::kMedia, m->id, m->encode());
        for (const auto* f : {&m->original, &m->preview})
          b.add_assoc({blob_node(f->blob), AssocType::kBlobUsers, m->id, m->id, {}});
        auto applied = deps_.store.apply(b);
        if (applied.has_value()) {
          ready = std::move(*m);
        } else {
          failure = applied.error();
        }
      }
      // Written files nothing refers to are dropped, unless others use them.
      if (!failure.is_ok()) {
        Status dropped = remove_unused_locked({written->first.blob, written->second.blob});
        (void)dropped;  // at worst an unused file stays on disk
      }
    }
  }

  std::scoped_lock lock(job.mutex);
  if (!failure.is_ok()) {
    auto record = lock_media(job.media_id);  // not had: the sweep removes the record later
    auto m = record.has_value() ? load(job.media_id) : Result<Media>(record.error());
    if (m.has_value()) {
      store::Batch b;
      if (job.handed_off) {
        // The uploader was told "processing": keep the failure for them to read; the sweep
        // removes the record later.
        m->state = MediaState::kFailed;
        m->error = failure.code() == StatusCode::kInvalidArgument ? failure.message()
                                                                   : "Could not process image";
        b.put_object(ObjectType::kMedia, m->id, m->encode());
      } else {
        b.delete_object(ObjectType::kMedia, m->id);
        b.remove_assoc(store::kInstanceNode, AssocType::kUnattachedMedia, m->id);
      }
      auto applied = deps_.store.apply(b);
      if (!applied.has_value())
        std::cerr << "kindred media: " << applied.error().to_string() << '\n';
    }
  }
  job.failure = failure;
  job.ready = std::move(ready);
  job.done = true;
  job.cv.notify_all();
}

Result<std::pair<MediaFile, MediaFile>> MediaService::write_files(const media::ProcessedImage& img) {
  std::pair<MediaFile, MediaFile> out;
  for (auto [src, dst] : {std::pair{&img.original, &out.first}, std::pair{&img.preview, &out.second}}) {
    KINDRED_ASSIGN_OR_RETURN(dst->blob, blobs_.put(src->bytes, extension_for(src->mime_type)));
    dst->mime_type = src->mime_type;
    dst->width = src->width;
    dst->height = src->height;
    dst->bytes = static_cast<int64_t>(src->bytes.size());
  }
  return out;
}

Result<Media> MediaService::get_unattached(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Media m, load(id));
  if (m.account_id != viewer.account_id || !m.status_id.is_none())
    return Status::not_found("Record not found");
  return m;
}

Result<Media> MediaService::update(const Viewer& viewer, Id id, const MediaEdit& edit) {
  KINDRED_RETURN_IF_ERROR(check_description(edit.description, config_.max_description_chars));
  std::optional<std::pair<double, double>> focus;
  if (edit.focus) {
    KINDRED_ASSIGN_OR_RETURN(focus, parse_focus(*edit.focus));
  }
  KINDRED_ASSIGN_OR_RETURN(NodeLock record, lock_media(id));
  KINDRED_ASSIGN_OR_RETURN(Media m, get_unattached(viewer, id));
  if (edit.description) m.description = *edit.description;
  if (focus) std::tie(m.focus_x, m.focus_y) = *focus;
  store::Batch b;
  b.put_object(ObjectType::kMedia, m.id, m.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return m;
}

Status MediaService::remove_unattached(const Viewer& viewer, Id id) {
  std::vector<std::string> files;
  {
    KINDRED_ASSIGN_OR_RETURN(NodeLock record, lock_media(id));
    KINDRED_ASSIGN_OR_RETURN(Media m, get_unattached(viewer, id));
    store::Batch b;
    b.delete_object(ObjectType::kMedia, m.id);
    b.remove_assoc(store::kInstanceNode, AssocType::kUnattachedMedia, m.id);
    if (m.state == MediaState::kReady) {
      for (const auto* f : {&m.original, &m.preview}) {
        b.remove_assoc(blob_node(f->blob), AssocType::kBlobUsers, m.id);
        files.push_back(f->blob);
      }
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  return collect_files(files);
}

void MediaService::Attachment::add_to(store::Batch& batch, Id post_id) {
  for (auto& m : media_) {
    m.status_id = post_id;
    batch.put_object(ObjectType::kMedia, m.id, m.encode());
    batch.remove_assoc(store::kInstanceNode, AssocType::kUnattachedMedia, m.id);
  }
}

Result<MediaService::Attachment> MediaService::prepare_attachment(Id account_id,
                                                                 const std::vector<Id>& ids,
                                                                 Id post_id) {
  if (ids.size() > config_.max_per_post)
    return Status::invalid_argument("Validation failed: You can attach at most " +
                                    std::to_string(config_.max_per_post) + " photos to a post");
  std::set<size_t> stripes;
  for (Id id : ids) {
    if (std::count(ids.begin(), ids.end(), id) > 1)
      return Status::invalid_argument("Validation failed: The same photo is attached twice");
    stripes.insert(static_cast<size_t>(&media_lock(id) - media_locks_.data()));
  }
  Attachment a;
  // In stripe order, so two posts attaching overlapping sets cannot deadlock.
  for (size_t s : stripes) a.locks_.emplace_back(media_locks_[s]);
  // Several nodes: each record's lock on every node too, in id order (so no two nodes deadlock).
  std::vector<Id> sorted = ids;
  std::sort(sorted.begin(), sorted.end(), [](Id x, Id y) { return x.value < y.value; });
  for (Id id : sorted) {
    KINDRED_ASSIGN_OR_RETURN(NodeLock l, NodeLock::acquire(nullptr, deps_.shared, media_lock_name(id)));
    a.node_locks_.push_back(std::move(l));
  }
  for (Id id : ids) {
    auto m = load(id);
    if (!m.has_value()) {
      if (m.error().is_not_found())
        return Status::invalid_argument("Validation failed: Media could not be found");
      return m.error();
    }
    if (m->account_id != account_id ||
        !(m->status_id.is_none() || (!post_id.is_none() && m->status_id == post_id)))
      return Status::invalid_argument("Validation failed: Media could not be found");
    if (m->state == MediaState::kProcessing)
      return Status::invalid_argument("Cannot attach files that have not finished processing. Try again in a moment!");
    if (m->state == MediaState::kFailed)
      return Status::invalid_argument("Validation failed: Media could not be processed");
    a.media_.push_back(std::move(*m));
  }
  return a;
}

Result<bool> MediaService::edit_attached(Attachment& a,
                                         const std::vector<std::pair<Id, MediaEdit>>& edits) const {
  std::vector<Media> next = a.media_;
  bool changed = false;
  for (const auto& [id, edit] : edits) {
    KINDRED_RETURN_IF_ERROR(check_description(edit.description, config_.max_description_chars));
    std::optional<std::pair<double, double>> focus;
    if (edit.focus) {
      KINDRED_ASSIGN_OR_RETURN(focus, parse_focus(*edit.focus));
    }
    for (auto& m : next) {
      if (m.id != id) continue;
      const Media before = m;
      if (edit.description) m.description = *edit.description;
      if (focus) std::tie(m.focus_x, m.focus_y) = *focus;
      changed = changed || !(m == before);
    }
  }
  a.media_ = std::move(next);
  return changed;
}

void MediaService::note_attached(const Attachment& a) {
  for (const auto& m : a.media_) attached_cache_.put(m.id, std::make_shared<const Media>(m));
}

Status MediaService::add_release(store::Batch& batch, Id holder, const std::vector<Id>& ids) {
  KINDRED_ASSIGN_OR_RETURN(auto media, load_many(ids));
  for (auto& m : media) {
    if (m.status_id != holder) continue;
    m.status_id = Id();
    batch.put_object(ObjectType::kMedia, m.id, m.encode());
    batch.add_assoc({store::kInstanceNode, AssocType::kUnattachedMedia, m.id, m.id, {}});
  }
  return Status::ok();
}

void MediaService::forget_attached(const std::vector<Id>& ids) {
  for (Id id : ids) attached_cache_.erase(id);
}

Result<std::vector<Media>> MediaService::load_many(const std::vector<Id>& ids) const {
  // Attached media never change; unattached ones may (alt text), so only the former are cached.
  return load_records(attached_cache_, deps_.store, ObjectType::kMedia, ids,
                      [](const Media& m) { return !m.status_id.is_none(); });
}

std::vector<std::string> MediaService::add_post_media_removal(store::Batch& batch, const Post& post) {
  std::vector<std::string> files;
  auto media = load_many(post.media_ids);
  if (!media.has_value()) return files;
  for (const auto& m : *media) {
    if (m.status_id != post.id) continue;
    batch.delete_object(ObjectType::kMedia, m.id);
    for (const auto* f : {&m.original, &m.preview}) {
      batch.remove_assoc(blob_node(f->blob), AssocType::kBlobUsers, m.id);
      files.push_back(f->blob);
    }
    attached_cache_.tombstone(m.id);
  }
  return files;
}

Status MediaService::collect_files(const std::vector<std::string>& blobs) {
  KINDRED_ASSIGN_OR_RETURN(NodeLock files, lock_files());
  return remove_unused_locked(blobs);
}

Status MediaService::remove_unused_locked(const std::vector<std::string>& blobs) {
  // A file is removed when nothing uses it: the users as stored now, not as a cache remembers.
  const store::FreshReads fresh;
  Status first;
  for (const auto& blob : blobs) {
    if (blob.empty()) continue;
    auto users = deps_.store.assoc_count(blob_node(blob), AssocType::kBlobUsers);
    if (!users.has_value()) {
      if (first.is_ok()) first = users.error();
      continue;
    }
    if (*users > 0) continue;
    Status removed = blobs_.remove(blob);
    if (!removed.is_ok() && first.is_ok()) first = removed;
  }
  return first;
}

Result<std::string> MediaService::store_profile_image(Id account_id, const media::EncodedImage& img) {
  KINDRED_ASSIGN_OR_RETURN(NodeLock files, lock_files());
  KINDRED_ASSIGN_OR_RETURN(std::string name, blobs_.put(img.bytes, extension_for(img.mime_type)));
  store::Batch b;
  b.add_assoc({blob_node(name), AssocType::kBlobUsers, account_id, deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return name;
}

Result<std::string> MediaService::store_avatar(Id account_id, std::string bytes) {
  KINDRED_RETURN_IF_ERROR(check_upload(bytes));
  return on_pool<std::string>([&]() -> Result<std::string> {
    KINDRED_ASSIGN_OR_RETURN(auto img,
                             media::process_avatar(bytes, config_.limits, config_.avatar_side));
    return store_profile_image(account_id, img);
  });
}

Result<std::string> MediaService::store_header(Id account_id, std::string bytes) {
  KINDRED_RETURN_IF_ERROR(check_upload(bytes));
  return on_pool<std::string>([&]() -> Result<std::string> {
    KINDRED_ASSIGN_OR_RETURN(auto img, media::process_header(bytes, config_.limits,
                                                             config_.header_width,
                                                             config_.header_height));
    return store_profile_image(account_id, img);
  });
}

void MediaService::add_reference_removal(store::Batch& batch, Id account_id, const std::string& blob) {
  if (!blob.empty()) batch.remove_assoc(blob_node(blob), AssocType::kBlobUsers, account_id);
}

Status MediaService::drop_reference(Id account_id, const std::string& blob) {
  if (blob.empty()) return Status::ok();
  store::Batch b;
  add_reference_removal(b, account_id, blob);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return collect_files({blob});
}

Result<size_t> MediaService::sweep_unattached() {
  const int64_t cutoff_ms = deps_.clock.now_ms() - config_.unattached_ttl.count();
  if (cutoff_ms <= 0) return size_t{0};
  store::RangeQuery q;
  q.max_position = Id::at_ms(cutoff_ms);
  q.limit = 200;
  size_t removed = 0;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode,
                                                                AssocType::kUnattachedMedia, q));
    for (const auto& a : page.items) {
      auto m = load(a.to);
      Viewer owner{m.has_value() ? m->account_id : Id()};
      Status s = m.has_value() ? remove_unattached(owner, a.to) : Status::not_found("");
      if (s.is_ok()) {
        ++removed;
      } else if (s.is_not_found()) {
        // A stale index entry (the record is gone or attached): drop the entry only.
        store::Batch b;
        if (!m.has_value() || !m->status_id.is_none()) {
          b.remove_assoc(store::kInstanceNode, AssocType::kUnattachedMedia, a.to);
          KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
        }
      } else {
        return s;
      }
    }
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  return removed;
}

Result<std::vector<Id>> MediaService::file_users(std::string_view blob, size_t limit) const {
  store::RangeQuery q;
  q.oldest_first = true;
  q.limit = limit;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(blob_node(blob), AssocType::kBlobUsers, q));
  std::vector<Id> users;
  users.reserve(page.items.size());
  for (const auto& edge : page.items) users.push_back(edge.to);
  return users;
}

Result<std::string> MediaService::read_file(std::string_view blob) const {
  if (!media::BlobStore::valid_name(blob)) return Status::not_found("Record not found");
  return blobs_.read(blob);
}

}  // namespace kindred::social
