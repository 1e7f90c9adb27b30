#pragma once

#include <filesystem>
#include <string>

namespace kindred::testing {

// A fresh, empty directory under the system temp directory, removed with everything in it when
// the TempDir is destroyed. If it cannot be created, records a gtest failure and path() is empty.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory; valid for the TempDir's lifetime.
  const std::filesystem::path& path() const { return path_; }
  // `path() / name` as a string, for APIs that take one.
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace kindred::testing
