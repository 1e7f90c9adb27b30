#include "web/numbers.h"

#include <unicode/locid.h>
#include <unicode/numfmt.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>
#include <vector>

namespace kindred::web {

namespace {

bool usable_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  for (char c : tag) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-';
    if (!ok) return false;
  }
  return std::isalpha(static_cast<unsigned char>(tag.front()));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// q as thousandths: "q=0.8" -> 800; malformed -> 0 (ignored).
int quality(std::string_view params) {
  const size_t q = params.find("q=");
  if (q == std::string_view::npos) return 1000;
  std::string_view v = trim(params.substr(q + 2));
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return 0;
  int value = (v[0] - '0') * 1000;
  if (v.size() > 1 && v[1] == '.') {
    int scale = 100;
    for (size_t i = 2; i < v.size() && i < 5 && v[i] >= '0' && v[i] <= '9'; ++i, scale /= 10)
      value += (v[i] - '0') * scale;
  }
  return std::min(value, 1000);
}

}  // namespace

std::string preferred_language(std::string_view header) {
  std::string best = "en";
  int best_q = 0;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view tag = trim(item.substr(0, semi));
    const int q = semi == std::string_view::npos ? 1000 : quality(item.substr(semi + 1));
    if (q > best_q && usable_tag(tag)) {
      best = std::string(tag);
      best_q = q;
    }
  }
  return best;
}

std::string format_number(int64_t n, std::string_view language) {
  constexpr size_t kMaxFormatters = 64;
  thread_local std::map<std::string, std::unique_ptr<icu::NumberFormat>, std::less<>> formatters;
  auto it = formatters.find(language);
  if (it == formatters.end()) {
    if (formatters.size() >= kMaxFormatters) formatters.clear();
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale = icu::Locale::forLanguageTag(std::string(language), status);
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      locale = icu::Locale::getEnglish();
    }
    std::unique_ptr<icu::NumberFormat> f(icu::NumberFormat::createInstance(locale, status));
    if (U_FAILURE(status) || !f) {
      status = U_ZERO_ERROR;
      f.reset(icu::NumberFormat::createInstance(icu::Locale::getEnglish(), status));
    }
    it = formatters.emplace(std::string(language), std::move(f)).first;
  }
  if (!it->second) return std::to_string(n);
  icu::UnicodeString out;
  it->second->format(static_cast<int64_t>(n), out);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

}  // namespace kindred::web
