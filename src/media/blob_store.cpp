#include "media/blob_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace kindred::media {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHexChars = 2 * crypto_hash_sha256_BYTES;  // 64
// Temp files start with a dot, so valid_name() can never accept one.
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr int kTempAttempts = 16;

Status io_error(std::string_view what, const std::string& path, int err) {
  return Status::internal(std::string(what) + " " + path + ": " +
                          std::error_code(err, std::generic_category()).message());
}

// Owns a file descriptor; closes it (ignoring errors) unless close() was called.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and reports the error, which for a written file may be a deferred write error.
  int close() { return ::close(std::exchange(fd_, -1)) == 0 ? 0 : errno; }

 private:
  int fd_;
};

// 0 or errno.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

// Makes a new entry in `dir` (a created file, a rename, a new subdirectory) survive a crash.
Status fsync_dir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return io_error("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return io_error("fsync directory", dir, errno);
  return Status::ok();
}

// Creates `dir` if missing (its parent must exist) and makes the new entry durable.
Status make_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return fsync_dir(dir.parent_path().string());
  if (errno == EEXIST) return Status::ok();
  return io_error("mkdir", dir.string(), errno);
}

std::string random_hex(size_t bytes) {
  unsigned char buf[16];
  randombytes_buf(buf, bytes);
  char hex[2 * sizeof buf + 1];
  sodium_bin2hex(hex, sizeof hex, buf, bytes);
  return std::string(hex, 2 * bytes);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

struct BlobStore::Target {
  std::string name;  // <hex>.<ext>
  fs::path dir;      // <root>/<hh>/<hh>
  std::string path;  // dir / name
};

BlobStore::BlobStore(std::string root) : root_(std::move(root)) {
  // Idempotent and thread-safe; randombytes_buf (temp names) wants it. A failure (-1) is not
  // fatal: libsodium's random source initialises itself lazily.
  [[maybe_unused]] const int sodium = sodium_init();
}

bool BlobStore::valid_name(std::string_view name) {
  if (name.size() != kHexChars + 4 || name[kHexChars] != '.') return false;
  for (char c : name.substr(0, kHexChars)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  const std::string_view ext = name.substr(kHexChars + 1);
  return ext == "jpg" || ext == "png";
}

std::string BlobStore::path_of(std::string_view name) const {
  if (!valid_name(name)) return "";
  return (fs::path(root_) / name.substr(0, 2) / name.substr(2, 2) / name).string();
}

bool BlobStore::exists(std::string_view name) const {
  return valid_name(name) && is_regular_file(path_of(name));
}

Result<BlobStore::Target> BlobStore::target_for(std::string_view bytes,
                                                std::string_view extension) const {
  if (extension != "jpg" && extension != "png") {
    return Status::invalid_argument("blob extension must be jpg or png");
  }
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[kHexChars + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);  // lowercase
  Target target;
  target.name = std::string(hex, kHexChars) + "." + std::string(extension);
  target.path = path_of(target.name);
  target.dir = fs::path(target.path).parent_path();
  return target;
}

// Writes and fsyncs a fresh temp file beside the target; creates the fan-out directories first.
Result<std::string> BlobStore::write_temp(const Target& target, std::string_view bytes) {
  std::error_code ec;
  const fs::path root(root_);
  if (!fs::exists(root, ec) && root.has_parent_path()) {
    fs::create_directories(root.parent_path(), ec);
    if (ec) return io_error("create", root.parent_path().string(), ec.value());
  }
  KINDRED_RETURN_IF_ERROR(make_dir(root));
  KINDRED_RETURN_IF_ERROR(make_dir(target.dir.parent_path()));
  KINDRED_RETURN_IF_ERROR(make_dir(target.dir));

  for (int attempt = 0; attempt < kTempAttempts; ++attempt) {
    // O_EXCL and a random suffix: two writers (threads or processes) never share a temp file.
    std::string tmp =
        (target.dir / (std::string(kTempPrefix) + target.name + "-" + random_hex(8))).string();
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd.valid()) {
      if (errno == EEXIST) continue;
      return io_error("create", tmp, errno);
    }
    int err = write_all(fd.get(), bytes);
    if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
    if (err == 0) err = fd.close();
    if (err != 0) {
      ::unlink(tmp.c_str());
      return io_error("write", tmp, err);
    }
    return tmp;
  }
  return Status::internal("no free temp file name in " + target.dir.string());
}

Result<std::string> BlobStore::put(std::string_view bytes, std::string_view extension) {
  KINDRED_ASSIGN_OR_RETURN(Target target, target_for(bytes, extension));
  // Content-addressed: a complete file of this name (renames are atomic) holds these bytes. Its
  // directory is synced anyway, in case a concurrent put renamed it in and has not yet.
  if (is_regular_file(target.path)) {
    KINDRED_RETURN_IF_ERROR(fsync_dir(target.dir.string()));
    return target.name;
  }
  KINDRED_ASSIGN_OR_RETURN(std::string tmp, write_temp(target, bytes));
  // A concurrent put of the same bytes may rename first; renaming over it replaces identical
  // content atomically, and readers see one whole file or the other.
  if (::rename(tmp.c_str(), target.path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error("rename to", target.path, err);
  }
  KINDRED_RETURN_IF_ERROR(fsync_dir(target.dir.string()));
  return target.name;
}

Result<std::string> BlobStore::write_temp_only_for_test(std::string_view bytes,
                                                        std::string_view extension) {
  KINDRED_ASSIGN_OR_RETURN(Target target, target_for(bytes, extension));
  return write_temp(target, bytes);
}

Result<std::string> BlobStore::read(std::string_view name) const {
  if (!valid_name(name)) return Status::invalid_argument("invalid blob name");
  const std::string path = path_of(name);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::not_found("no such blob");
    return io_error("open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status BlobStore::remove(std::string_view name) {
  if (!valid_name(name)) return Status::invalid_argument("invalid blob name");
  const std::string path = path_of(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return io_error("unlink", path, errno);
  }
  return Status::ok();
}

Status BlobStore::remove_temp_files() {
  std::error_code ec;
  const fs::path root(root_);
  if (!fs::exists(root, ec)) return Status::ok();
  // Temp files only ever live in the leaf fan-out directories, <root>/<hh>/<hh>/.
  auto subdirs = [](const fs::path& dir, std::vector<fs::path>* out) -> Status {
    std::error_code iter_ec;
    for (fs::directory_iterator it(dir, iter_ec), end; !iter_ec && it != end;
         it.increment(iter_ec)) {
      std::error_code type_ec;
      if (it->is_directory(type_ec)) out->push_back(it->path());
    }
    if (iter_ec) return io_error("list", dir.string(), iter_ec.value());
    return Status::ok();
  };
  std::vector<fs::path> level1;
  KINDRED_RETURN_IF_ERROR(subdirs(root, &level1));
  std::vector<fs::path> leaves;
  for (const fs::path& dir : level1) KINDRED_RETURN_IF_ERROR(subdirs(dir, &leaves));
  for (const fs::path& dir : leaves) {
    std::error_code iter_ec;
    for (fs::directory_iterator it(dir, iter_ec), end; !iter_ec && it != end;
         it.increment(iter_ec)) {
      const std::string file = it->path().filename().string();
      if (!file.starts_with(kTempPrefix)) continue;
      if (::unlink(it->path().c_str()) != 0 && errno != ENOENT) {
        return io_error("unlink", it->path().string(), errno);
      }
    }
    if (iter_ec) return io_error("list", dir.string(), iter_ec.value());
  }
  return Status::ok();
}

}  // namespace kindred::media
