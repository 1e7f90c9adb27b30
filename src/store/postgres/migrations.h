#pragma once

// The schema migrations, embedded from src/store/postgres/migrations/NNNN_name.sql by
// cmake/embed_sql.cmake. A migration, once released, is never edited: change the schema by
// adding the next file.

#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace kindred::store::pg {

class Connection;

struct Migration {
  int version;  // 1, 2, 3... in order
  std::string_view name;
  std::string_view sql;
};

extern const Migration kMigrations[];
extern const size_t kMigrationCount;

// Brings the database's schema up to the newest migration, each in its own transaction and
// recorded in kindred_schema_version. Holds an advisory lock meanwhile, so processes opening one
// database at once apply each migration once. Errors: Internal if a migration fails or the
// database's version is newer than kMigrations knows; Unavailable if the connection is lost.
Status migrate(Connection& conn);

}  // namespace kindred::store::pg
