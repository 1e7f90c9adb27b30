#pragma once

#include <cstddef>
#include <string_view>

namespace kindred::web {

// A file of src/web/templates, src/web/assets or src/web/text, compiled into the binary
// (cmake/embed_files.cmake). `name` is relative to src/web: "templates/post.mustache".
struct EmbeddedFile {
  std::string_view name;
  std::string_view bytes;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace kindred::web
