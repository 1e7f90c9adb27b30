#pragma once

// The on-disk layout of the RocksDB store: key and value formats for each column family.
// Integers in keys are fixed-width big-endian, so byte order equals numeric order. This is a
// persistent format: change it only with a migration.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/id.h"
#include "store/store.h"

// Not `kindred::store::rocksdb`: that would shadow the library's `::rocksdb` namespace.
namespace kindred::store::rocksdb_detail {

// objects:      type(1) id(8)                       -> the object's bytes
inline constexpr size_t kObjectKeySize = 9;
// assoc_edges:  from(8) type(2) to(8)               -> position(8) data
inline constexpr size_t kEdgeKeySize = 18;
inline constexpr size_t kEdgeValueMinSize = 8;
// assoc_ranges: from(8) type(2) ~position(8) to(8)  -> data
// The position is stored bit-inverted so that forward iteration walks newest-first.
inline constexpr size_t kAssocPrefixSize = 10;  // from type: the ranges' prefix and the count key
inline constexpr size_t kRangeKeySize = 26;
// counts:       from(8) type(2)                     -> int64 little-endian, merged by adding
inline constexpr size_t kCountValueSize = 8;
// keys:         space(1) key                        -> id(8)
inline constexpr size_t kIdValueSize = 8;

void put_be64(std::string& out, uint64_t v);
// REQUIRES: `p` points at 8 readable bytes.
uint64_t get_be64(const char* p);

std::string object_key(ObjectType type, Id id);
std::string edge_key(Id from, AssocType type, Id to);
// The common prefix of every range row of (from, type); also the key of its count.
std::string assoc_prefix(Id from, AssocType type);
std::string range_key(Id from, AssocType type, Id position, Id to);
std::string keyspace_key(KeyspaceType space, std::string_view key);

std::string edge_value(Id position, std::string_view data);
struct EdgeValue {
  Id position;
  std::string_view data;  // a view into the decoded bytes
};
// nullopt if `bytes` is too short to be an edge value.
std::optional<EdgeValue> decode_edge_value(std::string_view bytes);

struct RangeRow {
  Id position;
  Id to;
};
// nullopt unless `key` is a range key of exactly the right size.
std::optional<RangeRow> decode_range_key(std::string_view key);
// The range key prefix followed by the inverted `position` (no `to`): every range row of
// (from, type) at `position` sorts at or after it, and every newer row before it.
std::string range_seek_key(Id from, AssocType type, Id position);

std::string id_value(Id id);
std::optional<Id> decode_id_value(std::string_view bytes);

std::string count_value(int64_t n);
std::optional<int64_t> decode_count_value(std::string_view bytes);

}  // namespace kindred::store::rocksdb_detail
