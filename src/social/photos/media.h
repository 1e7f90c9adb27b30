#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/shared_state.h"
#include "media/blob_store.h"
#include "media/image.h"
#include "social/model/context.h"
#include "social/model/models.h"
#include "social/model/record_cache.h"
#include "social/model/views.h"

namespace kindred::social {

struct MediaConfig {
  media::ImageLimits limits;
  // Threads decoding and encoding uploads, run at a lower CPU priority than the network threads
  // so uploads never starve reads and likes.
  int processing_threads = 1;
  media::CpuPriority processing_priority;  // nice 19 and SCHED_IDLE: uploads slow down, never stop
  std::chrono::milliseconds unattached_ttl{24 * 60 * 60 * 1000};
  size_t max_description_chars = 1500;
  size_t max_per_post = 4;
  int avatar_side = 400;
  int header_width = 1500;
  int header_height = 500;
};

struct NewUpload {
  std::string bytes;  // the file as uploaded (the service keeps it until processing ends)
  std::optional<std::string> description;
  std::optional<std::string> focus;  // "x,y", each in -1.0..1.0
};

struct MediaEdit {
  std::optional<std::string> description;
  std::optional<std::string> focus;
};

// Photos: uploads processed off the request threads (libvips via media/), their files kept
// content-addressed in a BlobStore with reference counts in the store, attachment to posts,
// profile pictures, and the sweep of uploads never posted.
//
// Concurrency: one record is changed by one thread at a time (striped locks by media id), and a
// file is only deleted while no writer can be adding a user of it (one lock for file changes).
// Several nodes (Deps::shared): each lock is also taken in the shared state, so that it holds
// across nodes (NodeLock; while Redis is down, each node's own locks only).
class MediaService {
 public:
  MediaService(Deps deps, media::BlobStore& blobs, MediaConfig config);
  ~MediaService();  // finishes queued jobs, then joins the processing threads
  MediaService(const MediaService&) = delete;
  MediaService& operator=(const MediaService&) = delete;

  const MediaConfig& config() const { return config_; }

  // Checks the upload at once (type and dimensions from the header; a clear InvalidArgument for
  // an empty file, a non-image, an image bomb; kTooLarge for over the size limit), records it
  // as processing, and processes it on the processing threads. Waits up to `wait` for the
  // result: a ready Media, or the processing one if it takes longer (it turns ready, or failed,
  // by itself). A corrupt image found within the wait is InvalidArgument and leaves nothing
  // behind. Errors also: InvalidArgument for a bad description or focus.
  Result<Media> upload(const Account& owner, NewUpload in, std::chrono::milliseconds wait);

  // The viewer's own upload that is not attached to a post yet. Errors: NotFound otherwise.
  Result<Media> get_unattached(const Viewer& viewer, Id id) const;
  // Edits alt text and focus of the viewer's own unattached upload (also while processing).
  // Errors: NotFound; InvalidArgument for a bad description or focus.
  Result<Media> update(const Viewer& viewer, Id id, const MediaEdit& edit);
  // Deletes the viewer's own unattached upload and its files if nothing else uses them.
  // Errors: NotFound.
  Status remove_unattached(const Viewer& viewer, Id id);

  // Attaching to a post: holds the records' locks from validate to commit.
  class Attachment {
   public:
    Attachment() = default;
    Attachment(Attachment&&) = default;
    Attachment& operator=(Attachment&&) = default;
    // Adds the changes that attach every upload to `post_id` to `batch`.
    void add_to(store::Batch& batch, Id post_id);
    const std::vector<Media>& media() const { return media_; }

   private:
    friend class MediaService;
    std::vector<std::unique_lock<std::mutex>> locks_;
    std::vector<NodeLock> node_locks_;  // several nodes: the records' locks on every node
    std::vector<Media> media_;
  };
  // Validates `ids` for a new post by `account_id`: at most max_per_post, no repeats, each the
  // account's own, unattached and ready. With `post_id` (an edit of that post), photos already
  // attached to it qualify too. Errors: InvalidArgument with Mastodon's messages.
  Result<Attachment> prepare_attachment(Id account_id, const std::vector<Id>& ids,
                                        Id post_id = Id());
  // Applies alt text and focus edits to the photos of `a` they name (others are ignored, as
  // Mastodon does) and says whether any changed. Nothing is stored until add_to's batch is.
  // Errors: InvalidArgument for a bad description or focus (then `a` is unchanged).
  Result<bool> edit_attached(Attachment& a, const std::vector<std::pair<Id, MediaEdit>>& edits) const;
  // Once add_to's batch is applied: the attached-photo cache takes the records as written.
  void note_attached(const Attachment& a);
  // Adds to `batch` the release of the photos among `ids` that `holder` (a scheduled post that
  // will not be published) holds: they are the uploader's unattached uploads again. Call
  // forget_attached(ids) once the batch is applied.
  Status add_release(store::Batch& batch, Id holder, const std::vector<Id>& ids);
  void forget_attached(const std::vector<Id>& ids);

  // Attached media among `ids`, in order; missing ones are skipped. Cached (attached media never
  // change).
  Result<std::vector<Media>> load_many(const std::vector<Id>& ids) const;

  // Adds to `batch` the deletion of a post's media records and their file references; call
  // collect_files with the returned blob names once the batch is applied.
  std::vector<std::string> add_post_media_removal(store::Batch& batch, const Post& post);
  // Deletes the files among `blobs` that nothing uses any more.
  Status collect_files(const std::vector<std::string>& blobs);

  // Processes a profile picture on the processing threads (square avatar, 3:1 header), stores
  // it, and returns its blob name, with a reference from `account_id` already counted.
  // Errors: as upload's checks.
  Result<std::string> store_avatar(Id account_id, std::string bytes);
  Result<std::string> store_header(Id account_id, std::string bytes);
  // Adds to `batch` the drop of `account_id`'s reference to `blob` (a replaced profile picture);
  // call collect_files once it is applied.
  void add_reference_removal(store::Batch& batch, Id account_id, const std::string& blob);
  // Drops `account_id`'s reference to `blob` now, deleting the file if unused. "" does nothing.
  Status drop_reference(Id account_id, const std::string& blob);

  // Deletes uploads left unattached for longer than the configured time, with their files.
  // Returns how many were deleted. Runs by itself every few minutes as well.
  Result<size_t> sweep_unattached();

  // The file named `blob`, for serving. Errors: NotFound.
  Result<std::string> read_file(std::string_view blob) const;
  // Up to `limit` of what uses the file `blob`: media ids (a post's photos, uploads) and account
  // ids (avatars, headers), oldest first.
  Result<std::vector<Id>> file_users(std::string_view blob, size_t limit) const;

  // Holds processing jobs in the queue until called with false (tests of the 202/206 path).
  void pause_processing_for_test(bool paused);

  // The store node whose kBlobUsers edges count a file's users.
  static Id blob_node(std::string_view blob);

 private:
  struct Job;
  void worker_loop();
  void sweeper_loop();
  void run_job(Job& job);
  // Runs `fn` on a processing thread and waits for it.
  template <class T>
  Result<T> on_pool(std::function<Result<T>()> fn);
  void submit(std::function<void()> fn);
  // Writes the image files and returns them; adds the references to `batch`.
  Result<std::pair<MediaFile, MediaFile>> write_files(const media::ProcessedImage& img);
  Result<std::string> store_profile_image(Id account_id, const media::EncodedImage& img);
  // collect_files with files_mutex_ held.
  Status remove_unused_locked(const std::vector<std::string>& blobs);
  std::mutex& media_lock(Id id) const;
  static std::string media_lock_name(Id id);
  // The record's lock, and the files' lock, on this node and (several nodes) on all of them.
  // Errors: Unavailable when another node held it too long.
  Result<NodeLock> lock_media(Id id) const;
  Result<NodeLock> lock_files();
  Result<Media> load(Id id) const;
  Status check_upload(const std::string& bytes) const;

  Deps deps_;
  media::BlobStore& blobs_;
  MediaConfig config_;
  mutable std::array<std::mutex, 64> media_locks_;
  // Held while files are written with their references added, and while unused files are
  // counted and deleted. Taken before any media_lock.
  std::mutex files_mutex_;
  mutable RecordCache<Id, Media> attached_cache_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;    // workers wait on it
  std::condition_variable sweeper_cv_;  // the sweeper waits on it (a notify_one must reach a worker)
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  bool paused_ = false;
  std::atomic<bool> paused_for_test_{false};  // paused_, readable without the queue's lock
  std::vector<std::thread> workers_;
  std::thread sweeper_;
};

// Parses a focus point "x,y" with each in -1.0..1.0. Errors: InvalidArgument.
Result<std::pair<double, double>> parse_focus(std::string_view focus);

}  // namespace kindred::social
