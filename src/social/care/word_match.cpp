#include "social/care/word_match.h"

#include <algorithm>

#include "social/model/fold.h"

namespace kindred::social {

std::vector<std::string> match_words(std::string_view text) { return fold_words(text, true); }

PhraseMatcher PhraseMatcher::build(const std::vector<std::string>& phrases) {
  PhraseMatcher m;
  for (const auto& p : phrases) {
    auto words = match_words(p);
    if (words.empty()) continue;
    const bool seen = std::any_of(m.phrases_.begin(), m.phrases_.end(),
                                  [&](const Phrase& q) { return q.words == words; });
    if (seen) continue;
    m.by_first_word_[words.front()].push_back(m.phrases_.size());
    m.phrases_.push_back({std::move(words), p});
  }
  return m;
}

std::optional<std::string> PhraseMatcher::first_match(std::string_view text) const {
  if (phrases_.empty()) return std::nullopt;
  const auto words = match_words(text);
  size_t best = phrases_.size();
  for (size_t i = 0; i < words.size(); ++i) {
    auto it = by_first_word_.find(words[i]);
    if (it == by_first_word_.end()) continue;
    for (size_t k : it->second) {
      const auto& pw = phrases_[k].words;
      if (i + pw.size() <= words.size() && std::equal(pw.begin(), pw.end(), words.begin() + static_cast<std::ptrdiff_t>(i)))
        best = std::min(best, k);
    }
  }
  if (best == phrases_.size()) return std::nullopt;
  return phrases_[best].original;
}

}  // namespace kindred::social
