#pragma once

// A throwaway PostgreSQL 15 cluster for tests: initdb and pg_ctl (Debian's postgresql-15) in a
// temporary directory, listening only on a Unix socket in that directory (no TCP), fsync off.
// One cluster serves a whole test binary run, started when a test first asks for it and stopped
// and removed by PgClusterEnvironment at the end; each test takes a fresh database in it.
//
// Run as root, the server's binaries run as the `postgres` system user (initdb refuses root) and
// the directory is handed to it. A test binary killed before its end leaves the server running
// (`pg_ctl -D /tmp/kindred-pg-*/data stop` stops it).

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace kindred::testing {

class PgCluster {
 public:
  // The binary run's cluster, started on first call. Errors: Internal if it could not be
  // started (the message holds the server's log); every later call answers the same.
  static Result<PgCluster*> shared();
  // Stops and removes the shared cluster, if one was started. Idempotent.
  static void stop_shared();

  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // Creates an empty database with a name not used before in this cluster and returns a libpq
  // connection string for it. Errors: Internal (with createdb's output) if it fails.
  Result<std::string> create_database();

  // Runs `sql` with psql on the database `conninfo` names (as create_database returned it), as the
  // superuser: for what a test does behind a store's back (end its connections, say).
  // Errors: Internal (with psql's output) if it fails.
  Status psql(const std::string& conninfo, const std::string& sql);

 private:
  PgCluster() = default;
  Status start();
  void stop();
  // Runs a PostgreSQL binary (as the `postgres` user when we are root), output to `log`.
  Status run(const std::vector<std::string>& args, bool as_server_user, const std::string& log);

  std::filesystem::path dir_;  // the cluster's temp dir: data/, the socket, logs
  bool running_ = false;
};

// A fresh database's connection string in the shared cluster, or (recording a test failure) one
// that names no server, so that an instance given it fails to start and says why.
std::string fresh_database_url();

// Registered by a test binary that uses PgCluster: stops the cluster after the last test.
class PgClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PgCluster::stop_shared(); }
};

}  // namespace kindred::testing
