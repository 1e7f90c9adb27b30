#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// Comma-separated values as RFC 4180 has them and Ruby's CSV (which Mastodon's exports and imports
// use) reads and writes them: fields separated by ',', rows by LF or CR LF, a field in double
// quotes may hold ',', quotes (doubled) and line breaks.
namespace kindred {

using CsvRow = std::vector<std::string>;

// Appends `fields` to `out` as one row ended by "\n", quoting a field only when it holds ',', '"',
// CR or LF (as Ruby's CSV.generate).
void append_csv_row(std::string& out, const std::vector<std::string_view>& fields);

// The rows of `text`, blank lines skipped (Ruby's skip_blanks), a leading UTF-8 byte order mark
// ignored. Reads at most `max_rows` rows and stops there (the caller asks for one more than it
// allows, to tell "too many"). Errors: InvalidArgument naming the line for a quote left open or
// text after a closing quote (Ruby's MalformedCSVError).
Result<std::vector<CsvRow>> parse_csv(std::string_view text, size_t max_rows);

}  // namespace kindred
