#include "media/image.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vips/vips8>

#include "media/blurhash.h"
#include "media/vips_internal.h"

namespace kindred::media {
namespace {

using internal::catch_vips;
using internal::ensure_init;
using vips::VImage;

constexpr int kBlurhashX = 4;
constexpr int kBlurhashY = 3;

std::once_flag g_init_once;
Status g_init_status;

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

// The type from the magic bytes alone, or false.
bool sniff(std::string_view bytes, ImageType* type) {
  using namespace std::string_view_literals;
  if (starts_with(bytes, "\xFF\xD8\xFF"sv)) {
    *type = ImageType::kJpeg;
  } else if (starts_with(bytes, "\x89PNG\r\n\x1A\n"sv)) {
    *type = ImageType::kPng;
  } else if (starts_with(bytes, "GIF87a"sv) || starts_with(bytes, "GIF89a"sv)) {
    *type = ImageType::kGif;
  } else if (bytes.size() >= 12 && starts_with(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) {
    *type = ImageType::kWebp;
  } else {
    return false;
  }
  return true;
}

std::string_view mime_of(ImageType type) {
  switch (type) {
    case ImageType::kJpeg:
      return "image/jpeg";
    case ImageType::kPng:
      return "image/png";
    case ImageType::kWebp:
      return "image/webp";
    case ImageType::kGif:
      return "image/gif";
  }
  return "application/octet-stream";
}

Status check_dimensions(int width, int height, const ImageLimits& limits) {
  if (width <= 0 || height <= 0 || width > limits.max_pixels_side ||
      height > limits.max_pixels_side ||
      static_cast<int64_t>(width) * static_cast<int64_t>(height) > limits.max_pixels) {
    return Status::invalid_argument("Image is too large (" + std::to_string(width) + " x " +
                                    std::to_string(height) + ")");
  }
  return Status::ok();
}

std::string blurhash_of(const VImage& image) {
  VImage rgb = image.bands() > 3 ? image.extract_band(0, VImage::option()->set("n", 3)) : image;
  size_t size = 0;
  void* mem = rgb.write_to_memory(&size);
  const auto need = static_cast<size_t>(rgb.width()) * static_cast<size_t>(rgb.height()) * 3;
  std::string hash;
  if (size >= need) {
    hash = blurhash_encode(static_cast<const uint8_t*>(mem), rgb.width(), rgb.height(),
                           rgb.width() * 3, kBlurhashX, kBlurhashY);
  }
  g_free(mem);
  return hash;
}

}  // namespace

Status init_media(const char* argv0) {
  std::call_once(g_init_once, [argv0] {
    if (VIPS_INIT(argv0 != nullptr ? argv0 : "kindred") != 0) {
      std::string msg = vips_error_buffer();
      vips_error_clear();
      g_init_status = Status::internal("libvips init failed: " + msg);
      return;
    }
    // Only the loaders we sniff for should ever run, and the operation cache keys on buffer
    // addresses that callers reuse: turn both off.
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);
    // One worker thread per pipeline: a call to process() uses about one core, and callers set
    // the parallelism by how many threads they call it from (see image.h).
    vips_concurrency_set(1);
  });
  return g_init_status;
}

Result<ImageInfo> probe(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return Status::invalid_argument("File is empty");
  if (bytes.size() > limits.max_bytes) return Status::invalid_argument("File is too large");
  ImageInfo info;
  if (!sniff(bytes, &info.type)) return Status::invalid_argument("File type not supported");
  info.mime_type = std::string(mime_of(info.type));
  KINDRED_RETURN_IF_ERROR(ensure_init());
  KINDRED_RETURN_IF_ERROR(catch_vips(Status::invalid_argument("Could not read image"), [&] {
    VImage image = internal::open_image(bytes, info.type, VIPS_ACCESS_SEQUENTIAL);
    info.width = image.width();
    info.height = image.height();
    return Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(check_dimensions(info.width, info.height, limits));
  return info;
}

Result<ProcessedImage> process(std::string_view bytes, const ImageLimits& limits) {
  KINDRED_ASSIGN_OR_RETURN(ImageInfo info, probe(bytes, limits));
  return catch_vips(
      Status::invalid_argument("Could not process image"), [&]() -> Result<ProcessedImage> {
        VImage image = internal::decode_upright_srgb(bytes, info.type);
        const bool alpha = image.has_alpha();
        ProcessedImage out;
        out.original = internal::encode(internal::fit_within(image, limits.original_side), alpha);
        VImage preview = internal::fit_within(image, limits.preview_side).copy_memory();
        out.preview = internal::encode(preview, alpha);
        out.blurhash = blurhash_of(preview);
        if (out.blurhash.empty()) return Status::internal("blurhash failed");
        return out;
      });
}

namespace {

// Lowers one thread (by kernel thread id) to `priority`; never raises it.
bool lower_thread(pid_t tid, const CpuPriority& priority) {
  bool ok = true;
  if (priority.idle && sched_getscheduler(tid) != SCHED_IDLE) {
    sched_param param{};
    param.sched_priority = 0;
    ok = sched_setscheduler(tid, SCHED_IDLE, &param) == 0;
  }
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (errno == 0 && current < priority.nice)
    ok = setpriority(PRIO_PROCESS, static_cast<id_t>(tid), priority.nice) == 0 && ok;
  return ok;
}

}  // namespace

bool lower_this_thread_priority(const CpuPriority& priority) {
  return lower_thread(static_cast<pid_t>(syscall(SYS_gettid)), priority);
}

void lower_libvips_worker_priority(const CpuPriority& priority) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name != "libvips worker") continue;
    const auto tid = static_cast<pid_t>(std::strtol(entry.path().filename().c_str(), nullptr, 10));
    if (tid > 0) lower_thread(tid, priority);
  }
}

}  // namespace kindred::media
