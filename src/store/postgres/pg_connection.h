#pragma once

// One libpq connection, its prepared statements, and the translation of libpq's outcomes into
// Status (SQLSTATE 23505 becomes Conflict; nothing above store/ sees a SQLSTATE).

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace kindred::store::pg {

// Parameters of one statement: integers and bytes go in binary, arrays as text ("{1,2}").
class Params {
 public:
  Params& int8(int64_t v);
  Params& bytes(std::string_view v);
  // A bigint[] literal of `values` (already in their stored form).
  Params& int8_array(const std::vector<int64_t>& values);
  // A bytea[] of `values`, in binary.
  Params& bytea_array(const std::vector<std::string_view>& values);

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  std::vector<int> lengths() const;
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::string> values_;
  std::vector<int> formats_;
};

// A query's rows, in binary form. Owns the PGresult.
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int count() const { return PQntuples(r_.get()); }
  // REQUIRES: the column is an int8 (bigint) and not null.
  int64_t int8(int row, int col) const;
  // The bytes of a bytea column; valid while this Rows lives.
  std::string_view bytes(int row, int col) const;
  // How many rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

struct Statement {
  const char* name;
  const char* sql;
};

class Connection {
 public:
  // Connects and prepares `statements`. Errors: Unavailable if the server cannot be reached.
  static Result<std::unique_ptr<Connection>> open(const std::string& conninfo,
                                                  const std::vector<Statement>& statements);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a statement prepared at open. Errors: see last_sqlstate() and to_status().
  Result<Rows> run(const char* name, const Params& params);
  // Runs SQL text (one or several statements, no parameters; results in text form).
  Result<Rows> exec(const std::string& sql);

  bool is_ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Inside a transaction block (or a failed one)?
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  // The SQLSTATE of the last failed call, or "" if it failed without one (a lost connection).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result<Rows> check(PGresult* r);

  PGconn* conn_;
  std::string last_sqlstate_;
};

// Whether a failure with this SQLSTATE may succeed if the whole transaction is run again.
inline bool is_retryable(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";  // serialization failure, deadlock
}

}  // namespace kindred::store::pg
