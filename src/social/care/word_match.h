#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kindred::social {

// The words of `text` as matching sees them, so that what a person types to slip past a list
// still meets it:
//  - Unicode compatibility forms and case folded (ICU's NFKC_Casefold): "ＳＴＵＰＩＤ", "Stupid" and
//    "STUPID" are all "stupid";
//  - accents and other combining marks removed: "stüpid", "stúpid" -> "stupid";
//  - apostrophes inside a word dropped ("don't" -> "dont"); every other character that is not a
//    letter or digit separates words ("stu.pid" is two words: separators are never bridged, so
//    ordinary words are not joined into a false match);
//  - a letter repeated three or more times kept once ("stuuupid" -> "stupid"); doubled letters
//    stay, as ordinary words have them.
// Invalid UTF-8 is replaced, never rejected.
std::vector<std::string> match_words(std::string_view text);

// A list of words and phrases matched as whole words against texts: "hate" matches "I HATE
// this" and "hate!" but not "whatever" or "hated". A phrase matches its words in sequence
// ("get over it"). Immutable after build, so shared between threads freely.
class PhraseMatcher {
 public:
  PhraseMatcher() = default;
  // Phrases that fold to no words at all ("!!!") are skipped; duplicates are kept once.
  static PhraseMatcher build(const std::vector<std::string>& phrases);

  bool empty() const { return phrases_.empty(); }
  size_t size() const { return phrases_.size(); }
  // The first listed phrase (as given to build) found in `text`, or nullopt.
  std::optional<std::string> first_match(std::string_view text) const;

 private:
  struct Phrase {
    std::vector<std::string> words;
    std::string original;
  };
  std::vector<Phrase> phrases_;
  std::unordered_map<std::string, std::vector<size_t>> by_first_word_;
};

}  // namespace kindred::social
