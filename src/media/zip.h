#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// Zip files, for the data archive people download (Mastodon's archive is a zip). Written with
// Debian's libzip (libzip-dev) rather than by hand: the format has enough corners (ZIP64 past
// 4 GiB or 65,535 entries, UTF-8 names, CRCs, data descriptors) that a maintained library is the
// safer choice, and libzip reads each member from its file only while the archive is written, so
// an archive of many photos costs little memory. The only code that includes <zip.h>.
namespace kindred::media {

// Builds one zip file. Members are named files on disk, read when close() writes the archive, so
// they must stay in place until then. Not thread-safe; one writer per archive.
class ZipWriter {
 public:
  // Starts `path` (replaced if it exists; nothing is there until close()).
  // Errors: Internal with libzip's reason.
  static Result<std::unique_ptr<ZipWriter>> create(const std::string& path);
  ~ZipWriter();  // without close(): nothing is written
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Adds the file at `source_path` as the member `name` ("media_attachments/files/a.jpg"),
  // deflated when `compress` (stored as is otherwise: photos do not shrink).
  // Errors: InvalidArgument for a name used already; Internal for libzip's other refusals.
  Status add_file(std::string_view name, const std::string& source_path, bool compress);
  // Writes the archive. Errors: Internal with libzip's reason (no file is left then).
  Status close();

 private:
  struct Rep;
  explicit ZipWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// The names of the members of the zip file at `path`, in order. Errors: NotFound when there is
// no such file; InvalidArgument when it is not a zip file.
Result<std::vector<std::string>> zip_member_names(const std::string& path);
// The bytes of member `name`. Errors: NotFound for no such file or member; InvalidArgument when
// it is not a zip file or the member is larger than `max_bytes`; Internal for read failures.
Result<std::string> read_zip_member(const std::string& path, std::string_view name,
                                    size_t max_bytes);

}  // namespace kindred::media
