#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// The words of the web pages, one catalogue per language: src/web/text/<language>.txt, compiled
// into the binary (cmake/embed_files.cmake) and parsed once. English (en.txt) holds every message;
// another language's catalogue may hold only some, and English answers for the rest.
//
// Format, one message a line: `key = text`. Blank lines and lines starting with '#' are skipped;
// spaces around the key and the text are trimmed (a text wrapped in '"' keeps them: `k = "to "`;
// the quotes are not part of it). `{name}` in the text is a placeholder filled
// from an argument. A message that depends on a number has one key per CLDR plural category the
// language uses (`comments.count.one`, `comments.count.other`; zero, two, few, many as needed),
// chosen with ICU's plural rules for the language. Messages are plain text, never HTML: whoever
// puts one in a page escapes it, as any other text.
namespace kindred::web {

// The arguments of a message: {"name", "Lena"}. Views only for the call.
using TextArgs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// A message parsed into its pieces: literal text and placeholder names, in order.
struct Message {
  struct Piece {
    std::string text;
    bool placeholder = false;  // `text` is a placeholder's name
  };
  std::vector<Piece> pieces;
};

// One language's messages, with English behind it. Immutable after loading; thread-safe.
class Texts {
 public:
  // Parses a catalogue. `fallback` (may be null, for English itself) answers the keys this one
  // lacks and must outlive it. Returns null and sets `error` ("line 3: no '=' ...") when a line is
  // malformed or a key appears twice.
  static std::unique_ptr<Texts> parse(std::string language, std::string_view text, const Texts* fallback,
                                      std::string* error);
  ~Texts();

  // The message `key` with `{name}` placeholders replaced by `args` (plain text, not escaped).
  // A placeholder without an argument stays as written ("{name}") so a review sees it; an unknown
  // key gives "[key]" for the same reason (the tests check every key the code names).
  std::string t(std::string_view key, TextArgs args = {}) const;
  // The message `key.<category>` for the plural category of `n` in this language ("one" for 1 in
  // English, "other" for 0 and 2), falling back to `key.other`. `n` is not an argument: pass the
  // formatted number (PageContext::number) as one, e.g. {"count", c.number(n)}.
  std::string plural(std::string_view key, int64_t n, TextArgs args = {}) const;

  // The message `key` in this language or the fallback's; null when neither has it.
  const Message* find(std::string_view key) const;
  // The CLDR plural category of `n` here: "zero", "one", "two", "few", "many" or "other".
  std::string_view plural_category(int64_t n) const;
  const std::string& language() const { return language_; }
  // Every key of this catalogue (not the fallback's), unordered.
  std::vector<std::string_view> keys() const;

  struct Rules;  // ICU's plural rules (text.cpp)

 private:
  Texts();
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string language_;
  std::unordered_map<std::string, Message, Hash, std::equal_to<>> messages_;
  const Texts* fallback_ = nullptr;
  std::unique_ptr<Rules> rules_;
};

// Appends `m` to `out`, each placeholder through `arg`, called as
// `bool arg(std::string_view name, std::string& out)`: it appends the value (escaping it if `out`
// is HTML) and returns true, or returns false and the placeholder is written as it stands.
template <class Arg>
void fill_message(const Message& m, Arg&& arg, std::string& out) {
  for (const Message::Piece& p : m.pieces) {
    if (!p.placeholder) {
      out += p.text;
    } else if (!arg(std::string_view(p.text), out)) {
      out += '{';
      out += p.text;
      out += '}';
    }
  }
}

// The catalogue that suits `language` best (a BCP 47 tag: "de-AT" tries de-at, then de), else
// English. The catalogues are parsed on first use. Thread-safe.
const Texts& texts_for(std::string_view language);
inline const Texts& english() { return texts_for("en"); }

// Parses every embedded catalogue; returns "" when all parse, else "text/<file>: <error>".
// Called at start-up (check_templates), so a malformed catalogue stops the server from starting.
std::string check_catalogues();

}  // namespace kindred::web
