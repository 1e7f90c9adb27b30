#include "social/model/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace kindred::social {

namespace {

struct Normalizers {
  const icu::Normalizer2* casefold = nullptr;  // NFKC_Casefold
  const icu::Normalizer2* nfd = nullptr;
};

// ICU's normalizer instances are process-wide singletons, safe to share between threads.
const Normalizers& normalizers() {
  static const Normalizers n = [] {
    Normalizers out;
    UErrorCode err = U_ZERO_ERROR;
    out.casefold = icu::Normalizer2::getNFKCCasefoldInstance(err);
    if (U_FAILURE(err)) out.casefold = nullptr;
    err = U_ZERO_ERROR;
    out.nfd = icu::Normalizer2::getNFDInstance(err);
    if (U_FAILURE(err)) out.nfd = nullptr;
    return out;
  }();
  return n;
}

bool is_apostrophe(UChar32 c) { return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x02BC; }

void flush(icu::UnicodeString& word, std::vector<std::string>& out) {
  if (word.isEmpty()) return;
  std::string utf8;
  word.toUTF8String(utf8);
  out.push_back(std::move(utf8));
  word.remove();
}

}  // namespace

std::vector<std::string> fold_words(std::string_view text, bool collapse_runs) {
  std::vector<std::string> out;
  const auto& n = normalizers();
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode err = U_ZERO_ERROR;
  if (n.casefold) {
    icu::UnicodeString folded = n.casefold->normalize(s, err);
    if (U_SUCCESS(err)) s = std::move(folded);
  }
  err = U_ZERO_ERROR;
  if (n.nfd) {
    icu::UnicodeString decomposed = n.nfd->normalize(s, err);
    if (U_SUCCESS(err)) s = std::move(decomposed);
  }
  icu::UnicodeString word;
  UChar32 last = -1;
  int run = 0;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
        type == U_COMBINING_SPACING_MARK ||
        type == U_FORMAT_CHAR)  // accents; zero-width joiners and other invisible format marks
      continue;
    if (is_apostrophe(c) && !word.isEmpty()) continue;
    if (!u_isalnum(c)) {
      flush(word, out);
      last = -1;
      run = 0;
      continue;
    }
    run = c == last ? run + 1 : 1;
    last = c;
    if (collapse_runs && run == 3) {
      word.truncate(word.length() - U16_LENGTH(c));  // three of a kind become one
      continue;
    }
    if (collapse_runs && run > 3) continue;
    word.append(c);
  }
  flush(word, out);
  return out;
}

}  // namespace kindred::social
