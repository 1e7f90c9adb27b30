#include "store/postgres/migrations.h"

#include <string>

#include "store/postgres/pg_connection.h"

namespace kindred::store::pg {
namespace {

// The advisory lock key serialising migrations ("kndr").
constexpr const char* kLockKey = "1802396786";

// Reads the applied version. Text results (exec) hold decimal digits.
Result<int> current_version(Connection& conn) {
  KINDRED_ASSIGN_OR_RETURN(
      auto rows, conn.exec("SELECT coalesce(max(version), 0) FROM kindred_schema_version"));
  return std::stoi(std::string(rows.bytes(0, 0)));
}

Status migrate_locked(Connection& conn) {
  KINDRED_ASSIGN_OR_RETURN(auto created,
                           conn.exec("CREATE TABLE IF NOT EXISTS kindred_schema_version ("
                                     " version integer PRIMARY KEY, name text NOT NULL,"
                                     " applied_at timestamptz NOT NULL DEFAULT now())"));
  (void)created;
  KINDRED_ASSIGN_OR_RETURN(int version, current_version(conn));
  if (version > static_cast<int>(kMigrationCount)) {
    return Status::internal("postgres: the database's schema is version " +
                            std::to_string(version) + ", newer than this program's " +
                            std::to_string(kMigrationCount));
  }
  for (size_t i = static_cast<size_t>(version); i < kMigrationCount; ++i) {
    const Migration& m = kMigrations[i];
    const std::string sql = "BEGIN;\n" + std::string(m.sql) +
                            "\nINSERT INTO kindred_schema_version (version, name) VALUES (" +
                            std::to_string(m.version) + ", '" + std::string(m.name) +
                            "');\nCOMMIT;";
    auto applied = conn.exec(sql);
    if (!applied.has_value()) {
      if (conn.in_transaction()) (void)conn.exec("ROLLBACK");
      return Status(applied.error().code(), "migration " + std::to_string(m.version) + " (" +
                                                std::string(m.name) +
                                                "): " + applied.error().message());
    }
  }
  return Status::ok();
}

}  // namespace

Status migrate(Connection& conn) {
  KINDRED_ASSIGN_OR_RETURN(auto locked,
                           conn.exec(std::string("SELECT pg_advisory_lock(") + kLockKey + ")"));
  (void)locked;
  Status s = migrate_locked(conn);
  auto unlocked = conn.exec(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")");
  if (s.is_ok() && !unlocked.has_value()) return unlocked.error();
  return s;
}

}  // namespace kindred::store::pg
