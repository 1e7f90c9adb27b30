#include "web/text.h"

#include <unicode/locid.h>
#include <unicode/plurrule.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "web/embedded.h"

namespace kindred::web {

struct Texts::Rules {
  std::unique_ptr<icu::PluralRules> icu;
};

Texts::Texts() = default;
Texts::~Texts() = default;

namespace {

constexpr std::string_view kPrefix = "text/";
constexpr std::string_view kSuffix = ".txt";
constexpr std::string_view kCategories[] = {"zero", "one", "two", "few", "many", "other"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool key_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  for (char ch : key)
    if (!key_char(ch)) return false;
  return true;
}

// "{name}" where name is a-z, 0-9, '_' and '.' is a placeholder; any other brace is text.
Message parse_message(std::string_view text) {
  Message m;
  auto add_text = [&](std::string_view s) {
    if (s.empty()) return;
    if (!m.pieces.empty() && !m.pieces.back().placeholder) {
      m.pieces.back().text += s;
    } else {
      m.pieces.push_back({std::string(s), false});
    }
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    size_t close = open + 1;
    while (close < text.size() && key_char(text[close])) ++close;
    if (close == open + 1 || close >= text.size() || text[close] != '}') {
      add_text(text.substr(pos, open + 1 - pos));
      pos = open + 1;
      continue;
    }
    add_text(text.substr(pos, open - pos));
    m.pieces.push_back({std::string(text.substr(open + 1, close - open - 1)), true});
    pos = close + 1;
  }
  add_text(text.substr(pos));
  return m;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

}  // namespace

std::unique_ptr<Texts> Texts::parse(std::string language, std::string_view text, const Texts* fallback,
                                    std::string* error) {
  std::unique_ptr<Texts> t(new Texts());
  t->language_ = std::move(language);
  t->fallback_ = fallback;
  size_t line_no = 0;
  size_t pos = 0;
  auto fail = [&](const std::string& why) {
    if (error) *error = "line " + std::to_string(line_no) + ": " + why;
    return nullptr;
  };
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("no '=' between a key and its text");
    const std::string_view key = trim(line.substr(0, eq));
    if (!valid_key(key)) return fail("\"" + std::string(key) + "\" is not a key (a-z, 0-9, '_' and '.')");
    std::string_view value = trim(line.substr(eq + 1));
    // "text " keeps spaces at its ends; the quotes are not part of it.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value.empty()) return fail(std::string(key) + " has no text");
    if (!t->messages_.emplace(std::string(key), parse_message(value)).second)
      return fail(std::string(key) + " is given twice");
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale locale = icu::Locale::forLanguageTag(t->language_, status);
  t->rules_ = std::make_unique<Rules>();
  if (U_SUCCESS(status)) t->rules_->icu.reset(icu::PluralRules::forLocale(locale, status));
  if (U_FAILURE(status) || !t->rules_->icu) {
    if (error) *error = "ICU has no plural rules for " + t->language_;
    return nullptr;
  }
  return t;
}

const Message* Texts::find(std::string_view key) const {
  for (const Texts* t = this; t; t = t->fallback_) {
    auto it = t->messages_.find(key);
    if (it != t->messages_.end()) return &it->second;
  }
  return nullptr;
}

namespace {

std::string fill(const Message* m, std::string_view key, TextArgs args) {
  std::string out;
  if (!m) {
    out.reserve(key.size() + 2);
    out += '[';
    out += key;
    out += ']';
    return out;
  }
  fill_message(
      *m,
      [&](std::string_view name, std::string& o) {
        for (const auto& [k, v] : args) {
          if (k == name) {
            o += v;
            return true;
          }
        }
        return false;
      },
      out);
  return out;
}

}  // namespace

std::string Texts::t(std::string_view key, TextArgs args) const { return fill(find(key), key, args); }

std::string_view Texts::plural_category(int64_t n) const {
  const icu::UnicodeString c = rules_->icu->select(static_cast<double>(n));
  for (std::string_view name : kCategories)
    if (c == icu::UnicodeString(name.data(), static_cast<int32_t>(name.size()), US_INV)) return name;
  return "other";
}

std::string Texts::plural(std::string_view key, int64_t n, TextArgs args) const {
  std::string full;
  full.reserve(key.size() + 6);
  full.append(key).append(".").append(plural_category(n));
  const Message* m = find(full);
  if (!m) {
    full.resize(key.size());
    full += ".other";
    m = find(full);
  }
  return fill(m, full, args);
}

std::vector<std::string_view> Texts::keys() const {
  std::vector<std::string_view> out;
  out.reserve(messages_.size());
  for (const auto& [k, v] : messages_) out.emplace_back(k);
  return out;
}

namespace {

struct Catalogues {
  std::map<std::string, std::unique_ptr<Texts>, std::less<>> by_language;
  const Texts* english = nullptr;
};

// Parses the embedded catalogues, English first; the first error goes to `error`.
Catalogues load(std::string* error) {
  Catalogues out;
  auto file_language = [](std::string_view name) {
    return lower(name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()));
  };
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const EmbeddedFile& f = kEmbeddedFiles[i];
      if (!f.name.starts_with(kPrefix) || !f.name.ends_with(kSuffix)) continue;
      std::string language = file_language(f.name);
      if ((language == "en") != (pass == 0)) continue;
      std::string why;
      auto t = Texts::parse(language, f.bytes, out.english, &why);
      if (!t) {
        if (error && error->empty()) *error = std::string(f.name) + ": " + why;
        continue;
      }
      if (pass == 0) out.english = t.get();
      out.by_language.emplace(std::move(language), std::move(t));
    }
    if (pass == 0 && !out.english) {
      if (error && error->empty()) *error = "text/en.txt: missing";
      return out;
    }
  }
  return out;
}

const Catalogues& catalogues() {
  static const Catalogues all = [] {
    std::string error;
    Catalogues c = load(&error);
    if (!c.english) {
      std::fprintf(stderr, "kindred web: %s\n", error.c_str());
      std::abort();
    }
    return c;
  }();
  return all;
}

}  // namespace

const Texts& texts_for(std::string_view language) {
  const Catalogues& all = catalogues();
  if (all.by_language.size() == 1) return *all.english;
  std::string tag = lower(language);
  while (!tag.empty()) {
    auto it = all.by_language.find(tag);
    if (it != all.by_language.end()) return *it->second;
    const size_t dash = tag.rfind('-');
    if (dash == std::string::npos) break;
    tag.resize(dash);
  }
  return *all.english;
}

std::string check_catalogues() {
  std::string error;
  load(&error);
  return error;
}

}  // namespace kindred::web
