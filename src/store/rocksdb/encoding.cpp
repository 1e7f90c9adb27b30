#include "store/rocksdb/encoding.h"

namespace kindred::store::rocksdb_detail {

void put_be64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

uint64_t get_be64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

namespace {

void put_be16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void put_assoc_prefix(std::string& out, Id from, AssocType type) {
  put_be64(out, from.value);
  put_be16(out, static_cast<uint16_t>(type));
}

}  // namespace

std::string object_key(ObjectType type, Id id) {
  std::string out;
  out.reserve(kObjectKeySize);
  out.push_back(static_cast<char>(type));
  put_be64(out, id.value);
  return out;
}

std::string edge_key(Id from, AssocType type, Id to) {
  std::string out;
  out.reserve(kEdgeKeySize);
  put_assoc_prefix(out, from, type);
  put_be64(out, to.value);
  return out;
}

std::string assoc_prefix(Id from, AssocType type) {
  std::string out;
  out.reserve(kAssocPrefixSize);
  put_assoc_prefix(out, from, type);
  return out;
}

std::string range_seek_key(Id from, AssocType type, Id position) {
  std::string out;
  out.reserve(kRangeKeySize);
  put_assoc_prefix(out, from, type);
  put_be64(out, ~position.value);
  return out;
}

std::string range_key(Id from, AssocType type, Id position, Id to) {
  std::string out = range_seek_key(from, type, position);
  put_be64(out, to.value);
  return out;
}

std::string keyspace_key(KeyspaceType space, std::string_view key) {
  std::string out;
  out.reserve(1 + key.size());
  out.push_back(static_cast<char>(space));
  out.append(key);
  return out;
}

std::string edge_value(Id position, std::string_view data) {
  std::string out;
  out.reserve(kEdgeValueMinSize + data.size());
  put_be64(out, position.value);
  out.append(data);
  return out;
}

std::optional<EdgeValue> decode_edge_value(std::string_view bytes) {
  if (bytes.size() < kEdgeValueMinSize) return std::nullopt;
  return EdgeValue{Id(get_be64(bytes.data())), bytes.substr(kEdgeValueMinSize)};
}

std::optional<RangeRow> decode_range_key(std::string_view key) {
  if (key.size() != kRangeKeySize) return std::nullopt;
  return RangeRow{Id(~get_be64(key.data() + kAssocPrefixSize)),
                  Id(get_be64(key.data() + kAssocPrefixSize + 8))};
}

std::string id_value(Id id) {
  std::string out;
  out.reserve(kIdValueSize);
  put_be64(out, id.value);
  return out;
}

std::optional<Id> decode_id_value(std::string_view bytes) {
  if (bytes.size() != kIdValueSize) return std::nullopt;
  return Id(get_be64(bytes.data()));
}

std::string count_value(int64_t n) {
  const auto u = static_cast<uint64_t>(n);
  std::string out(kCountValueSize, '\0');
  for (size_t i = 0; i < kCountValueSize; ++i) out[i] = static_cast<char>(u >> (8 * i));
  return out;
}

std::optional<int64_t> decode_count_value(std::string_view bytes) {
  if (bytes.size() != kCountValueSize) return std::nullopt;
  uint64_t u = 0;
  for (size_t i = 0; i < kCountValueSize; ++i) {
    u |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  }
  return static_cast<int64_t>(u);
}

}  // namespace kindred::store::rocksdb_detail
