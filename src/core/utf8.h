#pragma once

#include <string>
#include <string_view>

namespace kindred {

// Whether `s` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800 to
// U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool valid_utf8(std::string_view s);

// What a piece of text from a request may hold: well-formed UTF-8 without C0 control characters
// other than tab and line feed (NUL, ESC, backspace... break strict JSON readers and terminals).
enum class TextProblem { kNone, kInvalidUtf8, kControlCharacter };

// Turns CR LF and lone CR into LF (browsers send textarea lines as CR LF), then checks `text`.
// `text` is changed only by the line-ending normalisation.
TextProblem normalize_and_check_text(std::string& text);

}  // namespace kindred
