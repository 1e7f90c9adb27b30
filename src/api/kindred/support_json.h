#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "social/care/comment_holds.h"
#include "social/care/support.h"

// The JSON forms of support resources: the admin API's request bodies, the directory file in the
// data directory (and the seed shipped in share/), the topic lexicon file, and the entities.
// One shape everywhere (the entities are in api/mastodon/entities/support.h), so what the admin
// GETs can be PUT back and the file reads like the API.
namespace kindred::api {

// A resource from a request body or the directory file:
//   {"name", "topics": [...], "regions": [...], "phone", "email", "website",
//    "hours": null | {"time_zone": "Europe/London",
//                     "weekly": [{"days": ["monday", ...], "opens": "09:00", "closes": "16:00"}]},
//    "closures": [{"from": "2026-12-25", "to": "2026-12-28", "reason": "..."}]}
// "id" is read when `with_id` (the file); the computed fields of the entity (open_now, ...) are
// ignored so a GET can be sent back; any other unknown field is refused. Only shapes are
// checked here; SupportService::validate checks values.
// Errors: InvalidArgument ("Validation failed: ...") naming the field.
Result<social::SupportResource> support_resource_from_json(const boost::json::value& v,
                                                           bool with_id);

// The directory file: {"version": 1, "resources": [...]}. Errors: InvalidArgument.
Result<std::vector<social::SupportResource>> support_directory_from_json(std::string_view text);
std::string support_directory_to_json(const std::vector<social::SupportResource>& directory);

// The topic lexicon file:
//   {"topics": [{"id", "name", "message", "phrases": {"en": [...], ...}, "except": {"en": [...]}}]}
Result<social::TopicLexicon> topic_lexicon_from_json(std::string_view text);

// The built-in hidden-word lists file (share/hidden_words.json):
//   {"_comment": "...", "en": {"name": "English", "phrases": [...]}, ...}
// Keys starting with "_" are comments. Errors: InvalidArgument.
Result<std::vector<social::BuiltinWordList>> builtin_word_lists_from_json(std::string_view text);

// The directory as a file `path` in the data directory: save() writes a temp file beside it,
// fsyncs it, renames it over the old one and fsyncs the directory, so a crash leaves the old
// file or the new one, never a torn one.
class SupportFile final : public social::SupportDirectorySink {
 public:
  explicit SupportFile(std::string path) : path_(std::move(path)) {}
  Status save(const std::vector<social::SupportResource>& directory) override;
  // The saved directory, or on first start (no file yet) the seed at `seed_path`, which the
  // caller saves here once it has validated it. Errors: InvalidArgument for a file that does not
  // parse (naming it); Unavailable for I/O errors.
  struct Loaded {
    std::vector<social::SupportResource> directory;
    bool from_seed = false;
  };
  Result<Loaded> load(const std::string& seed_path);

 private:
  std::string path_;
};

// Reads a whole file. Errors: Unavailable (naming the path).
Result<std::string> read_text_file(const std::string& path);
// Writes `text` as the whole file `path`: a temp file beside it, fsynced, renamed over the old
// one, the directory fsynced; a crash leaves the old file or the new one. Errors: Unavailable.
Status write_text_file(const std::string& path, std::string_view text);

}  // namespace kindred::api
