#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace kindred::media {

// Content-addressed image files under one root directory (the server passes <data-dir>/media).
//
// A blob's name is "<sha256 of its bytes, 64 lowercase hex>.<ext>", ext "jpg" or "png", and it
// lives at <root>/<hex 0-1>/<hex 2-3>/<name>, so no directory grows past 256 entries before the
// third level. Names are checked by valid_name() on every call, so no name can reach outside the
// root. A file at a blob's path is always complete: it is written to a temp file in the same
// directory and renamed into place; a crash leaves at most a temp file, never a partial blob, and
// remove_temp_files() clears those.
//
// Thread-safe: the store holds nothing mutable, and concurrent puts (even of the same bytes, even
// from several processes) each write their own temp file and rename it atomically over identical
// content. The one exception is remove_temp_files(), for startup only.
class BlobStore {
 public:
  // Creates nothing yet: put() makes the directories it needs.
  explicit BlobStore(std::string root);

  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  // True for exactly 64 lowercase hex digits, '.', then "jpg" or "png".
  static bool valid_name(std::string_view name);

  // Stores `bytes` durably and returns the blob name. If a blob of that name exists already, its
  // file is left as it is (same name, same content) and nothing is written. The file and its
  // directory entries are fsynced before this returns. InvalidArgument if `extension` is not "jpg"
  // or "png"; Internal (message for logs: path and errno text) on any I/O failure, in which case
  // no blob of that name was created by this call.
  Result<std::string> put(std::string_view bytes, std::string_view extension);

  // The blob's bytes. InvalidArgument for an invalid name; NotFound if there is no such blob;
  // Internal on an I/O failure.
  Result<std::string> read(std::string_view name) const;

  // Deletes the blob; a missing blob is not an error (OK). InvalidArgument for an invalid name;
  // Internal on an I/O failure. The deletion is not fsynced: after a crash the blob may be back,
  // which costs disk space, never correctness.
  Status remove(std::string_view name);

  // Whether the blob exists; false for an invalid name.
  bool exists(std::string_view name) const;

  // <root>/<hh>/<hh>/<name>, for serving the file directly; "" for an invalid name. The file may
  // not exist.
  std::string path_of(std::string_view name) const;

  // Deletes temp files left in the fan-out directories by puts that never finished (a crash).
  // A missing root is OK. Internal if a directory cannot be listed or a file removed.
  // REQUIRES: no put() is running on this root (from any process): call it at startup, before
  // serving. A running put's temp file would be removed and that put would fail.
  Status remove_temp_files();

  // Test hook: does the first half of put() (the temp file, written and fsynced) and stops, as if
  // the process died before the rename. Returns the temp file's path.
  Result<std::string> write_temp_only_for_test(std::string_view bytes, std::string_view extension);

 private:
  struct Target;
  Result<Target> target_for(std::string_view bytes, std::string_view extension) const;
  Result<std::string> write_temp(const Target& target, std::string_view bytes);

  const std::string root_;  // constant after construction
};

}  // namespace kindred::media
