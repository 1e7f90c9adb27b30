#pragma once

// The statements PostgresStore's connections prepare (pg::Connection::open), by name.

#include <vector>

#include "store/postgres/pg_connection.h"

namespace kindred::store::pg {

const std::vector<Statement>& store_statements();

}  // namespace kindred::store::pg
