#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kindred {

// A compact, versionable binary record format for stored objects: varint integers and
// length-prefixed strings written in a fixed order. Readers check every bound, so corrupt bytes
// give an error, never a crash.
class RecordWriter {
 public:
  void put_u64(uint64_t v);
  void put_i64(int64_t v) { put_u64(static_cast<uint64_t>(v)); }
  void put_bool(bool v) { put_u64(v ? 1 : 0); }
  void put_str(std::string_view s);
  const std::string& bytes() const& { return out_; }
  std::string bytes() && { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what RecordWriter wrote. `bytes` must outlive the reader.
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : in_(bytes) {}
  // Most stored integers (flags, enums, lengths, small counts) take one byte: read those inline.
  bool get_u64(uint64_t& v) {
    if (!in_.empty() && (static_cast<uint8_t>(in_.front()) & 0x80) == 0) {
      v = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      return true;
    }
    return get_u64_multibyte(v);
  }
  bool get_i64(int64_t& v);
  bool get_bool(bool& v);
  bool get_str(std::string& s);
  bool at_end() const { return in_.empty(); }

 private:
  bool get_u64_multibyte(uint64_t& v);
  std::string_view in_;
};

}  // namespace kindred
