#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kindred::api::entities {

// Appends JSON to a string without building a tree: the hot entities (Status, Account) are
// written straight into the response body, one allocation-light pass (profiles of the like and
// read storms showed tree building and serialising at about a quarter of request time).
// Commas are placed automatically. Strings are escaped per RFC 8259; UTF-8 passes through.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The next member's key (inside an object).
  JsonWriter& key(std::string_view k);
  // The same for a key written in the code: copied as it is, without the escaping scan (a
  // status has about 60 keys). Such keys must need no escaping (checked in debug builds).
  template <size_t N>
  JsonWriter& key(const char (&k)[N]) {
    assert(std::string_view(k, N - 1).find_first_of("\"\\") == std::string_view::npos);
    if (need_comma_) out_.push_back(',');
    out_.push_back('"');
    out_.append(k, N - 1);
    out_.append("\":", 2);
    after_key_ = true;
    return *this;
  }

  JsonWriter& string(std::string_view v);
  JsonWriter& number(int64_t v);
  // The shortest text that reads back as `v`; null for NaN and infinities (JSON has neither).
  JsonWriter& real(double v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Already-serialised JSON, inserted as one value.
  JsonWriter& raw(std::string_view json);

  // Shorthands for one member.
  JsonWriter& member(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& member(std::string_view k, const char* v) { return key(k).string(v); }
  JsonWriter& member(std::string_view k, const std::string& v) { return key(k).string(v); }
  JsonWriter& member(std::string_view k, int64_t v) { return key(k).number(v); }
  JsonWriter& member(std::string_view k, bool v) { return key(k).boolean(v); }
  template <size_t N>
  JsonWriter& member(const char (&k)[N], std::string_view v) { return key(k).string(v); }
  template <size_t N>
  JsonWriter& member(const char (&k)[N], const char* v) { return key(k).string(v); }
  template <size_t N>
  JsonWriter& member(const char (&k)[N], const std::string& v) { return key(k).string(v); }
  template <size_t N>
  JsonWriter& member(const char (&k)[N], int64_t v) { return key(k).number(v); }
  template <size_t N>
  JsonWriter& member(const char (&k)[N], bool v) { return key(k).boolean(v); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void before_value();

  std::string& out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

// One entity, or an array of them, written by `write(writer, item)` into a new string.
template <class T, class Write>
std::string to_json(const T& item, Write write) {
  std::string out;
  JsonWriter w(out);
  write(w, item);
  return out;
}
template <class T, class Write>
std::string to_json_array(const std::vector<T>& items, Write write) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& item : items) write(w, item);
  w.end_array();
  return out;
}

// `s` escaped and quoted, appended to `out`.
void append_json_string(std::string& out, std::string_view s);

}  // namespace kindred::api::entities
