#include "store/postgres/pg_connection.h"

#include <string>
#include <utility>

#include "store/postgres/pg_codec.h"

namespace kindred::store::pg {

Params& Params::int8(int64_t v) {
  values_.push_back(int8_binary(v));
  formats_.push_back(1);
  return *this;
}

Params& Params::bytes(std::string_view v) {
  values_.emplace_back(v);
  formats_.push_back(1);
  return *this;
}

Params& Params::int8_array(const std::vector<int64_t>& values) {
  std::string text = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(values[i]);
  }
  text += '}';
  values_.push_back(std::move(text));
  formats_.push_back(0);
  return *this;
}

Params& Params::bytea_array(const std::vector<std::string_view>& values) {
  // PostgreSQL's binary array: dimensions, a has-nulls flag, the element type (bytea is oid 17),
  // each dimension's length and lower bound, then each element as its length and bytes.
  constexpr int32_t kByteaOid = 17;
  std::string out;
  const auto put32 = [&out](int64_t v) { out += int8_binary(v).substr(4); };
  put32(values.empty() ? 0 : 1);
  put32(0);
  put32(kByteaOid);
  if (!values.empty()) {
    put32(static_cast<int64_t>(values.size()));
    put32(1);
  }
  for (std::string_view v : values) {
    put32(static_cast<int64_t>(v.size()));
    out += v;
  }
  values_.push_back(std::move(out));
  formats_.push_back(1);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v.data());
  return out;
}

std::vector<int> Params::lengths() const {
  std::vector<int> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(static_cast<int>(v.size()));
  return out;
}

int64_t Rows::int8(int row, int col) const {
  return int8_from_binary(std::string_view(PQgetvalue(r_.get(), row, col),
                                           static_cast<size_t>(PQgetlength(r_.get(), row, col))));
}

std::string_view Rows::bytes(int row, int col) const {
  return std::string_view(PQgetvalue(r_.get(), row, col),
                          static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n[0] == '\0' ? 0 : std::stoll(n);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo,
                                                     const std::vector<Statement>& statements) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  if (raw == nullptr) return Status::internal("postgres: out of memory connecting");
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (PQstatus(raw) != CONNECTION_OK) {
    return Status::unavailable(std::string("postgres: cannot connect: ") + PQerrorMessage(raw));
  }
  // The server's notices ("relation already exists, skipping") are not errors; libpq would
  // print them on stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (!statements.empty()) {
    // Every statement here reads or writes a few rows through a primary key or the range index,
    // whatever its parameters, so one generic plan fits all its runs. PostgreSQL's default
    // ("auto") planned each run afresh whenever it judged the generic plan costlier, which it
    // did for the statements with array parameters: in the cluster's like storm planning took a
    // third of PostgreSQL's CPU, and forcing generic plans took the storm from 1,361 to 1,743
    // likes/s (docs/SCALING.md).
    auto set = conn->check(PQexec(raw, "SET plan_cache_mode = force_generic_plan"));
    if (!set.has_value()) return set.error();
  }
  for (const Statement& s : statements) {
    auto prepared = conn->check(PQprepare(raw, s.name, s.sql, 0, nullptr));
    if (!prepared.has_value()) {
      return Status(prepared.error().code(),
                    "preparing " + std::string(s.name) + ": " + prepared.error().message());
    }
  }
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

Result<Rows> Connection::run(const char* name, const Params& params) {
  const auto pointers = params.pointers();
  const auto lengths = params.lengths();
  return check(PQexecPrepared(conn_, name, params.size(), pointers.data(), lengths.data(),
                              params.formats().data(), /*resultFormat=*/1));
}

Result<Rows> Connection::exec(const std::string& sql) { return check(PQexec(conn_, sql.c_str())); }

Result<Rows> Connection::check(PGresult* r) {
  Rows rows(r);
  const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return rows;
  }
  const char* state = r == nullptr ? nullptr : PQresultErrorField(r, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state == nullptr ? "" : state;
  std::string message = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  message = "postgres: " + (last_sqlstate_.empty() ? "" : last_sqlstate_ + " ") + message;
  if (last_sqlstate_ == "23505") return Status::conflict(std::move(message));
  // Lost connections (08...), shutdowns and failovers (57P..), read-only standbys (25006), and
  // transactions to run again: another try, here or by the caller, may succeed.
  if (last_sqlstate_.empty() || last_sqlstate_.starts_with("08") ||
      last_sqlstate_.starts_with("57P") || last_sqlstate_ == "25006" ||
      is_retryable(last_sqlstate_) || PQstatus(conn_) != CONNECTION_OK) {
    return Status::unavailable(std::move(message));
  }
  return Status::internal(std::move(message));
}

}  // namespace kindred::store::pg
