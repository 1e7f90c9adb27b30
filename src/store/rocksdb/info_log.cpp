#include "store/rocksdb/info_log.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdarg>
#include <ctime>
#include <filesystem>
#include <iostream>

namespace kindred::store::rocksdb_detail {

namespace {

constexpr int kStderrLinesPerWindow = 5;
constexpr int64_t kStderrWindowMs = 10'000;

const char* level_name(::rocksdb::InfoLogLevel level) {
  switch (level) {
    case ::rocksdb::InfoLogLevel::DEBUG_LEVEL: return "[DEBUG] ";
    case ::rocksdb::InfoLogLevel::INFO_LEVEL: return "";
    case ::rocksdb::InfoLogLevel::WARN_LEVEL: return "[WARN] ";
    case ::rocksdb::InfoLogLevel::ERROR_LEVEL: return "[ERROR] ";
    case ::rocksdb::InfoLogLevel::FATAL_LEVEL: return "[FATAL] ";
    case ::rocksdb::InfoLogLevel::HEADER_LEVEL: return "";
    default: return "";
  }
}

}  // namespace

InfoLog::InfoLog(const std::string& dir) : ::rocksdb::Logger(::rocksdb::InfoLogLevel::INFO_LEVEL) {
  const std::filesystem::path log = std::filesystem::path(dir) / "LOG";
  std::error_code ec;
  if (std::filesystem::exists(log, ec))
    std::filesystem::rename(log, std::filesystem::path(dir) / "LOG.old", ec);
  file_ = std::fopen(log.c_str(), "a");
}

InfoLog::~InfoLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void InfoLog::Logv(const char* format, va_list ap) {
  write_line(::rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void InfoLog::Logv(const ::rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  write_line(level, format, ap);
}

void InfoLog::write_line(::rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  char message[1024];
  va_list copy;
  va_copy(copy, ap);
  std::vsnprintf(message, sizeof message, format, copy);
  va_end(copy);
  for (size_t end = std::strlen(message); end > 0 && message[end - 1] == '\n'; --end)
    message[end - 1] = '\0';

  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char line[1200];
  const int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06lld %lx %s%s\n",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, static_cast<long long>(micros % 1'000'000),
                              static_cast<unsigned long>(pthread_self()), level_name(level), message);
  const size_t length = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof line - 1);

  std::scoped_lock lock(mutex_);
  if (file_ != nullptr) {
    // A line the disk cannot take is dropped whole; the next one tries again.
    if (std::fwrite(line, 1, length, file_) != length || std::fflush(file_) != 0) {
      dropped_.fetch_add(1);
      std::clearerr(file_);
    }
  }
  if (level >= ::rocksdb::InfoLogLevel::WARN_LEVEL) {
    const int64_t now_ms = micros / 1000;
    if (now_ms - stderr_window_start_ms_ >= kStderrWindowMs) {
      stderr_window_start_ms_ = now_ms;
      stderr_lines_in_window_ = 0;
    }
    if (stderr_lines_in_window_++ < kStderrLinesPerWindow)
      std::cerr << "kindred store: rocksdb: " << level_name(level) << message << std::endl;
  }
}

}  // namespace kindred::store::rocksdb_detail
