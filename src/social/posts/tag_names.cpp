#include "social/posts/tag_names.h"

#include "social/identity/account_names.h"
#include "social/model/fold.h"
#include "social/posts/posts.h"

namespace kindred::social {

std::string fold_tag(std::string_view tag) {
  std::string out;
  for (const auto& w : fold_words(tag, false)) out += w;
  return out;
}

Id tag_name_node(std::string_view key) { return hash_node("tag-name:" + std::string(key)); }

void add_tag_name_index(store::Batch& batch, const Post& post) {
  for (const auto& tag : post.tags) {
    const Id node = tag_node(tag);
    for (const auto& key : name_index_keys({fold_tag(tag)}))
      batch.add_assoc({tag_name_node(key), store::AssocType::kTagNames, node, post.id, tag});
  }
}

}  // namespace kindred::social
