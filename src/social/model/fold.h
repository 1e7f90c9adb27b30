#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kindred::social {

// The words of `text` folded for matching and search: Unicode compatibility forms and case folded
// (ICU's NFKC_Casefold), accents and other combining marks and invisible format characters
// removed, apostrophes inside a word dropped ("don't" -> "dont"); every other character that is
// not a letter or digit separates words. With `collapse_runs`, a letter repeated three or more
// times is kept once ("stuuupid" -> "stupid": what hidden words need against evasion; search
// keeps names as written). Invalid UTF-8 is replaced, never rejected. Pure and thread-safe.
std::vector<std::string> fold_words(std::string_view text, bool collapse_runs);

}  // namespace kindred::social
