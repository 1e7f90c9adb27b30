#include "core/codec.h"

namespace kindred {

void RecordWriter::put_u64(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void RecordWriter::put_str(std::string_view s) {
  put_u64(s.size());
  out_.append(s);
}

bool RecordReader::get_u64_multibyte(uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) return false;
    const auto byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool RecordReader::get_i64(int64_t& v) {
  uint64_t u = 0;
  if (!get_u64(u)) return false;
  v = static_cast<int64_t>(u);
  return true;
}

bool RecordReader::get_bool(bool& v) {
  uint64_t u = 0;
  if (!get_u64(u) || u > 1) return false;
  v = u == 1;
  return true;
}

bool RecordReader::get_str(std::string& s) {
  uint64_t n = 0;
  if (!get_u64(n) || n > in_.size()) return false;
  s.assign(in_.substr(0, n));
  in_.remove_prefix(n);
  return true;
}

}  // namespace kindred
