#pragma once

// One field list per stored record, driving both its encoding and its decoding.
//
// A record type lists its fields once, in a member template that takes a visitor:
//
//   struct Token {
//     Id id;
//     std::string scopes;
//     Visibility visibility;
//     template <class V> void fields(V& v) {
//       v.version(1);
//       v(id, scopes, record::upto(visibility, Visibility::kDirect));
//       v.may_end_here();  // records written before the fields below end here
//       v(created_at_ms);
//     }
//   };
//
// record::encode(token) and record::decode<Token>(bytes, "token") both walk that list, so a
// field added at the end is one line, and a record written before it still decodes (fields after
// the last may_end_here() that the bytes reach keep their defaults). The bytes are those of
// core/codec.h: varints and length-prefixed strings, in the listed order, with no field names.
//
// Field kinds: bool, integers (signed ones as two's complement varints), std::string, Id,
// enums and bounded integers through upto()/between() (a stored value out of range does not
// decode), std::vector of any field kind (at most kMaxListItems items, or at_most() to say
// fewer), std::optional of any field kind (a presence flag, then the value), doubles kept as
// hundredths, and nested structs with their own fields() (written inline, without a version).
// Readers check every bound: corrupt bytes give an error, never a crash or a huge allocation.
//
// fields() is a non-const member: encode() calls it on a const record through a visitor that
// only reads.

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/codec.h"
#include "core/id.h"
#include "core/status.h"

namespace kindred::record {

// The most items a list field may hold when decoded, unless at_most() says otherwise.
inline constexpr uint64_t kMaxListItems = 10'000;

// A field whose stored value must lie in [lo, hi]: enums and small integers.
template <class T>
struct Bounded {
  T& value;
  uint64_t lo;
  uint64_t hi;
};
template <class T, class H>
Bounded<T> upto(T& value, H hi) {
  return {value, 0, static_cast<uint64_t>(hi)};
}
template <class T, class H>
Bounded<T> between(T& value, H lo, H hi) {
  return {value, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi)};
}

// A list field holding at most `max` items when decoded.
template <class T>
struct AtMost {
  std::vector<T>& items;
  uint64_t max;
};
template <class T>
AtMost<T> at_most(std::vector<T>& items, uint64_t max) {
  return {items, max};
}

// A double stored as a whole number of hundredths (rounded half away from zero).
struct Hundredths {
  double& value;
};
inline Hundredths hundredths(double& value) { return {value}; }

class Writer;
class Reader;

// A struct with its own field list.
template <class T, class V>
concept Fields = requires(T& t, V& v) {
  t.field_list(v);
};

// Writes the fields in order. Use through record::encode().
class Writer {
 public:
  void version(uint64_t v) { out_.put_u64(v); }
  void may_end_here() {}
  template <class... T>
  void operator()(T&&... fields) {
    (put(fields), ...);
  }
  std::string bytes() && { return std::move(out_).bytes(); }

 private:
  void put(bool v) { out_.put_bool(v); }
  void put(const std::string& s) { out_.put_str(s); }
  void put(Id id) { out_.put_u64(id.value); }
  void put(Hundredths h) {
    const double v = h.value;
    out_.put_i64(static_cast<int64_t>(v * 100.0 + (v < 0 ? -0.5 : 0.5)));
  }
  template <class T>
  requires std::integral<T>
  void put(T v) {
    if constexpr (std::is_signed_v<T>)
      out_.put_i64(v);
    else
      out_.put_u64(v);
  }
  template <class T>
  void put(Bounded<T> b) {
    if constexpr (std::is_enum_v<T>)
      out_.put_u64(static_cast<uint64_t>(b.value));
    else
      put(b.value);
  }
  template <class T>
  void put(const std::vector<T>& items) {
    out_.put_u64(items.size());
    for (const auto& item : items) put(item);
  }
  template <class T>
  void put(AtMost<T> list) {
    put(list.items);
  }
  template <class T>
  void put(const std::optional<T>& v) {
    out_.put_bool(v.has_value());
    if (v) put(*v);
  }
  template <class T>
  requires Fields<T, Writer>
  void put(const T& nested) {
    const_cast<T&>(nested).field_list(*this);  // Writer only reads
  }

  RecordWriter out_;
};

// Reads the fields in order, stopping at the first that does not decode. Use through
// record::decode(). Each call reads its fields as one short-circuit chain, as a hand-written
// decoder would: the state is checked once per call, not once per field.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}

  void version(uint64_t v) {
    uint64_t got = 0;
    if (live()) ok_ = in_.get_u64(got) && got == v;
  }
  // A record written before the fields that follow ends here: they keep their defaults.
  void may_end_here() {
    if (ok_ && in_.at_end()) ended_ = true;
  }
  template <class... T>
  void operator()(T&&... fields) {
    if (live()) ok_ = (get(fields) && ...);
  }
  bool ok() const { return ok_; }
  bool at_end() const { return in_.at_end(); }

 private:
  bool live() const { return ok_ && !ended_; }
  bool get(bool& v) { return in_.get_bool(v); }
  bool get(std::string& s) { return in_.get_str(s); }
  bool get(Id& id) { return in_.get_u64(id.value); }
  bool get(Hundredths h) {
    int64_t x = 0;
    if (!in_.get_i64(x)) return false;
    h.value = static_cast<double>(x) / 100.0;
    return true;
  }
  template <class T>
  requires std::integral<T>
  bool get(T& v) {
    static_assert(sizeof(T) == 8, "narrow integers and enums need upto() or between()");
    if constexpr (std::is_signed_v<T>)
      return in_.get_i64(v);
    else
      return in_.get_u64(v);
  }
  template <class T>
  bool get(Bounded<T> b) {
    uint64_t x = 0;
    if (!in_.get_u64(x) || x < b.lo || x > b.hi) return false;
    b.value = static_cast<T>(x);
    return true;
  }
  template <class T>
  bool get(std::vector<T>& items) {
    return get(AtMost<T>{items, kMaxListItems});
  }
  template <class T>
  bool get(AtMost<T> list) {
    uint64_t n = 0;
    if (!in_.get_u64(n) || n > list.max) return false;
    list.items.resize(n);
    for (auto& item : list.items)
      if (!get(item)) return false;
    return true;
  }
  template <class T>
  bool get(std::optional<T>& v) {
    bool present = false;
    if (!in_.get_bool(present)) return false;
    if (!present) return true;
    v.emplace();
    return get(*v);
  }
  // Called inside a running chain, so ok_ is true here; the nested list's calls set it.
  template <class T>
  requires Fields<T, Reader>
  bool get(T& nested) {
    nested.field_list(*this);
    return ok_;
  }

  RecordReader in_;
  bool ok_ = true;
  bool ended_ = false;
};

// The record's bytes.
template <class T>
std::string encode(const T& record) {
  Writer w;
  const_cast<T&>(record).field_list(w);  // Writer only reads
  return std::move(w).bytes();
}

// Whether the trailing bytes after the last listed field are allowed (written by a newer version
// that appended fields) or refused (a cursor handed back by a client must be exact).
enum class Trailing { kAllow, kRefuse };

// Reads `bytes` into `out` (whose fields not in the bytes keep their values). False when the
// bytes do not decode; `out` is then partly written.
template <class T>
bool decode_into(std::string_view bytes, T& out, Trailing trailing = Trailing::kAllow) {
  Reader r(bytes);
  out.field_list(r);
  return r.ok() && (trailing == Trailing::kAllow || r.at_end());
}

// Errors: Corruption ("stored <what> does not decode") when the bytes do not decode.
template <class T>
Result<T> decode(std::string_view bytes, std::string_view what) {
  T out{};
  if (!decode_into(bytes, out))
    return Status::corruption("stored " + std::string(what) + " does not decode");
  return out;
}

}  // namespace kindred::record
