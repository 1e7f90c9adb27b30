// How ids become PostgreSQL bigints (store/postgres/pg_codec.h): SQL's signed order must be the
// ids' unsigned order, or ranges and max_object_id would misorder ids past 2^63.

#include "store/postgres/pg_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {

using kindred::store::pg::from_db;
using kindred::store::pg::int8_binary;
using kindred::store::pg::int8_from_binary;
using kindred::store::pg::to_db;

TEST(PgCodec, StoredIdsSortAsTheIdsDo) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const std::vector<uint64_t> ascending = {
      0, 1, 2, 1ULL << 62, (1ULL << 63) - 1, 1ULL << 63, (1ULL << 63) + 1, kMax - 1, kMax};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(to_db(ascending[i]), to_db(ascending[i + 1])) << ascending[i];
  }
  EXPECT_EQ(to_db(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(to_db(kMax), std::numeric_limits<int64_t>::max());
}

TEST(PgCodec, StoredIdsReadBackAsThemselves) {
  for (uint64_t id :
       {uint64_t{0}, uint64_t{1}, uint64_t{1} << 63, ~uint64_t{0}, uint64_t{0x0123456789abcdef}}) {
    EXPECT_EQ(from_db(to_db(id)), id);
  }
}

TEST(PgCodec, Int8BinaryIsBigEndianAndReadsBack) {
  EXPECT_EQ(int8_binary(1), std::string("\0\0\0\0\0\0\0\1", 8));
  EXPECT_EQ(int8_binary(-1), std::string(8, '\xff'));
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{42}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(int8_from_binary(int8_binary(v)), v);
  }
}

}  // namespace
