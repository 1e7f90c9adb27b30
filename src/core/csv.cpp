#include "core/csv.h"

namespace kindred {

void append_csv_row(std::string& out, const std::vector<std::string_view>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string_view f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
}

Result<std::vector<CsvRow>> parse_csv(std::string_view text, size_t max_rows) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRow> rows;
  size_t i = 0;
  size_t line = 1;
  while (i < text.size() && rows.size() < max_rows) {
    CsvRow row;
    std::string field;
    bool blank = true;  // nothing but a line break so far
    for (;;) {
      if (i < text.size() && text[i] == '"') {
        blank = false;
        const size_t opened = line;
        ++i;
        for (;;) {
          if (i >= text.size())
            return Status::invalid_argument("Unclosed quoted field in line " +
                                            std::to_string(opened));
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return Status::invalid_argument("Any value after quoted field isn't allowed in line " +
                                          std::to_string(line));
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"')
            return Status::invalid_argument("Illegal quoting in line " + std::to_string(line));
          field += text[i++];
          blank = false;
        }
      }
      row.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        blank = false;
        ++i;
        continue;
      }
      break;  // end of line or of text
    }
    if (i < text.size() && text[i] == '\r') {
      ++i;
      if (i < text.size() && text[i] != '\n')
        return Status::invalid_argument("Unquoted fields do not allow \\r in line " +
                                        std::to_string(line));
    }
    if (i < text.size() && text[i] == '\n') ++i;
    ++line;
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace kindred
