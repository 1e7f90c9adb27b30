#pragma once

// Internal to src/store/rocksdb: RocksDB's info log ("LOG" in the store directory), written by us.

#include <rocksdb/env.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace kindred::store::rocksdb_detail {

// RocksDB's own info log aborts the process (a debug assertion in Debian's librocksdb) when it
// writes a line after a failed one, which is what happens once the disk is full. This one
// writes each line whole and flushed, drops the lines the disk has no room for, and goes on. It
// also copies warnings and errors (a full disk, a failed flush) to stderr, at most 5 lines in 10
// seconds, so they reach the service's log. The previous LOG is kept as LOG.old. Thread-safe.
class InfoLog : public ::rocksdb::Logger {
 public:
  // Opens `dir`/LOG for appending (a failure leaves only stderr).
  explicit InfoLog(const std::string& dir);
  ~InfoLog() override;

  using ::rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Logv(const ::rocksdb::InfoLogLevel level, const char* format, va_list ap) override;
  // Lines dropped because the file could not take them (for tests).
  int64_t dropped_lines() const { return dropped_.load(); }

 private:
  void write_line(::rocksdb::InfoLogLevel level, const char* format, va_list ap);

  std::mutex mutex_;
  std::FILE* file_ = nullptr;  // GUARDED_BY(mutex_)
  int64_t stderr_window_start_ms_ = 0;  // GUARDED_BY(mutex_)
  int stderr_lines_in_window_ = 0;      // GUARDED_BY(mutex_)
  std::atomic<int64_t> dropped_{0};
};

}  // namespace kindred::store::rocksdb_detail
