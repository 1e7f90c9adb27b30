#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kindred::web {

// The language a reader asked for first in `accept_language` (RFC 9110's Accept-Language: the
// highest q wins, the first of equals), as a BCP 47 tag; "en" when none is usable. Tags are
// taken only when made of letters, digits and '-' (at most 35 characters).
std::string preferred_language(std::string_view accept_language);

// `n` as a reader of `language` writes it: "1,599,999" (en), "1.599.999" (de), "15,99,999"
// (en-IN), with ICU. Thread-safe; formatters are kept per thread and language.
std::string format_number(int64_t n, std::string_view language);

}  // namespace kindred::web
